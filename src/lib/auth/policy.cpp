#include "lib/auth/policy.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace vetahut::auth {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::vector<std::string> Roles(std::initializer_list<std::string_view> roles) {
  return {roles.begin(), roles.end()};
}

// THE policy. One row per permission; docs/rbac.md has the same rows (a test checks it).
// Admin is listed explicitly where allowed: it does not pass rules that do not name it.
std::vector<PermissionRule> BuildPolicyTable() {
  const auto admin = kRoleAdmin;
  const auto manager = kRoleStoreManager;
  return {
      {std::string(kPublic), {}, false, "call public endpoints"},
      {std::string(kAuthenticated), {}, false, "call endpoints for any signed-in caller"},
      {std::string(kInternal), {}, false, "call the services' internal routes"},
      {"me:read", Roles({kRoleCustomer}), false,
       "read their own profile, addresses, loyalty, orders and data export"},
      {"me:write", Roles({kRoleCustomer}), false, "edit or delete their own account"},
      {"stores:write", Roles({admin}), false, "create and edit stores"},
      {"stores:hours", Roles({admin, manager}), true,
       "edit opening hours, holidays and slot rules"},
      {"stores:zones", Roles({admin, manager}), true, "edit delivery zones"},
      // The kitchen display and the counter can switch busy mode for their own store.
      {"stores:pause", Roles({admin, manager, kRoleKds, kRolePos}), true, "pause or resume a store (busy mode)"},
      {"menu:write", Roles({admin}), false, "edit, publish and schedule menu versions"},
      {"menu:availability", Roles({admin, manager, kRoleKds, kRolePos}), true,
       "switch an item off or on at a store (the 86 switch)"},
      {"menu:prices", Roles({admin, manager}), true, "set a store's prices"},
      {"menu:tax", Roles({admin}), true, "set a store's tax mode and rates"},
      {"users:write", Roles({admin}), false, "create staff users and set their roles"},
      {"users:read", Roles({admin}), false, "list staff users"},
      {"devices:write", Roles({admin}), false, "register kiosk, POS and KDS devices"},
      {"devices:provision", Roles({admin, manager}), true, "create one-time codes that provision a kiosk, POS or KDS of a store"},
      {"audit:read", Roles({admin}), false, "read the staff audit log"},
      // Orders. Routes about one order have no {store_id}: the handler checks the order's store
      // with the scoped permissions (orders:take for placing, orders:manage for the rest).
      {"orders:place", Roles({kRoleCustomer, kRoleCashier, manager, admin, kRoleKiosk, kRolePos}), false, "place orders"},
      {"orders:take", Roles({kRoleCashier, manager, admin, kRoleKiosk, kRolePos}), true, "take orders for a store"},
      {"orders:read", Roles({kRoleCustomer, kRoleCashier, kRoleCook, kRoleDriver, manager, admin, kRoleKiosk, kRolePos, kRoleKds}),
       false, "read and follow orders (their own, or their store's)"},
      {"orders:cancel", Roles({kRoleCustomer, kRoleCashier, manager, admin, kRolePos}), false,
       "cancel orders (customers: their own, before preparation)"},
      {"orders:status", Roles({kRoleCashier, kRoleCook, kRoleDriver, manager, admin, kRolePos, kRoleKds}), false,
       "move orders through the kitchen and hand-over"},
      {"orders:refund", Roles({manager, admin}), false, "refund completed orders"},
      {"loyalty:adjust", Roles({admin}), false, "credit or debit a customer's loyalty points"},
      {"payments:reconcile", Roles({admin}), false, "check the payments ledger"},
      {"dead_letters:manage", Roles({admin}), false, "list and re-drive events a consumer gave up on"},
      {"orders:manage", Roles({kRoleCashier, kRoleCook, kRoleDriver, manager, admin, kRolePos, kRoleKds}), true,
       "see and work a store's orders"},
      // The kitchen. Routes about one ticket or delivery have no {store_id}: their route permission
      // is unscoped and the handler checks the scoped one against the ticket's or delivery's store.
      {"kitchen:read", Roles({kRoleCook, kRoleKds, kRoleCashier, kRolePos, manager, admin}), true,
       "see a store's kitchen: tickets, the live stream, setup and load"},
      {"kitchen:bump", Roles({kRoleCook, kRoleKds, manager, admin}), true, "bump, recall and prioritize a store's tickets"},
      {"kitchen:tickets", Roles({kRoleCook, kRoleKds, kRoleCashier, kRolePos, manager, admin}), false,
       "open one ticket by id (the handler checks the ticket's store)"},
      {"kitchen:setup", Roles({manager, admin}), true, "set a store's stations, routing, times, lateness and busy mode"},
      {"inventory:read", Roles({kRoleCook, kRoleKds, manager, admin}), true, "see a store's stock and its adjustments"},
      {"inventory:adjust", Roles({kRoleCook, manager, admin}), true, "record deliveries received, waste and counts"},
      {"inventory:setup", Roles({manager, admin}), true, "set a store's low-stock thresholds"},
      {"recipes:read", Roles({manager, admin}), false, "read the chain's ingredients and recipes"},
      {"recipes:write", Roles({admin}), false, "edit the chain's ingredients and recipes"},
      {"deliveries:read", Roles({kRoleDriver, kRoleCashier, kRolePos, manager, admin}), true,
       "see a store's deliveries, suggested runs and drivers"},
      {"deliveries:manage", Roles({kRoleDriver, manager, admin}), true,
       "dispatch and complete a store's deliveries; drivers clock in there"},
      {"deliveries:work", Roles({kRoleDriver, manager, admin}), false,
       "dispatch and complete one delivery by id (the handler checks its store)"},
      {"drivers:self", Roles({kRoleDriver}), false, "clock in and out, send their position, see their run"},
      // Notifications: every person (not a device) has an in-app list and preferences of their own.
      {"notifications:self", Roles({kRoleCustomer, kRoleCashier, kRoleCook, kRoleDriver, manager, admin}), false,
       "read their own in-app notifications and set their notification preferences"},
      {"notifications:admin", Roles({admin}), false, "read the notification delivery log and retry dead notifications"},
      // The integration layer: partner webhooks (URLs, secrets, replays) and the ERP exports.
      {"webhooks:manage", Roles({admin}), false, "subscribe partners to events, test, replay and read their deliveries"},
      {"exports:manage", Roles({admin}), false, "make, list and download the daily sales journals"},
      // Reports. Their routes have no {store_id} (the store is a query parameter, or every store
      // the caller may see): the route permission is unscoped and the handler checks reports:store
      // for each store it covers.
      {"reports:read", Roles({manager, admin}), false,
       "read sales, kitchen, delivery and refund reports (the handler checks each store with reports:store)"},
      {"reports:store", Roles({manager, admin}), true, "read a store's reports"},
      // The end of a cashier's day: cashiers and a POS till see their own figures, managers their
      // stores' (decision 0034); the handler narrows the rows.
      {"reports:cashier", Roles({kRoleCashier, kRolePos, manager, admin}), false,
       "read the end-of-day cashier summary (cashiers and POS devices: their own; managers: their stores')"},
      // A phone order starts with the caller's number: the counter finds the account.
      {"customers:lookup", Roles({kRoleCashier, kRolePos, manager, admin}), true,
       "find a customer by phone number to take their order"},
      {"analytics:manage", Roles({admin}), false, "rebuild the analytics facts from their events and export the data lake"},
  };
}

