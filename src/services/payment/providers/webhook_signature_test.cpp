#include <gtest/gtest.h>

#include "services/payment/provider.hpp"

namespace vetahut::payment {
namespace {

using namespace std::chrono_literals;

const core::TimePoint kAt = *core::ParseRfc3339("2026-11-24T12:00:00Z");
constexpr std::string_view kSecret = "whsec_test_secret";
constexpr std::string_view kBody = R"({"id":"evt_1","type":"payment.captured"})";

TEST(WebhookSignature, HeaderHasStripesShape) {
  const std::string header = SignWebhook(kSecret, kBody, kAt);
  EXPECT_TRUE(header.starts_with("t=1795521600,v1=")) << header;
  EXPECT_EQ(header.size(), std::string("t=1795521600,v1=").size() + 64);
}

TEST(WebhookSignature, MatchesAKnownHmacSha256) {
  // printf '1795521600.{"id":"evt_1","type":"payment.captured"}' | openssl dgst -sha256 -hmac whsec_test_secret (python hmac agrees)
  const std::string header = SignWebhook(kSecret, kBody, kAt);
  EXPECT_EQ(header.substr(header.find("v1=") + 3), "f4a6a2b0cc532ce207f3436462c87008ec94b1f0b3eaecfafdbc3568a3807716");
}

TEST(WebhookSignature, ASignedBodyVerifiesWithinTheWindow) {
  const std::string header = SignWebhook(kSecret, kBody, kAt);
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, header, kBody, kAt, 300s));
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, header, kBody, kAt + 300s, 300s));
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, header, kBody, kAt - 300s, 300s));
}

TEST(WebhookSignature, RejectsWrongSecretTamperedBodyAndGarbage) {
  const std::string header = SignWebhook(kSecret, kBody, kAt);
  for (auto r : {VerifyWebhookSignature("other", header, kBody, kAt, 300s),
                 VerifyWebhookSignature(kSecret, header, R"({"id":"evt_1","type":"payment.voided"})", kAt, 300s),
                 VerifyWebhookSignature(kSecret, "", kBody, kAt, 300s),
                 VerifyWebhookSignature(kSecret, "t=1795521600", kBody, kAt, 300s),
                 VerifyWebhookSignature(kSecret, "v1=" + header.substr(header.find("v1=") + 3), kBody, kAt, 300s),
                 VerifyWebhookSignature(kSecret, "t=abc,v1=00", kBody, kAt, 300s)}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated) << r.error().detail;
  }
}

TEST(WebhookSignature, ATimestampMovedToFitTheWindowBreaksTheSignature) {
  const std::string header = SignWebhook(kSecret, kBody, kAt);
  std::string moved = header;
  moved.replace(2, 10, "1795522000");
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, moved, kBody, kAt + 400s, 300s));
}

TEST(WebhookSignature, TooOldOrFromTheFutureIsRejected) {
  const std::string header = SignWebhook(kSecret, kBody, kAt);
  auto old = VerifyWebhookSignature(kSecret, header, kBody, kAt + 301s, 300s);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, core::ErrorCode::kUnauthenticated);
  auto future = VerifyWebhookSignature(kSecret, header, kBody, kAt - 301s, 300s);
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().code, core::ErrorCode::kUnauthenticated);
}

TEST(WebhookSignature, ATimestampOutsideUnixSecondsIsMalformed) {
  // Found by the fuzzer: t=INT64_MIN with a valid HMAC over it made `now - t` overflow. The
  // timestamp is judged before the signature, so whatever v1 says, it is refused.
  for (const char* t : {"-9223372036854775808", "-1", "9223372036854775807", "40000000000"}) {
    auto refused = VerifyWebhookSignature(kSecret, std::string("t=") + t + ",v1=00", kBody, kAt, 300s);
    ASSERT_FALSE(refused) << t;
    EXPECT_EQ(refused.error().code, core::ErrorCode::kUnauthenticated) << t;
    EXPECT_EQ(refused.error().detail, "the signature header has a malformed timestamp") << t;
  }
}

TEST(WebhookSignature, AnyOfSeveralV1SignaturesMayMatch) {
  const std::string header = SignWebhook(kSecret, kBody, kAt);
  const std::string v1 = header.substr(header.find("v1="));
  const std::string rotated = "t=1795521600,v1=" + std::string(64, '0') + "," + v1;
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, rotated, kBody, kAt, 300s));
}

}  // namespace
}  // namespace vetahut::payment
