// End to end: a few seconds of the dinner-peak scenario, at a tiny rate and a fast pace, against
// the real `vetahut serve --demo`: every step is measured and nothing fails.
#include <gtest/gtest.h>

#include "serve_process.hpp"
#include "workload.hpp"

namespace vetahut::loadgen {
namespace {

class LoadgenSmoke : public vetahut::testing::PlatformTest {};

TEST_F(LoadgenSmoke, DinnerPeakRunsWithoutErrorsAndMeasuresEveryStep) {
  vetahut::testing::ServeProcess server(data_dir_, env_, {"--demo"});
  const std::string url = server.WaitForUrl();
  ASSERT_FALSE(url.empty()) << server.Log();

  auto scenario = LoadScenario(std::string(LOADGEN_SCENARIOS) + "/dinner_peak.toml");
  ASSERT_TRUE(scenario) << scenario.error().ToString();
  scenario->stores.count = 2;
  scenario->session.customers = 2;
  scenario->session.quotes = {5, 6};
  scenario->session.customer_share = 0.5;  // the scenario's seed makes both kinds of session
  scenario->limits.drain_s = 20;
  RunOptions options;
  options.base_url = url;
  options.time_scale = 0.05;  // 4.5 s of arrivals; think times 10–40 ms, the cook's bumps 15–45 ms
  options.rate_scale = 0.5;  // ≤ 4 sessions/s
  options.progress = false;
  auto outcome = RunScenario(*scenario, options);
  ASSERT_EQ(outcome.setup_error, "");
  const Report& r = outcome.report;
  SCOPED_TRACE(FormatReport(r));
  EXPECT_GT(r.sessions_scheduled, 3u);
  EXPECT_EQ(r.sessions_started, r.sessions_scheduled);
  EXPECT_EQ(r.handed_over, r.sessions_scheduled);
  // Guests check out by card and follow their tracking link to the hand-over too.
  EXPECT_GT(r.guest_orders, 0u);
  EXPECT_LT(r.guest_orders, r.orders_placed);
  EXPECT_EQ(r.total_errors, 0u);
  std::set<std::string> measured;
  for (const auto& s : r.steps) {
    EXPECT_GT(s.count, 0u) << s.name;
    EXPECT_GT(s.max_us, 0) << s.name;
    measured.insert(s.name);
  }
  for (const char* step : {"stores.find", "menu.read", "quote", "card.token", "order.place",
                           "order.track", "kitchen.list", "kitchen.bump"}) {
    EXPECT_TRUE(measured.count(step)) << "no samples for " << step;
  }
  EXPECT_TRUE(server.Alive());
}

}  // namespace
}  // namespace vetahut::loadgen
