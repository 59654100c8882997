#include "services/order/remote.hpp"

#include "lib/rpc/typed.hpp"

namespace vetahut::order {
namespace {

struct OrderArgs {
  std::string order_id;
  template <class V>
  void Visit(V& v) {
    v("order_id", order_id);
  }
};

class RemoteOrder final : public OrderClient {
 public:
  explicit RemoteOrder(rpc::ChannelOptions options) : channel_(std::move(options)) {}
  core::Result<OrderSummary> GetOrder(const std::string& order_id) override {
    return rpc::Call<OrderSummary>(channel_, "get-order", OrderArgs{order_id}, rpc::Retry::kIdempotent);
  }

 private:
  rpc::Channel channel_;
};

}  // namespace

void ServeClient(http::Router& router, OrderClient& client) {
  rpc::Serve<OrderArgs>(router, "order", "get-order", [&client](const OrderArgs& a) { return client.GetOrder(a.order_id); });
}

std::shared_ptr<OrderClient> RemoteClient(rpc::ChannelOptions options) { return std::make_shared<RemoteOrder>(std::move(options)); }

}  // namespace vetahut::order
