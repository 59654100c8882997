#include "services/order/order_service.hpp"

#include <date/tz.h>
#include <fmt/format.h>
#include <sodium.h>

#include <boost/json.hpp>

#include "lib/auth/secrets.hpp"
#include "lib/core/crash_point.hpp"
#include "lib/json/write.hpp"
#include "lib/log/log.hpp"
#include "lib/task/periodic_task.hpp"
#include "migrations/order.hpp"
#include "services/order/domain/counter.hpp"
#include "services/order/events.hpp"

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

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max() / 2;

/// "saga_lease_until = 0" when the writing thread holds the lease and the next step is not due now.
bool ReleasesLease(std::string_view next_step, std::int64_t next_at, std::int64_t now) {
  return t_lease.holding && (!Runnable(next_step) || next_at > now);
}

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

std::string_view ChannelName(menu::SalesChannel channel) {
  switch (channel) {
    case menu::SalesChannel::kKiosk: return "kiosk";
    case menu::SalesChannel::kPos: return "pos";
    case menu::SalesChannel::kWeb: break;
  }
  return "web";
}

std::string BusinessDate(const date::time_zone* zone, core::TimePoint now) {
  const auto local = zone ? zone->to_local(now) : date::local_time<core::TimePoint::duration>(now.time_since_epoch());
  return date::format("%F", date::floor<date::days>(local));
}

std::string TrackerData(const Order& o, OrderStatus status, const std::string& reason, const std::string& at) {
  json::object data{{"order_id", o.id}, {"number", o.number}, {"status", StatusName(status)}, {"at", at},
                    {"promised_at", o.promised_at}};
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
         reason == "expired_card" || reason == "incorrect_cvc" || reason == "payment_timeout" || reason == "declined" ||
         reason == "token_used" || reason == "token_unknown";
}

/// The lines to make, as order.confirmed carries them: the menu's priced lines with the notes.
/// A slot the location service refused, as the order's `scheduled_for` field.
Error SlotError(const Error& error) {
  if (error.code == core::ErrorCode::kConflict) {
    return Error::Validation({{"scheduled_for", error.detail == "the slot is full" ? "the slot is full; choose another time"
                                                                                   : error.detail}});
  }
  if (error.code == core::ErrorCode::kValidation) {
    return Error::Validation(
        {{"scheduled_for", error.fields.empty() ? error.detail : error.fields[0].message + " (see GET /api/v1/stores/{id}/slots)"}});
  }
  return error;
}

std::vector<events::Line> LinesOf(const menu::PricedCart& priced, const std::vector<std::string>& notes) {
  std::vector<events::Line> out;
  for (const auto& line : priced.lines) {
    events::Line l;
    l.index = static_cast<std::int64_t>(line.index);
    l.deal_id = line.deal_id;
    l.name = line.name;
    l.quantity = line.quantity;
    if (line.index < notes.size()) l.notes = notes[line.index];
    l.unit_price = line.unit_price;
    l.line_total = line.line_total;
    l.discount = line.discount;
    l.net = line.net;
    l.tax = line.tax;
    l.tax_category = line.tax_category;
    for (const auto& item : line.items) {
      events::Item i{item.product_id, item.name,      item.category_id, item.kind, item.size_id,
                     item.size_name,  item.crust_id,  item.crust_name,  {},        item.removed_toppings};
      for (const auto& t : item.toppings) i.toppings.push_back({t.topping_id, t.name, t.portion, t.amount});
      l.items.push_back(std::move(i));
    }
    out.push_back(std::move(l));
  }
  return out;
}

/// Fills the part every order event shares.
void FillRef(const Order& o, events::OrderRef& ref) {
  ref.order_id = o.id;
  ref.store_id = o.store_id;
  ref.customer_id = o.customer_id;
  ref.number = o.number;
  ref.type = std::string(TypeName(o.type));
}

}  // namespace

OrderService::OrderService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, OrderClients clients,
                           OrderOptions options, std::function<void()> events_committed)
    : db_(db),
      clock_(clock),
      ids_(ids),
      clients_(clients),
      options_(options),
      events_committed_(std::move(events_committed)),
      runner_(std::make_unique<task::PeriodicTask>(
          task::TaskOptions{.name = "order saga runner", .period = options.runner_interval, .run_at_start = true},
          [this] {
            RunDueSagas();
            return task::Next::Period();
          })) {}

