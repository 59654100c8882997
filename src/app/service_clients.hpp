#pragma once
/// How a process reaches the services it does not run, and offers the ones it runs to others
/// (decision 0041): one table from client names ("menu", "stores", "audit"…) to the remote
/// implementation configured in [clients] and to the internal routes that serve it.
#include <set>
#include <string>

namespace vetahut::config {
struct Config;
}
namespace vetahut::http {
class Router;
}
namespace vetahut::module {
class ClientRegistry;
}
namespace vetahut::cache {
class Cache;
}

namespace vetahut::app {

/// Offers `client` from the service configured in [clients] (or auth.jwks_url); false when the
/// configuration names no place for it. `revocations`: the cache where logouts are shared, which
/// the JWKS verifier asks (decision 0043; nullptr: it sees none).
bool ProvideRemoteClient(const config::Config& config, module::ClientRegistry& clients, const std::string& client,
                         cache::Cache* revocations = nullptr);

/// What to configure so a process finds `client` elsewhere (for start-up errors).
std::string RemoteHint(const std::string& client);

/// Registers /internal/v1/... for every client this process's modules provide (`provided`), so
/// processes without those modules can call them.
void ServeInternalClients(http::Router& router, const module::ClientRegistry& clients, const std::set<std::string>& provided);

/// The [clients] key of the service that provides `client`, or "" for none.
std::string ServiceOfClient(const std::string& client);

}  // namespace vetahut::app
