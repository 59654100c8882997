#include "services/location/domain/geo.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

namespace vetahut::location {
namespace {

TEST(GeoGreatCircle, NewYorkToLondonIsAbout5570Km) {
  const double d = GreatCircleMeters({40.7128, -74.0060}, {51.5074, -0.1278});
  EXPECT_NEAR(d, 5'570'000, 5'000);
}

TEST(GeoGreatCircle, SamePointIsZero) {
  EXPECT_EQ(GreatCircleMeters({40.7128, -74.0060}, {40.7128, -74.0060}), 0.0);
}

TEST(GeoGreatCircle, IsSymmetric) {
  const LatLon a{48.8566, 2.3522};
  const LatLon b{-33.8688, 151.2093};
  EXPECT_DOUBLE_EQ(GreatCircleMeters(a, b), GreatCircleMeters(b, a));
}

TEST(GeoGreatCircle, AcrossTheAntimeridianIsShort) {
  // Suva, Fiji (178.4 E) to Apia, Samoa (171.8 W): about 1,150 km the short way round.
  const double d = GreatCircleMeters({-18.1416, 178.4419}, {-13.8333, -171.7500});
  EXPECT_GT(d, 1'000'000);
  EXPECT_LT(d, 1'300'000);
}

TEST(GeoGreatCircle, OneDegreeOfLatitudeIsAbout111Km) {
  EXPECT_NEAR(GreatCircleMeters({10, 20}, {11, 20}), 111'195, 1);
}

TEST(GeoGreatCircle, AntipodesAreHalfTheCircumference) {
  EXPECT_NEAR(GreatCircleMeters({0, 0}, {0, 180}), std::numbers::pi * kEarthRadiusMeters, 1e-3);
  EXPECT_NEAR(GreatCircleMeters({90, 0}, {-90, 0}), std::numbers::pi * kEarthRadiusMeters, 1e-3);
}

struct Store {
  std::string id;
  LatLon position;
};

std::vector<Store> RandomStores(std::size_t n, std::mt19937_64& rng) {
  // Uniform over the sphere (not over lat/lon) so polar and antimeridian cases all occur.
  std::uniform_real_distribution<double> z(-1, 1);
  std::uniform_real_distribution<double> lon(-180, 180);
  std::vector<Store> stores;
  stores.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    stores.push_back(
        {"store-" + std::to_string(i), {std::asin(z(rng)) * 180 / std::numbers::pi, lon(rng)}});
  }
  return stores;
}

std::vector<StoreIndex::Hit> BruteForce(
    const std::vector<Store>& stores, LatLon from, std::size_t k,
    const std::function<bool(const std::string&)>& filter = {}) {
  std::vector<StoreIndex::Hit> all;
  for (const auto& s : stores) {
    if (!filter || filter(s.id)) all.push_back({s.id, GreatCircleMeters(from, s.position)});
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.store_id < b.store_id;
  });
  all.resize(std::min(k, all.size()));
  return all;
}

void ExpectSameHits(const std::vector<StoreIndex::Hit>& actual,
                    const std::vector<StoreIndex::Hit>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].store_id, expected[i].store_id) << "rank " << i;
    EXPECT_NEAR(actual[i].distance_m, expected[i].distance_m,
                1e-6 * std::max(1.0, expected[i].distance_m))
        << "rank " << i;
  }
}

class StoreIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stores_ = RandomStores(10'000, rng_);
    for (const auto& s : stores_) index_.Upsert(s.id, s.position);
    queries_ = RandomStores(200, rng_);
  }
  std::mt19937_64 rng_{20240601};
  std::vector<Store> stores_;
  std::vector<Store> queries_;
  StoreIndex index_;
};

