#pragma once
/// The menu catalog a pizza chain sells: categories, products with sizes and crusts, toppings
/// priced per size, modifier groups, deals made of slots, daypart availability, translations.
/// Plain value types; ids are strings. Prices are integer minor units of the currency of the
/// store that serves the catalog (`Catalog::currency`), never floating point.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"

namespace vetahut::menu {

/// An amount in minor units (cents) of the catalog's currency.
using MinorUnits = std::int64_t;

/// Basis points for multipliers: 10'000 = 1×, 15'000 = 1.5×.
inline constexpr std::int64_t kBasisPoints = 10'000;
/// Percentages (tax rates, percent-off) are integers in 1/1000 of a percent: 8'875 = 8.875 %,
/// 19'000 = 19 %, 100'000 = 100 %.
inline constexpr std::int64_t kRateScale = 100'000;

/// Customer-visible text per locale ("en", "es", "es-MX" …).
using LocalizedText = std::map<std::string, std::string, std::less<>>;

/// The text for `locale`; else for its language ("es" for "es-MX"); else for `fallback`; else the
/// first translation; else "". Never throws.
std::string_view Text(const LocalizedText& text, std::string_view locale,
                      std::string_view fallback);

/// What a product is; pizzas alone may carry half-portion toppings.
enum class ProductKind { kPizza, kSide, kDrink, kDessert, kOther };

/// A time-of-day window on one weekday, in store-local minutes: [start_minute, end_minute).
struct DaypartWindow {
  int weekday = 0;        ///< 0 = Sunday … 6 = Saturday (as in location's opening hours)
  int start_minute = 0;   ///< 0 … 1439
  int end_minute = 1440;  ///< start_minute+1 … 1440
};

/// Store-local time of day, computed by the caller from the store's IANA zone.
struct LocalTime {
  int weekday = 0;        ///< 0 = Sunday … 6 = Saturday
  int minute_of_day = 0;  ///< 0 … 1439
};

/// When something can be ordered. No windows = always (e.g. lunch deals list Mon–Fri 11:00–14:00).
struct Availability {
  std::vector<DaypartWindow> windows;
};

/// True if `availability` has no windows or one of them contains `time`.
bool IsAvailableAt(const Availability& availability, LocalTime time);

/// A menu section ("Pizzas", "Sides").
struct Category {
  std::string id;
  LocalizedText name;
  int sort_order = 0;
};

/// A size the chain sells ("small", "medium", "large"); products price each size they offer.
struct Size {
  std::string id;
  LocalizedText name;
  int sort_order = 0;
};

/// A price for one size.
struct SizePrice {
  std::string size_id;
  MinorUnits price = 0;
};

/// A crust with its upcharge per size; a size missing from `upcharges` cannot have this crust.
struct Crust {
  std::string id;
  LocalizedText name;
  std::vector<SizePrice> upcharges;
  std::vector<std::string> allergens;
};

/// Anything added to a product and priced per size: a pizza topping, a dip, a sauce.
struct Topping {
  std::string id;
  LocalizedText name;
  std::vector<SizePrice> prices;  ///< price of a whole, normal portion per size
  /// Price multiplier of an "extra" portion in basis points; nullopt = the catalog's default.
  std::optional<std::int64_t> extra_multiplier_bp;
  std::vector<std::string> allergens;
  int calories = 0;  ///< per whole, normal portion on a medium pizza (informational)
};

/// One option of a modifier group; options are toppings so they are priced per size.
struct ModifierOption {
  std::string topping_id;
  bool is_default = false;  ///< on the product unless the customer removes it
};

/// A choice with bounds, e.g. "Sauce: exactly 1" or "Toppings: up to 10".
struct ModifierGroup {
  std::string id;
  LocalizedText name;
  int min_selections = 0;
  int max_selections = 1;
  std::vector<ModifierOption> options;
};

/// One size a product is offered in, with its base price, calories and allergens.
struct ProductSize {
  std::string size_id;
  MinorUnits price = 0;
  int calories = 0;
  std::vector<std::string> allergens;
};

/// Something the customer orders: a pizza, a side, a drink, a dessert.
struct Product {
  std::string id;
  std::string category_id;
  ProductKind kind = ProductKind::kPizza;
  LocalizedText name;
  LocalizedText description;
  std::string image_url;
  std::string tax_category;  ///< key into the store's tax rates ("food", "soft_drink")
  std::vector<ProductSize> sizes;
  std::vector<std::string> crust_ids;  ///< crusts offered; empty = no crust choice
  std::string default_crust_id;        ///< used when a cart line names none
  std::vector<std::string> modifier_group_ids;
  /// Toppings on the product by default, in addition to the default options of its groups
  /// (e.g. pepperoni on the Pepperoni pizza). Each must be an option of one of its groups.
  std::vector<std::string> default_topping_ids;
  Availability availability;
};

/// A premium choice in a deal slot: choosing `product_id` (and `size_id`, if set) costs more.
struct SlotUpcharge {
  std::string product_id;  ///< empty = any product
  std::string size_id;     ///< empty = any size
  MinorUnits amount = 0;
};

/// One part of a deal, e.g. "2 medium 1-topping pizzas".
struct DealSlot {
  LocalizedText name;
  std::vector<std::string> product_ids;  ///< allowed products; empty = any product of `category_id`
  std::string category_id;               ///< used when `product_ids` is empty; empty = any product
  std::vector<std::string> size_ids;     ///< allowed sizes; empty = any size the product offers
  int quantity = 1;                      ///< items the customer picks for this slot
  /// Added toppings included in the deal price, counted in whole toppings (a half counts ½).
  int included_toppings = 0;
  std::vector<SlotUpcharge> upcharges;
};

/// A combo sold at a fixed price: slots of allowed products.
struct Deal {
  std::string id;
  std::string category_id;
  LocalizedText name;
  LocalizedText description;
  std::string image_url;
  std::string tax_category;
  MinorUnits price = 0;
  std::vector<DealSlot> slots;
  Availability availability;
};

/// Where an order is placed.
enum class Channel { kWeb, kKiosk, kPos };

/// What a promotion does.
enum class PromotionKind {
  kPercentOff,        ///< `percent_off` of the eligible lines
  kAmountOff,         ///< `amount_off` off the eligible lines
  kFixedBundlePrice,  ///< every `bundle_quantity` eligible units cost `bundle_price`
  kBuyXGetY,          ///< per `buy_quantity` + `get_quantity` eligible units, the cheapest
                      ///< `get_quantity` get `get_percent_off`
  kFreeDelivery,      ///< the delivery fee becomes zero
  /// Never a catalog promotion's kind: marks a loyalty `Reward` redeemed in a quote
  /// (`AppliedDiscount::kind`). ValidateCatalog rejects a promotion of this kind.
  kReward,
};

/// A coupon (has a code) or an automatic deal (no code).
struct Promotion {
  std::string id;
  std::string code;  ///< empty = automatic; compared case-insensitively
  LocalizedText name;
  PromotionKind kind = PromotionKind::kPercentOff;
  std::int64_t percent_off = 0;               ///< kPercentOff, in 1/1000 % (20'000 = 20 %)
  MinorUnits amount_off = 0;                  ///< kAmountOff
  int bundle_quantity = 0;                    ///< kFixedBundlePrice
  MinorUnits bundle_price = 0;                ///< kFixedBundlePrice
  int buy_quantity = 0;                       ///< kBuyXGetY
  int get_quantity = 0;                       ///< kBuyXGetY
  std::int64_t get_percent_off = kRateScale;  ///< kBuyXGetY: 100 % = free
  /// Eligible lines: products listed, or of the categories listed, in the sizes listed (each
  /// list empty = no restriction). Deal lines are eligible only with `applies_to_deals`.
  std::vector<std::string> product_ids;
  std::vector<std::string> category_ids;
  std::vector<std::string> size_ids;
  bool applies_to_deals = false;
  MinorUnits minimum_subtotal = 0;             ///< of the cart's lines before discounts
  std::optional<core::TimePoint> valid_from;   ///< UTC, inclusive
  std::optional<core::TimePoint> valid_until;  ///< UTC, exclusive
  Availability local_hours;                    ///< weekdays and store-local hours
  std::vector<Channel> channels;               ///< empty = every channel
  std::optional<int> max_uses_per_customer;
  std::optional<int> max_uses_total;
  /// Stackable promotions combine with other stackable ones; an exclusive one stands alone.
  bool stackable = false;
};

/// A loyalty reward: the customer spends `points` (reserved by the order service on the customer's
/// ledger) for `amount_off` off the items, applied by the pricing engine after promotions.
struct Reward {
  std::string id;  ///< shares the discounts' id space: must not be a promotion's id
  LocalizedText name;
  std::int64_t points = 0;          ///< > 0
  MinorUnits amount_off = 0;        ///< > 0, capped at the items' net left after promotions
  MinorUnits minimum_subtotal = 0;  ///< of the cart's lines before discounts; 0 = none
};

/// What one order may hold in a market (every quote and order is checked against them). Amounts
/// are minor units of the market's currency.
struct OrderLimits {
  int max_lines = 50;                   ///< cart lines (products and deals)
  int max_quantity = 50;                ///< of one line
  MinorUnits max_tip = 20'000;          ///< a tip, absolute (200.00)
  std::int64_t max_tip_bp = 10'000;     ///< a tip as a share of the subtotal, basis points (100 %)
  MinorUnits max_total = 1'000'000;     ///< the order's total (10,000.00)
  bool operator==(const OrderLimits&) const = default;
};

/// The whole menu of a chain (or a region sharing a currency), with lookups by id.
/// Edit the vectors freely, then call `BuildIndex()`: lookups use the index once built.
struct Catalog {
  std::string currency = "USD";                        ///< ISO-4217 code of every price
  std::string fallback_locale = "en";                  ///< shown when a translation is missing
  std::vector<std::string> required_locales = {"en"};  ///< every text must have these
  std::int64_t extra_multiplier_bp = 15'000;           ///< default price multiplier of "extra"
  OrderLimits limits;                                  ///< what one order may hold
  std::vector<Category> categories;
  std::vector<Size> sizes;
  std::vector<Crust> crusts;
  std::vector<Topping> toppings;
  std::vector<ModifierGroup> modifier_groups;
  std::vector<Product> products;
  std::vector<Deal> deals;
  std::vector<Promotion> promotions;
  std::vector<Reward> rewards;  ///< loyalty rewards redeemable in this market