OrderService::~OrderService() { Stop(); }

core::Result<Order> OrderService::Get(const std::string& order_id) {
  auto order = repository_.Find(db_, order_id);
  if (!order) return Fail(Error::NotFound(fmt::format("order '{}' does not exist", order_id)));
  return std::move(*order);
}

core::Result<Order> OrderService::GetByTrackingKey(const std::string& key) {
  std::optional<Order> order;
  // Keys are 32 base64url characters; anything else is not one, and is not looked up.
  if (key.size() == 32 && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      })) {
    order = repository_.FindByTrackingKey(db_, key);
  }
  if (!order) return Fail(Error::NotFound("no order has this tracking link"));
  return std::move(*order);
}

core::Result<OrderSummary> OrderService::GetOrder(const std::string& order_id) {
  auto o = Get(order_id);
  if (!o) return Fail(o.error());
  return OrderSummary{o->id,          o->store_id, o->customer_id, o->number,
                      o->business_date, std::string(TypeName(o->type)), std::string(StatusName(o->status)),
                      core::MoneyAmount{o->total, o->currency}, o->promised_at, o->created_at};
}

core::Result<std::vector<Order>> OrderService::ListForStore(const std::string& store_id,
                                                            std::optional<OrderStatus> status, int limit,
                                                            const std::string& cursor) {
  if (auto store = clients_.stores.GetStore(store_id); !store) return Fail(store.error());  // 404 for an unknown store
  return repository_.ListForStore(db_, store_id, status, limit, cursor);
}

std::vector<Order> OrderService::ListForCustomer(const std::string& customer_id, int limit, const std::string& cursor) {
  return repository_.ListForCustomer(db_, customer_id, limit, cursor);
}

std::int64_t OrderService::SagaBacklog() { return repository_.SagaBacklog(db_); }

std::vector<OrderRepository::OpenStatus> OrderService::OpenByStatus() { return repository_.OpenByStatus(db_); }

