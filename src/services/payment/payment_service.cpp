#include "services/payment/payment_service.hpp"
#include "lib/json/write.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "lib/core/crash_point.hpp"
#include "lib/log/log.hpp"
#include "migrations/payment.hpp"

namespace vetahut::payment {
namespace json = boost::json;
using core::Error;
using core::Fail;

struct PaymentService::Row {
  std::string id;
  std::string method;
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

namespace {

constexpr const char* kColumns =
    "id, method, provider, token, brand, last4, reference, currency, amount, authorized, captured, voided, refunded, "
    "status, decline_code";

PaymentView ToView(const std::string& order_id, const auto& r) {
  PaymentView v;
  v.id = r.id;
  v.order_id = order_id;
  v.method = r.method;
  v.provider = r.provider;
  v.brand = r.brand;
  v.last4 = r.last4;
  v.reference = r.reference;
  v.currency = r.currency;
  v.amount = r.amount;
  v.authorized = r.authorized;
  v.captured = r.captured;
  v.voided = r.voided;
  v.refunded = r.refunded;
  v.status = r.status;
  v.decline_code = r.decline_code;
  return v;
}

}  // namespace

PaymentService::PaymentService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                               PaymentProvider& provider, std::function<void()> events_committed)
    : db_(db), clock_(clock), ids_(ids), provider_(provider), events_committed_(std::move(events_committed)) {}

std::optional<PaymentService::Row> PaymentService::Load(db::Session& s, const std::string& order_id) {
  return FromResult(s.Query(fmt::format("SELECT {} FROM payment_payments WHERE order_id = $1", kColumns), db::Params(order_id)));
}

std::optional<PaymentService::Row> PaymentService::Read(const std::string& order_id) {
  // A plain read, outside a transaction (on SQLite a transaction would take the write lock).
  return FromResult(db_.Query(fmt::format("SELECT {} FROM payment_payments WHERE order_id = $1", kColumns), db::Params(order_id)));
}

std::optional<PaymentService::Row> PaymentService::FromResult(const db::ResultSet& rs) {
  if (rs.empty()) return std::nullopt;
  const auto& r = rs[0];
  Row row{r.Text(0), r.Text(1), r.Text(2), r.Text(3),  r.Text(4),  r.Text(5),  r.Text(6), r.Text(7),
          r.Int(8),  r.Int(9),  r.Int(10), r.Int(11), r.Int(12), r.Text(13), r.Text(14)};
  return row;
}

core::Result<CardToken> PaymentService::Tokenize(const CardInput& card) {
  auto token = provider_.Tokenize(card);
  if (!token) return token;
  db_.Exec(
      "INSERT INTO payment_tokens (token, provider, brand, last4, exp_month, exp_year, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      db::Params(token->token, std::string(provider_.name()), token->brand, token->last4, token->exp_month,
                 token->exp_year, core::FormatRfc3339(clock_.Now())));
  return token;
}

core::Result<CardToken> PaymentService::FindToken(const std::string& token) {
  auto rs = db_.Query("SELECT brand, last4, exp_month, exp_year FROM payment_tokens WHERE token = $1 AND provider = $2",
                      db::Params(token, std::string(provider_.name())));
  if (rs.empty()) {
    return Fail(Error::Validation({{"payment.token", "is not a card token from POST /api/v1/payments/tokens"}}));
  }
  return CardToken{token, rs[0].Text(0), rs[0].Text(1), int(rs[0].Int(2)), int(rs[0].Int(3))};
}

