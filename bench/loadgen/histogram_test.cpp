#include "histogram.hpp"

#include <gtest/gtest.h>

#include <random>

namespace vetahut::loadgen {
namespace {

TEST(LatencyHistogram, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.Count(), 0u);
  EXPECT_EQ(h.Percentile(99), 0);
  EXPECT_EQ(h.Max(), 0);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(50), 50);
  EXPECT_EQ(h.Percentile(99), 99);
  EXPECT_EQ(h.Percentile(100), 100);
  EXPECT_EQ(h.Min(), 1);
  EXPECT_DOUBLE_EQ(h.Mean(), 50.5);
}

TEST(LatencyHistogram, PercentilesWithinOneBucketOfTheTruth) {
  LatencyHistogram h;
  for (int v = 1; v <= 1'000'000; ++v) h.Record(v);  // 1 µs .. 1 s, uniform
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const double truth = p / 100 * 1'000'000;
    EXPECT_NEAR(static_cast<double>(h.Percentile(p)), truth, truth / 64) << "p" << p;
    EXPECT_GE(static_cast<double>(h.Percentile(p)), truth - 1) << "never below the true percentile";
  }
  EXPECT_EQ(h.Max(), 1'000'000);
  EXPECT_EQ(h.Percentile(100), 1'000'000);
}

TEST(LatencyHistogram, ATailOfOutliersShowsInTheHighPercentilesOnly) {
  // The coordinated-omission picture: 99 % fast, 1 % stalled for a second.
  LatencyHistogram h;
  for (int i = 0; i < 9900; ++i) h.Record(1000);
  for (int i = 0; i < 100; ++i) h.Record(1'000'000);
  EXPECT_NEAR(static_cast<double>(h.Percentile(50)), 1000, 1000 / 64.0);
  EXPECT_NEAR(static_cast<double>(h.Percentile(99)), 1000, 1000 / 64.0);
  EXPECT_NEAR(static_cast<double>(h.Percentile(99.9)), 1'000'000, 1'000'000 / 64.0);
  EXPECT_EQ(h.Max(), 1'000'000);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937 rng(3);
  std::lognormal_distribution<double> d(8, 1.5);
  LatencyHistogram a, b, all;
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<std::int64_t>(d(rng));
    (i % 2 ? a : b).Record(v);
    all.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.Count(), all.Count());
  EXPECT_EQ(a.Max(), all.Max());
  EXPECT_EQ(a.Min(), all.Min());
  for (double p : {50.0, 99.0, 99.9}) EXPECT_EQ(a.Percentile(p), all.Percentile(p));
}

TEST(LatencyHistogram, NegativeAndHugeValuesAreClamped) {
  LatencyHistogram h;
  h.Record(-5);
  h.Record(std::int64_t{1} << 50);
  EXPECT_EQ(h.Count(), 2u);
  EXPECT_EQ(h.Min(), 0);
  EXPECT_EQ(h.Max(), std::int64_t{1} << 50);
  EXPECT_EQ(h.Percentile(100), std::int64_t{1} << 50);
}

}  // namespace
}  // namespace vetahut::loadgen
