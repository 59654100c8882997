#pragma once
/// Events the kitchen service publishes (codec in events.cpp): a ticket's progress, a changed
/// promise time for the customer, a delivery's progress, and low stock. The order service follows
/// tickets and deliveries (decision 0019); notifications and analytics read the rest.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/bus/typed_event.hpp"

namespace vetahut::kitchen::events {

inline constexpr std::string_view kSource = "/vetahut/kitchen";

/// One item's stay at one station, as a ticket reports it when it is ready: arrived → started is
/// the wait there (only the first station has one: later stations and ovens start on arrival),
/// started → done the work (the bake, at an oven).
struct StationTime {
  std::int64_t item_index = 0;
  std::string product_id;
  std::string kind;          ///< pizza | side | drink | dessert | other
  std::string station;       ///< the station's id in the store's setup
  std::string station_name;  ///< "Make line"
  bool oven = false;
  std::string arrived_at;    ///< RFC 3339
  std::string started_at;
  std::string done_at;
  template <class V>
  void Visit(V& v) {
    v("item_index", item_index);
    v("product_id", product_id);
    v("kind", kind);
    v("station", station);
    v("station_name", station_name);
    v("oven", oven);
    v("arrived_at", arrived_at);
    v("started_at", started_at);
    v("done_at", done_at);
  }
};

/// A ticket moved: queued (fired to the kitchen), making, in_oven, ready, handed_off or voided.
/// On `ready`, `stations` tells each item's times at each station (absent otherwise).
struct TicketStatusChanged {
  VETAHUT_EVENT(TicketStatusChanged, events::kSource, "com.vetahut.kitchen.ticket_status_changed", 1)
  std::string ticket_id;
  std::string order_id;
  std::string store_id;
  std::int64_t number = 0;
  std::string order_type;  ///< delivery | carryout | dine_in
  std::string status;
  std::string previous_status;
  std::string at;                 ///< RFC 3339
  std::string fired_at;           ///< when it reached the kitchen ("" while scheduled)
  std::string promised_ready_at;  ///< when the customer was told it would be ready
  std::string estimated_ready_at; ///< the model's estimate now
  std::optional<std::vector<StationTime>> stations;
  template <class V>
  void Visit(V& v) {
    v("ticket_id", ticket_id);
    v("order_id", order_id);
    v("store_id", store_id);
    v("number", number);
    v("order_type", order_type);
    v("status", status);
    v("previous_status", previous_status);
    v("at", at);
    v("fired_at", fired_at);
    v("promised_ready_at", promised_ready_at);
    v("estimated_ready_at", estimated_ready_at);
    v("stations", stations);
  }
};

/// The time the customer should expect changed: the kitchen's estimate moved (load, a rush
/// ticket ahead, a fast line), or a driver's position gives a new arrival time.
struct PromiseChanged {
  VETAHUT_EVENT(PromiseChanged, events::kSource, "com.vetahut.kitchen.promise_changed", 1)
  std::string order_id;
  std::string store_id;
  std::string promised_at;  ///< RFC 3339: ready (carry-out, dine-in) or at the door (delivery)
  std::string cause;        ///< kitchen | driver
  template <class V>
  void Visit(V& v) {
    v("order_id", order_id);
    v("store_id", store_id);
    v("promised_at", promised_at);
    v("cause", cause);
  }
};

/// A delivery moved: waiting (its ticket is ready), assigned, out_for_delivery, delivered, cancelled.
struct DeliveryStatusChanged {
  VETAHUT_EVENT(DeliveryStatusChanged, events::kSource, "com.vetahut.delivery.status_changed", 1)
  std::string delivery_id;
  std::string order_id;
  std::string store_id;
  std::string status;
  std::string previous_status;
  std::optional<std::string> driver_id;
  std::string driver_name;  ///< first name, for the customer's tracker
  std::optional<std::string> eta;  ///< RFC 3339 arrival estimate once on the road
  std::string at;
  template <class V>
  void Visit(V& v) {
    v("delivery_id", delivery_id);
    v("order_id", order_id);
    v("store_id", store_id);
    v("status", status);
    v("previous_status", previous_status);
    v("driver_id", driver_id);
    v("driver_name", driver_name);
    v("eta", eta);
    v("at", at);
  }
};

/// An ingredient fell to its low-stock threshold at a store (once per crossing).
struct LowStock {
  VETAHUT_EVENT(LowStock, events::kSource, "com.vetahut.inventory.low_stock", 1)
  std::string store_id;
  std::string ingredient_id;
  std::string name;
  std::string unit;
  double quantity = 0;
  double low_threshold = 0;
  std::string at;
  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("ingredient_id", ingredient_id);
    v("name", name);
    v("unit", unit);
    v("quantity", quantity);
    v("low_threshold", low_threshold);
    v("at", at);
  }
};

}  // namespace vetahut::kitchen::events