void PaymentService::Record(const std::string& order_id, const std::string& operation_key, const std::string& kind,
                            std::int64_t amount, const std::string& event_type,
                            const std::function<void(db::Session&, Row&)>& apply) {
  auto tx = db_.Begin();
  auto row = Load(tx, order_id);
  if (!row) throw core::ErrorException(Error::Internal("payment vanished for order " + order_id));
  if (!tx.Query("SELECT 1 FROM payment_ledger WHERE operation_key = $1", db::Params(operation_key)).empty()) {
    return;  // recorded before a crash or by a concurrent retry
  }
  apply(tx, *row);
  const auto now = core::FormatRfc3339(clock_.Now());
  tx.Exec(
      "UPDATE payment_payments SET reference = $2, authorized = $3, captured = $4, voided = $5, refunded = $6, "
      "status = $7, decline_code = $8, updated_at = $9 WHERE id = $1",
      db::Params(row->id, row->reference, row->authorized, row->captured, row->voided, row->refunded, row->status,
                 row->decline_code, now));
  tx.Exec(
      "INSERT INTO payment_ledger (id, payment_id, kind, amount, operation_key, created_at) VALUES ($1, $2, $3, $4, $5, "
      "$6)",
      db::Params(ids_.Next("pled"), row->id, kind, amount, operation_key, now));
  json::object data{{"order_id", order_id},        {"payment_id", row->id},   {"method", row->method},
                    {"amount", amount},            {"currency", row->currency}, {"status", row->status},
                    {"decline_code", row->decline_code}};
  outbox_.Add(tx, bus::MakeEvent(ids_, clock_, "/vetahut/payment", event_type, order_id, json_text::Serialize(data)));
  tx.Commit();
  if (events_committed_) events_committed_();
}

core::Result<AuthorizationOutcome> PaymentService::Authorize(const std::string& order_id, const std::string& token,
                                                             const core::Money& amount) {
  auto card = FindToken(token);
  if (!card) return Fail(card.error());
  {
    auto tx = db_.Begin();
    auto existing = Load(tx, order_id);
    if (existing && existing->status != "pending") {
      // Decided before (a retry after a crash): report what was recorded.
      if (existing->status == "declined") {
        return AuthorizationOutcome{ProviderStatus::kDeclined, existing->decline_code, "the card was declined"};
      }
      if (existing->status == "voided" && existing->authorized == 0) {
        return AuthorizationOutcome{ProviderStatus::kDeclined, "voided", "the authorization was cancelled"};
      }
      return AuthorizationOutcome{};
    }
    if (!existing) {
      const auto now = core::FormatRfc3339(clock_.Now());
      tx.Exec(
          "INSERT INTO payment_payments (id, order_id, method, provider, token, brand, last4, reference, currency, "
          "amount, authorized, captured, voided, refunded, status, decline_code, created_at, updated_at) VALUES "
          "($1, $2, 'card', $3, $4, $5, $6, '', $7, $8, 0, 0, 0, 0, 'pending', '', $9, $9)",
          db::Params(ids_.Next("pay"), order_id, std::string(provider_.name()), token, card->brand, card->last4,
                     std::string(amount.currency().code()), amount.amount(), now));
      tx.Commit();
    }
  }
  auto result = provider_.Authorize(token, amount, order_id, order_id + ":authorize");
  if (!result) return Fail(result.error());
  core::CrashPoint("provider_authorized");  // the processor holds money we have not recorded yet
  AuthorizationOutcome outcome{result->status, result->decline_code, result->message};
  if (result->status == ProviderStatus::kPending) {
    auto tx = db_.Begin();
    tx.Exec("UPDATE payment_payments SET reference = $2, updated_at = $3 WHERE order_id = $1 AND status = 'pending'",
            db::Params(order_id, result->reference, core::FormatRfc3339(clock_.Now())));
    tx.Commit();
    return outcome;
  }
  const bool ok = result->status == ProviderStatus::kSucceeded;
  Record(order_id, order_id + ":authorize", "authorize", ok ? amount.amount() : 0,
         ok ? "com.vetahut.payment.authorized" : "com.vetahut.payment.declined", [&](db::Session&, Row& row) {
           row.reference = result->reference;
           row.authorized = ok ? amount.amount() : 0;
           row.status = ok ? "authorized" : "declined";
           row.decline_code = result->decline_code;
         });
  return outcome;
}

