#include "services/customer/loyalty.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <limits>
#include <optional>
#include <stdexcept>

#include "lib/bus/outbox.hpp"
#include "lib/log/log.hpp"
#include "services/order/events.hpp"

namespace vetahut::customer {
namespace {

namespace json = boost::json;

constexpr const char* kEntryColumns =
    "id, account_id, points, kind, order_id, reference, created_at";

// ON CONFLICT DO NOTHING (no target) covers the partial unique index on (order_id, kind): a second
// earn/reserve/release for an order inserts nothing instead of failing, which on PostgreSQL would
// abort the caller's whole transaction.
constexpr const char* kInsertEntry =
    "INSERT INTO customer_loyalty_ledger (id, account_id, points, kind, order_id, reference, "
    "created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";

constexpr const char* kFindOrderEntry =
    "SELECT id, account_id, points, kind, order_id, reference, created_at FROM "
    "customer_loyalty_ledger "
    "WHERE order_id = $1 AND kind = $2";

constexpr const char* kHistory =
    "SELECT id, account_id, points, kind, order_id, reference, created_at FROM "
    "customer_loyalty_ledger "
    "WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2";

constexpr const char* kBalance =
    "SELECT balance FROM customer_loyalty_balances WHERE account_id = $1";

constexpr const char* kCredit =
    "INSERT INTO customer_loyalty_balances (account_id, balance) VALUES ($1, $2) "
    "ON CONFLICT (account_id) DO UPDATE SET balance = customer_loyalty_balances.balance + "
    "excluded.balance";

// The conditional update is the reservation's lock and check in one statement: concurrent
// debits of one account serialize on its row, and each re-checks the balance it sees.
constexpr const char* kDebit =
    "UPDATE customer_loyalty_balances SET balance = balance - $2 WHERE account_id = $1 AND balance "
    ">= $2";

constexpr std::size_t kMaxIdLength = 64;
constexpr int kMaxHistory = 500;

LoyaltyEntry EntryFromRow(const db::Row& r) {
  LoyaltyEntry e;
  e.id = r.Text(0);
  e.account_id = r.Text(1);
  e.points = r.Int(2);
  e.kind = r.Text(3);
  e.order_id = r.Text(4);
  e.reference = r.Text(5);
  e.created_at = core::ParseRfc3339(r.Text(6)).value_or(core::TimePoint{});
  return e;
}

std::optional<LoyaltyEntry> FindOrderEntry(db::Session& s, const std::string& order_id,
                                           const char* kind) {
  auto rows = s.Query(kFindOrderEntry, db::Params(order_id, kind));
  if (rows.empty()) return std::nullopt;
  return EntryFromRow(rows[0]);
}

void RequireId(core::FieldErrors& errors, const std::string& field, const std::string& value) {
  if (value.empty() || value.size() > kMaxIdLength) {
    errors.Add(field, fmt::format("is required (at most {} characters)", kMaxIdLength));
  }
}

bool IsBlank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); });
}

std::int64_t PowerOfTen(int exponent) {
  std::int64_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= 10;
  return p;
}

}  // namespace

LoyaltyLedger::LoyaltyLedger(core::IdGenerator& ids, const core::Clock& clock, LoyaltyRules rules,
                             ChangeListener on_change)
    : ids_(ids), clock_(clock), rules_(rules), on_change_(std::move(on_change)) {
  if (rules_.points_per_unit < 0) {
    throw std::invalid_argument(fmt::format("loyalty points_per_unit must not be negative (got {})",
                                            rules_.points_per_unit));
  }
}

std::int64_t LoyaltyLedger::Balance(db::Session& s, const std::string& account_id) const {
  auto rows = s.Query(kBalance, db::Params(account_id));
  return rows.empty() ? 0 : rows[0].Int(0);
}

