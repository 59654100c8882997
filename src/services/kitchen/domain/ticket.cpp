#include "services/kitchen/domain/ticket.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace vetahut::kitchen {

namespace {

bool IsOvenStation(const KitchenSetup& setup, std::string_view id) {
  const Station* station = setup.FindStation(id);
  return station != nullptr && station->is_oven();
}

/// The visit of the item's current station in its history, opened if the history does not have
/// it yet (arrived when the item got there: `since`). Call before moving the item.
StationVisit& CurrentVisit(ItemProgress& item) {
  const std::string here = item.station();
  if (item.visits.empty() || item.visits.back().station != here || item.visits.back().done) {
    StationVisit visit{here, item.since, std::nullopt, std::nullopt};
    if (item.started || item.step > 0) visit.started = item.since;
    item.visits.push_back(std::move(visit));
  }
  return item.visits.back();
}

}  // namespace

std::string_view ItemStatusName(ItemStatus status) {
  switch (status) {
    case ItemStatus::kQueued:
      return "queued";
    case ItemStatus::kMaking:
      return "making";
    case ItemStatus::kInOven:
      return "in_oven";
    case ItemStatus::kReady:
      return "ready";
    case ItemStatus::kHandedOff:
      return "handed_off";
    case ItemStatus::kVoided:
      return "voided";
  }
  return "queued";
}

std::string_view TicketStatusName(TicketStatus status) {
  switch (status) {
    case TicketStatus::kScheduled:
      return "scheduled";
    case TicketStatus::kQueued:
      return "queued";
    case TicketStatus::kMaking:
      return "making";
    case TicketStatus::kInOven:
      return "in_oven";
    case TicketStatus::kReady:
      return "ready";
    case TicketStatus::kHandedOff:
      return "handed_off";
    case TicketStatus::kVoided:
      return "voided";
  }
  return "scheduled";
}

std::optional<TicketStatus> ParseTicketStatus(std::string_view name) {
  for (TicketStatus s : {TicketStatus::kScheduled, TicketStatus::kQueued, TicketStatus::kMaking,
                         TicketStatus::kInOven, TicketStatus::kReady, TicketStatus::kHandedOff,
                         TicketStatus::kVoided}) {
    if (TicketStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string ItemProgress::station() const {
  if (handed_off || voided || step < 0 || static_cast<std::size_t>(step) >= route.size()) return "";
  return route[static_cast<std::size_t>(step)];
}

ItemStatus StatusOf(const KitchenSetup& setup, const ItemProgress& item) {
  if (item.voided) return ItemStatus::kVoided;
  if (item.handed_off) return ItemStatus::kHandedOff;
  if (item.step >= 0 && static_cast<std::size_t>(item.step) >= item.route.size()) {
    return ItemStatus::kReady;
  }
  // A station the setup lacks (renamed since the ticket was fired) counts as a line station.
  if (item.started && IsOvenStation(setup, item.station())) return ItemStatus::kInOven;
  if (item.step <= 0 && !item.started) return ItemStatus::kQueued;
  return ItemStatus::kMaking;
}

core::Result<ItemProgress> Bump(const KitchenSetup& setup, const ItemProgress& item,
                                std::string_view station_id, core::TimePoint now) {
  const ItemStatus status = StatusOf(setup, item);
  switch (status) {
    case ItemStatus::kReady:
      return core::Fail(core::Error::Conflict("the item is already ready"));
    case ItemStatus::kHandedOff:
      return core::Fail(core::Error::Conflict("the item was already handed off"));
    case ItemStatus::kVoided:
      return core::Fail(core::Error::Conflict("the item was voided"));
    case ItemStatus::kQueued:
    case ItemStatus::kMaking:
    case ItemStatus::kInOven:
      break;
  }
  ItemProgress next = item;
  next.step = std::max(next.step, 0);
  const auto size = static_cast<int>(item.route.size());

  // An in-oven item bumped from the station after the oven came out and was done there at once
  // (the cutter cut it): two steps.
  int advance = 1;
  if (!station_id.empty() && station_id != item.station()) {
    const bool from_next_station =
        status == ItemStatus::kInOven && next.step + 1 < size &&
        item.route[static_cast<std::size_t>(next.step) + 1] == station_id;
    if (!from_next_station) {
      return core::Fail(core::Error::Conflict(fmt::format("the item is not at {}", station_id)));
    }
    advance = 2;
  }

  StationVisit& visit = CurrentVisit(next);
  if (status == ItemStatus::kQueued) {
    visit.started = now;
    next.started = true;
    next.since = now;
    return next;
  }
  if (!visit.started) visit.started = visit.arrived;
  visit.done = now;
  if (advance == 2) {  // out of the oven and done at the next station at once
    next.visits.push_back({item.route[static_cast<std::size_t>(next.step) + 1], now, now, now});
  }
  next.step = std::min(next.step + advance, size);
  next.since = now;
  // An oven is entered at once; a later line station is merely reached (StatusOf: making).
  next.started = next.step < size && IsOvenStation(setup, next.station());
  return next;
}

TicketStatus TicketStatusOf(const KitchenSetup& setup, const std::vector<ItemProgress>& items,
                            bool fired) {
  std::vector<ItemStatus> live;  // not voided
  for (const ItemProgress& item : items) {
    if (!item.voided) live.push_back(StatusOf(setup, item));
  }
  if (live.empty()) {
    if (items.empty()) return fired ? TicketStatus::kReady : TicketStatus::kScheduled;
    return TicketStatus::kVoided;
  }
  auto all = [&](ItemStatus s) {
    return std::all_of(live.begin(), live.end(), [&](ItemStatus x) { return x == s; });
  };
  if (all(ItemStatus::kHandedOff)) return TicketStatus::kHandedOff;
  if (!fired) return TicketStatus::kScheduled;
  // An item handed off while others are still open (a remake added after the hand-off) does not
  // decide the status: the open ones do.
  std::erase(live, ItemStatus::kHandedOff);
  if (all(ItemStatus::kQueued)) return TicketStatus::kQueued;
  if (all(ItemStatus::kReady)) return TicketStatus::kReady;
  if (std::find(live.begin(), live.end(), ItemStatus::kInOven) != live.end()) {
    return TicketStatus::kInOven;
  }
  return TicketStatus::kMaking;
}

std::map<std::string, std::vector<AllDayCount>> AllDay(const KitchenSetup& setup,
                                                       const std::vector<NamedItem>& items) {
  std::map<std::string, std::vector<AllDayCount>> out;
  for (const NamedItem& item : items) {
    if (item.progress == nullptr) continue;
    const ItemStatus status = StatusOf(setup, *item.progress);
    if (status != ItemStatus::kQueued && status != ItemStatus::kMaking &&
        status != ItemStatus::kInOven) {
      continue;
    }
    auto& rows = out[item.progress->station()];
    auto row = std::find_if(rows.begin(), rows.end(), [&](const AllDayCount& r) {
      return r.name == item.name && r.size == item.size;
    });
    if (row == rows.end()) {
      rows.push_back({item.name, item.size, 1});
    } else {
      ++row->count;
    }
  }
  for (auto& [station, rows] : out) {
    std::sort(rows.begin(), rows.end(), [](const AllDayCount& a, const AllDayCount& b) {
      return std::tie(b.count, a.name, a.size) < std::tie(a.count, b.name, b.size);
    });
  }
  return out;
}

}  // namespace vetahut::kitchen
