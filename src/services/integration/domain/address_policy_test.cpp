#include "services/integration/domain/address_policy.hpp"

#include <gtest/gtest.h>

namespace vetahut::integration {
namespace {

TEST(AddressPolicy, ClassifiesTheRangesAPartnerMustNotReach) {
  const std::pair<const char*, AddressKind> cases[] = {
      {"8.8.8.8", AddressKind::kPublic},
      {"93.184.216.34", AddressKind::kPublic},
      {"2606:4700:4700::1111", AddressKind::kPublic},
      {"127.0.0.1", AddressKind::kLoopback},
      {"127.255.255.254", AddressKind::kLoopback},
      {"::1", AddressKind::kLoopback},
      {"10.0.0.7", AddressKind::kPrivate},
      {"10.255.255.255", AddressKind::kPrivate},
      {"172.16.0.1", AddressKind::kPrivate},
      {"172.31.255.255", AddressKind::kPrivate},
      {"192.168.1.1", AddressKind::kPrivate},
      {"100.64.0.1", AddressKind::kPrivate},
      {"fc00::1", AddressKind::kPrivate},
      {"fd12:3456::1", AddressKind::kPrivate},
      {"169.254.169.254", AddressKind::kLinkLocal},  // the cloud metadata service
      {"fe80::1", AddressKind::kLinkLocal},
      {"febf::1", AddressKind::kLinkLocal},
      {"0.0.0.0", AddressKind::kUnspecified},
      {"::", AddressKind::kUnspecified},
      {"224.0.0.1", AddressKind::kMulticast},
      {"255.255.255.255", AddressKind::kMulticast},
      {"ff02::1", AddressKind::kMulticast},
      {"192.0.2.10", AddressKind::kReserved},
      {"240.0.0.1", AddressKind::kReserved},
      {"2001:db8::1", AddressKind::kReserved},
      {"2001:0:4136:e378::1", AddressKind::kReserved},  // Teredo
  };
  for (const auto& [address, kind] : cases) {
    auto got = ClassifyAddress(address);
    ASSERT_TRUE(got) << address;
    EXPECT_EQ(AddressKindName(*got), AddressKindName(kind)) << address;
  }
}

TEST(AddressPolicy, TheEdgesOfEachRangeAreExact) {
  EXPECT_EQ(ClassifyAddress("172.15.255.255"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("172.32.0.0"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("11.0.0.0"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("9.255.255.255"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("169.253.255.255"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("100.63.255.255"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("100.128.0.0"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("fec0::1"), AddressKind::kPrivate);
  EXPECT_EQ(ClassifyAddress("fbff::1"), AddressKind::kReserved);  // outside 2000::/3 and fc00::/7
}

TEST(AddressPolicy, IPv4HiddenInIPv6IsJudgedByTheIPv4) {
  EXPECT_EQ(ClassifyAddress("::ffff:127.0.0.1"), AddressKind::kLoopback);
  EXPECT_EQ(ClassifyAddress("::ffff:10.1.2.3"), AddressKind::kPrivate);
  EXPECT_EQ(ClassifyAddress("::ffff:169.254.169.254"), AddressKind::kLinkLocal);
  EXPECT_EQ(ClassifyAddress("::ffff:8.8.8.8"), AddressKind::kPublic);
  EXPECT_EQ(ClassifyAddress("::10.0.0.1"), AddressKind::kPrivate);           // IPv4-compatible
  EXPECT_EQ(ClassifyAddress("64:ff9b::a00:1"), AddressKind::kPrivate);       // NAT64 of 10.0.0.1
  EXPECT_EQ(ClassifyAddress("64:ff9b::808:808"), AddressKind::kPublic);      // NAT64 of 8.8.8.8
  EXPECT_EQ(ClassifyAddress("2002:7f00:1::1"), AddressKind::kLoopback);      // 6to4 of 127.0.0.1
  EXPECT_EQ(ClassifyAddress("2002:c0a8:101::1"), AddressKind::kPrivate);     // 6to4 of 192.168.1.1
}

TEST(AddressPolicy, OnlyStrictNumericAddressesParse) {
  for (const char* text : {"", "localhost", "127.1", "0x7f.0.0.1", "0177.0.0.1", "2130706433", "1.2.3.4.5",
                           "[::1]", "::1%lo", " 127.0.0.1", "256.1.1.1"}) {
    EXPECT_EQ(ClassifyAddress(text), std::nullopt) << text;
    EXPECT_FALSE(IsAllowedTarget(text, true)) << text;
  }
}

TEST(AddressPolicy, TestModeOpensLoopbackPrivateAndLinkLocalOnly) {
  for (const char* address : {"127.0.0.1", "::1", "10.0.0.7", "192.168.0.2", "fd00::1", "169.254.1.1"}) {
    EXPECT_FALSE(IsAllowedTarget(address, false)) << address;
    EXPECT_TRUE(IsAllowedTarget(address, true)) << address;
  }
  for (const char* address : {"0.0.0.0", "::", "224.0.0.1", "ff02::1", "192.0.2.1"}) {
    EXPECT_FALSE(IsAllowedTarget(address, true)) << address;
  }
  EXPECT_TRUE(IsAllowedTarget("8.8.8.8", false));
  EXPECT_EQ(RefusalReason("10.0.0.7", false), "10.0.0.7 is a private address");
  EXPECT_EQ(RefusalReason("169.254.169.254", false), "169.254.169.254 is a link-local address");
  EXPECT_EQ(RefusalReason("8.8.8.8", false), std::nullopt);
}

}  // namespace
}  // namespace vetahut::integration
