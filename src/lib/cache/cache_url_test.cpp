#include "lib/cache/cache_url.hpp"

#include <gtest/gtest.h>

namespace vetahut::cache {
namespace {

TEST(CacheUrl, MemoryAndRedisUrlsAreRead) {
  auto memory = ParseCacheUrl("memory:");
  ASSERT_TRUE(memory);
  EXPECT_EQ(memory->kind, CacheUrl::Kind::kMemory);

  auto plain = ParseCacheUrl("redis://cache.internal");
  ASSERT_TRUE(plain) << plain.error().detail;
  EXPECT_EQ(plain->kind, CacheUrl::Kind::kRedis);
  EXPECT_EQ(plain->host, "cache.internal");
  EXPECT_EQ(plain->port, 6379);
  EXPECT_EQ(plain->db, 0);
  EXPECT_TRUE(plain->password.empty());

  auto full = ParseCacheUrl("redis://vetahut:s%40cret%3A1@10.0.0.7:6380/3");
  ASSERT_TRUE(full) << full.error().detail;
  EXPECT_EQ(full->username, "vetahut");
  EXPECT_EQ(full->password, "s@cret:1");
  EXPECT_EQ(full->host, "10.0.0.7");
  EXPECT_EQ(full->port, 6380);
  EXPECT_EQ(full->db, 3);

  auto password_only = ParseCacheUrl("redis://:secret@127.0.0.1:46379/0");
  ASSERT_TRUE(password_only) << password_only.error().detail;
  EXPECT_TRUE(password_only->username.empty());
  EXPECT_EQ(password_only->password, "secret");

  auto v6 = ParseCacheUrl("redis://[::1]:7000/1");
  ASSERT_TRUE(v6) << v6.error().detail;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 7000);
  EXPECT_EQ(v6->Redacted(), "redis://[::1]:7000/1");
}

TEST(CacheUrl, CredentialsNeverAppearInTheRedactedForm) {
  auto url = ParseCacheUrl("redis://vetahut:hunter2@cache:6379/0");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->Redacted(), "redis://***@cache:6379/0");
}

TEST(CacheUrl, EachMistakeIsRefusedWithItsReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "must be memory: or redis://"},
      {"memory", "must be memory: or redis://"},
      {"http://cache:6379", "must be memory: or redis://"},
      {"rediss://cache:6379", "TLS"},
      {"redis://", "the host is missing"},
      {"redis://:6379/0", "the host is missing"},
      {"redis://cache:0", "the port must be 1-65535"},
      {"redis://cache:70000", "the port must be 1-65535"},
      {"redis://cache:port", "the port must be 1-65535"},
      {"redis://cache:", "the port after ':' is missing"},
      {"redis://cache:6379/x", "the database must be a number"},
      {"redis://cache:6379/-1", "the database must be a number"},
      {"redis://cache/0?timeout=1", "no ?query"},
      {"redis://ca che/0", "is not a host name"},
      {"redis://[::1/0", "[ADDRESS]"},
      {"redis://[zz]:1/0", "is not an IPv6 address"},
      {"redis://user:@cache", "a user needs a password"},
      {"redis://:bad%zz@cache", "two hex digits"},
      {"redis://:bad%2@cache", "two hex digits"},
  };
  for (const auto& [url, why] : cases) {
    auto parsed = ParseCacheUrl(url);
    ASSERT_FALSE(parsed) << url;
    EXPECT_EQ(parsed.error().code, core::ErrorCode::kBadRequest);
    EXPECT_NE(parsed.error().detail.find(why), std::string::npos)
        << url << ": " << parsed.error().detail;
  }
}

}  // namespace
}  // namespace vetahut::cache
