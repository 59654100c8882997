#pragma once
/// What other services ask of the menu service, in plain values: price a cart (the order
/// service, for quotes and placement), switch an item off or on at a store (the kitchen's
/// auto-86) and whether an item is on a menu (the customer service's favourites). In the all-in-one process the menu module implements it directly.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/money.hpp"
#include "lib/core/result.hpp"

namespace vetahut::menu {

/// Who is ordering: prices and deals may differ per channel.
enum class SalesChannel { kWeb, kKiosk, kPos };

/// A cart to price at a store.
struct CartPricing {
  std::string store_id;
  /// The cart as the API takes it: {"items": [...], "deals": [...], "coupon_code", "reward_id",
  /// "tip"} — other keys (store_id, type, payment…) are ignored. Errors name these fields.
  std::string cart_json;
  std::optional<core::MoneyAmount> delivery_fee;  ///< nullopt = not a delivery
  SalesChannel channel = SalesChannel::kWeb;
};

/// A topping as priced.
struct PricedTopping {
  std::string topping_id;
  std::string name;
  std::string portion;  ///< whole | left | right
  std::string amount;   ///< light | normal | extra
  bool is_default = false;
  core::MoneyAmount charge;
  template <class V>
  void Visit(V& v) {
    v("topping_id", topping_id);
    v("name", name);
    v("portion", portion);
    v("amount", amount);
    v("is_default", is_default);
    v("charge", charge);
  }
};

/// One product as made: alone on a line, or one of a deal's items.
struct PricedItem {
  std::string product_id;
  std::string name;
  std::string category_id;
  std::string kind;  ///< pizza | side | drink | dessert | other (kitchen routing)
  std::string size_id;
  std::string size_name;
  std::string crust_id;
  std::string crust_name;
  std::vector<PricedTopping> toppings;
  std::vector<std::string> removed_toppings;
  core::MoneyAmount unit_price;
  template <class V>
  void Visit(V& v) {
    v("product_id", product_id);
    v("name", name);
    v("category_id", category_id);
    v("kind", kind);
    v("size_id", size_id);
    v("size_name", size_name);
    v("crust_id", crust_id);
    v("crust_name", crust_name);
    v("toppings", toppings);
    v("removed_toppings", removed_toppings);
    v("unit_price", unit_price);
  }
};

/// One cart line as priced.
struct PricedLine {
  std::size_t index = 0;     ///< position among the request's items, then its deals
  std::string deal_id;       ///< empty for a product line
  std::string name;
  std::vector<PricedItem> items;  ///< one for a product line, one per chosen item for a deal
  int quantity = 1;
  core::MoneyAmount unit_price;
  core::MoneyAmount line_total;
  core::MoneyAmount discount;
  core::MoneyAmount net;
  core::MoneyAmount tax;
  std::string tax_category;  ///< food | beverage | … (the store's rate for it applied)
  template <class V>
  void Visit(V& v) {
    v("index", index);
    v("deal_id", deal_id);
    v("name", name);
    v("items", items);
    v("quantity", quantity);
    v("unit_price", unit_price);
    v("line_total", line_total);
    v("discount", discount);
    v("net", net);
    v("tax", tax);
    v("tax_category", tax_category);
  }
};

/// A loyalty reward the cart redeems: the order service reserves its points.
struct RedeemedReward {
  std::string reward_id;
  std::int64_t points = 0;
  core::MoneyAmount amount;
  template <class V>
  void Visit(V& v) {
    v("reward_id", reward_id);
    v("points", points);
    v("amount", amount);
  }
};

/// A coupon the customer asked for that did not apply, and why.
struct RejectedCoupon {
  std::string coupon_code;
  std::string reason;   ///< unknown | expired | not_yet_valid | minimum_not_met | … (stable)
  std::string message;  ///< for people, in the store's language
  template <class V>
  void Visit(V& v) {
    v("coupon_code", coupon_code);
    v("reason", reason);
    v("message", message);
  }
};

/// The server's price of a cart.
struct PricedCart {
  std::string currency;
  std::vector<PricedLine> lines;
  core::MoneyAmount subtotal;
  core::MoneyAmount discount_total;
  core::MoneyAmount net_subtotal;  ///< subtotal − discounts: what loyalty points are earned on
  core::MoneyAmount tax_total;
  core::MoneyAmount delivery_fee;
  core::MoneyAmount tip;
  core::MoneyAmount total;
  std::optional<RedeemedReward> reward;
  std::optional<RejectedCoupon> rejected_coupon;
  std::string quote_json;  ///< the quote as the API shows it
  template <class V>
  void Visit(V& v) {
    v("currency", currency);
    v("lines", lines);
    v("subtotal", subtotal);
    v("discount_total", discount_total);
    v("net_subtotal", net_subtotal);
    v("tax_total", tax_total);
    v("delivery_fee", delivery_fee);
    v("tip", tip);
    v("total", total);
    v("reward", reward);
    v("rejected_coupon", rejected_coupon);
    v("quote_json", quote_json);
  }
};

class MenuClient {
 public:
  virtual ~MenuClient() = default;
  /// Prices a cart now. kValidation naming the cart's fields (`items[0].size`, `coupon_code`…);
  /// kNotFound for an unknown store; kConflict when the store's market has no published menu.
  virtual core::Result<PricedCart> PriceCart(const CartPricing& cart) = 0;
  /// The "86" switch for one store (kitchen auto-86 and its return).
  virtual core::Status SetItemAvailability(const std::string& store_id, const std::string& item_id, bool available,
                                           const std::string& reason) = 0;
  /// True if the published menu of some market has a product or deal with this id (what a
  /// customer may keep as a favourite).
  virtual bool IsMenuItem(const std::string& item_id) const = 0;
};

}  // namespace vetahut::menu
