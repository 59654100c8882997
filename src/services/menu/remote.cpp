#include "services/menu/remote.hpp"

#include "lib/core/error.hpp"
#include "lib/rpc/typed.hpp"

namespace vetahut::menu {
namespace {

std::string_view ChannelName(SalesChannel channel) {
  switch (channel) {
    case SalesChannel::kKiosk:
      return "kiosk";
    case SalesChannel::kPos:
      return "pos";
    case SalesChannel::kWeb:
      break;
  }
  return "web";
}

struct PriceCartArgs {
  std::string store_id;
  std::string cart_json;
  std::optional<core::MoneyAmount> delivery_fee;
  std::string channel;
  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("cart_json", cart_json);
    v("delivery_fee", delivery_fee);
    v("channel", channel);
  }
};

struct AvailabilityArgs {
  std::string store_id, item_id, reason;
  bool available = false;
  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("item_id", item_id);
    v("available", available);
    v("reason", reason);
  }
};

struct ItemArgs {
  std::string item_id;
  template <class V>
  void Visit(V& v) {
    v("item_id", item_id);
  }
};

struct IsMenuItemAnswer {
  bool menu_item = false;
  template <class V>
  void Visit(V& v) {
    v("menu_item", menu_item);
  }
};

class RemoteMenu final : public MenuClient {
 public:
  explicit RemoteMenu(rpc::ChannelOptions options) : channel_(std::move(options)) {}

  core::Result<PricedCart> PriceCart(const CartPricing& cart) override {
    return rpc::Call<PricedCart>(channel_, "price-cart",
                                 PriceCartArgs{cart.store_id, cart.cart_json, cart.delivery_fee, std::string(ChannelName(cart.channel))},
                                 rpc::Retry::kIdempotent);
  }
  core::Status SetItemAvailability(const std::string& store_id, const std::string& item_id, bool available,
                                   const std::string& reason) override {
    return rpc::CallStatus(channel_, "set-item-availability", AvailabilityArgs{store_id, item_id, reason, available},
                           rpc::Retry::kIdempotent);
  }
  bool IsMenuItem(const std::string& item_id) const override {
    auto answer = rpc::Call<IsMenuItemAnswer>(channel_, "is-menu-item", ItemArgs{item_id}, rpc::Retry::kIdempotent);
    // An unanswered question is not a "no": the caller's request fails with 503.
    if (!answer) throw core::ErrorException(answer.error());
    return answer->menu_item;
  }

 private:
  mutable rpc::Channel channel_;
};

}  // namespace

void ServeClient(http::Router& router, MenuClient& client) {
  rpc::Serve<PriceCartArgs>(router, "menu", "price-cart", [&client](const PriceCartArgs& a) -> core::Result<PricedCart> {
    CartPricing cart{a.store_id, a.cart_json, a.delivery_fee, SalesChannel::kWeb};
    if (a.channel == "kiosk") {
      cart.channel = SalesChannel::kKiosk;
    } else if (a.channel == "pos") {
      cart.channel = SalesChannel::kPos;
    } else if (a.channel != "web") {
      return core::Fail(core::Error::Validation({{"channel", "must be web, kiosk or pos"}}));
    }
    return client.PriceCart(cart);
  });
  rpc::Serve<AvailabilityArgs>(router, "menu", "set-item-availability", [&client](const AvailabilityArgs& a) {
    return client.SetItemAvailability(a.store_id, a.item_id, a.available, a.reason);
  });
  rpc::Serve<ItemArgs>(router, "menu", "is-menu-item", [&client](const ItemArgs& a) -> core::Result<IsMenuItemAnswer> {
    return IsMenuItemAnswer{client.IsMenuItem(a.item_id)};
  });
}

std::shared_ptr<MenuClient> RemoteClient(rpc::ChannelOptions options) { return std::make_shared<RemoteMenu>(std::move(options)); }

}  // namespace vetahut::menu