std::vector<LoyaltyEntry> LoyaltyLedger::History(db::Session& s, const std::string& account_id,
                                                 int limit) const {
  std::vector<LoyaltyEntry> out;
  if (limit < 1) return out;
  auto rows = s.Query(kHistory, db::Params(account_id, std::min(limit, kMaxHistory)));
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(EntryFromRow(r));
  return out;
}

core::Result<std::int64_t> LoyaltyLedger::EarnForOrder(db::Session& tx,
                                                       const std::string& account_id,
                                                       const std::string& order_id,
                                                       const core::Money& basis) {
  core::FieldErrors errors;
  RequireId(errors, "account_id", account_id);
  RequireId(errors, "order_id", order_id);
  if (basis.IsNegative()) errors.Add("loyalty_basis.amount", "must not be negative");
  std::int64_t scaled = 0;
  if (__builtin_mul_overflow(basis.amount(), rules_.points_per_unit, &scaled)) {
    errors.Add("loyalty_basis.amount", "is too large");
  }
  if (!errors.empty()) return core::Fail(errors.ToError());

  const std::int64_t points =
      core::DivideRounded(scaled, PowerOfTen(basis.currency().exponent()), core::Rounding::kDown);
  if (points == 0) return 0;
  auto entry = Append(tx, account_id, points, "earn", order_id, basis.ToString());
  if (!entry) return 0;  // this order already earned
  Credit(tx, account_id, points);
  Notify(tx, *entry);
  return points;
}

core::Status LoyaltyLedger::Reserve(db::Session& tx, const std::string& account_id,
                                    const std::string& order_id, std::int64_t points,
                                    const std::string& reward_id) {
  core::FieldErrors errors;
  RequireId(errors, "account_id", account_id);
  RequireId(errors, "order_id", order_id);
  RequireId(errors, "loyalty.reward_id", reward_id);
  if (points <= 0) errors.Add("loyalty.points", "must be positive");
  if (!errors.empty()) return core::Fail(errors.ToError());

  // Same order again: the first reservation answers, whatever the balance is now.
  auto same_again = [&](const LoyaltyEntry& existing) -> core::Status {
    if (existing.account_id != account_id || existing.points != -points ||
        existing.reference != reward_id) {
      return core::Fail(core::Error::Conflict(
          fmt::format("order '{}' already holds a different points reservation ({} points)",
                      order_id, -existing.points)));
    }
    if (FindOrderEntry(tx, order_id, "release")) {
      return core::Fail(core::Error::Conflict(
          fmt::format("the points reservation of order '{}' was released", order_id)));
    }
    return core::Ok();
  };
  if (auto existing = FindOrderEntry(tx, order_id, "reserve")) return same_again(*existing);

  if (tx.Exec(kDebit, db::Params(account_id, points)) != 1) {
    return core::Fail(
        core::Error::Validation({{"loyalty.points", fmt::format("insufficient points: balance {}",
                                                                Balance(tx, account_id))}}));
  }
  auto entry = Append(tx, account_id, -points, "reserve", order_id, reward_id);
  if (!entry) {
    // A concurrent reservation for the same order committed between our check and insert
    // (PostgreSQL, read committed): undo our debit in this transaction and answer as a repeat.
    Credit(tx, account_id, points);
    auto existing = FindOrderEntry(tx, order_id, "reserve");
    if (!existing)
      throw core::ErrorException(
          core::Error::Internal("loyalty reservation vanished during insert"));
    return same_again(*existing);
  }
  Notify(tx, *entry);
  return core::Ok();
}

core::Status LoyaltyLedger::Release(db::Session& tx, const std::string& order_id) {
  if (order_id.empty()) return core::Fail(core::Error::Validation({{"order_id", "is required"}}));
  auto reservation = FindOrderEntry(tx, order_id, "reserve");
  if (!reservation) return core::Ok();
  const std::int64_t points = -reservation->points;
  auto entry =
      Append(tx, reservation->account_id, points, "release", order_id, reservation->reference);
  if (!entry) return core::Ok();  // already given back
  Credit(tx, reservation->account_id, points);
  Notify(tx, *entry);
  return core::Ok();
}

