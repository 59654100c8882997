#pragma once
// What order_service.cpp (reads, placement, transitions, refunds) and order_saga.cpp (the
// placement saga's steps) share: the saga's step names, its lease rule and back-off, and the helpers
// that turn an order into its events and its tracker's data. Internal to the order service.
#include <date/tz.h>
#include <fmt/format.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"
#include "services/order/order_service.hpp"
#include "services/order/events.hpp"

namespace vetahut::order::detail {
namespace json = boost::json;
using core::Error;


// Saga steps (order_orders.saga_step). Runnable steps are picked up by the runner when due.
constexpr std::string_view kAuthorize = "authorize";
constexpr std::string_view kPayAtStore = "pay_at_store";
constexpr std::string_view kAwaitPayment = "await_payment";
constexpr std::string_view kFulfil = "fulfil";  // waiting for the store: nothing to run
constexpr std::string_view kCapture = "capture";
constexpr std::string_view kCompensate = "compensate";
constexpr std::string_view kDone = "done";

inline bool Runnable(std::string_view step) {
  return step == kAuthorize || step == kPayAtStore || step == kAwaitPayment || step == kCapture || step == kCompensate;
}

inline std::int64_t Micros(core::TimePoint t) { return t.time_since_epoch().count(); }

/// The saga lease as the running thread holds it. A saga step's last write gives the lease back in
/// the same UPDATE when nothing is left to run now, which saves a commit per step; RunSaga drops
/// it separately only when no write did.
struct LeaseState {
  bool holding = false;
  bool released = false;
};
inline thread_local LeaseState t_lease;

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max() / 2;

/// "saga_lease_until = 0" when the writing thread holds the lease and the next step is not due now.
inline bool ReleasesLease(std::string_view next_step, std::int64_t next_at, std::int64_t now) {
  return t_lease.holding && (!Runnable(next_step) || next_at > now);
}

/// Retry back-off for a provider that is down: 1 s, 2 s, 4 s … capped at a minute.
inline std::int64_t Backoff(std::int64_t attempts) {
  const std::int64_t seconds = std::min<std::int64_t>(60, std::int64_t(1) << std::min<std::int64_t>(attempts, 6));
  return seconds * 1'000'000;
}

inline std::string Sha256Hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  std::string hex;
  for (unsigned char c : digest) hex += fmt::format("{:02x}", c);
  return hex;
}

inline json::object MoneyJson(std::int64_t amount, std::string_view currency) {
  return json::object{{"amount", amount}, {"currency", currency}};
}

inline location::ServiceType ServiceOf(OrderType type) {
  switch (type) {
    case OrderType::kDelivery: return location::ServiceType::kDelivery;
    case OrderType::kCarryout: return location::ServiceType::kCarryout;
    case OrderType::kDineIn: return location::ServiceType::kDineIn;
  }
  return location::ServiceType::kCarryout;
}

inline std::string_view ChannelName(menu::SalesChannel channel) {
  switch (channel) {
    case menu::SalesChannel::kKiosk: return "kiosk";
    case menu::SalesChannel::kPos: return "pos";
    case menu::SalesChannel::kWeb: break;
  }
  return "web";
}

inline std::string BusinessDate(const date::time_zone* zone, core::TimePoint now) {
  const auto local = zone ? zone->to_local(now) : date::local_time<core::TimePoint::duration>(now.time_since_epoch());
  return date::format("%F", date::floor<date::days>(local));
}

inline std::string TrackerData(const Order& o, OrderStatus status, const std::string& reason, const std::string& at) {
  json::object data{{"order_id", o.id}, {"number", o.number}, {"status", StatusName(status)}, {"at", at},
                    {"promised_at", o.promised_at}};
  if (!reason.empty()) data["reason"] = reason;
  return json_text::Serialize(data);
}

inline bool EndsTracking(OrderStatus s) { return IsFinal(s) || IsCompleted(s); }

/// A payment decline as the 402 the client sees (also on an idempotent replay).
inline Error DeclineError(const Order& o) {
  Error e = Error::PaymentRequired(fmt::format("The payment for order {} was declined ({}); the order was rejected. "
                                               "Try another card or pay at the store.",
                                               o.id, o.reason));
  e.fields.push_back({"payment", o.reason});
  return e;
}

inline bool IsDecline(const std::string& reason) {
  return reason == "card_declined" || reason == "insufficient_funds" || reason == "processing_error" ||
         reason == "expired_card" || reason == "incorrect_cvc" || reason == "payment_timeout" || reason == "declined" ||
         reason == "token_used" || reason == "token_unknown";
}

/// The lines to make, as order.confirmed carries them: the menu's priced lines with the notes.
/// A slot the location service refused, as the order's `scheduled_for` field.
inline Error SlotError(const Error& error) {
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

inline std::vector<events::Line> LinesOf(const menu::PricedCart& priced, const std::vector<std::string>& notes) {
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
inline void FillRef(const Order& o, events::OrderRef& ref) {
  ref.order_id = o.id;
  ref.store_id = o.store_id;
  ref.customer_id = o.customer_id;
  ref.number = o.number;
  ref.type = std::string(TypeName(o.type));
}


}  // namespace vetahut::order::detail
