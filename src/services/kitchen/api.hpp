#pragma once
/// HTTP routes of the kitchen service: tickets, bumps and the kitchen stream; setup and load;
/// inventory and recipes; deliveries and drivers.
#include "lib/http/router.hpp"
#include "services/kitchen/kitchen_service.hpp"

namespace vetahut::kitchen {

void RegisterRoutes(http::Router& router, KitchenService& kitchen);

}  // namespace vetahut::kitchen