core::Status LoyaltyLedger::Adjust(db::Session& tx, const std::string& account_id,
                                   std::int64_t points, const std::string& reason) {
  core::FieldErrors errors;
  RequireId(errors, "account_id", account_id);
  if (points == 0) errors.Add("points", "must not be zero");
  if (points == std::numeric_limits<std::int64_t>::min()) errors.Add("points", "is out of range");
  if (IsBlank(reason)) errors.Add("reason", "is required");
  if (reason.size() > 500) errors.Add("reason", "must be at most 500 characters");
  if (!errors.empty()) return core::Fail(errors.ToError());

  if (points < 0) {
    if (tx.Exec(kDebit, db::Params(account_id, -points)) != 1) {
      return core::Fail(core::Error::Validation(
          {{"points", fmt::format("would take the balance below zero: balance {}",
                                  Balance(tx, account_id))}}));
    }
  } else {
    Credit(tx, account_id, points);
  }
  // order_id '' is outside the unique index, so an adjustment always inserts.
  auto entry = Append(tx, account_id, points, "adjust", "", reason);
  if (!entry)
    throw core::ErrorException(core::Error::Internal("loyalty adjustment was not recorded"));
  Notify(tx, *entry);
  return core::Ok();
}

std::optional<LoyaltyEntry> LoyaltyLedger::Append(db::Session& tx, const std::string& account_id,
                                                  std::int64_t points, const char* kind,
                                                  const std::string& order_id,
                                                  const std::string& reference) {
  LoyaltyEntry e{ids_.Next("lty"), account_id, points, kind, order_id, reference, clock_.Now()};
  const auto inserted =
      tx.Exec(kInsertEntry, db::Params(e.id, e.account_id, e.points, e.kind, e.order_id,
                                       e.reference, core::FormatRfc3339(e.created_at)));
  if (inserted != 1) return std::nullopt;
  return e;
}

void LoyaltyLedger::Credit(db::Session& tx, const std::string& account_id,
                           std::int64_t points) const {
  tx.Exec(kCredit, db::Params(account_id, points));
}

void LoyaltyLedger::Notify(db::Session& tx, const LoyaltyEntry& entry) const {
  if (on_change_) on_change_(tx, entry);
}

// ---------------------------------------------------------------------------------------------
// The bus consumer

namespace {

/// Acknowledges an event whose values the ledger refuses: redelivering it could never succeed.
core::Status Skip(const bus::CloudEvent& event, std::string_view why) {
  log::Warn("loyalty: ignoring an order event the ledger refuses",
            {{"event_id", event.id}, {"type", event.type}, {"reason", why}});
  return core::Ok();
}

std::string Describe(const core::Error& error) {
  std::string why = error.detail;
  for (const auto& f : error.fields) why += fmt::format(" {}: {}", f.field, f.message);
  return why;
}

}  // namespace

void AddLoyaltyHandlers(bus::Consumer& consumer, LoyaltyLedger& ledger) {
  consumer.On<order::events::OrderCompleted>(
      [&ledger](db::Transaction& tx, const order::events::OrderCompleted& e, const bus::CloudEvent& event) {
        if (!e.customer_id || e.customer_id->empty()) return core::Ok();  // a guest order earns nothing
        auto earned = ledger.EarnForOrder(tx, *e.customer_id, e.order_id, e.loyalty_basis.ToMoney());
        if (!earned) return Skip(event, Describe(earned.error()));
        return core::Ok();
      });
  consumer.On<order::events::OrderCancelled>(
      [&ledger](db::Transaction& tx, const order::events::OrderCancelled& e, const bus::CloudEvent& event) {
        if (auto released = ledger.Release(tx, e.order_id); !released) return Skip(event, Describe(released.error()));
        return core::Ok();
      });
}

}  // namespace vetahut::customer
