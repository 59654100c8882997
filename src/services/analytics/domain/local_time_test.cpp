#include "services/analytics/domain/local_time.hpp"

#include <gtest/gtest.h>

namespace vetahut::analytics {
namespace {

core::TimePoint Utc(const char* text) { return *core::ParseRfc3339(text); }
DayNumber Day(const char* text) { return *ParseDate(text); }

TEST(BusinessDate, ParsesOnlyRealDatesWrittenYearMonthDay) {
  EXPECT_EQ(ParseDate("1970-01-01"), 0);
  EXPECT_EQ(ParseDate("1970-01-02"), 1);
  EXPECT_EQ(ParseDate("1969-12-31"), -1);
  EXPECT_EQ(FormatDate(Day("2026-03-01")), "2026-03-01");
  EXPECT_EQ(Day("2024-03-01") - Day("2024-02-28"), 2);  // a leap year
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-00-10", "2026-3-1", "26-03-01", "2026/03/01", "2026-03-01T00",
                          "", "yyyy-mm-dd", "2026-03-0x", "+026-03-01"}) {
    EXPECT_FALSE(ParseDate(bad)) << bad;
  }
}

TEST(BusinessDate, IsTheStoresCalendarDayNotUtcs) {
  const StoreClock chicago("America/Chicago");
  ASSERT_TRUE(chicago.known());
  // 23:30 in Chicago on March 1st is already March 2nd in UTC.
  EXPECT_EQ(FormatDate(chicago.LocalDay(Utc("2026-03-02T05:30:00Z"))), "2026-03-01");
  EXPECT_EQ(chicago.LocalHour(Utc("2026-03-02T05:30:00Z")), 23);
  EXPECT_EQ(FormatDate(chicago.LocalDay(Utc("2026-03-02T06:00:00Z"))), "2026-03-02");
  EXPECT_EQ(chicago.LocalHour(Utc("2026-03-02T06:00:00Z")), 0);
  const StoreClock tokyo("Asia/Tokyo");
  EXPECT_EQ(FormatDate(tokyo.LocalDay(Utc("2026-03-01T15:00:00Z"))), "2026-03-02");
}

TEST(BusinessDate, LocalHoursFollowDaylightSavingBothWays) {
  const StoreClock ny("America/New_York");
  // Spring forward (2026-03-08 02:00 → 03:00): the hour after 01:xx is 03.
  EXPECT_EQ(ny.LocalHour(Utc("2026-03-08T06:59:59Z")), 1);
  EXPECT_EQ(ny.LocalHour(Utc("2026-03-08T07:00:00Z")), 3);
  // Fall back (2026-11-01 02:00 → 01:00): 01:xx happens twice, an hour apart in UTC.
  EXPECT_EQ(ny.LocalHour(Utc("2026-11-01T05:30:00Z")), 1);
  EXPECT_EQ(ny.LocalHour(Utc("2026-11-01T06:30:00Z")), 1);
  EXPECT_EQ(ny.LocalHour(Utc("2026-11-01T07:30:00Z")), 2);
  // Days start at local midnight, so the spring-forward day lasts 23 hours and the fall-back day 25.
  EXPECT_EQ(ny.StartOf(Day("2026-03-08")), Utc("2026-03-08T05:00:00Z"));
  EXPECT_EQ(ny.StartOf(Day("2026-03-09")) - ny.StartOf(Day("2026-03-08")), std::chrono::hours(23));
  EXPECT_EQ(ny.StartOf(Day("2026-11-02")) - ny.StartOf(Day("2026-11-01")), std::chrono::hours(25));
}

TEST(BusinessDate, ADayWhoseMidnightIsSkippedStartsAtTheTransition) {
  // Lebanon springs forward at midnight: 2026-03-29 has no 00:xx, it starts at 01:00 (UTC+3).
  const StoreClock beirut("Asia/Beirut");
  ASSERT_TRUE(beirut.known());
  const auto start = beirut.StartOf(Day("2026-03-29"));
  EXPECT_EQ(start, Utc("2026-03-28T22:00:00Z"));
  EXPECT_EQ(FormatDate(beirut.LocalDay(start)), "2026-03-29");
  EXPECT_EQ(beirut.LocalHour(start), 1);
  EXPECT_EQ(FormatDate(beirut.LocalDay(start - std::chrono::microseconds(1))), "2026-03-28");
}

TEST(BusinessDate, AnUnknownOrEmptyZoneIsUtcAndSaysSo) {
  for (const char* zone : {"", "Mars/Olympus_Mons"}) {
    const StoreClock clock(zone);
    EXPECT_FALSE(clock.known()) << zone;
    EXPECT_EQ(clock.LocalHour(Utc("2026-03-01T23:30:00Z")), 23);
    EXPECT_EQ(clock.StartOf(Day("2026-03-01")), Utc("2026-03-01T00:00:00Z"));
  }
}

TEST(BusinessDate, IsoWeekdaysAndWeeks) {
  EXPECT_EQ(IsoWeekday(Day("2026-03-02")), 1);  // a Monday
  EXPECT_EQ(IsoWeekday(Day("2026-03-01")), 7);  // a Sunday
  EXPECT_EQ(IsoWeek(Day("2026-01-01")), 1);     // a Thursday: week 1
  EXPECT_EQ(IsoWeek(Day("2026-12-31")), 53);
  EXPECT_EQ(IsoWeek(Day("2027-01-01")), 53);    // a Friday: still 2026's week 53
  EXPECT_EQ(IsoWeek(Day("2027-01-04")), 1);
}

}  // namespace
}  // namespace vetahut::analytics
