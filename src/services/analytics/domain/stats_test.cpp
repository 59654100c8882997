#include "services/analytics/domain/stats.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace vetahut::analytics {
namespace {

TEST(Percentile, InterpolatesBetweenTheClosestRanksLikePercentileCont) {
  EXPECT_FALSE(Percentile({}, 50));
  EXPECT_EQ(Percentile({7}, 90), 7);
  EXPECT_EQ(Percentile({1, 2, 3, 4}, 50), 2.5);
  EXPECT_EQ(Percentile({4, 1, 3, 2}, 50), 2.5);  // order does not matter
  // Ten values 10..100: p90 lies 0.1 of the way from 90 to 100 (rank 8.1).
  EXPECT_NEAR(*Percentile({100, 90, 80, 70, 60, 50, 40, 30, 20, 10}, 90), 91.0, 1e-9);
  EXPECT_EQ(Percentile({5, 1, 9}, 0), 1);
  EXPECT_EQ(Percentile({5, 1, 9}, 100), 9);
  EXPECT_EQ(Percentile({-120, 60, 0}, 50), 0);  // early tickets are negative seconds
}

TEST(Percentile, SummaryCountsAndAverages) {
  const auto s = Summarize({60, 120, 180, 240, 600});
  EXPECT_EQ(s.count, 5);
  EXPECT_EQ(s.p50, 180);
  EXPECT_NEAR(*s.p90, 456, 1e-9);
  EXPECT_EQ(s.mean, 240);
  EXPECT_FALSE(Summarize({}).p50);
}

TEST(Change, IsAPercentOfThePreviousPeriodOrNothingFromZero) {
  EXPECT_EQ(ChangePercent(150, 100), 50.0);
  EXPECT_EQ(ChangePercent(50, 100), -50.0);
  EXPECT_EQ(ChangePercent(1, 3), -66.7);
  EXPECT_FALSE(ChangePercent(10, 0));
  EXPECT_EQ(Share(1, 4), 0.25);
  EXPECT_FALSE(Share(0, 0));
}

TEST(Money, DecimalTextKeepsEveryCent) {
  EXPECT_EQ(DecimalAmount(1299, 2), "12.99");
  EXPECT_EQ(DecimalAmount(5, 2), "0.05");
  EXPECT_EQ(DecimalAmount(-5, 2), "-0.05");
  EXPECT_EQ(DecimalAmount(-1299, 2), "-12.99");
  EXPECT_EQ(DecimalAmount(0, 2), "0.00");
  EXPECT_EQ(DecimalAmount(1500, 0), "1500");
  EXPECT_EQ(DecimalAmount(1234, 3), "1.234");
  EXPECT_EQ(DecimalAmount(std::numeric_limits<std::int64_t>::min(), 2), "-92233720368547758.08");
}

}  // namespace
}  // namespace vetahut::analytics