core::Status PaymentService::PayAtStore(const std::string& order_id, const core::Money& amount) {
  auto tx = db_.Begin();
  if (Load(tx, order_id)) return core::Ok();
  const auto now = core::FormatRfc3339(clock_.Now());
  const std::string id = ids_.Next("pay");
  tx.Exec(
      "INSERT INTO payment_payments (id, order_id, method, provider, token, brand, last4, reference, currency, amount, "
      "authorized, captured, voided, refunded, status, decline_code, created_at, updated_at) VALUES "
      "($1, $2, 'pay_at_store', 'store', '', '', '', '', $3, $4, 0, 0, 0, 0, 'due', '', $5, $5)",
      db::Params(id, order_id, std::string(amount.currency().code()), amount.amount(), now));
  outbox_.Add(tx, bus::MakeEvent(ids_, clock_, "/vetahut/payment", "com.vetahut.payment.due", order_id,
                                 json_text::Serialize(json::object{{"order_id", order_id},
                                                              {"payment_id", id},
                                                              {"amount", amount.amount()},
                                                              {"currency", amount.currency().code()}})));
  tx.Commit();
  if (events_committed_) events_committed_();
  return core::Ok();
}

core::Result<AuthorizationOutcome> PaymentService::CheckPending(const std::string& order_id) {
  std::optional<Row> row = Read(order_id);
  if (!row) return Fail(Error::NotFound("no payment for order " + order_id));
  if (row->status != "pending") {
    if (row->status == "declined" || (row->status == "voided" && row->authorized == 0)) {
      return AuthorizationOutcome{ProviderStatus::kDeclined, row->decline_code, "the payment failed"};
    }
    return AuthorizationOutcome{};
  }
  if (row->reference.empty()) return AuthorizationOutcome{ProviderStatus::kPending, "", ""};
  auto result = provider_.Retrieve(row->reference);
  if (!result) return Fail(result.error());
  if (result->status == ProviderStatus::kPending) return AuthorizationOutcome{ProviderStatus::kPending, "", ""};
  const bool ok = result->status == ProviderStatus::kSucceeded;
  const std::int64_t amount = row->amount;
  Record(order_id, order_id + ":authorize", "authorize", ok ? amount : 0,
         ok ? "com.vetahut.payment.authorized" : "com.vetahut.payment.declined", [&](db::Session&, Row& r) {
           r.authorized = ok ? amount : 0;
           r.status = ok ? "authorized" : "declined";
           r.decline_code = result->decline_code;
         });
  return AuthorizationOutcome{result->status, result->decline_code, result->message};
}

core::Status PaymentService::Capture(const std::string& order_id, const core::Money& amount) {
  std::optional<Row> row = Read(order_id);
  if (!row) return Fail(Error::NotFound("no payment for order " + order_id));
  if (row->captured > 0) return core::Ok();
  if (row->method == "pay_at_store") {
    Record(order_id, order_id + ":capture", "cash_collected", amount.amount(), "com.vetahut.payment.captured",
           [&](db::Session&, Row& r) {
             r.captured = amount.amount();
             r.status = "captured";
           });
    return core::Ok();
  }
  if (row->status != "authorized") {
    return Fail(Error::Conflict(fmt::format("a {} payment cannot be captured", row->status)));
  }
  const std::int64_t take = std::min(amount.amount(), row->authorized);
  auto result = provider_.Capture(row->reference, core::Money(take, amount.currency()), order_id + ":capture");
  if (!result) return Fail(result.error());
  core::CrashPoint("provider_captured");
  if (result->status != ProviderStatus::kSucceeded) {
    return Fail(Error::Conflict("the provider refused the capture: " + result->message));
  }
  Record(order_id, order_id + ":capture", "capture", take, "com.vetahut.payment.captured", [&](db::Session& tx, Row& r) {
    r.captured = take;
    r.status = "captured";
    if (r.authorized > take) {
      // A partial capture releases the rest of the hold.
      r.voided = r.authorized - take;
      tx.Exec(
          "INSERT INTO payment_ledger (id, payment_id, kind, amount, operation_key, created_at) VALUES ($1, $2, "
          "'void', $3, $4, $5)",
          db::Params(ids_.Next("pled"), r.id, r.voided, order_id + ":capture:release",
                     core::FormatRfc3339(clock_.Now())));
    }
  });
  return core::Ok();
}

