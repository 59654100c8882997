#include "services/integration/domain/webhook_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace vetahut::integration {
namespace {

core::Result<WebhookUrl> Bad(std::string message) {
  return core::Fail(core::Error::Validation({{"url", std::move(message)}}));
}

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

}  // namespace

core::Result<WebhookUrl> ParseWebhookUrl(std::string_view text) {
  if (text.empty()) return Bad("is required");
  if (text.size() > kMaxWebhookUrlLength) return Bad("must be at most 2048 characters");
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return Bad("must be an ASCII URL without spaces or control characters (percent-encode the rest)");
  }
  WebhookUrl url;
  const std::size_t colon = text.find("://");
  if (colon == std::string_view::npos) return Bad("must be an absolute http or https URL");
  for (char c : text.substr(0, colon)) url.scheme += Lower(c);
  if (url.scheme != "http" && url.scheme != "https") return Bad("must use http or https, not '" + url.scheme + "'");
  std::string_view rest = text.substr(colon + 3);
  if (rest.find('#') != std::string_view::npos) return Bad("must not have a fragment ('#')");
  const std::size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) return Bad("must not carry credentials (user@host): sign with the secret instead");
  if (authority.empty()) return Bad("must name a host");

  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad("has an IPv6 address without its closing ']'");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Bad("has something after the IPv6 address that is not a port");
      port = after.substr(1);
      has_port = true;
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; })) {
      return Bad("has a malformed IPv6 address");
    }
    url.host_is_address = true;
  } else {
    const std::size_t port_colon = authority.rfind(':');
    host = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) {
      port = authority.substr(port_colon + 1);
      has_port = true;
    }
  }
  for (char c : host) url.host += Lower(c);
  if (url.host.empty()) return Bad("must name a host");
  if (!url.host_is_address) {
    if (url.host.size() > 253 || !std::all_of(url.host.begin(), url.host.end(), IsHostNameChar) || url.host.front() == '.' ||
        url.host.front() == '-' || url.host.find("..") != std::string::npos) {
      return Bad("has a malformed host name '" + url.host + "'");
    }
    if (url.host.back() == '.') url.host.pop_back();  // the root label: same host
    // An all-numeric host is an IPv4 address (or a trick like "2130706433"): strict dotted quads only.
    const bool numeric = std::all_of(url.host.begin(), url.host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    if (numeric) {
      int dots = 0;
      for (char c : url.host) dots += c == '.';
      if (dots != 3) return Bad("has a malformed IPv4 address '" + url.host + "'");
      url.host_is_address = true;
    }
  }
  if (has_port) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535) {
      return Bad("has a port that is not a number from 1 to 65535");
    }
    url.port = static_cast<std::uint16_t>(value);
  } else {
    url.port = url.scheme == "https" ? 443 : 80;
  }
  return url;
}

}  // namespace vetahut::integration
