#pragma once
/// RBAC: which roles may use which permission, and whether it is scoped to a store. The policy is
/// data (PolicyTable) and docs/rbac.md mirrors it row for row.
#include <string>
#include <string_view>
#include <vector>

#include "lib/auth/jwt.hpp"
#include "lib/core/result.hpp"

namespace vetahut::auth {

/// Permission of routes anyone may call, with or without a token.
inline constexpr std::string_view kPublic = "public";
/// Permission of routes any valid token may call, whatever its roles.
inline constexpr std::string_view kAuthenticated = "authenticated";

/// Permission of the services' internal routes (/internal/v1/...): only a kService principal,
/// which only the service token makes, has it; a service principal has no other.
inline constexpr std::string_view kInternal = "internal";

/// Role names as they appear in tokens.
inline constexpr std::string_view kRoleCustomer = "customer";
inline constexpr std::string_view kRoleCashier = "cashier";
inline constexpr std::string_view kRoleCook = "cook";
inline constexpr std::string_view kRoleDriver = "driver";
inline constexpr std::string_view kRoleStoreManager = "store_manager";
inline constexpr std::string_view kRoleAdmin = "admin";
/// Device roles: a device's token carries its type as its one role, bound to its one store.
inline constexpr std::string_view kRoleKiosk = "kiosk";
inline constexpr std::string_view kRolePos = "pos";
inline constexpr std::string_view kRoleKds = "kds";

/// All roles: customer, cashier, cook, driver, store_manager, admin.
const std::vector<std::string>& AllRoles();
/// The roles devices carry (their type): kiosk, pos, kds.
const std::vector<std::string>& DeviceRoles();

/// The caller of a request, as established from a verified token.
struct Principal {
  std::string subject;  ///< account id or device id
  PrincipalKind kind = PrincipalKind::kCustomer;
  std::vector<std::string> roles;   ///< role names
  std::vector<std::string> stores;  ///< stores the roles apply to (a device: exactly one)
};

/// The principal a verified token stands for.
Principal PrincipalFromClaims(const Claims& claims);

/// One row of the policy.
struct PermissionRule {
  std::string permission;          ///< e.g. "stores:hours"
  std::vector<std::string> roles;  ///< roles allowed (empty for public/authenticated)
  bool store_scoped = false;       ///< the request's {store_id} must be one of the caller's stores
  std::string description;         ///< completes "role X may not <description>"
};

/// The whole policy. store_scoped: the request's store id (route param {store_id}) must be in
/// the principal's `stores` unless the principal is a staff member with role admin.
const std::vector<PermissionRule>& PolicyTable();

/// The rule for a permission, or nullptr.
const PermissionRule* FindRule(std::string_view permission);

/// Decides one request. kPublic → Ok. No principal → kUnauthenticated. Unknown permission →
/// kForbidden (fail closed). Role not allowed → kForbidden "role X may not <description>".
/// Scoped and store_id not among principal.stores (and not a staff admin) → kForbidden
/// "not allowed for store <id>". A device is bound to exactly one store and never bypasses scoping.
core::Status Authorize(const Principal* principal, std::string_view permission,
                       std::string_view store_id);

}  // namespace vetahut::auth
