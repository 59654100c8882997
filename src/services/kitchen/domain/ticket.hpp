#pragma once
/// The life of a kitchen item and ticket as pure data: where an item is on its route, what a bump
/// does to it, what the ticket's status is, and the all-day counts. No I/O.
///
/// An item walks its route (station ids from RouteOf), one step at a time:
///   queued     at its first station, nobody has started it;
///   making     at a line station (started at the first one, or arrived at a later one);
///   in_oven    in an oven (entered at `since`, out at since + bake);
///   ready      past its last station;
///   handed_off the ticket went to the customer or the driver.
/// A bump is the station saying "done here": queued → making (started) at the first station;
/// otherwise on to the next station (an oven is entered at once; a line station is reached at
/// `now`), or ready after the last. An in-oven item is bumped from the oven's screen or the
/// next station's (the pizza came out).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/clock.hpp"
#include "services/kitchen/domain/setup.hpp"

namespace vetahut::kitchen {

enum class ItemStatus { kQueued, kMaking, kInOven, kReady, kHandedOff, kVoided };
enum class TicketStatus { kScheduled, kQueued, kMaking, kInOven, kReady, kHandedOff, kVoided };

std::string_view ItemStatusName(ItemStatus status);
std::string_view TicketStatusName(TicketStatus status);
std::optional<TicketStatus> ParseTicketStatus(std::string_view name);

/// An item's stay at one station: when it arrived, when work on it started (at the first station
/// a cook starts it; at a later station or in an oven the work starts on arrival) and when the
/// station was done with it. The kitchen's per-station times (analytics) come from these.
struct StationVisit {
  std::string station;
  core::TimePoint arrived{};
  std::optional<core::TimePoint> started;
  std::optional<core::TimePoint> done;

  template <class V>
  void Visit(V& v) {
    v("station", station);
    v("arrived", arrived);
    v("started", started);
    v("done", done);
  }
  bool operator==(const StationVisit&) const = default;
};

/// Where an item is.
struct ItemProgress {
  std::vector<std::string> route;  ///< station ids
  int step = 0;                    ///< index into route; route.size() = ready
  bool started = false;            ///< at step 0: somebody started it; in an oven: always true
  core::TimePoint since{};         ///< when it reached (or started at, or entered) the current step
  bool handed_off = false;
  bool voided = false;
  /// The stations it has been at, oldest first, recorded by Bump (an item bumped before these were
  /// kept starts its history at the station it was at, arrived at `since`).
  std::vector<StationVisit> visits;

  /// The station it is at, or "" when ready / handed off / voided.
  std::string station() const;
};

ItemStatus StatusOf(const KitchenSetup& setup, const ItemProgress& item);

/// Bumps `item` at `station_id` (the screen the cook touched; "" = wherever it is). kConflict
/// when it is ready, handed off, voided, or not at that station (an in-oven item also counts as
/// at the station after its oven).
core::Result<ItemProgress> Bump(const KitchenSetup& setup, const ItemProgress& item, std::string_view station_id,
                                core::TimePoint now);

/// A ticket's status from its items: voided / handed off if marked; scheduled if not fired; else
/// queued when every item is queued, ready when every item is ready, in_oven when any item is in
/// an oven, making otherwise.
TicketStatus TicketStatusOf(const KitchenSetup& setup, const std::vector<ItemProgress>& items, bool fired);

/// One row of a station's all-day count: how many of a product (and size) are still to be made
/// there across the open tickets, e.g. "Large Pepperoni ×7".
struct AllDayCount {
  std::string name;  ///< "Pepperoni Pizza"
  std::string size;  ///< "Large", "" for products without sizes
  int count = 0;
};

/// The item's display name and size, for all-day counts.
struct NamedItem {
  std::string name;
  std::string size;
  const ItemProgress* progress = nullptr;
};

/// Counts per station of the items queued or being made there (in ovens too: at the oven),
/// largest first then by name. Stations without items have no entry.
std::map<std::string, std::vector<AllDayCount>> AllDay(const KitchenSetup& setup, const std::vector<NamedItem>& items);

}  // namespace vetahut::kitchen
