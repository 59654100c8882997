#pragma once
/// Which events a subscription receives: exact CloudEvents types ("com.vetahut.order.confirmed")
/// or a prefix ending in ".*" ("com.vetahut.order.*": every type under it, now and later). Pure.
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.hpp"

namespace vetahut::integration {

/// At most this many filters per subscription.
inline constexpr std::size_t kMaxEventFilters = 50;

/// True if `filter` (exact or "prefix.*") selects `type`.
bool FilterMatches(std::string_view filter, std::string_view type);

/// True if any of `filters` selects `type`.
bool AnyFilterMatches(const std::vector<std::string>& filters, std::string_view type);

/// Checks `filters` against the types the platform offers, adding a message per problem under
/// "event_types" or "event_types[i]": none given, too many, malformed, listed twice, an exact type
/// that is not offered, or a prefix that selects no offered type.
void CheckEventFilters(const std::vector<std::string>& filters, const std::vector<std::string>& offered,
                       core::FieldErrors& errors);

}  // namespace vetahut::integration
