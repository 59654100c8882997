#pragma once
/// Order-ahead time slots: the fixed-length windows a customer can pick for pickup or delivery.
///
/// Rules:
///  - Slots are aligned to the store's LOCAL clock: a slot starts at an instant whose local time is
///  a
///    whole multiple of `length` after local midnight (15 min => :00 :15 :30 :45).
///  - A slot lasts `length` of REAL time, [start, start + length) in UTC.
///  - A day's slots are those that START on that local date; the after-midnight part of an
///  overnight
///    span belongs to the next date.
///  - DST: aligned local times in a spring-forward gap give no slot. In the repeated fall-back hour
///    each aligned local time gives a slot for both of its instants (01:00 EDT and 01:00 EST are
///    two slots), and a slot that would overlap the one before it is dropped, so slots never
///    overlap (this matters only for lengths over the DST shift, e.g. 120-min slots in Europe).
///  - A slot is offered only if it lies entirely within one open interval (it never spans a close)
///    and starts at or after `now + lead_time`.
///  - The non-overlap rule is applied to the whole day's grid before the hours and lead time, so
///  the
///    set of slot starts does not depend on `now`.
#include <date/date.h>

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"
#include "services/location/domain/opening_hours.hpp"

namespace vetahut::location {

/// How a store cuts its hours into order-ahead slots.
struct SlotRules {
  std::chrono::minutes length{15};     ///< 5–240 min; divides 60 or is a multiple of 60
  std::chrono::minutes lead_time{30};  ///< 0–1440 min between ordering and the earliest slot start
  int capacity = 10;  ///< orders a slot takes (1–10000); enforced by the caller's booking
};

/// One slot, in UTC, half-open [start, end).
struct TimeSlot {
  core::TimePoint start;
  core::TimePoint end;
  bool operator==(const TimeSlot&) const = default;
};

/// The slots that start on `local_date` in `zone` (the zone `hours` was built with), lie entirely
/// within an open interval and start at or after `now + rules.lead_time`; ordered. Empty if `rules`
/// are invalid.
std::vector<TimeSlot> SlotsForDay(const OpeningHours& hours, const date::time_zone* zone,
                                  date::year_month_day local_date, const SlotRules& rules,
                                  core::TimePoint now);

/// The slot that starts exactly at `start`, if it is one of its local day's offered slots
/// (validates a client-chosen slot); nullopt otherwise.
std::optional<TimeSlot> FindSlot(const OpeningHours& hours, const date::time_zone* zone,
                                 const SlotRules& rules, core::TimePoint now,
                                 core::TimePoint start);

/// Every rule `rules` breaks, each naming its field under `prefix` (`slots.length`,
/// `slots.lead_time`, `slots.capacity`). A kValidation error listing them, or Ok.
core::Status ValidateSlotRules(const SlotRules& rules, std::string_view prefix);

}  // namespace vetahut::location
