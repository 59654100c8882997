#include "services/analytics/fact_folder.hpp"

#include <fmt/format.h>

#include <chrono>
#include <limits>

#include "lib/bus/consumer.hpp"
#include "lib/db/database.hpp"
#include "lib/log/log.hpp"
#include "services/analytics/domain/fact_rules.hpp"

namespace vetahut::analytics {
namespace {

using core::Fail;
using core::Ok;

// --- statements ------------------------------------------------------------------------------

constexpr const char* kInsertEvent =
    "INSERT INTO analytics_events (event_id, type, source, subject, time, time_us, dataschema, traceparent, store_id, "
    "order_id, local_date, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (event_id) DO NOTHING";
constexpr const char* kStoreOfOrder =
    "SELECT store_id FROM analytics_events WHERE order_id = $1 AND store_id IS NOT NULL LIMIT 1";
constexpr const char* kUndatedEvents = "SELECT event_id, time_us FROM analytics_events WHERE order_id = $1 AND store_id IS NULL";
constexpr const char* kDateEvent = "UPDATE analytics_events SET store_id = $2, local_date = $3 WHERE event_id = $1";
constexpr const char* kUndatedPayments =
    "SELECT event_id, at_us FROM analytics_payments WHERE order_id = $1 AND store_id IS NULL";
constexpr const char* kDatePayment = "UPDATE analytics_payments SET store_id = $2, local_date = $3 WHERE event_id = $1";

constexpr const char* kSelectStore = "SELECT name, time_zone, currency FROM analytics_stores WHERE store_id = $1";
constexpr const char* kInsertStore =
    "INSERT INTO analytics_stores (store_id, name, time_zone, currency, first_seen_at) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (store_id) DO NOTHING";

constexpr const char* kInsertDate =
    "INSERT INTO analytics_dates (date, year, month, day, iso_week, iso_weekday, weekend) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (date) DO NOTHING";

constexpr const char* kInsertOrder =
    "INSERT INTO analytics_orders (order_id, store_id, number, business_date, local_hour, channel, order_type, customer_id, "
    "guest, placed_at, placed_us, promised_at, promised_us, scheduled, payment_method, currency, subtotal, discount, tax, "
    "delivery_fee, tip, total, units, captured, refunded, final_status, final_status_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 0, 0, 'confirmed', $10) "
    "ON CONFLICT (order_id) DO NOTHING";
constexpr const char* kInsertLine =
    "INSERT INTO analytics_order_lines (order_id, line_index, store_id, business_date, product_id, product_name, category_id, "
    "deal, size, crust, toppings, quantity, currency, gross, discount, revenue, tax) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "$9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT (order_id, line_index) DO NOTHING";
// The latest order names a product; equal times keep the larger name, whatever the arrival order.
constexpr const char* kUpsertProduct =
    "INSERT INTO analytics_products (product_id, name, category_id, kind, named_at_us) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (product_id) DO UPDATE SET name = excluded.name, category_id = excluded.category_id, kind = excluded.kind, "
    "named_at_us = excluded.named_at_us WHERE analytics_products.named_at_us < excluded.named_at_us OR "
    "(analytics_products.named_at_us = excluded.named_at_us AND analytics_products.name < excluded.name)";

constexpr const char* kInsertStatus =
    "INSERT INTO analytics_order_statuses (event_id, order_id, store_id, local_date, status, previous_status, reason, at, at_us) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING";
constexpr const char* kStatusesOfOrder = "SELECT status, at_us FROM analytics_order_statuses WHERE order_id = $1";
constexpr const char* kOrderDate = "SELECT store_id, business_date FROM analytics_orders WHERE order_id = $1";
constexpr const char* kUpdateOrder =
    "UPDATE analytics_orders SET final_status = $2, final_status_at = $3, "
    "captured = (SELECT COALESCE(SUM(amount), 0) FROM analytics_payments WHERE order_id = $1 AND kind = 'captured'), "
    "refunded = (SELECT COALESCE(SUM(amount), 0) FROM analytics_payments WHERE order_id = $1 AND kind = 'refunded') "
    "WHERE order_id = $1";

constexpr const char* kInsertPayment =
    "INSERT INTO analytics_payments (event_id, order_id, payment_id, kind, method, status, amount, currency, decline_code, at, "
    "at_us, store_id, local_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
    "ON CONFLICT (event_id) DO NOTHING";

constexpr const char* kSelectTicket =
    "SELECT status, status_us, first_seen_us, fired_us, queued_us, making_us, in_oven_us, ready_us, handed_off_us, voided_us, "
    "promised_ready_us, promise_from_ready, promise_seen_us, local_date FROM analytics_tickets WHERE ticket_id = $1";
constexpr const char* kUpsertTicket =
    "INSERT INTO analytics_tickets (ticket_id, order_id, store_id, number, order_type, local_date, local_hour, status, "
    "status_us, first_seen_us, fired_us, queued_us, making_us, in_oven_us, ready_us, handed_off_us, voided_us, "
    "promised_ready_us, promise_from_ready, promise_seen_us, fired_at, ready_at, promised_ready_at, wait_s, make_s, bake_s, "
    "prep_s, late_s) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
    "$21, $22, $23, $24, $25, $26, $27, $28) ON CONFLICT (ticket_id) DO UPDATE SET local_date = excluded.local_date, "
    "local_hour = excluded.local_hour, status = excluded.status, status_us = excluded.status_us, "
    "first_seen_us = excluded.first_seen_us, fired_us = excluded.fired_us, queued_us = excluded.queued_us, "
    "making_us = excluded.making_us, in_oven_us = excluded.in_oven_us, ready_us = excluded.ready_us, "
    "handed_off_us = excluded.handed_off_us, voided_us = excluded.voided_us, promised_ready_us = excluded.promised_ready_us, "
    "promise_from_ready = excluded.promise_from_ready, promise_seen_us = excluded.promise_seen_us, "
    "fired_at = excluded.fired_at, ready_at = excluded.ready_at, promised_ready_at = excluded.promised_ready_at, "
    "wait_s = excluded.wait_s, make_s = excluded.make_s, bake_s = excluded.bake_s, prep_s = excluded.prep_s, "
    "late_s = excluded.late_s";

constexpr const char* kSelectDelivery =
    "SELECT status, status_us, first_seen_us, driver_id, driver_seen_us, waiting_us, assigned_us, dispatched_us, "
    "delivered_us, cancelled_us, eta_us, local_date FROM analytics_deliveries WHERE delivery_id = $1";
constexpr const char* kUpsertDelivery =
    "INSERT INTO analytics_deliveries (delivery_id, order_id, store_id, driver_id, driver_seen_us, local_date, local_hour, "
    "status, status_us, first_seen_us, waiting_us, assigned_us, dispatched_us, delivered_us, cancelled_us, eta_us, "
    "dispatched_at, delivered_at, to_door_s, eta_error_s) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
    "$14, $15, $16, $17, $18, $19, $20) ON CONFLICT (delivery_id) DO UPDATE SET driver_id = excluded.driver_id, "
    "driver_seen_us = excluded.driver_seen_us, local_date = excluded.local_date, local_hour = excluded.local_hour, "
    "status = excluded.status, status_us = excluded.status_us, first_seen_us = excluded.first_seen_us, "
    "waiting_us = excluded.waiting_us, assigned_us = excluded.assigned_us, dispatched_us = excluded.dispatched_us, "
    "delivered_us = excluded.delivered_us, cancelled_us = excluded.cancelled_us, eta_us = excluded.eta_us, "
    "dispatched_at = excluded.dispatched_at, delivered_at = excluded.delivered_at, to_door_s = excluded.to_door_s, "
    "eta_error_s = excluded.eta_error_s";

constexpr const char* kNewestStationEvent =
    "SELECT event_us, event_id FROM analytics_station_times WHERE ticket_id = $1 ORDER BY event_us DESC, event_id DESC LIMIT 1";
constexpr const char* kStationDates = "SELECT DISTINCT local_date FROM analytics_station_times WHERE ticket_id = $1";
constexpr const char* kInsertStationTime =
    "INSERT INTO analytics_station_times (ticket_id, item_index, visit_no, store_id, order_id, order_type, local_date, "
    "local_hour, product_id, kind, station, station_name, oven, arrived_us, started_us, done_us, wait_s, work_s, total_s, "
    "event_id, event_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
    "$21)";

// Marks an exported lake day whose facts changed, so the next export round rewrites it.
constexpr const char* kMarkLake =
    "INSERT INTO analytics_lake_dirty (store_id, local_date) SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM "
    "analytics_lake_watermarks WHERE store_id = $1 AND exported_through >= $2) ON CONFLICT (store_id, local_date) DO NOTHING";

// Facts a rebuild truncates (events, the store dimension and the lake's bookkeeping stay).
constexpr const char* kFactTables[] = {"analytics_orders",   "analytics_order_lines", "analytics_order_statuses",
                                       "analytics_payments", "analytics_tickets",     "analytics_deliveries",
                                       "analytics_products", "analytics_dates",       "analytics_station_times"};

// --- helpers ---------------------------------------------------------------------------------

std::int64_t Micros(core::TimePoint t) { return t.time_since_epoch().count(); }
core::TimePoint FromMicros(std::int64_t us) { return core::TimePoint(std::chrono::microseconds(us)); }
std::optional<std::string> Rfc3339(const std::optional<std::int64_t>& us) {
  if (!us) return std::nullopt;
  return core::FormatRfc3339(FromMicros(*us));
}
/// An RFC 3339 time of a payload, else `fallback` (the envelope's time).
std::int64_t TimeOr(std::string_view text, std::int64_t fallback) {
  if (auto t = core::ParseRfc3339(text)) return Micros(*t);
  return fallback;
}
std::optional<std::int64_t> OptTime(std::string_view text) {
  if (auto t = core::ParseRfc3339(text)) return Micros(*t);
  return std::nullopt;
}

/// Personal data stays out of analytics: the customer's first name and the delivery address of
/// an order, the driver's first name of a delivery. The rest of the payload is kept as sent.
template <class E>
const E& WithoutPersonalData(const E& e, E&) {
  return e;
}
const order::events::OrderConfirmed& WithoutPersonalData(const order::events::OrderConfirmed& e,
                                                        order::events::OrderConfirmed& copy) {
  copy = e;
  copy.customer_name.clear();
  copy.address.reset();
  for (auto& line : copy.lines) line.notes.clear();  // free text a customer typed
  return copy;
}
const kitchen::events::DeliveryStatusChanged& WithoutPersonalData(const kitchen::events::DeliveryStatusChanged& e,
                                                                 kitchen::events::DeliveryStatusChanged& copy) {
  copy = e;
  copy.driver_name.clear();
  return copy;
}

template <class E>
std::string StoreIdOf(const E& e) {
  if constexpr (requires { e.store_id; }) {
    return e.store_id;
  } else {
    return {};
  }
}
template <class E>
std::string OrderIdOf(const E& e) {
  if constexpr (requires { e.order_id; }) {
    return e.order_id;
  } else {
    return {};
  }
}

std::string Toppings(const order::events::Item& item) {
  std::string out;
  for (const auto& t : item.toppings) {
    if (!out.empty()) out += ',';
    out += fmt::format("{}:{}:{}", t.topping_id, t.portion, t.amount);
  }
  return out;
}

std::optional<std::int64_t> OptInt(const db::Row& row, const char* column) { return row.OptInt(column); }

// True on the thread running a rebuild: its refolds do not mark exported lake days as changed
// (a rebuild gives the same facts), while a consumer on another thread still would.
thread_local bool t_rebuilding = false;

}  // namespace

// --- the fold --------------------------------------------------------------------------------

FactFolder::FactFolder(db::Database& db, const core::Clock& clock, location::StoreDirectoryClient& stores)
    : db_(db), clock_(clock), stores_(stores) {
#define VETAHUT_ANALYTICS_REFOLD(E)                                                                              \
  refold_[std::string(E::kType)] = [](FactFolder& folder, db::Session& tx, const StoredEvent& stored) -> core::Status { \
    auto parsed = E::FromJson(stored.data);                                                                      \
    if (!parsed) return Fail(parsed.error());                                                                    \
    return folder.Fold(tx, *parsed, Meta{stored.event_id, stored.time_us});                                      \
  };
  VETAHUT_ANALYTICS_CONSUMED_EVENTS(VETAHUT_ANALYTICS_REFOLD)
#undef VETAHUT_ANALYTICS_REFOLD
}

template <class E>
core::Status FactFolder::Consume(db::Session& tx, const E& payload, const bus::CloudEvent& event) {
  E copy;
  const E& kept = WithoutPersonalData(payload, copy);
  if (auto s = Record(tx, event, kept.ToJson(), StoreIdOf(kept), OrderIdOf(kept)); !s) return s;
  return Fold(tx, kept, Meta{event.id, Micros(event.time)});
}

#define VETAHUT_ANALYTICS_INSTANTIATE(E) \
  template core::Status FactFolder::Consume<E>(db::Session&, const E&, const bus::CloudEvent&);
VETAHUT_ANALYTICS_CONSUMED_EVENTS(VETAHUT_ANALYTICS_INSTANTIATE)
#undef VETAHUT_ANALYTICS_INSTANTIATE

core::Result<StoreDimension> FactFolder::Store(db::Session& tx, const std::string& store_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = known_stores_.find(store_id); it != known_stores_.end()) return it->second;
  }
  StoreDimension store;
  store.store_id = store_id;
  if (auto rs = tx.Query(kSelectStore, db::Params(store_id)); !rs.empty()) {
    store.name = rs[0].Text("name");
    store.time_zone = rs[0].Text("time_zone");
    store.currency = rs[0].Text("currency");
  } else {
    auto found = stores_.GetStore(store_id);
    if (found) {
      store.name = found->name;
      store.time_zone = found->time_zone;
      store.currency = found->currency;
    } else if (found.error().code != core::ErrorCode::kNotFound) {
      return Fail(found.error());  // the directory is unreachable: retry the event later
    } else {
      log::Warn("analytics: the store directory does not know a store; its facts are dated in UTC", {{"store_id", store_id}});
    }
    tx.Exec(kInsertStore, db::Params(store_id, store.name, store.time_zone, store.currency,
                                     core::FormatRfc3339(clock_.Now())));
  }
  store.clock = StoreClock(store.time_zone);
  std::lock_guard lock(mutex_);
  known_stores_.emplace(store_id, store);
  return store;
}

