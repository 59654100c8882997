#pragma once
/// The seam between the payment service and a card processor. The payment service keeps the
/// ledger and the saga calls; a provider only talks to its processor. Implementations: the
/// sandbox (providers/sandbox.hpp) and a Stripe-compatible PaymentIntents adapter
/// (providers/stripe.hpp). Card numbers reach `Tokenize` only and are never stored or logged.
#include <chrono>
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"
#include "lib/core/money.hpp"
#include "lib/core/result.hpp"

namespace vetahut::payment {

/// What a customer types: only `Tokenize` ever sees it.
struct CardInput {
  std::string number;  ///< digits; spaces and dashes are ignored
  int exp_month = 0;   ///< 1..12
  int exp_year = 0;    ///< four digits
  std::string cvc;     ///< 3 digits (4 for amex)
};

/// What may be kept about a card.
struct CardToken {
  std::string token;  ///< opaque, provider-specific ("tok_…" sandbox, "pm_…" Stripe)
  std::string brand;  ///< visa | mastercard | amex | discover | unknown
  std::string last4;
  int exp_month = 0;
  int exp_year = 0;
};

/// The outcome of an operation the processor answered.
enum class ProviderStatus {
  kSucceeded,  ///< authorized / captured / voided / refunded
  kPending,    ///< not decided yet (e.g. needs customer authentication); a webhook or Retrieve tells later
  kDeclined,   ///< refused; `decline_code` says why
};

struct ProviderResult {
  ProviderStatus status = ProviderStatus::kSucceeded;
  std::string reference;     ///< the processor's payment id ("pi_…"); set by Authorize
  std::string decline_code;  ///< card_declined | insufficient_funds | processing_error | expired_card | incorrect_cvc …
  std::string message;       ///< a human-readable reason for a decline
};

/// A verified provider callback.
struct WebhookEvent {
  std::string id;         ///< unique per event: dedupe on it
  std::string type;       ///< payment.authorized | payment.failed | payment.captured | payment.voided | payment.refunded
  std::string reference;  ///< the payment id it is about
  std::string decline_code;
  core::TimePoint created_at{};
};

/// A card processor. Thread-safe. Every money-moving call carries an idempotency key: the same
/// key again returns the first call's result and never moves money twice, even across a crash
/// and restart of either side. Transport failures and processor outages are kUnavailable
/// (retry with the same key); a bad card at Tokenize is kValidation naming the field
/// (`card.number`, `card.exp_month`, `card.cvc`); an unknown token or reference is kNotFound;
/// an operation the payment's state does not allow (capture more than authorized, refund more
/// than captured, void after capture) is kConflict.
class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  /// "sandbox" | "stripe": the {provider} of the webhook route.
  virtual std::string_view name() const = 0;

  virtual core::Result<CardToken> Tokenize(const CardInput& card) = 0;
  /// Places a hold of `amount` on the card behind `token` (manual capture).
  virtual core::Result<ProviderResult> Authorize(const std::string& token, const core::Money& amount,
                                                 const std::string& order_id, const std::string& idempotency_key) = 0;
  /// Captures up to the authorized amount.
  virtual core::Result<ProviderResult> Capture(const std::string& reference, const core::Money& amount,
                                               const std::string& idempotency_key) = 0;
  /// Releases an uncaptured hold (also cancels a pending authorization).
  virtual core::Result<ProviderResult> Void(const std::string& reference, const std::string& idempotency_key) = 0;
  /// Returns up to the captured amount, in one or more partial refunds.
  virtual core::Result<ProviderResult> Refund(const std::string& reference, const core::Money& amount,
                                              const std::string& idempotency_key) = 0;
  /// The current state of an authorization (kSucceeded = authorized, kPending, kDeclined = failed
  /// or voided), for payments left pending.
  virtual core::Result<ProviderResult> Retrieve(const std::string& reference) = 0;

  /// Checks a callback's signature header and timestamp (replay window) and parses it.
  /// Missing or bad signature → kUnauthenticated; outside the window → kUnauthenticated;
  /// malformed body → kBadRequest.
  virtual core::Result<WebhookEvent> VerifyWebhook(std::string_view signature_header, std::string_view body,
                                                   core::TimePoint now) const = 0;
  /// The HTTP header the provider signs callbacks in ("Vetahut-Signature", "Stripe-Signature").
  virtual std::string_view signature_header() const = 0;
};

/// Signs a webhook body the way both providers here do (Stripe's scheme): header value
/// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
std::string SignWebhook(std::string_view secret, std::string_view body, core::TimePoint at);
/// Verifies such a header: the v1 signature must match (constant time) and |now − t| ≤ tolerance.
core::Status VerifyWebhookSignature(std::string_view secret, std::string_view header, std::string_view body,
                                    core::TimePoint now, std::chrono::seconds tolerance);

}  // namespace vetahut::payment
