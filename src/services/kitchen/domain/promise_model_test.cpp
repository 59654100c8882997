#include "services/kitchen/domain/promise_model.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace vetahut::kitchen {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

const core::TimePoint kNow = core::TimePoint{} + seconds(1'800'000'000);

ItemKey Large() { return {"pepperoni_pizza", "pizzas", "pizza", "large"}; }
ItemKey Medium() { return {"pepperoni_pizza", "pizzas", "pizza", "medium"}; }
ItemKey Small() { return {"pepperoni_pizza", "pizzas", "pizza", "small"}; }
ItemKey Wings() { return {"chicken_wings", "sides", "side", "regular"}; }
ItemKey Cola() { return {"cola", "drinks", "drink", "bottle_2l"}; }

/// A queued item routed by the setup.
ModelItem Queued(const KitchenSetup& setup, ItemKey key) {
  ModelItem item{std::move(key), {}};
  item.progress.route = RouteOf(setup, item.key);
  item.progress.since = kNow;
  return item;
}

/// An item at `step` of its route, started or not, since `ago` before now.
ModelItem At(const KitchenSetup& setup, ItemKey key, int step, bool started, seconds ago) {
  ModelItem item = Queued(setup, std::move(key));
  item.progress.step = step;
  item.progress.started = started;
  item.progress.since = kNow - ago;
  return item;
}

ModelTicket Ticket(std::string id, std::vector<ModelItem> items, int priority = 0,
                   seconds fired_ago = seconds(0)) {
  return ModelTicket{std::move(id), priority, kNow - fired_ago, std::move(items)};
}

seconds After(core::TimePoint t) { return std::chrono::duration_cast<seconds>(t - kNow); }

/// Make line of 2 (medium 75 s), a deck oven of 2 slots baking 300 s, a cut table of 1 (20 s).
KitchenSetup DeckKitchen() {
  KitchenSetup s = DefaultSetup();
  s.stations[1] = Station{.id = "oven", .name = "Deck", .kind = StationKind::kDeck};
  s.stations[1].bake_seconds = 300;
  s.stations[1].slots = 2;
  return s;
}

TEST(PromiseModel, OneLargePizzaInAnEmptyKitchen) {
  const KitchenSetup s = DefaultSetup();
  const ModelTicket t = Ticket("t1", {Queued(s, Large())});
  // make 90 s → oven 360 s → cut 20 s = 470 s.
  EXPECT_EQ(PrepTime(s, t), seconds(470));
  EXPECT_EQ(After(ReadyIfFiredNow(s, {}, t, kNow)), seconds(470));
  EXPECT_EQ(After(Simulate(s, {t}, kNow).ready_at.at("t1")), seconds(470));
}

TEST(PromiseModel, FourLargePizzasShareTwoMakersTwoLanesAndOneCutter) {
  const KitchenSetup s = DefaultSetup();
  const ModelTicket t = Ticket("t1", std::vector<ModelItem>(4, Queued(s, Large())));
  // Makers: p1, p2 0–90; p3, p4 90–180.
  // Oven (2 lanes, a lane takes a pizza every 360/4 = 90 s): p1 lane A 90→450 (A next 180),
  //   p2 lane B 90→450 (B next 180), p3 lane A 180→540, p4 lane B 180→540.
  // Cutter (20 s): p1 450–470, p2 470–490, p3 540–560, p4 560–580.
  EXPECT_EQ(PrepTime(s, t), seconds(580));
}

TEST(PromiseModel, AConveyorLaneTakesOnePizzaPerInterval) {
  const KitchenSetup s = DefaultSetup();
  const ModelTicket t = Ticket("t1", std::vector<ModelItem>(8, Queued(s, Small())));
  // Makers (small 60 s): pairs ready at 60, 120, 180, 240.
  // Lanes (every 90 s): pair 1 enters at 60 (next 150) → out 420; pair 2 arrives 120, waits for
  //   150 → out 510 (next 240); pair 3 arrives 180, enters 240 → out 600 (next 330); pair 4
  //   arrives 240, enters 330 → out 690.
  // Cutter: 420–440–460, 510–530–550, 600–620–640, 690–710–730.
  EXPECT_EQ(PrepTime(s, t), seconds(730));
}

TEST(PromiseModel, ADeckOvenHoldsEachSlotForTheWholeBake) {
  const KitchenSetup s = DeckKitchen();
  const ModelTicket t = Ticket("t1", std::vector<ModelItem>(3, Queued(s, Medium())));
  // Makers (75 s): p1, p2 0–75, p3 75–150.
  // Deck (2 slots, 300 s): p1, p2 75–375; p3 waits for a slot: 375–675.
  // Cutter: p1 375–395, p2 395–415, p3 675–695.
  EXPECT_EQ(PrepTime(s, t), seconds(695));
}

TEST(PromiseModel, AnItemInTheOvenComesOutBakeSecondsAfterItWentIn) {
  const KitchenSetup s = DefaultSetup();
  // In the oven since 100 s ago: out at −100 + 360 = 260, cut 260–280.
  const ModelTicket t = Ticket("t1", {At(s, Large(), 1, true, seconds(100))}, 0, seconds(300));
  EXPECT_EQ(After(Simulate(s, {t}, kNow).ready_at.at("t1")), seconds(280));
  // Overdue (in since 400 s ago, due out 40 s ago): out now, cut 0–20.
  const ModelTicket late = Ticket("t2", {At(s, Large(), 1, true, seconds(400))}, 0, seconds(600));
  EXPECT_EQ(After(Simulate(s, {late}, kNow).ready_at.at("t2")), seconds(20));
}

TEST(PromiseModel, ItemsInsideTheOvenHoldTheirLanes) {
  const KitchenSetup s = DefaultSetup();
  // Two pizzas went in 10 s ago, one per lane: each lane takes its next item at −10 + 90 = 80.
  const ModelTicket baking =
      Ticket("a", {At(s, Large(), 1, true, seconds(10)), At(s, Large(), 1, true, seconds(10))}, 0,
             seconds(200));
  const ModelTicket wings = Ticket("b", {Queued(s, Wings())});
  // The wings (oven → cut) arrive at the oven now but enter at 80 → out 440.
  // Cutter: the pizzas come out at 350 (cut 350–370, 370–390); wings 440–455 (15 s).
  const Forecast f = Simulate(s, {baking, wings}, kNow);
  EXPECT_EQ(After(f.ready_at.at("a")), seconds(390));
  EXPECT_EQ(After(f.ready_at.at("b")), seconds(455));
  // Alone, the wings would take 360 + 15 = 375 s.
  EXPECT_EQ(PrepTime(s, wings), seconds(375));
}

TEST(PromiseModel, WorkStartedOnTheLineKeepsItsPerson) {
  const KitchenSetup s = DefaultSetup();
  // Started 30 s ago: the maker is busy until 60, oven 60–420, cut 420–440.
  const ModelTicket started = Ticket("a", {At(s, Large(), 0, true, seconds(30))}, 0, seconds(40));
  // A pizza arrived at the cut table 5 s ago (not started there): cut 0–20.
  const ModelTicket cutting = Ticket("b", {At(s, Large(), 2, false, seconds(5))}, 0, seconds(500));
  const Forecast f = Simulate(s, {started, cutting}, kNow);
  EXPECT_EQ(After(f.ready_at.at("a")), seconds(440));
  EXPECT_EQ(After(f.ready_at.at("b")), seconds(20));
  // A new large pizza: the free maker 0–90, lane B 90–450, cutter (free at 440) 450–470.
  const ModelTicket fresh = Ticket("c", {Queued(s, Large())});
  EXPECT_EQ(After(ReadyIfFiredNow(s, {started, cutting}, fresh, kNow)), seconds(470));
  // Two new ones: p1 as above 0–90 → 90–450; p2 waits for the busy maker (60) 60–150, lane A
  // (next: the started pizza entered at 60, so 150) 150–510; cutter 450–470, 510–530.
  const ModelTicket two = Ticket("d", {Queued(s, Large()), Queued(s, Large())});
  EXPECT_EQ(After(ReadyIfFiredNow(s, {started, cutting}, two, kNow)), seconds(530));
  // The drinks station (1 person, 15 s): a cola started 5 s ago keeps her until 10; the next
  // cola is poured 10–25.
  const ModelTicket pouring = Ticket("e", {At(s, Cola(), 0, true, seconds(5))}, 0, seconds(20));
  EXPECT_EQ(After(Simulate(s, {pouring}, kNow).ready_at.at("e")), seconds(10));
  EXPECT_EQ(After(ReadyIfFiredNow(s, {pouring}, Ticket("f", {Queued(s, Cola())}), kNow)),
            seconds(25));
}

TEST(PromiseModel, ARushTicketJumpsTheQueue) {
  const KitchenSetup s = DefaultSetup();
  const ModelTicket waiting = Ticket("a", {Queued(s, Large()), Queued(s, Large())}, 0, seconds(60));
  const ModelTicket normal = Ticket("b", {Queued(s, Large())});
  ModelTicket rush = normal;
  rush.priority = 1;
  // Normal: behind a: a's pizzas 0–90, lanes 90–450, cut 450–470–490; b: make 90–180, lane A
  //   (next 180) 180–540, cut 540–560.
  EXPECT_EQ(After(ReadyIfFiredNow(s, {waiting}, normal, kNow)), seconds(560));
  // Rush: b first: make 0–90, lane A 90–450, cut 450–470.
  EXPECT_EQ(After(ReadyIfFiredNow(s, {waiting}, rush, kNow)), seconds(470));
  // …and a pays for it: p1 0–90 → lane B 90–450 → cut 470–490; p2 90–180 → lane A 180–540 → cut
  // 540–560.
  const Forecast f = Simulate(s, {waiting, rush}, kNow);
  EXPECT_EQ(After(f.ready_at.at("b")), seconds(470));
  EXPECT_EQ(After(f.ready_at.at("a")), seconds(560));
}

TEST(PromiseModel, TicketsAreServedByTheTimeTheyReachedTheKitchen) {
  const KitchenSetup s = DefaultSetup();
  // One maker for drinks, 15 s each: the older ticket goes first whatever the input order.
  const ModelTicket older = Ticket("z", {Queued(s, Cola())}, 0, seconds(30));
  const ModelTicket newer = Ticket("a", {Queued(s, Cola())}, 0, seconds(10));
  const Forecast f = Simulate(s, {newer, older}, kNow);
  EXPECT_EQ(After(f.ready_at.at("z")), seconds(15));
  EXPECT_EQ(After(f.ready_at.at("a")), seconds(30));
  // Same time: by id.
  const ModelTicket twin = Ticket("b", {Queued(s, Cola())}, 0, seconds(10));
  const Forecast g = Simulate(s, {twin, newer}, kNow);
  EXPECT_EQ(After(g.ready_at.at("a")), seconds(15));
  EXPECT_EQ(After(g.ready_at.at("b")), seconds(30));
}

TEST(PromiseModel, AClosedLineIsModelledAsOnePerson) {
  KitchenSetup closed = DefaultSetup();
  closed.stations[0].staff = 0;
  KitchenSetup one = DefaultSetup();
  one.stations[0].staff = 1;
  const ModelTicket t = Ticket("t1", {Queued(closed, Large()), Queued(closed, Large())});
  // One maker: 0–90, 90–180; lanes 90–450 (A), 180–540 (B); cut 450–470, 540–560.
  EXPECT_EQ(PrepTime(closed, t), seconds(560));
  EXPECT_EQ(PrepTime(one, t), seconds(560));
  EXPECT_EQ(PrepTime(DefaultSetup(), t), seconds(490));
  // Its load shows full as soon as anything waits there.
  const Forecast f = Simulate(closed, {t}, kNow);
  EXPECT_EQ(f.stations[0].items_waiting, 2);
  EXPECT_EQ(f.stations[0].utilization, 1.0);
}

TEST(PromiseModel, FinishedAndUnroutableItemsAreIgnored) {
  const KitchenSetup s = DefaultSetup();
  ModelItem voided = Queued(s, Large());
  voided.progress.voided = true;
  ModelItem handed = At(s, Large(), 3, false, seconds(10));
  handed.progress.handed_off = true;
  const ModelItem ready = At(s, Large(), 3, false, seconds(10));
  ModelItem smoked = Queued(s, Large());
  smoked.progress.route = {"make", "smoker", "cut"};  // a station the setup lacks
  const Forecast f = Simulate(s,
                              {Ticket("done", {ready, handed}), Ticket("void", {voided}),
                               Ticket("smoke", {smoked}), Ticket("empty", {})},
                              kNow);
  for (const char* id : {"done", "void", "smoke", "empty"}) {
    ASSERT_TRUE(f.ready_at.count(id)) << id;
    EXPECT_EQ(f.ready_at.at(id), kNow) << id;
  }
  for (const StationLoad& load : f.stations) {
    EXPECT_EQ(load.items_waiting + load.items_in_work, 0) << load.station_id;
  }
  // A ready item does not hold the ticket back; its open sibling decides.
  const Forecast g = Simulate(s, {Ticket("t", {ready, Queued(s, Cola())})}, kNow);
  EXPECT_EQ(After(g.ready_at.at("t")), seconds(15));
}

TEST(PromiseModel, StationLoadsCountWaitingAndWorkingItems) {
  const KitchenSetup s = DefaultSetup();
  const ModelTicket t =
      Ticket("t",
             {Queued(s, Large()), Queued(s, Large()), At(s, Large(), 0, true, seconds(10)),
              At(s, Large(), 1, true, seconds(10)), At(s, Large(), 1, true, seconds(20)),
              At(s, Large(), 1, true, seconds(30)), At(s, Large(), 2, false, seconds(5)),
              Queued(s, Wings()), Queued(s, Cola())},
             0, seconds(60));
  const Forecast f = Simulate(s, {t}, kNow);
  ASSERT_EQ(f.stations.size(), s.stations.size());
  auto load = [&](std::string_view id) {
    return f.stations[static_cast<std::size_t>(s.StationIndex(id))];
  };
  EXPECT_EQ(load("make").station_id, "make");
  EXPECT_EQ(load("make").items_waiting, 2);
  EXPECT_EQ(load("make").items_in_work, 1);
  EXPECT_DOUBLE_EQ(load("make").utilization, 0.5);  // 1 of 2 people
  EXPECT_EQ(load("oven").items_waiting, 1);         // the wings, not in yet
  EXPECT_EQ(load("oven").items_in_work, 3);
  EXPECT_DOUBLE_EQ(load("oven").utilization, 3.0 / 8);  // 3 of 2 × 4 places
  EXPECT_EQ(load("cut").items_waiting, 1);
  EXPECT_EQ(load("cut").items_in_work, 0);
  EXPECT_DOUBLE_EQ(load("cut").utilization, 0);
  EXPECT_EQ(load("drinks").items_waiting, 1);
  EXPECT_EQ(load("fryer").items_waiting, 0);
  EXPECT_DOUBLE_EQ(load("expo").utilization, 0);
}

TEST(PromiseModel, ACandidateIsTakenAsIfJustFired) {
  const KitchenSetup s = DefaultSetup();
  // Whatever progress the candidate carries, it is quoted from the start of its route; an item
  // without a route is routed by the setup.
  ModelTicket c = Ticket("c", {At(s, Large(), 2, false, seconds(500))}, 0, seconds(900));
  c.items.push_back(ModelItem{Large(), {}});
  // Two large pizzas: 0–90 both, lanes 90–450, cut 450–470–490.
  EXPECT_EQ(After(ReadyIfFiredNow(s, {}, c, kNow)), seconds(490));
  EXPECT_EQ(PrepTime(s, c), seconds(490));
  // An open ticket with the candidate's id is a different ticket.
  const ModelTicket same_id = Ticket("c", {Queued(s, Cola())}, 0, seconds(60));
  EXPECT_EQ(After(ReadyIfFiredNow(s, {same_id}, c, kNow)), seconds(490));
}

// ---- Properties over generated kitchens and queues (fixed-seed SplitMix64) ----

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform-enough integer in [lo, hi].
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  int Int(int lo, int hi) { return static_cast<int>(Between(lo, hi)); }
  bool Chance(int percent) { return Between(1, 100) <= percent; }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Between(0, static_cast<std::int64_t>(v.size()) - 1))];
  }
  template <class T>
  void Shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      std::swap(v[i - 1],
                v[static_cast<std::size_t>(Between(0, static_cast<std::int64_t>(i) - 1))]);
    }
  }

 private:
  std::uint64_t state_;
};