core::Status FactFolder::Record(db::Session& tx, const bus::CloudEvent& event, const std::string& data, std::string store_id,
                                const std::string& order_id) {
  if (store_id.empty() && !order_id.empty()) store_id = StoreOfOrder(tx, order_id).value_or("");
  std::optional<std::string> local_date;
  if (!store_id.empty()) {
    auto store = Store(tx, store_id);
    if (!store) return Fail(store.error());
    local_date = FormatDate(store->clock.LocalDay(event.time));
  }
  const auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
  tx.Exec(kInsertEvent, db::Params(event.id, event.type, event.source, event.subject, core::FormatRfc3339(event.time),
                                   Micros(event.time), event.dataschema, event.traceparent, opt(store_id), opt(order_id),
                                   local_date, data));
  if (!store_id.empty() && !order_id.empty()) return BackfillStore(tx, order_id, store_id);
  return Ok();
}

std::optional<std::string> FactFolder::StoreOfOrder(db::Session& tx, const std::string& order_id) {
  auto rs = tx.Query(kStoreOfOrder, db::Params(order_id));
  if (rs.empty()) return std::nullopt;
  return rs[0].Text("store_id");
}

core::Status FactFolder::BackfillStore(db::Session& tx, const std::string& order_id, const std::string& store_id) {
  auto events = tx.Query(kUndatedEvents, db::Params(order_id));
  auto payments = tx.Query(kUndatedPayments, db::Params(order_id));
  if (events.empty() && payments.empty()) return Ok();
  auto store = Store(tx, store_id);
  if (!store) return Fail(store.error());
  for (const auto& row : events) {
    const auto date = FormatDate(store->clock.LocalDay(FromMicros(row.Int("time_us"))));
    tx.Exec(kDateEvent, db::Params(row.Text("event_id"), store_id, date));
    MarkLake(tx, store_id, date);
  }
  for (const auto& row : payments) {
    const auto date = FormatDate(store->clock.LocalDay(FromMicros(row.Int("at_us"))));
    tx.Exec(kDatePayment, db::Params(row.Text("event_id"), store_id, date));
    MarkLake(tx, store_id, date);
  }
  return Ok();
}

