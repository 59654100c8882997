#pragma once
/// How a webhook attempt's outcome is judged and when the next one happens (decision 0026). Pure:
/// the sender passes the clock's now and a random jitter.
#include <chrono>
#include <cstdint>
#include <optional>

#include "lib/core/clock.hpp"

namespace vetahut::integration {

/// The retry and give-up rules (section [integration]).
struct RetryPolicy {
  std::chrono::milliseconds first_retry{5000};  ///< wait after the first failed attempt; doubles
  std::chrono::milliseconds max_retry{3600000};  ///< the doubling's cap
  int max_attempts = 12;  ///< per delivery (about 2.4 h with the defaults); then it is given up and the next one goes
  int disable_after_failures = 20;  ///< failed attempts in a row, with…
  std::chrono::seconds disable_after{86400};  ///< …the streak at least this old, disable the subscription
};

/// The jitter's range: a delay is scaled by 1 + jitter, jitter in [−kMaxJitter, kMaxJitter].
inline constexpr double kMaxJitter = 0.2;

/// The wait before the next attempt once `failed_attempts` (≥ 1) attempts of a delivery failed:
/// first_retry × 2^(failed_attempts − 1), capped at max_retry, scaled by 1 + `jitter` (clamped to
/// ±kMaxJitter) — never below zero. A receiver's Retry-After (seconds) lengthens it, up to max_retry.
std::chrono::milliseconds RetryDelay(int failed_attempts, const RetryPolicy& policy, double jitter,
                                     std::optional<std::chrono::seconds> retry_after = std::nullopt);

/// What became of one attempt.
enum class AttemptVerdict {
  kDelivered,  ///< 2xx
  kRetry,      ///< failed; try again after RetryDelay
  kGiveUp,     ///< failed for the max_attempts-th time: the next delivery goes
  kGone,       ///< 410 Gone: the receiver wants no more; the subscription is disabled
};

/// Judges an attempt by the HTTP status (nullopt: no answer — refused, timed out, reset);
/// `attempts` counts this one. Redirects are failures (the URL should be updated, and following
/// one would reach an address nobody checked).
AttemptVerdict Judge(std::optional<int> status, int attempts, const RetryPolicy& policy);

/// True when a subscription failing `streak` attempts in a row since `failing_since` should be
/// disabled now: both disable_after_failures and disable_after are reached.
bool ShouldDisable(std::int64_t streak, core::TimePoint failing_since, core::TimePoint now, const RetryPolicy& policy);

/// Reads a Retry-After header given in seconds ("120"); HTTP dates and junk give nullopt.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value);

}  // namespace vetahut::integration
