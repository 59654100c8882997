#pragma once
/// A fake of the part of Stripe's API the adapter uses, for tests: an HTTP server on loopback
/// (our http::Server, port 0) that answers PaymentMethods, PaymentIntents (create+confirm,
/// capture, cancel, retrieve) and Refunds with Stripe's response and error shapes, honours
/// Idempotency-Key and counts what happened so a test can assert that nothing was charged twice.
/// It is a plain HTTP server: a separate process (the real `vetahut` binary) can use it too.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vetahut::http {
class Router;
class Server;
}  // namespace vetahut::http

namespace vetahut::payment {

/// How the fake listens and behaves.
struct FakeStripeOptions {
  std::string secret_key = "sk_test_vetahut_fake";  ///< the only key accepted (else 401)
  std::string host = "127.0.0.1";                   ///< address to bind
  std::uint16_t port = 0;                           ///< 0 = any free port (see url())
  std::chrono::milliseconds latency{0};             ///< slept before answering each request
};

/// Behaviour, decided from card[number] when the PaymentMethod is created (TestCardOutcomeOf in
/// card_rules.hpp): approve; decline (402, code card_declined, decline_code generic_decline);
/// insufficient_funds; processing_error (no decline_code); needs authentication → requires_action.
/// A declined confirm answers 402 card_error with the intent (status requires_payment_method).
///
/// Idempotency-Key, as Stripe does: a POST whose key was seen with the same method, path and
/// parameters gets the first answer replayed (with `Idempotent-Replayed: true`), whatever its
/// status; the same key with anything else gets 400 {"error":{"type":"idempotency_error"}}
/// (Stripe's choice; 409 is only for a key still in flight, which cannot happen here because
/// requests are handled one at a time). 500s made by FailNext are not recorded.
///
/// Errors: 401 for a missing or wrong Bearer key; 404 resource_missing for an unknown intent;
/// 400 resource_missing for an unknown payment_method/payment_intent parameter; 400
/// amount_too_large (amount over 99999999, capture over amount_capturable, refund over the
/// unrefunded amount); 400 payment_intent_unexpected_state for a capture, cancel or refund the
/// intent's status does not allow. Thread-safe.
class FakeStripe final {
 public:
  /// Binds and starts serving; throws std::runtime_error if it cannot bind.
  explicit FakeStripe(FakeStripeOptions options = {});
  ~FakeStripe();  ///< stops the server
  FakeStripe(const FakeStripe&) = delete;
  FakeStripe& operator=(const FakeStripe&) = delete;

  /// "http://127.0.0.1:<port>": the adapter's api_base.
  std::string url() const;
  const std::string& secret_key() const;

  /// The next `n` requests answer 500 api_error without doing anything.
  void FailNext(int n);
  /// The next `n` requests are processed (and recorded under their idempotency key) but answer
  /// 500: a response lost on the way back.
  void FailNextAfterProcessing(int n);
  void SetLatency(std::chrono::milliseconds latency);

  /// PaymentIntents created (declined ones too); replays create none.
  int IntentsCreated() const;
  /// Captures performed; replays and refused captures are not counted.
  int CaptureCalls() const;
  /// Amount captured for an intent id, or summed over the intents with metadata[order_id] equal to it.
  std::int64_t CapturedTotal(const std::string& intent_or_order_id) const;
  /// Amount refunded, keyed like CapturedTotal.
  std::int64_t RefundedTotal(const std::string& intent_or_order_id) const;
  /// The intent's status ("requires_capture", "succeeded", "canceled", …), nullopt if unknown.
  std::optional<std::string> IntentStatus(const std::string& intent_id) const;
  /// A metadata value of an intent as the fake decoded it, nullopt if absent.
  std::optional<std::string> Metadata(const std::string& intent_id, const std::string& key) const;
  /// Every request received, as "POST /v1/payment_intents": method and path only, never bodies.
  std::vector<std::string> RequestLog() const;

 private:
  struct State;
  FakeStripeOptions options_;
  std::unique_ptr<State> state_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace vetahut::payment
