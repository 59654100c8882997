#include "services/order/order_service.hpp"
#include "lib/json/write.hpp"

#include <date/tz.h>
#include <fmt/format.h>
#include <sodium.h>

#include <boost/json.hpp>

#include "lib/core/crash_point.hpp"
#include "lib/log/log.hpp"
#include "migrations/order.hpp"

namespace vetahut::order {
namespace json = boost::json;
using core::Error;
using core::Fail;

namespace {

// Saga steps (order_orders.saga_step). Runnable steps are picked up by the runner when due.
constexpr std::string_view kAuthorize = "authorize";
constexpr std::string_view kPayAtStore = "pay_at_store";
constexpr std::string_view kAwaitPayment = "await_payment";
constexpr std::string_view kFulfil = "fulfil";  // waiting for the store: nothing to run
constexpr std::string_view kCapture = "capture";
constexpr std::string_view kCompensate = "compensate";
constexpr std::string_view kDone = "done";

bool Runnable(std::string_view step) {
  return step == kAuthorize || step == kPayAtStore || step == kAwaitPayment || step == kCapture || step == kCompensate;
}

std::int64_t Micros(core::TimePoint t) { return t.time_since_epoch().count(); }

/// The saga lease as the running thread holds it. A saga step's last write gives the lease back in
/// the same UPDATE when nothing is left to run now, which saves a commit per step; RunSaga drops
/// it separately only when no write did.
struct LeaseState {
  bool holding = false;
  bool released = false;
};
thread_local LeaseState t_lease;

/// "saga_lease_until = 0" when the writing thread holds the lease and the next step is not due now.
bool ReleasesLease(std::string_view next_step, std::int64_t next_at, std::int64_t now);
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max() / 2;

/// Retry back-off for a provider that is down: 1 s, 2 s, 4 s … capped at a minute.
std::int64_t Backoff(std::int64_t attempts) {
  const std::int64_t seconds = std::min<std::int64_t>(60, std::int64_t(1) << std::min<std::int64_t>(attempts, 6));
  return seconds * 1'000'000;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  std::string hex;
  for (unsigned char c : digest) hex += fmt::format("{:02x}", c);
  return hex;
}

json::object MoneyJson(std::int64_t amount, std::string_view currency) {
  return json::object{{"amount", amount}, {"currency", currency}};
}

location::ServiceType ServiceOf(OrderType type) {
  switch (type) {
    case OrderType::kDelivery: return location::ServiceType::kDelivery;
    case OrderType::kCarryout: return location::ServiceType::kCarryout;
    case OrderType::kDineIn: return location::ServiceType::kDineIn;
  }
  return location::ServiceType::kCarryout;
}

std::string BusinessDate(const date::time_zone* zone, core::TimePoint now) {
  const auto local = zone ? zone->to_local(now) : date::local_time<core::TimePoint::duration>(now.time_since_epoch());
  return date::format("%F", date::floor<date::days>(local));
}

constexpr const char* kOrderColumns =
    "id, store_id, customer_id, placed_by, number, business_date, type, status, currency, subtotal, discount_total, "
    "tax_total, delivery_fee, tip, total, loyalty_basis, reward_id, reward_points, payment_method, payment_token, "
    "scheduled_for, promised_at, address, quote, request_hash, reason, saga_step, saga_attempts, created_at, "
    "updated_at, saga_next_at, payment_deadline";

Order FromRow(const db::Row& r) {
  Order o;
  o.id = r.Text(0);
  o.store_id = r.Text(1);
  o.customer_id = r.OptText(2);
  o.placed_by = r.Text(3);
  o.number = r.Int(4);
  o.business_date = r.Text(5);
  o.type = ParseType(r.Text(6)).value_or(OrderType::kCarryout);
  o.status = ParseStatus(r.Text(7)).value_or(OrderStatus::kPendingPayment);
  o.currency = r.Text(8);
  o.subtotal = r.Int(9);
  o.discount_total = r.Int(10);
  o.tax_total = r.Int(11);
  o.delivery_fee = r.Int(12);
  o.tip = r.Int(13);
  o.total = r.Int(14);
  o.loyalty_basis = r.Int(15);
  o.reward_id = r.Text(16);
  o.reward_points = r.Int(17);
  o.payment_method = r.Text(18);
  o.payment_token = r.Text(19);
  o.scheduled_for = r.OptText(20);
  o.promised_at = r.Text(21);
  o.address = r.OptText(22);
  o.quote = r.Text(23);
  o.request_hash = r.Text(24);
  o.reason = r.Text(25);
  o.saga_step = r.Text(26);
  o.saga_attempts = r.Int(27);
  o.created_at = r.Text(28);
  o.updated_at = r.Text(29);
  o.saga_next_at = r.Int(30);
  o.payment_deadline = r.Int(31);
  return o;
}

std::string TrackerData(const Order& o, OrderStatus status, const std::string& reason, const std::string& at) {
  json::object data{{"order_id", o.id}, {"number", o.number}, {"status", StatusName(status)}, {"at", at}};
  if (!reason.empty()) data["reason"] = reason;
  return json_text::Serialize(data);
}

bool EndsTracking(OrderStatus s) { return IsFinal(s) || IsCompleted(s); }

/// A payment decline as the 402 the client sees (also on an idempotent replay).
Error DeclineError(const Order& o) {
  Error e = Error::PaymentRequired(fmt::format("The payment for order {} was declined ({}); the order was rejected. "
                                               "Try another card or pay at the store.",
                                               o.id, o.reason));
  e.fields.push_back({"payment", o.reason});
  return e;
}

bool IsDecline(const std::string& reason) {
  return reason == "card_declined" || reason == "insufficient_funds" || reason == "processing_error" ||
         reason == "expired_card" || reason == "incorrect_cvc" || reason == "payment_timeout" || reason == "declined";
}

bool ReleasesLease(std::string_view next_step, std::int64_t next_at, std::int64_t now) {
  return t_lease.holding && (!Runnable(next_step) || next_at > now);
}

}  // namespace

OrderService::OrderService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                           location::LocationClient& locations, StoreFactsLookup stores, PriceCartFn price,
                           payment::PaymentService& payments, LoyaltyPort loyalty, OrderOptions options,
                           std::function<void()> events_committed)
    : db_(db),
      clock_(clock),
      ids_(ids),
      locations_(locations),
      stores_(std::move(stores)),
      price_(std::move(price)),
      payments_(payments),
      loyalty_(std::move(loyalty)),
      options_(options),
      events_committed_(std::move(events_committed)) {}

