#pragma once
/// The order client across processes (decision 0041): served at /internal/v1/order/..., called by
/// processes without the order module.
#include <memory>

#include "services/order/client.hpp"

namespace vetahut::http {
class Router;
}
namespace vetahut::rpc {
struct ChannelOptions;
}

namespace vetahut::order {

/// Registers the internal routes that run `client`'s calls for other processes.
void ServeClient(http::Router& router, OrderClient& client);
/// A OrderClient that calls the order service at `options.base_urls`.
std::shared_ptr<OrderClient> RemoteClient(rpc::ChannelOptions options);

}  // namespace vetahut::order
