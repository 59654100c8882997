#pragma once
/// A partner webhook's URL, checked before anything is stored: http or https, a host, an
/// optional port and path, nothing that would surprise the sender (credentials, a fragment,
/// white space or control characters). Pure; resolving the host and judging its addresses is
/// the service's (address_policy.hpp).
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/result.hpp"

namespace vetahut::integration {

/// The parts of a URL the sender needs.
struct WebhookUrl {
  std::string scheme;  ///< "http" | "https" (lower case)
  std::string host;    ///< a name ("hooks.example.com", lower case), an IPv4 or an IPv6 address (no brackets)
  std::uint16_t port = 0;  ///< explicit, or the scheme's default
  bool host_is_address = false;  ///< an IP literal: nothing to resolve
};

/// The longest URL accepted.
inline constexpr std::size_t kMaxWebhookUrlLength = 2048;

/// Parses `text`; kValidation on field "url" with the reason ("must use http or https", "must not
/// carry credentials", …).
core::Result<WebhookUrl> ParseWebhookUrl(std::string_view text);

}  // namespace vetahut::integration
