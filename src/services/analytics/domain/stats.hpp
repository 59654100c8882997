#pragma once
/// The arithmetic of reports: percentiles of durations, shares, changes against a previous
/// period, and money as decimal text. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vetahut::analytics {

/// The p-th percentile (0–100) of `values` by linear interpolation between the closest ranks
/// (PostgreSQL's percentile_cont, Excel's PERCENTILE.INC); nullopt when there are none. Sorts a
/// copy.
std::optional<double> Percentile(std::vector<double> values, double p);

/// What a report says about a set of durations in seconds.
struct DurationSummary {
  std::int64_t count = 0;
  std::optional<double> p50;
  std::optional<double> p90;
  std::optional<double> mean;
};
DurationSummary Summarize(const std::vector<double>& seconds);

/// `part` of `whole` as a fraction (0..1); nullopt when `whole` is 0.
std::optional<double> Share(std::int64_t part, std::int64_t whole);

/// The change from `previous` to `current` in percent, rounded to 0.1; nullopt when `previous`
/// is 0 (a change from nothing has no percentage).
std::optional<double> ChangePercent(double current, double previous);

/// Minor units as a decimal in a currency with `exponent` digits: 1299, 2 → "12.99"; -5, 2 →
/// "-0.05"; 1500, 0 → "1500".
std::string DecimalAmount(std::int64_t minor, int exponent);

}  // namespace vetahut::analytics
