#include "services/analytics/domain/report_query.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace vetahut::analytics {

Period PreviousPeriod(const Period& p) { return {p.from - p.days(), p.from - 1}; }

bool IsPlainId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

core::Result<ReportQuery> ParseReportQuery(const std::function<std::optional<std::string>(std::string_view)>& param,
                                           const ReportRules& rules) {
  core::FieldErrors errors;
  ReportQuery q;
  if (auto store = param("store_id"); store && !store->empty()) {
    if (IsPlainId(*store)) {
      q.store_id = *store;
    } else {
      errors.Add("store_id", "must be a store id (letters, digits, '_' and '-', at most 64)");
    }
  }
  const auto from_text = param("from");
  std::optional<DayNumber> from, to;
  if (!from_text || from_text->empty()) {
    errors.Add("from", "is required: the first business day, like 2026-03-01");
  } else if (!(from = ParseDate(*from_text))) {
    errors.Add("from", "must be a date like 2026-03-01");
  }
  if (auto to_text = param("to"); to_text && !to_text->empty()) {
    if (!(to = ParseDate(*to_text))) errors.Add("to", "must be a date like 2026-03-01");
  } else {
    to = from;
  }
  if (from && to) {
    if (*to < *from) {
      errors.Add("to", "must not be before from");
    } else if (*to - *from + 1 > rules.max_days) {
      errors.Add("to", fmt::format("the period may span at most {} days", rules.max_days));
    } else {
      q.period = {*from, *to};
    }
  }
  q.group_by = rules.groups.empty() ? std::string() : rules.groups.front();
  if (auto group = param("group_by"); group && !group->empty()) {
    if (rules.groups.empty()) {
      errors.Add("group_by", "this report is a list: it has no groups");
    } else if (std::find(rules.groups.begin(), rules.groups.end(), *group) == rules.groups.end()) {
      errors.Add("group_by", fmt::format("must be one of {}", fmt::join(rules.groups, ", ")));
    } else {
      q.group_by = *group;
    }
  }
  if (auto station = param("station"); rules.station && station && !station->empty()) {
    if (IsPlainId(*station)) {
      q.station = *station;
    } else {
      errors.Add("station", "must be a station id (letters, digits, '_' and '-', at most 64)");
    }
  }
  if (auto format = param("format"); format && !format->empty()) {
    if (*format == "csv") {
      q.format = ReportFormat::kCsv;
    } else if (*format != "json") {
      errors.Add("format", "must be json or csv");
    }
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return q;
}

}  // namespace vetahut::analytics