void FactFolder::MarkLake(db::Session& tx, const std::string& store_id, const std::string& date) {
  if (!t_rebuilding) tx.Exec(kMarkLake, db::Params(store_id, date));
}

void FactFolder::Date(db::Session& tx, DayNumber day) {
  const std::string text = FormatDate(day);
  const int weekday = IsoWeekday(day);
  tx.Exec(kInsertDate, db::Params(text, std::stoi(text.substr(0, 4)), std::stoi(text.substr(5, 2)), std::stoi(text.substr(8, 2)),
                                  IsoWeek(day), weekday, weekday >= 6));
}

core::Status FactFolder::Fold(db::Session& tx, const order::events::OrderConfirmed& e, const Meta& meta) {
  auto store = Store(tx, e.store_id);
  if (!store) return Fail(store.error());
  const std::int64_t placed_us = TimeOr(e.placed_at, meta.time_us);
  const auto placed = FromMicros(placed_us);
  // The order service dates the business day; a payload without one is dated by the store's clock.
  DayNumber day = store->clock.LocalDay(placed);
  if (auto d = ParseDate(e.business_date)) day = *d;
  const std::string business_date = FormatDate(day);
  std::int64_t units = 0;
  for (const auto& line : e.lines) units += line.quantity * static_cast<std::int64_t>(std::max<std::size_t>(1, line.items.size()));
  const std::int64_t promised_us = TimeOr(e.promised_at, placed_us);
  const auto& currency = e.total.currency;
  const std::int64_t inserted = tx.Exec(
      kInsertOrder,
      db::Params(e.order_id, e.store_id, e.number, business_date, store->clock.LocalHour(placed), e.channel, e.type,
                 e.customer_id, !e.customer_id.has_value(), core::FormatRfc3339(placed), placed_us,
                 core::FormatRfc3339(FromMicros(promised_us)), promised_us, e.scheduled_for.has_value(), e.payment_method,
                 currency, e.subtotal.amount, e.discount_total.amount, e.tax_total.amount, e.delivery_fee.amount, e.tip.amount,
                 e.total.amount, units));
  if (inserted == 0) return Ok();  // one order.confirmed per order: nothing new
  if (e.cashier_id) {
    // A counter order: whose day it counts in (decision 0034).
    tx.Exec("UPDATE analytics_orders SET cashier_id = $2, cashier_name = $3 WHERE order_id = $1",
            db::Params(e.order_id, *e.cashier_id, e.cashier_name.value_or("")));
  }
  for (const auto& line : e.lines) {
    const bool deal = !line.deal_id.empty();
    const order::events::Item* item = line.items.empty() ? nullptr : &line.items.front();
    const std::string product_id = deal ? line.deal_id : item ? item->product_id : "unknown";
    const std::string name = deal || !item ? line.name : item->name;
    const std::string category = deal ? "deals" : item ? item->category_id : "";
    const std::string kind = deal ? "deal" : item ? item->kind : "other";
    const std::int64_t gross = line.line_total.amount;
    const std::int64_t discount = line.discount ? line.discount->amount : 0;
    const std::int64_t revenue = line.net ? line.net->amount : gross - discount;
    const std::int64_t tax = line.tax ? line.tax->amount : 0;
    tx.Exec(kInsertLine, db::Params(e.order_id, line.index, e.store_id, business_date, product_id, name, category, deal,
                                    deal || !item ? "" : item->size_id, deal || !item ? "" : item->crust_id,
                                    deal || !item ? "" : Toppings(*item), line.quantity, line.line_total.currency, gross,
                                    discount, revenue, tax));
    tx.Exec(kUpsertProduct, db::Params(product_id, name, category, kind, placed_us));
  }
  Date(tx, day);
  RefreshOrder(tx, e.order_id);
  MarkLake(tx, e.store_id, business_date);
  return Ok();
}