const std::vector<std::string> kKinds = {"pizza", "side", "drink", "dessert"};
const std::vector<std::string> kSizeIds = {"small", "medium", "large", "regular"};

KitchenSetup GenerateKitchen(SplitMix64& rng) {
  KitchenSetup s;
  const int lines = rng.Int(1, 4);
  std::vector<std::string> line_ids;
  for (int i = 0; i < lines; ++i) {
    Station line{.id = fmt::format("line{}", i), .name = fmt::format("Line {}", i)};
    line.staff = rng.Int(0, 3);
    line.default_seconds = rng.Int(0, 120);
    for (int r = rng.Int(0, 4); r > 0; --r) {
      line.times.push_back({rng.Chance(30) ? fmt::format("p{}", rng.Int(0, 3)) : "",
                            rng.Pick(kKinds), rng.Chance(50) ? rng.Pick(kSizeIds) : "",
                            rng.Int(0, 200)});
    }
    line_ids.push_back(line.id);
    s.stations.push_back(line);
  }
  std::vector<std::string> oven_ids;
  for (int o = rng.Int(0, 2); o > 0; --o) {
    Station oven{.id = fmt::format("oven{}", o), .name = "Oven"};
    oven.bake_seconds = rng.Int(30, 600);
    if (rng.Chance(50)) {
      oven.kind = StationKind::kConveyor;
      oven.belt_width = rng.Int(1, 3);
      oven.belt_length = rng.Int(1, 7);  // 7: intervals that are not whole seconds
    } else {
      oven.kind = StationKind::kDeck;
      oven.slots = rng.Int(1, 6);
    }
    oven_ids.push_back(oven.id);
    s.stations.push_back(oven);
  }
  s.stations.push_back(Station{.id = "expo", .name = "Expo", .kind = StationKind::kPass});
  auto route = [&] {
    std::vector<std::string> r;
    for (int n = rng.Int(1, 3); n > 0; --n) r.push_back(rng.Pick(line_ids));
    if (!oven_ids.empty() && rng.Chance(70)) {
      r.insert(r.begin() + rng.Int(0, static_cast<int>(r.size())), rng.Pick(oven_ids));
    }
    return r;
  };
  for (const auto& kind : kKinds) {
    if (rng.Chance(70)) s.routes.push_back({"", kind, route()});
  }
  if (rng.Chance(30)) s.routes.push_back({"specials", "", route()});
  s.default_route = route();
  return s;
}

