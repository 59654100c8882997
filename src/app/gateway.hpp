#pragma once
/// The gateway (`--target gateway`, decision 0042): the chain's front door. It serves no module of
/// its own; it forwards each public route of every service to that service's replicas (named in
/// [clients]), after checking the token and the route's permission at the edge and the client's
/// rate; relays event streams as they come; answers 503 at once for a service with no healthy
/// replica; and serves the web apps and the app's first-screen call (`GET /api/v1/home`).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lib/core/result.hpp"
#include "lib/http/message.hpp"

namespace vetahut::config {
struct Config;
}
namespace vetahut::http {
class Router;
}
namespace vetahut::metrics {
class Registry;
}

namespace vetahut::app {

/// One public route of a service, as the gateway forwards it.
struct ServiceRoute {
  http::Method method;
  std::string pattern;
  std::string permission;
  std::string service;
};

/// The public routes of `services`, found by building each service's module on a scratch
/// in-memory database (the gateway and the services are the same binary, so they agree).
/// Internal, operator and per-process admin routes are left out.
std::vector<ServiceRoute> PublicRoutesOf(const config::Config& config, const std::vector<std::string>& services);

/// Answers a request to another route of this platform: in-process in the all-in-one, through
/// the upstream on a gateway. Used by the first-screen call.
using Fetch = std::function<core::Result<http::Response>(http::Method method, const std::string& target,
                                                         const http::Request& original)>;

/// Registers `GET /api/v1/home?lat=&lon=`: the nearest store, its status now and its menu's ETag.
void RegisterHome(http::Router& router, Fetch fetch);

/// Health-checked pools of every service's replicas, and the forwarding itself.
class Gateway {
 public:
  Gateway(const config::Config& config, metrics::Registry& metrics);
  ~Gateway();  ///< ends every relayed stream
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  /// Registers every route of `routes` on `router` to be forwarded to its service.
  void Register(http::Router& router, const std::vector<ServiceRoute>& routes);
  /// Forwards `request` (as received) to `service`: the upstream's answer, or kUnavailable at
  /// once when no replica is healthy.
  core::Result<http::Response> Forward(const std::string& service, const http::Request& request);
  /// As Forward, for a request of the gateway's own (the first-screen call's reads).
  core::Result<http::Response> Fetch(const std::string& service, http::Method method, const std::string& target,
                                     const http::Request& original);
  /// Ends every relayed stream (shutdown: they would hold the server's drain).
  void CloseStreams();
  /// Probes every replica's /readyz (a periodic task calls it).
  void CheckHealth();
  /// The service that serves `path` (for Fetch), "" for none.
  std::string ServiceOf(http::Method method, const std::string& path) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vetahut::app
