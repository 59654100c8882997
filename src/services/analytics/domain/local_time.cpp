#include "services/analytics/domain/local_time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <charconv>
#include <stdexcept>

namespace vetahut::analytics {
namespace {

date::sys_days Days(DayNumber day) { return date::sys_days(date::days(day)); }

}  // namespace

std::optional<DayNumber> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t at, std::size_t len) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  const auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  const date::year_month_day ymd{date::year(*y), date::month(static_cast<unsigned>(*m)), date::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<DayNumber>(date::sys_days(ymd).time_since_epoch().count());
}

std::string FormatDate(DayNumber day) { return date::format("%F", Days(day)); }

StoreClock::StoreClock(std::string_view zone_name) {
  if (zone_name.empty()) return;
  try {
    zone_ = date::locate_zone(zone_name);
  } catch (const std::runtime_error&) {
    zone_ = nullptr;  // an unknown zone reads as UTC; known() tells the caller
  }
}

DayNumber StoreClock::LocalDay(core::TimePoint t) const {
  const auto local = zone_ ? zone_->to_local(t).time_since_epoch() : t.time_since_epoch();
  return static_cast<DayNumber>(date::floor<date::days>(local).count());
}

int StoreClock::LocalHour(core::TimePoint t) const {
  const auto local = zone_ ? zone_->to_local(t).time_since_epoch() : t.time_since_epoch();
  const auto since_midnight = local - date::floor<date::days>(local);
  return static_cast<int>(date::floor<std::chrono::hours>(since_midnight).count());
}

core::TimePoint StoreClock::StartOf(DayNumber day) const {
  const auto midnight = date::local_days(date::days(day));
  if (!zone_) return core::TimePoint(std::chrono::duration_cast<core::TimePoint::duration>(Days(day).time_since_epoch()));
  // A zone that skips midnight (a spring-forward at 00:00) starts the day at the transition;
  // one that repeats it starts at the first of the two.
  const auto sys = zone_->to_sys(midnight, date::choose::earliest);
  return core::TimePoint(std::chrono::duration_cast<core::TimePoint::duration>(sys.time_since_epoch()));
}

int IsoWeekday(DayNumber day) { return static_cast<int>(date::weekday(Days(day)).iso_encoding()); }

int IsoWeek(DayNumber day) {
  // The ISO week of a day is the week of its Thursday; week 1 holds the year's first Thursday.
  const DayNumber thursday = day + 4 - IsoWeekday(day);
  const date::year_month_day ymd(Days(thursday));
  const DayNumber jan1 = static_cast<DayNumber>(date::sys_days(ymd.year() / date::January / 1).time_since_epoch().count());
  return (thursday - jan1) / 7 + 1;
}

}  // namespace vetahut::analytics
