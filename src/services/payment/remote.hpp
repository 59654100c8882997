#pragma once
/// The payment client across processes (decision 0041): served at /internal/v1/payment/...,
/// called by processes without the payment module. Every call is idempotent per order, so each
/// is retried on another replica when one does not answer.
#include <memory>

#include "services/payment/client.hpp"

namespace vetahut::http {
class Router;
}
namespace vetahut::rpc {
struct ChannelOptions;
}

namespace vetahut::payment {

/// Registers the internal routes that run `client`'s calls for other processes.
void ServeClient(http::Router& router, PaymentClient& client);
/// A PaymentClient that calls the payment service at `options.base_urls`.
std::shared_ptr<PaymentClient> RemoteClient(rpc::ChannelOptions options);

}  // namespace vetahut::payment
