// The Stripe adapter against FakeStripe on loopback: every test card, retries after lost answers
// (one intent, one capture), the money rules, error mapping, form encoding and Stripe's webhook
// signatures.
#include "services/payment/providers/stripe.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "services/payment/providers/fake_stripe.hpp"

namespace vetahut::payment {
namespace {

using namespace std::chrono_literals;

constexpr const char* kWebhookSecret = "whsec_stripe_test";

core::Money Usd(std::int64_t cents) { return core::Money(cents, *core::Currency::Find("USD")); }

class StripeTest : public ::testing::Test {
 protected:
  StripeOptions Options() const {
    StripeOptions o;
    o.api_base = fake_.url();
    o.secret_key = fake_.secret_key();
    o.webhook_secret = kWebhookSecret;
    o.timeout = 5000ms;
    return o;
  }

  std::string Token(const char* number, const char* cvc = "123") {
    auto token = stripe_.Tokenize({number, 12, 2034, cvc});
    EXPECT_TRUE(token) << (token ? "" : token.error().detail);
    return token ? token->token : "";
  }

  ProviderResult Authorize(const char* number, std::int64_t cents, const std::string& key,
                           const std::string& order_id = "ord_1") {
    auto r = stripe_.Authorize(Token(number), Usd(cents), order_id, key);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : ProviderResult{};
  }

  core::ManualClock clock_{*core::ParseRfc3339("2026-11-24T12:00:00Z")};
  FakeStripe fake_;
  StripeProvider stripe_{Options(), clock_};
};

TEST_F(StripeTest, ApprovedCardIsAuthorizedCapturedInPartAndRefunded) {
  auto token = stripe_.Tokenize({"4242 4242 4242 4242", 12, 2034, "123"});
  ASSERT_TRUE(token) << token.error().detail;
  EXPECT_TRUE(token->token.starts_with("pm_"));
  EXPECT_EQ(token->brand, "visa");
  EXPECT_EQ(token->last4, "4242");
  EXPECT_EQ(token->exp_year, 2034);

  auto auth = stripe_.Authorize(token->token, Usd(1000), "ord_42", "auth-1");
  ASSERT_TRUE(auth) << auth.error().detail;
  EXPECT_EQ(auth->status, ProviderStatus::kSucceeded);
  EXPECT_TRUE(auth->reference.starts_with("pi_"));
  EXPECT_EQ(fake_.IntentStatus(auth->reference), "requires_capture");
  EXPECT_EQ(stripe_.Retrieve(auth->reference)->message, "authorized");

  auto capture = stripe_.Capture(auth->reference, Usd(600), "cap-1");
  ASSERT_TRUE(capture) << capture.error().detail;
  EXPECT_EQ(capture->status, ProviderStatus::kSucceeded);
  EXPECT_EQ(fake_.CapturedTotal("ord_42"), 600);
  EXPECT_EQ(stripe_.Retrieve(auth->reference)->message, "captured");

  ASSERT_TRUE(stripe_.Refund(auth->reference, Usd(200), "ref-1"));
  ASSERT_TRUE(stripe_.Refund(auth->reference, Usd(400), "ref-2"));
  auto over = stripe_.Refund(auth->reference, Usd(1), "ref-3");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(fake_.RefundedTotal(auth->reference), 600);
}

TEST_F(StripeTest, DeclineCardsAreDeclinedWithTheirCodesAndIntent) {
  const std::pair<const char*, const char*> cases[] = {{"4000000000000002", "card_declined"},
                                                       {"4000000000009995", "insufficient_funds"},
                                                       {"4000000000000119", "processing_error"}};
  int n = 0;
  for (const auto& [number, code] : cases) {
    const ProviderResult r = Authorize(number, 1000, "decline-" + std::to_string(n++));
    EXPECT_EQ(r.status, ProviderStatus::kDeclined) << number;
    EXPECT_EQ(r.decline_code, code);
    EXPECT_FALSE(r.message.empty());
    ASSERT_TRUE(r.reference.starts_with("pi_"));
    auto state = stripe_.Retrieve(r.reference);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->status, ProviderStatus::kDeclined);
    EXPECT_EQ(state->decline_code, code);
    EXPECT_EQ(state->message, "failed");
  }
  EXPECT_EQ(fake_.CapturedTotal("ord_1"), 0);
}

TEST_F(StripeTest, AuthenticationCardIsPendingUntilCanceled) {
  const ProviderResult r = Authorize("4000002500003155", 1500, "pending");
  EXPECT_EQ(r.status, ProviderStatus::kPending);
  EXPECT_EQ(stripe_.Retrieve(r.reference)->status, ProviderStatus::kPending);
  auto capture = stripe_.Capture(r.reference, Usd(1500), "cap");
  ASSERT_FALSE(capture);
  EXPECT_EQ(capture.error().code, core::ErrorCode::kConflict);
  ASSERT_TRUE(stripe_.Void(r.reference, "void"));
  auto state = stripe_.Retrieve(r.reference);
  EXPECT_EQ(state->status, ProviderStatus::kDeclined);
  EXPECT_EQ(state->message, "voided");
}

TEST_F(StripeTest, ARetryAfterALostAnswerCreatesOneIntentAndCapturesOnce) {
  const std::string token = Token("4242424242424242");
  fake_.FailNextAfterProcessing(1);
  auto lost = stripe_.Authorize(token, Usd(1000), "ord_7", "auth-key");
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, core::ErrorCode::kUnavailable);
  fake_.FailNext(2);  // an outage: nothing happens, the caller retries
  EXPECT_FALSE(stripe_.Authorize(token, Usd(1000), "ord_7", "auth-key"));
  EXPECT_FALSE(stripe_.Authorize(token, Usd(1000), "ord_7", "auth-key"));
  auto retried = stripe_.Authorize(token, Usd(1000), "ord_7", "auth-key");
  ASSERT_TRUE(retried) << retried.error().detail;
  EXPECT_EQ(retried->status, ProviderStatus::kSucceeded);
  EXPECT_EQ(fake_.IntentsCreated(), 1);

