// The Redis cache on a real server (scripts/with-redis.sh exports VETAHUT_TEST_REDIS_URL and
// VETAHUT_TEST_REDIS_CTL, a script taking stop|start|pause MS to simulate outages). Without the
// URL every test is skipped, saying so. Each test uses its own key prefix, so tests sharing one
// server do not see each other's keys.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

#include "lib/cache/cache.hpp"
#include "lib/cache/cache_url.hpp"
#include "lib/cache/memory_cache.hpp"
#include "lib/cache/redis_cache.hpp"

namespace vetahut::cache {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

std::string RedisUrl() {
  const char* url = std::getenv("VETAHUT_TEST_REDIS_URL");
  return url ? url : "";
}

#define REQUIRE_REDIS()                                                                       \
  do {                                                                                        \
    if (RedisUrl().empty()) {                                                                 \
      GTEST_SKIP() << "VETAHUT_TEST_REDIS_URL is not set: run through scripts/with-redis.sh " \
                      "(scripts/test.sh does) to test the Redis cache on a real server";      \
    }                                                                                         \
  } while (0)

/// Stops, starts or pauses the server through VETAHUT_TEST_REDIS_CTL.
void Server(const std::string& what) {
  const char* ctl = std::getenv("VETAHUT_TEST_REDIS_CTL");
  ASSERT_TRUE(ctl && *ctl) << "VETAHUT_TEST_REDIS_CTL is not set (scripts/with-redis.sh sets it)";
  ASSERT_EQ(std::system((std::string(ctl) + " " + what).c_str()), 0)
      << "redis " << what << " failed";
}

/// Runs redis-cli against the test server (for what the cache does not do itself: SCRIPT FLUSH).
int Cli(const std::string& args) {
  return std::system(("redis-cli -u '" + RedisUrl() + "' " + args + " >/dev/null").c_str());
}

template <class F>
bool WaitFor(F&& done, std::chrono::milliseconds timeout = 10s) {
  const auto until = Steady::now() + timeout;
  while (Steady::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

template <class F>
std::chrono::milliseconds Timed(F&& f) {
  const auto start = Steady::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start);
}

ratelimit::Micros NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class RedisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_REDIS();
    std::random_device rd;
    options_.key_prefix = "test" + std::to_string(rd() % 1000000000u) + ":";
    options_.first_backoff = 50ms;
    options_.max_backoff = 400ms;
  }
  std::unique_ptr<Cache> Open(const std::string& url = RedisUrl()) {
    auto parsed = ParseCacheUrl(url);
    EXPECT_TRUE(parsed) << parsed.error().detail;
    return MakeRedisCache(*parsed, options_);
  }
  CacheOptions options_;
};

TEST_F(RedisCacheTest, KeysValuesAndExpiryBehaveAsInMemory) {
  auto cache = Open();
  EXPECT_FALSE(cache->Exists("revoked:t1").value());
  ASSERT_TRUE(cache->Set("revoked:t1", "1", 300ms));
  EXPECT_TRUE(cache->Exists("revoked:t1").value());
  EXPECT_TRUE(WaitFor([&] { return !cache->Exists("revoked:t1").value(); }, 3s))
      << "the key outlived its TTL";

  EXPECT_TRUE(cache->SetIfAbsent("marker", "first", 300ms).value());
  EXPECT_FALSE(cache->SetIfAbsent("marker", "second", 30s).value())
      << "the first request's marker holds";
  EXPECT_TRUE(WaitFor([&] { return cache->SetIfAbsent("marker", "second", 30s).value(); }, 3s))
      << "a marker whose owner died must expire";
  EXPECT_FALSE(cache->DeleteIfValue("marker", "first").value())
      << "the first owner must not release the second's marker";
  EXPECT_TRUE(cache->Exists("marker").value());
  EXPECT_TRUE(cache->DeleteIfValue("marker", "second").value());
  EXPECT_FALSE(cache->Exists("marker").value());

  ASSERT_TRUE(cache->Set("k", std::string("binary\0value\r\n", 14), 10s));
  EXPECT_FALSE(cache->DeleteIfValue("k", "binary").value())
      << "values compare whole, NUL bytes included";
  EXPECT_TRUE(cache->DeleteIfValue("k", std::string("binary\0value\r\n", 14)).value());
  EXPECT_TRUE(cache->Delete("never-there"));
  EXPECT_EQ(cache->Stats().failures, 0u);
  EXPECT_TRUE(cache->Stats().reachable);
}

