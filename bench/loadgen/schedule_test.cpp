#include "schedule.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace vetahut::loadgen {
namespace {

TEST(ArrivalSchedule, ConstantUniformRateSpacesArrivalsEvenly) {
  const auto t = ArrivalTimes({{10, 4, 4}}, ArrivalProcess::kUniform, 1);
  ASSERT_EQ(t.size(), 40u);
  EXPECT_NEAR(t[0], 0.125, 1e-9);  // the k-th where the expected count reaches k + ½
  for (std::size_t i = 1; i < t.size(); ++i) EXPECT_NEAR(t[i] - t[i - 1], 0.25, 1e-9);
  EXPECT_LT(t.back(), 10.0);
}

TEST(ArrivalSchedule, RampPutsArrivalsWhereTheRateIs) {
  // 0 → 10/s over 10 s: 50 arrivals, a quarter of them in the first half (the integral is t²/2).
  const std::vector<RatePhase> ramp{{10, 0, 10}};
  const auto t = ArrivalTimes(ramp, ArrivalProcess::kUniform, 1);
  ASSERT_EQ(t.size(), 50u);
  const auto first_half = std::count_if(t.begin(), t.end(), [](double x) { return x < 5; });
  EXPECT_NEAR(static_cast<double>(first_half), 12.5, 1.0);
  EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
  EXPECT_NEAR(RateAt(ramp, 2.5), 2.5, 1e-9);
  EXPECT_NEAR(ExpectedArrivals(ramp, 10), 50, 1e-9);
}

TEST(ArrivalSchedule, RampDownMirrorsRampUp) {
  const auto up = ArrivalTimes({{10, 0, 10}}, ArrivalProcess::kUniform, 1);
  const auto down = ArrivalTimes({{10, 10, 0}}, ArrivalProcess::kUniform, 1);
  ASSERT_EQ(up.size(), down.size());
  for (std::size_t i = 0; i < up.size(); ++i)
    EXPECT_NEAR(down[i], 10 - up[up.size() - 1 - i], 1e-6);
}

TEST(ArrivalSchedule, PhasesFollowEachOther) {
  const std::vector<RatePhase> phases{{5, 2, 2}, {5, 20, 20}, {5, 2, 2}};
  EXPECT_DOUBLE_EQ(TotalSeconds(phases), 15);
  EXPECT_DOUBLE_EQ(RateAt(phases, 7), 20);
  EXPECT_DOUBLE_EQ(RateAt(phases, 15), 0);
  const auto t = ArrivalTimes(phases, ArrivalProcess::kUniform, 1);
  EXPECT_EQ(t.size(), 120u);
  EXPECT_EQ(std::count_if(t.begin(), t.end(), [](double x) { return x >= 5 && x < 10; }), 100);
}

TEST(ArrivalSchedule, PoissonMatchesTheRateOnAverageAndRepeatsWithTheSeed) {
  const std::vector<RatePhase> phases{{100, 10, 30}};  // 2000 expected
  const auto a = ArrivalTimes(phases, ArrivalProcess::kPoisson, 7);
  const auto b = ArrivalTimes(phases, ArrivalProcess::kPoisson, 7);
  const auto c = ArrivalTimes(phases, ArrivalProcess::kPoisson, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NEAR(static_cast<double>(a.size()), 2000, 4 * std::sqrt(2000.0));
  const auto late =
      std::count_if(a.begin(), a.end(), [](double x) { return x >= 50; });  // 1250 expected
  EXPECT_NEAR(static_cast<double>(late), 1250, 4 * std::sqrt(1250.0));
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
}

TEST(ArrivalSchedule, ZeroRateMeansNoArrivals) {
  EXPECT_TRUE(ArrivalTimes({{10, 0, 0}}, ArrivalProcess::kUniform, 1).empty());
  EXPECT_TRUE(ArrivalTimes({{10, 0, 0}}, ArrivalProcess::kPoisson, 1).empty());
}

TEST(ArrivalSchedule, ScalingShortensAndThinsTheRun) {
  const auto scaled = Scaled({{60, 2, 10}}, 0.1, 0.5);
  EXPECT_DOUBLE_EQ(scaled[0].seconds, 6);
  EXPECT_DOUBLE_EQ(scaled[0].from_rate, 1);
  EXPECT_DOUBLE_EQ(scaled[0].to_rate, 5);
}

}  // namespace
}  // namespace vetahut::loadgen
