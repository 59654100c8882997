#include "services/notification/domain/delivery_rules.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vetahut::notification {

std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int failed_attempts, double unit) {
  const int exponent = std::clamp(failed_attempts - 1, 0, 40);
  double delay = static_cast<double>(policy.first_delay.count()) * std::ldexp(1.0, exponent);
  delay = std::min(delay, static_cast<double>(policy.max_delay.count()));
  const double u = std::clamp(unit, 0.0, 1.0);
  delay *= 1.0 + policy.jitter * (2.0 * u - 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.0, std::round(delay))));
}

bool GivesUp(const RetryPolicy& policy, int attempts) { return attempts >= policy.max_attempts; }

bool ThrottleAllows(const ThrottleRule& rule, std::int64_t sent_in_window) {
  return sent_in_window < rule.max_messages;
}

std::optional<int> ParseClock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1; };
  const int h1 = digit(0), h2 = digit(1), m1 = digit(3), m2 = digit(4);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0) return std::nullopt;
  const int hours = h1 * 10 + h2, minutes = m1 * 10 + m2;
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

std::string FormatClock(int minute_of_day) {
  return fmt::format("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60);
}

std::optional<core::TimePoint> QuietUntil(const QuietHours& quiet, core::TimePoint at,
                                          const date::time_zone* zone) {
  using namespace std::chrono;
  if (quiet.start_minute == quiet.end_minute) return std::nullopt;
  const auto local = zone ? zone->to_local(at)
                          : date::local_time<core::TimePoint::duration>(at.time_since_epoch());
  const auto day = date::floor<date::days>(local);
  const int minute = static_cast<int>(duration_cast<minutes>(local - day).count());
  const bool wraps = quiet.start_minute > quiet.end_minute;
  const bool inside = wraps ? (minute >= quiet.start_minute || minute < quiet.end_minute)
                            : (minute >= quiet.start_minute && minute < quiet.end_minute);
  if (!inside) return std::nullopt;
  // The end is today, unless the range wraps and we are before midnight.
  const auto end_day = (wraps && minute >= quiet.start_minute) ? day + date::days(1) : day;
  const date::local_time<minutes> end_local =
      date::local_time<minutes>(end_day.time_since_epoch()) + minutes(quiet.end_minute);
  if (!zone)
    return core::TimePoint(duration_cast<core::TimePoint::duration>(end_local.time_since_epoch()));
  const auto info = zone->get_info(end_local);
  if (info.result == date::local_info::nonexistent) {
    // The clocks jump over the end (spring forward): quiet hours end when they jump.
    return core::TimePoint(
        duration_cast<core::TimePoint::duration>(info.second.begin.time_since_epoch()));
  }
  const auto sys = zone->to_sys(end_local, date::choose::earliest);
  return core::TimePoint(duration_cast<core::TimePoint::duration>(sys.time_since_epoch()));
}

}  // namespace vetahut::notification
