#pragma once
/// HTTP routes of the location service.
#include "lib/http/router.hpp"
#include "services/location/location_service.hpp"

namespace vetahut::location {

/// Permissions the location routes declare (checked by the auth middleware). Routes with a
/// `{store_id}` are scoped: a store manager may act only on the stores they are assigned to.
inline constexpr const char* kPermStoresWrite = "stores:write";    ///< create and edit stores (admin)
inline constexpr const char* kPermStoresHours = "stores:hours";    ///< hours, holidays, slot rules
inline constexpr const char* kPermStoresZones = "stores:zones";    ///< delivery zones
inline constexpr const char* kPermStoresPause = "stores:pause";    ///< busy mode

void RegisterRoutes(http::Router& router, LocationService& service);

}  // namespace vetahut::location