ItemKey RandomKey(SplitMix64& rng) {
  return {fmt::format("p{}", rng.Int(0, 5)), rng.Chance(20) ? "specials" : "", rng.Pick(kKinds),
          rng.Pick(kSizeIds)};
}

ModelTicket RandomTicket(SplitMix64& rng, const KitchenSetup& s, std::string id, bool fresh) {
  ModelTicket t;
  t.id = std::move(id);
  t.priority = rng.Chance(15) ? 1 : 0;
  t.fired_at = kNow - seconds(fresh ? 0 : rng.Between(0, 1800));
  for (int n = rng.Int(fresh ? 1 : 0, 5); n > 0; --n) {
    ModelItem item{RandomKey(rng), {}};
    item.progress.route = RouteOf(s, item.key);
    item.progress.since = kNow - microseconds(rng.Between(0, 900'000'000));
    if (!fresh) {
      item.progress.step = rng.Int(0, static_cast<int>(item.progress.route.size()));
      const Station* at = s.FindStation(item.progress.station());
      item.progress.started =
          at != nullptr &&
          (at->is_oven() ? rng.Chance(60) : item.progress.step == 0 && rng.Chance(40));
      item.progress.voided = rng.Chance(5);
      item.progress.handed_off = rng.Chance(3);
    }
    t.items.push_back(std::move(item));
  }
  return t;
}