std::vector<TrackedEvent> OrderService::History(const std::string& order_id, std::int64_t after_seq) {
  std::vector<TrackedEvent> out;
  for (const auto& r : repository_.History(db_, order_id, after_seq)) {
    TrackedEvent e{r.seq, r.status, r.data, false};
    if (auto s = ParseStatus(e.status)) e.last = EndsTracking(*s);
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<payment::PaymentView> OrderService::Payment(const std::string& order_id) {
  auto view = clients_.payments.Get(order_id);
  if (!view) return std::nullopt;
  return std::move(*view);
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
  auto earlier = repository_.FindPlacement(db_, scope_key);
  if (!earlier) return std::nullopt;
  if (earlier->first != hash) {
    return core::Result<Placement>(Fail(Error::Validation(
        {{"Idempotency-Key", "was already used with a different request body; use a new key for a new order"}})));
  }
  auto order = Get(earlier->second);
  if (!order) return core::Result<Placement>(Fail(order.error()));
  if (order->status == OrderStatus::kRejected && IsDecline(order->reason)) {
    return core::Result<Placement>(Fail(DeclineError(*order)));
  }
  return core::Result<Placement>(Placement{std::move(*order), true});
}

core::Result<OrderService::Checked> OrderService::Check(const Caller& caller, const json::object& body, bool placement) {
  auto request = ParseOrderRequest(body, placement);
  if (!request) return Fail(request.error());
  if (request->wants_reward && !caller.customer) {
    return Fail(Error::Validation({{"reward_id", "only a signed-in customer can redeem loyalty points"}}));
  }
  Checked c{std::move(*request), {}, {}, std::nullopt, 0};
  const std::string& store_id = c.request.store_id;
  const location::ServiceType service = ServiceOf(c.request.type);

  // --- the store: known, accepting, open (ASAP) or a free slot (scheduled), delivering there ---
  // Quotes and placements judge all of it alike: a quote that says yes is an order that can be placed.
  auto store = clients_.stores.GetStore(store_id);
  if (!store) {
    return Fail(store.error().code == core::ErrorCode::kNotFound
                    ? Error::Validation({{"store_id", fmt::format("store '{}' does not exist", store_id)}})
                    : store.error());
  }
  c.store = std::move(*store);
  auto availability = clients_.locations.Availability(store_id, service);
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
  if (!c.request.scheduled_for && !availability->open_now) {
    std::string when = availability->next_open_at ? "; it opens at " + core::FormatRfc3339(*availability->next_open_at) : "";
    return Fail(Error::Validation({{"store_id", fmt::format("is closed for {} now{} — schedule the order for a later slot",
                                                            TypeName(c.request.type), when)}}));
  }
  if (c.request.scheduled_for && !placement) {
    // Placement holds the slot itself (ReserveSlot, atomically); a quote only asks.
    auto slot = clients_.locations.CheckSlot(store_id, service, *c.request.scheduled_for);
    if (!slot) return Fail(SlotError(slot.error()));
  }
  std::optional<core::MoneyAmount> delivery_fee;
  if (c.request.point) {
    auto check = clients_.locations.CheckDelivery(store_id, *c.request.point);
    if (!check) {
      return Fail(check.error().code == core::ErrorCode::kNotFound ? Error::Validation({{"store_id", check.error().detail}})
                                                                     : check.error());
    }
    if (!check->deliverable) return Fail(Error::Validation({{"address", "is outside the store's delivery zones"}}));
    if (check->fee) delivery_fee = core::MoneyAmount::Of(*check->fee);
    c.minimum = check->minimum_order;
    c.delivery_minutes = check->estimate_minutes;
  }

  // --- the cart, priced by the menu service (client-sent prices are never read) ---
  auto priced = clients_.menu.PriceCart({store_id, json_text::Serialize(body), delivery_fee, caller.channel});
  if (!priced) return Fail(priced.error());
  c.priced = std::move(*priced);
  if (c.priced.rejected_coupon) {
    // The customer expects the discount: an order must not be placed without it, and the quote
    // says so the same way.
    return Fail(Error::Validation({{"coupon_code", c.priced.rejected_coupon->message}}));
  }
  if (c.minimum && c.priced.net_subtotal.amount < c.minimum->amount()) {
    return Fail(Error::Validation({{"items", fmt::format("the order is below the delivery minimum of {}", c.minimum->ToString())}}));
  }
  // --- when the kitchen would have it ready (ASAP): its model of the make line and the oven ---
  if (!c.request.scheduled_for && clients_.kitchen) {
    kitchen::EstimateRequest ask{store_id, std::string(TypeName(c.request.type)), {}};
    for (const auto& line : c.priced.lines) {
      for (const auto& item : line.items) {
        ask.items.push_back({item.product_id, item.category_id, item.kind, item.size_id, line.quantity});
      }
    }
    auto estimate = clients_.kitchen->Estimate(ask);
    if (estimate) {
      c.kitchen = *estimate;
    } else {
      log::Warn("kitchen estimate unavailable; promising the configured prep time",
                {{"store_id", store_id}, {"error", estimate.error().detail}});
    }
  }
  return c;
}

core::Result<std::string> OrderService::Quote(const Caller& caller, const json::value& body) {
  if (!body.is_object()) return Fail(Error::BadRequest("the request body must be a JSON object"));
  auto checked = Check(caller, body.as_object(), false);
  if (!checked) return Fail(checked.error());
  // The quote as the menu priced it, with when it would be ready.
  json::value quote = json::parse(checked->priced.quote_json);
  json::object& out = quote.as_object();
  out["type"] = TypeName(checked->request.type);
  out["scheduled_for"] =
      checked->request.scheduled_for ? json::value(core::FormatRfc3339(*checked->request.scheduled_for)) : json::value(nullptr);
  out["promised_at"] = core::FormatRfc3339(PromiseTime(*checked));
  if (checked->kitchen) {
    // What the kitchen's queue means for this order now; a store past its busy threshold says so.
    out["kitchen"] = json::object{{"wait_minutes", (checked->kitchen->wait_seconds + 59) / 60},
                                  {"prep_minutes", (checked->kitchen->prep_seconds + 59) / 60},
                                  {"busy", checked->kitchen->busy}};
  }
  return json_text::Serialize(quote);
}

core::TimePoint OrderService::PromiseTime(const Checked& c) const {
  if (c.request.scheduled_for) return *c.request.scheduled_for;
  const auto ready = c.kitchen ? c.kitchen->ready_at : clock_.Now() + options_.prep_time;
  return ready + std::chrono::minutes(c.request.type == OrderType::kDelivery ? c.delivery_minutes : 0);
}

core::TimePoint OrderService::ReadyBy(const Checked& c, core::TimePoint promised) const {
  return promised - std::chrono::minutes(c.request.type == OrderType::kDelivery ? c.delivery_minutes : 0);
}

core::Result<Placement> OrderService::Place(const Caller& caller, const json::value& body,
                                            const std::string& idempotency_key) {
  if (idempotency_key.empty()) {
    return Fail(Error::BadRequest("the Idempotency-Key header is required: a unique value per order, reused on retries"));
  }
  if (idempotency_key.size() > 255) return Fail(Error::BadRequest("the Idempotency-Key header is longer than 255 characters"));
  if (!body.is_object()) return Fail(Error::BadRequest("the request body must be a JSON object"));
  // A guest's contact: who the order is for, and (with the key) the scope of its idempotency.
  GuestContact contact;
  if (caller.guest) {
    auto parsed = ParseGuestContact(body.as_object());
    if (!parsed) return Fail(parsed.error());
    contact = std::move(*parsed);
  }
  const std::string scope_key =
      caller.guest ? fmt::format("{}:{}|{}", kGuestSubject, contact.email, idempotency_key) : caller.subject + "|" + idempotency_key;
  const std::string hash = Sha256Hex(json_text::Serialize(body));
  if (auto replay = Replay(scope_key, hash)) return std::move(*replay);

  auto checked = Check(caller, body.as_object(), true);
  if (!checked) return Fail(checked.error());
  const OrderRequest& request = checked->request;
  const menu::PricedCart& priced = checked->priced;
  const std::string& store_id = request.store_id;
  if (request.payment_method == "card") {
    auto token = clients_.payments.FindToken(request.payment_token, caller.subject);
    if (!token) return Fail(token.error());
  }
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(checked->store.time_zone);
  } catch (const std::exception&) {
    return Fail(Error::Internal(fmt::format("store {} has an unknown time zone", store_id)));
  }
  // The name on the ticket: given with the order (guests, the counter); a signed-in customer's is
  // looked up by whoever shows it, off the placement path.
  std::string customer_name = contact.name;
  // The counter's own fields: the customer a phone order is for, and cash handed over.
  std::optional<std::string> for_customer_id;
  if (request.for_customer || request.cash_tendered) {
    if (caller.channel != menu::SalesChannel::kPos) {
      return Fail(Error::Validation({{request.for_customer ? "customer" : "payment.tendered",
                                      "is for orders taken at the counter (POS) only"}}));
    }
    if (request.cash_tendered) {
      if (request.tendered_currency != priced.currency) {
        return Fail(Error::Validation({{"payment.tendered", "must be in the order's currency " + priced.currency}}));
      }
      if (auto change = ChangeDue(priced.total.amount, *request.cash_tendered); !change) return Fail(change.error());
    }
    if (request.customer_id) {
      auto account = clients_.customers.GetContact(*request.customer_id);
      if (!account) {
        return Fail(account.error().code == core::ErrorCode::kNotFound
                        ? Error::Validation({{"customer.id", "no such customer (look them up by phone)"}})
                        : account.error());
      }
      for_customer_id = request.customer_id;
      customer_name = account->name;
    }
    if (!request.customer_name.empty()) customer_name = request.customer_name;
  }
  // Who took a counter order, by name, for the receipt and the end-of-day (a till is no account).
  std::string cashier_name;
  if (caller.channel == menu::SalesChannel::kPos && !caller.customer) {
    if (auto staff = clients_.customers.GetContact(caller.subject)) cashier_name = staff->name;
  }

  const auto now = clock_.Now();
  const std::string order_id = ids_.Next("ord");
  core::TimePoint promised = PromiseTime(*checked);

  // --- holds taken before the order exists; given back if it is not stored ---
  bool slot_held = false;
  bool points_held = false;
  auto undo = [&] {
    if (slot_held) (void)clients_.locations.ReleaseSlot(order_id);
    if (points_held) (void)clients_.customers.ReleasePoints(order_id);
  };
  if (request.scheduled_for) {
    auto slot = clients_.locations.ReserveSlot(store_id, ServiceOf(request.type), *request.scheduled_for, order_id);
    if (!slot) return Fail(SlotError(slot.error()));
    slot_held = true;
    promised = slot->slot_start;
  }
  std::string reward_id;
  std::int64_t reward_points = 0;
  if (priced.reward) {
    reward_id = priced.reward->reward_id;
    reward_points = priced.reward->points;
    auto held = clients_.customers.ReservePoints(caller.subject, order_id, reward_points, reward_id);
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
  if (for_customer_id) o.customer_id = for_customer_id;
  o.placed_by = caller.subject;
  o.customer_name = customer_name;
  o.contact_email = contact.email;
  o.contact_phone = contact.phone;
  o.tracking_key = auth::RandomToken(24);  // 32 characters: the tracking link's key
  o.channel = std::string(ChannelName(caller.channel));
  o.business_date = BusinessDate(zone, now);
  o.type = request.type;
  o.status = OrderStatus::kPendingPayment;
  o.currency = priced.currency;
  o.subtotal = priced.subtotal.amount;
  o.discount_total = priced.discount_total.amount;
  o.tax_total = priced.tax_total.amount;
  o.delivery_fee = priced.delivery_fee.amount;
  o.tip = priced.tip.amount;
  o.total = priced.total.amount;
  o.loyalty_basis = priced.net_subtotal.amount;
  o.reward_id = reward_id;
  o.reward_points = reward_points;
  o.payment_method = request.payment_method;
  o.payment_token = request.payment_token;
  o.cash_tendered = request.cash_tendered.value_or(0);
  o.cashier_name = cashier_name;
  if (request.scheduled_for) o.scheduled_for = core::FormatRfc3339(*request.scheduled_for);
  o.promised_at = core::FormatRfc3339(promised);
  o.ready_by = core::FormatRfc3339(ReadyBy(*checked, promised));
  o.address = request.address_json;
  o.quote = priced.quote_json;
  o.lines = events::LinesToJson(LinesOf(priced, request.notes));
  o.request_hash = hash;
  o.saga_step = std::string(request.payment_method == "card" ? kAuthorize : kPayAtStore);
  o.created_at = o.updated_at = core::FormatRfc3339(now);
  o.saga_next_at = Micros(now);
  o.payment_deadline = Micros(now + options_.payment_timeout);
  try {
    auto tx = db_.Begin();
    o.number = repository_.NextNumber(tx, store_id, o.business_date);
    // Held from the start: this request runs the first steps itself.
    repository_.Insert(tx, o, Micros(now) + std::chrono::duration_cast<std::chrono::microseconds>(options_.saga_lease).count());
    try {
      repository_.InsertPlacement(tx, scope_key, hash, o.id, o.created_at);
    } catch (const db::DbError& e) {
      if (e.error().code != core::ErrorCode::kConflict) throw;
      // The same key was placed concurrently and won: answer as a replay of it.
      tx.Rollback();
      undo();
      if (auto replay = Replay(scope_key, hash)) return std::move(*replay);
      throw;
    }
    repository_.AppendEvent(tx, o.id, 1, std::string(StatusName(o.status)), TrackerData(o, o.status, "", o.created_at),
                            o.created_at);
    events::OrderPlaced placed;
    FillRef(o, placed);
    placed.status = std::string(StatusName(o.status));
    placed.total = {o.total, o.currency};
    placed.promised_at = o.promised_at;
    outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, o.id, placed));
    tx.Commit();
  } catch (...) {
    undo();
    throw;
  }
  log::Info("order placed", {{"order_id", o.id}, {"store_id", o.store_id}, {"number", o.number}, {"total", o.total}});
  if (options_.placed) options_.placed(o);
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
  if (!repository_.ApplyStatus(tx, order, to, next_step, next_at, reason, at, release)) return false;
  const std::int64_t seq = repository_.NextEventSeq(tx, order.id);
  const std::string data = TrackerData(order, to, reason, at);
  repository_.AppendEvent(tx, order.id, seq, std::string(StatusName(to)), data, at);
  events::StatusPayload payload;
  FillRef(order, payload);
  payload.status = std::string(StatusName(to));
  payload.previous_status = std::string(StatusName(order.status));
  payload.reason = reason.empty() ? order.reason : reason;
  payload.at = at;
  payload.total = {order.total, order.currency};
  payload.loyalty_basis = {order.loyalty_basis, order.currency};
  auto emit = [&](auto event) {
    static_cast<events::StatusPayload&>(event) = payload;
    outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, order.id, event));
  };
  emit(events::OrderStatusChanged{});
  if (to == OrderStatus::kConfirmed) {
    auto lines = events::LinesFromJson(order.lines);
    if (!lines) throw core::ErrorException(Error::Internal("order " + order.id + " has unreadable lines"));
    events::OrderConfirmed confirmed;
    FillRef(order, confirmed);
    confirmed.customer_name = order.customer_name;
    confirmed.business_date = order.business_date;
    confirmed.channel = order.channel;
    confirmed.placed_at = order.created_at;
    confirmed.promised_at = order.promised_at;
    if (!order.ready_by.empty()) confirmed.ready_by = order.ready_by;
    confirmed.scheduled_for = order.scheduled_for;
    if (order.address) {
      json::error_code ec;
      json::value a = json::parse(*order.address, ec);
      if (const json::object* o = ec ? nullptr : a.if_object()) {
        events::DeliveryAddress address;
        auto text = [&](std::string_view key) {
          const json::value* v = o->if_contains(key);
          return v && v->is_string() ? std::string(v->get_string()) : std::string();
        };
        if (const json::value* v = o->if_contains("latitude"); v && v->is_number()) address.latitude = v->to_number<double>();
        if (const json::value* v = o->if_contains("longitude"); v && v->is_number()) address.longitude = v->to_number<double>();
        address.line1 = text("line1");
        address.city = text("city");
        address.instructions = text("instructions");
        confirmed.address = std::move(address);
      }
    }
    confirmed.payment_method = order.payment_method;
    if (order.channel == "pos") {
      confirmed.cashier_id = order.placed_by;
      if (!order.cashier_name.empty()) confirmed.cashier_name = order.cashier_name;
    }
    confirmed.subtotal = {order.subtotal, order.currency};
    confirmed.discount_total = {order.discount_total, order.currency};
    confirmed.tax_total = {order.tax_total, order.currency};
    confirmed.delivery_fee = {order.delivery_fee, order.currency};
    confirmed.tip = {order.tip, order.currency};
    confirmed.total = {order.total, order.currency};
    confirmed.lines = std::move(*lines);
    outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, order.id, confirmed));
  } else if (IsCompleted(to)) {
    emit(events::OrderCompleted{});
  } else if (to == OrderStatus::kCancelled) {
    emit(events::OrderCancelled{});
  } else if (to == OrderStatus::kRejected) {
    emit(events::OrderRejected{});
  } else if (to == OrderStatus::kRefunded) {
    emit(events::OrderRefunded{});
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
  const bool changed = repository_.SetStep(db_, order, next_step, next_at, count_attempt ? order.saga_attempts + 1 : 0,
                                           core::FormatRfc3339(now), release);
  if (changed && release) t_lease.released = true;
  return changed;
}

