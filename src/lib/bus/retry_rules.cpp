#include "lib/bus/retry_rules.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vetahut::bus {

bool IsPermanentFailure(const core::Error& error) {
  return error.code == core::ErrorCode::kBadRequest || error.code == core::ErrorCode::kValidation;
}

std::string DescribeFailure(const core::Error& error) {
  std::string out = error.detail;
  for (const auto& f : error.fields) {
    const std::string field = fmt::format("{}: {}", f.field, f.message);
    if (field != error.detail) out += "; " + field;  // decoders put the first problem in the detail
  }
  return out;
}

std::chrono::milliseconds BackoffStep(std::chrono::milliseconds first, std::chrono::milliseconds max, std::int64_t attempt) {
  auto delay = first;
  for (std::int64_t i = 1; i < attempt && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

}  // namespace vetahut::bus
