#include "services/integration/domain/delivery_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace vetahut::integration {

std::chrono::milliseconds RetryDelay(int failed_attempts, const RetryPolicy& policy, double jitter,
                                     std::optional<std::chrono::seconds> retry_after) {
  const double cap = static_cast<double>(policy.max_retry.count());
  const int doublings = std::clamp(failed_attempts - 1, 0, 40);
  double base = std::min(cap, static_cast<double>(policy.first_retry.count()) * std::ldexp(1.0, doublings));
  base *= 1.0 + std::clamp(jitter, -kMaxJitter, kMaxJitter);
  if (retry_after) base = std::max(base, std::min(cap, static_cast<double>(retry_after->count()) * 1000.0));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.0, std::round(base))));
}

AttemptVerdict Judge(std::optional<int> status, int attempts, const RetryPolicy& policy) {
  if (status && *status >= 200 && *status <= 299) return AttemptVerdict::kDelivered;
  if (status && *status == 410) return AttemptVerdict::kGone;
  return attempts >= policy.max_attempts ? AttemptVerdict::kGiveUp : AttemptVerdict::kRetry;
}

bool ShouldDisable(std::int64_t streak, core::TimePoint failing_since, core::TimePoint now, const RetryPolicy& policy) {
  return streak >= policy.disable_after_failures && now - failing_since >= policy.disable_after;
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(std::min<std::int64_t>(seconds, 7 * 86400));
}

}  // namespace vetahut::integration
