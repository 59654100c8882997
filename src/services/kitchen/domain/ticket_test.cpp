#include "services/kitchen/domain/ticket.hpp"

#include <gtest/gtest.h>

namespace vetahut::kitchen {
namespace {

using std::chrono::seconds;

const core::TimePoint kT0 = core::TimePoint{} + seconds(1'800'000'000);

ItemProgress Pizza() {
  ItemProgress p;
  p.route = {"make", "oven", "cut"};
  p.since = kT0;
  return p;
}

ItemProgress At(std::vector<std::string> route, int step, bool started) {
  ItemProgress p;
  p.route = std::move(route);
  p.step = step;
  p.started = started;
  p.since = kT0;
  return p;
}

ItemProgress Ready() { return At({"make", "oven", "cut"}, 3, false); }

TEST(ItemStatus, NamesAreStable) {
  EXPECT_EQ(ItemStatusName(ItemStatus::kQueued), "queued");
  EXPECT_EQ(ItemStatusName(ItemStatus::kInOven), "in_oven");
  EXPECT_EQ(ItemStatusName(ItemStatus::kHandedOff), "handed_off");
  EXPECT_EQ(ItemStatusName(ItemStatus::kVoided), "voided");
  for (TicketStatus s : {TicketStatus::kScheduled, TicketStatus::kQueued, TicketStatus::kMaking,
                         TicketStatus::kInOven, TicketStatus::kReady, TicketStatus::kHandedOff,
                         TicketStatus::kVoided}) {
    EXPECT_EQ(ParseTicketStatus(TicketStatusName(s)), s);
  }
  EXPECT_EQ(TicketStatusName(TicketStatus::kScheduled), "scheduled");
  EXPECT_EQ(ParseTicketStatus("baking"), std::nullopt);
}

TEST(ItemProgress, StationIsTheCurrentStepUntilDone) {
  ItemProgress p = Pizza();
  EXPECT_EQ(p.station(), "make");
  p.step = 2;
  EXPECT_EQ(p.station(), "cut");
  p.step = 3;
  EXPECT_EQ(p.station(), "");
  p.step = 1;
  p.voided = true;
  EXPECT_EQ(p.station(), "");
  p.voided = false;
  p.handed_off = true;
  EXPECT_EQ(p.station(), "");
}

TEST(Bump, APizzaWalksItsRouteOneStationAtATime) {
  const KitchenSetup s = DefaultSetup();
  ItemProgress p = Pizza();
  EXPECT_EQ(StatusOf(s, p), ItemStatus::kQueued);

  auto made = Bump(s, p, "make", kT0 + seconds(10));  // a cook starts it
  ASSERT_TRUE(made);
  EXPECT_EQ(StatusOf(s, *made), ItemStatus::kMaking);
  EXPECT_EQ(made->step, 0);
  EXPECT_TRUE(made->started);
  EXPECT_EQ(made->since, kT0 + seconds(10));

  auto baking = Bump(s, *made, "make", kT0 + seconds(100));  // into the oven
  ASSERT_TRUE(baking);
  EXPECT_EQ(StatusOf(s, *baking), ItemStatus::kInOven);
  EXPECT_EQ(baking->station(), "oven");
  EXPECT_TRUE(baking->started);
  EXPECT_EQ(baking->since, kT0 + seconds(100));

  auto out = Bump(s, *baking, "oven", kT0 + seconds(460));  // out, onto the cut table
  ASSERT_TRUE(out);
  EXPECT_EQ(StatusOf(s, *out), ItemStatus::kMaking);
  EXPECT_EQ(out->station(), "cut");
  EXPECT_FALSE(out->started);
  EXPECT_EQ(out->since, kT0 + seconds(460));

  auto boxed = Bump(s, *out, "cut", kT0 + seconds(480));
  ASSERT_TRUE(boxed);
  EXPECT_EQ(StatusOf(s, *boxed), ItemStatus::kReady);
  EXPECT_EQ(boxed->step, 3);
  EXPECT_EQ(boxed->station(), "");
  EXPECT_EQ(boxed->since, kT0 + seconds(480));

  auto again = Bump(s, *boxed, "", kT0 + seconds(481));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(again.error().detail, "the item is already ready");
}

TEST(Bump, AnEmptyStationBumpsWhereverTheItemIs) {
  const KitchenSetup s = DefaultSetup();
  auto p = Bump(s, Pizza(), "", kT0);
  ASSERT_TRUE(p);
  p = Bump(s, *p, "", kT0);
  ASSERT_TRUE(p);
  EXPECT_EQ(StatusOf(s, *p), ItemStatus::kInOven);
  p = Bump(s, *p, "", kT0);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->station(), "cut");
}

TEST(Bump, TheCutterBumpingAnInOvenPizzaFinishesIt) {
  const KitchenSetup s = DefaultSetup();
  const ItemProgress in_oven = At({"make", "oven", "cut"}, 1, true);
  ASSERT_EQ(StatusOf(s, in_oven), ItemStatus::kInOven);
  auto done = Bump(s, in_oven, "cut", kT0 + seconds(400));
  ASSERT_TRUE(done);
  EXPECT_EQ(StatusOf(s, *done), ItemStatus::kReady);
  EXPECT_EQ(done->step, 3);
  EXPECT_EQ(done->since, kT0 + seconds(400));

  // With a station after the cut table, the cutter's bump leaves it at that station.
  const ItemProgress longer = At({"make", "oven", "cut", "drinks"}, 1, true);
  auto boxed = Bump(s, longer, "cut", kT0 + seconds(400));
  ASSERT_TRUE(boxed);
  EXPECT_EQ(boxed->station(), "drinks");
  EXPECT_EQ(StatusOf(s, *boxed), ItemStatus::kMaking);
}

TEST(Bump, EachStationsTimesAreRecorded) {
  const KitchenSetup s = DefaultSetup();
  // Fired at T0; started at +10 s; into the oven at +100 s; out at +460 s; cut and boxed at +480 s.
  auto p = Bump(s, Pizza(), "make", kT0 + seconds(10));
  ASSERT_TRUE(p);
  ASSERT_EQ(p->visits.size(), 1u);
  EXPECT_EQ(p->visits[0], (StationVisit{"make", kT0, kT0 + seconds(10), std::nullopt}));
  for (auto [station, at] : {std::pair{"make", 100}, {"oven", 460}, {"cut", 480}}) {
    p = Bump(s, *p, station, kT0 + seconds(at));
    ASSERT_TRUE(p) << station;
  }
  EXPECT_EQ(p->visits, (std::vector<StationVisit>{{"make", kT0, kT0 + seconds(10), kT0 + seconds(100)},
                                                  {"oven", kT0 + seconds(100), kT0 + seconds(100), kT0 + seconds(460)},
                                                  {"cut", kT0 + seconds(460), kT0 + seconds(460), kT0 + seconds(480)}}));

  // The cutter taking a pizza straight out of the oven: the oven is done and so is the cut table,
  // at once. An item bumped before histories were kept starts its history where it is.
  auto cut = Bump(s, At({"make", "oven", "cut"}, 1, true), "cut", kT0 + seconds(400));
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->visits, (std::vector<StationVisit>{{"oven", kT0, kT0, kT0 + seconds(400)},
                                                    {"cut", kT0 + seconds(400), kT0 + seconds(400), kT0 + seconds(400)}}));

