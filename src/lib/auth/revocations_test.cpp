#include "lib/auth/revocations.hpp"

#include <gtest/gtest.h>

#include "lib/cache/cache_url.hpp"
#include "lib/cache/memory_cache.hpp"
#include "lib/cache/redis_cache.hpp"

namespace vetahut::auth {
namespace {

using namespace std::chrono_literals;

core::TimePoint Start() {
  return core::TimePoint(std::chrono::microseconds(1'700'000'000'000'000LL));
}

Claims Token(std::string jti, core::TimePoint now, std::chrono::seconds life = 900s) {
  Claims c;
  c.subject = "acct_1";
  c.token_id = std::move(jti);
  c.issued_at = now;
  c.expires_at = now + life;
  return c;
}

/// A real Redis cache that cannot reach its server: nothing listens on port 1.
std::unique_ptr<cache::Cache> DownCache() {
  return cache::MakeRedisCache(*cache::ParseCacheUrl("redis://127.0.0.1:1/0"), {});
}

TEST(Revocations, ALogoutInOneProcessIsRefusedByEveryProcessSharingTheCache) {
  core::ManualClock clock(Start());
  cache::MemoryCache shared(clock);
  Revocations customer_service(&shared), gateway(&shared);
  const Claims token = Token("jti-1", clock.Now());
  EXPECT_FALSE(gateway.IsRevoked(token, clock.Now()));
  EXPECT_TRUE(customer_service.Revoke(token, clock.Now()));
  EXPECT_TRUE(customer_service.IsRevoked(token, clock.Now()));
  EXPECT_TRUE(gateway.IsRevoked(token, clock.Now()));
  EXPECT_FALSE(gateway.IsRevoked(Token("jti-2", clock.Now()), clock.Now())) << "only that token";
}

TEST(Revocations, ARevocationLastsAsLongAsTheTokenCouldStillVerify) {
  core::ManualClock clock(Start());
  cache::MemoryCache shared(clock);
  Revocations customer_service(&shared, 30s), gateway(&shared, 30s);
  const Claims token = Token("jti-1", clock.Now(), 60s);
  ASSERT_TRUE(customer_service.Revoke(token, clock.Now()));
  clock.Advance(60s + 29s);  // past exp, within the verifiers' leeway: the token still verifies
  EXPECT_TRUE(gateway.IsRevoked(token, clock.Now()));
  EXPECT_TRUE(customer_service.IsRevoked(token, clock.Now()));
  clock.Advance(1s);  // now it cannot verify any more: the cache has let the key go
  EXPECT_FALSE(shared.Exists("revoked:jti-1").value());
}

TEST(Revocations, WithoutACacheOnlyThisProcessKnows) {
  core::ManualClock clock(Start());
  Revocations alone(nullptr);
  const Claims token = Token("jti-1", clock.Now());
  EXPECT_TRUE(alone.Revoke(token, clock.Now()));
  EXPECT_TRUE(alone.IsRevoked(token, clock.Now()));
  EXPECT_EQ(alone.Sync(clock.Now()), 0u);
  EXPECT_FALSE(alone.IsRevoked(Token("", clock.Now()), clock.Now()))
      << "a token without an id is never revoked";
}

TEST(Revocations, WhileTheCacheIsDownTheLogoutHoldsHereAndOtherProcessesFailOpen) {
  core::ManualClock clock(Start());
  auto down = DownCache();
  Revocations customer_service(down.get()), gateway(down.get());
  const Claims token = Token("jti-1", clock.Now());
  EXPECT_FALSE(customer_service.Revoke(token, clock.Now())) << "the cache did not take it";
  EXPECT_TRUE(customer_service.IsRevoked(token, clock.Now()))
      << "the process that logged out still refuses it";
  EXPECT_FALSE(gateway.IsRevoked(token, clock.Now()))
      << "fail open: a down cache does not sign everyone out";
  EXPECT_EQ(customer_service.Sync(clock.Now()), 1u) << "waiting for the cache";
  clock.Advance(900s + 30s);
  EXPECT_EQ(customer_service.Sync(clock.Now()), 0u)
      << "an expired token's revocation is no longer needed";
}

TEST(Revocations, ARevokedTokenOnceSeenStaysRefusedWhenTheCacheFails) {
  core::ManualClock clock(Start());
  cache::MemoryCache shared(clock);
  Revocations customer_service(&shared);
  const Claims token = Token("jti-1", clock.Now());
  ASSERT_TRUE(customer_service.Revoke(token, clock.Now()));
  // A gateway asked once while the cache answered …
  Revocations gateway(&shared);
  ASSERT_TRUE(gateway.IsRevoked(token, clock.Now()));
  ASSERT_TRUE(shared.Delete("revoked:jti-1"));  // … and the cache lost it (a Redis restarted empty)
  EXPECT_TRUE(gateway.IsRevoked(token, clock.Now())) << "remembered by the gateway";
  EXPECT_EQ(customer_service.Sync(clock.Now()),
            0u);  // the first sync writes every own revocation again
  EXPECT_TRUE(shared.Exists("revoked:jti-1").value())
      << "the customer service told the cache again";
}

}  // namespace
}  // namespace vetahut::auth
