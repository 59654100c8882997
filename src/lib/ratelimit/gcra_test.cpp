#include "lib/ratelimit/gcra.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace vetahut::ratelimit {
namespace {

constexpr Micros kS = 1'000'000;
const Policy kFivePerTen{"default", 5, std::chrono::seconds(10)};

TEST(Gcra, TheWholeQuotaAtOnceThenOneRequestPerInterval) {
  Micros tat = 0;
  const Micros t0 = 1'000 * kS;
  for (int i = 0; i < 5; ++i) {
    const Decision d = Decide(kFivePerTen, tat, t0);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 4 - i);
    EXPECT_EQ(d.reset_s, 2 * (i + 1));  // each request is 2 s of the 10 s window
    tat = d.tat;
  }
  const Decision refused = Decide(kFivePerTen, tat, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after_s, 2);
  EXPECT_EQ(refused.tat, tat) << "a refused request costs nothing";
  EXPECT_EQ(refused.reset_s, 10);

  EXPECT_FALSE(Decide(kFivePerTen, tat, t0 + 2 * kS - 1).allowed);
  const Decision later = Decide(kFivePerTen, tat, t0 + 2 * kS);
  EXPECT_TRUE(later.allowed);
  EXPECT_EQ(later.remaining, 0);
  // Idle for a whole window: the quota is whole again.
  const Decision rested = Decide(kFivePerTen, later.tat, t0 + 30 * kS);
  EXPECT_TRUE(rested.allowed);
  EXPECT_EQ(rested.remaining, 4);
}

TEST(Gcra, RetryAfterIsAtLeastOneSecond) {
  const Policy fast{"fast", 100, std::chrono::seconds(1)};  // one request per 10 ms
  Micros tat = 0;
  for (int i = 0; i < 100; ++i) tat = Decide(fast, tat, 0).tat;
  const Decision d = Decide(fast, tat, 0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_s, 1);  // 10 ms, said in whole seconds
}

TEST(Gcra, HeadersFollowTheIetfDraft) {
  const Decision d = Decide(kFivePerTen, 0, 0);
  EXPECT_EQ(PolicyHeader(kFivePerTen), "\"default\";q=5;w=10");
  EXPECT_EQ(RateLimitHeader(kFivePerTen, d), "\"default\";r=4;t=2");
}

TEST(Limiter, KeysAreLimitedApartAndForgottenOnceWhole) {
  Limiter limiter;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.Take("ip:10.0.0.1", kFivePerTen, 0).allowed);
  EXPECT_FALSE(limiter.Take("ip:10.0.0.1", kFivePerTen, 0).allowed);
  EXPECT_TRUE(limiter.Take("ip:10.0.0.2", kFivePerTen, 0).allowed) << "another client has its own quota";
  EXPECT_EQ(limiter.size(), 2u);
  // Many other keys later, after both windows passed: the sweeps forget the two.
  for (int i = 0; i < 100'000; ++i) limiter.Take("k" + std::to_string(i % 50), kFivePerTen, 60 * kS);
  EXPECT_EQ(limiter.size(), 50u);
  EXPECT_EQ(limiter.Take("ip:10.0.0.1", kFivePerTen, 60 * kS).remaining, 4);
}

TEST(Limiter, ConcurrentTakersNeverExceedTheQuota) {
  Limiter limiter;
  const Policy hundred{"default", 100, std::chrono::seconds(60)};
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) allowed += limiter.Take("one", hundred, 5 * kS).allowed ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 100);
}

}  // namespace
}  // namespace vetahut::ratelimit