  // A refused bump records nothing.
  ItemProgress ready = *p;
  EXPECT_FALSE(Bump(s, ready, "", kT0 + seconds(500)));
  EXPECT_EQ(ready.visits.size(), 3u);
}

TEST(Bump, AtTheWrongStationIsAConflict) {
  const KitchenSetup s = DefaultSetup();
  auto queued = Bump(s, Pizza(), "cut", kT0);
  ASSERT_FALSE(queued);
  EXPECT_EQ(queued.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(queued.error().detail, "the item is not at cut");
  // Only an item in the oven counts as at the station after it: a pizza still on the make line
  // is not at the oven.
  EXPECT_FALSE(Bump(s, At({"make", "oven", "cut"}, 0, true), "oven", kT0));
  // Two stations ahead is too far.
  EXPECT_FALSE(Bump(s, At({"oven", "make", "cut"}, 0, true), "cut", kT0));
  // A side queued at the oven has not gone in: the cut table cannot bump it.
  EXPECT_FALSE(Bump(s, At({"oven", "cut"}, 0, false), "cut", kT0));
}

TEST(Bump, FinishedItemsCannotBeBumped) {
  const KitchenSetup s = DefaultSetup();
  ItemProgress voided = Pizza();
  voided.voided = true;
  ItemProgress handed = Ready();
  handed.handed_off = true;
  EXPECT_EQ(Bump(s, voided, "", kT0).error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(Bump(s, handed, "", kT0).error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(Bump(s, Ready(), "cut", kT0).error().code, core::ErrorCode::kConflict);
}

TEST(Bump, ASideGoesIntoTheOvenWhenStarted) {
  const KitchenSetup s = DefaultSetup();
  const ItemProgress side = At({"oven", "cut"}, 0, false);
  EXPECT_EQ(StatusOf(s, side), ItemStatus::kQueued);
  auto in = Bump(s, side, "oven", kT0 + seconds(5));
  ASSERT_TRUE(in);
  EXPECT_EQ(StatusOf(s, *in), ItemStatus::kInOven);
  EXPECT_EQ(in->since, kT0 + seconds(5));
  auto cut = Bump(s, *in, "cut", kT0 + seconds(400));
  ASSERT_TRUE(cut);
  EXPECT_EQ(StatusOf(s, *cut), ItemStatus::kReady);
}

TEST(StatusOf, AStationTheSetupLacksCountsAsALine) {
  const KitchenSetup s = DefaultSetup();
  EXPECT_EQ(StatusOf(s, At({"smoker", "cut"}, 0, true)), ItemStatus::kMaking);
  EXPECT_EQ(StatusOf(s, At({"make", "smoker"}, 1, true)), ItemStatus::kMaking);
  EXPECT_EQ(StatusOf(s, At({"make", "oven"}, 1, true)), ItemStatus::kInOven);
  EXPECT_EQ(StatusOf(s, At({"make", "cut"}, 1, false)), ItemStatus::kMaking);
}

TEST(TicketStatusOf, FollowsItsItems) {
  const KitchenSetup s = DefaultSetup();
  const ItemProgress queued = Pizza();
  const ItemProgress making = At({"make", "oven", "cut"}, 0, true);
  const ItemProgress in_oven = At({"make", "oven", "cut"}, 1, true);
  const ItemProgress cutting = At({"make", "oven", "cut"}, 2, false);
  ItemProgress voided = Pizza();
  voided.voided = true;
  ItemProgress handed = Ready();
  handed.handed_off = true;

  EXPECT_EQ(TicketStatusOf(s, {queued, queued}, false), TicketStatus::kScheduled);
  EXPECT_EQ(TicketStatusOf(s, {queued, queued}, true), TicketStatus::kQueued);
  EXPECT_EQ(TicketStatusOf(s, {queued, making}, true), TicketStatus::kMaking);
  EXPECT_EQ(TicketStatusOf(s, {queued, in_oven, cutting}, true), TicketStatus::kInOven);
  EXPECT_EQ(TicketStatusOf(s, {Ready(), cutting}, true), TicketStatus::kMaking);
  EXPECT_EQ(TicketStatusOf(s, {Ready(), queued}, true), TicketStatus::kMaking);
  EXPECT_EQ(TicketStatusOf(s, {Ready(), Ready()}, true), TicketStatus::kReady);
  // Voided items are ignored while others remain.
  EXPECT_EQ(TicketStatusOf(s, {Ready(), voided}, true), TicketStatus::kReady);
  EXPECT_EQ(TicketStatusOf(s, {voided, queued}, true), TicketStatus::kQueued);
  EXPECT_EQ(TicketStatusOf(s, {voided, voided}, true), TicketStatus::kVoided);
  EXPECT_EQ(TicketStatusOf(s, {handed, handed, voided}, true), TicketStatus::kHandedOff);
  // A remake added after the hand-off reopens the ticket.
  EXPECT_EQ(TicketStatusOf(s, {handed, queued}, true), TicketStatus::kQueued);
  EXPECT_EQ(TicketStatusOf(s, {}, false), TicketStatus::kScheduled);
  EXPECT_EQ(TicketStatusOf(s, {}, true), TicketStatus::kReady);
}

TEST(AllDay, CountsWhatIsStillToBeMadePerStation) {
  const KitchenSetup s = DefaultSetup();
  const ItemProgress queued = Pizza();
  const ItemProgress making = At({"make", "oven", "cut"}, 0, true);
  const ItemProgress in_oven = At({"make", "oven", "cut"}, 1, true);
  const ItemProgress cutting = At({"make", "oven", "cut"}, 2, false);
  const ItemProgress ready = Ready();
  const ItemProgress cola = At({"drinks"}, 0, false);
  ItemProgress voided = Pizza();
  voided.voided = true;

  const std::vector<NamedItem> items = {
      {"Pepperoni Pizza", "Large", &queued},
      {"Pepperoni Pizza", "Large", &making},
      {"Margherita", "Large", &queued},
      {"Pepperoni Pizza", "Small", &queued},
      {"Cheese Pizza", "Medium", &queued},
      {"Cheese Pizza", "Medium", &voided},
      {"Margherita", "Large", &in_oven},
      {"Hawaiian", "Large", &cutting},
      {"Hawaiian", "Large", &ready},
      {"Cola", "2-liter bottle", &cola},
      {"Margherita", "Small", &queued},
      {"Margherita", "Large", &queued},
      {"Nothing", "", nullptr},
  };
  const auto all_day = AllDay(s, items);
  ASSERT_EQ(all_day.size(), 4u);  // make, oven, cut, drinks
  const std::vector<AllDayCount> make = {{"Margherita", "Large", 2},
                                         {"Pepperoni Pizza", "Large", 2},
                                         {"Cheese Pizza", "Medium", 1},
                                         {"Margherita", "Small", 1},
                                         {"Pepperoni Pizza", "Small", 1}};
  ASSERT_EQ(all_day.at("make").size(), make.size());
  for (std::size_t i = 0; i < make.size(); ++i) {
    EXPECT_EQ(all_day.at("make")[i].name, make[i].name) << i;
    EXPECT_EQ(all_day.at("make")[i].size, make[i].size) << i;
    EXPECT_EQ(all_day.at("make")[i].count, make[i].count) << i;
  }
  ASSERT_EQ(all_day.at("oven").size(), 1u);
  EXPECT_EQ(all_day.at("oven")[0].name, "Margherita");
  ASSERT_EQ(all_day.at("cut").size(), 1u);
  EXPECT_EQ(all_day.at("cut")[0].name, "Hawaiian");
  EXPECT_EQ(all_day.at("cut")[0].count, 1);
  ASSERT_EQ(all_day.at("drinks").size(), 1u);
  EXPECT_EQ(all_day.at("drinks")[0].size, "2-liter bottle");
}

}  // namespace
}  // namespace vetahut::kitchen
