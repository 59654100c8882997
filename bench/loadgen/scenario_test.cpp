#include "scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace vetahut::loadgen {
namespace {

constexpr const char* kMinimal = R"(
name = "tiny"
[arrivals]
phases = [{ seconds = 10, rate = 2 }]
)";

std::string ErrorOf(std::string_view text) {
  auto s = ParseScenario(text, "test.toml");
  return s ? "parsed" : s.error().ToString();
}

TEST(ScenarioParse, MinimalScenarioTakesTheDefaults) {
  auto s = ParseScenario(kMinimal, "test.toml");
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->name, "tiny");
  ASSERT_EQ(s->phases.size(), 1u);
  EXPECT_DOUBLE_EQ(s->phases[0].from_rate, 2);
  EXPECT_DOUBLE_EQ(s->phases[0].to_rate, 2);
  EXPECT_EQ(s->process, ArrivalProcess::kPoisson);
  EXPECT_EQ(s->session.quotes.min, 5);
  EXPECT_EQ(s->session.quotes.max, 15);
  EXPECT_FALSE(s->menu_publish);
}

TEST(ScenarioParse, ReadsEverySection) {
  auto s = ParseScenario(R"(
name = "full"
seed = 9
[arrivals]
process = "uniform"
phases = [{ seconds = 5, from = 1, to = 3.5 }, { seconds = 2, rate = 0 }]
[stores]
count = 4
[session]
quotes = [2, 3]
think_ms = 0
coupon_share = 0.5
coupon = "PIZZA20"
toppings = ["mushrooms"]
[kitchen]
poll_ms = 250
bump_ms = [10, 20]
[menu_publish]
at_s = 3
watch_ms = 100
[limits]
connections = 16
)",
                         "full.toml");
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->seed, 9u);
  EXPECT_EQ(s->process, ArrivalProcess::kUniform);
  EXPECT_DOUBLE_EQ(s->phases[0].to_rate, 3.5);
  EXPECT_EQ(s->stores.count, 4);
  EXPECT_EQ(s->session.think_ms.min, 0);
  EXPECT_EQ(s->session.think_ms.max, 0);
  EXPECT_EQ(s->session.toppings, std::vector<std::string>{"mushrooms"});
  EXPECT_EQ(s->kitchen.bump_ms.max, 20);
  ASSERT_TRUE(s->menu_publish);
  EXPECT_EQ(s->menu_publish->market, "USD");
  EXPECT_EQ(s->menu_publish->deadline_ms, 1000);
  EXPECT_EQ(s->menu_publish->watch_ms, 100);
  EXPECT_EQ(s->limits.connections, 16);
}

TEST(ScenarioParse, SyntaxErrorNamesLineAndColumn) {
  EXPECT_EQ(ErrorOf("name = \"x\"\n[arrivals\n").substr(0, 14), "test.toml:2:10");
}

TEST(ScenarioParse, UnknownKeyIsRefusedWithItsPlace) {
  EXPECT_EQ(ErrorOf(std::string(kMinimal) + "[session]\nqoutes = 3\n"),
            "test.toml:6:1: session.qoutes: unknown key (known here: quotes, think_ms, "
            "returning_share, customer_share, card_share, "
            "coupon_share, coupon, customers, track_timeout_s, products, sizes, toppings)");
}

TEST(ScenarioParse, WrongTypeNamesTheKeyAndWhatItGot) {
  EXPECT_EQ(ErrorOf(std::string(kMinimal) + "[stores]\ncount = \"three\"\n"),
            "test.toml:6:9: stores.count: must be an integer, got a string");
}

TEST(ScenarioParse, OutOfRangeValuesAreRefused) {
  EXPECT_EQ(ErrorOf(std::string(kMinimal) + "[session]\ncard_share = 1.5\n"),
            "test.toml:6:14: session.card_share: must be between 0 and 1, got 1.5");
  EXPECT_EQ(ErrorOf(std::string(kMinimal) + "[session]\nquotes = [9, 3]\n"),
            "test.toml:6:10: session.quotes: min (9) must not exceed max (3)");
}

