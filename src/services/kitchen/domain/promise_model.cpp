#include "services/kitchen/domain/promise_model.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace vetahut::kitchen {

namespace {

using core::TimePoint;
using std::chrono::microseconds;
using std::chrono::seconds;

/// Interchangeable servers (people, conveyor lanes, deck slots), each known only by the time it
/// is next free. Every reservation takes the one free soonest and only moves its time forward, so
/// nothing is ever booked into a gap an earlier reservation left: more load can only delay.
class Servers {
 public:
  Servers(int count, TimePoint now) : free_(static_cast<std::size_t>(std::max(count, 1)), now) {}

  /// The server free soonest (the first such, for determinism).
  TimePoint& Soonest() { return *std::min_element(free_.begin(), free_.end()); }

 private:
  std::vector<TimePoint> free_;
};

/// One station's state during a simulation.
struct StationState {
  const Station* station = nullptr;
  Servers servers;
  microseconds interval{0};  ///< conveyor: time between two entries of one lane
};

/// What a station is to an item: where it is walking and whether it holds a place there now.
enum class Place {
  kQueued,   ///< at its first station, not started: arrives now
  kInWork,   ///< started at its first (line) station or in an oven: holds a person / place
  kArrived,  ///< at a later line station (or an oven it has not entered): waits from `since`
};

struct LiveItem {
  const ModelItem* item = nullptr;
  std::size_t ticket = 0;  ///< index into the ordered tickets
  Place place = Place::kQueued;
};

microseconds Secs(int s) { return std::chrono::duration_cast<microseconds>(seconds(s)); }

/// The station an open item is at (a negative step counts as the first).
const std::string& CurrentStation(const ItemProgress& p) {
  return p.route[static_cast<std::size_t>(std::max(p.step, 0))];
}

class Simulation {
 public:
  Simulation(const KitchenSetup& setup, TimePoint now) : setup_(setup), now_(now) {
    states_.reserve(setup.stations.size());
    for (const Station& s : setup.stations) {
      StationState state{&s, Servers(Capacity(s), now), microseconds{0}};
      if (s.kind == StationKind::kConveyor) {
        state.interval = Secs(s.bake_seconds) / std::max(s.belt_length, 1);
      }
      states_.push_back(std::move(state));
    }
  }

  /// Ready times of `tickets`, which must already be in service order.
  std::vector<TimePoint> Run(const std::vector<const ModelTicket*>& tickets,
                             std::vector<StationLoad>* loads) {
    std::vector<LiveItem> live;
    for (std::size_t t = 0; t < tickets.size(); ++t) {
      for (const ModelItem& item : tickets[t]->items) {
        if (auto place = PlaceOf(item)) live.push_back({&item, t, *place});
      }
    }
    if (loads != nullptr) *loads = Loads(live);

    // First pass: work already under way keeps its person or oven place.
    std::vector<TimePoint> held_until(live.size(), now_);
    HoldLines(live, held_until);
    HoldOvens(live, held_until);

    // Second pass: every item walks the rest of its route in service order.
    std::vector<TimePoint> ready(tickets.size(), now_);
    for (std::size_t i = 0; i < live.size(); ++i) {
      const ItemProgress& p = live[i].item->progress;
      auto step = static_cast<std::size_t>(std::max(p.step, 0));
      TimePoint arrival = now_;
      switch (live[i].place) {
        case Place::kQueued:
          break;
        case Place::kInWork:
          arrival = held_until[i];
          ++step;
          break;
        case Place::kArrived:
          arrival = std::max(now_, p.since);
          break;
      }
      for (; step < p.route.size(); ++step) {
        arrival = Reserve(StateOf(p.route[step]), live[i].item->key, arrival);
      }
      ready[live[i].ticket] = std::max(ready[live[i].ticket], arrival);
    }
    return ready;
  }

 private:
  /// Staff 0 is modelled as one person: a closed station's items still get made eventually,
  /// and a quote stays finite (see promise_model.hpp).
  static int Capacity(const Station& s) {
    switch (s.kind) {
      case StationKind::kLine:
        return s.staff;
      case StationKind::kConveyor:
        return s.belt_width;
      case StationKind::kDeck:
        return s.slots;
      case StationKind::kPass:
        return 1;
    }
    return 1;
  }

  StationState& StateOf(std::string_view id) {
    return states_[static_cast<std::size_t>(setup_.StationIndex(id))];
  }

  /// Where an open item is, or nullopt when the model ignores it (ready, handed off, voided, or
  /// routed through a station the setup lacks).
  std::optional<Place> PlaceOf(const ModelItem& item) const {
    const ItemProgress& p = item.progress;
    if (p.voided || p.handed_off) return std::nullopt;
    if (p.route.empty() || static_cast<std::size_t>(std::max(p.step, 0)) >= p.route.size()) {
      return std::nullopt;
    }
    for (const std::string& id : p.route) {
      if (setup_.FindStation(id) == nullptr) return std::nullopt;
    }
    const Station& at = *setup_.FindStation(CurrentStation(p));
    if (at.is_oven()) {
      if (p.started) return Place::kInWork;
      return p.step <= 0 ? Place::kQueued : Place::kArrived;
    }
    if (p.step <= 0) return p.started ? Place::kInWork : Place::kQueued;
    return Place::kArrived;
  }

  /// An item started at a line station keeps one person until since + its time (at least now).
  void HoldLines(const std::vector<LiveItem>& live, std::vector<TimePoint>& held_until) {
    for (std::size_t i = 0; i < live.size(); ++i) {
      const ItemProgress& p = live[i].item->progress;
      if (live[i].place != Place::kInWork) continue;
      StationState& state = StateOf(CurrentStation(p));
      if (state.station->is_oven()) continue;
      const TimePoint done =
          std::max(now_, p.since + Secs(SecondsAt(*state.station, live[i].item->key)));
      TimePoint& person = state.servers.Soonest();
      person = std::max(person, done);
      held_until[i] = done;
    }
  }

