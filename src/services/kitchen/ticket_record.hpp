#pragma once
/// A kitchen ticket as the kitchen service keeps it: the order's facts, where each unit is, and
/// its timestamps. Items are stored as JSON on the ticket row (a ticket is read and written whole).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"
#include "services/kitchen/domain/promise_model.hpp"
#include "services/kitchen/domain/ticket.hpp"
#include "services/order/events.hpp"

namespace vetahut::kitchen {

/// A topping as made (whole or a half, light/normal/extra): the order's own record of it.
using TicketTopping = order::events::Topping;

/// One unit to make.
struct TicketItem {
  std::int64_t index = 0;  ///< position on the ticket
  std::int64_t line = 0;   ///< the order line it comes from
  std::string deal;        ///< the deal's name, "" for a product line
  std::string product_id;
  std::string category_id;
  std::string kind;
  std::string name;
  std::string size_id;
  std::string size_name;
  std::string crust_id;
  std::string crust_name;
  std::vector<TicketTopping> toppings;
  std::vector<std::string> removed;  ///< default toppings left off
  std::string notes;
  // where it is (ItemProgress)
  std::vector<std::string> route;
  std::int64_t step = 0;
  bool started = false;
  core::TimePoint since{};
  bool handed_off = false;
  bool voided = false;
  std::optional<std::vector<StationVisit>> visits;  ///< absent on items stored before they were kept

  template <class V>
  void Visit(V& v) {
    v("index", index);
    v("line", line);
    v("deal", deal);
    v("product_id", product_id);
    v("category_id", category_id);
    v("kind", kind);
    v("name", name);
    v("size_id", size_id);
    v("size_name", size_name);
    v("crust_id", crust_id);
    v("crust_name", crust_name);
    v("toppings", toppings);
    v("removed", removed);
    v("notes", notes);
    v("route", route);
    v("step", step);
    v("started", started);
    v("since", since);
    v("handed_off", handed_off);
    v("voided", voided);
    v("visits", visits);
  }

  ItemProgress progress() const;
  void set_progress(const ItemProgress& p);
  ItemKey key() const { return {product_id, category_id, kind, size_id}; }
};

struct Ticket {
  std::string id;
  std::string store_id;
  std::string order_id;
  std::int64_t number = 0;
  std::string order_type;
  std::string channel;
  std::string customer_name;
  TicketStatus status = TicketStatus::kQueued;
  int priority = 0;
  std::string placed_at;
  std::string promised_at;
  std::string promised_ready_at;
  std::string estimated_ready_at;
  std::string announced_at;
  std::optional<std::string> scheduled_for;
  std::optional<std::string> fired_at;
  std::optional<std::int64_t> fired_us;
  std::optional<std::string> ready_at;
  std::optional<std::string> handed_off_at;
  std::optional<std::string> voided_at;
  std::string void_reason;
  std::optional<std::string> address;
  std::vector<TicketItem> items;
  std::string consumed = "{}";
  std::int64_t bumps = 0;
  std::int64_t seq = 0;
  std::string created_at;
  std::string updated_at;

  bool open() const {
    return status != TicketStatus::kHandedOff && status != TicketStatus::kVoided;
  }
  std::vector<ItemProgress> progress() const;
  /// The ticket as the capacity model sees it.
  ModelTicket model() const;
};

std::string ItemsToJson(const std::vector<TicketItem>& items);
core::Result<std::vector<TicketItem>> ItemsFromJson(const std::string& json);

}  // namespace vetahut::kitchen
