#pragma once
/// The payment service's SQL: payments (one per order), the append-only ledger, card tokens and
/// provider callbacks already handled. Rows map to plain structs by column name.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/db/database.hpp"
#include "services/payment/client.hpp"

namespace vetahut::payment {

/// A payment as stored.
struct PaymentRow {
  std::string id;
  std::string order_id;
  std::string method;  ///< card | pay_at_store
  std::string provider;
  std::string token;
  std::string brand;
  std::string last4;
  std::string reference;
  std::string currency;
  std::int64_t amount = 0;
  std::int64_t authorized = 0;
  std::int64_t captured = 0;
  std::int64_t voided = 0;
  std::int64_t refunded = 0;
  std::string status;
  std::string decline_code;
};

/// One payment's columns next to its ledger's sums (reconciliation).
struct ReconcileRow {
  PaymentRow payment;
  std::int64_t ledger_authorized = 0;
  std::int64_t ledger_captured = 0;
  std::int64_t ledger_voided = 0;
  std::int64_t ledger_refunded = 0;
};

class PaymentRepository {
 public:
  std::optional<PaymentRow> FindByOrder(db::Session& s, const std::string& order_id) const;
  /// The order and status of the payment with this processor reference.
  std::optional<std::pair<std::string, std::string>> FindByReference(db::Session& s, const std::string& reference) const;
  void Insert(db::Session& tx, const PaymentRow& row, core::TimePoint now) const;
  /// Writes the amounts, status, reference and decline code of `row`.
  void Update(db::Session& tx, const PaymentRow& row, core::TimePoint now) const;
  /// Records the processor's reference of a still-pending authorization.
  void SetPendingReference(db::Session& tx, const std::string& order_id, const std::string& reference,
                           core::TimePoint now) const;

  bool LedgerHas(db::Session& s, const std::string& operation_key) const;
  void AppendLedger(db::Session& tx, const std::string& id, const std::string& payment_id, const std::string& kind,
                    std::int64_t amount, const std::string& operation_key, core::TimePoint now) const;

  /// A token as stored with who may use it and how.
  struct TokenRow {
    CardTokenInfo card;
    std::string owner;
    bool saved = false;
    std::int64_t expires_at = 0;  ///< unix seconds; 0 = never
    std::optional<std::string> used_by_order;
  };
  void InsertToken(db::Session& tx, const TokenRow& token, const std::string& provider, core::TimePoint now) const;
  std::optional<TokenRow> FindToken(db::Session& s, const std::string& token, const std::string& provider) const;
  /// Marks the token used by `order_id`; false if another order used it first (a saved card's
  /// token is never used up).
  bool UseToken(db::Session& tx, const std::string& token, const std::string& order_id) const;

  /// False if the callback was handled before.
  bool RecordWebhook(db::Session& tx, const std::string& event_id, const std::string& provider, const std::string& type,
                     const std::string& reference, core::TimePoint now) const;

  std::vector<ReconcileRow> Reconciliation(db::Session& s) const;
};

}  // namespace vetahut::payment
