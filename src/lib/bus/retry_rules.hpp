#pragma once
/// What every bus does with a consumer's failure, whatever carries the events (in-process queue or
/// RabbitMQ): which errors are never retried, how a failure is told in a dead letter, and how long
/// the n-th retry waits.
#include <chrono>
#include <cstdint>
#include <string>

#include "lib/core/error.hpp"

namespace vetahut::bus {

/// A payload that can never be handled (kBadRequest, kValidation): dead-lettered at once.
bool IsPermanentFailure(const core::Error& error);

/// The error's detail and its field errors, for a dead letter's `error`.
std::string DescribeFailure(const core::Error& error);

/// The wait before attempt `attempt` + 1: `first`, doubling, at most `max` (no jitter: the
/// in-process bus adds its own; RabbitMQ's delay queues need fixed steps).
std::chrono::milliseconds BackoffStep(std::chrono::milliseconds first, std::chrono::milliseconds max, std::int64_t attempt);

}  // namespace vetahut::bus