OrderService::~OrderService() { Stop(); }

std::optional<Order> OrderService::Load(db::Session& s, const std::string& order_id) {
  auto rs = s.Query(fmt::format("SELECT {} FROM order_orders WHERE id = $1", kOrderColumns), db::Params(order_id));
  if (rs.empty()) return std::nullopt;
  return FromRow(rs[0]);
}

core::Result<Order> OrderService::Get(const std::string& order_id) {
  auto rs = db_.Query(fmt::format("SELECT {} FROM order_orders WHERE id = $1", kOrderColumns), db::Params(order_id));
  if (rs.empty()) return Fail(Error::NotFound(fmt::format("order '{}' does not exist", order_id)));
  return FromRow(rs[0]);
}

core::Result<std::vector<Order>> OrderService::ListForStore(const std::string& store_id,
                                                            std::optional<OrderStatus> status, int limit,
                                                            const std::string& cursor) {
  limit = std::clamp(limit, 1, 200);
  std::string sql = fmt::format("SELECT {} FROM order_orders WHERE store_id = $1", kOrderColumns);
  auto params = db::Params(store_id);
  if (status) {
    params.push_back(std::string(StatusName(*status)));
    sql += fmt::format(" AND status = ${}", params.size());
  }
  if (!cursor.empty()) {
    params.push_back(cursor);
    sql += fmt::format(" AND id < ${}", params.size());
  }
  sql += fmt::format(" ORDER BY id DESC LIMIT {}", limit);
  std::vector<Order> out;
  for (const auto& r : db_.Query(sql, params)) out.push_back(FromRow(r));
  return out;
}

std::vector<Order> OrderService::ListForCustomer(const std::string& customer_id, int limit, const std::string& cursor) {
  limit = std::clamp(limit, 1, 200);
  std::string sql = fmt::format("SELECT {} FROM order_orders WHERE customer_id = $1", kOrderColumns);
  auto params = db::Params(customer_id);
  if (!cursor.empty()) {
    params.push_back(cursor);
    sql += " AND id < $2";
  }
  sql += fmt::format(" ORDER BY id DESC LIMIT {}", limit);
  std::vector<Order> out;
  for (const auto& r : db_.Query(sql, params)) out.push_back(FromRow(r));
  return out;
}

std::int64_t OrderService::SagaBacklog() {
  return db_.Query("SELECT COUNT(*) FROM order_orders WHERE saga_step IN ('authorize', 'pay_at_store', 'await_payment', "
                   "'capture', 'compensate')")[0]
      .Int(0);
}

std::vector<TrackedEvent> OrderService::History(const std::string& order_id, std::int64_t after_seq) {
  std::vector<TrackedEvent> out;
  for (const auto& r : db_.Query("SELECT seq, status, data FROM order_events WHERE order_id = $1 AND seq > $2 ORDER BY seq",
                                 db::Params(order_id, after_seq))) {
    TrackedEvent e{r.Int(0), r.Text(1), r.Text(2), false};
    if (auto s = ParseStatus(e.status)) e.last = EndsTracking(*s);
    out.push_back(std::move(e));
  }
  return out;
}

