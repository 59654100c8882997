#pragma once
/// The `cache.url` setting: `memory:` (this process only) or
/// `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`. Parsed apart from the cache itself so the
/// configuration can check it without linking a client.
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/result.hpp"

namespace vetahut::cache {

/// Where the cache lives.
struct CacheUrl {
  enum class Kind { kMemory, kRedis };
  Kind kind = Kind::kMemory;
  std::string
      host;  ///< redis: a name, an IPv4 address or an IPv6 address (written [::1] in the URL)
  std::uint16_t port = 6379;
  int db = 0;            ///< SELECT'ed after connecting
  std::string username;  ///< ACL user (AUTH user password); empty: the default user
  std::string password;  ///< empty: no AUTH

  /// The URL without credentials, for logs and messages: "redis://cache.internal:6379/0".
  std::string Redacted() const;
};

/// Parses a cache URL. kBadRequest with the reason ("redis://: the port must be 1-65535", …);
/// `rediss://` (TLS) is refused: Debian's hiredis 0.14 has no TLS.
core::Result<CacheUrl> ParseCacheUrl(std::string_view url);

}  // namespace vetahut::cache
