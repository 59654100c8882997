#include "lib/ratelimit/gcra.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace vetahut::ratelimit {

namespace {

constexpr Micros kSecond = 1'000'000;
constexpr std::size_t kShards = 16;
constexpr std::size_t kSweepEvery = 4096;  // decisions per shard between sweeps

Micros CeilSeconds(Micros us) { return (us + kSecond - 1) / kSecond; }

}  // namespace

Cells CellsOf(const Policy& policy) {
  const Micros window = std::chrono::duration_cast<std::chrono::microseconds>(policy.window).count();
  const std::int64_t quota = std::max<std::int64_t>(policy.quota, 1);
  return {window, std::max<Micros>(window / quota, 1)};
}

Decision Decide(const Policy& policy, Micros tat, Micros now) {
  Decision d;
  const auto [window, interval] = CellsOf(policy);
  const std::int64_t quota = std::max<std::int64_t>(policy.quota, 1);
  const Micros start = std::max(tat, now);
  const Micros next = start + interval;
  // Allowed while the new TAT stays within one window of now: the whole quota at once, then one
  // request per interval.
  if (next - now > window) {
    d.allowed = false;
    d.tat = tat;
    d.remaining = 0;
    d.retry_after_s = std::max<Micros>(1, CeilSeconds(next - window - now));
    d.reset_s = CeilSeconds(start - now);
    return d;
  }
  d.allowed = true;
  d.tat = next;
  d.remaining = std::clamp<std::int64_t>((window - (next - now)) / interval, 0, quota - 1);
  d.reset_s = CeilSeconds(next - now);
  return d;
}

std::string PolicyHeader(const Policy& policy) {
  return fmt::format("\"{}\";q={};w={}", policy.name, policy.quota, policy.window.count());
}

std::string RateLimitHeader(const Policy& policy, const Decision& decision) {
  return fmt::format("\"{}\";r={};t={}", policy.name, decision.remaining, decision.reset_s);
}

/// Lookups by string_view without building a string.
struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
};

struct Limiter::Shard {
  std::mutex mutex;
  std::unordered_map<std::string, Micros, KeyHash, std::equal_to<>> tats;
  std::size_t since_sweep = 0;
};

Limiter::Limiter() : shards_(new Shard[kShards]) {}
Limiter::~Limiter() = default;

Decision Limiter::Take(std::string_view key, const Policy& policy, Micros now) {
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  if (++shard.since_sweep >= kSweepEvery) {
    shard.since_sweep = 0;
    std::erase_if(shard.tats, [now](const auto& entry) { return entry.second <= now; });
  }
  auto it = shard.tats.find(key);
  const Decision d = Decide(policy, it == shard.tats.end() ? 0 : it->second, now);
  if (d.allowed) {
    if (it == shard.tats.end()) {
      shard.tats.emplace(std::string(key), d.tat);
    } else {
      it->second = d.tat;
    }
  }
  return d;
}

std::size_t Limiter::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    n += shards_[i].tats.size();
  }
  return n;
}

}  // namespace vetahut::ratelimit