core::Status FactFolder::Fold(db::Session& tx, const order::events::OrderStatusChanged& e, const Meta& meta) {
  auto store = Store(tx, e.store_id);
  if (!store) return Fail(store.error());
  const std::int64_t at_us = TimeOr(e.at, meta.time_us);
  const std::string date = FormatDate(store->clock.LocalDay(FromMicros(at_us)));
  tx.Exec(kInsertStatus, db::Params(meta.event_id, e.order_id, e.store_id, date, e.status, e.previous_status, e.reason,
                                    core::FormatRfc3339(FromMicros(at_us)), at_us));
  RefreshOrder(tx, e.order_id);
  MarkLake(tx, e.store_id, date);
  return Ok();
}

void FactFolder::RefreshOrder(db::Session& tx, const std::string& order_id) {
  auto order = tx.Query(kOrderDate, db::Params(order_id));
  if (order.empty()) return;  // not confirmed (yet): its confirmation computes all this
  std::vector<StatusAt> moves;
  for (const auto& row : tx.Query(kStatusesOfOrder, db::Params(order_id))) moves.push_back({row.Text("status"), row.Int("at_us")});
  // An order is a fact from its confirmation; without a recorded move it is "confirmed".
  const auto final_status = FinalStatus(moves);
  const std::string status = final_status ? final_status->status : "confirmed";
  std::string at;
  if (final_status) {
    at = core::FormatRfc3339(FromMicros(final_status->at_us));
  } else {
    at = tx.Query("SELECT placed_at FROM analytics_orders WHERE order_id = $1", db::Params(order_id))[0].Text("placed_at");
  }
  tx.Exec(kUpdateOrder, db::Params(order_id, status, at));
  const bool sale = status != "cancelled" && status != "rejected";
  tx.Exec("UPDATE analytics_order_lines SET sale = $2 WHERE order_id = $1 AND sale <> $2", db::Params(order_id, sale));
  MarkLake(tx, order[0].Text("store_id"), order[0].Text("business_date"));
}

