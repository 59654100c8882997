#pragma once
/// When a message is tried again, when it is given up, when a recipient has had enough, and when
/// quiet hours hold a message back. Pure functions; the randomness and the clock come from outside.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"

namespace date {
class time_zone;
}

namespace vetahut::notification {

/// How failed sends are retried.
struct RetryPolicy {
  std::chrono::milliseconds first_delay{30000};  ///< after the first failed attempt
  std::chrono::milliseconds max_delay{3600000};  ///< the back-off's cap
  int max_attempts = 8;                          ///< attempts in all; then the message is dead
  double jitter = 0.25;                          ///< ± this share of the delay, at random
};

/// The wait after `failed_attempts` (≥ 1) failed attempts: first_delay · 2^(failed_attempts − 1),
/// capped at max_delay, then moved by up to ±jitter; `unit` is a random number in [0, 1)
/// (0.5 = no jitter). Never negative.
std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int failed_attempts, double unit);

/// True when a message that has failed `attempts` times is given up (dead-lettered).
bool GivesUp(const RetryPolicy& policy, int attempts);

/// At most `max_messages` to one address on one channel within `window`.
struct ThrottleRule {
  int max_messages = 10;
  std::chrono::seconds window{3600};
};

/// True when one more message may go to a recipient who was sent `sent_in_window` messages on
/// this channel within the rule's window.
bool ThrottleAllows(const ThrottleRule& rule, std::int64_t sent_in_window);

/// A recipient's quiet hours, as minutes of the day in the store's local time. start ≠ end; a
/// range that wraps midnight (22:00–07:00) is the usual case.
struct QuietHours {
  int start_minute = 0;
  int end_minute = 0;
  bool operator==(const QuietHours&) const = default;
};

/// "22:00" → 1320; nullopt unless it is HH:MM from 00:00 to 23:59.
std::optional<int> ParseClock(std::string_view text);
/// 1320 → "22:00".
std::string FormatClock(int minute_of_day);

/// When `at` falls in the quiet hours in `zone` (nullptr = UTC), the moment they end; otherwise
/// nullopt. Daylight-saving changes are honoured (an end time that does not exist that day is
/// the moment the clocks jump).
std::optional<core::TimePoint> QuietUntil(const QuietHours& quiet, core::TimePoint at,
                                          const date::time_zone* zone);

}  // namespace vetahut::notification
