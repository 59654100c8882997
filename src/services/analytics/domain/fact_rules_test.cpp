#include "services/analytics/domain/fact_rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace vetahut::analytics {
namespace {

constexpr std::int64_t kMinute = 60'000'000;

TEST(FinalStatus, IsTheLatestMoveAndSameInstantMovesGoByTheOrdersLife) {
  EXPECT_FALSE(FinalStatus({}));
  EXPECT_EQ(FinalStatus({{"confirmed", 1}, {"preparing", 2}, {"picked_up", 9}, {"baking", 5}})->status, "picked_up");
  // The kitchen can move an order through several statuses in one microsecond.
  EXPECT_EQ(FinalStatus({{"ready", 7}, {"preparing", 7}, {"baking", 7}})->status, "ready");
  EXPECT_EQ(FinalStatus({{"picked_up", 7}, {"refunded", 9}})->status, "refunded");
  EXPECT_TRUE(IsNoSale("cancelled"));
  EXPECT_TRUE(IsNoSale("rejected"));
  EXPECT_FALSE(IsNoSale("refunded"));
  EXPECT_TRUE(IsHandedOver("served"));
}

TEST(TicketTimes, KeepTheFirstTimeOfEachStageAndMeasureThem) {
  TicketTimes t;
  const std::int64_t fired = 1000 * kMinute;
  Observe(t, {"queued", fired, fired, fired + 20 * kMinute});
  Observe(t, {"making", fired + 2 * kMinute, fired, fired + 20 * kMinute});
  Observe(t, {"in_oven", fired + 5 * kMinute, fired, fired + 21 * kMinute});
  Observe(t, {"ready", fired + 12 * kMinute, fired, fired + 10 * kMinute});  // told 10 min by the time it was ready
  Observe(t, {"in_oven", fired + 13 * kMinute, fired, fired + 25 * kMinute});  // a recall
  Observe(t, {"ready", fired + 15 * kMinute, fired, fired + 25 * kMinute});
  EXPECT_EQ(t.WaitSeconds(), 120);
  EXPECT_EQ(t.MakeSeconds(), 180);
  EXPECT_EQ(t.BakeSeconds(), 420);
  EXPECT_EQ(t.PrepSeconds(), 720);
  EXPECT_EQ(t.LateSeconds(), 120);  // the first ready against what it promised
  EXPECT_EQ(t.status, "ready");
  EXPECT_EQ(t.KitchenStart(), fired);
}

TEST(TicketTimes, AreTheSameWhateverOrderTheEventsArrive) {
  const std::int64_t base = 5000 * kMinute;
  std::vector<TicketObservation> events = {{"queued", base, base, base + 15 * kMinute},
                                           {"making", base + kMinute, base, base + 16 * kMinute},
                                           {"in_oven", base + 3 * kMinute, base, base + 17 * kMinute},
                                           {"ready", base + 11 * kMinute, base, base + 14 * kMinute},
                                           {"handed_off", base + 12 * kMinute, base, base + 18 * kMinute}};
  TicketTimes in_order;
  for (const auto& e : events) Observe(in_order, e);
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::shuffle(events.begin(), events.end(), rng);
    TicketTimes t;
    for (const auto& e : events) Observe(t, e);
    EXPECT_EQ(t.PrepSeconds(), in_order.PrepSeconds());
    EXPECT_EQ(t.LateSeconds(), in_order.LateSeconds());
    EXPECT_EQ(t.promised_ready, base + 14 * kMinute);
    EXPECT_EQ(t.status, "handed_off");
    EXPECT_EQ(t.first_seen, base);
  }
}

TEST(DeliveryTimes, MeasureTheRoadAndTheEtaToldWhenItLeft) {
  const std::int64_t base = 7000 * kMinute;
  std::vector<DeliveryObservation> events = {{"waiting", base, std::nullopt, std::nullopt},
                                             {"assigned", base + kMinute, "drv_1", std::nullopt},
                                             {"out_for_delivery", base + 2 * kMinute, "drv_1", base + 17 * kMinute},
                                             {"delivered", base + 20 * kMinute, "drv_1", base + 19 * kMinute}};
  std::mt19937 rng(7);
  for (int round = 0; round < 30; ++round) {
    std::shuffle(events.begin(), events.end(), rng);
    DeliveryTimes d;
    for (const auto& e : events) Observe(d, e);
    EXPECT_EQ(d.ToDoorSeconds(), 18 * 60);
    EXPECT_EQ(d.EtaErrorSeconds(), 3 * 60);  // against the ETA of the dispatch, not the later one
    EXPECT_EQ(d.driver_id, "drv_1");
    EXPECT_EQ(d.status, "delivered");
    EXPECT_EQ(d.Start(), base + 2 * kMinute);
  }
}

}  // namespace
}  // namespace vetahut::analytics
