#include "services/payment/payment_repository.hpp"

namespace vetahut::payment {
namespace {

constexpr const char* kSelectByOrder =
    "SELECT id, order_id, method, provider, token, brand, last4, reference, currency, amount, authorized, captured, "
    "voided, refunded, status, decline_code FROM payment_payments WHERE order_id = $1";
constexpr const char* kSelectByReference = "SELECT order_id, status FROM payment_payments WHERE reference = $1";
constexpr const char* kInsert =
    "INSERT INTO payment_payments (id, order_id, method, provider, token, brand, last4, reference, currency, amount, "
    "authorized, captured, voided, refunded, status, decline_code, created_at, updated_at) VALUES "
    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)";
constexpr const char* kUpdate =
    "UPDATE payment_payments SET reference = $2, authorized = $3, captured = $4, voided = $5, refunded = $6, "
    "status = $7, decline_code = $8, updated_at = $9 WHERE id = $1";
constexpr const char* kSetPendingReference =
    "UPDATE payment_payments SET reference = $2, updated_at = $3 WHERE order_id = $1 AND status = 'pending'";
constexpr const char* kLedgerHas = "SELECT 1 AS found FROM payment_ledger WHERE operation_key = $1";
constexpr const char* kAppendLedger =
    "INSERT INTO payment_ledger (id, payment_id, kind, amount, operation_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
constexpr const char* kInsertToken =
    "INSERT INTO payment_tokens (token, provider, brand, last4, exp_month, exp_year, created_at, owner, saved, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr const char* kSelectToken =
    "SELECT token, brand, last4, exp_month, exp_year, owner, saved, expires_at, used_by_order FROM payment_tokens "
    "WHERE token = $1 AND provider = $2";
constexpr const char* kUseToken =
    "UPDATE payment_tokens SET used_by_order = $2 WHERE token = $1 AND (saved = 1 OR used_by_order IS NULL OR "
    "used_by_order = $2)";
constexpr const char* kRecordWebhook =
    "INSERT INTO payment_webhook_events (event_id, provider, type, reference, received_at) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (event_id) DO NOTHING";
constexpr const char* kReconciliation =
    "SELECT p.id, p.order_id, p.method, p.provider, p.token, p.brand, p.last4, p.reference, p.currency, p.amount, "
    "p.authorized, p.captured, p.voided, p.refunded, p.status, p.decline_code, "
    "COALESCE(SUM(CASE WHEN l.kind = 'authorize' THEN l.amount ELSE 0 END), 0) AS ledger_authorized, "
    "COALESCE(SUM(CASE WHEN l.kind IN ('capture', 'cash_collected') THEN l.amount ELSE 0 END), 0) AS ledger_captured, "
    "COALESCE(SUM(CASE WHEN l.kind = 'void' THEN l.amount ELSE 0 END), 0) AS ledger_voided, "
    "COALESCE(SUM(CASE WHEN l.kind IN ('refund', 'cash_refunded') THEN l.amount ELSE 0 END), 0) AS ledger_refunded "
    "FROM payment_payments p LEFT JOIN payment_ledger l ON l.payment_id = p.id "
    "GROUP BY p.id, p.order_id, p.method, p.provider, p.token, p.brand, p.last4, p.reference, p.currency, p.amount, "
    "p.authorized, p.captured, p.voided, p.refunded, p.status, p.decline_code";

std::string T(core::TimePoint t) { return core::FormatRfc3339(t); }

PaymentRow FromRow(const db::Row& r) {
  PaymentRow p;
  p.id = r.Text("id");
  p.order_id = r.Text("order_id");
  p.method = r.Text("method");
  p.provider = r.Text("provider");
  p.token = r.Text("token");
  p.brand = r.Text("brand");
  p.last4 = r.Text("last4");
  p.reference = r.Text("reference");
  p.currency = r.Text("currency");
  p.amount = r.Int("amount");
  p.authorized = r.Int("authorized");
  p.captured = r.Int("captured");
  p.voided = r.Int("voided");
  p.refunded = r.Int("refunded");
  p.status = r.Text("status");
  p.decline_code = r.Text("decline_code");
  return p;
}

}  // namespace