TEST_F(RedisCacheTest, TakeRateGivesTheInProcessLimitersDecisions) {
  auto cache = Open();
  ratelimit::Limiter reference;
  const ratelimit::Policy policy{"anonymous", 5, 10s};
  const ratelimit::Micros t0 = NowMicros();
  constexpr ratelimit::Micros kS = 1'000'000;
  for (ratelimit::Micros at : std::initializer_list<ratelimit::Micros>{
           0, 0, 1, 2, 3, 4, 5, kS, 2 * kS, 2 * kS + 1, 4 * kS, 7 * kS + 999}) {
    const auto want = reference.Take("ip:1", policy, t0 + at);
    const auto got = cache->TakeRate("ip:1", policy, t0 + at);
    ASSERT_TRUE(got) << got.error().detail;
    EXPECT_EQ(got->allowed, want.allowed) << "at +" << at << " µs";
    EXPECT_EQ(got->tat, want.tat) << "at +" << at << " µs";
    EXPECT_EQ(got->remaining, want.remaining);
    EXPECT_EQ(got->reset_s, want.reset_s);
    EXPECT_EQ(got->retry_after_s, want.retry_after_s);
  }
}

TEST_F(RedisCacheTest, ReplicasTakingAtOnceNeverExceedTheQuotaTogether) {
  // Two caches are two processes: each its own connections, one server.
  auto a = Open();
  auto b = Open();
  const ratelimit::Policy policy{"account", 50, 60s};
  std::atomic<int> allowed{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    Cache* cache = t % 2 ? a.get() : b.get();
    threads.emplace_back([&, cache] {
      for (int i = 0; i < 40; ++i) {
        auto d = cache->TakeRate("p:acct_1", policy, NowMicros());
        if (!d) {
          ++failed;
        } else if (d->allowed) {
          ++allowed;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(allowed.load(), 50) << "320 requests from two replicas share one quota of 50";
}

TEST_F(RedisCacheTest, TheRateScriptIsSentAgainWhenTheServerForgotIt) {
  auto cache = Open();
  const ratelimit::Policy policy{"anonymous", 3, 60s};
  const auto t0 = NowMicros();
  ASSERT_TRUE(cache->TakeRate("ip:flush", policy, t0).value().allowed);
  ASSERT_EQ(Cli("SCRIPT FLUSH"), 0);  // as after a restart: EVALSHA answers NOSCRIPT
  auto d = cache->TakeRate("ip:flush", policy, t0);
  ASSERT_TRUE(d) << d.error().detail;
  EXPECT_TRUE(d->allowed);
  EXPECT_EQ(d->remaining, 1) << "the second request of three, with the state kept";
  EXPECT_FALSE(cache->DeleteIfValue("nothing", "x").value());
  ASSERT_EQ(Cli("SCRIPT FLUSH"), 0);
  EXPECT_FALSE(cache->DeleteIfValue("nothing", "x").value());
}

TEST_F(RedisCacheTest, StoppedRedisFailsFastAndIsUsedAgainWhenItIsBack) {
  auto cache = Open();
  const ratelimit::Policy policy{"anonymous", 1000, 60s};
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(cache->TakeRate("ip:outage", policy, NowMicros()));  // pooled connections
  ASSERT_TRUE(cache->Set("revoked:outage", "1", 60s));

  Server("stop");
  // The pooled connections are dead: the first call notices (its retry on a new connection is
  // refused) and answers kUnavailable at once.
  core::Result<bool> first = true;
  auto took = Timed([&] { first = cache->Exists("revoked:outage"); });
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(first.error().detail.find("Redis at"), std::string::npos) << first.error().detail;
  EXPECT_LT(took, 1000ms);
  EXPECT_FALSE(cache->Stats().reachable);
  // Every call of the outage fails fast, as a value: no exception, no wait.
  int failures = 0;
  took = Timed([&] {
    for (int i = 0; i < 200; ++i) {
      failures += !cache->TakeRate("ip:outage", policy, NowMicros());
      failures += !cache->SetIfAbsent("marker", "x", 1s);
      failures += !cache->Set("revoked:x", "1", 1s);
      failures += !cache->Delete("marker");
      failures += !cache->DeleteIfValue("marker", "x");
    }
  });
  EXPECT_EQ(failures, 1000);
  EXPECT_LT(took, 2000ms) << "1000 calls to a stopped Redis must fail fast, not wait on it";
  EXPECT_GE(cache->Stats().failures, 1001u);

  Server("start");  // empty: nothing is persisted
  EXPECT_TRUE(
      WaitFor([&] { return cache->TakeRate("ip:outage", policy, NowMicros()).has_value(); }, 5s))
      << "the cache did not reconnect after Redis came back";
  EXPECT_TRUE(cache->Stats().reachable);
  EXPECT_FALSE(cache->Exists("revoked:outage").value())
      << "this test server keeps nothing across a restart";
  EXPECT_TRUE(cache->SetIfAbsent("marker", "x", 10s).value());
  EXPECT_TRUE(cache->DeleteIfValue("marker", "x").value()) << "the scripts are loaded again";
}

TEST_F(RedisCacheTest, ARestartBetweenTwoCallsCostsNoFailure) {
  auto cache = Open();
  // Several pooled connections, all of which the restart will close.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) ASSERT_TRUE(cache->Set("k", "v", 60s));
    });
  }
  for (auto& t : threads) t.join();
  Server("stop");
  Server("start");
  for (int i = 0; i < 10; ++i) {
    auto r = cache->Exists("k");
    ASSERT_TRUE(r) << "call " << i << " after the restart: " << r.error().detail;
  }
  EXPECT_EQ(cache->Stats().failures, 0u)
      << "the dead connections were replaced without a failed call";
}

TEST_F(RedisCacheTest, ARedisThatDoesNotAnswerCostsOneTimeoutThenFailsFast) {
  options_.timeout = 200ms;
  auto cache = Open();
  ASSERT_TRUE(cache->Set("k", "v", 60s));
  Server("pause 1500");  // accepts, reads, answers nothing for 1.5 s
  core::Status first;
  auto took = Timed([&] { first = cache->Set("k", "w", 60s); });
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().detail.find("no reply within 200 ms"), std::string::npos)
      << first.error().detail;
  EXPECT_LT(took, 1000ms) << "bounded by the timeout, not by the server";
  took = Timed([&] {
    for (int i = 0; i < 100; ++i) EXPECT_FALSE(cache->Exists("k"));
  });
  EXPECT_LT(took, 1000ms) << "while in back-off, calls do not wait for the paused server";
  EXPECT_TRUE(WaitFor([&] { return cache->Exists("k").has_value(); }, 5s))
      << "not used again after the pause";
  EXPECT_TRUE(cache->Exists("k").value());
}

TEST_F(RedisCacheTest, ARefusedPasswordOrDatabaseIsAnErrorNotAHang) {
  const std::string url = RedisUrl();  // redis://127.0.0.1:PORT/0
  const std::string hostport = url.substr(8, url.rfind('/') - 8);
  auto wrong_password = Open("redis://:not-the-password@" + hostport + "/0");
  auto r = wrong_password->Exists("k");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(r.error().detail.find("AUTH was refused"), std::string::npos) << r.error().detail;
  EXPECT_EQ(r.error().detail.find("not-the-password"), std::string::npos)
      << "the password is never in a message";
  auto wrong_db = Open("redis://" + hostport + "/99");
  r = wrong_db->Exists("k");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("SELECT 99 was refused"), std::string::npos) << r.error().detail;
  auto nobody = Open("redis://127.0.0.1:1/0");  // nothing listens on port 1
  r = nobody->Exists("k");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("cannot connect"), std::string::npos) << r.error().detail;
}

TEST_F(RedisCacheTest, ADatabaseNumberKeepsKeysApart) {
  const std::string url = RedisUrl();
  const std::string hostport = url.substr(8, url.rfind('/') - 8);
  auto db0 = Open("redis://" + hostport + "/0");
  auto db1 = Open("redis://" + hostport + "/1");
  ASSERT_TRUE(db0->Set("where", "0", 10s));
  EXPECT_FALSE(db1->Exists("where").value());
  EXPECT_TRUE(db0->Exists("where").value());
}

}  // namespace
}  // namespace vetahut::cache
