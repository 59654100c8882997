#include "lib/core/clock.hpp"

#include <gtest/gtest.h>

namespace vetahut::core {
namespace {

using namespace std::chrono;

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  TimePoint t = time_point_cast<microseconds>(sys_days{2026y / 11 / 24} + 7h + 48min + 15s + 123456us);
  EXPECT_EQ(FormatRfc3339(t), "2026-11-24T07:48:15.123Z");
}

TEST(Rfc3339, ParsesOffsetsIntoUtc) {
  auto utc = ParseRfc3339("2026-03-29T01:30:00Z");
  auto berlin = ParseRfc3339("2026-03-29T03:30:00+02:00");
  ASSERT_TRUE(utc && berlin);
  EXPECT_EQ(*utc, *berlin);
  auto ny = ParseRfc3339("2026-03-28T21:30:00.5-04:00");
  ASSERT_TRUE(ny);
  EXPECT_EQ(*ny - *utc, 500ms);
}

TEST(Rfc3339, RejectsMalformedText) {
  for (const char* bad : {"", "2026-11-24", "2026-11-24T07:48:15", "2026-13-01T00:00:00Z",
                          "2026-02-30T00:00:00Z", "2026-11-24T25:00:00Z", "2026-11-24T07:48:15Zjunk",
                          "2026-11-24T07:48:15+0100", "2026-11-24T07:48:15.Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
}

TEST(Rfc3339, RoundTrips) {
  TimePoint t = SystemClock::Instance().Now();
  auto parsed = ParseRfc3339(FormatRfc3339(t));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(floor<milliseconds>(*parsed), floor<milliseconds>(t));
}

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock(TimePoint{} + 1000s);
  auto before = clock.Now();
  EXPECT_EQ(clock.Now(), before);
  clock.Advance(5s);
  EXPECT_EQ(clock.Now() - before, 5s);
}

}  // namespace
}  // namespace vetahut::core
