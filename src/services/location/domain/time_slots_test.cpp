#include "services/location/domain/time_slots.hpp"

#include <date/tz.h>
#include <gtest/gtest.h>

namespace vetahut::location {
namespace {

using std::chrono::minutes;

core::TimePoint Utc(std::string_view text) {
  auto t = core::ParseRfc3339(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(core::TimePoint{});
}

std::string Iso(core::TimePoint t) {
  if (t != date::floor<minutes>(t)) return core::FormatRfc3339(t);
  return date::format("%FT%RZ", date::floor<minutes>(t));
}

std::vector<std::string> Starts(const std::vector<TimeSlot>& slots) {
  std::vector<std::string> out;
  for (const auto& s : slots) out.push_back(Iso(s.start));
  return out;
}

/// Slots are ordered, never overlap and each lasts `length`.
void ExpectWellFormed(const std::vector<TimeSlot>& slots, minutes length) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    EXPECT_EQ(slots[i].end - slots[i].start, length) << Iso(slots[i].start);
    if (i > 0) {
      EXPECT_LE(slots[i - 1].end, slots[i].start) << Iso(slots[i].start);
    }
  }
}

const date::time_zone* NewYork() { return date::locate_zone("America/New_York"); }
const date::time_zone* Berlin() { return date::locate_zone("Europe/Berlin"); }

WeeklyHours EveryDay(int open, int close) {
  WeeklyHours h;
  for (int d = 0; d < 7; ++d) h.spans.push_back({d, open, close});
  return h;
}

constexpr int At(int h, int m = 0) { return h * 60 + m; }
constexpr auto kJune10 = date::year{2026} / 6 / 10;  // a Wednesday, EDT (UTC-4)

TEST(TimeSlots, SlotsAreAlignedToTheLocalClockAndRespectLeadTime) {
  OpeningHours h(NewYork(), EveryDay(At(11), At(14)));
  auto slots =
      SlotsForDay(h, NewYork(), kJune10, SlotRules{}, Utc("2026-06-10T15:05:00Z"));  // 11:05 local
  // 11:05 + 30 min = 11:35 → the first aligned start is 11:45; the last slot is 13:45–14:00.
  ASSERT_EQ(slots.size(), 9u);
  EXPECT_EQ(Iso(slots.front().start), "2026-06-10T15:45Z");
  EXPECT_EQ(Iso(slots.back().start), "2026-06-10T17:45Z");
  EXPECT_EQ(Iso(slots.back().end), "2026-06-10T18:00Z");
  ExpectWellFormed(slots, minutes(15));
}

TEST(TimeSlots, LeadTimeEndingOnASlotStartIncludesIt) {
  OpeningHours h(NewYork(), EveryDay(At(11), At(14)));
  auto slots =
      SlotsForDay(h, NewYork(), kJune10, SlotRules{}, Utc("2026-06-10T15:00:00Z"));  // 11:00
  ASSERT_FALSE(slots.empty());
  EXPECT_EQ(Iso(slots.front().start), "2026-06-10T15:30Z");  // 11:30
}

TEST(TimeSlots, ASlotNeverSpansAClose) {
  OpeningHours h(NewYork(), EveryDay(At(11), At(13, 50)));
  auto slots = SlotsForDay(h, NewYork(), kJune10, SlotRules{}, Utc("2026-06-01T00:00:00Z"));
  ASSERT_FALSE(slots.empty());
  EXPECT_EQ(Iso(slots.back().start),
            "2026-06-10T17:30Z");  // 13:30–13:45; 13:45–14:00 would cross 13:50

  // Hourly slots in 11:30–14:00: 11:30 is off the grid, 14:00–15:00 is past the close.
  SlotRules hourly{minutes(60), minutes(0), 10};
  OpeningHours half_past(NewYork(), EveryDay(At(11, 30), At(14)));
  EXPECT_EQ(Starts(SlotsForDay(half_past, NewYork(), kJune10, hourly, Utc("2026-06-01T00:00:00Z"))),
            (std::vector<std::string>{"2026-06-10T16:00Z", "2026-06-10T17:00Z"}));
}

TEST(TimeSlots, ClosedHolidayHasNoSlots) {
  WeeklyHours w = EveryDay(At(11), At(23));
  w.special_days.push_back({date::year{2026} / 12 / 25, true, {}, "Christmas Day"});
  OpeningHours h(NewYork(), w);
  const auto now = Utc("2026-12-01T00:00:00Z");
  EXPECT_TRUE(SlotsForDay(h, NewYork(), date::year{2026} / 12 / 25, SlotRules{}, now).empty());
  EXPECT_EQ(SlotsForDay(h, NewYork(), date::year{2026} / 12 / 26, SlotRules{}, now).size(), 48u);
}

TEST(TimeSlots, OvernightSpanAfterMidnightBelongsToTheNextDate) {
  OpeningHours h(NewYork(), EveryDay(At(17), At(2)));
  const auto now = Utc("2026-06-01T00:00:00Z");
  auto wednesday = SlotsForDay(h, NewYork(), kJune10, SlotRules{}, now);
  auto thursday = SlotsForDay(h, NewYork(), date::year{2026} / 6 / 11, SlotRules{}, now);
  ASSERT_EQ(wednesday.size(), 2u * 4 + 7 * 4);  // 00:00–02:00 (from Tuesday) + 17:00–24:00
  EXPECT_EQ(Iso(wednesday.front().start), "2026-06-10T04:00Z");  // 00:00 local on the 10th
  EXPECT_EQ(Iso(wednesday.back().start), "2026-06-11T03:45Z");   // 23:45 local on the 10th
  EXPECT_EQ(Iso(thursday.front().start), "2026-06-11T04:00Z");   // 00:00 local on the 11th
}

TEST(TimeSlots, FallBackDayHasNoDuplicateOrOverlappingSlots) {
  // 2026-11-01 in New York: 01:00–02:00 happens twice (EDT, then EST). Open 00:00–04:00 local.
  OpeningHours h(NewYork(), EveryDay(0, At(4)));
  auto slots = SlotsForDay(h, NewYork(), date::year{2026} / 11 / 1, SlotRules{},
                           Utc("2026-10-01T00:00:00Z"));
  // 04:00Z (00:00 EDT) to 09:00Z (04:00 EST) is five real hours: 20 back-to-back slots.
  ASSERT_EQ(slots.size(), 20u);
  ExpectWellFormed(slots, minutes(15));
  for (std::size_t i = 1; i < slots.size(); ++i) EXPECT_EQ(slots[i - 1].end, slots[i].start);
  EXPECT_EQ(Iso(slots.front().start), "2026-11-01T04:00Z");
  EXPECT_EQ(Iso(slots[4].start), "2026-11-01T05:00Z");  // 01:00 EDT
  EXPECT_EQ(Iso(slots[8].start), "2026-11-01T06:00Z");  // 01:00 EST
  EXPECT_EQ(Iso(slots.back().end), "2026-11-01T09:00Z");
}

TEST(TimeSlots, LongSlotsInTheRepeatedHourDoNotOverlap) {
  // Berlin 2026-10-25: 02:00 happens at 00:00Z (CEST) and 01:00Z (CET); a 2 h slot from the first
  // would overlap one from the second, so the second is dropped.
  OpeningHours h(Berlin(), EveryDay(0, 1440));
  SlotRules two_hours{minutes(120), minutes(0), 10};
  auto slots =
      SlotsForDay(h, Berlin(), date::year{2026} / 10 / 25, two_hours, Utc("2026-10-01T00:00:00Z"));
  ExpectWellFormed(slots, minutes(120));
  EXPECT_EQ(Starts(slots), (std::vector<std::string>{
                               "2026-10-24T22:00Z", "2026-10-25T00:00Z", "2026-10-25T03:00Z",
                               "2026-10-25T05:00Z", "2026-10-25T07:00Z", "2026-10-25T09:00Z",
                               "2026-10-25T11:00Z", "2026-10-25T13:00Z", "2026-10-25T15:00Z",
                               "2026-10-25T17:00Z", "2026-10-25T19:00Z", "2026-10-25T21:00Z"}));
}

TEST(TimeSlots, SpringForwardDayHasNoSlotsInTheSkippedHour) {
  OpeningHours h(NewYork(), EveryDay(0, 1440));
  auto slots =
      SlotsForDay(h, NewYork(), date::year{2026} / 3 / 8, SlotRules{}, Utc("2026-03-01T00:00:00Z"));
  ASSERT_EQ(slots.size(), 23u * 4);
  ExpectWellFormed(slots, minutes(15));
  EXPECT_EQ(Iso(slots[7].start), "2026-03-08T06:45Z");  // 01:45 EST
  EXPECT_EQ(Iso(slots[7].end), "2026-03-08T07:00Z");
  EXPECT_EQ(Iso(slots[8].start), "2026-03-08T07:00Z");  // 03:00 EDT
}

TEST(TimeSlots, FindSlotAcceptsOnlyOfferedStarts) {
  OpeningHours h(NewYork(), EveryDay(At(11), At(14)));
  const auto now = Utc("2026-06-10T15:05:00Z");  // 11:05 local
  auto found = FindSlot(h, NewYork(), SlotRules{}, now, Utc("2026-06-10T16:00:00Z"));  // 12:00
  ASSERT_TRUE(found);
  EXPECT_EQ(Iso(found->end), "2026-06-10T16:15Z");
  EXPECT_FALSE(
      FindSlot(h, NewYork(), SlotRules{}, now, Utc("2026-06-10T16:05:00Z")));  // off the grid
  EXPECT_FALSE(FindSlot(h, NewYork(), SlotRules{}, now,
                        Utc("2026-06-10T15:30:00Z")));  // inside the lead time
  EXPECT_FALSE(
      FindSlot(h, NewYork(), SlotRules{}, now, Utc("2026-06-10T18:00:00Z")));  // 14:00, closed
}

TEST(SlotRules, DefaultsAreValid) { EXPECT_TRUE(ValidateSlotRules(SlotRules{}, "slots")); }

TEST(SlotRules, EachBrokenRuleNamesItsField) {
  for (int ok : {5, 10, 15, 20, 30, 60, 120, 180, 240}) {
    EXPECT_TRUE(ValidateSlotRules(SlotRules{minutes(ok), minutes(30), 10}, "slots")) << ok;
  }
  for (int bad : {0, 4, 7, 25, 45, 90, 300}) {
    EXPECT_FALSE(ValidateSlotRules(SlotRules{minutes(bad), minutes(30), 10}, "slots")) << bad;
  }
  auto status = ValidateSlotRules(SlotRules{minutes(7), minutes(-1), 0}, "slots");
  ASSERT_FALSE(status);
  ASSERT_EQ(status.error().fields.size(), 3u);
  EXPECT_EQ(status.error().fields[0].field, "slots.length");
  EXPECT_EQ(status.error().fields[1].field, "slots.lead_time");
  EXPECT_EQ(status.error().fields[2].field, "slots.capacity");
  EXPECT_FALSE(ValidateSlotRules(SlotRules{minutes(15), minutes(1441), 10001}, "slots"));
}

}  // namespace
}  // namespace vetahut::location
