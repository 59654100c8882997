// Property-style checks of the pricing engine over thousands of generated carts on a generated
// catalog. The generator is a fixed-seed SplitMix64, so every run sees the same carts.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>

#include "services/menu/domain/pricing.hpp"
#include "services/menu/domain/test_catalog.hpp"

namespace vetahut::menu {
namespace {

using testing::Tx;

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform-enough integer in [lo, hi].
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool Chance(int percent) { return Between(1, 100) <= percent; }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Between(0, static_cast<std::int64_t>(v.size()) - 1))];
  }
  template <class T>
  void Shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i)
      std::swap(v[i - 1], v[static_cast<std::size_t>(Between(0, i - 1))]);
  }

 private:
  std::uint64_t state_;
};

const std::vector<std::string> kSizes = {"small", "medium", "large"};

Catalog GenerateCatalog(SplitMix64& rng, std::string currency) {
  Catalog c;
  c.currency = std::move(currency);
  c.limits.max_tip_bp = 100'000;  // generated tips may be ten times a small cart (limits: pricing_test)
  c.required_locales = {"en", "es"};
  c.categories = {{"pizzas", Tx("Pizzas"), 1},
                  {"sides", Tx("Sides"), 2},
                  {"drinks", Tx("Drinks"), 3},
                  {"desserts", Tx("Desserts"), 4},
                  {"deals", Tx("Deals"), 5}};
  for (const auto& s : kSizes) c.sizes.push_back({s, Tx(s), 0});
  c.sizes.push_back({"regular", Tx("Regular"), 0});
  c.crusts = {{"classic", Tx("Classic"), {{"small", 0}, {"medium", 0}, {"large", 0}}, {}},
              {"thin",
               Tx("Thin"),
               {{"small", rng.Between(0, 99)},
                {"medium", rng.Between(0, 149)},
                {"large", rng.Between(0, 199)}},
               {}},
              {"stuffed",
               Tx("Stuffed"),
               {{"medium", rng.Between(100, 251)}, {"large", rng.Between(150, 333)}},
               {}}};
  ModifierGroup sauce{"sauce", Tx("Sauce"), 1, 1, {}};
  ModifierGroup tops{"toppings", Tx("Toppings"), 0, 10, {}};
  for (int t = 0; t < 15; ++t) {
    const std::string id = fmt::format("t{}", t);
    const std::int64_t s = rng.Between(0, 199);
    Topping topping{.id = id,
                    .name = Tx(id),
                    .prices = {{"small", s},
                               {"medium", s + rng.Between(0, 101)},
                               {"large", s + rng.Between(50, 203)}},
                    .extra_multiplier_bp = std::nullopt,
                    .allergens = {},
                    .calories = 10};
    if (rng.Chance(30))
      topping.extra_multiplier_bp = rng.Pick(std::vector<std::int64_t>{12'500, 17'500, 20'000});
    c.toppings.push_back(topping);
    if (t < 2) {
      sauce.options.push_back({id, t == 0});
    } else {
      tops.options.push_back({id, false});
    }
  }
  c.modifier_groups = {sauce, tops};
  std::vector<std::string> pizza_ids;
  for (int p = 0; p < 8; ++p) {
    const std::string id = fmt::format("pizza{}", p);
    pizza_ids.push_back(id);
    const std::int64_t small = rng.Between(699, 1299);
    std::vector<std::string> defaults;
    for (int d = 0; d < p % 3; ++d) defaults.push_back(fmt::format("t{}", 2 + (p + d * 5) % 13));
    c.products.push_back(Product{.id = id,
                                 .category_id = "pizzas",
                                 .kind = ProductKind::kPizza,
                                 .name = Tx(id),
                                 .description = {},
                                 .image_url = {},
                                 .tax_category = "food",
                                 .sizes = {{"small", small, 700, {}},
                                           {"medium", small + rng.Between(200, 401), 1000, {}},
                                           {"large", small + rng.Between(500, 801), 1400, {}}},
                                 .crust_ids = {"classic", "thin", "stuffed"},
                                 .default_crust_id = "classic",
                                 .modifier_group_ids = {"sauce", "toppings"},
                                 .default_topping_ids = defaults,
                                 .availability = {}});
  }
  auto simple = [&](std::string id, std::string category, ProductKind kind, std::string tax) {
    c.products.push_back(Product{.id = std::move(id),
                                 .category_id = std::move(category),
                                 .kind = kind,
                                 .name = Tx("simple"),
                                 .description = {},
                                 .image_url = {},
                                 .tax_category = std::move(tax),
                                 .sizes = {{"regular", rng.Between(99, 799), 300, {}}},
                                 .crust_ids = {},
                                 .default_crust_id = {},
                                 .modifier_group_ids = {},
                                 .default_topping_ids = {},
                                 .availability = {}});
  };
  simple("wings", "sides", ProductKind::kSide, "food");
  simple("bread", "sides", ProductKind::kSide, "food");
  simple("cola", "drinks", ProductKind::kDrink, "soft_drink");
  simple("water", "drinks", ProductKind::kDrink, "soft_drink");
  simple("brownie", "desserts", ProductKind::kDessert, "food");
  c.deals = {Deal{.id = "duo",
                  .category_id = "deals",
                  .name = Tx("Duo"),
                  .description = {},
                  .image_url = {},
                  .tax_category = "food",
                  .price = rng.Between(1599, 2199),
                  .slots = {DealSlot{.name = Tx("Pizzas"),
                                     .product_ids = pizza_ids,
                                     .category_id = {},
                                     .size_ids = {"medium"},
                                     .quantity = 2,
                                     .included_toppings = 1,
                                     .upcharges = {{"pizza7", "", 150}, {"pizza3", "", 99}}},
                            DealSlot{.name = Tx("Drink"),
                                     .product_ids = {"cola", "water"},
                                     .category_id = {},
                                     .size_ids = {},
                                     .quantity = 1,
                                     .included_toppings = 0,
                                     .upcharges = {}}},
                  .availability = {}},
             Deal{.id = "party",
                  .category_id = "deals",
                  .name = Tx("Party"),
                  .description = {},
                  .image_url = {},
                  .tax_category = "food",
                  .price = rng.Between(2999, 3999),
                  .slots = {DealSlot{.name = Tx("Large pizzas"),
                                     .product_ids = {},
                                     .category_id = "pizzas",
                                     .size_ids = {"large"},
                                     .quantity = 3,
                                     .included_toppings = 2,
                                     .upcharges = {{"", "large", 50}}}},
                  .availability = {}}};
  auto promo = [&](std::string id, std::string code, PromotionKind kind, bool stackable) {
    Promotion p{.id = std::move(id), .code = std::move(code), .name = Tx("promo")};
    p.kind = kind;
    p.stackable = stackable;
    return p;
  };
  auto pct = promo("pct", "PCT", PromotionKind::kPercentOff, false);
  pct.percent_off = 17'500;
  pct.minimum_subtotal = 2000;
  auto auto_pct = promo("auto_pct", "", PromotionKind::kPercentOff, true);
  auto_pct.percent_off = 7'333;
  auto_pct.category_ids = {"pizzas"};
  auto amt = promo("amt", "AMT", PromotionKind::kAmountOff, true);
  amt.amount_off = 777;
  auto bundle = promo("bundle", "BUNDLE", PromotionKind::kFixedBundlePrice, false);
  bundle.bundle_quantity = 2;
  bundle.bundle_price = 1500;
  bundle.category_ids = {"pizzas"};
  auto bxgy = promo("bxgy", "BXGY", PromotionKind::kBuyXGetY, true);
  bxgy.buy_quantity = 2;
  bxgy.get_quantity = 1;
  bxgy.get_percent_off = 50'000;
  bxgy.applies_to_deals = true;
  auto free = promo("free", "FREE", PromotionKind::kFreeDelivery, true);
  free.minimum_subtotal = 3000;
  auto deals_pct = promo("deals_pct", "DEALS", PromotionKind::kPercentOff, true);
  deals_pct.percent_off = 33'333;
  deals_pct.applies_to_deals = true;
  deals_pct.category_ids = {"deals", "drinks"};
  c.promotions = {pct, auto_pct, amt, bundle, bxgy, free, deals_pct};
  // Loyalty rewards: a small one, one with a minimum, and one larger than most carts (capped).
  c.rewards = {Reward{.id = "r_small",
                      .name = Tx("small"),
                      .points = 300,
                      .amount_off = 333,
                      .minimum_subtotal = 0},
               Reward{.id = "r_min",
                      .name = Tx("min"),
                      .points = 1000,
                      .amount_off = 1001,
                      .minimum_subtotal = 3000},
               Reward{.id = "r_huge",
                      .name = Tx("huge"),
                      .points = 9000,
                      .amount_off = 9999,
                      .minimum_subtotal = 0}};
  c.BuildIndex();
  return c;
}

ItemSelection GenerateItem(SplitMix64& rng, const Catalog& c, const Product& p,
                           const std::string& size, int included_allowance) {
  ItemSelection item{p.id, size, "", {}, {}};
  if (p.kind != ProductKind::kPizza) return item;
  std::vector<std::string> crusts;
  for (const auto& id : p.crust_ids) {
    if (PriceForSize(c.FindCrust(id)->upcharges, size)) crusts.push_back(id);
  }
  if (rng.Chance(50)) item.crust_id = rng.Pick(crusts);
  if (rng.Chance(20)) {
    item.toppings.push_back({"t1", Portion::kWhole, ToppingAmount::kNormal});
    item.removed_toppings.push_back("t0");
  }
  std::vector<std::string> options;
  for (const auto& o : c.FindModifierGroup("toppings")->options) options.push_back(o.topping_id);
  rng.Shuffle(options);
  const int count = static_cast<int>(rng.Between(0, 5 + included_allowance));
  for (int k = 0; k < count; ++k) {
    const std::string& id = options[static_cast<std::size_t>(k)];
    const bool is_default = std::find(p.default_topping_ids.begin(), p.default_topping_ids.end(),
                                      id) != p.default_topping_ids.end();
    const auto amount = static_cast<ToppingAmount>(rng.Between(0, 2));
    const auto roll = rng.Between(0, 3);
    if (roll == 3 && !is_default) {  // the same topping on both halves
      item.toppings.push_back({id, Portion::kLeft, amount});
      item.toppings.push_back({id, Portion::kRight, static_cast<ToppingAmount>(rng.Between(0, 2))});
    } else {
      item.toppings.push_back({id, static_cast<Portion>(roll % 3), amount});
    }
  }
  if (!p.default_topping_ids.empty() && rng.Chance(30))
    item.removed_toppings.push_back(p.default_topping_ids[0]);
  return item;
}

CartLine GenerateLine(SplitMix64& rng, const Catalog& c) {
  CartLine line;
  line.quantity = static_cast<int>(rng.Chance(70) ? 1 : rng.Between(2, 4));
  if (rng.Chance(20)) {
    const Deal& deal = rng.Pick(c.deals);
    line.deal_id = deal.id;
    for (std::size_t s = 0; s < deal.slots.size(); ++s) {
      const DealSlot& slot = deal.slots[s];
      for (int q = 0; q < slot.quantity; ++q) {
        const Product* p = slot.product_ids.empty()
                               ? &c.products[static_cast<std::size_t>(rng.Between(0, 7))]
                               : c.FindProduct(rng.Pick(slot.product_ids));
        const std::string size = slot.size_ids.empty() ? p->sizes[0].size_id : slot.size_ids[0];
        line.deal_items.push_back({s, GenerateItem(rng, c, *p, size, 0)});
      }
    }
    return line;
  }
  const Product& p = rng.Pick(c.products);
  line.item = GenerateItem(rng, c, p, rng.Pick(p.sizes).size_id, 0);
  return line;
}

/// Every field of a quote, to compare two quotes exactly.
std::string Fingerprint(const PriceQuote& q) {
  std::string out =
      fmt::format("{} {} {} {} {} {} {} {}|", q.subtotal.ToString(), q.discount_total.ToString(),
                  q.tax_total.ToString(), q.delivery_fee.ToString(), q.tip.ToString(),
                  q.total.ToString(), q.rejected_coupon ? q.rejected_coupon->code : "-",
                  q.rejected_coupon ? q.rejected_coupon->message : "-");
  for (const auto& l : q.lines) {
    out +=
        fmt::format("{}:{}{} {} {} {} {} {} {} {} {};", l.index, l.product_id, l.deal_id,
                    l.unit_price.amount(), l.quantity, l.line_total.amount(), l.discount.amount(),
                    l.net.amount(), l.tax.amount(), l.crust.amount(), l.toppings.amount());
    for (const auto& i : l.items) {
      for (const auto& t : i.toppings)
        out += fmt::format("{}={},", t.topping_id, t.charge.amount());
    }
  }
  if (q.reward) {
    out += fmt::format("reward {} {} {}|", q.reward->reward_id, q.reward->points,
                       q.reward->amount.amount());
  }
  for (const auto& d : q.discounts) {
    out += fmt::format("{}={}[", d.promotion_id, d.amount.amount());
    for (const auto& l : d.lines) out += fmt::format("{}:{} ", l.line, l.amount.amount());
    out += "]";
  }
  for (const auto& t : q.taxes)
    out += fmt::format("{}:{}:{}:{};", t.tax_category, t.rate, t.taxable.amount(), t.tax.amount());
  return out;
}

void CheckInvariants(const PriceQuote& q, const std::string& where) {
  SCOPED_TRACE(where);
  const auto zero = core::Money::Zero(q.currency);
  auto subtotal = zero, line_discounts = zero, line_taxes = zero, rate_taxes = zero,
       item_discounts = zero;
  for (const auto& l : q.lines) {
    EXPECT_EQ(l.unit_price, l.base + l.crust + l.toppings + l.upcharges);
    EXPECT_EQ(l.line_total, l.unit_price * l.quantity);
    EXPECT_EQ(l.net, l.line_total - l.discount);
    EXPECT_FALSE(l.net.IsNegative());
    EXPECT_FALSE(l.discount.IsNegative());
    subtotal += l.line_total;
    line_discounts += l.discount;
    line_taxes += l.tax;
  }
  for (const auto& d : q.discounts) {
    EXPECT_GT(d.amount.amount(), 0);
    if (d.target == DiscountTarget::kItems) {
      auto sum = zero;
      for (const auto& l : d.lines) sum += l.amount;
      EXPECT_EQ(sum, d.amount);
      item_discounts += d.amount;
    }
  }
  for (const auto& t : q.taxes) rate_taxes += t.tax;
  EXPECT_EQ(subtotal, q.subtotal);
  EXPECT_EQ(line_discounts, q.discount_total);
  EXPECT_EQ(item_discounts, q.discount_total);
  EXPECT_EQ(line_taxes, q.tax_total);
  EXPECT_EQ(rate_taxes, q.tax_total);
  EXPECT_LE(q.delivery_fee, q.delivery_fee_before_discount);
  const auto added_tax = q.tax_mode == TaxMode::kExclusive ? q.tax_total : zero;
  EXPECT_EQ(q.total, q.subtotal - q.discount_total + added_tax + q.delivery_fee + q.tip);
  EXPECT_FALSE(q.total.IsNegative());
  // A reward is the last discount, on the items, and what the quote reports it took off.
  const auto rewards = std::count_if(q.discounts.begin(), q.discounts.end(), [](const auto& d) {
    return d.kind == PromotionKind::kReward;
  });
  EXPECT_EQ(rewards, q.reward ? 1 : 0);
  if (q.reward) {
    ASSERT_FALSE(q.discounts.empty());
    const AppliedDiscount& last = q.discounts.back();
    EXPECT_EQ(last.kind, PromotionKind::kReward);
    EXPECT_EQ(last.target, DiscountTarget::kItems);
    EXPECT_EQ(last.promotion_id, q.reward->reward_id);
    EXPECT_EQ(last.amount, q.reward->amount);
  }
}

/// The quote with a reward against the same cart without it: the same promotions, and the reward
/// takes min(amount_off, what they left) off the items, never more than a line had left.
void CheckRewardOnTopOf(const PriceQuote& with, const PriceQuote& without, const Reward& reward,
                        const std::string& where) {
  SCOPED_TRACE(where);
  ASSERT_TRUE(with.reward.has_value());
  EXPECT_EQ(with.reward->points, reward.points);
  EXPECT_EQ(with.reward->amount.amount(),
            std::min(reward.amount_off, without.net_subtotal.amount()));
  EXPECT_EQ(with.discount_total, without.discount_total + with.reward->amount);
  ASSERT_EQ(with.discounts.size(), without.discounts.size() + 1);
  for (std::size_t k = 0; k < without.discounts.size(); ++k) {
    EXPECT_EQ(with.discounts[k].promotion_id, without.discounts[k].promotion_id);
    EXPECT_EQ(with.discounts[k].amount, without.discounts[k].amount);
  }
  EXPECT_EQ(with.delivery_fee, without.delivery_fee);
  EXPECT_EQ(with.rejected_coupon.has_value(), without.rejected_coupon.has_value());
  for (std::size_t i = 0; i < with.lines.size(); ++i) {
    EXPECT_LE(with.lines[i].discount - without.lines[i].discount, without.lines[i].net);
  }
}

TEST(PriceQuoteProperties, GeneratedCartsKeepTheInvariantsAreDeterministicAndIgnoreLineOrder) {
  SplitMix64 rng(20260310);
  const Catalog usd_catalog = GenerateCatalog(rng, "USD");
  Catalog eur_catalog = usd_catalog;
  eur_catalog.currency = "EUR";
  eur_catalog.BuildIndex();
  ASSERT_TRUE(ValidateCatalog(usd_catalog).has_value());

  StoreMenuContext us{.currency = testing::Usd()};
  us.tax_mode = TaxMode::kExclusive;
  us.tax_rates = {{"food", 8'875}, {"soft_drink", 7'000}};
  us.product_prices["pizza2"]["large"] = 1777;
  us.topping_prices["t5"]["medium"] = 333;
  StoreMenuContext eu{.currency = testing::Eur()};
  eu.tax_mode = TaxMode::kInclusive;
  eu.tax_rates = {{"food", 7'000}, {"soft_drink", 19'000}};
  const std::vector<std::string> codes = {"",     "",     "PCT",   "AMT", "BUNDLE",
                                          "BXGY", "FREE", "DEALS", "NOPE"};

  constexpr int kCarts = 3000;
  const std::vector<std::string> reward_ids = {"r_small", "r_min", "r_huge"};
  int with_discounts = 0, with_rejections = 0, with_rewards = 0, capped_rewards = 0,
      refused_rewards = 0, failures = 0;
  for (int n = 0; n < kCarts && failures < 5; ++n) {
    const bool eur = n % 3 == 2;
    const Catalog& catalog = eur ? eur_catalog : usd_catalog;
    const StoreMenuContext& store = eur ? eu : us;
    const core::Currency currency = store.currency;
    QuoteRequest request;
    const auto lines = rng.Between(1, 10);
    for (int i = 0; i < lines; ++i) request.items.push_back(GenerateLine(rng, catalog));
    request.coupon_code = rng.Pick(codes);
    request.channel = static_cast<Channel>(rng.Between(0, 2));
    request.local_time = {static_cast<int>(rng.Between(0, 6)),
                          static_cast<int>(rng.Between(0, 1439))};
    request.now = core::ParseRfc3339("2026-03-10T12:00:00Z").value();
    if (rng.Chance(60)) request.delivery_fee = core::Money(rng.Between(0, 599), currency);
    if (rng.Chance(50)) request.tip = core::Money(rng.Between(0, 1000), currency);
    if (rng.Chance(40)) request.reward_id = rng.Pick(reward_ids);

    const auto where = fmt::format("cart {}", n);
    auto first = Quote(catalog, store, request);
    std::optional<PriceQuote> without_reward;
    if (!request.reward_id.empty()) {
      QuoteRequest plain = request;
      plain.reward_id.clear();
      auto q = Quote(catalog, store, plain);
      if (q) without_reward = std::move(*q);
    }
    if (!first && without_reward) {
      // A reward may be refused (minimum not met, nothing left), and only on its own field.
      ++refused_rewards;
      ASSERT_EQ(first.error().fields.size(), 1u) << where;
      EXPECT_EQ(first.error().fields[0].field, "reward_id") << where;
      const Reward& reward = *catalog.FindReward(request.reward_id);
      EXPECT_TRUE(without_reward->subtotal.amount() < reward.minimum_subtotal ||
                  without_reward->net_subtotal.amount() == 0)
          << where;
      continue;
    }
    if (!first) {
      ++failures;
      ADD_FAILURE() << where << ": " << first.error().detail << " "
                    << (first.error().fields.empty() ? ""
                                                     : first.error().fields[0].field + " " +
                                                           first.error().fields[0].message);
      continue;
    }
    CheckInvariants(*first, where);
    if (without_reward) {
      const Reward& reward = *catalog.FindReward(request.reward_id);
      CheckRewardOnTopOf(*first, *without_reward, reward, where);
      ++with_rewards;
      capped_rewards += first->reward->amount.amount() < reward.amount_off ? 1 : 0;
    }
    with_discounts += first->discounts.empty() ? 0 : 1;
    with_rejections += first->rejected_coupon ? 1 : 0;

    auto second = Quote(catalog, store, request);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(Fingerprint(*first), Fingerprint(*second)) << where;

    QuoteRequest permuted = request;
    rng.Shuffle(permuted.items);
    auto shuffled = Quote(catalog, store, permuted);
    ASSERT_TRUE(shuffled.has_value());
    EXPECT_EQ(shuffled->total, first->total) << where;
    EXPECT_EQ(shuffled->discount_total, first->discount_total) << where;
    EXPECT_EQ(shuffled->tax_total, first->tax_total) << where;
    EXPECT_EQ(shuffled->delivery_fee, first->delivery_fee) << where;
    EXPECT_EQ(shuffled->reward.has_value(), first->reward.has_value()) << where;
    if (first->reward) {
      EXPECT_EQ(shuffled->reward->amount, first->reward->amount) << where;
    }
  }
  // The generator must exercise the interesting paths, or the properties prove little.
  EXPECT_GT(with_discounts, kCarts / 3);
  EXPECT_GT(with_rejections, kCarts / 20);
  EXPECT_GT(with_rewards, kCarts / 5);
  EXPECT_GT(capped_rewards, kCarts / 50);
  EXPECT_GT(refused_rewards, kCarts / 100);
}

}  // namespace
}  // namespace vetahut::menu
