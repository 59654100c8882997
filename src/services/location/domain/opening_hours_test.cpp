#include "services/location/domain/opening_hours.hpp"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace vetahut::location {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr int kSun = 0, kMon = 1, kTue = 2, kWed = 3, kThu = 4, kFri = 5, kSat = 6;

core::TimePoint Utc(std::string_view text) {
  auto t = core::ParseRfc3339(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(core::TimePoint{});
}

/// "2026-03-08T15:00Z" for whole minutes, full RFC 3339 otherwise, so a stray second shows.
std::string Iso(core::TimePoint t) {
  if (t != date::floor<minutes>(t)) return core::FormatRfc3339(t);
  return date::format("%FT%RZ", date::floor<minutes>(t));
}
std::string Iso(const std::optional<core::TimePoint>& t) { return t ? Iso(*t) : "none"; }
std::vector<std::string> Iso(const std::vector<OpenInterval>& intervals) {
  std::vector<std::string> out;
  for (const auto& i : intervals) out.push_back(Iso(i.open) + " – " + Iso(i.close));
  return out;
}

const date::time_zone* NewYork() { return date::locate_zone("America/New_York"); }
const date::time_zone* Berlin() { return date::locate_zone("Europe/Berlin"); }

WeeklyHours EveryDay(int open, int close) {
  WeeklyHours h;
  for (int d = 0; d < 7; ++d) h.spans.push_back({d, open, close});
  return h;
}

WeeklyHours OneSpan(int weekday, int open, int close) {
  return WeeklyHours{{{weekday, open, close}}, {}};
}

std::vector<std::string> FieldsOf(const core::Status& s) {
  std::vector<std::string> out;
  if (!s) {
    for (const auto& f : s.error().fields) out.push_back(f.field);
  }
  return out;
}

constexpr int At(int h, int m = 0) { return h * 60 + m; }

// ---- overnight and merging ----------------------------------------------------------------------

TEST(OpeningHours, OvernightSpanStaysOpenPastMidnight) {
  // Friday 2026-06-12, 17:00–02:00 EDT (UTC-4).
  OpeningHours h(NewYork(), OneSpan(kFri, At(17), At(2)));

  auto at_0130 = h.At(Utc("2026-06-13T05:30:00Z"));  // Saturday 01:30 local
  EXPECT_TRUE(at_0130.open_now);
  EXPECT_EQ(Iso(at_0130.closes_at), "2026-06-13T06:00Z");  // 02:00 local
  EXPECT_FALSE(at_0130.next_open_at);

  auto at_0200 = h.At(Utc("2026-06-13T06:00:00Z"));  // closing instant itself: closed (half-open)
  EXPECT_FALSE(at_0200.open_now);
  EXPECT_FALSE(at_0200.closes_at);
  EXPECT_EQ(Iso(at_0200.next_open_at), "2026-06-19T21:00Z");  // next Friday 17:00

  EXPECT_FALSE(h.At(Utc("2026-06-12T20:59:00Z")).open_now);
  EXPECT_TRUE(h.At(Utc("2026-06-12T21:00:00Z")).open_now);
}

TEST(OpeningHours, SpansTouchingAtMidnightMergeIntoOneInterval) {
  WeeklyHours w{{{kFri, At(17), 1440}, {kSat, 0, At(2)}}, {}};
  OpeningHours h(NewYork(), w);
  EXPECT_EQ(Iso(h.Intervals(Utc("2026-06-12T04:00:00Z"), Utc("2026-06-14T04:00:00Z"))),
            (std::vector<std::string>{"2026-06-12T21:00Z – 2026-06-13T06:00Z"}));
  auto status = h.At(Utc("2026-06-13T03:00:00Z"));  // Friday 23:00 local
  EXPECT_TRUE(status.open_now);
  EXPECT_EQ(Iso(status.closes_at), "2026-06-13T06:00Z");  // not midnight
}

TEST(OpeningHours, IntervalsAreClippedToTheWindow) {
  OpeningHours h(NewYork(), OneSpan(kFri, At(17), At(2)));
  EXPECT_EQ(
      Iso(h.Intervals(Utc("2026-06-13T04:00:00Z"), Utc("2026-06-14T04:00:00Z"))),  // Saturday local
      (std::vector<std::string>{"2026-06-13T04:00Z – 2026-06-13T06:00Z"}));
  EXPECT_TRUE(h.Intervals(Utc("2026-06-13T06:00:00Z"), Utc("2026-06-13T06:00:00Z")).empty());
}

TEST(OpeningHours, WholeDaySpansEveryDayNeverClose) {
  OpeningHours h(NewYork(), EveryDay(0, 1440));
  auto status = h.At(Utc("2026-06-13T06:00:00Z"));
  EXPECT_TRUE(status.open_now);
  EXPECT_FALSE(status.closes_at);  // open beyond the look-ahead
  EXPECT_EQ(h.Intervals(Utc("2026-03-01T00:00:00Z"), Utc("2026-04-01T00:00:00Z")).size(), 1u);
}

// ---- DST: daytime hours keep their local times --------------------------------------------------

TEST(OpeningHours, DaytimeHoursKeepLocalTimesAcrossNewYorkSpringForward) {
  OpeningHours h(NewYork(), EveryDay(At(11), At(23)));
  EXPECT_EQ(
      Iso(h.Intervals(Utc("2026-03-07T05:00:00Z"), Utc("2026-03-09T04:00:00Z"))),
      (std::vector<std::string>{"2026-03-07T16:00Z – 2026-03-08T04:00Z",  // Sat 11:00–23:00 EST
                                "2026-03-08T15:00Z – 2026-03-09T03:00Z"}));  // Sun 11:00–23:00 EDT
}

TEST(OpeningHours, DaytimeHoursKeepLocalTimesAcrossNewYorkFallBack) {
  OpeningHours h(NewYork(), EveryDay(At(11), At(23)));
  EXPECT_EQ(
      Iso(h.Intervals(Utc("2026-10-31T04:00:00Z"), Utc("2026-11-02T05:00:00Z"))),
      (std::vector<std::string>{"2026-10-31T15:00Z – 2026-11-01T03:00Z",  // Sat 11:00–23:00 EDT
                                "2026-11-01T16:00Z – 2026-11-02T04:00Z"}));  // Sun 11:00–23:00 EST
}

TEST(OpeningHours, DaytimeHoursKeepLocalTimesAcrossBerlinChanges) {
  OpeningHours h(Berlin(), EveryDay(At(11), At(23)));
  EXPECT_EQ(Iso(h.Intervals(Utc("2026-03-27T23:00:00Z"), Utc("2026-03-29T22:00:00Z"))),
            (std::vector<std::string>{"2026-03-28T10:00Z – 2026-03-28T22:00Z",     // Sat CET
                                      "2026-03-29T09:00Z – 2026-03-29T21:00Z"}));  // Sun CEST
  EXPECT_EQ(Iso(h.Intervals(Utc("2026-10-23T22:00:00Z"), Utc("2026-10-25T23:00:00Z"))),
            (std::vector<std::string>{"2026-10-24T09:00Z – 2026-10-24T21:00Z",     // Sat CEST
                                      "2026-10-25T10:00Z – 2026-10-25T22:00Z"}));  // Sun CET
}

// ---- DST: overnight spans
// ------------------------------------------------------------------------

TEST(OpeningHours, OvernightSpanAcrossFallBackIsOpenTenRealHours) {
  // NY: 02:00 on 2026-11-01 is unambiguous EST; 17:00 EDT → 02:00 EST.
  OpeningHours ny(NewYork(), OneSpan(kSat, At(17), At(2)));
  auto ny_iv = ny.Intervals(Utc("2026-10-31T00:00:00Z"), Utc("2026-11-02T00:00:00Z"));
  ASSERT_EQ(Iso(ny_iv), (std::vector<std::string>{"2026-10-31T21:00Z – 2026-11-01T07:00Z"}));
  EXPECT_EQ(ny_iv[0].close - ny_iv[0].open, hours(10));

  // Berlin: 02:00 on 2026-10-25 happens twice; a close takes the later one (02:00 CET = 01:00Z).
  OpeningHours berlin(Berlin(), OneSpan(kSat, At(17), At(2)));
  auto de_iv = berlin.Intervals(Utc("2026-10-24T00:00:00Z"), Utc("2026-10-26T00:00:00Z"));
  ASSERT_EQ(Iso(de_iv), (std::vector<std::string>{"2026-10-24T15:00Z – 2026-10-25T01:00Z"}));
  EXPECT_EQ(de_iv[0].close - de_iv[0].open, hours(10));
}

TEST(OpeningHours, CloseInTheRepeatedHourTakesTheLaterInstant) {
  // NY 01:30 on 2026-11-01 is 05:30Z (EDT) and 06:30Z (EST); the store stays open through both.
  OpeningHours h(NewYork(), OneSpan(kSat, At(17), At(1, 30)));
  EXPECT_EQ(Iso(h.Intervals(Utc("2026-10-31T00:00:00Z"), Utc("2026-11-02T00:00:00Z"))),
            (std::vector<std::string>{"2026-10-31T21:00Z – 2026-11-01T06:30Z"}));
}

TEST(OpeningHours, OpenInTheRepeatedHourTakesTheEarlierInstant) {
  OpeningHours h(NewYork(), OneSpan(kSun, At(1, 30), At(4)));
  EXPECT_EQ(Iso(h.Intervals(Utc("2026-11-01T00:00:00Z"), Utc("2026-11-02T00:00:00Z"))),
            (std::vector<std::string>{
                "2026-11-01T05:30Z – 2026-11-01T09:00Z"}));  // 01:30 EDT – 04:00 EST
}

TEST(OpeningHours, OvernightSpanAcrossSpringForwardLosesTheSkippedHour) {
  // 17:00–03:00 is normally 10 h; across the gap it is 9 real hours.
  OpeningHours ny(NewYork(), OneSpan(kSat, At(17), At(3)));
  auto ny_iv = ny.Intervals(Utc("2026-03-07T00:00:00Z"), Utc("2026-03-09T00:00:00Z"));
  ASSERT_EQ(Iso(ny_iv), (std::vector<std::string>{"2026-03-07T22:00Z – 2026-03-08T07:00Z"}));
  EXPECT_EQ(ny_iv[0].close - ny_iv[0].open, hours(9));
  auto usual = ny.Intervals(Utc("2026-02-28T00:00:00Z"), Utc("2026-03-02T00:00:00Z"));
  ASSERT_EQ(usual.size(), 1u);
  EXPECT_EQ(usual[0].close - usual[0].open, hours(10));

  OpeningHours berlin(Berlin(), OneSpan(kSat, At(17), At(3)));
  auto de_iv = berlin.Intervals(Utc("2026-03-28T00:00:00Z"), Utc("2026-03-30T00:00:00Z"));
  ASSERT_EQ(Iso(de_iv), (std::vector<std::string>{"2026-03-28T16:00Z – 2026-03-29T01:00Z"}));
  EXPECT_EQ(de_iv[0].close - de_iv[0].open, hours(9));
}

TEST(OpeningHours, CloseInsideTheSpringForwardGapIsTheTransitionInstant) {
  // 02:00 does not exist on 2026-03-08 in New York: the store closes when the clock jumps to 03:00.
  OpeningHours h(NewYork(), OneSpan(kSat, At(17), At(2)));
  auto iv = h.Intervals(Utc("2026-03-07T00:00:00Z"), Utc("2026-03-09T00:00:00Z"));
  ASSERT_EQ(Iso(iv), (std::vector<std::string>{"2026-03-07T22:00Z – 2026-03-08T07:00Z"}));
  EXPECT_EQ(iv[0].close - iv[0].open, hours(9));
}

TEST(OpeningHours, SpanOpeningInsideTheSpringForwardGapOpensAtTheTransition) {
  OpeningHours ny(NewYork(), OneSpan(kSun, At(2, 30), At(6)));
  EXPECT_EQ(Iso(ny.Intervals(Utc("2026-03-08T00:00:00Z"), Utc("2026-03-09T00:00:00Z"))),
            (std::vector<std::string>{
                "2026-03-08T07:00Z – 2026-03-08T10:00Z"}));  // 03:00 EDT – 06:00 EDT
  OpeningHours berlin(Berlin(), OneSpan(kSun, At(2, 30), At(6)));
  EXPECT_EQ(Iso(berlin.Intervals(Utc("2026-03-29T00:00:00Z"), Utc("2026-03-30T00:00:00Z"))),
            (std::vector<std::string>{
                "2026-03-29T01:00Z – 2026-03-29T04:00Z"}));  // 03:00 CEST – 06:00 CEST
}

TEST(OpeningHours, SpanWhollyInsideTheGapIsNeverOpen) {
  OpeningHours h(NewYork(), OneSpan(kSun, At(2, 10), At(2, 50)));
  EXPECT_TRUE(h.Intervals(Utc("2026-03-08T00:00:00Z"), Utc("2026-03-09T00:00:00Z")).empty());
  EXPECT_EQ(h.Intervals(Utc("2026-03-15T00:00:00Z"), Utc("2026-03-16T00:00:00Z")).size(), 1u);
}

TEST(OpeningHours, NextOpenFromSaturdayNightLandsAfterTheClockChange) {
  OpeningHours ny(NewYork(), EveryDay(At(11), At(23)));
  auto spring = ny.At(Utc("2026-03-08T04:30:00Z"));  // Sat 23:30 EST
  EXPECT_FALSE(spring.open_now);
  EXPECT_EQ(Iso(spring.next_open_at), "2026-03-08T15:00Z");  // Sun 11:00 EDT
  auto fall = ny.At(Utc("2026-11-01T03:30:00Z"));            // Sat 23:30 EDT
  EXPECT_FALSE(fall.open_now);
  EXPECT_EQ(Iso(fall.next_open_at), "2026-11-01T16:00Z");  // Sun 11:00 EST

  OpeningHours berlin(Berlin(), EveryDay(At(11), At(23)));
  EXPECT_EQ(Iso(berlin.At(Utc("2026-03-28T22:30:00Z")).next_open_at),
            "2026-03-29T09:00Z");  // 11:00 CEST
  EXPECT_EQ(Iso(berlin.At(Utc("2026-10-24T21:30:00Z")).next_open_at),
            "2026-10-25T10:00Z");  // 11:00 CET
}

// ---- special days -------------------------------------------------------------------------------

WeeklyHours ChristmasHours() {
  WeeklyHours w{{{kWed, At(17), At(2)}, {kThu, At(17), At(2)}, {kFri, At(17), At(2)}}, {}};
  SpecialDay eve{date::year{2026} / 12 / 24, false, {{At(12), At(16)}}, "Christmas Eve"};
  SpecialDay christmas{date::year{2026} / 12 / 25, true, {}, "Christmas Day"};
  w.special_days = {eve, christmas};
  return w;
}

TEST(OpeningHours, SpecialDaysReplaceTheSpansThatStartOnThem) {
  OpeningHours h(NewYork(), ChristmasHours());  // EST, UTC-5
  EXPECT_EQ(
      Iso(h.Intervals(Utc("2026-12-23T05:00:00Z"), Utc("2026-12-27T05:00:00Z"))),
      (std::vector<std::string>{
          "2026-12-23T22:00Z – 2026-12-24T07:00Z",  // Wed 23rd 17:00 – Thu 24th 02:00, as scheduled
          "2026-12-24T17:00Z – 2026-12-24T21:00Z",  // 24th special 12:00–16:00 replaces Thu
                                                    // 17:00–02:00 25th (a Friday) closed
      }));
}

TEST(OpeningHours, PreviousNightSpanStillEndsAsScheduledOnASpecialDay) {
  OpeningHours h(NewYork(), ChristmasHours());
  auto status = h.At(Utc("2026-12-24T06:30:00Z"));  // 24th 01:30 local
  EXPECT_TRUE(status.open_now);
  EXPECT_EQ(Iso(status.closes_at), "2026-12-24T07:00Z");
}

TEST(OpeningHours, ClosedHolidayIsClosedThoughItsWeekdayHasHours) {
  OpeningHours h(NewYork(), ChristmasHours());
  auto status = h.At(Utc("2026-12-25T23:00:00Z"));  // Fri 25th 18:00 local
  EXPECT_FALSE(status.open_now);
  EXPECT_EQ(Iso(status.next_open_at), "2026-12-30T22:00Z");  // Wed 30th 17:00
  // The Friday after is an ordinary Friday again.
  EXPECT_TRUE(h.At(Utc("2027-01-01T23:00:00Z")).open_now);
}

TEST(OpeningHours, NextOpenSkipsAWeekendClosed) {
  WeeklyHours w;
  for (int d = kMon; d <= kFri; ++d) w.spans.push_back({d, At(9), At(17)});
  OpeningHours h(Berlin(), w);
  auto status = h.At(Utc("2026-06-12T16:00:00Z"));  // Fri 18:00 CEST
  EXPECT_FALSE(status.open_now);
  EXPECT_EQ(Iso(status.next_open_at), "2026-06-15T07:00Z");  // Mon 09:00 CEST
}

TEST(OpeningHours, NeverOpenHasNoNextOpening) {
  OpeningHours h(NewYork(), WeeklyHours{});
  auto status = h.At(Utc("2026-06-12T16:00:00Z"));
  EXPECT_FALSE(status.open_now);
  EXPECT_FALSE(status.closes_at);
  EXPECT_FALSE(status.next_open_at);
}

TEST(OpeningHours, NextOpeningBeyondTheLookAheadIsNotReported) {
  WeeklyHours w;
  w.special_days.push_back({date::year{2026} / 7 / 1, false, {{At(10), At(12)}}, "Pop-up"});
  OpeningHours h(NewYork(), w);
  EXPECT_FALSE(h.At(Utc("2026-06-01T12:00:00Z")).next_open_at);
  EXPECT_EQ(Iso(h.At(Utc("2026-06-20T12:00:00Z")).next_open_at), "2026-07-01T14:00Z");
}

// ---- parsing and validation ---------------------------------------------------------------------

TEST(TimeOfDay, ParsesTwoDigitHoursAndMinutesUpTo2400) {
  EXPECT_EQ(ParseTimeOfDay("00:00"), 0);
  EXPECT_EQ(ParseTimeOfDay("17:30"), At(17, 30));
  EXPECT_EQ(ParseTimeOfDay("24:00"), 1440);
  for (const char* bad :
       {"25:00", "24:01", "9:00", "09:60", "0900", "09:00 ", "ab:cd", "", "-1:00"}) {
    EXPECT_FALSE(ParseTimeOfDay(bad)) << bad;
  }
  EXPECT_EQ(FormatTimeOfDay(At(9, 5)), "09:05");
  EXPECT_EQ(FormatTimeOfDay(1440), "24:00");
}

TEST(ValidateHours, ValidHoursPass) {
  EXPECT_TRUE(ValidateHours(ChristmasHours(), "hours.delivery"));
  EXPECT_TRUE(ValidateHours(EveryDay(0, 1440), "hours.delivery"));
  // Touching is not overlapping: Saturday 17:00–24:00 then Sunday 00:00–02:00.
  EXPECT_TRUE(
      ValidateHours(WeeklyHours{{{kSat, At(17), 1440}, {kSun, 0, At(2)}}, {}}, "hours.delivery"));
}

TEST(ValidateHours, EachBrokenRuleNamesItsField) {
  WeeklyHours w;
  w.spans = {
      {kMon, At(10), At(22)},
      {kMon, At(25), At(22)},  // "25:00"
      {kTue, At(10), At(10)},
      {kMon, At(20), At(23)},  // overlaps spans[0]
      {kFri, At(17), At(2)},
      {kSat, At(1), At(5)},  // overlaps Friday's overnight span
      {kSat, At(20), At(1)},
      {kSun, At(0, 30), At(3)},  // overlaps Saturday's overnight span, across the week's wrap
      {7, At(10), At(11)},
  };
  w.special_days = {
      {date::year{2026} / 12 / 24, false, {{At(12), At(16)}, {At(15), At(18)}, {At(18), 1441}}, ""},
      {date::year{2026} / 12 / 24, true, {}, ""},
      {date::year{2026} / 12 / 31, true, {{At(12), At(16)}}, ""},
      {date::year{2026} / 2 / 30, false, {}, ""},
  };
  auto status = ValidateHours(w, "hours.delivery");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(FieldsOf(status), (std::vector<std::string>{
                                  "hours.delivery.spans[1].open",
                                  "hours.delivery.spans[2]",
                                  "hours.delivery.spans[8].weekday",
                                  "hours.delivery.spans[3]",
                                  "hours.delivery.spans[5]",
                                  "hours.delivery.spans[7]",
                                  "hours.delivery.special_days[0].spans[2].close",
                                  "hours.delivery.special_days[0].spans[1]",
                                  "hours.delivery.special_days[1].date",
                                  "hours.delivery.special_days[2].spans",
                                  "hours.delivery.special_days[3].date",
                              }));
}

}  // namespace
}  // namespace vetahut::location
