#include "services/integration/journal_repository.hpp"

#include <boost/json.hpp>

#include "lib/json/write.hpp"

namespace vetahut::integration {
namespace {

namespace json = boost::json;

constexpr const char* kUpsertSale =
    "INSERT INTO integration_sales (order_id, store_id, number, placed_business_date, order_type, channel, "
    "payment_method, currency, subtotal, discount, tax, delivery_fee, tip, total, tax_included, taxes, confirmed, "
    "completed_at, completed_us, journal_date) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, NULL, NULL, NULL) "
    "ON CONFLICT (order_id) DO UPDATE SET store_id = excluded.store_id, number = excluded.number, "
    "placed_business_date = excluded.placed_business_date, order_type = excluded.order_type, "
    "channel = excluded.channel, payment_method = excluded.payment_method, currency = excluded.currency, "
    "subtotal = excluded.subtotal, discount = excluded.discount, tax = excluded.tax, "
    "delivery_fee = excluded.delivery_fee, tip = excluded.tip, total = excluded.total, "
    "tax_included = excluded.tax_included, taxes = excluded.taxes, confirmed = excluded.confirmed "
    "WHERE integration_sales.confirmed = $18";
constexpr const char* kComplete =
    "INSERT INTO integration_sales (order_id, store_id, number, placed_business_date, order_type, channel, "
    "payment_method, currency, subtotal, discount, tax, delivery_fee, tip, total, tax_included, taxes, confirmed, "
    "completed_at, completed_us, journal_date) "
    "VALUES ($1, $2, 0, '', '', '', '', '', 0, 0, 0, 0, 0, 0, $3, '[]', $3, $4, $5, NULL) "
    "ON CONFLICT (order_id) DO UPDATE SET completed_at = excluded.completed_at, completed_us = excluded.completed_us "
    "WHERE integration_sales.completed_us IS NULL";
constexpr const char* kInsertRefund =
    "INSERT INTO integration_refunds (event_id, order_id, payment_id, store_id, method, currency, amount, refunded_at, "
    "refunded_us, journal_date) "
    "VALUES ($1, $2, $3, (SELECT store_id FROM integration_sales WHERE order_id = $2), $4, $5, $6, $7, $8, NULL) "
    "ON CONFLICT (event_id) DO NOTHING";
constexpr const char* kSales =
    "SELECT order_id, number, placed_business_date, order_type, channel, payment_method, currency, completed_at, "
    "subtotal, discount, tax, delivery_fee, tip, total, tax_included, taxes FROM integration_sales "
    "WHERE store_id = $1 AND confirmed = $2 AND completed_us >= $3 AND completed_us < $4 ORDER BY completed_us, order_id";
constexpr const char* kRefunds =
    "SELECT event_id, order_id, payment_id, method, currency, refunded_at, amount FROM integration_refunds "
    "WHERE store_id = $1 AND refunded_us >= $2 AND refunded_us < $3 ORDER BY refunded_us, event_id";
constexpr const char* kOpenFacts =
    "SELECT store_id, completed_us AS at_us FROM integration_sales WHERE journal_date IS NULL AND confirmed = $1 "
    "AND completed_us IS NOT NULL "
    "UNION ALL SELECT store_id, refunded_us AS at_us FROM integration_refunds WHERE journal_date IS NULL "
    "AND store_id IS NOT NULL ORDER BY at_us LIMIT $2";
constexpr const char* kJournalColumns =
    "store_id, business_date, currency, closed, revision, json_sha256, csv_sha256, orders, net_total, generated_at, "
    "generated_by, event_id";
constexpr const char* kSaveJournal =
    "INSERT INTO integration_journals (store_id, business_date, currency, closed, revision, json_sha256, csv_sha256, "
    "orders, net_total, generated_at, generated_by, event_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "ON CONFLICT (store_id, business_date) DO UPDATE SET currency = excluded.currency, closed = excluded.closed, "
    "revision = excluded.revision, json_sha256 = excluded.json_sha256, csv_sha256 = excluded.csv_sha256, "
    "orders = excluded.orders, net_total = excluded.net_total, generated_at = excluded.generated_at, "
    "generated_by = excluded.generated_by, event_id = excluded.event_id";

JournalRow JournalFrom(const db::Row& r) {
  return {r.Text("store_id"),     r.Text("business_date"), r.Text("currency"),     r.Bool("closed"),
          r.Int("revision"),      r.Text("json_sha256"),   r.Text("csv_sha256"),   r.Int("orders"),
          r.Int("net_total"),     r.Text("generated_at"),  r.Text("generated_by"), r.Text("event_id")};
}

std::string TaxesJson(const std::vector<TaxAmount>& taxes) {
  json::array a;
  for (const auto& t : taxes) a.push_back(json::object{{"category", t.category}, {"net", t.net}, {"tax", t.tax}});
  return json_text::Serialize(a);
}

std::vector<TaxAmount> TaxesFrom(const std::string& text) {
  std::vector<TaxAmount> out;
  json::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& t : v.as_array()) {
    const auto* o = t.if_object();
    if (!o) continue;
    TaxAmount a;
    if (const auto* c = o->if_contains("category"); c && c->is_string()) a.category = std::string(c->as_string());
    if (const auto* n = o->if_contains("net"); n && n->is_int64()) a.net = n->as_int64();
    if (const auto* x = o->if_contains("tax"); x && x->is_int64()) a.tax = x->as_int64();
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

void JournalRepository::UpsertSale(db::Session& tx, const ConfirmedSale& c) const {
  const SaleRecord& s = c.sale;
  tx.Exec(kUpsertSale, db::Params(s.order_id, c.store_id, s.number, s.placed_business_date, s.order_type, s.channel,
                                  s.payment_method, s.currency, s.subtotal, s.discount, s.tax, s.delivery_fee, s.tip,
                                  s.total, s.tax_included, TaxesJson(s.taxes), true, false));
}

void JournalRepository::Complete(db::Session& tx, const std::string& order_id, const std::string& store_id,
                                 const std::string& at, std::int64_t at_us) const {
  tx.Exec(kComplete, db::Params(order_id, store_id, false, at, at_us));
}

void JournalRepository::InsertRefund(db::Session& tx, const NewRefund& n) const {
  const RefundRecord& r = n.refund;
  tx.Exec(kInsertRefund, db::Params(r.event_id, r.order_id, r.payment_id, r.method, r.currency, r.amount, r.refunded_at,
                                    n.refunded_us));
}

std::vector<SaleRecord> JournalRepository::Sales(db::Session& s, const std::string& store_id, std::int64_t from_us,
                                                 std::int64_t to_us) const {
  std::vector<SaleRecord> out;
  for (const auto& r : s.Query(kSales, db::Params(store_id, true, from_us, to_us))) {
    SaleRecord sale;
    sale.order_id = r.Text("order_id");
    sale.number = r.Int("number");
    sale.placed_business_date = r.Text("placed_business_date");
    sale.order_type = r.Text("order_type");
    sale.channel = r.Text("channel");
    sale.payment_method = r.Text("payment_method");
    sale.currency = r.Text("currency");
    sale.completed_at = r.Text("completed_at");
    sale.subtotal = r.Int("subtotal");
    sale.discount = r.Int("discount");
    sale.tax = r.Int("tax");
    sale.delivery_fee = r.Int("delivery_fee");
    sale.tip = r.Int("tip");
    sale.total = r.Int("total");
    sale.tax_included = r.Bool("tax_included");
    sale.taxes = TaxesFrom(r.Text("taxes"));
    out.push_back(std::move(sale));
  }
  return out;
}

std::vector<RefundRecord> JournalRepository::Refunds(db::Session& s, const std::string& store_id, std::int64_t from_us,
                                                     std::int64_t to_us) const {
  std::vector<RefundRecord> out;
  for (const auto& r : s.Query(kRefunds, db::Params(store_id, from_us, to_us))) {
    out.push_back({r.Text("event_id"), r.Text("order_id"), r.Text("payment_id"), r.Text("method"), r.Text("currency"),
                   r.Text("refunded_at"), r.Int("amount")});
  }
  return out;
}

void JournalRepository::MarkJournaled(db::Session& tx, const std::string& store_id, std::int64_t from_us,
                                      std::int64_t to_us, const std::string& business_date) const {
  tx.Exec("UPDATE integration_sales SET journal_date = $1 WHERE store_id = $2 AND completed_us >= $3 AND completed_us < $4",
          db::Params(business_date, store_id, from_us, to_us));
  tx.Exec("UPDATE integration_refunds SET journal_date = $1 WHERE store_id = $2 AND refunded_us >= $3 AND refunded_us < $4",
          db::Params(business_date, store_id, from_us, to_us));
}

std::vector<OpenFact> JournalRepository::OpenFacts(db::Session& s, int limit) const {
  std::vector<OpenFact> out;
  for (const auto& r : s.Query(kOpenFacts, db::Params(true, limit))) out.push_back({r.Text("store_id"), r.Int("at_us")});
  return out;
}

std::optional<JournalRow> JournalRepository::FindJournal(db::Session& s, const std::string& store_id,
                                                         const std::string& business_date) const {
  auto rs = s.Query(std::string("SELECT ") + kJournalColumns +
                        " FROM integration_journals WHERE store_id = $1 AND business_date = $2",
                    db::Params(store_id, business_date));
  if (rs.empty()) return std::nullopt;
  return JournalFrom(rs[0]);
}

void JournalRepository::SaveJournal(db::Session& tx, const JournalRow& j) const {
  tx.Exec(kSaveJournal, db::Params(j.store_id, j.business_date, j.currency, j.closed, j.revision, j.json_sha256,
                                   j.csv_sha256, j.orders, j.net_total, j.generated_at, j.generated_by, j.event_id));
}

std::vector<JournalRow> JournalRepository::Journals(db::Session& s, const std::string& store_id, int limit,
                                                    const std::optional<std::pair<std::string, std::string>>& after) const {
  std::vector<JournalRow> out;
  // Newest day first, then store: a cursor is the (day, store) of the last row shown.
  const std::string sql = std::string("SELECT ") + kJournalColumns +
                          " FROM integration_journals WHERE ($1 = '' OR store_id = $1) AND ($2 = '' OR business_date < $2 "
                          "OR (business_date = $2 AND store_id > $3)) ORDER BY business_date DESC, store_id LIMIT $4";
  for (const auto& r : s.Query(sql, db::Params(store_id, after ? after->first : std::string(),
                                               after ? after->second : std::string(), limit))) {
    out.push_back(JournalFrom(r));
  }
  return out;
}

}  // namespace vetahut::integration
