#pragma once
/// The payment service: one payment per order on top of a `PaymentProvider`, with a ledger of
/// every money movement that reconciles, provider callbacks, and events through its outbox.
/// Every operation is idempotent per order (the provider gets the same idempotency key when an
/// operation is retried after a failure or a crash), so nothing is ever charged twice.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lib/bus/outbox.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "services/payment/provider.hpp"

namespace vetahut::payment {

/// A payment as the API shows it (no card number exists to show).
struct PaymentView {
  std::string id;
  std::string order_id;
  std::string method;  ///< card | pay_at_store
  std::string provider;
  std::string brand;
  std::string last4;
  std::string reference;
  std::string currency;
  std::int64_t amount = 0;  ///< what the order asked for
  std::int64_t authorized = 0;
  std::int64_t captured = 0;
  std::int64_t voided = 0;
  std::int64_t refunded = 0;
  std::string status;  ///< pending | authorized | declined | captured | voided | refunded | partially_refunded | due
  std::string decline_code;
};

/// What an authorization came to.
struct AuthorizationOutcome {
  ProviderStatus status = ProviderStatus::kSucceeded;  ///< kSucceeded = authorized
  std::string decline_code;
  std::string message;
};

class PaymentService {
 public:
  /// Called after a committed change that the order saga may wait for (a pending payment was
  /// settled by a callback): the order id.
  using SettledListener = std::function<void(const std::string& order_id)>;

  PaymentService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, PaymentProvider& provider,
                 std::function<void()> events_committed);

  void SetSettledListener(SettledListener listener) { settled_ = std::move(listener); }
  PaymentProvider& provider() { return provider_; }

  /// POST /api/v1/payments/tokens: the one call that sees a card number.
  core::Result<CardToken> Tokenize(const CardInput& card);
  /// A token handed out earlier (for placement checks): kValidation on `payment.token` if unknown.
  core::Result<CardToken> FindToken(const std::string& token);

  /// Holds the order's amount on the card. Declines are outcomes, not errors; kUnavailable means
  /// the provider could not be reached — retry later, it is safe.
  core::Result<AuthorizationOutcome> Authorize(const std::string& order_id, const std::string& token,
                                               const core::Money& amount);
  /// The order is paid at the store: a payment "due" with nothing held.
  core::Status PayAtStore(const std::string& order_id, const core::Money& amount);
  /// Asks the provider about a pending authorization and records what it says.
  core::Result<AuthorizationOutcome> CheckPending(const std::string& order_id);
  /// Order completed: captures the card hold (the rest of a larger hold is released) or records the
  /// cash collected. Idempotent.
  core::Status Capture(const std::string& order_id, const core::Money& amount);
  /// Order cancelled or rejected before capture: releases the hold. Idempotent; nothing held → Ok.
  core::Status Void(const std::string& order_id);
  /// Returns `amount` (≤ captured − refunded) to the customer; `key` makes it idempotent.
  core::Result<PaymentView> Refund(const std::string& order_id, const core::Money& amount, const std::string& key);

  core::Result<PaymentView> Get(const std::string& order_id);

  /// A provider callback: verified, deduplicated by event id, recorded. Settles a pending
  /// authorization (then tells the settled listener). Returns false for a replayed event.
  core::Result<bool> HandleWebhook(const std::string& provider_name, std::string_view signature, std::string_view body);

  /// Ledger checks, per card payment: sums of the ledger equal the payment's columns; a settled
  /// payment has authorized = captured + voided; refunded ≤ captured. Returns the violations.
  std::vector<std::string> Reconcile();

 private:
  struct Row;
  std::optional<Row> Load(db::Session& s, const std::string& order_id);
  std::optional<Row> Read(const std::string& order_id);
  static std::optional<Row> FromResult(const db::ResultSet& rs);
  /// Applies a provider result to the payment in one transaction with its ledger row (skipped if
  /// the ledger already has `operation_key`) and an event.
  void Record(const std::string& order_id, const std::string& operation_key, const std::string& kind,
              std::int64_t amount, const std::string& event_type,
              const std::function<void(db::Session&, Row&)>& apply);

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  PaymentProvider& provider_;
  std::function<void()> events_committed_;
  SettledListener settled_;
  bus::Outbox outbox_{"payment"};
};

std::vector<db::Migration> Migrations();
std::vector<db::Migration> AllMigrations();

}  // namespace vetahut::payment