core::Status FactFolder::FoldPayment(db::Session& tx, std::string_view kind, const payment::events::PaymentChanged& e,
                                     const Meta& meta) {
  const auto store_id = StoreOfOrder(tx, e.order_id);
  std::optional<std::string> date;
  if (store_id) {
    auto store = Store(tx, *store_id);
    if (!store) return Fail(store.error());
    date = FormatDate(store->clock.LocalDay(FromMicros(meta.time_us)));
  }
  tx.Exec(kInsertPayment, db::Params(meta.event_id, e.order_id, e.payment_id, kind, e.method, e.status, e.amount, e.currency,
                                     e.decline_code, core::FormatRfc3339(FromMicros(meta.time_us)), meta.time_us, store_id,
                                     date));
  if (e.reason) tx.Exec("UPDATE analytics_payments SET reason = $2 WHERE event_id = $1", db::Params(meta.event_id, *e.reason));
  if (kind == "captured" || kind == "refunded") RefreshOrder(tx, e.order_id);
  if (store_id) MarkLake(tx, *store_id, *date);
  return Ok();
}

core::Status FactFolder::Fold(db::Session& tx, const payment::events::PaymentAuthorized& e, const Meta& meta) {
  return FoldPayment(tx, "authorized", e, meta);
}
core::Status FactFolder::Fold(db::Session& tx, const payment::events::PaymentFailed& e, const Meta& meta) {
  return FoldPayment(tx, "failed", e, meta);
}
core::Status FactFolder::Fold(db::Session& tx, const payment::events::PaymentDue& e, const Meta& meta) {
  return FoldPayment(tx, "due", e, meta);
}
core::Status FactFolder::Fold(db::Session& tx, const payment::events::PaymentCaptured& e, const Meta& meta) {
  return FoldPayment(tx, "captured", e, meta);
}
core::Status FactFolder::Fold(db::Session& tx, const payment::events::PaymentVoided& e, const Meta& meta) {
  return FoldPayment(tx, "voided", e, meta);
}
core::Status FactFolder::Fold(db::Session& tx, const payment::events::PaymentRefunded& e, const Meta& meta) {
  return FoldPayment(tx, "refunded", e, meta);
}

