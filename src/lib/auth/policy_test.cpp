#include "lib/auth/policy.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace vetahut::auth {
namespace {

Principal Staff(std::string role, std::vector<std::string> stores = {"st_1"}) {
  return {"acc_" + role, PrincipalKind::kStaff, {std::move(role)}, std::move(stores)};
}

Principal ForRole(const std::string& role) {
  if (role == "customer") return {"acc_c", PrincipalKind::kCustomer, {role}, {}};
  return Staff(role,
               role == "admin" ? std::vector<std::string>{} : std::vector<std::string>{"st_1"});
}

TEST(Policy, RoleByPermissionMatrix) {
  // permission → roles allowed (on their own store "st_1"); every other role is forbidden.
  const std::map<std::string, std::set<std::string>> expected = {
      {"authenticated", {"customer", "cashier", "cook", "driver", "store_manager", "admin"}},
      {"me:read", {"customer"}},
      {"me:write", {"customer"}},
      {"stores:write", {"admin"}},
      {"stores:hours", {"admin", "store_manager"}},
      {"stores:zones", {"admin", "store_manager"}},
      {"stores:pause", {"admin", "store_manager"}},
      {"users:write", {"admin"}},
      {"users:read", {"admin"}},
      {"devices:write", {"admin"}},
      {"audit:read", {"admin"}},
  };
  for (const auto& [permission, allowed] : expected) {
    for (const std::string& role : AllRoles()) {
      const Principal p = ForRole(role);
      const core::Status s = Authorize(&p, permission, "st_1");
      if (allowed.contains(role)) {
        EXPECT_TRUE(s.has_value())
            << role << " should have " << permission << ": " << s.error().detail;
      } else {
        ASSERT_FALSE(s.has_value()) << role << " should not have " << permission;
        EXPECT_EQ(s.error().code, core::ErrorCode::kForbidden);
        EXPECT_EQ(s.error().detail,
                  "role " + role + " may not " + FindRule(permission)->description);
      }
    }
  }
}

TEST(Policy, AllRolesAreTheSixDocumentedOnes) {
  EXPECT_EQ(AllRoles(), (std::vector<std::string>{"customer", "cashier", "cook", "driver",
                                                  "store_manager", "admin"}));
}

TEST(Policy, EveryRuleNamesOnlyKnownRolesAndPermissionsAreUnique) {
  std::set<std::string> seen;
  for (const auto& rule : PolicyTable()) {
    EXPECT_TRUE(seen.insert(rule.permission).second) << "duplicate rule " << rule.permission;
    EXPECT_FALSE(rule.description.empty()) << rule.permission;
    for (const auto& role : rule.roles) {
      const bool known = std::find(AllRoles().begin(), AllRoles().end(), role) != AllRoles().end() ||
                         std::find(DeviceRoles().begin(), DeviceRoles().end(), role) != DeviceRoles().end();
      EXPECT_TRUE(known) << rule.permission << " names unknown role " << role;
    }
    if (rule.permission != kPublic && rule.permission != kAuthenticated && rule.permission != kInternal) {
      EXPECT_FALSE(rule.roles.empty()) << rule.permission << " allows nobody";
    }
  }
}

TEST(Policy, StoreManagerMayEditOwnStoreButNotAnother) {
  const Principal manager = Staff("store_manager", {"st_1", "st_2"});
  EXPECT_TRUE(Authorize(&manager, "stores:hours", "st_2").has_value());
  const core::Status other = Authorize(&manager, "stores:hours", "st_9");
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, core::ErrorCode::kForbidden);
  EXPECT_EQ(other.error().detail, "not allowed for store st_9");
}

TEST(Policy, StaffWithoutStoresIsAllowedNoStore) {
  const Principal manager = Staff("store_manager", {});
  EXPECT_FALSE(Authorize(&manager, "stores:pause", "st_1").has_value());
}

TEST(Policy, AdminPassesStoreScoping) {
  const Principal admin = Staff("admin", {});
  EXPECT_TRUE(Authorize(&admin, "stores:zones", "st_anywhere").has_value());
  const Principal scoped_admin = Staff("admin", {"st_1"});
  EXPECT_TRUE(Authorize(&scoped_admin, "stores:zones", "st_2").has_value());
}

TEST(Policy, AdminRoleOnANonStaffPrincipalDoesNotLiftScoping) {
  const Principal device{"dev_1", PrincipalKind::kDevice, {"admin"}, {"st_1"}};
  EXPECT_TRUE(Authorize(&device, "stores:pause", "st_1").has_value());
  EXPECT_FALSE(Authorize(&device, "stores:pause", "st_2").has_value());
  const Principal customer{"acc_1", PrincipalKind::kCustomer, {"admin"}, {}};
  EXPECT_FALSE(Authorize(&customer, "stores:pause", "st_2").has_value());
}

TEST(Policy, DeviceBoundToOneStoreCannotActOnAnother) {
  const Principal kiosk{"dev_kiosk", PrincipalKind::kDevice, {"store_manager"}, {"st_x"}};
  EXPECT_TRUE(Authorize(&kiosk, "stores:pause", "st_x").has_value());
  const core::Status other = Authorize(&kiosk, "stores:pause", "st_y");
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, core::ErrorCode::kForbidden);
  EXPECT_EQ(other.error().detail, "not allowed for store st_y");
}