core::Status PaymentService::Void(const std::string& order_id) {
  std::optional<Row> row = Read(order_id);
  if (!row || row->method == "pay_at_store") {
    if (row && row->status == "due") {
      Record(order_id, order_id + ":void", "void", 0, "com.vetahut.payment.voided",
             [](db::Session&, Row& r) { r.status = "voided"; });
    }
    return core::Ok();
  }
  if (row->status == "voided" || row->status == "declined") return core::Ok();
  if (row->captured > 0) return Fail(Error::Conflict("the payment is captured; refund it instead"));
  if (row->status == "pending" && row->reference.empty()) {
    // We never heard back from the processor (unreachable, or the answer was lost). Ask again with
    // the same key: it returns the first answer (or authorizes now), so a hold we never recorded is
    // found and released too. Still unreachable → the caller retries the compensation later.
    auto replay = provider_.Authorize(row->token, core::Money(row->amount, *core::Currency::Find(row->currency)),
                                      order_id, order_id + ":authorize");
    if (!replay && replay.error().code != core::ErrorCode::kNotFound) return Fail(replay.error());
    if (replay) {
      const bool held = replay->status == ProviderStatus::kSucceeded;
      const char* event = held ? "com.vetahut.payment.authorized"
                               : (replay->status == ProviderStatus::kPending ? "com.vetahut.payment.pending"
                                                                             : "com.vetahut.payment.declined");
      Record(order_id, order_id + ":authorize", "authorize", held ? row->amount : 0, event, [&](db::Session&, Row& r) {
        r.reference = replay->reference;
        r.authorized = held ? r.amount : 0;
        r.status = held ? "authorized" : (replay->status == ProviderStatus::kPending ? "pending" : "declined");
        r.decline_code = replay->decline_code;
      });
      if (replay->status == ProviderStatus::kDeclined) return core::Ok();
      row = Read(order_id);
    }
  }
  if (!row->reference.empty()) {
    auto result = provider_.Void(row->reference, order_id + ":void");
    if (!result) return Fail(result.error());
  }
  const std::int64_t released = row->authorized;
  Record(order_id, order_id + ":void", "void", released, "com.vetahut.payment.voided", [&](db::Session&, Row& r) {
    r.voided = released;
    r.status = "voided";
  });
  return core::Ok();
}

core::Result<PaymentView> PaymentService::Refund(const std::string& order_id, const core::Money& amount,
                                                 const std::string& key) {
  std::optional<Row> row = Read(order_id);
  if (!row) return Fail(Error::NotFound("no payment for order " + order_id));
  const std::string operation_key = order_id + ":refund:" + key;
  if (db_.Query("SELECT 1 FROM payment_ledger WHERE operation_key = $1", db::Params(operation_key)).empty()) {
    if (amount.currency().code() != row->currency) {
      return Fail(Error::Validation({{"amount.currency", "must be the order's currency " + row->currency}}));
    }
    if (amount.amount() <= 0) return Fail(Error::Validation({{"amount.amount", "must be positive"}}));
    const std::int64_t left = row->captured - row->refunded;
    if (amount.amount() > left) {
      return Fail(Error::Validation(
          {{"amount.amount", fmt::format("is more than what can still be refunded ({} minor units)", left)}}));
    }
    if (row->method == "card") {
      auto result = provider_.Refund(row->reference, amount, operation_key);
      if (!result) return Fail(result.error());
      if (result->status != ProviderStatus::kSucceeded) {
        return Fail(Error::Conflict("the provider refused the refund: " + result->message));
      }
    }
    const std::int64_t value = amount.amount();
    Record(order_id, operation_key, row->method == "card" ? "refund" : "cash_refunded", value,
           "com.vetahut.payment.refunded", [&](db::Session&, Row& r) {
             r.refunded += value;
             r.status = r.refunded == r.captured ? "refunded" : "partially_refunded";
           });
  }
  return Get(order_id);
}