core::Status FactFolder::Fold(db::Session& tx, const kitchen::events::TicketStatusChanged& e, const Meta& meta) {
  auto store = Store(tx, e.store_id);
  if (!store) return Fail(store.error());
  TicketTimes t;
  std::optional<std::string> old_date;
  if (auto rs = tx.Query(kSelectTicket, db::Params(e.ticket_id)); !rs.empty()) {
    const auto& r = rs[0];
    t.status = r.Text("status");
    t.status_at = r.Int("status_us");
    t.first_seen = r.Int("first_seen_us");
    t.fired = OptInt(r, "fired_us");
    t.queued = OptInt(r, "queued_us");
    t.making = OptInt(r, "making_us");
    t.in_oven = OptInt(r, "in_oven_us");
    t.ready = OptInt(r, "ready_us");
    t.handed_off = OptInt(r, "handed_off_us");
    t.voided = OptInt(r, "voided_us");
    t.promised_ready = OptInt(r, "promised_ready_us");
    t.promise_from_ready = r.Bool("promise_from_ready");
    t.promise_seen = r.Int("promise_seen_us");
    old_date = r.Text("local_date");
  }
  Observe(t, {e.status, TimeOr(e.at, meta.time_us), OptTime(e.fired_at), OptTime(e.promised_ready_at)});
  const auto start = FromMicros(t.KitchenStart());
  const std::string date = FormatDate(store->clock.LocalDay(start));
  tx.Exec(kUpsertTicket,
          db::Params(e.ticket_id, e.order_id, e.store_id, e.number, e.order_type, date, store->clock.LocalHour(start), t.status,
                     t.status_at, t.first_seen, t.fired, t.queued, t.making, t.in_oven, t.ready, t.handed_off, t.voided,
                     t.promised_ready, t.promise_from_ready, t.promise_seen, Rfc3339(t.fired ? t.fired : t.queued),
                     Rfc3339(t.ready), Rfc3339(t.promised_ready), t.WaitSeconds(), t.MakeSeconds(), t.BakeSeconds(),
                     t.PrepSeconds(), t.LateSeconds()));
  Date(tx, store->clock.LocalDay(start));
  MarkLake(tx, e.store_id, date);
  if (old_date && *old_date != date) MarkLake(tx, e.store_id, *old_date);
  if (e.stations) FoldStations(tx, e, *store, meta);
  return Ok();
}

