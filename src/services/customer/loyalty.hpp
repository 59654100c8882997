#pragma once
/// Loyalty points: an append-only ledger per account, a balance derived from it, reservations
/// for rewards at order placement, and the bus consumer that earns and releases on order events.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lib/bus/consumer.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/core/money.hpp"
#include "lib/core/result.hpp"
#include "lib/db/database.hpp"

namespace vetahut::customer {

/// How points are earned.
struct LoyaltyRules {
  /// Points per whole currency unit (e.g. per dollar, per yen) of an order's loyalty basis. The
  /// points of an order are basis × points_per_unit rounded down: with 1, 12.99 USD earns 12 and
  /// 1500 JPY earns 1500; with 10, 12.99 USD earns 129. Must not be negative (0 turns earning off).
  std::int64_t points_per_unit = 1;
};

/// One row of the ledger. `points` is positive for earn/release/credit, negative for
/// reserve/debit; the balance is the sum of an account's rows.
struct LoyaltyEntry {
  std::string id;          ///< "lty_<ULID>"
  std::string account_id;  ///< the customer account
  std::int64_t points = 0;
  std::string kind;      ///< "earn" | "reserve" | "release" | "adjust"
  std::string order_id;  ///< "" for adjustments
  std::string
      reference;  ///< earn: the basis ("12.99 USD"); reserve/release: reward id; adjust: reason
  core::TimePoint created_at{};
};

/// The points ledger. Every method takes the caller's session (a transaction for the writers) and
/// writes the ledger row and the balance cache in it, so the caller commits the points together
/// with its own change; on an error nothing has been written. Thread-safe (no mutable state);
/// concurrent reservations on one account serialize on its balance row.
class LoyaltyLedger {
 public:
  /// Called inside the transaction for each new ledger row, e.g. to add a
  /// `com.vetahut.customer.loyalty.points_changed` event to the customer outbox.
  using ChangeListener = std::function<void(db::Session&, const LoyaltyEntry&)>;

  /// Throws std::invalid_argument if `rules.points_per_unit` is negative.
  LoyaltyLedger(core::IdGenerator& ids, const core::Clock& clock, LoyaltyRules rules = {},
                ChangeListener on_change = {});

  /// The account's current points (0 for an account that never had any).
  std::int64_t Balance(db::Session& s, const std::string& account_id) const;
  /// The account's latest `limit` ledger rows (at most 500), newest first; empty if limit < 1.
  std::vector<LoyaltyEntry> History(db::Session& s, const std::string& account_id, int limit) const;

  /// Points for a completed order, exactly once per order: a second call for the same order adds
  /// nothing and returns 0. `basis` is the amount points are earned on: the order's subtotal
  /// after discounts, before tax, tip and delivery fee. The caller decides it (the order service
  /// sends it as `loyalty_basis`); this class only converts it with `LoyaltyRules`. An order
  /// earning 0 points writes nothing. Negative basis, empty account or order id → kValidation.
  core::Result<std::int64_t> EarnForOrder(db::Session& tx, const std::string& account_id,
                                          const std::string& order_id, const core::Money& basis);

  /// At order placement: holds `points` (> 0) for reward `reward_id`. A balance lower than
  /// `points` → kValidation (field "loyalty.points", "insufficient points: balance N"), nothing
  /// written. Idempotent per order: the same order and amount again → Ok without a second
  /// deduction; a different amount or account for the same order, or an order whose reservation
  /// was already released → kConflict. The points stay spent when the order completes.
  core::Status Reserve(db::Session& tx, const std::string& account_id, const std::string& order_id,
                       std::int64_t points, const std::string& reward_id);

  /// Order cancelled or rejected: gives its reservation back exactly once. No reservation (or
  /// already released) → Ok, nothing written.
  core::Status Release(db::Session& tx, const std::string& order_id);

  /// An admin adjustment (support credit or debit, non-zero). `reason` is required; a debit that
  /// would take the balance below zero → kValidation, nothing written.
  core::Status Adjust(db::Session& tx, const std::string& account_id, std::int64_t points,
                      const std::string& reason);

 private:
  /// Inserts a ledger row; nullopt if the order already has a row of this kind.
  std::optional<LoyaltyEntry> Append(db::Session& tx, const std::string& account_id,
                                     std::int64_t points, const char* kind,
                                     const std::string& order_id, const std::string& reference);
  void Credit(db::Session& tx, const std::string& account_id, std::int64_t points) const;
  void Notify(db::Session& tx, const LoyaltyEntry& entry) const;

  core::IdGenerator& ids_;
  const core::Clock& clock_;
  LoyaltyRules rules_;
  ChangeListener on_change_;
};

/// Adds the loyalty effects to the customer module's queue (each commits with its inbox record):
///  - order.completed (delivered, picked up or served) with a customer → points on its
///    loyalty_basis (EarnForOrder: exactly once per order); guests earn nothing;
///  - order.cancelled → Release of the order's held points.
/// A payload the typed event cannot read is dead-lettered by the bus (visible to an admin); one
/// whose values the ledger refuses (a negative basis, say) is logged and acknowledged with no
/// effect, so it does not loop. `ledger` must outlive the consumer.
void AddLoyaltyHandlers(bus::Consumer& consumer, LoyaltyLedger& ledger);

}  // namespace vetahut::customer