  fake_.FailNextAfterProcessing(1);
  EXPECT_FALSE(stripe_.Capture(retried->reference, Usd(1000), "cap-key"));
  auto capture = stripe_.Capture(retried->reference, Usd(1000), "cap-key");
  ASSERT_TRUE(capture) << capture.error().detail;
  EXPECT_EQ(fake_.CaptureCalls(), 1);
  EXPECT_EQ(fake_.CapturedTotal("ord_7"), 1000);
}

TEST_F(StripeTest, ATimeoutThenARetryWithTheSameKeyCreatesOneIntent) {
  StripeOptions impatient = Options();
  impatient.timeout = 200ms;
  StripeProvider stripe(impatient, clock_);
  const std::string token = Token("4242424242424242");
  fake_.SetLatency(600ms);
  auto timed_out = stripe.Authorize(token, Usd(1000), "ord_8", "slow-key");
  ASSERT_FALSE(timed_out);
  EXPECT_EQ(timed_out.error().code, core::ErrorCode::kUnavailable);
  fake_.SetLatency(0ms);
  std::this_thread::sleep_for(600ms);  // the first request finishes on the server
  auto retried = stripe.Authorize(token, Usd(1000), "ord_8", "slow-key");
  ASSERT_TRUE(retried) << retried.error().detail;
  EXPECT_EQ(fake_.IntentsCreated(), 1);
}

TEST_F(StripeTest, AKeyReusedWithOtherParametersConflicts) {
  const std::string token = Token("4242424242424242");
  ASSERT_TRUE(stripe_.Authorize(token, Usd(1000), "ord_1", "key"));
  auto other = stripe_.Authorize(token, Usd(2000), "ord_1", "key");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(fake_.IntentsCreated(), 1);
}

TEST_F(StripeTest, CaptureIsLimitedToTheHoldAndVoidToUncapturedPayments) {
  const ProviderResult auth = Authorize("5555555555554444", 1000, "auth");
  auto too_much = stripe_.Capture(auth.reference, Usd(1001), "cap-1");
  ASSERT_FALSE(too_much);
  EXPECT_EQ(too_much.error().code, core::ErrorCode::kConflict);
  ASSERT_TRUE(stripe_.Capture(auth.reference, Usd(500), "cap-2"));
  auto again = stripe_.Capture(auth.reference, Usd(500), "cap-3");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::kConflict);
  auto void_after = stripe_.Void(auth.reference, "void");
  ASSERT_FALSE(void_after);
  EXPECT_EQ(void_after.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(fake_.CapturedTotal(auth.reference), 500);
}

TEST_F(StripeTest, ErrorsAreMapped) {
  for (auto r : {stripe_.Capture("pi_missing", Usd(100), "k1"), stripe_.Void("pi_missing", "k2"),
                 stripe_.Refund("pi_missing", Usd(100), "k3"), stripe_.Retrieve("pi_missing"),
                 stripe_.Authorize("pm_missing", Usd(100), "ord_1", "k4"), stripe_.Retrieve("../../v1/refunds")}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound) << r.error().detail;
  }
  auto huge = stripe_.Authorize(Token("4242424242424242"), Usd(100000000), "ord_1", "k5");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, core::ErrorCode::kConflict);

  StripeOptions wrong_key = Options();
  wrong_key.secret_key = "sk_test_wrong_key_123";
  StripeProvider misconfigured(wrong_key, clock_);
  auto unauthorized = misconfigured.Retrieve("pi_x");
  ASSERT_FALSE(unauthorized);
  EXPECT_EQ(unauthorized.error().code, core::ErrorCode::kInternal);
  EXPECT_EQ(unauthorized.error().detail.find("sk_test_wrong_key_123"), std::string::npos);

  fake_.FailNext(1);
  auto outage = stripe_.Retrieve("pi_x");
  ASSERT_FALSE(outage);
  EXPECT_EQ(outage.error().code, core::ErrorCode::kUnavailable);

  StripeOptions nowhere = Options();
  nowhere.api_base = "http://127.0.0.1:1";
  StripeProvider unreachable(nowhere, clock_);
  auto down = unreachable.Retrieve("pi_x");
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, core::ErrorCode::kUnavailable);

  EXPECT_THROW(StripeProvider(StripeOptions{"http://127.0.0.1:1", ""}, clock_), std::invalid_argument);
}

