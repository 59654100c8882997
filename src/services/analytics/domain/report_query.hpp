#pragma once
/// What a report is asked for: a period of store-local business days, a grouping, a store (or
/// every store the caller may see) and a format — parsed from query parameters with a precise
/// 422 naming the parameter — and the previous period of the same length to compare with.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.hpp"
#include "services/analytics/domain/local_time.hpp"

namespace vetahut::analytics {

/// Business days from `from` to `to`, both included.
struct Period {
  DayNumber from = 0;
  DayNumber to = 0;
  int days() const { return to - from + 1; }
  bool operator==(const Period&) const = default;
};

/// The period of the same length that ends the day before `p` starts.
Period PreviousPeriod(const Period& p);

enum class ReportFormat { kJson, kCsv };

/// A report request, validated.
struct ReportQuery {
  std::optional<std::string> store_id;  ///< absent: every store the caller may see
  Period period;
  std::string group_by;
  ReportFormat format = ReportFormat::kJson;
  std::optional<std::string> station;  ///< kitchen: one station's stays only
};

/// How one report reads its parameters.
struct ReportRules {
  std::vector<std::string> groups;  ///< accepted group_by values; the first is the default
  int max_days = 366;               ///< longest period
  bool station = false;             ///< accepts `station` (a kitchen station's id)
};

/// Reads `store_id`, `from` (required), `to` (default: from), `group_by`, `format` (json |
/// csv) and, where the rules accept it, `station` through `param`; every problem is one field error naming the parameter: a date that is
/// not YYYY-MM-DD, `to` before `from`, a period over `max_days`, an unknown group.
core::Result<ReportQuery> ParseReportQuery(const std::function<std::optional<std::string>(std::string_view)>& param,
                                           const ReportRules& rules);

/// True for ids the platform issues (letters, digits, '_' and '-', 1–64 characters).
bool IsPlainId(std::string_view id);

}  // namespace vetahut::analytics
