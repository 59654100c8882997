#include "services/kitchen/remote.hpp"

#include "lib/rpc/typed.hpp"

namespace vetahut::kitchen {
namespace {

class RemoteKitchen final : public KitchenClient {
 public:
  explicit RemoteKitchen(rpc::ChannelOptions options) : channel_(std::move(options)) {}
  core::Result<KitchenEstimate> Estimate(const EstimateRequest& request) override {
    return rpc::Call<KitchenEstimate>(channel_, "estimate", request, rpc::Retry::kIdempotent);
  }

 private:
  rpc::Channel channel_;
};

}  // namespace

void ServeClient(http::Router& router, KitchenClient& client) {
  rpc::Serve<EstimateRequest>(router, "kitchen", "estimate", [&client](const EstimateRequest& r) { return client.Estimate(r); });
}

std::shared_ptr<KitchenClient> RemoteClient(rpc::ChannelOptions options) {
  return std::make_shared<RemoteKitchen>(std::move(options));
}

}  // namespace vetahut::kitchen
