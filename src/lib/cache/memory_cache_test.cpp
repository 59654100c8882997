#include "lib/cache/memory_cache.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "lib/log/log.hpp"

namespace vetahut::cache {
namespace {

using namespace std::chrono_literals;

constexpr ratelimit::Micros kS = 1'000'000;

core::TimePoint Start() { return core::TimePoint(std::chrono::microseconds(1'700'000'000LL * kS)); }

TEST(MemoryCache, SetIfAbsentStoresOnceUntilTheTtlHasPassed) {
  core::ManualClock clock(Start());
  MemoryCache cache(clock);
  EXPECT_EQ(cache.SetIfAbsent("marker", "a", 30s).value(), true);
  EXPECT_EQ(cache.SetIfAbsent("marker", "b", 30s).value(), false)
      << "a second request finds the first one's marker";
  clock.Advance(29s);
  EXPECT_EQ(cache.SetIfAbsent("marker", "b", 30s).value(), false);
  clock.Advance(1s);
  EXPECT_EQ(cache.SetIfAbsent("marker", "b", 30s).value(), true)
      << "a marker whose owner died expires";
}

TEST(MemoryCache, SetReplacesAndExistsFollowsTheTtl) {
  core::ManualClock clock(Start());
  MemoryCache cache(clock);
  EXPECT_FALSE(cache.Exists("revoked:t1").value());
  ASSERT_TRUE(cache.Set("revoked:t1", "1", 10s));
  EXPECT_TRUE(cache.Exists("revoked:t1").value());
  clock.Advance(9s);
  ASSERT_TRUE(cache.Set("revoked:t1", "1", 10s));  // replaced: the TTL starts again
  clock.Advance(9s);
  EXPECT_TRUE(cache.Exists("revoked:t1").value());
  clock.Advance(1s);
  EXPECT_FALSE(cache.Exists("revoked:t1").value());
  ASSERT_TRUE(cache.Set("k", "v", 10s));
  ASSERT_TRUE(cache.Delete("k"));
  EXPECT_FALSE(cache.Exists("k").value());
  EXPECT_TRUE(cache.Delete("never-there")) << "deleting nothing is not an error";
}

TEST(MemoryCache, DeleteIfValueRemovesOnlyTheOwnersMarker) {
  core::ManualClock clock(Start());
  MemoryCache cache(clock);
  ASSERT_TRUE(cache.SetIfAbsent("marker", "first", 5s).value());
  clock.Advance(5s);  // the first owner took too long: its marker expired …
  ASSERT_TRUE(cache.SetIfAbsent("marker", "second", 5s).value());  // … and another request took it
  EXPECT_FALSE(cache.DeleteIfValue("marker", "first").value())
      << "the first owner must not release the second's marker";
  EXPECT_TRUE(cache.Exists("marker").value());
  EXPECT_TRUE(cache.DeleteIfValue("marker", "second").value());
  EXPECT_FALSE(cache.Exists("marker").value());
  EXPECT_FALSE(cache.DeleteIfValue("marker", "second").value());
}

TEST(MemoryCache, TakeRateDecidesLikeTheInProcessLimiter) {
  core::ManualClock clock(Start());
  MemoryCache cache(clock);
  ratelimit::Limiter reference;
  const ratelimit::Policy policy{"anonymous", 5, 10s};
  const ratelimit::Micros t0 = Start().time_since_epoch().count();
  // A burst of the whole quota, refusals, then one request per interval (2 s) as time passes.
  for (ratelimit::Micros at : std::initializer_list<ratelimit::Micros>{
           0, 0, 1, 2, 3, 4, 5, kS, 2 * kS, 2 * kS + 1, 4 * kS, 30 * kS}) {
    const auto want = reference.Take("ip:1", policy, t0 + at);
    const auto got = cache.TakeRate("ip:1", policy, t0 + at);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->allowed, want.allowed) << "at +" << at << " µs";
    EXPECT_EQ(got->tat, want.tat);
    EXPECT_EQ(got->remaining, want.remaining);
    EXPECT_EQ(got->reset_s, want.reset_s);
    EXPECT_EQ(got->retry_after_s, want.retry_after_s);
  }
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += cache.TakeRate("ip:2", policy, t0).value().allowed;
  EXPECT_EQ(allowed, 5) << "another key has its own quota";
}

TEST(MemoryCache, ExpiredEntriesAreSweptAsNewOnesArrive) {
  core::ManualClock clock(Start());
  MemoryCache cache(clock);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(cache.Set("old:" + std::to_string(i), "x", 1s));
  EXPECT_EQ(cache.size(), 1000u);
  clock.Advance(2s);
  for (int i = 0; i < 1100; ++i) ASSERT_TRUE(cache.Set("new:" + std::to_string(i), "x", 60s));
  EXPECT_LE(cache.size(), 1100u) << "the expired entries were swept";
  EXPECT_TRUE(cache.Exists("new:0").value());
}

TEST(MemoryCache, OpenCacheChoosesByUrlAndRefusesABadOne) {
  core::ManualClock clock(Start());
  auto memory = OpenCache("memory:", {}, clock);
  EXPECT_EQ(memory->Describe(), "memory:");
  EXPECT_FALSE(memory->Shared());
  auto redis = OpenCache("redis://:secret@127.0.0.1:1/2", {}, clock);  // does not connect yet
  EXPECT_TRUE(redis->Shared());
  EXPECT_EQ(redis->Describe(), "redis://***@127.0.0.1:1/2") << "credentials never reach logs";
  EXPECT_THROW(OpenCache("memcached://127.0.0.1", {}, clock), std::invalid_argument);
}

class OutageLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::SetSink([this](std::string_view line) { lines_.emplace_back(line); });
    log::SetLevel(log::Level::kInfo);
  }
  void TearDown() override { log::SetSink(nullptr); }
  std::vector<std::string> lines_;
};

TEST_F(OutageLogTest, AnOutageIsLoggedOnceWhenItStartsAndOnceWhenItEnds) {
  OutageLog outage("rate limits", "each process limits on its own");
  outage.Succeeded();
  EXPECT_TRUE(lines_.empty());
  EXPECT_TRUE(outage.Failed(core::Error::Unavailable("connection refused")));
  for (int i = 0; i < 100; ++i)
    EXPECT_FALSE(outage.Failed(core::Error::Unavailable("connection refused")));
  EXPECT_TRUE(outage.down());
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("\"level\":\"warn\""), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[0].find("rate limits"), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[0].find("each process limits on its own"), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[0].find("connection refused"), std::string::npos) << lines_[0];
  for (int i = 0; i < 100; ++i) outage.Succeeded();
  EXPECT_FALSE(outage.down());
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_NE(lines_[1].find("the cache is back"), std::string::npos) << lines_[1];
  EXPECT_TRUE(outage.Failed(core::Error::Unavailable("timeout")))
      << "the next outage is logged again";
  EXPECT_EQ(lines_.size(), 3u);
}

}  // namespace
}  // namespace vetahut::cache
