#pragma once
/// The payment service: one payment per order on top of a `PaymentProvider`, with a ledger of
/// every money movement that reconciles, provider callbacks, and events through its outbox.
/// Every operation is idempotent per order (the provider gets the same idempotency key when an
/// operation is retried after a failure or a crash), so nothing is ever charged twice. Other
/// services call it through PaymentClient; a settled pending payment reaches the order saga as
/// an event (payment.authorized / payment.failed), not a call.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lib/bus/outbox.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "services/payment/client.hpp"
#include "services/payment/payment_repository.hpp"
#include "services/payment/provider.hpp"

namespace vetahut::payment {

class PaymentService final : public PaymentClient {
 public:
  PaymentService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, PaymentProvider& provider,
                 std::function<void()> events_committed);

  PaymentProvider& provider() { return provider_; }

  /// POST /api/v1/payments/tokens: the one call that sees a card number. The token belongs to
  /// `owner`; unless `save` (a customer keeping the card) it pays for one order within
  /// kTokenLifetime.
  core::Result<CardToken> Tokenize(const CardInput& card, const std::string& owner, bool save);
  static constexpr std::chrono::minutes kTokenLifetime{30};

  // PaymentClient
  core::Result<CardTokenInfo> FindToken(const std::string& token, const std::string& owner) override;
  core::Result<AuthorizationOutcome> Authorize(const std::string& order_id, const std::string& token,
                                               const core::Money& amount) override;
  core::Status PayAtStore(const std::string& order_id, const core::Money& amount) override;
  core::Result<AuthorizationOutcome> CheckPending(const std::string& order_id) override;
  core::Status Capture(const std::string& order_id, const core::Money& amount) override;
  core::Status Void(const std::string& order_id) override;
  core::Result<PaymentView> Refund(const std::string& order_id, const core::Money& amount, const std::string& key,
                                   const std::string& reason) override;
  core::Result<PaymentView> Get(const std::string& order_id) override;

  /// A provider callback: verified, deduplicated by event id, recorded. Settles a pending
  /// authorization (its payment.authorized or payment.failed event tells the order saga).
  /// Returns false for a replayed event.
  core::Result<bool> HandleWebhook(const std::string& provider_name, std::string_view signature, std::string_view body);

  /// Ledger checks, per card payment: sums of the ledger equal the payment's columns; a settled
  /// payment has authorized = captured + voided; refunded ≤ captured. Returns the violations.
  std::vector<std::string> Reconcile();

 private:
  /// Applies a provider result to the payment in one transaction with its ledger row (skipped if
  /// the ledger already has `operation_key`) and its event `E`.
  template <class E>
  void Record(const std::string& order_id, const std::string& operation_key, const std::string& kind,
              std::int64_t amount, const std::function<void(db::Session&, PaymentRow&)>& apply, bool settled = false,
              const std::string& reason = "");
  /// Records an authorization's outcome with the event that says how it went (and, when it was
  /// pending until now, payment.settled).
  void RecordAuthorization(const std::string& order_id, ProviderStatus status, const std::string& reference,
                           std::int64_t amount, const std::string& decline_code, bool was_pending = false);

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  PaymentProvider& provider_;
  std::function<void()> events_committed_;
  PaymentRepository repository_;
  bus::Outbox outbox_{"payment"};
};

std::vector<db::Migration> Migrations();
std::vector<db::Migration> AllMigrations();

}  // namespace vetahut::payment
