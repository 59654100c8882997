#include "services/integration/domain/webhook_url.hpp"

#include <gtest/gtest.h>

namespace vetahut::integration {
namespace {

std::string Why(std::string_view url) {
  auto parsed = ParseWebhookUrl(url);
  if (parsed) return "";
  EXPECT_EQ(parsed.error().fields.size(), 1u);
  EXPECT_EQ(parsed.error().fields.at(0).field, "url");
  return parsed.error().fields.at(0).message;
}

TEST(WebhookUrl, ReadsSchemeHostAndPort) {
  auto a = ParseWebhookUrl("https://Hooks.Example.com/erp/vetahut?tenant=7");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->scheme, "https");
  EXPECT_EQ(a->host, "hooks.example.com");
  EXPECT_EQ(a->port, 443);
  EXPECT_FALSE(a->host_is_address);
  auto b = ParseWebhookUrl("HTTP://127.0.0.1:8099");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->scheme, "http");
  EXPECT_EQ(b->host, "127.0.0.1");
  EXPECT_EQ(b->port, 8099);
  EXPECT_TRUE(b->host_is_address);
  auto c = ParseWebhookUrl("http://[::1]:9000/hook");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 9000);
  EXPECT_TRUE(c->host_is_address);
  auto d = ParseWebhookUrl("http://partner.example.");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host, "partner.example");
  EXPECT_EQ(d->port, 80);
}

TEST(WebhookUrl, RefusesWhatASenderMustNotFollow) {
  EXPECT_EQ(Why(""), "is required");
  EXPECT_EQ(Why("ftp://example.com/x"), "must use http or https, not 'ftp'");
  EXPECT_EQ(Why("file:///etc/passwd"), "must use http or https, not 'file'");
  EXPECT_EQ(Why("gopher://example.com"), "must use http or https, not 'gopher'");
  EXPECT_EQ(Why("example.com/hook"), "must be an absolute http or https URL");
  EXPECT_EQ(Why("https://user:pw@example.com/"), "must not carry credentials (user@host): sign with the secret instead");
  EXPECT_EQ(Why("https://example.com/#frag"), "must not have a fragment ('#')");
  EXPECT_EQ(Why("https://exa mple.com/"), "must be an ASCII URL without spaces or control characters (percent-encode the rest)");
  EXPECT_EQ(Why("https://example.com/\n"), "must be an ASCII URL without spaces or control characters (percent-encode the rest)");
  EXPECT_EQ(Why("https:///path"), "must name a host");
  EXPECT_EQ(Why("https://:443/"), "must name a host");
  EXPECT_EQ(Why("https://example.com:0/"), "has a port that is not a number from 1 to 65535");
  EXPECT_EQ(Why("https://example.com:65536/"), "has a port that is not a number from 1 to 65535");
  EXPECT_EQ(Why("https://example.com:/"), "has a port that is not a number from 1 to 65535");
  EXPECT_EQ(Why("https://example.com:80x/"), "has a port that is not a number from 1 to 65535");
  EXPECT_EQ(Why("https://exa_mple.com/"), "has a malformed host name 'exa_mple.com'");
  EXPECT_EQ(Why("https://a..b/"), "has a malformed host name 'a..b'");
  EXPECT_EQ(Why("http://2130706433/"), "has a malformed IPv4 address '2130706433'");  // 127.0.0.1 in disguise
  EXPECT_EQ(Why("http://127.1/"), "has a malformed IPv4 address '127.1'");
  EXPECT_EQ(Why("http://[::1/"), "has an IPv6 address without its closing ']'");
  EXPECT_EQ(Why("http://[fe80::1%25eth0]/"), "has a malformed IPv6 address");
  EXPECT_EQ(Why("https://example.com/" + std::string(2100, 'a')), "must be at most 2048 characters");
}

}  // namespace
}  // namespace vetahut::integration
