#pragma once
/// An injectable source of time, so tests can move time by hand.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vetahut::core {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

/// Wall-clock time in UTC. Services take a `const Clock&` instead of calling the system clock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

/// The real clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
  /// A process-wide instance for wiring in `main`.
  static const SystemClock& Instance();
};

/// A clock that only moves when told to: for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(std::chrono::microseconds(now_.load())); }
  void Advance(std::chrono::microseconds by) { now_ += by.count(); }
  void Set(TimePoint t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<std::int64_t> now_;
};

/// RFC 3339 in UTC with millisecond precision: "2026-11-24T07:48:15.123Z".
std::string FormatRfc3339(TimePoint t);
/// Parses RFC 3339 ("…Z" or "…+01:00", optional fraction) to UTC; nullopt if malformed.
std::optional<TimePoint> ParseRfc3339(std::string_view text);

}  // namespace vetahut::core