void OrderService::Track(const std::string& order_id, std::shared_ptr<http::EventStream> stream,
                         std::int64_t last_event_id) {
  // Follow first, then replay the history: an event committed in between reaches the stream by
  // one path or the other, and Deliver sends each sequence number once.
  auto follower = tracker_.Follow(order_id, stream, last_event_id);
  auto history = History(order_id, last_event_id);
  for (const auto& e : history) OrderTracker::Deliver(follower, e);
  if (history.empty()) {
    // Reconnected after the end: nothing new will come for a finished order.
    auto order = Get(order_id);
    if (order && EndsTracking(order->status)) stream->Close();
  }
}

std::optional<core::Result<Placement>> OrderService::Replay(const std::string& scope_key, const std::string& hash) {
  auto rs = db_.Query("SELECT request_hash, order_id FROM order_idempotency WHERE scope_key = $1", db::Params(scope_key));
  if (rs.empty()) return std::nullopt;
  if (rs[0].Text(0) != hash) {
    return core::Result<Placement>(Fail(Error::Validation(
        {{"Idempotency-Key", "was already used with a different request body; use a new key for a new order"}})));
  }
  auto order = Get(rs[0].Text(1));
  if (!order) return core::Result<Placement>(Fail(order.error()));
  if (order->status == OrderStatus::kRejected && IsDecline(order->reason)) {
    return core::Result<Placement>(Fail(DeclineError(*order)));
  }
  return core::Result<Placement>(Placement{std::move(*order), true});
}