  /// (Re)builds the id indexes; call after editing the vectors.
  void BuildIndex();

  const Category* FindCategory(std::string_view id) const;
  const Size* FindSize(std::string_view id) const;
  const Crust* FindCrust(std::string_view id) const;
  const Topping* FindTopping(std::string_view id) const;
  const ModifierGroup* FindModifierGroup(std::string_view id) const;
  const Product* FindProduct(std::string_view id) const;
  const Deal* FindDeal(std::string_view id) const;
  const Promotion* FindPromotion(std::string_view id) const;
  const Reward* FindReward(std::string_view id) const;
  /// The promotion with this coupon code (case-insensitive), or nullptr.
  const Promotion* FindPromotionByCode(std::string_view code) const;

 private:
  /// Positions by id: open addressing over the ids' 64-bit hashes (catalog.cpp). The ids stay in
  /// the vectors, so a hit compares the id once, with the item's own.
  struct Index {
    struct Slot {
      std::uint64_t hash = 0;
      std::uint32_t position = 0;  ///< 1 + the item's position; 0 = empty
    };
    std::vector<Slot> slots;   ///< a power of two long, at most half full; empty = no ids
    std::size_t distinct = 0;  ///< ids indexed (duplicates: the first wins)
  };
  Index categories_by_id_, sizes_by_id_, crusts_by_id_, toppings_by_id_, groups_by_id_,
      products_by_id_, deals_by_id_, promotions_by_id_, promotions_by_code_, rewards_by_id_;
  bool indexed_ = false;

