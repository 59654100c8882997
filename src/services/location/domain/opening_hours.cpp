#include "services/location/domain/opening_hours.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>

namespace vetahut::location {

namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr int kMinutesPerWeek = 7 * kMinutesPerDay;

std::string Field(std::string_view prefix, std::string_view rest) {
  if (prefix.empty()) return std::string(rest);
  return fmt::format("{}.{}", prefix, rest);
}

bool IsOpenMinute(int m) { return m >= 0 && m < kMinutesPerDay; }
bool IsCloseMinute(int m) { return m >= 0 && m <= kMinutesPerDay; }
bool IsUsableSpan(int open, int close) {
  return IsOpenMinute(open) && IsCloseMinute(close) && open != close;
}

/// Minutes after the start of the span's own day at which it closes (past 1440 when overnight).
int CloseOffset(int open, int close) { return close > open ? close : close + kMinutesPerDay; }

/// A span as [begin, end) minutes on some axis (day or week), for overlap checks.
struct Extent {
  int begin;
  int end;
};

/// `period` > 0 treats the axis as a circle of that length (the week wraps Saturday → Sunday).
bool Overlaps(Extent a, Extent b, int period) {
  auto meets = [](Extent x, Extent y) { return x.begin < y.end && y.begin < x.end; };
  if (period == 0) return meets(a, b);
  return meets(a, b) || meets({a.begin + period, a.end + period}, b) ||
         meets({a.begin - period, a.end - period}, b);
}

/// Checks one span's fields under `field` (e.g. "hours.delivery.spans[2]"); true if it is usable.
bool CheckSpan(core::FieldErrors& errors, const std::string& field, int open, int close) {
  bool ok = true;
  if (!IsOpenMinute(open)) {
    errors.Add(field + ".open", "must be a time from 00:00 to 23:59");
    ok = false;
  }
  if (!IsCloseMinute(close)) {
    errors.Add(field + ".close", "must be a time from 00:00 to 24:00");
    ok = false;
  }
  if (ok && open == close) {
    errors.Add(field, "opens and closes at the same time; use 00:00–24:00 for a whole day");
    ok = false;
  }
  return ok;
}

/// Flags each span (by `names[i]`) that overlaps an earlier usable one.
void CheckOverlaps(core::FieldErrors& errors, const std::vector<std::string>& names,
                   const std::vector<std::optional<Extent>>& extents, int period) {
  for (std::size_t j = 0; j < extents.size(); ++j) {
    if (!extents[j]) continue;
    for (std::size_t i = 0; i < j; ++i) {
      if (extents[i] && Overlaps(*extents[i], *extents[j], period)) {
        errors.Add(names[j], fmt::format("overlaps {}", names[i]));
        break;
      }
    }
  }
}

/// A local time in UTC under the DST rules of the header: a nonexistent time is the transition
/// instant; an ambiguous one is the earlier instant for an open, the later for a close.
core::TimePoint ToUtc(const date::time_zone* zone, date::local_time<std::chrono::minutes> t,
                      bool is_close) {
  const date::local_info info = zone->get_info(t);
  switch (info.result) {
    case date::local_info::unique:
      return date::sys_seconds{t.time_since_epoch() - info.first.offset};
    case date::local_info::nonexistent:
      return info.first.end;
    case date::local_info::ambiguous:
      return date::sys_seconds{t.time_since_epoch() -
                               (is_close ? info.second.offset : info.first.offset)};
  }
  return date::sys_seconds{t.time_since_epoch() - info.first.offset};
}

}  // namespace

std::optional<int> ParseTimeOfDay(std::string_view text) {
  auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4))
    return std::nullopt;
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
  return hours * 60 + minutes;
}

