#include "services/order/order_repository.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vetahut::order {
namespace {

constexpr const char* kColumns =
    "id, store_id, customer_id, placed_by, customer_name, channel, number, business_date, type, status, currency, "
    "subtotal, discount_total, tax_total, delivery_fee, tip, total, loyalty_basis, reward_id, reward_points, "
    "payment_method, payment_token, scheduled_for, promised_at, address, quote, lines, request_hash, reason, saga_step, "
    "saga_attempts, saga_next_at, payment_deadline, created_at, updated_at, ready_by, contact_email, contact_phone, "
    "tracking_key, cash_tendered, cashier_name";
constexpr const char* kRunnableSteps = "('authorize', 'pay_at_store', 'await_payment', 'capture', 'compensate')";
constexpr const char* kInsert =
    "INSERT INTO order_orders (id, store_id, customer_id, placed_by, customer_name, channel, number, business_date, "
    "type, status, currency, subtotal, discount_total, tax_total, delivery_fee, tip, total, loyalty_basis, reward_id, "
    "reward_points, payment_method, payment_token, scheduled_for, promised_at, address, quote, lines, request_hash, "
    "reason, saga_step, saga_attempts, saga_next_at, saga_lease_until, payment_deadline, created_at, updated_at, "
    "ready_by, contact_email, contact_phone, tracking_key, cash_tendered, cashier_name) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, "
    "$24, $25, $26, $27, $28, '', $29, 0, $30, $31, $32, $33, $33, $34, $35, $36, $37, $38, $39)";
constexpr const char* kNextNumber =
    "INSERT INTO order_numbers (store_id, business_date, last_number) VALUES ($1, $2, 1) "
    "ON CONFLICT (store_id, business_date) DO UPDATE SET last_number = order_numbers.last_number + 1 "
    "RETURNING last_number";
constexpr const char* kApplyStatus =
    "UPDATE order_orders SET status = $1, saga_step = $2, saga_next_at = $3, saga_attempts = 0, "
    "reason = CASE WHEN $4 = '' THEN reason ELSE $4 END, updated_at = $5, "
    "saga_lease_until = CASE WHEN $9 THEN 0 ELSE saga_lease_until END "
    "WHERE id = $6 AND status = $7 AND saga_step = $8";
constexpr const char* kSetStep =
    "UPDATE order_orders SET saga_step = $1, saga_next_at = $2, saga_attempts = $3, updated_at = $4, "
    "saga_lease_until = CASE WHEN $8 THEN 0 ELSE saga_lease_until END "
    "WHERE id = $5 AND status = $6 AND saga_step = $7";

Order FromRow(const db::Row& r) {
  Order o;
  o.id = r.Text("id");
  o.store_id = r.Text("store_id");
  o.customer_id = r.OptText("customer_id");
  o.placed_by = r.Text("placed_by");
  o.customer_name = r.Text("customer_name");
  o.channel = r.Text("channel");
  o.number = r.Int("number");
  o.business_date = r.Text("business_date");
  o.type = ParseType(r.Text("type")).value_or(OrderType::kCarryout);
  o.status = ParseStatus(r.Text("status")).value_or(OrderStatus::kPendingPayment);
  o.currency = r.Text("currency");
  o.subtotal = r.Int("subtotal");
  o.discount_total = r.Int("discount_total");
  o.tax_total = r.Int("tax_total");
  o.delivery_fee = r.Int("delivery_fee");
  o.tip = r.Int("tip");
  o.total = r.Int("total");
  o.loyalty_basis = r.Int("loyalty_basis");
  o.reward_id = r.Text("reward_id");
  o.reward_points = r.Int("reward_points");
  o.payment_method = r.Text("payment_method");
  o.payment_token = r.Text("payment_token");
  o.scheduled_for = r.OptText("scheduled_for");
  o.promised_at = r.Text("promised_at");
  o.ready_by = r.Text("ready_by");
  o.contact_email = r.Text("contact_email");
  o.contact_phone = r.Text("contact_phone");
  o.tracking_key = r.OptText("tracking_key");
  o.cash_tendered = r.Int("cash_tendered");
  o.cashier_name = r.Text("cashier_name");
  o.address = r.OptText("address");
  o.quote = r.Text("quote");
  o.lines = r.Text("lines");
  o.request_hash = r.Text("request_hash");
  o.reason = r.Text("reason");
  o.saga_step = r.Text("saga_step");
  o.saga_attempts = r.Int("saga_attempts");
  o.saga_next_at = r.Int("saga_next_at");
  o.payment_deadline = r.Int("payment_deadline");
  o.created_at = r.Text("created_at");
  o.updated_at = r.Text("updated_at");
  return o;
}

std::vector<Order> ToOrders(const db::ResultSet& rs) {
  std::vector<Order> out;
  out.reserve(rs.size());
  for (const auto& r : rs) out.push_back(FromRow(r));
  return out;
}

}  // namespace

std::optional<Order> OrderRepository::Find(db::Session& s, const std::string& order_id) const {
  auto rs = s.Query(fmt::format("SELECT {} FROM order_orders WHERE id = $1", kColumns), db::Params(order_id));
  if (rs.empty()) return std::nullopt;
  return FromRow(rs[0]);
}