  template <class T>
  const T* Lookup(const std::vector<T>& items, const Index& index, std::string_view id) const;
};

/// `a == b` for ids, inline and without a library call up to 16 bytes: the engine compares short
/// ids in its inner loops, and most pairs differ in length or in their first word.
[[gnu::always_inline]] inline bool SameId(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) {
    if (n > 16) return std::memcmp(p, q, n) == 0;
    std::uint64_t p0, q0, p1, q1;  // two words, overlapping when n < 16
    std::memcpy(&p0, p, 8);
    std::memcpy(&q0, q, 8);
    std::memcpy(&p1, p + n - 8, 8);
    std::memcpy(&q1, q + n - 8, 8);
    return ((p0 ^ q0) | (p1 ^ q1)) == 0;
  }
  if (n >= 4) {
    std::uint32_t p0, q0, p1, q1;
    std::memcpy(&p0, p, 4);
    std::memcpy(&q0, q, 4);
    std::memcpy(&p1, p + n - 4, 4);
    std::memcpy(&q1, q + n - 4, 4);
    return ((p0 ^ q0) | (p1 ^ q1)) == 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

/// The price for `size_id` in `prices`, or nullopt if the size is not listed.
std::optional<MinorUnits> PriceForSize(const std::vector<SizePrice>& prices,
                                       std::string_view size_id);

/// Every problem in a catalog as one validation error, each naming its field
/// (`products[3].sizes[1].price`): duplicate or empty ids, unknown references, negative prices,
/// min > max, defaults that are not options, missing translations for `required_locales`,
/// unknown currency, bad daypart windows, incomplete promotions, rewards without points or amount
/// (or whose id is also a promotion's).
core::Status ValidateCatalog(const Catalog& catalog);

}  // namespace vetahut::menu
