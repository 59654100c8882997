#pragma once
/// Events the order service publishes (codec in events.cpp). `order.confirmed` carries everything
/// a kitchen ticket and a receipt need; the status events carry what trackers, loyalty and
/// notifications need.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/money.hpp"
#include "lib/bus/typed_event.hpp"

namespace vetahut::order::events {

inline constexpr std::string_view kSource = "/vetahut/order";

#define VETAHUT_ORDER_EVENT_TYPE(Name, type_suffix) VETAHUT_EVENT(Name, events::kSource, "com.vetahut.order." type_suffix, 1)

/// Which order an event is about.
struct OrderRef {
  std::string order_id;
  std::string store_id;
  std::optional<std::string> customer_id;  ///< null for guests and walk-ins
  std::int64_t number = 0;                 ///< per store and business day
  std::string type;                        ///< delivery | carryout | dine_in
  template <class V>
  void Visit(V& v) {
    v("order_id", order_id);
    v("store_id", store_id);
    v("customer_id", customer_id);
    v("number", number);
    v("type", type);
  }
};

/// A topping as made: which half, how much.
struct Topping {
  std::string topping_id;
  std::string name;
  std::string portion;  ///< whole | left | right
  std::string amount;   ///< light | normal | extra
  template <class V>
  void Visit(V& v) {
    v("topping_id", topping_id);
    v("name", name);
    v("portion", portion);
    v("amount", amount);
  }
};

/// One product to make.
struct Item {
  std::string product_id;
  std::string name;
  std::string category_id;
  std::string kind;  ///< pizza | side | drink | dessert | other
  std::string size_id;
  std::string size_name;
  std::string crust_id;
  std::string crust_name;
  std::vector<Topping> toppings;
  std::vector<std::string> removed_toppings;
  template <class V>
  void Visit(V& v) {
    v("product_id", product_id);
    v("name", name);
    v("category_id", category_id);
    v("kind", kind);
    v("size_id", size_id);
    v("size_name", size_name);
    v("crust_id", crust_id);
    v("crust_name", crust_name);
    v("toppings", toppings);
    v("removed_toppings", removed_toppings);
  }
};

/// One order line: a product (one item) or a deal (its items), `quantity` times.
struct Line {
  std::int64_t index = 0;
  std::string deal_id;  ///< empty for a product line
  std::string name;
  std::int64_t quantity = 1;
  std::string notes;
  std::vector<Item> items;
  core::MoneyAmount unit_price;
  core::MoneyAmount line_total;
  /// For receipts and the sales journal; absent from orders placed before they were recorded.
  std::optional<core::MoneyAmount> discount;
  std::optional<core::MoneyAmount> net;  ///< line_total − discount
  std::optional<core::MoneyAmount> tax;  ///< added (exclusive) or contained (inclusive)
  std::optional<std::string> tax_category;  ///< food | beverage | …
  template <class V>
  void Visit(V& v) {
    v("index", index);
    v("deal_id", deal_id);
    v("name", name);
    v("quantity", quantity);
    v("notes", notes);
    v("items", items);
    v("unit_price", unit_price);
    v("line_total", line_total);
    v("discount", discount);
    v("net", net);
    v("tax", tax);
    v("tax_category", tax_category);
  }
};

/// Where a delivery goes.
struct DeliveryAddress {
  double latitude = 0;
  double longitude = 0;
  std::string line1;
  std::string city;
  std::string instructions;
  template <class V>
  void Visit(V& v) {
    v("latitude", latitude);
    v("longitude", longitude);
    v("line1", line1);
    v("city", city);
    v("instructions", instructions);
  }
};

/// An order was stored (its payment is being settled).
struct OrderPlaced : OrderRef {
  VETAHUT_ORDER_EVENT_TYPE(OrderPlaced, "placed")
  std::string status;
  core::MoneyAmount total;
  std::string promised_at;
  template <class V>
  void Visit(V& v) {
    OrderRef::Visit(v);
    v("status", status);
    v("total", total);
    v("promised_at", promised_at);
  }
};

/// An order is paid (or to be paid at the store) and goes to the kitchen.
struct OrderConfirmed : OrderRef {
  VETAHUT_ORDER_EVENT_TYPE(OrderConfirmed, "confirmed")
  std::string customer_name;  ///< first name for the ticket and the pass ("" if unknown)
  std::string business_date;  ///< store-local YYYY-MM-DD
  std::string channel;        ///< web | kiosk | pos
  std::string placed_at;      ///< RFC 3339
  std::string promised_at;    ///< RFC 3339: ready (carry-out, dine-in) or at the door (delivery)
  /// RFC 3339: when the kitchen must have it ready (promised_at less the delivery leg); absent
  /// from events written before it existed (then promised_at).
  std::optional<std::string> ready_by;
  std::optional<std::string> scheduled_for;  ///< RFC 3339 slot start of an order-ahead
  std::optional<DeliveryAddress> address;
  std::string payment_method;  ///< card | pay_at_store
  /// The staff account (or POS device) that took a counter order — the cashier of the
  /// end-of-day summary; absent for web and kiosk orders and events written before it existed.
  std::optional<std::string> cashier_id;
  std::optional<std::string> cashier_name;  ///< the cashier's name, when a staff account took it
  core::MoneyAmount subtotal;
  core::MoneyAmount discount_total;
  core::MoneyAmount tax_total;
  core::MoneyAmount delivery_fee;
  core::MoneyAmount tip;
  core::MoneyAmount total;
  std::vector<Line> lines;
  template <class V>
  void Visit(V& v) {
    OrderRef::Visit(v);
    v("customer_name", customer_name);
    v("business_date", business_date);
    v("channel", channel);
    v("placed_at", placed_at);
    v("promised_at", promised_at);
    v("ready_by", ready_by);
    v("scheduled_for", scheduled_for);
    v("address", address);
    v("payment_method", payment_method);
    v("cashier_id", cashier_id);
    v("cashier_name", cashier_name);
    v("subtotal", subtotal);
    v("discount_total", discount_total);
    v("tax_total", tax_total);
    v("delivery_fee", delivery_fee);
    v("tip", tip);
    v("total", total);
    v("lines", lines);
  }
};

/// An order moved from one status to another (every move, including the ones below).
struct StatusPayload : OrderRef {
  std::string status;
  std::string previous_status;
  std::string reason;
  std::string at;  ///< RFC 3339
  core::MoneyAmount total;
  core::MoneyAmount loyalty_basis;  ///< what points are earned on: subtotal after discounts
  template <class V>
  void Visit(V& v) {
    OrderRef::Visit(v);
    v("status", status);
    v("previous_status", previous_status);
    v("reason", reason);
    v("at", at);
    v("total", total);
    v("loyalty_basis", loyalty_basis);
  }
};

struct OrderStatusChanged : StatusPayload {
  VETAHUT_ORDER_EVENT_TYPE(OrderStatusChanged, "status_changed")
};
/// The order was handed over: delivered, picked up or served (loyalty earns, the payment is captured).
struct OrderCompleted : StatusPayload {
  VETAHUT_ORDER_EVENT_TYPE(OrderCompleted, "completed")
};
struct OrderCancelled : StatusPayload {
  VETAHUT_ORDER_EVENT_TYPE(OrderCancelled, "cancelled")
};
struct OrderRejected : StatusPayload {
  VETAHUT_ORDER_EVENT_TYPE(OrderRejected, "rejected")
};
struct OrderRefunded : StatusPayload {
  VETAHUT_ORDER_EVENT_TYPE(OrderRefunded, "refunded")
};

#undef VETAHUT_ORDER_EVENT_TYPE

/// The lines as the order keeps them (a JSON array), for order.confirmed.
std::string LinesToJson(const std::vector<Line>& lines);
core::Result<std::vector<Line>> LinesFromJson(std::string_view json);

}  // namespace vetahut::order::events