core::Result<Placement> OrderService::Place(const Caller& caller, const json::value& body,
                                            const std::string& idempotency_key) {
  if (idempotency_key.empty()) {
    return Fail(Error::BadRequest("the Idempotency-Key header is required: a unique value per order, reused on retries"));
  }
  if (idempotency_key.size() > 255) return Fail(Error::BadRequest("the Idempotency-Key header is longer than 255 characters"));
  if (!body.is_object()) return Fail(Error::BadRequest("the request body must be a JSON object"));
  const std::string scope_key = caller.subject + "|" + idempotency_key;
  const std::string hash = Sha256Hex(json_text::Serialize(body));
  if (auto replay = Replay(scope_key, hash)) return std::move(*replay);

  // --- the request's own fields (the cart is read by the menu's pricing) ---
  const json::object& obj = body.as_object();
  core::FieldErrors errors;
  const json::value* store_value = obj.if_contains("store_id");
  if (!store_value || !store_value->is_string() || store_value->as_string().empty()) errors.Add("store_id", "is required");
  const json::value* type_value = obj.if_contains("type");
  std::optional<OrderType> type;
  if (type_value && type_value->is_string()) type = ParseType(type_value->as_string());
  if (!type) errors.Add("type", "must be delivery, carryout or dine_in");
  std::optional<location::LatLon> point;
  std::optional<std::string> address_json;
  if (type == OrderType::kDelivery) {
    const json::object* address = obj.if_contains("address") ? obj.at("address").if_object() : nullptr;
    const json::value* lat = address ? address->if_contains("latitude") : nullptr;
    const json::value* lon = address ? address->if_contains("longitude") : nullptr;
    if (!lat || !lon || !lat->is_number() || !lon->is_number()) {
      errors.Add("address", "delivery needs address.latitude and address.longitude");
    } else {
      point = location::LatLon{lat->to_number<double>(), lon->to_number<double>()};
      if (point->latitude < -90 || point->latitude > 90 || point->longitude < -180 || point->longitude > 180) {
        errors.Add("address", "latitude must be within ±90 and longitude within ±180");
      }
      address_json = json_text::Serialize(*address);
    }
  }
  std::optional<core::TimePoint> scheduled_for;
  if (const json::value* s = obj.if_contains("scheduled_for"); s && !s->is_null()) {
    if (!s->is_string() || !(scheduled_for = core::ParseRfc3339(s->as_string()))) {
      errors.Add("scheduled_for", "must be an RFC 3339 time (a slot start from the store's slots)");
    }
  }
  std::string payment_method;
  std::string payment_token;
  const json::object* payment = obj.if_contains("payment") ? obj.at("payment").if_object() : nullptr;
  if (!payment) {
    errors.Add("payment", R"(is required: {"method": "card", "token": "…"} or {"method": "pay_at_store"})");
  } else {
    const json::value* method = payment->if_contains("method");
    payment_method = method && method->is_string() ? std::string(method->as_string()) : "";
    if (payment_method == "card") {
      const json::value* token = payment->if_contains("token");
      if (!token || !token->is_string() || token->as_string().empty()) {
        errors.Add("payment.token", "is required for card payments (from POST /api/v1/payments/tokens)");
      } else {
        payment_token = std::string(token->as_string());
      }
      if (payment->if_contains("number") || payment->if_contains("card_number")) {
        errors.Add("payment", "never send a card number here; tokenize it with POST /api/v1/payments/tokens");
      }
    } else if (payment_method != "pay_at_store") {
      errors.Add("payment.method", "must be card or pay_at_store");
    }
  }
  if (const json::value* reward = obj.if_contains("reward_id"); reward && !reward->is_null() && !caller.customer) {
    errors.Add("reward_id", "only a signed-in customer can redeem loyalty points");
  }
  if (!errors.empty()) return Fail(errors.ToError());
  const std::string store_id(store_value->as_string());
  const location::ServiceType service = ServiceOf(*type);

  // --- the store: known, accepting, open (ASAP), delivering there ---
  auto facts = stores_(store_id);
  if (!facts) return Fail(Error::Validation({{"store_id", fmt::format("store '{}' does not exist", store_id)}}));
  auto availability = locations_.Availability(store_id, service);
  if (!availability) {
    return Fail(availability.error().code == core::ErrorCode::kNotFound
                    ? Error::Validation({{"store_id", availability.error().detail}})
                    : availability.error());
  }
  if (!availability->accepting_orders) {
    return Fail(Error::Validation({{"store_id", fmt::format("is not accepting orders right now{}",
                                                            availability->pause_reason.empty()
                                                                ? std::string()
                                                                : " (" + availability->pause_reason + ")")}}));
  }
  if (!scheduled_for && !availability->open_now) {
    std::string when = availability->next_open_at ? "; it opens at " + core::FormatRfc3339(*availability->next_open_at) : "";
    return Fail(Error::Validation(
        {{"store_id", fmt::format("is closed for {} now{} — schedule the order for a later slot", TypeName(*type), when)}}));
  }
  std::optional<core::Money> delivery_fee;
  std::optional<core::Money> minimum;
  int delivery_minutes = 0;
  if (point) {
    auto check = locations_.CheckDelivery(store_id, *point);
    if (!check) return Fail(check.error());
    if (!check->deliverable) return Fail(Error::Validation({{"address", "is outside the store's delivery zones"}}));
    delivery_fee = check->fee;
    minimum = check->minimum_order;
    delivery_minutes = check->estimate_minutes;
  }

  // --- the cart, priced by the server (client-sent prices are never read) ---
  auto priced = price_(store_id, body, delivery_fee, caller.channel);
  if (!priced) return Fail(priced.error());
  const menu::PriceQuote& quote = priced->quote;
  if (minimum && quote.net_subtotal < *minimum) {
    return Fail(Error::Validation({{"items", fmt::format("the order is below the delivery minimum of {}", minimum->ToString())}}));
  }
  if (payment_method == "card") {
    auto token = payments_.FindToken(payment_token);
    if (!token) return Fail(token.error());
  }

  const auto now = clock_.Now();
  const std::string order_id = ids_.Next("ord");
  core::TimePoint promised =
      now + options_.prep_time + std::chrono::minutes(type == OrderType::kDelivery ? delivery_minutes : 0);

  // --- holds taken before the order exists; given back if it is not stored ---
  bool slot_held = false;
  bool points_held = false;
  auto undo = [&] {
    if (slot_held) (void)locations_.ReleaseSlot(order_id);
    if (points_held && loyalty_.release) (void)loyalty_.release(order_id);
  };
  if (scheduled_for) {
    auto slot = locations_.ReserveSlot(store_id, service, *scheduled_for, order_id);
    if (!slot) {
      if (slot.error().code == core::ErrorCode::kConflict) {
        return Fail(Error::Validation({{"scheduled_for", "the slot is full; choose another time"}}));
      }
      if (slot.error().code == core::ErrorCode::kValidation) {
        return Fail(Error::Validation({{"scheduled_for", slot.error().fields.empty() ? slot.error().detail
                                                                                      : slot.error().fields[0].message}}));
      }
      return Fail(slot.error());
    }
    slot_held = true;
    promised = slot->slot_start;
  }
  std::string reward_id;
  std::int64_t reward_points = 0;
  if (quote.reward) {
    reward_id = quote.reward->reward_id;
    reward_points = quote.reward->points;
    auto held = loyalty_.reserve ? loyalty_.reserve(caller.subject, order_id, reward_points, reward_id)
                                 : core::Status(Fail(Error::Unavailable("loyalty is not available in this process")));
    if (!held) {
      undo();
      if (held.error().code == core::ErrorCode::kValidation) {
        return Fail(Error::Validation({{"reward_id", held.error().fields.empty() ? held.error().detail
                                                                                 : held.error().fields[0].message}}));
      }
      return Fail(held.error());
    }
    points_held = true;
  }

  Order o;
  o.id = order_id;
  o.store_id = store_id;
  if (caller.customer) o.customer_id = caller.subject;
  o.placed_by = caller.subject;
  o.business_date = BusinessDate(facts->zone, now);
  o.type = *type;
  o.status = OrderStatus::kPendingPayment;
  o.currency = std::string(quote.currency.code());
  o.subtotal = quote.subtotal.amount();
  o.discount_total = quote.discount_total.amount();
  o.tax_total = quote.tax_total.amount();
  o.delivery_fee = quote.delivery_fee.amount();
  o.tip = quote.tip.amount();
  o.total = quote.total.amount();
  o.loyalty_basis = quote.net_subtotal.amount();
  o.reward_id = reward_id;
  o.reward_points = reward_points;
  o.payment_method = payment_method;
  o.payment_token = payment_token;
  if (scheduled_for) o.scheduled_for = core::FormatRfc3339(*scheduled_for);
  o.promised_at = core::FormatRfc3339(promised);
  o.address = address_json;
  o.quote = priced->json;
  o.request_hash = hash;
  o.saga_step = std::string(payment_method == "card" ? kAuthorize : kPayAtStore);
  o.created_at = o.updated_at = core::FormatRfc3339(now);
  o.saga_next_at = Micros(now);
  try {
    auto tx = db_.Begin();
    o.number = tx.Query(
                     "INSERT INTO order_numbers (store_id, business_date, last_number) VALUES ($1, $2, 1) "
                     "ON CONFLICT (store_id, business_date) DO UPDATE SET last_number = order_numbers.last_number + 1 "
                     "RETURNING last_number",
                     db::Params(store_id, o.business_date))[0]
                   .Int(0);
    tx.Exec(
        "INSERT INTO order_orders (id, store_id, customer_id, placed_by, number, business_date, type, status, currency, "
        "subtotal, discount_total, tax_total, delivery_fee, tip, total, loyalty_basis, reward_id, reward_points, "
        "payment_method, payment_token, scheduled_for, promised_at, address, quote, request_hash, reason, saga_step, "
        "saga_attempts, saga_next_at, saga_lease_until, payment_deadline, created_at, updated_at) VALUES ($1, $2, $3, "
        "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, '', "
        "$26, 0, $27, $30, $28, $29, $29)",
        db::Params(o.id, o.store_id, o.customer_id, o.placed_by, o.number, o.business_date, std::string(TypeName(o.type)),
                   std::string(StatusName(o.status)), o.currency, o.subtotal, o.discount_total, o.tax_total,
                   o.delivery_fee, o.tip, o.total, o.loyalty_basis, o.reward_id, o.reward_points, o.payment_method,
                   o.payment_token, o.scheduled_for, o.promised_at, o.address, o.quote, o.request_hash, o.saga_step,
                   o.saga_next_at, Micros(now + options_.payment_timeout), o.created_at,
                   // Held from the start: this request runs the first steps itself.
                   Micros(now) + std::chrono::duration_cast<std::chrono::microseconds>(options_.saga_lease).count()));
    try {
      tx.Exec("INSERT INTO order_idempotency (scope_key, request_hash, order_id, created_at) VALUES ($1, $2, $3, $4)",
              db::Params(scope_key, hash, o.id, o.created_at));
    } catch (const db::DbError& e) {
      if (e.error().code != core::ErrorCode::kConflict) throw;
      // The same key was placed concurrently and won: answer as a replay of it.
      tx.Rollback();
      undo();
      if (auto replay = Replay(scope_key, hash)) return std::move(*replay);
      throw;
    }
    tx.Exec("INSERT INTO order_events (order_id, seq, status, data, created_at) VALUES ($1, 1, $2, $3, $4)",
            db::Params(o.id, std::string(StatusName(o.status)), TrackerData(o, o.status, "", o.created_at), o.created_at));
    json::object placed{{"order_id", o.id},
                        {"store_id", o.store_id},
                        {"customer_id", o.customer_id ? json::value(*o.customer_id) : json::value(nullptr)},
                        {"number", o.number},
                        {"type", TypeName(o.type)},
                        {"status", StatusName(o.status)},
                        {"total", MoneyJson(o.total, o.currency)},
                        {"promised_at", o.promised_at}};
    outbox_.Add(tx, bus::MakeEvent(ids_, clock_, "/vetahut/order", "com.vetahut.order.placed", o.id, json_text::Serialize(placed)));
    tx.Commit();
  } catch (...) {
    undo();
    throw;
  }
  log::Info("order placed", {{"order_id", o.id}, {"store_id", o.store_id}, {"number", o.number}, {"total", o.total}});
  if (events_committed_) events_committed_();
  tracker_.Publish(o.id, {1, std::string(StatusName(o.status)), TrackerData(o, o.status, "", o.created_at), false});
  core::CrashPoint("after_place");

  RunSaga(o.id, /*leased=*/true);
  auto stored = Get(o.id);
  if (!stored) return Fail(stored.error());
  if (stored->status == OrderStatus::kRejected && IsDecline(stored->reason)) return Fail(DeclineError(*stored));
  return Placement{std::move(*stored), false};
}