void FactFolder::FoldStations(db::Session& tx, const kitchen::events::TicketStatusChanged& e, const StoreDimension& store,
                              const Meta& meta) {
  // The newest ready event of the ticket wins (a recall and a second ready replace the first's).
  if (auto newest = tx.Query(kNewestStationEvent, db::Params(e.ticket_id)); !newest.empty()) {
    const auto stored = std::make_pair(newest[0].Int("event_us"), newest[0].Text("event_id"));
    if (stored > std::make_pair(meta.time_us, meta.event_id)) return;
  }
  for (const auto& row : tx.Query(kStationDates, db::Params(e.ticket_id))) MarkLake(tx, e.store_id, row.Text("local_date"));
  tx.Exec("DELETE FROM analytics_station_times WHERE ticket_id = $1", db::Params(e.ticket_id));
  std::map<std::int64_t, std::int64_t> visits;  // item → stays so far
  for (const auto& st : *e.stations) {
    const auto arrived = core::ParseRfc3339(st.arrived_at);
    const auto started = core::ParseRfc3339(st.started_at);
    const auto done = core::ParseRfc3339(st.done_at);
    if (!arrived || !started || !done) continue;  // a producer's bad time: no fact rather than a wrong one
    const auto seconds = [](core::TimePoint a, core::TimePoint b) { return std::chrono::duration<double>(b - a).count(); };
    const std::string date = FormatDate(store.clock.LocalDay(*arrived));
    tx.Exec(kInsertStationTime,
            db::Params(e.ticket_id, st.item_index, visits[st.item_index]++, e.store_id, e.order_id, e.order_type, date,
                       store.clock.LocalHour(*arrived), st.product_id, st.kind, st.station, st.station_name, st.oven,
                       Micros(*arrived), Micros(*started), Micros(*done), seconds(*arrived, *started),
                       seconds(*started, *done), seconds(*arrived, *done), meta.event_id, meta.time_us));
    MarkLake(tx, e.store_id, date);
  }
}

