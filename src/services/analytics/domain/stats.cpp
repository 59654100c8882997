#include "services/analytics/domain/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vetahut::analytics {

std::optional<double> Percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(rank));
  const auto above = std::min(below + 1, values.size() - 1);
  return values[below] + (rank - static_cast<double>(below)) * (values[above] - values[below]);
}

DurationSummary Summarize(const std::vector<double>& seconds) {
  DurationSummary s;
  s.count = static_cast<std::int64_t>(seconds.size());
  if (seconds.empty()) return s;
  s.p50 = Percentile(seconds, 50);
  s.p90 = Percentile(seconds, 90);
  s.mean = std::accumulate(seconds.begin(), seconds.end(), 0.0) / static_cast<double>(seconds.size());
  return s;
}

std::optional<double> Share(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

std::optional<double> ChangePercent(double current, double previous) {
  if (previous == 0) return std::nullopt;
  return std::round((current - previous) / std::fabs(previous) * 1000.0) / 10.0;
}

std::string DecimalAmount(std::int64_t minor, int exponent) {
  if (exponent <= 0) return std::to_string(minor);
  std::int64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  // Work on the magnitude as unsigned so INT64_MIN has one too.
  const bool negative = minor < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  const auto uscale = static_cast<std::uint64_t>(scale);
  return fmt::format("{}{}.{:0{}}", negative ? "-" : "", magnitude / uscale, magnitude % uscale, exponent);
}

}  // namespace vetahut::analytics