std::optional<Order> OrderRepository::FindByTrackingKey(db::Session& s, const std::string& key) const {
  auto rs = s.Query(fmt::format("SELECT {} FROM order_orders WHERE tracking_key = $1", kColumns), db::Params(key));
  if (rs.empty()) return std::nullopt;
  return FromRow(rs[0]);
}

std::vector<Order> OrderRepository::ListForStore(db::Session& s, const std::string& store_id,
                                                 std::optional<OrderStatus> status, int limit,
                                                 const std::string& cursor) const {
  std::string sql = fmt::format("SELECT {} FROM order_orders WHERE store_id = $1", kColumns);
  auto params = db::Params(store_id);
  if (status) {
    params.push_back(std::string(StatusName(*status)));
    sql += fmt::format(" AND status = ${}", params.size());
  }
  if (!cursor.empty()) {
    params.push_back(cursor);
    sql += fmt::format(" AND id < ${}", params.size());
  }
  sql += fmt::format(" ORDER BY id DESC LIMIT {}", std::clamp(limit, 1, 200));
  return ToOrders(s.Query(sql, params));
}

std::vector<Order> OrderRepository::ListForCustomer(db::Session& s, const std::string& customer_id, int limit,
                                                    const std::string& cursor) const {
  std::string sql = fmt::format("SELECT {} FROM order_orders WHERE customer_id = $1", kColumns);
  auto params = db::Params(customer_id);
  if (!cursor.empty()) {
    params.push_back(cursor);
    sql += " AND id < $2";
  }
  sql += fmt::format(" ORDER BY id DESC LIMIT {}", std::clamp(limit, 1, 200));
  return ToOrders(s.Query(sql, params));
}

std::optional<std::pair<std::string, std::string>> OrderRepository::FindPlacement(db::Session& s,
                                                                                const std::string& scope_key) const {
  auto rs = s.Query("SELECT request_hash, order_id FROM order_idempotency WHERE scope_key = $1", db::Params(scope_key));
  if (rs.empty()) return std::nullopt;
  return std::pair{rs[0].Text("request_hash"), rs[0].Text("order_id")};
}

void OrderRepository::InsertPlacement(db::Session& tx, const std::string& scope_key, const std::string& hash,
                                      const std::string& order_id, const std::string& created_at) const {
  tx.Exec("INSERT INTO order_idempotency (scope_key, request_hash, order_id, created_at) VALUES ($1, $2, $3, $4)",
          db::Params(scope_key, hash, order_id, created_at));
}

std::int64_t OrderRepository::NextNumber(db::Session& tx, const std::string& store_id,
                                         const std::string& business_date) const {
  return tx.Query(kNextNumber, db::Params(store_id, business_date))[0].Int("last_number");
}

void OrderRepository::Insert(db::Session& tx, const Order& o, std::int64_t lease_until) const {
  tx.Exec(kInsert,
          db::Params(o.id, o.store_id, o.customer_id, o.placed_by, o.customer_name, o.channel, o.number, o.business_date,
                     std::string(TypeName(o.type)), std::string(StatusName(o.status)), o.currency, o.subtotal,
                     o.discount_total, o.tax_total, o.delivery_fee, o.tip, o.total, o.loyalty_basis, o.reward_id,
                     o.reward_points, o.payment_method, o.payment_token, o.scheduled_for, o.promised_at, o.address,
                     o.quote, o.lines, o.request_hash, o.saga_step, o.saga_next_at, lease_until, o.payment_deadline,
                     o.created_at, o.ready_by, o.contact_email, o.contact_phone, o.tracking_key, o.cash_tendered, o.cashier_name));
}

void OrderRepository::InsertRefund(db::Session& tx, const RefundRow& r) const {
  tx.Exec("INSERT INTO order_refunds (id, order_id, idempotency_key, amount, reason, lines, refunded_by, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id, idempotency_key) DO NOTHING",
          db::Params(r.id, r.order_id, r.idempotency_key, r.amount, r.reason, r.lines, r.refunded_by, r.created_at));
}

std::vector<RefundRow> OrderRepository::Refunds(db::Session& s, const std::string& order_id) const {
  std::vector<RefundRow> out;
  for (const auto& row : s.Query("SELECT id, order_id, idempotency_key, amount, reason, lines, refunded_by, created_at "
                                 "FROM order_refunds WHERE order_id = $1 ORDER BY created_at, id",
                                 db::Params(order_id))) {
    out.push_back({row.Text("id"), row.Text("order_id"), row.Text("idempotency_key"), row.Int("amount"),
                   row.Text("reason"), row.Text("lines"), row.Text("refunded_by"), row.Text("created_at")});
  }
  return out;
}

std::int64_t OrderRepository::NextEventSeq(db::Session& tx, const std::string& order_id) const {
  return tx.Query("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM order_events WHERE order_id = $1",
                  db::Params(order_id))[0]
      .Int("next");
}

