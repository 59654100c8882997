#include "services/location/domain/time_slots.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>

namespace vetahut::location {

namespace {

std::string Field(std::string_view prefix, std::string_view rest) {
  if (prefix.empty()) return std::string(rest);
  return fmt::format("{}.{}", prefix, rest);
}

bool IsValidLength(std::chrono::minutes length) {
  const auto m = length.count();
  return m >= 5 && m <= 240 && (60 % m == 0 || m % 60 == 0);
}

}  // namespace

core::Status ValidateSlotRules(const SlotRules& rules, std::string_view prefix) {
  core::FieldErrors errors;
  if (!IsValidLength(rules.length)) {
    errors.Add(
        Field(prefix, "length"),
        "must be 5 to 240 minutes and divide an hour (5, 10, 15, 20, 30…) or be whole hours");
  }
  if (rules.lead_time.count() < 0 || rules.lead_time.count() > 1440) {
    errors.Add(Field(prefix, "lead_time"), "must be 0 to 1440 minutes");
  }
  if (rules.capacity < 1 || rules.capacity > 10000)
    errors.Add(Field(prefix, "capacity"), "must be 1 to 10000");
  if (!errors.empty()) return core::Fail(errors.ToError());
  return core::Ok();
}

std::vector<TimeSlot> SlotsForDay(const OpeningHours& hours, const date::time_zone* zone,
                                  date::year_month_day local_date, const SlotRules& rules,
                                  core::TimePoint now) {
  if (!IsValidLength(rules.length) || !local_date.ok()) return {};
  const date::local_days day(local_date);

  // Every instant of the day whose local reading is on the grid: none in a gap, two in a repeat.
  std::vector<core::TimePoint> starts;
  for (auto local = date::local_time<std::chrono::minutes>(day); local < day + date::days{1};
       local += rules.length) {
    const date::local_info info = zone->get_info(local);
    if (info.result == date::local_info::nonexistent) continue;
    starts.push_back(date::sys_seconds{local.time_since_epoch() - info.first.offset});
    if (info.result == date::local_info::ambiguous) {
      starts.push_back(date::sys_seconds{local.time_since_epoch() - info.second.offset});
    }
  }
  if (starts.empty()) return {};
  std::sort(starts.begin(), starts.end());

  std::vector<TimeSlot> grid;
  for (core::TimePoint start : starts) {
    if (!grid.empty() && start < grid.back().end) continue;
    grid.push_back({start, start + rules.length});
  }

  const auto intervals = hours.Intervals(grid.front().start, grid.back().end);
  const core::TimePoint earliest = now + rules.lead_time;
  std::vector<TimeSlot> out;
  auto interval = intervals.begin();
  for (const TimeSlot& slot : grid) {
    if (slot.start < earliest) continue;
    while (interval != intervals.end() && interval->close <= slot.start) ++interval;
    if (interval == intervals.end()) break;
    if (interval->open <= slot.start && slot.end <= interval->close) out.push_back(slot);
  }
  return out;
}

std::optional<TimeSlot> FindSlot(const OpeningHours& hours, const date::time_zone* zone,
                                 const SlotRules& rules, core::TimePoint now,
                                 core::TimePoint start) {
  const date::year_month_day local_date(date::floor<date::days>(zone->to_local(start)));
  for (const TimeSlot& slot : SlotsForDay(hours, zone, local_date, rules, now)) {
    if (slot.start == start) return slot;
  }
  return std::nullopt;
}

}  // namespace vetahut::location
