#pragma once
/// The location client across processes (decision 0041): served at /internal/v1/location/...,
/// called by processes without the location module. (The store directory has its own client
/// over the public store routes, http_client.hpp.)
#include <memory>

#include "services/location/client.hpp"

namespace vetahut::http {
class Router;
}
namespace vetahut::rpc {
struct ChannelOptions;
}

namespace vetahut::location {

/// Registers the internal routes that run `client`'s calls for other processes.
void ServeClient(http::Router& router, LocationClient& client);
/// A LocationClient that calls the location service at `options.base_urls`.
std::shared_ptr<LocationClient> RemoteClient(rpc::ChannelOptions options);

}  // namespace vetahut::location
