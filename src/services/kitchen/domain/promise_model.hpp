#pragma once
/// The capacity model: when will each ticket be ready, given the kitchen as it is now? A
/// deterministic simulation of the store's stations (ItemProgress says where each item is):
///
/// - tickets are served in order — priority first (higher first), then the time they reached the
///   kitchen, then id; within a ticket, items in order; at every station in that order (FIFO);
/// - a line station has `staff` people; an item occupies one of them for its SecondsAt; work
///   already started keeps its person until since + seconds (at least until now); a station
///   with staff 0 is modelled as one person, so its items still get a (late) finite time;
/// - an item that reached a later line station waits there for a person from `since`;
/// - a conveyor oven has `belt_width` lanes; a lane takes a new item every bake / belt_length
///   seconds and every item comes out bake seconds after it went in; a deck oven has `slots`
///   places each held bake seconds; items already inside keep their place until they come out;
/// - an item moves on to its next station the moment it leaves one; a ticket is ready when its
///   last item is.
///
/// Reservations are made in that order at the earliest time a person, lane or slot is free and
/// never in a gap left earlier, so adding load can only delay a ticket (monotone), and a ticket
/// is never ready before its own prep time (its time in an empty kitchen).
#include <map>
#include <string>
#include <vector>

#include "lib/core/clock.hpp"
#include "services/kitchen/domain/setup.hpp"
#include "services/kitchen/domain/ticket.hpp"

namespace vetahut::kitchen {

/// One unit to make (a line of quantity 3 is three items).
struct ModelItem {
  ItemKey key;
  ItemProgress progress;  ///< its route and where it is
};

struct ModelTicket {
  std::string id;
  int priority = 0;      ///< 1 = rush, 0 = normal
  core::TimePoint fired_at{};
  std::vector<ModelItem> items;
};

/// Load at one station now.
struct StationLoad {
  std::string station_id;
  int items_waiting = 0;     ///< at the station, not started (queued, or arrived at a later
                             ///< line station: the screens do not say when its work starts)
  int items_in_work = 0;     ///< being made, or in the oven
  double utilization = 0;    ///< in_work / capacity (people, or oven places), 0..1
};

struct Forecast {
  std::map<std::string, core::TimePoint> ready_at;  ///< per ticket id
  std::vector<StationLoad> stations;                ///< in setup order
};

/// Simulates every open ticket from `now` (pass fired tickets only: each is taken as in the
/// kitchen now). Tickets and items that are ready, handed off or voided reserve nothing; items
/// whose route names a station the setup lacks are treated as ready. Every ticket gets a
/// ready_at, at least `now` (now for one with nothing left to make).
Forecast Simulate(const KitchenSetup& setup, const std::vector<ModelTicket>& tickets, core::TimePoint now);

/// When `candidate` would be ready if it reached the kitchen now behind `open` (a quote's ASAP
/// estimate, and the firing time of a scheduled order).
core::TimePoint ReadyIfFiredNow(const KitchenSetup& setup, const std::vector<ModelTicket>& open,
                                const ModelTicket& candidate, core::TimePoint now);

/// The ticket's own prep time: when it would be ready in an empty kitchen, from now (its items
/// still share the stations with each other: four pizzas on a line of two take two rounds).
std::chrono::microseconds PrepTime(const KitchenSetup& setup, const ModelTicket& candidate);

}  // namespace vetahut::kitchen
