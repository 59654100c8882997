#include "services/integration/signature.hpp"

#include <gtest/gtest.h>

namespace vetahut::integration {
namespace {

// The test vector the Standard Webhooks specification's reference libraries all check
// (standard-webhooks/standard-webhooks, libraries/*/…test…): if we match it, a partner can verify
// our deliveries with any of those libraries.
constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kTimestamp = 1614265330;
constexpr std::string_view kBody = R"({"test": 2432232314})";

TEST(StandardWebhooks, SignsThePublishedTestVector) {
  auto key = WebhookKey(kSecret);
  ASSERT_TRUE(key);
  EXPECT_EQ(SignWebhook(*key, kId, kTimestamp, kBody), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(StandardWebhooks, EveryPartOfTheSignedContentCounts) {
  const auto key = *WebhookKey(kSecret);
  const std::string good = SignWebhook(key, kId, kTimestamp, kBody);
  EXPECT_NE(SignWebhook(key, "msg_other", kTimestamp, kBody), good);
  EXPECT_NE(SignWebhook(key, kId, kTimestamp + 1, kBody), good);
  EXPECT_NE(SignWebhook(key, kId, kTimestamp, R"({"test": 2432232315})"), good);
  EXPECT_NE(SignWebhook(*WebhookKey(NewWebhookSecret()), kId, kTimestamp, kBody), good);
}

TEST(StandardWebhooks, NewSecretsAreWhsecBase64Of32RandomBytes) {
  const std::string a = NewWebhookSecret();
  const std::string b = NewWebhookSecret();
  EXPECT_TRUE(a.starts_with("whsec_")) << a;
  EXPECT_EQ(a.size(), 6u + 44u);  // base64 of 32 bytes, padded
  EXPECT_NE(a, b);
  auto key = WebhookKey(a);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->size(), 32u);
}

TEST(StandardWebhooks, MalformedSecretsHaveNoKey) {
  EXPECT_EQ(WebhookKey("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), std::nullopt);  // no prefix
  EXPECT_EQ(WebhookKey("whsec_not base64!"), std::nullopt);
  EXPECT_EQ(WebhookKey("whsec_c2hvcnQ="), std::nullopt);  // "short": under 24 bytes
  EXPECT_EQ(WebhookKey("whsec_"), std::nullopt);
}

}  // namespace
}  // namespace vetahut::integration
