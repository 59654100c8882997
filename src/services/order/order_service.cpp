#include "services/order/order_service.hpp"

#include <date/tz.h>
#include <fmt/format.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <utility>

#include "lib/auth/secrets.hpp"
#include "lib/core/crash_point.hpp"
#include "lib/json/write.hpp"
#include "lib/log/log.hpp"
#include "lib/task/periodic_task.hpp"
#include "migrations/order.hpp"
#include "services/order/domain/counter.hpp"
#include "services/order/events.hpp"
#include "services/order/order_steps.hpp"

namespace vetahut::order {
namespace json = boost::json;
using core::Error;
using core::Fail;

using namespace detail;

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

void OrderService::Announce(const std::string& order_id, const TrackedEvent& event) {
  DeliverTracked(order_id, event);
  if (tracked_notifier_) tracked_notifier_(order_id, event);
}

void OrderService::DeliverTracked(const std::string& order_id, const TrackedEvent& event) {
  auto followers = tracker_.FollowersOf(order_id);
  if (followers.empty()) return;
  std::int64_t behind = event.seq;
  for (const auto& f : followers) behind = std::min(behind, f->seen);
  if (behind >= event.seq - 1) {
    for (const auto& f : followers) OrderTracker::Deliver(f, event);
    return;
  }
  // Another replica's change is still on its way (or was lost): the history has it.
  for (const auto& e : History(order_id, behind)) {
    for (const auto& f : followers) OrderTracker::Deliver(f, e);
  }
  for (const auto& f : followers) OrderTracker::Deliver(f, event);
}

void OrderService::CatchUpTrackers() {
  for (const auto& order_id : tracker_.Followed()) {
    auto followers = tracker_.FollowersOf(order_id);
    if (followers.empty()) continue;
    std::int64_t behind = followers.front()->seen;
    for (const auto& f : followers) behind = std::min(behind, f->seen);
    for (const auto& e : History(order_id, behind)) {
      for (const auto& f : followers) OrderTracker::Deliver(f, e);
    }
  }
}

/// Held while one placement runs; the marker goes when it does — only if it is still this
/// placement's (after in_flight_ttl another request may own the key).
class OrderService::InFlight {
 public:
  InFlight() = default;
  InFlight(cache::Cache* cache, std::string key, std::string token)
      : cache_(cache), key_(std::move(key)), token_(std::move(token)) {}
  InFlight(InFlight&& other) noexcept
      : cache_(std::exchange(other.cache_, nullptr)), key_(std::move(other.key_)), token_(std::move(other.token_)) {}
  InFlight& operator=(InFlight&&) = delete;
  ~InFlight() {
    // A release that fails leaves the marker to its TTL: a retry meanwhile gets 409, then the
    // database's answer.
    if (cache_) (void)cache_->DeleteIfValue(key_, token_);
  }

 private:
  cache::Cache* cache_ = nullptr;
  std::string key_;
  std::string token_;
};

core::Result<OrderService::InFlight> OrderService::MarkInFlight(const std::string& scope_key) {
  if (!cache_) return InFlight();
  // Hashed: the scope holds a guest's email and a client's key of up to 255 characters.
  std::string key = "idem:order:" + Sha256Hex(scope_key);
  std::string token = auth::RandomToken(16);
  auto set = cache_->SetIfAbsent(key, token, std::chrono::duration_cast<std::chrono::milliseconds>(options_.in_flight_ttl));
  if (!set) {
    in_flight_outage_.Failed(set.error());
    return InFlight();
  }
  in_flight_outage_.Succeeded();
  if (!*set) {
    return Fail(Error::Conflict(
        "a request with this Idempotency-Key is in progress; retry when it has finished to get its answer"));
  }
  return InFlight(cache_, std::move(key), std::move(token));
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
  // The quote as the menu priced it, with when it would be ready: these members are appended to
  // the menu's object as text (it has none of them) — parsing the priced quote back only to add
  // four members was a fifth of a quote's time.
  json::object more;
  more["type"] = TypeName(checked->request.type);
  more["scheduled_for"] =
      checked->request.scheduled_for ? json::value(core::FormatRfc3339(*checked->request.scheduled_for)) : json::value(nullptr);
  more["promised_at"] = core::FormatRfc3339(PromiseTime(*checked));
  if (checked->kitchen) {
    // What the kitchen's queue means for this order now; a store past its busy threshold says so.
    more["kitchen"] = json::object{{"wait_minutes", (checked->kitchen->wait_seconds + 59) / 60},
                                   {"prep_minutes", (checked->kitchen->prep_seconds + 59) / 60},
                                   {"busy", checked->kitchen->busy}};
  }
  std::string out = std::move(checked->priced.quote_json);
  if (out.size() < 2 || out.front() != '{' || out.back() != '}') {
    return Fail(Error::Internal("the menu's quote is not a JSON object"));
  }
  out.pop_back();
  if (out.size() > 1) out += ',';
  const std::string tail = json_text::Serialize(more);
  out.append(tail, 1, std::string::npos);
  return out;
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
  // One request per key at a time, across replicas: a duplicate that arrives while the first is
  // being placed hears so at once (409) instead of racing it through pricing, holds and payment.
  // The database's unique key on the scope stays the truth for what the marker misses.
  auto in_flight = MarkInFlight(scope_key);
  if (!in_flight) return Fail(in_flight.error());
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
  Announce(o.id, {1, std::string(StatusName(o.status)), TrackerData(o, o.status, "", o.created_at), false});
  core::CrashPoint("after_place");

  RunSaga(o.id, /*leased=*/true);
  auto stored = Get(o.id);
  if (!stored) return Fail(stored.error());
  if (stored->status == OrderStatus::kRejected && IsDecline(stored->reason)) return Fail(DeclineError(*stored));
  return Placement{std::move(*stored), false};
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
