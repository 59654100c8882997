#include "services/integration/domain/delivery_policy.hpp"

#include <gtest/gtest.h>

namespace vetahut::integration {
namespace {

using namespace std::chrono;

TEST(RetryDelay, DoublesFromTheFirstWaitUpToTheCap) {
  const RetryPolicy policy{.first_retry = seconds(5), .max_retry = minutes(10)};
  EXPECT_EQ(RetryDelay(1, policy, 0), seconds(5));
  EXPECT_EQ(RetryDelay(2, policy, 0), seconds(10));
  EXPECT_EQ(RetryDelay(3, policy, 0), seconds(20));
  EXPECT_EQ(RetryDelay(7, policy, 0), seconds(320));
  EXPECT_EQ(RetryDelay(8, policy, 0), minutes(10));   // 640 s capped at 600
  EXPECT_EQ(RetryDelay(500, policy, 0), minutes(10)); // no overflow far out
  EXPECT_EQ(RetryDelay(0, policy, 0), seconds(5));    // defensive: as the first
}

TEST(RetryDelay, JitterSpreadsByAtMostAFifthEitherWay) {
  const RetryPolicy policy{.first_retry = seconds(10), .max_retry = hours(1)};
  EXPECT_EQ(RetryDelay(1, policy, 0.2), seconds(12));
  EXPECT_EQ(RetryDelay(1, policy, -0.2), seconds(8));
  EXPECT_EQ(RetryDelay(1, policy, 0.9), seconds(12));   // clamped
  EXPECT_EQ(RetryDelay(1, policy, -5.0), seconds(8));   // clamped
  EXPECT_EQ(RetryDelay(20, policy, 0.2), milliseconds(4320000));  // the cap is jittered too, so retries spread out
}

TEST(RetryDelay, RetryAfterLengthensButNeverPastTheCap) {
  const RetryPolicy policy{.first_retry = seconds(5), .max_retry = minutes(10)};
  EXPECT_EQ(RetryDelay(1, policy, 0, seconds(60)), seconds(60));
  EXPECT_EQ(RetryDelay(3, policy, 0, seconds(1)), seconds(20));  // shorter than ours: ours
  EXPECT_EQ(RetryDelay(1, policy, 0, hours(5)), minutes(10));
  EXPECT_EQ(ParseRetryAfter("120"), seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 7 "), seconds(7));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-3"), std::nullopt);
  EXPECT_EQ(ParseRetryAfter(""), std::nullopt);
}

TEST(Judge, TwoHundredsDeliverGoneStopsTheRestRetryUntilTheLastAttempt) {
  const RetryPolicy policy{.max_attempts = 3};
  EXPECT_EQ(Judge(200, 1, policy), AttemptVerdict::kDelivered);
  EXPECT_EQ(Judge(204, 3, policy), AttemptVerdict::kDelivered);
  EXPECT_EQ(Judge(299, 1, policy), AttemptVerdict::kDelivered);
  EXPECT_EQ(Judge(410, 1, policy), AttemptVerdict::kGone);
  EXPECT_EQ(Judge(500, 1, policy), AttemptVerdict::kRetry);
  EXPECT_EQ(Judge(301, 1, policy), AttemptVerdict::kRetry);  // redirects are not followed
  EXPECT_EQ(Judge(std::nullopt, 2, policy), AttemptVerdict::kRetry);
  EXPECT_EQ(Judge(429, 3, policy), AttemptVerdict::kGiveUp);
  EXPECT_EQ(Judge(std::nullopt, 3, policy), AttemptVerdict::kGiveUp);
}

TEST(ShouldDisable, NeedsBothTheCountAndTheAgeOfTheStreak) {
  const RetryPolicy policy{.disable_after_failures = 5, .disable_after = hours(24)};
  const core::TimePoint since = *core::ParseRfc3339("2026-11-01T00:00:00Z");
  EXPECT_FALSE(ShouldDisable(4, since, since + hours(30), policy));
  EXPECT_FALSE(ShouldDisable(50, since, since + hours(23), policy));
  EXPECT_TRUE(ShouldDisable(5, since, since + hours(24), policy));
}

}  // namespace
}  // namespace vetahut::integration
