#include "services/integration/domain/address_policy.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <string>

namespace vetahut::integration {
namespace {

using V4 = std::array<std::uint8_t, 4>;
using V6 = std::array<std::uint8_t, 16>;

bool In4(const V4& a, std::uint8_t b0, std::uint8_t b1, std::uint8_t b2, std::uint8_t b3, int prefix) {
  const std::uint32_t addr = (std::uint32_t(a[0]) << 24) | (std::uint32_t(a[1]) << 16) | (std::uint32_t(a[2]) << 8) | a[3];
  const std::uint32_t net = (std::uint32_t(b0) << 24) | (std::uint32_t(b1) << 16) | (std::uint32_t(b2) << 8) | b3;
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix);
  return (addr & mask) == (net & mask);
}

AddressKind Classify4(const V4& a) {
  if (In4(a, 0, 0, 0, 0, 8)) return AddressKind::kUnspecified;
  if (In4(a, 127, 0, 0, 0, 8)) return AddressKind::kLoopback;
  if (In4(a, 10, 0, 0, 0, 8) || In4(a, 172, 16, 0, 0, 12) || In4(a, 192, 168, 0, 0, 16) || In4(a, 100, 64, 0, 0, 10)) {
    return AddressKind::kPrivate;
  }
  if (In4(a, 169, 254, 0, 0, 16)) return AddressKind::kLinkLocal;
  if (In4(a, 255, 255, 255, 255, 32) || In4(a, 224, 0, 0, 0, 4)) return AddressKind::kMulticast;
  if (In4(a, 192, 0, 0, 0, 24) ||      // IETF protocol assignments
      In4(a, 192, 0, 2, 0, 24) ||      // TEST-NET-1
      In4(a, 198, 51, 100, 0, 24) ||   // TEST-NET-2
      In4(a, 203, 0, 113, 0, 24) ||    // TEST-NET-3
      In4(a, 198, 18, 0, 0, 15) ||     // benchmarking
      In4(a, 192, 88, 99, 0, 24) ||    // 6to4 relay anycast (deprecated)
      In4(a, 240, 0, 0, 0, 4)) {       // reserved
    return AddressKind::kReserved;
  }
  return AddressKind::kPublic;
}

bool Prefix6(const V6& a, std::initializer_list<std::uint8_t> bytes, int bits) {
  int i = 0;
  for (std::uint8_t b : bytes) {
    const int take = std::min(8, bits - i * 8);
    if (take <= 0) break;
    const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((a[i] & mask) != (b & mask)) return false;
    ++i;
  }
  return true;
}

AddressKind Classify6(const V6& a) {
  const auto embedded = [&](int at) { return Classify4({a[at], a[at + 1], a[at + 2], a[at + 3]}); };
  bool zero_first_12 = true;
  for (int i = 0; i < 12; ++i) zero_first_12 = zero_first_12 && a[i] == 0;
  bool ffff_mapped = true;
  for (int i = 0; i < 10; ++i) ffff_mapped = ffff_mapped && a[i] == 0;
  ffff_mapped = ffff_mapped && a[10] == 0xff && a[11] == 0xff;
  if (ffff_mapped) return embedded(12);                                  // ::ffff:a.b.c.d
  if (zero_first_12) {
    if (a[12] == 0 && a[13] == 0 && a[14] == 0 && a[15] == 0) return AddressKind::kUnspecified;  // ::
    if (a[12] == 0 && a[13] == 0 && a[14] == 0 && a[15] == 1) return AddressKind::kLoopback;     // ::1
    return embedded(12);                                                  // ::a.b.c.d (deprecated)
  }
  if (Prefix6(a, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 96)) return embedded(12);  // NAT64
  if (Prefix6(a, {0x20, 0x02}, 16)) return embedded(2);                  // 6to4 carries its IPv4
  if (Prefix6(a, {0xfc}, 7)) return AddressKind::kPrivate;                // unique local
  if (Prefix6(a, {0xfe, 0xc0}, 10)) return AddressKind::kPrivate;         // site-local (deprecated)
  if (Prefix6(a, {0xfe, 0x80}, 10)) return AddressKind::kLinkLocal;
  if (Prefix6(a, {0xff}, 8)) return AddressKind::kMulticast;
  if (Prefix6(a, {0x20, 0x01, 0x0d, 0xb8}, 32) ||                         // documentation
      Prefix6(a, {0x20, 0x01, 0x00, 0x00}, 32) ||                         // Teredo (hides an IPv4)
      Prefix6(a, {0x20, 0x01, 0x00, 0x00}, 23) ||                         // IETF protocol assignments
      Prefix6(a, {0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64) ||                   // discard
      Prefix6(a, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48) ||             // local NAT64
      !Prefix6(a, {0x20}, 3)) {                                           // outside global unicast 2000::/3
    return AddressKind::kReserved;
  }
  return AddressKind::kPublic;
}

}  // namespace

std::string_view AddressKindName(AddressKind kind) {
  switch (kind) {
    case AddressKind::kPublic: return "public";
    case AddressKind::kLoopback: return "loopback";
    case AddressKind::kPrivate: return "private";
    case AddressKind::kLinkLocal: return "link-local";
    case AddressKind::kUnspecified: return "unspecified";
    case AddressKind::kMulticast: return "multicast";
    case AddressKind::kReserved: return "reserved";
  }
  return "unknown";
}

std::optional<AddressKind> ClassifyAddress(std::string_view address) {
  if (address.empty() || address.size() > 45) return std::nullopt;
  const std::string text(address);
  // inet_pton takes the strict dotted quad (no octal, no short forms such as "127.1"), which is
  // what resolvers return; anything else is not an address here.
  V4 v4{};
  if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) return Classify4(v4);
  V6 v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) return Classify6(v6);
  return std::nullopt;
}

bool IsAllowedTarget(std::string_view address, bool allow_private) { return !RefusalReason(address, allow_private); }

std::optional<std::string> RefusalReason(std::string_view address, bool allow_private) {
  const auto kind = ClassifyAddress(address);
  if (!kind) return std::string(address) + " is not an IP address";
  switch (*kind) {
    case AddressKind::kPublic: return std::nullopt;
    case AddressKind::kLoopback:
    case AddressKind::kPrivate:
    case AddressKind::kLinkLocal:
      if (allow_private) return std::nullopt;
      break;
    default: break;
  }
  return std::string(address) + " is a " + std::string(AddressKindName(*kind)) + " address";
}

}  // namespace vetahut::integration
