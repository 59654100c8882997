#pragma once
/// The kitchen client across processes (decision 0041): served at /internal/v1/kitchen/..., called by
/// processes without the kitchen module.
#include <memory>

#include "services/kitchen/client.hpp"

namespace vetahut::http {
class Router;
}
namespace vetahut::rpc {
struct ChannelOptions;
}

namespace vetahut::kitchen {

/// Registers the internal routes that run `client`'s calls for other processes.
void ServeClient(http::Router& router, KitchenClient& client);
/// A KitchenClient that calls the kitchen service at `options.base_urls`.
std::shared_ptr<KitchenClient> RemoteClient(rpc::ChannelOptions options);

}  // namespace vetahut::kitchen