bool OrderService::Apply(const Order& order, OrderStatus to, const std::string& next_step, const std::string& reason,
                         std::int64_t next_at) {
  const auto now = clock_.Now();
  const std::string at = core::FormatRfc3339(now);
  const bool release = ReleasesLease(next_step, next_at, Micros(now));
  auto tx = db_.Begin();
  const auto changed = tx.Exec(
      "UPDATE order_orders SET status = $1, saga_step = $2, saga_next_at = $3, saga_attempts = 0, "
      "reason = CASE WHEN $4 = '' THEN reason ELSE $4 END, updated_at = $5, "
      "saga_lease_until = CASE WHEN $9 THEN 0 ELSE saga_lease_until END "
      "WHERE id = $6 AND status = $7 AND saga_step = $8",
      db::Params(std::string(StatusName(to)), next_step, next_at, reason, at, order.id,
                 std::string(StatusName(order.status)), order.saga_step, release));
  if (changed == 0) return false;
  const std::int64_t seq =
      tx.Query("SELECT COALESCE(MAX(seq), 0) + 1 FROM order_events WHERE order_id = $1", db::Params(order.id))[0].Int(0);
  const std::string data = TrackerData(order, to, reason, at);
  tx.Exec("INSERT INTO order_events (order_id, seq, status, data, created_at) VALUES ($1, $2, $3, $4, $5)",
          db::Params(order.id, seq, std::string(StatusName(to)), data, at));
  json::object changed_data{{"order_id", order.id},
                            {"store_id", order.store_id},
                            {"customer_id", order.customer_id ? json::value(*order.customer_id) : json::value(nullptr)},
                            {"number", order.number},
                            {"status", StatusName(to)},
                            {"previous_status", StatusName(order.status)},
                            {"reason", reason},
                            {"total", MoneyJson(order.total, order.currency)},
                            {"loyalty_basis", MoneyJson(order.loyalty_basis, order.currency)}};
  const std::string payload = json_text::Serialize(changed_data);
  outbox_.Add(tx, bus::MakeEvent(ids_, clock_, "/vetahut/order", "com.vetahut.order.status_changed", order.id, payload));
  if (to == OrderStatus::kConfirmed || to == OrderStatus::kCancelled || to == OrderStatus::kRejected ||
      to == OrderStatus::kRefunded) {
    outbox_.Add(tx, bus::MakeEvent(ids_, clock_, "/vetahut/order", fmt::format("com.vetahut.order.{}", StatusName(to)),
                                   order.id, payload));
  }
  tx.Commit();
  if (release) t_lease.released = true;
  log::Info("order status changed", {{"order_id", order.id}, {"from", StatusName(order.status)}, {"to", StatusName(to)}});
  if (events_committed_) events_committed_();
  tracker_.Publish(order.id, {seq, std::string(StatusName(to)), data, EndsTracking(to)});
  return true;
}