bool OrderService::TakeLease(const std::string& order_id) {
  const auto now = Micros(clock_.Now());
  const auto until = now + std::chrono::duration_cast<std::chrono::microseconds>(options_.saga_lease).count();
  return repository_.TakeLease(db_, order_id, until, now);
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
    auto outcome = o.saga_step == kAuthorize ? clients_.payments.Authorize(o.id, o.payment_token, total) : clients_.payments.CheckPending(o.id);
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
      case payment::AuthorizationStatus::kAuthorized:
        return Apply(o, OrderStatus::kConfirmed, std::string(kFulfil), "", kNever) && false;
      case payment::AuthorizationStatus::kDeclined:
        return Apply(o, OrderStatus::kRejected, std::string(kCompensate),
                     outcome->decline_code.empty() ? "declined" : outcome->decline_code, Micros(now));
      case payment::AuthorizationStatus::kPending:
        if (Micros(now) >= deadline) {
          log::Warn("order saga: payment pending too long; voiding", {{"order_id", o.id}});
          if (auto voided = clients_.payments.Void(o.id); !voided) return retry_or(voided.error(), [] { return false; });
          return Apply(o, OrderStatus::kRejected, std::string(kCompensate), "payment_timeout", Micros(now));
        }
        SetStep(o, std::string(kAwaitPayment), std::min(deadline, Micros(now) + 1'000'000), false);
        return false;
    }
    return false;
  }
  if (o.saga_step == kPayAtStore) {
    if (o.status != OrderStatus::kPendingPayment) return SetStep(o, std::string(kCompensate), Micros(now), false);
    if (auto due = clients_.payments.PayAtStore(o.id, total); !due) return retry_or(due.error(), [] { return false; });
    if (o.cash_tendered > 0) {
      // Cash handed over at the counter is collected now (decision 0033), not at the hand-over:
      // the drawer holds it from this moment. Capture is idempotent per order, so the capture
      // on completion finds it done.
      if (auto collected = clients_.payments.Capture(o.id, total); !collected) {
        return retry_or(collected.error(), [] { return false; });
      }
    }
    Apply(o, OrderStatus::kConfirmed, std::string(kFulfil), "", kNever);
    return false;
  }
  if (o.saga_step == kCapture) {
    core::CrashPoint("before_capture");
    if (auto captured = clients_.payments.Capture(o.id, total); !captured) {
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
    auto voided = clients_.payments.Void(o.id);
    if (!voided && voided.error().code == core::ErrorCode::kConflict) {
      // Captured already (e.g. a completed order's payment): give the money back instead.
      auto view = clients_.payments.Get(o.id);
      if (view && view->captured > view->refunded) {
        voided = clients_.payments.Refund(o.id, core::Money(view->captured - view->refunded, total.currency()), "compensation",
                                          o.reason)
                     .map([](auto&&) {});
      } else {
        voided = core::Ok();
      }
    }
    if (!voided && voided.error().code != core::ErrorCode::kNotFound) {
      return retry_or(voided.error(), [] { return false; });
    }
    core::CrashPoint("after_void");
    if (auto released = clients_.locations.ReleaseSlot(o.id); !released) {
      return retry_or(released.error(), [] { return false; });
    }
    if (!o.reward_id.empty()) {
      if (auto released = clients_.customers.ReleasePoints(o.id); !released) {
        return retry_or(released.error(), [] { return false; });
      }
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
      if (runner_) runner_->Notify();
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
      repository_.RetryLater(db_, order_id, Micros(clock_.Now()) + 2'000'000);
      return;
    }
    if (!released) repository_.DropLease(db_, order_id);
    // Someone may have changed the order while we held it (a cancellation during authorization).
    auto order = Get(order_id);
    if (!order || !Runnable(order->saga_step) || order->saga_next_at > Micros(clock_.Now())) return;
  }
}