std::string FormatTimeOfDay(int minutes) {
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

core::Status ValidateHours(const WeeklyHours& hours, std::string_view prefix) {
  core::FieldErrors errors;

  std::vector<std::string> names;
  std::vector<std::optional<Extent>> extents;
  for (std::size_t i = 0; i < hours.spans.size(); ++i) {
    const LocalSpan& span = hours.spans[i];
    names.push_back(Field(prefix, fmt::format("spans[{}]", i)));
    bool ok = true;
    if (span.weekday < 0 || span.weekday > 6) {
      errors.Add(names.back() + ".weekday", "must be 0 (Sunday) to 6 (Saturday)");
      ok = false;
    }
    ok = CheckSpan(errors, names.back(), span.open_minute, span.close_minute) && ok;
    if (!ok) {
      extents.emplace_back();
      continue;
    }
    const int start = span.weekday * kMinutesPerDay + span.open_minute;
    extents.push_back(Extent{
        start, span.weekday * kMinutesPerDay + CloseOffset(span.open_minute, span.close_minute)});
  }
  CheckOverlaps(errors, names, extents, kMinutesPerWeek);

  for (std::size_t k = 0; k < hours.special_days.size(); ++k) {
    const SpecialDay& day = hours.special_days[k];
    const std::string base = Field(prefix, fmt::format("special_days[{}]", k));
    if (!day.date.ok()) {
      errors.Add(base + ".date", "must be a valid date");
    } else {
      for (std::size_t earlier = 0; earlier < k; ++earlier) {
        if (hours.special_days[earlier].date == day.date) {
          errors.Add(base + ".date", fmt::format("repeats the date of special_days[{}]", earlier));
          break;
        }
      }
    }
    if (day.closed && !day.spans.empty())
      errors.Add(base + ".spans", "must be empty on a closed day");
    if (day.note.size() > 200) errors.Add(base + ".note", "must be at most 200 characters");

    std::vector<std::string> day_names;
    std::vector<std::optional<Extent>> day_extents;
    for (std::size_t m = 0; m < day.spans.size(); ++m) {
      const auto [open, close] = day.spans[m];
      day_names.push_back(fmt::format("{}.spans[{}]", base, m));
      if (CheckSpan(errors, day_names.back(), open, close)) {
        day_extents.push_back(Extent{open, CloseOffset(open, close)});
      } else {
        day_extents.emplace_back();
      }
    }
    CheckOverlaps(errors, day_names, day_extents, 0);
  }

  if (!errors.empty()) return core::Fail(errors.ToError());
  return core::Ok();
}

OpeningHours::OpeningHours(const date::time_zone* zone, WeeklyHours hours)
    : zone_(zone), hours_(std::move(hours)) {}

void OpeningHours::AppendDay(date::local_days day, std::vector<OpenInterval>& out) const {
  auto append = [&](int open, int close) {
    if (!IsUsableSpan(open, close)) return;
    const auto local_open = day + std::chrono::minutes(open);
    const auto local_close = day + std::chrono::minutes(CloseOffset(open, close));
    const OpenInterval interval{ToUtc(zone_, local_open, false), ToUtc(zone_, local_close, true)};
    // A span lying wholly inside a spring-forward gap has no real time left.
    if (interval.close > interval.open) out.push_back(interval);
  };

  const auto special = std::find_if(
      hours_.special_days.begin(), hours_.special_days.end(),
      [&](const SpecialDay& s) { return s.date.ok() && date::local_days(s.date) == day; });
  if (special != hours_.special_days.end()) {
    if (special->closed) return;
    for (const auto& [open, close] : special->spans) append(open, close);
    return;
  }
  const unsigned weekday = date::weekday(day).c_encoding();
  for (const LocalSpan& span : hours_.spans) {
    if (span.weekday == static_cast<int>(weekday)) append(span.open_minute, span.close_minute);
  }
}

std::vector<OpenInterval> OpeningHours::Intervals(core::TimePoint from, core::TimePoint to) const {
  if (to <= from) return {};
  // A span is at most a day long, so only the day before `from`'s date can reach into the window.
  const auto first = date::floor<date::days>(zone_->to_local(from)) - date::days{1};
  const auto last = date::floor<date::days>(zone_->to_local(to));

  std::vector<OpenInterval> raw;
  for (auto day = first; day <= last; day += date::days{1}) AppendDay(day, raw);
  std::sort(raw.begin(), raw.end(),
            [](const OpenInterval& a, const OpenInterval& b) { return a.open < b.open; });

  std::vector<OpenInterval> merged;
  for (const OpenInterval& interval : raw) {
    if (!merged.empty() && interval.open <= merged.back().close) {
      merged.back().close = std::max(merged.back().close, interval.close);
    } else {
      merged.push_back(interval);
    }
  }

  std::vector<OpenInterval> out;
  for (const OpenInterval& interval : merged) {
    if (interval.close <= from || interval.open >= to) continue;
    out.push_back({std::max(interval.open, from), std::min(interval.close, to)});
  }
  return out;
}

OpeningHours::Status OpeningHours::At(core::TimePoint now) const {
  const core::TimePoint horizon = now + kLookAhead;
  const auto intervals = Intervals(now, horizon);
  Status status;
  if (intervals.empty()) return status;
  const OpenInterval& first = intervals.front();
  if (first.open <= now) {
    status.open_now = true;
    if (first.close < horizon) status.closes_at = first.close;
  } else {
    status.next_open_at = first.open;
  }
  return status;
}

}  // namespace vetahut::location