bool OrderService::SetStep(const Order& order, const std::string& next_step, std::int64_t next_at, bool count_attempt) {
  const auto now = clock_.Now();
  const bool release = ReleasesLease(next_step, next_at, Micros(now));
  const bool changed =
      db_.Exec(
          "UPDATE order_orders SET saga_step = $1, saga_next_at = $2, saga_attempts = $3, updated_at = $4, "
          "saga_lease_until = CASE WHEN $8 THEN 0 ELSE saga_lease_until END "
          "WHERE id = $5 AND status = $6 AND saga_step = $7",
          db::Params(next_step, next_at, count_attempt ? order.saga_attempts + 1 : 0, core::FormatRfc3339(now),
                     order.id, std::string(StatusName(order.status)), order.saga_step, release)) > 0;
  if (changed && release) t_lease.released = true;
  return changed;
}

bool OrderService::TakeLease(const std::string& order_id) {
  const auto now = Micros(clock_.Now());
  const auto until = now + std::chrono::duration_cast<std::chrono::microseconds>(options_.saga_lease).count();
  return db_.Exec("UPDATE order_orders SET saga_lease_until = $1 WHERE id = $2 AND saga_lease_until < $3",
                  db::Params(until, order_id, now)) > 0;
}

void OrderService::DropLease(const std::string& order_id) {
  db_.Exec("UPDATE order_orders SET saga_lease_until = 0 WHERE id = $1", db::Params(order_id));
}

