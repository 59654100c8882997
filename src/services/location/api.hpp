#pragma once
/// HTTP routes of the location service.
#include "lib/http/router.hpp"
#include "services/location/location_service.hpp"

namespace vetahut::location {

/// Permission names the location routes declare (checked by the auth middleware).
inline constexpr const char* kPermStoresWrite = "stores:write";

void RegisterRoutes(http::Router& router, LocationService& service);

}  // namespace vetahut::location
