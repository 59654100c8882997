#pragma once
/// HTTP routes of the menu service: the public store menu and menu administration.
#include "lib/http/router.hpp"
#include "services/location/client.hpp"
#include "services/menu/menu_service.hpp"

namespace vetahut::menu {

/// `menu_reads_inline`: the store menu route runs on the I/O thread (only when the store directory
/// is in this process, so a cache miss never waits on the network there).
void RegisterRoutes(http::Router& router, MenuService& menu, bool menu_reads_inline);

}  // namespace vetahut::menu
