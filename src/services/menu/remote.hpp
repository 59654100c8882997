#pragma once
/// The menu client across processes (decision 0041): served at /internal/v1/menu/..., called by
/// processes without the menu module.
#include <memory>

#include "services/menu/client.hpp"

namespace vetahut::http {
class Router;
}
namespace vetahut::rpc {
struct ChannelOptions;
}

namespace vetahut::menu {

/// Registers the internal routes that run `client`'s calls for other processes.
void ServeClient(http::Router& router, MenuClient& client);
/// A MenuClient that calls the menu service at `options.base_urls`.
std::shared_ptr<MenuClient> RemoteClient(rpc::ChannelOptions options);

}  // namespace vetahut::menu
