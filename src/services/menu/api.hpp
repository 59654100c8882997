#pragma once
/// HTTP routes of the menu service: the public store menu, quotes, and menu administration.
#include "lib/http/router.hpp"
#include "services/location/client.hpp"
#include "services/menu/menu_service.hpp"

namespace vetahut::menu {

void RegisterRoutes(http::Router& router, MenuService& menu, location::LocationClient& locations);

}  // namespace vetahut::menu
