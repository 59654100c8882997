#pragma once
/// Which network addresses a partner webhook may reach (the SSRF guard, decision 0026). Pure: an
/// address in, a verdict out. Used when a subscription's URL is checked (every address its host
/// resolves to) and again by the HTTP client right before it connects (the address dialled).
#include <optional>
#include <string>
#include <string_view>

namespace vetahut::integration {

/// What kind of address a destination is.
enum class AddressKind {
  kPublic,       ///< globally routable unicast: allowed
  kLoopback,     ///< 127.0.0.0/8, ::1
  kPrivate,      ///< 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7 (ULA), fec0::/10
  kLinkLocal,    ///< 169.254/16 (cloud metadata lives here), fe80::/10
  kUnspecified,  ///< 0.0.0.0/8, :: (Linux dials the host itself)
  kMulticast,    ///< 224/4, ff00::/8, 255.255.255.255
  kReserved,     ///< documentation, benchmarking, protocol assignments, 240/4, Teredo, discard …
};

/// "loopback", "private", …: for messages.
std::string_view AddressKindName(AddressKind kind);

/// The kind of a numeric IPv4 ("10.0.0.7") or IPv6 ("fe80::1", "::ffff:10.0.0.7") address;
/// nullopt when `address` is not one. IPv4 embedded in IPv6 (mapped, compatible, NAT64 64:ff9b::/96,
/// 6to4 2002::/16) is judged by the IPv4 address it carries.
std::optional<AddressKind> ClassifyAddress(std::string_view address);

/// Whether a webhook may be sent to `address`: public ones always; loopback, private and
/// link-local ones only when `allow_private` (test mode, `integration.allow_private_targets`);
/// unspecified, multicast, reserved and unparsable ones never.
bool IsAllowedTarget(std::string_view address, bool allow_private);

/// Why `address` is refused ("10.0.0.7 is a private address"), or nullopt when it is allowed.
std::optional<std::string> RefusalReason(std::string_view address, bool allow_private);

}  // namespace vetahut::integration
