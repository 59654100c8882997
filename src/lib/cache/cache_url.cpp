#include "lib/cache/cache_url.hpp"

#include <fmt/format.h>

#include <charconv>

namespace vetahut::cache {

namespace {

core::Error Bad(std::string_view why) { return core::Error::BadRequest(std::string(why)); }

/// %XX escapes in the user and password (a password may hold ':', '@' or '/').
core::Result<std::string> PercentDecode(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) {
      return core::Fail(Bad(fmt::format("the {} has a '%' not followed by two hex digits", what)));
    }
    auto [p, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || p != text.data() + i + 3) {
      return core::Fail(Bad(fmt::format("the {} has a '%' not followed by two hex digits", what)));
    }
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

}  // namespace

std::string CacheUrl::Redacted() const {
  if (kind == Kind::kMemory) return "memory:";
  const bool v6 = host.find(':') != std::string::npos;
  return fmt::format("redis://{}{}{}{}:{}/{}", password.empty() ? "" : "***@", v6 ? "[" : "", host,
                     v6 ? "]" : "", port, db);
}

core::Result<CacheUrl> ParseCacheUrl(std::string_view url) {
  CacheUrl out;
  if (url == "memory:") return out;
  if (url.starts_with("rediss://")) {
    return core::Fail(Bad(
        "rediss:// (TLS) is not supported (Debian's hiredis has no TLS): use redis:// on a private "
        "network or through a TLS tunnel"));
  }
  if (!url.starts_with("redis://"))
    return core::Fail(Bad("must be memory: or redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]"));
  out.kind = CacheUrl::Kind::kRedis;
  std::string_view rest = url.substr(8);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return core::Fail(Bad("redis:// URLs take no ?query or #fragment here"));
  }
  // Credentials: everything before the last '@' (a password may contain '@' only percent-encoded,
  // but be lenient with the last one).
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      // redis://secret@host is the common shorthand for a password without a user.
      auto password = PercentDecode(userinfo, "password");
      if (!password) return core::Fail(password.error());
      out.password = std::move(*password);
    } else {
      auto user = PercentDecode(userinfo.substr(0, colon), "user");
      auto password = PercentDecode(userinfo.substr(colon + 1), "password");
      if (!user) return core::Fail(user.error());
      if (!password) return core::Fail(password.error());
      out.username = std::move(*user);
      out.password = std::move(*password);
    }
    if (out.password.empty() && !out.username.empty())
      return core::Fail(Bad("a user needs a password (USER:PASSWORD@)"));
  }
  // Host and port, then the database.
  std::string_view hostport = rest;
  std::string_view path;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  std::string_view port_text;
  if (hostport.starts_with('[')) {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos)
      return core::Fail(Bad("an IPv6 host must be written [ADDRESS]"));
    out.host = std::string(hostport.substr(1, close - 1));
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return core::Fail(Bad("expected :PORT after the [IPv6] host"));
      port_text = after.substr(1);
      if (port_text.empty()) return core::Fail(Bad("the port after ':' is missing"));
    }
    const bool hex = !out.host.empty() &&
                     out.host.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos;
    if (!hex) return core::Fail(Bad(fmt::format("'{}' is not an IPv6 address", out.host)));
  } else {
    const auto colon = hostport.rfind(':');
    out.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
      if (port_text.empty()) return core::Fail(Bad("the port after ':' is missing"));
    }
    if (out.host.empty()) return core::Fail(Bad("the host is missing (redis://HOST:PORT/DB)"));
    for (char c : out.host) {
      if (!IsHostChar(c))
        return core::Fail(Bad(fmt::format("'{}' is not a host name or address", out.host)));
    }
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || port < 1 || port > 65535) {
      return core::Fail(Bad(fmt::format("the port must be 1-65535, got '{}'", port_text)));
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  if (!path.empty()) {
    int db = 0;
    auto [p, ec] = std::from_chars(path.data(), path.data() + path.size(), db);
    if (ec != std::errc() || p != path.data() + path.size() || db < 0 || db > 65535) {
      return core::Fail(Bad(
          fmt::format("the database must be a number (0-15 on a default Redis), got '{}'", path)));
    }
    out.db = db;
  }
  return out;
}

}  // namespace vetahut::cache
