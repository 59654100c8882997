#pragma once
/// The customer client across processes (decision 0041): served at /internal/v1/customer/..., called by
/// processes without the customer module.
#include <memory>

#include "services/customer/client.hpp"

namespace vetahut::http {
class Router;
}
namespace vetahut::rpc {
struct ChannelOptions;
}

namespace vetahut::customer {

class AuditLog;
/// Registers the internal route that writes other processes' staff actions to the audit log.
void ServeAudit(http::Router& router, AuditLog& audit);
/// An AuditLog that writes to the customer service's (a failure is logged, never the caller's).
std::shared_ptr<AuditLog> RemoteAudit(rpc::ChannelOptions options);

/// Registers the internal routes that run `client`'s calls for other processes.
void ServeClient(http::Router& router, CustomerClient& client);
/// A CustomerClient that calls the customer service at `options.base_urls`.
std::shared_ptr<CustomerClient> RemoteClient(rpc::ChannelOptions options);

}  // namespace vetahut::customer
