// Nearest-store lookups over a chain-sized index: 10,000 stores across the continental US.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "services/location/domain/geo.hpp"

namespace {

using vetahut::location::LatLon;
using vetahut::location::StoreIndex;

constexpr std::size_t kStores = 10'000;
constexpr std::size_t kQueries = 1'000;

std::vector<LatLon> RandomUsPoints(std::size_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> lat(25, 49);
  std::uniform_real_distribution<double> lon(-124, -67);
  std::vector<LatLon> points;
  points.reserve(n);
  for (std::size_t i = 0; i < n; ++i) points.push_back({lat(rng), lon(rng)});
  return points;
}

struct Fixture {
  StoreIndex index;
  std::vector<LatLon> queries;
  Fixture() {
    std::mt19937_64 rng(42);
    const auto stores = RandomUsPoints(kStores, rng);
    for (std::size_t i = 0; i < stores.size(); ++i)
      index.Upsert("store-" + std::to_string(i), stores[i]);
    queries = RandomUsPoints(kQueries, rng);
  }
};

const Fixture& Shared() {
  static const Fixture fixture;
  return fixture;
}

void BM_Nearest5(benchmark::State& state) {
  const Fixture& f = Shared();
  std::size_t q = 0;
  for (auto _ : state) {
    auto hits = f.index.Nearest(f.queries[q], 5);
    benchmark::DoNotOptimize(hits.data());
    q = q + 1 == f.queries.size() ? 0 : q + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Nearest5);

// About half the stores accepted (say, those open now), so roughly twice the candidates visited.
void BM_Nearest5Filtered50(benchmark::State& state) {
  const Fixture& f = Shared();
  const std::function<bool(const std::string&)> open_now = [](const std::string& id) {
    return (id.back() - '0') % 2 == 0;
  };
  std::size_t q = 0;
  for (auto _ : state) {
    auto hits = f.index.Nearest(f.queries[q], 5, open_now);
    benchmark::DoNotOptimize(hits.data());
    q = q + 1 == f.queries.size() ? 0 : q + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Nearest5Filtered50);

// The baseline the index replaces: haversine to every store, keep the best five.
void BM_Nearest5BruteForce(benchmark::State& state) {
  std::mt19937_64 rng(42);
  const auto stores = RandomUsPoints(kStores, rng);
  const auto queries = RandomUsPoints(kQueries, rng);
  std::size_t q = 0;
  for (auto _ : state) {
    std::vector<std::pair<double, std::size_t>> all;
    all.reserve(stores.size());
    for (std::size_t i = 0; i < stores.size(); ++i) {
      all.emplace_back(vetahut::location::GreatCircleMeters(queries[q], stores[i]), i);
    }
    std::partial_sort(all.begin(), all.begin() + 5, all.end());
    benchmark::DoNotOptimize(all.data());
    q = q + 1 == queries.size() ? 0 : q + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Nearest5BruteForce);

void BM_BuildIndex(benchmark::State& state) {
  std::mt19937_64 rng(42);
  const auto stores = RandomUsPoints(kStores, rng);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < stores.size(); ++i) ids.push_back("store-" + std::to_string(i));
  for (auto _ : state) {
    StoreIndex index;
    for (std::size_t i = 0; i < stores.size(); ++i) index.Upsert(ids[i], stores[i]);
    benchmark::DoNotOptimize(index.size());
  }
}
BENCHMARK(BM_BuildIndex)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
