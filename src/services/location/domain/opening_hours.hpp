#pragma once
/// A store's weekly opening hours for one service, evaluated in the store's own IANA time zone.
///
/// Rules, in the order they apply:
///  - Spans are written in LOCAL wall-clock minutes after midnight. `close_minute <= open_minute`
///    means the span runs past midnight into the next day (17:00–02:00 closes at 02:00 the next
///    day); 00:00–24:00 (0, 1440) is a whole day. `open_minute == close_minute` is a zero-length
///    span and invalid (it does NOT mean 24 hours).
///  - A span belongs to the local date on which it STARTS. A `SpecialDay` replaces the spans that
///    start on its local date (`closed` => none start). A span that started the day before and
///    crosses midnight into a special day still ends as scheduled: closing for Christmas does not
///    cut short the Christmas Eve late shift.
///  - Local times become UTC through the zone (DST-correct):
///      * a local time that does not exist (spring-forward gap, e.g. 02:30 on the US spring-forward
///        day) maps to the first instant after the gap, the transition instant — for opens and
///        closes alike. So a span opening at 02:30 opens at 03:00 new time; a span closing at 02:00
///        closes when the clock jumps; a span that covers the whole gap (17:00–03:00) is one real
///        hour shorter than usual;
///      * an ambiguous local time (fall-back, the repeated hour) maps to the EARLIER instant for an
///        open and the LATER instant for a close, so the store is open through both copies of the
///        repeated hour (17:00–02:00 across the fall-back night lasts 10 real hours).
///    A span whose UTC close is not after its UTC open (one lying wholly inside a gap) is dropped.
///  - Spans that overlap or touch in UTC are merged (17:00–24:00 then 00:00–02:00 is one interval);
///    because the same local time maps to an open no later than a close, touching spans always
///    merge, even when midnight itself falls in a gap or repeats.
#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"

namespace date {
class time_zone;
}  // namespace date

namespace vetahut::location {

/// One weekly span, in minutes after LOCAL midnight of the day it starts on.
struct LocalSpan {
  int weekday = 0;       ///< day the span starts: 0 = Sunday … 6 = Saturday
  int open_minute = 0;   ///< [0, 1440)
  int close_minute = 0;  ///< [0, 1440]; <= open_minute means it closes the next day
};

/// Holiday or special hours for one LOCAL date: replaces the weekly spans that START on that date
/// (`closed` => none start there). A span from the previous day that crosses midnight into this
/// date still ends as scheduled.
struct SpecialDay {
  date::year_month_day date;
  bool closed = false;  ///< closed all day: `spans` must be empty
  /// (open_minute, close_minute), same rules as `LocalSpan`; none => closed all day too.
  std::vector<std::pair<int, int>> spans;
  std::string note;  ///< shown to customers, e.g. "Christmas Day"; ≤ 200 characters
};

/// The opening hours of one service of a store.
struct WeeklyHours {
  std::vector<LocalSpan> spans;
  std::vector<SpecialDay> special_days;
};

/// Parses "HH:MM" (00:00–24:00, two digits each) into minutes after midnight; nullopt if malformed.
std::optional<int> ParseTimeOfDay(std::string_view text);
/// Formats minutes after midnight in [0, 1440] as "HH:MM" ("24:00" for 1440).
std::string FormatTimeOfDay(int minutes);

/// Every rule `hours` breaks, each naming its field under `prefix` (e.g. "hours.delivery"):
/// `spans[i].weekday`, `spans[i].open`, `spans[i].close` out of range; `spans[i]` of zero length or
/// overlapping an earlier span (anywhere in the week, including Saturday night into Sunday);
/// `special_days[k].date` invalid or listed twice; `special_days[k].spans` non-empty on a closed
/// day (an open special day with no spans is simply closed); `special_days[k].spans[m]…` by the
/// same rules as the weekly spans; `special_days[k].note` too long. A kValidation error listing
/// them, or Ok.
core::Status ValidateHours(const WeeklyHours& hours, std::string_view prefix);

/// An interval during which the store is open, in UTC, half-open [open, close).
struct OpenInterval {
  core::TimePoint open;
  core::TimePoint close;
  bool operator==(const OpenInterval&) const = default;
};

/// Weekly hours placed in a zone: answers "is it open" and "when" in real (UTC) time.
class OpeningHours final {
 public:
  /// How far `At` looks ahead for the next opening or closing.
  static constexpr std::chrono::hours kLookAhead{14 * 24};

  /// `zone` from `date::locate_zone(name)`; must outlive this object. `hours` should have passed
  /// `ValidateHours`: out-of-range or zero-length spans are ignored, and of two special days for
  /// the same date the first wins.
  OpeningHours(const date::time_zone* zone, WeeklyHours hours);

  /// The open intervals overlapping [from, to), clipped to it, merged where they touch or overlap,
  /// in order.
  std::vector<OpenInterval> Intervals(core::TimePoint from, core::TimePoint to) const;

  struct Status {
    bool open_now = false;
    /// If open: the end of the current merged interval; nullopt if it stays open past `kLookAhead`.
    std::optional<core::TimePoint> closes_at;
    /// If closed: the next opening within `kLookAhead`; nullopt if none.
    std::optional<core::TimePoint> next_open_at;
  };
  /// Whether the store is open at `now`, and when that changes.
  Status At(core::TimePoint now) const;

  const date::time_zone* zone() const { return zone_; }

 private:
  /// Appends the UTC intervals of the spans that start on local date `day`.
  void AppendDay(date::local_days day, std::vector<OpenInterval>& out) const;

  const date::time_zone* zone_;
  WeeklyHours hours_;
};

}  // namespace vetahut::location
