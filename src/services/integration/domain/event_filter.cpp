#include "services/integration/domain/event_filter.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vetahut::integration {

bool FilterMatches(std::string_view filter, std::string_view type) {
  if (filter.size() >= 2 && filter.ends_with(".*")) {
    const std::string_view prefix = filter.substr(0, filter.size() - 1);  // keeps the dot
    return type.size() > prefix.size() && type.starts_with(prefix);
  }
  return filter == type;
}

bool AnyFilterMatches(const std::vector<std::string>& filters, std::string_view type) {
  return std::any_of(filters.begin(), filters.end(), [&](const std::string& f) { return FilterMatches(f, type); });
}

void CheckEventFilters(const std::vector<std::string>& filters, const std::vector<std::string>& offered,
                       core::FieldErrors& errors) {
  if (filters.empty()) {
    errors.Add("event_types", "must name at least one event type (or a prefix such as com.vetahut.order.*)");
    return;
  }
  if (filters.size() > kMaxEventFilters) {
    errors.Add("event_types", fmt::format("must have at most {} entries", kMaxEventFilters));
    return;
  }
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const std::string field = fmt::format("event_types[{}]", i);
    const std::string& f = filters[i];
    const bool well_formed =
        !f.empty() && f.size() <= 200 &&
        std::all_of(f.begin(), f.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '*'; }) &&
        f.find('*') == f.rfind('*') && (f.find('*') == std::string::npos || (f.ends_with(".*") && f.size() > 2)) &&
        f.front() != '.' && f.find("..") == std::string::npos;
    if (!well_formed) {
      errors.Add(field, "must be an event type like com.vetahut.order.confirmed or a prefix like com.vetahut.order.*");
      continue;
    }
    if (std::find(filters.begin(), filters.begin() + static_cast<std::ptrdiff_t>(i), f) != filters.begin() + static_cast<std::ptrdiff_t>(i)) {
      errors.Add(field, fmt::format("'{}' is listed twice", f));
      continue;
    }
    const bool selects_something =
        std::any_of(offered.begin(), offered.end(), [&](const std::string& type) { return FilterMatches(f, type); });
    if (!selects_something) {
      errors.Add(field, f.ends_with(".*")
                            ? fmt::format("'{}' selects no event type the platform offers (see GET /api/v1/admin/webhook-event-types)", f)
                            : fmt::format("'{}' is not an event type the platform offers (see GET /api/v1/admin/webhook-event-types)", f));
    }
  }
}

}  // namespace vetahut::integration