void OrderRepository::AppendEvent(db::Session& tx, const std::string& order_id, std::int64_t seq,
                                  const std::string& status, const std::string& data, const std::string& at) const {
  tx.Exec("INSERT INTO order_events (order_id, seq, status, data, created_at) VALUES ($1, $2, $3, $4, $5)",
          db::Params(order_id, seq, status, data, at));
}

std::vector<OrderEventRow> OrderRepository::History(db::Session& s, const std::string& order_id,
                                                    std::int64_t after_seq) const {
  std::vector<OrderEventRow> out;
  for (const auto& r : s.Query("SELECT seq, status, data FROM order_events WHERE order_id = $1 AND seq > $2 ORDER BY seq",
                               db::Params(order_id, after_seq))) {
    out.push_back({r.Int("seq"), r.Text("status"), r.Text("data")});
  }
  return out;
}

bool OrderRepository::ApplyStatus(db::Session& tx, const Order& o, OrderStatus to, const std::string& next_step,
                                  std::int64_t next_at, const std::string& reason, const std::string& at,
                                  bool release) const {
  return tx.Exec(kApplyStatus, db::Params(std::string(StatusName(to)), next_step, next_at, reason, at, o.id,
                                          std::string(StatusName(o.status)), o.saga_step, release)) > 0;
}

bool OrderRepository::SetStep(db::Session& s, const Order& o, const std::string& next_step, std::int64_t next_at,
                              std::int64_t attempts, const std::string& at, bool release) const {
  return s.Exec(kSetStep, db::Params(next_step, next_at, attempts, at, o.id, std::string(StatusName(o.status)),
                                     o.saga_step, release)) > 0;
}

bool OrderRepository::TakeLease(db::Session& s, const std::string& order_id, std::int64_t until, std::int64_t now) const {
  return s.Exec("UPDATE order_orders SET saga_lease_until = $1 WHERE id = $2 AND saga_lease_until < $3",
                db::Params(until, order_id, now)) > 0;
}

void OrderRepository::DropLease(db::Session& s, const std::string& order_id) const {
  s.Exec("UPDATE order_orders SET saga_lease_until = 0 WHERE id = $1", db::Params(order_id));
}

void OrderRepository::RetryLater(db::Session& s, const std::string& order_id, std::int64_t next_at) const {
  s.Exec("UPDATE order_orders SET saga_next_at = $1, saga_attempts = saga_attempts + 1, saga_lease_until = 0 WHERE id = $2",
         db::Params(next_at, order_id));
}

std::vector<std::string> OrderRepository::DueSagas(db::Session& s, std::int64_t now, int limit) const {
  std::vector<std::string> out;
  for (const auto& r : s.Query(fmt::format("SELECT id FROM order_orders WHERE saga_step IN {} AND saga_next_at <= $1 AND "
                                           "saga_lease_until < $1 ORDER BY saga_next_at LIMIT $2",
                                           kRunnableSteps),
                               db::Params(now, limit))) {
    out.push_back(r.Text("id"));
  }
  return out;
}

bool OrderRepository::WakeAwaitingPayment(db::Session& s, const std::string& order_id, std::int64_t now) const {
  // A read first: most payment events are about orders that are not waiting (the authorization
  // answered at once), and those must not cost a write.
  auto rs = s.Query("SELECT saga_step FROM order_orders WHERE id = $1", db::Params(order_id));
  if (rs.empty() || rs[0].Text("saga_step") != "await_payment") return false;
  return s.Exec("UPDATE order_orders SET saga_next_at = $1 WHERE id = $2 AND saga_step = 'await_payment'",
                db::Params(now, order_id)) > 0;
}

std::int64_t OrderRepository::SagaBacklog(db::Session& s) const {
  return s.Query(fmt::format("SELECT COUNT(*) AS backlog FROM order_orders WHERE saga_step IN {}", kRunnableSteps))[0]
      .Int("backlog");
}

bool OrderRepository::SetPromise(db::Session& tx, const std::string& order_id, const std::string& promised_at,
                                 const std::string& at, OrderStatus expected) const {
  // Only while the status is the one the caller read: its tracking event names that status.
  return tx.Exec("UPDATE order_orders SET promised_at = $1, updated_at = $2 WHERE id = $3 AND status = $4",
                 db::Params(promised_at, at, order_id, std::string(StatusName(expected)))) == 1;
}

std::string OrderRepository::PromiseOf(db::Session& tx, const std::string& order_id) const {
  auto rows = tx.Query("SELECT promised_at FROM order_orders WHERE id = $1", db::Params(order_id));
  return rows.empty() ? std::string() : rows[0].Text("promised_at");
}

std::vector<OrderRepository::OpenStatus> OrderRepository::OpenByStatus(db::Session& s) const {
  std::vector<OpenStatus> out;
  for (const auto& r : s.Query("SELECT status, COUNT(*) AS n, MIN(updated_at) AS oldest FROM order_orders WHERE status IN "
                               "('pending_payment', 'confirmed', 'preparing', 'baking', 'ready', 'out_for_delivery') "
                               "GROUP BY status ORDER BY status")) {
    out.push_back({r.Text("status"), r.Int("n"), r.Text("oldest")});
  }
  return out;
}

}  // namespace vetahut::order