TEST_F(StoreIndexTest, NearestFiveMatchesABruteForceScan) {
  ASSERT_EQ(index_.size(), 10'000u);
  for (const auto& q : queries_) {
    SCOPED_TRACE(testing::Message()
                 << "query " << q.position.latitude << "," << q.position.longitude);
    ExpectSameHits(index_.Nearest(q.position, 5), BruteForce(stores_, q.position, 5));
  }
}

TEST_F(StoreIndexTest, NearestWithALargeKMatchesABruteForceScan) {
  for (std::size_t i = 0; i < 10; ++i) {
    ExpectSameHits(index_.Nearest(queries_[i].position, 100),
                   BruteForce(stores_, queries_[i].position, 100));
  }
}

TEST_F(StoreIndexTest, FilteredOutStoresDoNotReduceTheCount) {
  auto even_only = [](const std::string& id) { return std::stoi(id.substr(6)) % 2 == 0; };
  for (const auto& q : queries_) {
    auto hits = index_.Nearest(q.position, 5, even_only);
    ASSERT_EQ(hits.size(), 5u);
    ExpectSameHits(hits, BruteForce(stores_, q.position, 5, even_only));
  }
}

TEST_F(StoreIndexTest, AFilterThatAcceptsNothingReturnsNothing) {
  EXPECT_TRUE(index_.Nearest({0, 0}, 5, [](const std::string&) { return false; }).empty());
}

TEST_F(StoreIndexTest, UpsertMovesAnExistingStore) {
  const LatLon query{-45.0, 100.0};
  const std::string moved = "store-42";
  ASSERT_NE(index_.Nearest(query, 1).at(0).store_id, moved);
  index_.Upsert(moved, {-45.0001, 100.0001});
  EXPECT_EQ(index_.size(), 10'000u);
  auto hits = index_.Nearest(query, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].store_id, moved);
  EXPECT_NEAR(hits[0].distance_m, GreatCircleMeters(query, {-45.0001, 100.0001}), 1e-9);
  // Nothing is left at the old position.
  const LatLon old = stores_[42].position;
  for (const auto& hit : index_.Nearest(old, 3)) EXPECT_NE(hit.store_id, moved);
}

TEST_F(StoreIndexTest, RemoveTakesAStoreOut) {
  const LatLon at = stores_[7].position;
  ASSERT_EQ(index_.Nearest(at, 1).at(0).store_id, "store-7");
  index_.Remove("store-7");
  index_.Remove("store-7");  // removing twice is harmless
  index_.Remove("no-such-store");
  EXPECT_EQ(index_.size(), 9'999u);
  for (const auto& hit : index_.Nearest(at, 10)) EXPECT_NE(hit.store_id, "store-7");
  index_.Upsert("store-new", at);  // the freed slot is reused
  EXPECT_EQ(index_.Nearest(at, 1).at(0).store_id, "store-new");
}

TEST(StoreIndex, KLargerThanSizeReturnsEveryStoreNearestFirst) {
  StoreIndex index;
  index.Upsert("far", {10, 10});
  index.Upsert("near", {0.1, 0.1});
  index.Upsert("mid", {1, 1});
  auto hits = index.Nearest({0, 0}, 10);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].store_id, "near");
  EXPECT_EQ(hits[1].store_id, "mid");
  EXPECT_EQ(hits[2].store_id, "far");
  EXPECT_EQ(index.Nearest({0, 0}, 10, [](const std::string& id) { return id != "mid"; }).size(),
            2u);
}

TEST(StoreIndex, EmptyIndexAndZeroKReturnNothing) {
  StoreIndex index;
  EXPECT_TRUE(index.Nearest({0, 0}, 5).empty());
  index.Upsert("a", {0, 0});
  EXPECT_TRUE(index.Nearest({0, 0}, 0).empty());
}

TEST(StoreIndex, FindsTheNearestAcrossTheAntimeridianAndThePole) {
  StoreIndex index;
  index.Upsert("fiji", {-18.1416, 178.4419});
  index.Upsert("samoa", {-13.8333, -171.7500});
  index.Upsert("far-west", {-18.0, 150.0});
  EXPECT_EQ(index.Nearest({-17.0, -179.9}, 1).at(0).store_id, "fiji");
  index.Upsert("north-a", {89.9, 0});
  index.Upsert("north-b", {89.0, 180});
  EXPECT_EQ(index.Nearest({89.95, 179}, 1).at(0).store_id, "north-a");
}

TEST(StoreIndex, AnInvalidPositionIsRejected) {
  StoreIndex index;
  EXPECT_THROW(index.Upsert("a", {91, 0}), std::invalid_argument);
  EXPECT_THROW(index.Upsert("a", {0, std::nan("")}), std::invalid_argument);
  EXPECT_EQ(index.size(), 0u);
}

TEST(StoreIndex, AMovedFromIndexIsEmptyAndUsable) {
  StoreIndex a;
  a.Upsert("x", {1, 1});
  StoreIndex b(std::move(a));
  EXPECT_EQ(b.size(), 1u);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): documented behaviour
  EXPECT_TRUE(a.Nearest({1, 1}, 1).empty());
  a.Upsert("y", {2, 2});
  EXPECT_EQ(a.Nearest({1, 1}, 1).at(0).store_id, "y");
}

}  // namespace
}  // namespace vetahut::location
