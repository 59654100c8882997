#pragma once
/// A Stripe-compatible PaymentIntents adapter: cards become PaymentMethods, an authorization is a
/// manual-capture PaymentIntent confirmed at once, and Stripe's answers and errors are mapped onto
/// PaymentProvider's results. Works against api.stripe.com or anything that speaks the same API
/// (the tests use FakeStripe, providers/fake_stripe.hpp).
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"
#include "lib/http/client.hpp"
#include "services/payment/provider.hpp"

namespace vetahut::payment {

/// Where the processor is and how to talk to it.
struct StripeOptions {
  std::string api_base = "https://api.stripe.com";  ///< no trailing slash needed
  std::string secret_key;                           ///< "sk_live_…"/"sk_test_…": Authorization: Bearer
  std::string webhook_secret;                       ///< "whsec_…": verifies Stripe-Signature
  std::chrono::seconds webhook_tolerance{300};      ///< replay window, as Stripe's libraries use
  std::chrono::milliseconds connect_timeout{2000};  ///< TCP + TLS connect
  std::chrono::milliseconds timeout{30000};         ///< a whole request (confirming can be slow)
};

/// Requests are application/x-www-form-urlencoded with `Authorization: Bearer <secret_key>` and an
/// `Idempotency-Key` on every POST (the caller's key; a random one for Tokenize, which moves no
/// money). Tokenize checks the card locally first (ValidateCard), so a bad number never leaves
/// the process. Mapping:
///   2xx PaymentIntent: requires_capture → kSucceeded; requires_action | processing → kPending;
///     requires_payment_method → kDeclined with last_payment_error's decline code.
///   402 card_error → ProviderResult kDeclined, decline_code = error.decline_code or error.code
///     (Stripe's "generic_decline" is reported as "card_declined"), reference = error.payment_intent.id.
///   400 invalid_request_error: resource_missing → kNotFound; amount_too_large,
///     payment_intent_unexpected_state, charge_already_captured/refunded → kConflict; else
///     kValidation naming error.param. 400/409 idempotency_error → kConflict. 404 → kNotFound.
///   401/403 → kInternal (the secret key is wrong: a configuration problem). 429, 5xx, transport
///     failures and unreadable answers → kUnavailable: retry with the same idempotency key.
/// Thread-safe (HttpClient is).
class StripeProvider final : public PaymentProvider {
 public:
  /// Throws std::invalid_argument naming the option if api_base or secret_key is empty. The clock
  /// decides whether a card has expired.
  StripeProvider(StripeOptions options, const core::Clock& clock);
  ~StripeProvider() override;

  std::string_view name() const override { return "stripe"; }
  core::Result<CardToken> Tokenize(const CardInput& card) override;
  core::Result<ProviderResult> Authorize(const std::string& token, const core::Money& amount,
                                         const std::string& order_id, const std::string& idempotency_key) override;
  core::Result<ProviderResult> Capture(const std::string& reference, const core::Money& amount,
                                       const std::string& idempotency_key) override;
  core::Result<ProviderResult> Void(const std::string& reference, const std::string& idempotency_key) override;
  /// POST /v1/refunds; the result's reference is the PaymentIntent's id.
  core::Result<ProviderResult> Refund(const std::string& reference, const core::Money& amount,
                                      const std::string& idempotency_key) override;
  /// GET /v1/payment_intents/{id}: requires_capture → kSucceeded "authorized", succeeded →
  /// kSucceeded "captured", requires_action/processing → kPending, canceled → kDeclined "voided",
  /// requires_payment_method → kDeclined "failed" with the decline code (`message` names the state).
  core::Result<ProviderResult> Retrieve(const std::string& reference) override;
  /// Stripe's scheme (Stripe-Signature: t=…,v1=…). Event types map to ours:
  /// payment_intent.amount_capturable_updated → payment.authorized, .payment_failed →
  /// payment.failed, .canceled → payment.voided, .succeeded → payment.captured, charge.refunded →
  /// payment.refunded (reference = data.object.payment_intent). Any other verified event comes
  /// back with an empty `type`: acknowledge it (2xx) and ignore it, as Stripe expects.
  core::Result<WebhookEvent> VerifyWebhook(std::string_view signature_header, std::string_view body,
                                           core::TimePoint now) const override;
  std::string_view signature_header() const override { return "Stripe-Signature"; }

 private:
  struct Reply;
  core::Result<Reply> Call(http::Method method, const std::string& path, const std::string& body,
                           const std::string& idempotency_key);

  StripeOptions options_;
  const core::Clock& clock_;
  std::unique_ptr<http::HttpClient> client_;
};

}  // namespace vetahut::payment
