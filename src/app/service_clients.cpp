#include "app/service_clients.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>

#include "lib/auth/verifier.hpp"
#include "lib/config/config.hpp"
#include "lib/core/clock.hpp"
#include "lib/http/router.hpp"
#include "lib/module/module.hpp"
#include "lib/rpc/channel.hpp"
#include "services/customer/module.hpp"
#include "services/customer/remote.hpp"
#include "services/kitchen/remote.hpp"
#include "services/location/http_client.hpp"
#include "services/location/remote.hpp"
#include "services/menu/remote.hpp"
#include "services/order/remote.hpp"
#include "services/payment/remote.hpp"

namespace vetahut::app {
namespace {

using Registry = module::ClientRegistry;

/// One client name: the service ([clients] key) that offers it, how to build its remote
/// implementation over a channel, and how to serve it.
struct ClientKind {
  std::string service;
  std::function<void(Registry&, const std::string& name, rpc::ChannelOptions)> provide_remote;
  std::function<void(http::Router&, const Registry&, const std::string& name)> serve;
};

template <class Client, class Make, class Serve>
ClientKind Kind(std::string service, Make make, Serve serve) {
  return {std::move(service),
          [make](Registry& r, const std::string& name, rpc::ChannelOptions o) { r.ProvideRemote<Client>(name, make(std::move(o))); },
          [serve](http::Router& router, const Registry& r, const std::string& name) { serve(router, r.Get<Client>(name)); }};
}

const std::map<std::string, ClientKind>& Kinds() {
  static const std::map<std::string, ClientKind> kinds = [] {
    std::map<std::string, ClientKind> k;
    k.emplace("location", Kind<location::LocationClient>("location", &location::RemoteClient,
                                                         [](http::Router& r, location::LocationClient& c) { location::ServeClient(r, c); }));
    k.emplace("menu", Kind<menu::MenuClient>("menu", &menu::RemoteClient, [](http::Router& r, menu::MenuClient& c) { menu::ServeClient(r, c); }));
    k.emplace("payment", Kind<payment::PaymentClient>("payment", &payment::RemoteClient,
                                                      [](http::Router& r, payment::PaymentClient& c) { payment::ServeClient(r, c); }));
    k.emplace("customer", Kind<customer::CustomerClient>("customer", &customer::RemoteClient,
                                                         [](http::Router& r, customer::CustomerClient& c) { customer::ServeClient(r, c); }));
    k.emplace("audit", Kind<customer::AuditLog>("customer", &customer::RemoteAudit,
                                                [](http::Router& r, customer::AuditLog& c) { customer::ServeAudit(r, c); }));
    k.emplace("kitchen", Kind<kitchen::KitchenClient>("kitchen", &kitchen::RemoteClient,
                                                      [](http::Router& r, kitchen::KitchenClient& c) { kitchen::ServeClient(r, c); }));
    k.emplace("order", Kind<order::OrderClient>("order", &order::RemoteClient,
                                                [](http::Router& r, order::OrderClient& c) { order::ServeClient(r, c); }));
    return k;
  }();
  return kinds;
}

}  // namespace

std::string ServiceOfClient(const std::string& client) {
  if (client == "stores") return "location";
  if (client == "auth.verifier") return "customer";
  auto it = Kinds().find(client);
  return it == Kinds().end() ? std::string() : it->second.service;
}

bool ProvideRemoteClient(const config::Config& config, Registry& clients, const std::string& client,
                         cache::Cache* revocations) {
  if (clients.Has(client)) return true;
  if (client == "auth.verifier") {
    if (config.auth.jwks_url.empty()) return false;
    clients.ProvideRemote<auth::TokenVerifier>(
        client, std::make_shared<auth::JwksVerifier>(config.auth.jwks_url, auth::VerifyOptions{config.auth.issuer, config.auth.audience},
                                                     core::SystemClock::Instance(), revocations));
    return true;
  }
  const std::string service = ServiceOfClient(client);
  const std::string* urls = service.empty() ? nullptr : config.clients.UrlOf(service);
  if (!urls || urls->empty()) return false;
  if (client == "stores") {
    // The store directory reads the public store routes (cached), from the first replica listed.
    clients.ProvideRemote<location::StoreDirectoryClient>(
        client, std::make_shared<location::HttpStoreDirectory>(rpc::SplitUrls(*urls).front(), core::SystemClock::Instance()));
    return true;
  }
  rpc::ChannelOptions options;
  options.service = service;
  options.base_urls = rpc::SplitUrls(*urls);
  options.service_token = config.clients.service_token;
  options.caller = config.target;
  Kinds().at(client).provide_remote(clients, client, std::move(options));
  return true;
}

std::string RemoteHint(const std::string& client) {
  if (client == "auth.verifier") return "set auth.jwks_url to the customer service's /.well-known/jwks.json";
  const std::string service = ServiceOfClient(client);
  if (service.empty()) return fmt::format("no service offers '{}' over HTTP", client);
  return fmt::format("set clients.{} (VETAHUT_CLIENTS_{}) to the {} service's URL, and clients.service_token", service,
                     [&] {
                       std::string upper = service;
                       for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                       return upper;
                     }(),
                     service);
}

void ServeInternalClients(http::Router& router, const Registry& clients, const std::set<std::string>& provided) {
  for (const auto& [name, kind] : Kinds()) {
    if (provided.contains(name) && clients.Has(name) && !clients.IsRemote(name)) kind.serve(router, clients, name);
  }
}

}  // namespace vetahut::app
