#pragma once
/// The pricing engine: a cart in, an exact `PriceQuote` out. Pure and deterministic: no clock,
/// no I/O, integer money only; the same inputs always give the same quote.
///
/// Rounding rules (see docs/decisions/0012-pricing-rounding.md). Every division rounds half-up
/// (.5 away from zero) to the minor unit, once, at the step named here:
/// - Topping charge = round(price(size) × portion × amount), one rounding: a half is ½, extra is
///   the multiplier (basis points, default 15'000 = 1.5×), light is priced as normal. Each half is
///   rounded on its own, so left + right of the same topping may cost one minor unit more than
///   the whole (0.75 → 0.38 + 0.38 = 0.76).
/// - Default toppings are included in the base price up to a whole, normal portion: keeping one
///   (at whole/normal, light or on a half) is free, removing one refunds nothing, and "extra" of a
///   default charges round(price × multiplier) − price.
/// - Deals: the deal price covers each item's base price and `included_toppings` added toppings
///   (counted in halves, in cart order; a topping that does not fit the remaining allowance is
///   charged in full; extra on an included topping charges the extra part); crust upcharges,
///   further toppings and slot upcharges are added.
/// - Percent off = round(eligible amount × percent); amount off and bundles are capped at the
///   eligible amount. A promotion's discount is spread over its lines in proportion to their
///   amounts: each line gets the floor of its share and the leftover minor units go one each to
///   the lines with the largest remainders (ties: the line that sorts first by content, so the
///   result does not depend on line order). Line discounts sum exactly to the discount.
/// - Loyalty reward (`QuoteRequest::reward_id`, see docs/decisions/0014): applied after the
///   promotions chosen, as an item discount of min(amount_off, what is left of the items' net),
///   spread over every line with a net left by the same rule as a promotion; it never touches the
///   delivery fee or the tip. Its minimum is checked on the subtotal before discounts, like a
///   promotion's. Unknown id, minimum not met, or nothing left to discount → kValidation on field
///   "reward_id" (the customer must not spend points for nothing).
/// - Tax per line on its net (line total − line discount), with the rate of its tax category:
///   exclusive = round(net × rate); inclusive (VAT) = the tax contained in the gross net =
///   round(net × rate / (100 % + rate)). Per-rate totals are sums of line taxes.
/// - total = subtotal − discount_total + tax (exclusive stores only) + delivery fee + tip; never
///   negative because every discount is capped at what it applies to. The delivery fee and tip
///   are inputs and are not taxed here.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/money.hpp"
#include "lib/core/result.hpp"
#include "services/menu/domain/catalog.hpp"
#include "services/menu/domain/promotion.hpp"
#include "services/menu/domain/store_context.hpp"