std::vector<ModelTicket> RandomQueue(SplitMix64& rng, const KitchenSetup& s, int n,
                                     std::string_view prefix) {
  std::vector<ModelTicket> out;
  for (int i = 0; i < n; ++i)
    out.push_back(RandomTicket(rng, s, fmt::format("{}{}", prefix, i), false));
  return out;
}

constexpr int kKitchens = 400;

TEST(PromiseModelProperties, GeneratedKitchensAreValid) {
  SplitMix64 rng(7);
  for (int k = 0; k < kKitchens; ++k) {
    const KitchenSetup s = GenerateKitchen(rng);
    const auto status = Validate(s);
    ASSERT_TRUE(status) << k << ": " << (status ? "" : status.error().fields.front().field);
  }
}

TEST(PromiseModelProperties, MoreLoadNeverMakesACandidateEarlier) {
  SplitMix64 rng(20261124);
  int later = 0;
  for (int k = 0; k < kKitchens; ++k) {
    const KitchenSetup s = GenerateKitchen(rng);
    std::vector<ModelTicket> open = RandomQueue(rng, s, rng.Int(0, 8), "o");
    const ModelTicket candidate = RandomTicket(rng, s, "candidate", true);
    const core::TimePoint before = ReadyIfFiredNow(s, open, candidate, kNow);
    // Add tickets anywhere: old or new, rush or not, some of them already in work.
    std::vector<ModelTicket> more = open;
    for (int n = rng.Int(1, 3); n > 0; --n) {
      more.insert(more.begin() + rng.Int(0, static_cast<int>(more.size())),
                  RandomTicket(rng, s, fmt::format("x{}", n), rng.Chance(30)));
    }
    const core::TimePoint after = ReadyIfFiredNow(s, more, candidate, kNow);
    ASSERT_LE(before, after) << "kitchen " << k << ": " << (before - kNow).count() << " µs → "
                             << (after - kNow).count() << " µs";
    if (after > before) ++later;
  }
  EXPECT_GT(later, kKitchens / 4);  // the extra load did delay many candidates
}