core::Status FactFolder::Fold(db::Session& tx, const kitchen::events::DeliveryStatusChanged& e, const Meta& meta) {
  auto store = Store(tx, e.store_id);
  if (!store) return Fail(store.error());
  DeliveryTimes d;
  std::optional<std::string> old_date;
  if (auto rs = tx.Query(kSelectDelivery, db::Params(e.delivery_id)); !rs.empty()) {
    const auto& r = rs[0];
    d.status = r.Text("status");
    d.status_at = r.Int("status_us");
    d.first_seen = r.Int("first_seen_us");
    d.driver_id = r.OptText("driver_id");
    d.driver_seen = r.Int("driver_seen_us");
    d.waiting = OptInt(r, "waiting_us");
    d.assigned = OptInt(r, "assigned_us");
    d.dispatched = OptInt(r, "dispatched_us");
    d.delivered = OptInt(r, "delivered_us");
    d.cancelled = OptInt(r, "cancelled_us");
    d.eta = OptInt(r, "eta_us");
    old_date = r.Text("local_date");
  }
  Observe(d, {e.status, TimeOr(e.at, meta.time_us), e.driver_id, e.eta ? OptTime(*e.eta) : std::nullopt});
  const auto start = FromMicros(d.Start());
  const std::string date = FormatDate(store->clock.LocalDay(start));
  tx.Exec(kUpsertDelivery,
          db::Params(e.delivery_id, e.order_id, e.store_id, d.driver_id, d.driver_seen, date, store->clock.LocalHour(start),
                     d.status, d.status_at, d.first_seen, d.waiting, d.assigned, d.dispatched, d.delivered, d.cancelled, d.eta,
                     Rfc3339(d.dispatched), Rfc3339(d.delivered), d.ToDoorSeconds(), d.EtaErrorSeconds()));
  Date(tx, store->clock.LocalDay(start));
  MarkLake(tx, e.store_id, date);
  if (old_date && *old_date != date) MarkLake(tx, e.store_id, *old_date);
  return Ok();
}

bus::Subscription FactSubscription(db::Database& db, FactFolder& facts, std::function<void(std::string_view type)> folded) {
  bus::Consumer consumer(db, "analytics");
#define VETAHUT_ANALYTICS_ON(E)                                                                   \
  consumer.On<E>([&facts, folded](db::Transaction& tx, const E& e, const bus::CloudEvent& event) { \
    auto status = facts.Consume(tx, e, event);                                                    \
    if (status && folded) folded(E::kType);                                                       \
    return status;                                                                                \
  });
  VETAHUT_ANALYTICS_CONSUMED_EVENTS(VETAHUT_ANALYTICS_ON)
#undef VETAHUT_ANALYTICS_ON
  return std::move(consumer).Build();
}

// --- rebuild ---------------------------------------------------------------------------------

core::Status FactFolder::Refold(db::Session& tx, const StoredEvent& stored) {
  auto it = refold_.find(stored.type);
  if (it == refold_.end()) return Ok();  // a type this build no longer folds: its record stays
  return it->second(*this, tx, stored);
}

core::Result<RebuildReport> FactFolder::Rebuild() {
  const auto started = std::chrono::steady_clock::now();
  RebuildReport report;
  auto tx = db_.Begin();
  // New events wait for the rebuild (their insert needs the lock), so none is folded twice or
  // lost between the truncation and the commit. SQLite's writer lock does the same.
  if (tx.engine() == db::Engine::kPostgres) tx.Exec("LOCK TABLE analytics_events IN SHARE ROW EXCLUSIVE MODE");
  for (const char* table : kFactTables) tx.Exec(std::string("DELETE FROM ") + table);
  t_rebuilding = true;
  struct Restore {
    ~Restore() { t_rebuilding = false; }
  } restore;
  std::int64_t after_us = std::numeric_limits<std::int64_t>::min();
  std::string after_id;
  while (true) {
    auto rows = tx.Query(
        "SELECT event_id, type, time_us, data FROM analytics_events WHERE time_us > $1 OR (time_us = $1 AND event_id > $2) "
        "ORDER BY time_us, event_id LIMIT 2000",
        db::Params(after_us, after_id));
    if (rows.empty()) break;
    for (const auto& row : rows) {
      StoredEvent stored{row.Text("event_id"), row.Text("type"), row.Int("time_us"), row.Text("data")};
      if (auto s = Refold(tx, stored); !s) {
        auto error = s.error();
        error.detail = fmt::format("rebuild stopped at event {} ({}): {}", stored.event_id, stored.type, error.detail);
        return Fail(error);
      }
      after_us = stored.time_us;
      after_id = stored.event_id;
      ++report.events;
    }
  }
  auto count = [&](const char* table) { return tx.Query(std::string("SELECT COUNT(*) AS n FROM ") + table)[0].Int("n"); };
  report.orders = count("analytics_orders");
  report.order_lines = count("analytics_order_lines");
  report.payments = count("analytics_payments");
  report.tickets = count("analytics_tickets");
  report.deliveries = count("analytics_deliveries");
  report.station_times = count("analytics_station_times");
  tx.Commit();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log::Info("analytics rebuilt from its events", {{"events", report.events}, {"orders", report.orders}, {"seconds", report.seconds}});
  return report;
}

}  // namespace vetahut::analytics