namespace vetahut::menu {

/// Where a topping goes on a pizza.
enum class Portion { kWhole, kLeft, kRight };
/// How much of a topping; light is priced as normal.
enum class ToppingAmount { kLight, kNormal, kExtra };

/// A topping the customer put on an item.
struct ToppingChoice {
  std::string topping_id;
  Portion portion = Portion::kWhole;
  ToppingAmount amount = ToppingAmount::kNormal;
  auto operator<=>(const ToppingChoice&) const = default;
};

/// One configured product: size, crust, toppings, removed defaults.
struct ItemSelection {
  std::string product_id;
  std::string size_id;
  std::string crust_id;  ///< empty = the product's default crust
  std::vector<ToppingChoice> toppings;
  std::vector<std::string> removed_toppings;  ///< default toppings taken off (no refund)
  auto operator<=>(const ItemSelection&) const = default;
};

/// An item chosen for a deal slot.
struct DealItemChoice {
  std::size_t slot = 0;  ///< index into `Deal::slots`
  ItemSelection item;
  auto operator<=>(const DealItemChoice&) const = default;
};

/// One line of a cart: a product (`item`) or a deal (`deal_id` + `deal_items`).
struct CartLine {
  ItemSelection item;
  std::string deal_id;
  std::vector<DealItemChoice> deal_items;
  int quantity = 1;
  auto operator<=>(const CartLine&) const = default;
};

/// What the caller knows about past uses of a promotion.
struct PromotionUsage {
  int by_customer = 0;
  int total = 0;
};

/// Everything a quote depends on besides the catalog and the store.
struct QuoteRequest {
  std::vector<CartLine> items;
  std::string coupon_code;  ///< empty = none
  std::string reward_id;    ///< a `Reward` of the catalog to redeem; empty = none
  Channel channel = Channel::kWeb;
  LocalTime local_time;                     ///< store-local, for dayparts and promotion hours
  core::TimePoint now{};                    ///< UTC, for promotion validity and 86 until-times
  std::optional<core::Money> delivery_fee;  ///< nullopt = no delivery (carry-out)
  std::optional<core::Money> tip;
  std::map<std::string, PromotionUsage, std::less<>> usage;  ///< by promotion id
};

/// The price of one topping on one item.
struct ToppingCharge {
  std::string topping_id;
  Portion portion = Portion::kWhole;
  ToppingAmount amount = ToppingAmount::kNormal;
  bool is_default = false;  ///< a default of the product
  bool included = false;    ///< covered by a deal's included toppings
  core::Money charge;
};

/// The breakdown of one product, alone or inside a deal.
struct ItemQuote {
  std::string product_id;
  std::string size_id;
  std::string crust_id;
  core::Money base;      ///< size price (0 inside a deal: the deal price covers it)
  core::Money crust;     ///< crust upcharge for the size
  core::Money upcharge;  ///< deal slot premium
  std::vector<ToppingCharge> toppings;
  core::Money unit_price;  ///< base + crust + upcharge + toppings
};

/// The breakdown of one cart line.
struct LineQuote {
  std::size_t index = 0;   ///< position in the request's items
  std::string product_id;  ///< product lines
  std::string deal_id;     ///< deal lines
  std::string name;        ///< in the store's locale
  std::string tax_category;
  std::vector<ItemQuote> items;  ///< one for a product line, one per chosen item for a deal
  core::Money base;              ///< product size price or deal price, per unit
  core::Money crust;             ///< per unit
  core::Money toppings;          ///< per unit
  core::Money upcharges;         ///< per unit
  core::Money unit_price;        ///< base + crust + toppings + upcharges
  int quantity = 1;
  core::Money line_total;  ///< unit_price × quantity
  core::Money discount;    ///< sum of the promotions' shares on this line
  core::Money net;         ///< line_total − discount
  core::Money tax;         ///< added (exclusive) or contained (inclusive)
};

/// What a discount applies to.
enum class DiscountTarget { kItems, kDelivery };

/// One line's share of a discount.
struct LineDiscount {
  std::size_t line = 0;
  core::Money amount;
};

/// A promotion (or a loyalty reward: kind kReward, promotion_id = the reward's id) that applied.
struct AppliedDiscount {
  std::string promotion_id;
  std::string code;  ///< empty for automatic deals and rewards
  std::string name;  ///< in the store's locale
  PromotionKind kind = PromotionKind::kPercentOff;
  DiscountTarget target = DiscountTarget::kItems;
  core::Money amount;
  std::vector<LineDiscount> lines;  ///< empty for free delivery
};

/// The loyalty reward a quote redeemed: what the order service reserves on the points ledger.
struct AppliedReward {
  std::string reward_id;
  std::int64_t points = 0;  ///< the reward's price in points
  core::Money amount;       ///< what it took off the items (≤ its amount_off)
};

/// Tax of one category.
struct TaxLine {
  std::string tax_category;
  std::int64_t rate = 0;  ///< 1/1000 %
  core::Money taxable;    ///< sum of the lines' nets
  core::Money tax;
};

/// The priced cart.
struct PriceQuote {
  core::Currency currency;
  TaxMode tax_mode = TaxMode::kExclusive;
  std::vector<LineQuote> lines;
  /// Promotions in application order, then the reward (kind kReward), if one was redeemed.
  std::vector<AppliedDiscount> discounts;
  core::Money subtotal;        ///< sum of line totals
  core::Money discount_total;  ///< item discounts (sum of line discounts)
  core::Money net_subtotal;    ///< subtotal − discount_total
  std::vector<TaxLine> taxes;  ///< by tax category, sorted
  core::Money tax_total;
  core::Money delivery_fee_before_discount;
  core::Money delivery_fee;  ///< what is charged (0 with free delivery)
  core::Money tip;
  core::Money total;
  std::optional<CouponRejection> rejected_coupon;  ///< the coupon asked for did not apply
  std::optional<AppliedReward> reward;             ///< the reward redeemed, if one was asked for
};

/// Prices a cart at a store. Every problem of every line comes back in one kValidation error
/// naming its field (`items[2].toppings[0].topping_id`): unknown product, size not offered,
/// item 86'd, daypart closed, modifier min/max broken, bad deal slots, missing tax rate, a reward
/// that is unknown, whose minimum is not met or that has nothing left to take off (`reward_id`). A
/// coupon that does not apply is not an error: the quote explains it in `rejected_coupon`; a reward
/// asked for either applies or is an error, because the customer spends points on it.
core::Result<PriceQuote> Quote(const Catalog& catalog, const StoreMenuContext& store,
                               const QuoteRequest& request);

}  // namespace vetahut::menu