int OrderService::RunDueSagas() {
  auto due = repository_.DueSagas(db_, Micros(clock_.Now()), 100);
  for (const auto& id : due) RunSaga(id);
  return static_cast<int>(due.size());
}

void OrderService::PaymentSettled(const std::string& order_id) {
  if (repository_.WakeAwaitingPayment(db_, order_id, Micros(clock_.Now()))) RunSaga(order_id);
}

core::Status OrderService::FollowKitchen(const std::string& order_id, OrderStatus target, const std::string& reason) {
  auto order = Get(order_id);
  if (!order) return order.error().code == core::ErrorCode::kNotFound ? core::Status(core::Ok()) : Fail(order.error());
  for (OrderStatus step : KitchenPath(order->type, order->status, target)) {
    auto moved = Transition(order_id, step, Actor::kSystem, reason);
    if (moved) continue;
    // Staff moved it meanwhile (an override, a cancellation): the kitchen does not drag it back.
    if (moved.error().code == core::ErrorCode::kConflict) return core::Ok();
    return Fail(moved.error());
  }
  return core::Ok();
}

core::Status OrderService::UpdatePromise(const std::string& order_id, const std::string& promised_at,
                                         const std::string& cause) {
  auto order = Get(order_id);
  if (!order) return order.error().code == core::ErrorCode::kNotFound ? core::Status(core::Ok()) : Fail(order.error());
  if (order->promised_at == promised_at || IsFinal(order->status) || IsCompleted(order->status)) return core::Ok();
  if (!core::ParseRfc3339(promised_at)) return Fail(Error::BadRequest("promised_at: must be an RFC 3339 time"));
  const std::string at = core::FormatRfc3339(clock_.Now());
  Order updated = *order;
  updated.promised_at = promised_at;
  const std::string data = TrackerData(updated, updated.status, cause, at);
  std::int64_t seq = 0;
  {
    auto tx = db_.Begin();
    if (!repository_.SetPromise(tx, order_id, promised_at, at)) return core::Ok();
    seq = repository_.NextEventSeq(tx, order_id);
    repository_.AppendEvent(tx, order_id, seq, std::string(StatusName(updated.status)), data, at);
    tx.Commit();
  }
  log::Info("order promise moved", {{"order_id", order_id}, {"promised_at", promised_at}, {"cause", cause}});
  tracker_.Publish(order_id, {seq, std::string(StatusName(updated.status)), data, false});
  return core::Ok();
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

core::Result<Order> OrderService::Refund(const std::string& order_id, const RefundRequest& request,
                                         const std::string& key) {
  auto order = Get(order_id);
  if (!order) return order;
  if (!IsCompleted(order->status) && order->status != OrderStatus::kRefunded) {
    return Fail(Error::Conflict(fmt::format(
        "a {} order is not refunded: cancel it instead (its payment is released, never captured)", StatusName(order->status))));
  }
  const auto earlier = repository_.Refunds(db_, order_id);
  for (const auto& r : earlier) {
    if (r.idempotency_key == key) return order;  // the same refund again: already done
  }
  if (order->status == OrderStatus::kRefunded) {
    return Fail(Error::Conflict("the order was refunded in full already"));
  }
  const auto currency = core::Currency::Find(order->currency);
  if (!currency) throw core::ErrorException(Error::Internal("order " + order_id + " has an unknown currency"));
  core::Money amount(0, *currency);
  json::array lines_json;
  if (!request.lines.empty()) {
    auto lines = events::LinesFromJson(order->lines);
    if (!lines) throw core::ErrorException(Error::Internal("order " + order_id + " has unreadable lines"));
    std::vector<SoldLine> sold;
    for (const auto& l : *lines) {
      sold.push_back({l.index, l.quantity, l.line_total.amount, l.discount ? l.discount->amount : 0,
                      l.tax ? l.tax->amount : 0});
    }
    std::map<std::int64_t, std::int64_t> refunded_units;
    for (const auto& r : earlier) {
      const json::value parsed = json::parse(r.lines);
      for (const auto& v : parsed.as_array()) {
        refunded_units[v.at("index").to_number<std::int64_t>()] += v.at("quantity").to_number<std::int64_t>();
      }
    }
    const bool tax_added = TaxWasAdded(order->subtotal, order->discount_total, order->tax_total, order->delivery_fee,
                                       order->tip, order->total);
    auto value = RefundForLines(sold, tax_added, request.lines, refunded_units);
    if (!value) return Fail(value.error());
    amount = core::Money(*value, *currency);
    for (const auto& l : request.lines) lines_json.push_back(json::object{{"index", l.index}, {"quantity", l.quantity}});
  } else if (request.amount) {
    amount = *request.amount;
  } else {
    return Fail(Error::Validation({{"amount", R"(give an amount or lines: [{"index", "quantity"}])"}}));
  }
  if (order->saga_step == kCapture) RunSaga(order_id);  // the capture must land before its refund
  auto refunded = clients_.payments.Refund(order_id, amount, key, request.reason);
  if (!refunded) return Fail(refunded.error());
  const std::string now = core::FormatRfc3339(clock_.Now());
  repository_.InsertRefund(db_, RefundRow{ids_.Next("rfd"), order_id, key, amount.amount(), request.reason,
                                          json_text::Serialize(lines_json), request.refunded_by, now});
  log::Info("order refunded", {{"order_id", order_id}, {"amount", amount.amount()}, {"by", request.refunded_by}});
  if (refunded->refunded >= refunded->captured) {
    auto done = Transition(order_id, OrderStatus::kRefunded, Actor::kStaff,
                           request.reason.empty() ? "refunded" : request.reason);
    if (!done && done.error().code != core::ErrorCode::kConflict) return done;
  }
  return Get(order_id);
}

std::vector<RefundRow> OrderService::Refunds(const std::string& order_id) { return repository_.Refunds(db_, order_id); }

void OrderService::Start() { runner_->Start(); }

void OrderService::Stop() {
  if (runner_) runner_->Stop();
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
