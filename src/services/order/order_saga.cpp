// The placement saga's steps (decision 0015): apply a status with its events, take and keep the
// lease, run the due step (authorize, pay at the store, capture, compensate), follow the kitchen
// and the promise it moves. Reads, placement, transitions and refunds are in order_service.cpp.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "lib/core/crash_point.hpp"
#include "lib/json/write.hpp"
#include "lib/log/log.hpp"
#include "lib/task/periodic_task.hpp"
#include "services/order/order_service.hpp"
#include "services/order/order_steps.hpp"

namespace vetahut::order {
namespace json = boost::json;
using core::Error;
using core::Fail;
using namespace detail;

bool OrderService::Apply(const Order& order, OrderStatus to, const std::string& next_step, const std::string& reason,
                         std::int64_t next_at) {
  const auto now = clock_.Now();
  const std::string at = core::FormatRfc3339(now);
  const bool release = ReleasesLease(next_step, next_at, Micros(now));
  auto tx = db_.Begin();
  if (!repository_.ApplyStatus(tx, order, to, next_step, next_at, reason, at, release)) return false;
  const std::int64_t seq = repository_.NextEventSeq(tx, order.id);
  // The promise as committed now: a replica may have moved it since `order` was read (the row is
  // ours until commit, so this is the latest).
  Order shown = order;
  shown.promised_at = repository_.PromiseOf(tx, order.id);
  const std::string data = TrackerData(shown, to, reason, at);
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
  Announce(order.id, {seq, std::string(StatusName(to)), data, EndsTracking(to)});
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
  if (!core::ParseRfc3339(promised_at)) return Fail(Error::BadRequest("promised_at: must be an RFC 3339 time"));
  // Replicas move orders concurrently: the promise is written only while the status read is
  // still the order's, so its tracking event never names a status the order has left.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto order = Get(order_id);
    if (!order) return order.error().code == core::ErrorCode::kNotFound ? core::Status(core::Ok()) : Fail(order.error());
    if (order->promised_at == promised_at || IsFinal(order->status) || IsCompleted(order->status)) return core::Ok();
    const std::string at = core::FormatRfc3339(clock_.Now());
    Order updated = *order;
    updated.promised_at = promised_at;
    const std::string data = TrackerData(updated, updated.status, cause, at);
    std::int64_t seq = 0;
    {
      auto tx = db_.Begin();
      if (!repository_.SetPromise(tx, order_id, promised_at, at, order->status)) continue;  // moved meanwhile: read again
      seq = repository_.NextEventSeq(tx, order_id);
      repository_.AppendEvent(tx, order_id, seq, std::string(StatusName(updated.status)), data, at);
      tx.Commit();
    }
    log::Info("order promise moved", {{"order_id", order_id}, {"promised_at", promised_at}, {"cause", cause}});
    Announce(order_id, {seq, std::string(StatusName(updated.status)), data, false});
    return core::Ok();
  }
  return Fail(Error::Unavailable("order " + order_id + " kept moving; the promise is retried"));
}

}  // namespace vetahut::order