bool OrderService::Step(const std::string& order_id) {
  auto loaded = Get(order_id);
  if (!loaded) return false;
  const Order& o = *loaded;
  const auto now = clock_.Now();
  const core::Money total(o.total, *core::Currency::Find(o.currency));
  auto retry_or = [&](const Error& error, auto&& give_up) {
    if (error.code == core::ErrorCode::kUnavailable) {
      log::Warn("order saga: payment provider unavailable, retrying",
                {{"order_id", o.id}, {"step", o.saga_step}, {"attempt", o.saga_attempts + 1}, {"error", error.detail}});
      SetStep(o, o.saga_step, Micros(now) + Backoff(o.saga_attempts), true);
      return false;
    }
    return give_up();
  };

  if (o.saga_step == kAuthorize || o.saga_step == kAwaitPayment) {
    if (o.status != OrderStatus::kPendingPayment) return SetStep(o, std::string(kCompensate), Micros(now), false);
    const std::int64_t deadline = o.payment_deadline;
    auto outcome = o.saga_step == kAuthorize ? payments_.Authorize(o.id, o.payment_token, total) : payments_.CheckPending(o.id);
    if (!outcome) {
      if (outcome.error().code == core::ErrorCode::kUnavailable && Micros(now) >= deadline) {
        return Apply(o, OrderStatus::kRejected, std::string(kCompensate), "payment_unavailable", Micros(now));
      }
      return retry_or(outcome.error(), [&] {
        log::Warn("order saga: authorization failed", {{"order_id", o.id}, {"error", outcome.error().detail}});
        return Apply(o, OrderStatus::kRejected, std::string(kCompensate), "payment_error", Micros(now));
      });
    }
    core::CrashPoint("after_authorize");
    switch (outcome->status) {
      case payment::ProviderStatus::kSucceeded:
        return Apply(o, OrderStatus::kConfirmed, std::string(kFulfil), "", kNever) && false;
      case payment::ProviderStatus::kDeclined:
        return Apply(o, OrderStatus::kRejected, std::string(kCompensate),
                     outcome->decline_code.empty() ? "declined" : outcome->decline_code, Micros(now));
      case payment::ProviderStatus::kPending:
        if (Micros(now) >= deadline) {
          log::Warn("order saga: payment pending too long; voiding", {{"order_id", o.id}});
          if (auto voided = payments_.Void(o.id); !voided) return retry_or(voided.error(), [] { return false; });
          return Apply(o, OrderStatus::kRejected, std::string(kCompensate), "payment_timeout", Micros(now));
        }
        SetStep(o, std::string(kAwaitPayment), std::min(deadline, Micros(now) + 1'000'000), false);
        return false;
    }
    return false;
  }
  if (o.saga_step == kPayAtStore) {
    if (o.status != OrderStatus::kPendingPayment) return SetStep(o, std::string(kCompensate), Micros(now), false);
    if (auto due = payments_.PayAtStore(o.id, total); !due) return retry_or(due.error(), [] { return false; });
    Apply(o, OrderStatus::kConfirmed, std::string(kFulfil), "", kNever);
    return false;
  }
  if (o.saga_step == kCapture) {
    core::CrashPoint("before_capture");
    if (auto captured = payments_.Capture(o.id, total); !captured) {
      return retry_or(captured.error(), [&] {
        log::Error("order saga: capture refused", {{"order_id", o.id}, {"error", captured.error().detail}});
        return SetStep(o, std::string(kDone), kNever, false) && false;
      });
    }
    core::CrashPoint("after_capture");
    SetStep(o, std::string(kDone), kNever, false);
    return false;
  }
  if (o.saga_step == kCompensate) {
    auto voided = payments_.Void(o.id);
    if (!voided && voided.error().code == core::ErrorCode::kConflict) {
      // Captured already (e.g. a completed order's payment): give the money back instead.
      auto view = payments_.Get(o.id);
      if (view && view->captured > view->refunded) {
        voided = payments_.Refund(o.id, core::Money(view->captured - view->refunded, total.currency()), "compensation")
                     .map([](auto&&) {});
      } else {
        voided = core::Ok();
      }
    }
    if (!voided && voided.error().code != core::ErrorCode::kNotFound) {
      return retry_or(voided.error(), [] { return false; });
    }
    core::CrashPoint("after_void");
    if (auto released = locations_.ReleaseSlot(o.id); !released) {
      return retry_or(released.error(), [] { return false; });
    }
    if (loyalty_.release && !o.reward_id.empty()) {
      if (auto released = loyalty_.release(o.id); !released) return retry_or(released.error(), [] { return false; });
    }
    SetStep(o, std::string(kDone), kNever, false);
    return false;
  }
  return false;
}

void OrderService::RunSaga(const std::string& order_id, bool leased) {
  struct Holding {
    Holding() { t_lease = {true, false}; }
    ~Holding() { t_lease = {}; }
  };
  for (int round = 0; round < 8; ++round) {
    if (!(round == 0 && leased) && !TakeLease(order_id)) {
      // Another runner holds it; the background runner looks again when the lease is free.
      std::lock_guard lock(runner_mutex_);
      runner_poked_ = true;
      runner_wake_.notify_all();
      return;
    }
    bool released = false;
    try {
      Holding holding;
      for (int steps = 0; steps < 8; ++steps) {
        t_lease.released = false;
        if (!Step(order_id)) break;
      }
      released = t_lease.released;
    } catch (const std::exception& e) {
      log::Error("order saga step failed; will retry", {{"order_id", order_id}, {"error", e.what()}});
      db_.Exec("UPDATE order_orders SET saga_next_at = $1, saga_attempts = saga_attempts + 1, saga_lease_until = 0 "
               "WHERE id = $2",
               db::Params(Micros(clock_.Now()) + 2'000'000, order_id));
      return;
    }
    if (!released) DropLease(order_id);
    // Someone may have changed the order while we held it (a cancellation during authorization).
    auto order = Get(order_id);
    if (!order || !Runnable(order->saga_step) || order->saga_next_at > Micros(clock_.Now())) return;
  }
}