std::optional<PaymentRow> PaymentRepository::FindByOrder(db::Session& s, const std::string& order_id) const {
  auto rs = s.Query(kSelectByOrder, db::Params(order_id));
  if (rs.empty()) return std::nullopt;
  return FromRow(rs[0]);
}

std::optional<std::pair<std::string, std::string>> PaymentRepository::FindByReference(db::Session& s,
                                                                                     const std::string& reference) const {
  auto rs = s.Query(kSelectByReference, db::Params(reference));
  if (rs.empty()) return std::nullopt;
  return std::pair{rs[0].Text("order_id"), rs[0].Text("status")};
}

void PaymentRepository::Insert(db::Session& tx, const PaymentRow& p, core::TimePoint now) const {
  tx.Exec(kInsert, db::Params(p.id, p.order_id, p.method, p.provider, p.token, p.brand, p.last4, p.reference, p.currency,
                              p.amount, p.authorized, p.captured, p.voided, p.refunded, p.status, p.decline_code, T(now)));
}

void PaymentRepository::Update(db::Session& tx, const PaymentRow& p, core::TimePoint now) const {
  tx.Exec(kUpdate, db::Params(p.id, p.reference, p.authorized, p.captured, p.voided, p.refunded, p.status,
                              p.decline_code, T(now)));
}

void PaymentRepository::SetPendingReference(db::Session& tx, const std::string& order_id, const std::string& reference,
                                            core::TimePoint now) const {
  tx.Exec(kSetPendingReference, db::Params(order_id, reference, T(now)));
}

bool PaymentRepository::LedgerHas(db::Session& s, const std::string& operation_key) const {
  return !s.Query(kLedgerHas, db::Params(operation_key)).empty();
}

void PaymentRepository::AppendLedger(db::Session& tx, const std::string& id, const std::string& payment_id,
                                     const std::string& kind, std::int64_t amount, const std::string& operation_key,
                                     core::TimePoint now) const {
  tx.Exec(kAppendLedger, db::Params(id, payment_id, kind, amount, operation_key, T(now)));
}

void PaymentRepository::InsertToken(db::Session& tx, const TokenRow& token, const std::string& provider,
                                    core::TimePoint now) const {
  const auto& c = token.card;
  tx.Exec(kInsertToken, db::Params(c.token, provider, c.brand, c.last4, c.exp_month, c.exp_year, T(now), token.owner,
                                   std::int64_t{token.saved ? 1 : 0}, token.expires_at));
}

std::optional<PaymentRepository::TokenRow> PaymentRepository::FindToken(db::Session& s, const std::string& token,
                                                                        const std::string& provider) const {
  auto rs = s.Query(kSelectToken, db::Params(token, provider));
  if (rs.empty()) return std::nullopt;
  const auto& r = rs[0];
  return TokenRow{
      CardTokenInfo{r.Text("token"), r.Text("brand"), r.Text("last4"), int(r.Int("exp_month")), int(r.Int("exp_year"))},
      r.Text("owner"), r.Int("saved") != 0, r.Int("expires_at"), r.OptText("used_by_order")};
}

bool PaymentRepository::UseToken(db::Session& tx, const std::string& token, const std::string& order_id) const {
  return tx.Exec(kUseToken, db::Params(token, order_id)) > 0;
}

bool PaymentRepository::RecordWebhook(db::Session& tx, const std::string& event_id, const std::string& provider,
                                      const std::string& type, const std::string& reference, core::TimePoint now) const {
  return tx.Exec(kRecordWebhook, db::Params(event_id, provider, type, reference, T(now))) == 1;
}

std::vector<ReconcileRow> PaymentRepository::Reconciliation(db::Session& s) const {
  std::vector<ReconcileRow> out;
  for (const auto& r : s.Query(kReconciliation)) {
    out.push_back({FromRow(r), r.Int("ledger_authorized"), r.Int("ledger_captured"), r.Int("ledger_voided"),
                   r.Int("ledger_refunded")});
  }
  return out;
}

}  // namespace vetahut::payment