TEST(Policy, KitchenDisplayMaySwitchBusyModeOnlyForItsOwnStore) {
  const Principal kds{"dev_kds", PrincipalKind::kDevice, {"kds"}, {"st_x"}};
  EXPECT_TRUE(Authorize(&kds, "stores:pause", "st_x").has_value());
  EXPECT_EQ(Authorize(&kds, "stores:pause", "st_y").error().code, core::ErrorCode::kForbidden);
  const Principal kiosk{"dev_kiosk", PrincipalKind::kDevice, {"kiosk"}, {"st_x"}};
  EXPECT_EQ(Authorize(&kiosk, "stores:pause", "st_x").error().code, core::ErrorCode::kForbidden);
  EXPECT_EQ(Authorize(&kds, "stores:hours", "st_x").error().code, core::ErrorCode::kForbidden);
}

TEST(Policy, DeviceWithSeveralOrNoStoresIsRefusedScopedPermissions) {
  const Principal several{"dev_1", PrincipalKind::kDevice, {"store_manager"}, {"st_x", "st_y"}};
  EXPECT_FALSE(Authorize(&several, "stores:pause", "st_x").has_value());
  const Principal none{"dev_2", PrincipalKind::kDevice, {"store_manager"}, {}};
  EXPECT_FALSE(Authorize(&none, "stores:pause", "st_x").has_value());
}

TEST(Policy, NoPrincipalIsUnauthenticatedExceptOnPublic) {
  EXPECT_TRUE(Authorize(nullptr, kPublic, "").has_value());
  for (std::string_view permission : {kAuthenticated, std::string_view("me:read"),
                                      std::string_view("stores:hours"), std::string_view("nope")}) {
    const core::Status s = Authorize(nullptr, permission, "st_1");
    ASSERT_FALSE(s.has_value()) << permission;
    EXPECT_EQ(s.error().code, core::ErrorCode::kUnauthenticated) << permission;
  }
}

TEST(Policy, InternalRoutesAnswerOnlyToServicesAndServicesToNothingElse) {
  const Principal service{"service:order", PrincipalKind::kService, {}, {}};
  const Principal admin{"stf_1", PrincipalKind::kStaff, {"admin"}, {}};
  EXPECT_TRUE(Authorize(&service, kInternal, ""));
  for (const Principal* nobody : {&admin, static_cast<const Principal*>(nullptr)}) {
    auto refused = Authorize(nobody, kInternal, "");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, nobody ? core::ErrorCode::kForbidden : core::ErrorCode::kUnauthenticated);
  }
  for (std::string_view permission : {kAuthenticated, std::string_view("menu:write"), std::string_view("orders:manage")}) {
    auto refused = Authorize(&service, permission, "str_1");
    ASSERT_FALSE(refused) << permission;
    EXPECT_EQ(refused.error().code, core::ErrorCode::kForbidden);
  }
  EXPECT_TRUE(Authorize(&service, kPublic, ""));
}

TEST(Policy, UnknownPermissionIsForbiddenEvenForAdmin) {
  const Principal admin = Staff("admin", {});
  const core::Status s = Authorize(&admin, "pizza:eat", "");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, core::ErrorCode::kForbidden);
  EXPECT_EQ(FindRule("pizza:eat"), nullptr);
}

TEST(Policy, ScopedPermissionWithoutStoreIdFailsClosed) {
  const Principal manager = Staff("store_manager");
  EXPECT_FALSE(Authorize(&manager, "stores:hours", "").has_value());
}

TEST(Policy, ForbiddenDetailNamesSeveralRoles) {
  const Principal p{"acc", PrincipalKind::kStaff, {"cashier", "cook"}, {"st_1"}};
  EXPECT_EQ(Authorize(&p, "users:read", "").error().detail,
            "roles cashier, cook may not list staff users");
}

TEST(Policy, PrincipalFromClaimsKeepsKindRolesAndStores) {
  Claims c;
  c.subject = "dev_1";
  c.kind = PrincipalKind::kDevice;
  c.roles = {"cook"};
  c.stores = {"st_1"};
  const Principal p = PrincipalFromClaims(c);
  EXPECT_EQ(p.subject, "dev_1");
  EXPECT_EQ(p.kind, PrincipalKind::kDevice);
  EXPECT_EQ(p.roles, c.roles);
  EXPECT_EQ(p.stores, c.stores);
}

TEST(Policy, EveryPermissionHasARowInTheRbacGuide) {
  std::ifstream in(VETAHUT_SOURCE_DIR "/docs/rbac.md");
  ASSERT_TRUE(in) << "docs/rbac.md is missing";
  const std::string guide(std::istreambuf_iterator<char>(in), {});
  for (const auto& rule : PolicyTable()) {
    EXPECT_NE(guide.find("| `" + rule.permission + "` |"), std::string::npos)
        << rule.permission << " has no row in docs/rbac.md";
  }
}

}  // namespace
}  // namespace vetahut::auth