TEST(PromiseModelProperties, NeverEarlierThanItsOwnPrepTime) {
  SplitMix64 rng(42);
  for (int k = 0; k < kKitchens; ++k) {
    const KitchenSetup s = GenerateKitchen(rng);
    const std::vector<ModelTicket> open = RandomQueue(rng, s, rng.Int(0, 10), "o");
    const ModelTicket candidate = RandomTicket(rng, s, "candidate", true);
    const auto prep = PrepTime(s, candidate);
    ASSERT_GE(prep, microseconds(0));
    const core::TimePoint ready = ReadyIfFiredNow(s, open, candidate, kNow);
    ASSERT_GE(ready, kNow + prep) << "kitchen " << k << ": " << (ready - kNow).count() << " µs < "
                                  << prep.count() << " µs";
    // The prep time does not depend on when it is asked.
    ASSERT_EQ(ReadyIfFiredNow(s, {}, candidate, kNow + seconds(12345)),
              kNow + seconds(12345) + prep);
  }
}

TEST(PromiseModelProperties, SimulateAgreesWithTheQuoteAndIsNeverInThePast) {
  SplitMix64 rng(1234);
  for (int k = 0; k < kKitchens; ++k) {
    const KitchenSetup s = GenerateKitchen(rng);
    std::vector<ModelTicket> open = RandomQueue(rng, s, rng.Int(0, 10), "o");
    const ModelTicket candidate = RandomTicket(rng, s, "candidate", true);
    const core::TimePoint quoted = ReadyIfFiredNow(s, open, candidate, kNow);
    open.push_back(candidate);
    open.back().fired_at = kNow;
    const Forecast f = Simulate(s, open, kNow);
    ASSERT_EQ(f.ready_at.size(), open.size());
    for (const auto& [id, at] : f.ready_at) ASSERT_GE(at, kNow) << id;
    ASSERT_EQ(f.ready_at.at("candidate"), quoted) << "kitchen " << k;
    ASSERT_EQ(f.stations.size(), s.stations.size());
    for (const StationLoad& load : f.stations) {
      ASSERT_GE(load.utilization, 0);
      ASSERT_LE(load.utilization, 1);
    }
  }
}

TEST(PromiseModelProperties, TheInputOrderDoesNotMatter) {
  SplitMix64 rng(99);
  for (int k = 0; k < kKitchens; ++k) {
    const KitchenSetup s = GenerateKitchen(rng);
    std::vector<ModelTicket> open = RandomQueue(rng, s, rng.Int(1, 10), "o");
    const Forecast a = Simulate(s, open, kNow);
    const Forecast again = Simulate(s, open, kNow);
    rng.Shuffle(open);
    const Forecast b = Simulate(s, open, kNow);
    ASSERT_EQ(a.ready_at, again.ready_at);
    ASSERT_EQ(a.ready_at, b.ready_at) << "kitchen " << k;
    ASSERT_EQ(a.stations.size(), b.stations.size());
    for (std::size_t i = 0; i < a.stations.size(); ++i) {
      ASSERT_EQ(a.stations[i].station_id, b.stations[i].station_id);
      ASSERT_EQ(a.stations[i].items_waiting, b.stations[i].items_waiting);
      ASSERT_EQ(a.stations[i].items_in_work, b.stations[i].items_in_work);
    }
  }
}

}  // namespace
}  // namespace vetahut::kitchen