TEST(ScenarioParse, PhasesMustBeComplete) {
  EXPECT_EQ(ErrorOf("name = \"x\"\n[arrivals]\nphases = [{ seconds = 5, from = 1 }]\n"),
            "test.toml:3:11: arrivals.phases[0].to: is required (a number)");
  EXPECT_EQ(ErrorOf("name = \"x\"\n[arrivals]\nphases = []\n"),
            "test.toml:3:10: arrivals.phases: must hold at least one phase");
  EXPECT_EQ(ErrorOf("name = \"x\"\n[arrivals]\nphases = [{ seconds = 5, rate = 1, to = 2 }]\n"),
            "test.toml:3:33: arrivals.phases[0].rate: give either rate (constant) or from and to "
            "(a ramp), not both");
  EXPECT_EQ(
      ErrorOf(
          "name = \"x\"\n[arrivals]\nprocess = \"bursty\"\nphases = [{ seconds = 5, rate = 1 }]\n"),
      "test.toml:3:11: arrivals.process: must be poisson or uniform, got 'bursty'");
}

TEST(ScenarioParse, RequiredPartsAreNamed) {
  EXPECT_EQ(ErrorOf("[arrivals]\nphases = [{ seconds = 5, rate = 1 }]\n"),
            "test.toml:1:1: name: is required (a string)");
  EXPECT_EQ(ErrorOf("name = \"x\"\n"), "test.toml:1:1: arrivals: is required (a table)");
}

TEST(ScenarioParse, PublishMustFallWithinTheRun) {
  EXPECT_EQ(
      ErrorOf(std::string(kMinimal) + "[menu_publish]\nat_s = 12\n"),
      "test.toml:6:8: menu_publish.at_s: must fall within the run (10 s of arrivals), got 12");
}

TEST(ScenarioParse, CouponSessionsNeedACoupon) {
  EXPECT_EQ(ErrorOf(std::string(kMinimal) + "[session]\ncoupon_share = 0.5\ncoupon = \"\"\n"),
            "test.toml:7:10: session.coupon: must name a coupon when coupon_share > 0");
}

TEST(ScenarioParse, ScalingShortensEveryDuration) {
  auto s =
      ParseScenario(std::string(kMinimal) +
                        "[session]\nthink_ms = [100, 300]\n[kitchen]\npoll_ms = 40\nbump_ms = 200\n"
                        "[menu_publish]\nat_s = 5\n",
                    "test.toml");
  ASSERT_TRUE(s) << s.error().ToString();
  const Scenario fast = ScaledScenario(*s, 0.1, 3);
  EXPECT_DOUBLE_EQ(fast.phases[0].seconds, 1);
  EXPECT_DOUBLE_EQ(fast.phases[0].from_rate, 6);
  EXPECT_EQ(fast.session.think_ms.min, 10);
  EXPECT_EQ(fast.session.think_ms.max, 30);
  EXPECT_EQ(fast.kitchen.bump_ms.min, 20);
  EXPECT_EQ(fast.kitchen.poll_ms, 10);  // never below 10 ms
  EXPECT_DOUBLE_EQ(fast.menu_publish->at_s, 0.5);
}

TEST(ScenarioParse, MissingFileIsAnError) {
  auto s = LoadScenario("/nonexistent/scenario.toml");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().ToString(), "/nonexistent/scenario.toml: cannot read the file");
}

TEST(ScenarioParse, EveryShippedScenarioParses) {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(LOADGEN_SCENARIOS)) {
    if (entry.path().extension() != ".toml") continue;
    auto s = LoadScenario(entry.path().string());
    EXPECT_TRUE(s) << s.error().ToString();
    ++seen;
  }
  EXPECT_GE(seen, 3);
}

}  // namespace
}  // namespace vetahut::loadgen