core::Result<PaymentView> PaymentService::Get(const std::string& order_id) {
  auto row = Read(order_id);
  if (!row) return Fail(Error::NotFound("no payment for order " + order_id));
  return ToView(order_id, *row);
}

core::Result<bool> PaymentService::HandleWebhook(const std::string& provider_name, std::string_view signature,
                                                 std::string_view body) {
  if (provider_name != provider_.name()) {
    return Fail(Error::NotFound(fmt::format("no payment provider '{}' is configured", provider_name)));
  }
  auto event = provider_.VerifyWebhook(signature, body, clock_.Now());
  if (!event) return Fail(event.error());
  std::string order_id;
  {
    auto tx = db_.Begin();
    if (!tx.Query("SELECT 1 FROM payment_webhook_events WHERE event_id = $1", db::Params(event->id)).empty()) {
      return false;
    }
    tx.Exec("INSERT INTO payment_webhook_events (event_id, provider, type, reference, received_at) VALUES ($1, $2, $3, $4, $5)",
            db::Params(event->id, provider_name, event->type, event->reference, core::FormatRfc3339(clock_.Now())));
    auto rs = tx.Query("SELECT order_id, status FROM payment_payments WHERE reference = $1", db::Params(event->reference));
    if (!rs.empty()) order_id = rs[0].Text(0);
    tx.Commit();
    log::Info("payment callback", {{"provider", provider_name}, {"type", event->type}, {"order_id", order_id}});
    if (rs.empty() || rs[0].Text(1) != "pending") return true;
  }
  // A pending authorization was settled: ask the provider (the callback only says "look").
  if (event->type == "payment.authorized" || event->type == "payment.failed" || event->type == "payment.voided") {
    auto outcome = CheckPending(order_id);
    if (outcome && outcome->status != ProviderStatus::kPending && settled_) settled_(order_id);
  }
  return true;
}

std::vector<std::string> PaymentService::Reconcile() {
  std::vector<std::string> problems;
  auto rs = db_.Query(
      "SELECT p.order_id, p.method, p.status, p.authorized, p.captured, p.voided, p.refunded, "
      "COALESCE(SUM(CASE WHEN l.kind = 'authorize' THEN l.amount ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN l.kind IN ('capture', 'cash_collected') THEN l.amount ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN l.kind = 'void' THEN l.amount ELSE 0 END), 0), "
      "COALESCE(SUM(CASE WHEN l.kind IN ('refund', 'cash_refunded') THEN l.amount ELSE 0 END), 0) "
      "FROM payment_payments p LEFT JOIN payment_ledger l ON l.payment_id = p.id "
      "GROUP BY p.order_id, p.method, p.status, p.authorized, p.captured, p.voided, p.refunded");
  for (const auto& r : rs) {
    const std::string order = r.Text(0);
    const std::string status = r.Text(2);
    const std::int64_t authorized = r.Int(3), captured = r.Int(4), voided = r.Int(5), refunded = r.Int(6);
    if (authorized != r.Int(7) || captured != r.Int(8) || voided != r.Int(9) || refunded != r.Int(10)) {
      problems.push_back(fmt::format("{}: the ledger does not add up to the payment", order));
    }
    if (refunded > captured) problems.push_back(fmt::format("{}: refunded {} > captured {}", order, refunded, captured));
    const bool settled = status == "captured" || status == "voided" || status == "refunded" || status == "partially_refunded";
    if (r.Text(1) == "card" && settled && authorized != captured + voided) {
      problems.push_back(fmt::format("{}: authorized {} ≠ captured {} + voided {}", order, authorized, captured, voided));
    }
  }
  return problems;
}

std::vector<db::Migration> AllMigrations() {
  auto all = Migrations();
  for (auto& m : bus::OutboxInboxMigrations("payment", 900)) all.push_back(std::move(m));
  return all;
}

}  // namespace vetahut::payment