std::string RoleList(const std::vector<std::string>& roles) {
  if (roles.empty()) return "a caller without roles";
  return fmt::format("{} {}", roles.size() == 1 ? "role" : "roles", fmt::join(roles, ", "));
}

}  // namespace

const std::vector<std::string>& AllRoles() {
  static const std::vector<std::string> roles =
      Roles({kRoleCustomer, kRoleCashier, kRoleCook, kRoleDriver, kRoleStoreManager, kRoleAdmin});
  return roles;
}

const std::vector<std::string>& DeviceRoles() {
  static const std::vector<std::string> roles = Roles({kRoleKiosk, kRolePos, kRoleKds});
  return roles;
}

Principal PrincipalFromClaims(const Claims& claims) {
  return {claims.subject, claims.kind, claims.roles, claims.stores};
}

const std::vector<PermissionRule>& PolicyTable() {
  static const std::vector<PermissionRule> table = BuildPolicyTable();
  return table;
}

const PermissionRule* FindRule(std::string_view permission) {
  for (const auto& rule : PolicyTable()) {
    if (rule.permission == permission) return &rule;
  }
  return nullptr;
}

core::Status Authorize(const Principal* principal, std::string_view permission,
                       std::string_view store_id) {
  if (permission == kPublic) return core::Ok();
  if (principal == nullptr) {
    return core::Fail(core::Error::Unauthenticated("authentication required"));
  }
  const PermissionRule* rule = FindRule(permission);
  if (rule == nullptr) {
    // A route naming a permission the policy lacks is a bug; deny rather than guess.
    return core::Fail(core::Error::Forbidden(fmt::format("unknown permission '{}'", permission)));
  }
  // The service token opens the internal routes and nothing else; nothing else opens them.
  if ((permission == kInternal) != (principal->kind == PrincipalKind::kService)) {
    return core::Fail(core::Error::Forbidden(permission == kInternal ? "internal routes answer only to the chain's services"
                                                                     : "a service may call only internal routes"));
  }
  if (permission == kInternal || permission == kAuthenticated) return core::Ok();

  const bool role_allowed =
      std::any_of(rule->roles.begin(), rule->roles.end(),
                  [&](const std::string& r) { return Contains(principal->roles, r); });
  if (!role_allowed) {
    return core::Fail(core::Error::Forbidden(
        fmt::format("{} may not {}", RoleList(principal->roles), rule->description)));
  }
  if (!rule->store_scoped) return core::Ok();

  const auto not_for_store = [&] {
    return core::Fail(core::Error::Forbidden(fmt::format("not allowed for store {}", store_id)));
  };
  // A scoped permission on a route without {store_id} is a routing bug: fail closed.
  if (store_id.empty()) {
    return core::Fail(core::Error::Forbidden("store-scoped permission without a store id"));
  }
  if (principal->kind == PrincipalKind::kDevice) {
    // A device is bound to exactly one store; its roles never lift that, not even admin.
    if (principal->stores.size() != 1) {
      return core::Fail(core::Error::Forbidden("device is not bound to exactly one store"));
    }
    return principal->stores.front() == store_id ? core::Ok() : not_for_store();
  }
  // Only staff admins span stores; an admin role on any other kind of principal is not trusted.
  if (principal->kind == PrincipalKind::kStaff && Contains(principal->roles, kRoleAdmin)) {
    return core::Ok();
  }
  return Contains(principal->stores, store_id) ? core::Ok() : not_for_store();
}

}  // namespace vetahut::auth