int OrderService::RunDueSagas() {
  const auto now = Micros(clock_.Now());
  auto rs = db_.Query(
      "SELECT id FROM order_orders WHERE saga_step IN ('authorize', 'pay_at_store', 'await_payment', 'capture', "
      "'compensate') AND saga_next_at <= $1 AND saga_lease_until < $1 ORDER BY saga_next_at LIMIT 100",
      db::Params(now));
  for (const auto& r : rs) RunSaga(r.Text(0));
  return static_cast<int>(rs.size());
}

void OrderService::PaymentSettled(const std::string& order_id) {
  db_.Exec("UPDATE order_orders SET saga_next_at = $1 WHERE id = $2 AND saga_step = 'await_payment'",
           db::Params(Micros(clock_.Now()), order_id));
  RunSaga(order_id);
}

core::Result<Order> OrderService::Transition(const std::string& order_id, OrderStatus to, Actor actor,
                                             const std::string& reason) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto order = Get(order_id);
    if (!order) return order;
    if (auto allowed = CheckTransition(order->type, order->status, to, actor); !allowed) return Fail(allowed.error());
    std::string next_step = order->saga_step;
    std::int64_t next_at = order->saga_next_at;
    if (IsCompleted(to)) {
      next_step = kCapture;
      next_at = Micros(clock_.Now());
    } else if (to == OrderStatus::kCancelled) {
      next_step = kCompensate;
      next_at = Micros(clock_.Now());
    }
    if (Apply(*order, to, next_step, reason, next_at)) {
      if (Runnable(next_step)) RunSaga(order_id);
      return Get(order_id);
    }
    // The order moved meanwhile (the saga confirmed it, another device advanced it): re-check.
  }
  return Fail(Error::Conflict("the order is changing right now; reload it and try again"));
}

core::Result<Order> OrderService::Refund(const std::string& order_id, const core::Money& amount, const std::string& key) {
  auto order = Get(order_id);
  if (!order) return order;
  if (!IsCompleted(order->status)) {
    return Fail(Error::Conflict(fmt::format(
        "a {} order is not refunded: cancel it instead (its payment is released, never captured)", StatusName(order->status))));
  }
  if (order->saga_step == kCapture) RunSaga(order_id);  // the capture must land before its refund
  auto refunded = payments_.Refund(order_id, amount, key);
  if (!refunded) return Fail(refunded.error());
  if (refunded->refunded >= refunded->captured) {
    auto done = Transition(order_id, OrderStatus::kRefunded, Actor::kStaff, "refunded");
    if (!done && done.error().code != core::ErrorCode::kConflict) return done;
  }
  return Get(order_id);
}

void OrderService::Start() {
  runner_ = std::thread([this] {
    std::unique_lock lock(runner_mutex_);
    while (!runner_stopping_) {
      runner_wake_.wait_for(lock, options_.runner_interval, [this] { return runner_stopping_ || runner_poked_; });
      if (runner_stopping_) break;
      runner_poked_ = false;
      lock.unlock();
      try {
        RunDueSagas();
      } catch (const std::exception& e) {
        log::Warn("order saga runner round failed", {{"error", e.what()}});
      }
      lock.lock();
    }
  });
}

void OrderService::Stop() {
  {
    std::lock_guard lock(runner_mutex_);
    runner_stopping_ = true;
  }
  runner_wake_.notify_all();
  if (runner_.joinable()) runner_.join();
}

json::object OrderService::ToJson(const Order& o) {
  json::object out{{"id", o.id},
                   {"number", o.number},
                   {"business_date", o.business_date},
                   {"store_id", o.store_id},
                   {"customer_id", o.customer_id ? json::value(*o.customer_id) : json::value(nullptr)},
                   {"type", TypeName(o.type)},
                   {"status", StatusName(o.status)},
                   {"subtotal", MoneyJson(o.subtotal, o.currency)},
                   {"discount_total", MoneyJson(o.discount_total, o.currency)},
                   {"tax_total", MoneyJson(o.tax_total, o.currency)},
                   {"delivery_fee", MoneyJson(o.delivery_fee, o.currency)},
                   {"tip", MoneyJson(o.tip, o.currency)},
                   {"total", MoneyJson(o.total, o.currency)},
                   {"promised_at", o.promised_at},
                   {"scheduled_for", o.scheduled_for ? json::value(*o.scheduled_for) : json::value(nullptr)},
                   {"created_at", o.created_at},
                   {"updated_at", o.updated_at}};
  if (!o.reason.empty()) out["reason"] = o.reason;
  if (o.address) out["address"] = json::parse(*o.address);
  if (!o.reward_id.empty()) out["reward"] = json::object{{"id", o.reward_id}, {"points", o.reward_points}};
  out["quote"] = json::parse(o.quote);
  return out;
}

std::vector<db::Migration> AllMigrations() {
  auto all = Migrations();
  for (auto& m : bus::OutboxInboxMigrations("order", 900)) all.push_back(std::move(m));
  return all;
}

}  // namespace vetahut::order
