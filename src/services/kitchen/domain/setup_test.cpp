#include "services/kitchen/domain/setup.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace vetahut::kitchen {
namespace {

std::vector<std::string> FieldsOf(const core::Status& s) {
  std::vector<std::string> out;
  if (!s) {
    for (const auto& f : s.error().fields) out.push_back(f.field);
  }
  return out;
}

bool Has(const std::vector<std::string>& fields, std::string_view field) {
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

ItemKey Key(std::string product, std::string category, std::string kind, std::string size) {
  return {std::move(product), std::move(category), std::move(kind), std::move(size)};
}

TEST(StationKind, NamesRoundTrip) {
  for (StationKind k :
       {StationKind::kLine, StationKind::kConveyor, StationKind::kDeck, StationKind::kPass}) {
    EXPECT_EQ(ParseStationKind(StationKindName(k)), k);
  }
  EXPECT_EQ(StationKindName(StationKind::kConveyor), "conveyor");
  EXPECT_EQ(ParseStationKind("oven"), std::nullopt);
  EXPECT_EQ(ParseStationKind(""), std::nullopt);
}

TEST(KitchenSetup, FindsStationsAndLateness) {
  const KitchenSetup s = DefaultSetup();
  ASSERT_NE(s.FindStation("cut"), nullptr);
  EXPECT_EQ(s.FindStation("cut")->name, "Cut & box");
  EXPECT_EQ(s.FindStation("grill"), nullptr);
  EXPECT_EQ(s.StationIndex("make"), 0);
  EXPECT_EQ(s.StationIndex("expo"), 5);
  EXPECT_EQ(s.StationIndex("grill"), -1);
  EXPECT_EQ(s.LatenessFor("delivery").warning_seconds, 480);
  EXPECT_EQ(s.LatenessFor("delivery").late_seconds, 720);
  EXPECT_EQ(s.LatenessFor("carryout").late_seconds, 900);
  KitchenSetup custom = s;
  custom.lateness_default = {100, 200};
  EXPECT_EQ(custom.LatenessFor("drive_thru").late_seconds, 200);
}

TEST(RouteOf, TheMostSpecificRuleWins) {
  KitchenSetup s = DefaultSetup();
  s.routes = {
      RouteRule{"", "side", {"oven", "cut"}},
      RouteRule{"sides", "", {"fryer", "cut"}},   // a category beats a kind
      RouteRule{"sides", "dessert", {"drinks"}},  // both beat either
      RouteRule{"", "pizza", {"make", "oven", "cut"}},
  };
  s.default_route = {"make"};
  // Kind only.
  EXPECT_EQ(RouteOf(s, Key("garlic_bread", "breads", "side", "regular")),
            (std::vector<std::string>{"oven", "cut"}));
  // Category beats kind, whichever is listed first.
  EXPECT_EQ(RouteOf(s, Key("wings", "sides", "side", "regular")),
            (std::vector<std::string>{"fryer", "cut"}));
  // Category and kind both match.
  EXPECT_EQ(RouteOf(s, Key("cookie", "sides", "dessert", "regular")),
            (std::vector<std::string>{"drinks"}));
  // A rule with both set does not apply when only one matches.
  EXPECT_EQ(RouteOf(s, Key("cookie", "desserts", "dessert", "regular")),
            (std::vector<std::string>{"make"}));
  // Nothing matches: the default route.
  EXPECT_EQ(RouteOf(s, Key("hat", "merch", "other", "")), (std::vector<std::string>{"make"}));
}

TEST(RouteOf, DefaultKitchenRoutesByKind) {
  const KitchenSetup s = DefaultSetup();
  EXPECT_EQ(RouteOf(s, Key("margherita", "pizzas", "pizza", "large")),
            (std::vector<std::string>{"make", "oven", "cut"}));
  EXPECT_EQ(RouteOf(s, Key("chicken_wings", "sides", "side", "regular")),
            (std::vector<std::string>{"oven", "cut"}));
  EXPECT_EQ(RouteOf(s, Key("brownie", "desserts", "dessert", "regular")),
            (std::vector<std::string>{"oven", "cut"}));
  EXPECT_EQ(RouteOf(s, Key("cola", "drinks", "drink", "bottle_2l")),
            (std::vector<std::string>{"drinks"}));
  EXPECT_EQ(RouteOf(s, Key("gift_card", "", "other", "")), (std::vector<std::string>{"make"}));
}

TEST(SecondsAt, TheMostSpecificTimeRowWins) {
  Station line{
      .id = "make", .name = "Make", .kind = StationKind::kLine, .staff = 1, .default_seconds = 10};
  line.times = {
      {"", "pizza", "", 40},            // kind
      {"", "pizza", "large", 50},       // kind + size
      {"margherita", "", "", 60},       // product
      {"margherita", "", "large", 70},  // product + size
  };
  EXPECT_EQ(SecondsAt(line, Key("margherita", "pizzas", "pizza", "large")), 70);
  EXPECT_EQ(SecondsAt(line, Key("margherita", "pizzas", "pizza", "small")), 60);
  EXPECT_EQ(SecondsAt(line, Key("hawaiian", "pizzas", "pizza", "large")), 50);
  EXPECT_EQ(SecondsAt(line, Key("hawaiian", "pizzas", "pizza", "small")), 40);
  EXPECT_EQ(SecondsAt(line, Key("cola", "drinks", "drink", "bottle_2l")), 10);
  // Listing order does not matter: reversed, the same rows give the same answers.
  std::reverse(line.times.begin(), line.times.end());
  EXPECT_EQ(SecondsAt(line, Key("margherita", "pizzas", "pizza", "large")), 70);
  EXPECT_EQ(SecondsAt(line, Key("margherita", "pizzas", "pizza", "small")), 60);
  EXPECT_EQ(SecondsAt(line, Key("hawaiian", "pizzas", "pizza", "large")), 50);
  EXPECT_EQ(SecondsAt(line, Key("hawaiian", "pizzas", "pizza", "small")), 40);
}

TEST(SecondsAt, OvensTakeTheirBakeTimeAndThePassNothing) {
  const KitchenSetup s = DefaultSetup();
  const ItemKey large = Key("margherita", "pizzas", "pizza", "large");
  EXPECT_EQ(SecondsAt(*s.FindStation("make"), large), 90);
  EXPECT_EQ(SecondsAt(*s.FindStation("make"), Key("margherita", "pizzas", "pizza", "medium")), 75);
  EXPECT_EQ(SecondsAt(*s.FindStation("oven"), large), 360);
  EXPECT_EQ(SecondsAt(*s.FindStation("cut"), large), 20);
  EXPECT_EQ(SecondsAt(*s.FindStation("drinks"), Key("cola", "drinks", "drink", "bottle_2l")), 15);
  EXPECT_EQ(SecondsAt(*s.FindStation("expo"), large), 0);
  Station deck{.id = "deck", .name = "Deck", .kind = StationKind::kDeck};
  deck.bake_seconds = 480;
  deck.slots = 6;
  EXPECT_EQ(SecondsAt(deck, large), 480);
}

TEST(DefaultSetup, IsValidAndAsDocumented) {
  const KitchenSetup s = DefaultSetup();
  EXPECT_TRUE(Validate(s)) << FieldsOf(Validate(s)).size();
  ASSERT_EQ(s.stations.size(), 6u);
  const Station& oven = *s.FindStation("oven");
  EXPECT_EQ(oven.kind, StationKind::kConveyor);
  EXPECT_EQ(oven.bake_seconds, 360);
  EXPECT_EQ(oven.belt_width, 2);
  EXPECT_EQ(oven.belt_length, 4);
  EXPECT_EQ(s.FindStation("make")->staff, 2);
  EXPECT_EQ(s.FindStation("expo")->kind, StationKind::kPass);
  EXPECT_EQ(s.FindStation("fryer")->default_seconds, 240);
  EXPECT_EQ(s.busy_wait_minutes, 45);
  EXPECT_FALSE(s.auto_busy);
  EXPECT_EQ(s.LatenessFor("dine_in").warning_seconds, 600);
}

TEST(ValidateSetup, NamesEveryBadStationField) {
  KitchenSetup s = DefaultSetup();
  s.stations[0].id = "Make Line";  // not an id
  s.stations[0].staff = 21;
  s.stations[0].times.push_back({"", "", "large", 30});  // neither product nor kind
  s.stations[0].times.push_back({"", "pizza", "", 3601});
  s.stations[0].times.push_back({"", "pie", "", 30});  // unknown kind
  s.stations[1].bake_seconds = 20;
  s.stations[1].belt_width = 0;
  s.stations[1].belt_length = 21;
  s.stations[2].name = "";
  s.stations[2].default_seconds = -1;
  s.stations[3].id = "cut";  // duplicate
  const auto status = Validate(s);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, core::ErrorCode::kValidation);
  const auto fields = FieldsOf(status);
  for (const char* f :
       {"stations[0].id", "stations[0].staff", "stations[0].times[5]",
        "stations[0].times[6].seconds", "stations[0].times[7].kind", "stations[1].bake_seconds",
        "stations[1].belt_width", "stations[1].belt_length", "stations[2].name",
        "stations[2].default_seconds", "stations[3].id"}) {
    EXPECT_TRUE(Has(fields, f)) << f;
  }
  // The broken make line id also breaks the routes that name "make".
  EXPECT_TRUE(Has(fields, "routes[0].stations[0]"));
  EXPECT_TRUE(Has(fields, "default_route[0]"));
}

TEST(ValidateSetup, DeckOvensNeedSlotsAndABakeTime) {
  KitchenSetup s = DefaultSetup();
  s.stations[1] = Station{.id = "oven", .name = "Deck", .kind = StationKind::kDeck};
  s.stations[1].bake_seconds = 3601;
  s.stations[1].slots = 41;
  EXPECT_EQ(FieldsOf(Validate(s)),
            (std::vector<std::string>{"stations[1].bake_seconds", "stations[1].slots"}));
  s.stations[1].bake_seconds = 600;
  s.stations[1].slots = 8;
  EXPECT_TRUE(Validate(s));
}

TEST(ValidateSetup, RoutesNameKnownStationsAndAtMostOneOven) {
  KitchenSetup s = DefaultSetup();
  s.stations.push_back(Station{.id = "deck", .name = "Deck", .kind = StationKind::kDeck});
  s.stations.back().bake_seconds = 600;
  s.stations.back().slots = 4;
  s.routes[0].stations = {"make", "oven", "deck"};  // two ovens
  s.routes[1].stations = {"grill", "cut"};          // unknown station
  s.routes[2].stations = {"oven", "expo"};          // the pass
  s.routes[3].stations = {};                        // empty
  s.routes.push_back({"", "drink", {"drinks"}});    // same kind as routes[3]
  s.routes.push_back({"", "", {"make"}});           // matches everything
  s.routes.push_back(
      {"pizzas", "pizza", {"make", "cut", "make", "cut", "make", "cut", "make", "cut", "make"}});
  s.default_route = {};
  const auto fields = FieldsOf(Validate(s));
  EXPECT_EQ(fields,
            (std::vector<std::string>{"routes[0].stations[2]", "routes[1].stations[0]",
                                      "routes[2].stations[1]", "routes[3].stations", "routes[4]",
                                      "routes[5]", "routes[6].stations", "default_route"}));
}

TEST(ValidateSetup, LatenessAndBusyWait) {
  KitchenSetup s = DefaultSetup();
  s.lateness["delivery"] = {600, 600};  // late must come after the warning
  s.lateness["carryout"] = {7201, 14400};
  s.lateness["drive_thru"] = {60, 120};  // not an order type
  s.lateness_default = {600, 14401};
  s.busy_wait_minutes = 4;
  EXPECT_EQ(FieldsOf(Validate(s)),
            (std::vector<std::string>{"lateness.carryout.warning_seconds",
                                      "lateness.delivery.late_seconds", "lateness.drive_thru",
                                      "lateness_default.late_seconds", "busy_wait_minutes"}));
  s = DefaultSetup();
  s.busy_wait_minutes = 241;
  EXPECT_EQ(FieldsOf(Validate(s)), (std::vector<std::string>{"busy_wait_minutes"}));
}

TEST(ValidateSetup, StationCountIsBounded) {
  KitchenSetup none = DefaultSetup();
  none.stations.clear();
  EXPECT_TRUE(Has(FieldsOf(Validate(none)), "stations"));
  KitchenSetup many = DefaultSetup();
  for (int i = 0; many.stations.size() < 21; ++i) {
    many.stations.push_back(Station{.id = "line" + std::to_string(i), .name = "Line"});
  }
  EXPECT_EQ(FieldsOf(Validate(many)), (std::vector<std::string>{"stations"}));
  many.stations.pop_back();
  EXPECT_TRUE(Validate(many));
}

TEST(ValidateSetup, AKitchenWithoutAPassIsFine) {
  KitchenSetup s = DefaultSetup();
  s.stations.pop_back();  // expo
  ASSERT_EQ(s.FindStation("expo"), nullptr);
  EXPECT_TRUE(Validate(s));
}

}  // namespace
}  // namespace vetahut::kitchen
