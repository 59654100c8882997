#pragma once
/// Store-local calendar arithmetic for reports and the lake: business dates as day numbers, the
/// local date and hour of an instant in a store's IANA zone (DST included), and when a local day
/// starts. Pure; the zone database is Howard Hinnant's date/tz.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"

namespace date {
class time_zone;
}

namespace vetahut::analytics {

/// A calendar day as days since 1970-01-01 (negative before).
using DayNumber = std::int32_t;

/// "2026-03-01" → its day number; nullopt unless it is exactly YYYY-MM-DD and a real date.
std::optional<DayNumber> ParseDate(std::string_view text);
/// The day as "YYYY-MM-DD".
std::string FormatDate(DayNumber day);

/// A store's clock. An empty or unknown zone name is UTC (`known()` says which).
class StoreClock {
 public:
  explicit StoreClock(std::string_view zone_name);
  bool known() const { return zone_ != nullptr; }

  /// The local calendar day of `t`.
  DayNumber LocalDay(core::TimePoint t) const;
  /// The local hour (0–23) of `t`.
  int LocalHour(core::TimePoint t) const;
  /// The instant the local day starts (the first instant of it when midnight is skipped by DST).
  core::TimePoint StartOf(DayNumber day) const;

 private:
  const date::time_zone* zone_ = nullptr;
};

/// The ISO weekday of a day: 1 Monday … 7 Sunday.
int IsoWeekday(DayNumber day);
/// The ISO-8601 week number (1–53) of a day.
int IsoWeek(DayNumber day);

}  // namespace vetahut::analytics