TEST_F(StripeTest, ABadCardIsRefusedLocallyWithoutARequest) {
  auto bad = stripe_.Tokenize({"4242424242424241", 12, 2034, "123"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kValidation);
  ASSERT_EQ(bad.error().fields.size(), 1u);
  EXPECT_EQ(bad.error().fields[0].field, "card.number");
  auto expired = stripe_.Tokenize({"4242424242424242", 10, 2026, "123"});
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().fields[0].field, "card.exp_month");
  EXPECT_TRUE(fake_.RequestLog().empty());
}

TEST_F(StripeTest, SpecialCharactersSurviveTheFormEncoding) {
  const std::string order_id = "ord 1&amount=1+2/é%[x]=?";
  const ProviderResult r = Authorize("4242424242424242", 1000, "special", order_id);
  ASSERT_EQ(r.status, ProviderStatus::kSucceeded);
  EXPECT_EQ(fake_.Metadata(r.reference, "order_id"), order_id);
  EXPECT_EQ(fake_.CapturedTotal(r.reference), 0);
  // The log holds method and path only: no card number from the payment method.
  for (const auto& line : fake_.RequestLog()) EXPECT_EQ(line.find("4242"), std::string::npos) << line;
}

TEST_F(StripeTest, WebhooksAreVerifiedWithStripesSchemeAndMapped) {
  const core::TimePoint now = clock_.Now();
  const auto event = [](const char* type, const char* object) {
    return std::string(R"({"id":"evt_1","object":"event","type":")") + type +
           R"(","created":1795521600,"data":{"object":)" + object + "}}";
  };
  const std::tuple<const char*, const char*, const char*, const char*> cases[] = {
      {"payment_intent.amount_capturable_updated", R"({"id":"pi_1","object":"payment_intent"})", "payment.authorized",
       "pi_1"},
      {"payment_intent.payment_failed",
       R"({"id":"pi_2","object":"payment_intent","last_payment_error":{"code":"card_declined","decline_code":"insufficient_funds"}})",
       "payment.failed", "pi_2"},
      {"payment_intent.canceled", R"({"id":"pi_3"})", "payment.voided", "pi_3"},
      {"payment_intent.succeeded", R"({"id":"pi_4"})", "payment.captured", "pi_4"},
      {"charge.refunded", R"({"id":"ch_5","object":"charge","payment_intent":"pi_5"})", "payment.refunded", "pi_5"},
      {"customer.created", R"({"id":"cus_6"})", "", ""},
  };
  for (const auto& [type, object, ours, reference] : cases) {
    const std::string body = event(type, object);
    auto verified = stripe_.VerifyWebhook(SignWebhook(kWebhookSecret, body, now), body, now);
    ASSERT_TRUE(verified) << type << ": " << verified.error().detail;
    EXPECT_EQ(verified->type, ours) << type;
    EXPECT_EQ(verified->reference, reference);
    EXPECT_EQ(verified->id, "evt_1");
    EXPECT_EQ(verified->created_at, core::TimePoint(std::chrono::seconds(1795521600)));
    if (std::string_view(type) == "payment_intent.payment_failed") {
      EXPECT_EQ(verified->decline_code, "insufficient_funds");
    }
  }

  const std::string body = event("payment_intent.succeeded", R"({"id":"pi_4"})");
  for (auto r : {stripe_.VerifyWebhook(SignWebhook("whsec_other", body, now), body, now),
                 stripe_.VerifyWebhook(SignWebhook(kWebhookSecret, body, now), body + " ", now),
                 stripe_.VerifyWebhook(SignWebhook(kWebhookSecret, body, now - 301s), body, now),
                 stripe_.VerifyWebhook(SignWebhook(kWebhookSecret, body, now + 301s), body, now),
                 stripe_.VerifyWebhook("", body, now)}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
  }
  const std::string malformed = R"({"id":"evt_1","type":"payment_intent.succeeded"})";
  auto bad = stripe_.VerifyWebhook(SignWebhook(kWebhookSecret, malformed, now), malformed, now);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kBadRequest);
  EXPECT_EQ(stripe_.signature_header(), "Stripe-Signature");
  EXPECT_EQ(stripe_.name(), "stripe");
}

}  // namespace
}  // namespace vetahut::payment