  /// Items inside an oven come out at since + bake (now if overdue). A conveyor lane takes its
  /// next item one interval after the last went in, so the items inside are dealt to the lanes
  /// earliest entry first, each to the lane free soonest; a deck item holds its slot until out.
  void HoldOvens(const std::vector<LiveItem>& live, std::vector<TimePoint>& held_until) {
    std::vector<std::size_t> inside;
    for (std::size_t i = 0; i < live.size(); ++i) {
      if (live[i].place != Place::kInWork) continue;
      const ItemProgress& p = live[i].item->progress;
      if (StateOf(CurrentStation(p)).station->is_oven()) inside.push_back(i);
    }
    std::stable_sort(inside.begin(), inside.end(), [&](std::size_t a, std::size_t b) {
      return live[a].item->progress.since < live[b].item->progress.since;
    });
    for (std::size_t i : inside) {
      const ItemProgress& p = live[i].item->progress;
      StationState& state = StateOf(CurrentStation(p));
      const TimePoint out = std::max(now_, p.since + Secs(state.station->bake_seconds));
      TimePoint& server = state.servers.Soonest();
      server = std::max(
          server, state.station->kind == StationKind::kConveyor ? p.since + state.interval : out);
      held_until[i] = out;
    }
  }

  /// Books `key` at `state` for an item arriving at `arrival`; returns when it leaves.
  static TimePoint Reserve(StationState& state, const ItemKey& key, TimePoint arrival) {
    const Station& s = *state.station;
    if (s.kind == StationKind::kPass) return arrival;
    TimePoint& server = state.servers.Soonest();
    const TimePoint start = std::max(arrival, server);
    switch (s.kind) {
      case StationKind::kConveyor:
        server = start + state.interval;
        return start + Secs(s.bake_seconds);
      case StationKind::kDeck:
      case StationKind::kLine: {
        const TimePoint done = start + Secs(SecondsAt(s, key));
        server = done;
        return done;
      }
      case StationKind::kPass:
        break;
    }
    return arrival;
  }

  std::vector<StationLoad> Loads(const std::vector<LiveItem>& live) const {
    std::vector<StationLoad> loads;
    for (const Station& s : setup_.stations) {
      StationLoad load{.station_id = s.id};
      for (const LiveItem& l : live) {
        if (CurrentStation(l.item->progress) != s.id) continue;
        if (l.place == Place::kInWork) {
          ++load.items_in_work;
        } else {
          ++load.items_waiting;
        }
      }
      int capacity = 0;
      switch (s.kind) {
        case StationKind::kLine:
          capacity = s.staff;
          break;
        case StationKind::kConveyor:
          capacity = s.belt_width * s.belt_length;
          break;
        case StationKind::kDeck:
          capacity = s.slots;
          break;
        case StationKind::kPass:
          capacity = 0;
          break;
      }
      if (s.kind == StationKind::kPass) {
        load.utilization = 0;
      } else if (capacity <= 0) {
        load.utilization = load.items_in_work + load.items_waiting > 0 ? 1 : 0;
      } else {
        load.utilization = std::min(1.0, static_cast<double>(load.items_in_work) / capacity);
      }
      loads.push_back(load);
    }
    return loads;
  }

  const KitchenSetup& setup_;
  TimePoint now_;
  std::vector<StationState> states_;
};

/// Service order: priority first, then the time the ticket reached the kitchen, then id.
bool ServedBefore(const ModelTicket* a, const ModelTicket* b) {
  return std::tie(b->priority, a->fired_at, a->id) < std::tie(a->priority, b->fired_at, b->id);
}

}  // namespace

Forecast Simulate(const KitchenSetup& setup, const std::vector<ModelTicket>& tickets,
                  core::TimePoint now) {
  std::vector<const ModelTicket*> order;
  order.reserve(tickets.size());
  for (const ModelTicket& t : tickets) order.push_back(&t);
  std::stable_sort(order.begin(), order.end(), ServedBefore);

  Forecast forecast;
  const std::vector<TimePoint> ready = Simulation(setup, now).Run(order, &forecast.stations);
  for (std::size_t i = 0; i < order.size(); ++i) forecast.ready_at.emplace(order[i]->id, ready[i]);
  return forecast;
}

core::TimePoint ReadyIfFiredNow(const KitchenSetup& setup, const std::vector<ModelTicket>& open,
                                const ModelTicket& candidate, core::TimePoint now) {
  ModelTicket fresh = candidate;
  fresh.fired_at = now;
  for (ModelItem& item : fresh.items) {
    std::vector<std::string> route =
        item.progress.route.empty() ? RouteOf(setup, item.key) : std::move(item.progress.route);
    item.progress = ItemProgress{.route = std::move(route), .since = now};
  }

  std::vector<const ModelTicket*> order;
  order.reserve(open.size() + 1);
  for (const ModelTicket& t : open) order.push_back(&t);
  std::stable_sort(order.begin(), order.end(), ServedBefore);
  // Behind every open ticket it does not outrank; its own position is found by the same rule.
  const auto at = std::upper_bound(order.begin(), order.end(), &fresh, ServedBefore);
  const auto index = static_cast<std::size_t>(at - order.begin());
  order.insert(at, &fresh);
  return Simulation(setup, now).Run(order, nullptr)[index];
}

std::chrono::microseconds PrepTime(const KitchenSetup& setup, const ModelTicket& candidate) {
  const core::TimePoint t0{};
  return ReadyIfFiredNow(setup, {}, candidate, t0) - t0;
}

}  // namespace vetahut::kitchen
