// Quoting a realistic 10-line cart: half-and-half pizzas, extras, a removed default, a deal with
// a half-and-half pizza inside, sides and drinks, an automatic deal and a coupon, US sales tax.
// Goal (issue 3): under 20 µs per quote. Side by side: the same cart without promotions, and a
// 1-line cart, so the cost of each part shows as a ratio.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "services/menu/domain/pricing.hpp"

namespace {

using namespace vetahut::menu;
using vetahut::core::Currency;
using vetahut::core::Money;

LocalizedText Tx(const std::string& en, const std::string& es) { return {{"en", en}, {"es", es}}; }

/// 8 pizzas, 3 sizes, 3 crusts, 15 toppings, 2 sauces, sides, drinks, desserts, 2 deals, 4
/// promotions.
Catalog RealisticCatalog() {
  Catalog c;
  c.required_locales = {"en", "es"};
  c.categories = {{"pizzas", Tx("Pizzas", "Pizzas"), 1},
                  {"sides", Tx("Sides", "Acompañantes"), 2},
                  {"drinks", Tx("Drinks", "Bebidas"), 3},
                  {"desserts", Tx("Desserts", "Postres"), 4},
                  {"deals", Tx("Deals", "Ofertas"), 5}};
  c.sizes = {{"small", Tx("Small", "Pequeña"), 1},
             {"medium", Tx("Medium", "Mediana"), 2},
             {"large", Tx("Large", "Grande"), 3},
             {"regular", Tx("Regular", "Normal"), 4}};
  c.crusts = {{"hand_tossed",
               Tx("Hand tossed", "Tradicional"),
               {{"small", 0}, {"medium", 0}, {"large", 0}},
               {}},
              {"thin", Tx("Thin", "Fina"), {{"small", 0}, {"medium", 50}, {"large", 75}}, {}},
              {"stuffed", Tx("Stuffed", "Rellena"), {{"medium", 200}, {"large", 300}}, {}}};
  const char* names[15] = {"pepperoni", "sausage",   "bacon",    "ham",           "chicken",
                           "beef",      "mushrooms", "onions",   "green_peppers", "black_olives",
                           "jalapenos", "pineapple", "tomatoes", "spinach",       "extra_cheese"};
  ModifierGroup toppings{"toppings", Tx("Toppings", "Ingredientes"), 0, 10, {}};
  for (int i = 0; i < 15; ++i) {
    const MinorUnits base = i < 6 ? 125 : 100;
    c.toppings.push_back(
        Topping{.id = names[i],
                .name = Tx(names[i], names[i]),
                .prices = {{"small", base}, {"medium", base + 50}, {"large", base + 100}},
                .extra_multiplier_bp = std::nullopt,
                .allergens = {},
                .calories = 50});
    toppings.options.push_back({names[i], false});
  }
  c.toppings.push_back(Topping{.id = "tomato_sauce",
                               .name = Tx("Tomato sauce", "Salsa de tomate"),
                               .prices = {{"small", 0}, {"medium", 0}, {"large", 0}}});
  c.toppings.push_back(Topping{.id = "bbq_sauce",
                               .name = Tx("BBQ sauce", "Salsa barbacoa"),
                               .prices = {{"small", 50}, {"medium", 50}, {"large", 50}}});
  c.modifier_groups = {
      {"sauce", Tx("Sauce", "Salsa"), 1, 1, {{"tomato_sauce", true}, {"bbq_sauce", false}}},
      toppings};
  const std::vector<std::vector<std::string>> defaults = {
      {},
      {"pepperoni"},
      {"pepperoni", "sausage", "mushrooms", "onions", "green_peppers"},
      {"mushrooms", "onions", "green_peppers", "black_olives", "tomatoes"},
      {"ham", "pineapple"},
      {"chicken", "onions"},
      {"pepperoni", "sausage", "bacon", "ham", "beef"},
      {"spinach", "tomatoes"}};
  for (int p = 0; p < 8; ++p) {
    const MinorUnits add = p == 0 ? 0 : 200 + 50 * p;
    c.products.push_back(Product{.id = fmt::format("pizza{}", p),
                                 .category_id = "pizzas",
                                 .kind = ProductKind::kPizza,
                                 .name = Tx(fmt::format("Pizza {}", p), fmt::format("Pizza {}", p)),
                                 .description = {},
                                 .image_url = "https://img.example/p.jpg",
                                 .tax_category = "food",
                                 .sizes = {{"small", 899 + add, 800, {}},
                                           {"medium", 1199 + add, 1100, {}},
                                           {"large", 1399 + add, 1500, {}}},
                                 .crust_ids = {"hand_tossed", "thin", "stuffed"},
                                 .default_crust_id = "hand_tossed",
                                 .modifier_group_ids = {"sauce", "toppings"},
                                 .default_topping_ids = defaults[static_cast<std::size_t>(p)],
                                 .availability = {}});
  }
  auto simple = [&](const char* id, const char* category, ProductKind kind, const char* tax,
                    MinorUnits price) {
    c.products.push_back(Product{.id = id,
                                 .category_id = category,
                                 .kind = kind,
                                 .name = Tx(id, id),
                                 .description = {},
                                 .image_url = {},
                                 .tax_category = tax,
                                 .sizes = {{"regular", price, 300, {}}}});
  };
  simple("breadsticks", "sides", ProductKind::kSide, "food", 549);
  simple("wings", "sides", ProductKind::kSide, "food", 899);
  simple("cola", "drinks", ProductKind::kDrink, "soft_drink", 199);
  simple("lemonade", "drinks", ProductKind::kDrink, "soft_drink", 249);
  simple("brownie", "desserts", ProductKind::kDessert, "food", 599);
  c.deals = {Deal{.id = "two_medium",
                  .category_id = "deals",
                  .name = Tx("2 medium 1-topping", "2 medianas"),
                  .tax_category = "food",
                  .price = 1999,
                  .slots = {DealSlot{.name = Tx("Pizzas", "Pizzas"),
                                     .category_id = "pizzas",
                                     .size_ids = {"medium"},
                                     .quantity = 2,
                                     .included_toppings = 1,
                                     .upcharges = {{"pizza6", "", 300}}},
                            DealSlot{.name = Tx("Side", "Acompañante"),
                                     .product_ids = {"breadsticks", "wings"},
                                     .quantity = 1,
                                     .upcharges = {{"wings", "", 200}}}}}};
  Promotion coupon{.id = "pizza20", .code = "PIZZA20", .name = Tx("20% off", "20%")};
  coupon.kind = PromotionKind::kPercentOff;
  coupon.percent_off = 20'000;
  coupon.minimum_subtotal = 2500;
  coupon.stackable = true;
  Promotion drinks{.id = "drinks", .code = "", .name = Tx("Drinks 2 for 3", "Bebidas")};
  drinks.kind = PromotionKind::kFixedBundlePrice;
  drinks.bundle_quantity = 2;
  drinks.bundle_price = 300;
  drinks.category_ids = {"drinks"};
  drinks.stackable = true;
  Promotion free{.id = "free", .code = "FREEDEL", .name = Tx("Free delivery", "Envío gratis")};
  free.kind = PromotionKind::kFreeDelivery;
  Promotion bogo{.id = "bogo", .code = "BOGO", .name = Tx("BOGO", "2x1")};
  bogo.kind = PromotionKind::kBuyXGetY;
  bogo.buy_quantity = 1;
  bogo.get_quantity = 1;
  c.promotions = {coupon, drinks, free, bogo};
  c.BuildIndex();
  return c;
}

StoreMenuContext Store() {
  StoreMenuContext s{.currency = *Currency::Find("USD")};
  s.tax_rates = {{"food", 8'875}, {"soft_drink", 8'875}};
  s.product_prices["pizza3"]["large"] = 1799;
  s.unavailable["lemonade"] = {"out", std::nullopt};
  return s;
}

ToppingChoice T(const char* id, Portion p = Portion::kWhole,
                ToppingAmount a = ToppingAmount::kNormal) {
  return {id, p, a};
}

QuoteRequest TenLineCart() {
  QuoteRequest r;
  auto pizza = [](const char* id, const char* size, const char* crust,
                  std::vector<ToppingChoice> toppings, int qty = 1) {
    CartLine line;
    line.item = ItemSelection{id, size, crust, std::move(toppings), {}};
    line.quantity = qty;
    return line;
  };
  r.items.push_back(pizza("pizza0", "large", "thin",
                          {T("pepperoni", Portion::kLeft), T("mushrooms", Portion::kRight)}));
  r.items.push_back(
      pizza("pizza1", "medium", "",
            {T("pepperoni", Portion::kWhole, ToppingAmount::kExtra), T("jalapenos", Portion::kLeft),
             T("onions", Portion::kRight, ToppingAmount::kLight)}));
  r.items.push_back(pizza("pizza2", "large", "stuffed",
                          {T("extra_cheese", Portion::kWhole, ToppingAmount::kExtra)}));
  auto removed =
      pizza("pizza3", "large", "", {T("pineapple", Portion::kLeft), T("bacon", Portion::kRight)});
  removed.item.removed_toppings = {"black_olives"};
  r.items.push_back(removed);
  r.items.push_back(pizza("pizza4", "small", "", {T("jalapenos", Portion::kLeft)}, 2));
  CartLine deal;
  deal.deal_id = "two_medium";
  deal.deal_items = {
      {0,
       ItemSelection{
           "pizza0", "medium", "", {T("sausage", Portion::kLeft), T("ham", Portion::kRight)}, {}}},
      {0, ItemSelection{"pizza6", "medium", "stuffed", {T("mushrooms")}, {}}},
      {1, ItemSelection{"wings", "regular", "", {}, {}}}};
  r.items.push_back(deal);
  r.items.push_back(pizza("breadsticks", "regular", "", {}));
  r.items.push_back(pizza("cola", "regular", "", {}, 2));
  r.items.push_back(pizza("brownie", "regular", "", {}));
  r.items.push_back(pizza(
      "pizza7", "medium", "thin",
      {T("chicken", Portion::kLeft), T("bacon", Portion::kLeft), T("beef", Portion::kRight)}));
  r.coupon_code = "PIZZA20";
  r.local_time = {5, 19 * 60};
  r.delivery_fee = Money(399, *Currency::Find("USD"));
  r.tip = Money(300, *Currency::Find("USD"));
  return r;
}

void BM_QuoteTenLineCartWithDealAndCoupon(benchmark::State& state) {
  const Catalog catalog = RealisticCatalog();
  const StoreMenuContext store = Store();
  const QuoteRequest request = TenLineCart();
  auto check = Quote(catalog, store, request);
  if (!check || check->discounts.size() < 2) {
    state.SkipWithError(check ? "promotions did not apply"
                              : check.error().fields.front().field.c_str());
    return;
  }
  for (auto _ : state) {
    auto quote = Quote(catalog, store, request);
    benchmark::DoNotOptimize(quote);
  }
  state.counters["total_cents"] = static_cast<double>(check->total.amount());
}
BENCHMARK(BM_QuoteTenLineCartWithDealAndCoupon)->Unit(benchmark::kMicrosecond);

void BM_QuoteTenLineCartNoPromotions(benchmark::State& state) {
  Catalog catalog = RealisticCatalog();
  catalog.promotions.clear();
  catalog.BuildIndex();
  const StoreMenuContext store = Store();
  QuoteRequest request = TenLineCart();
  request.coupon_code.clear();
  for (auto _ : state) {
    auto quote = Quote(catalog, store, request);
    benchmark::DoNotOptimize(quote);
  }
}
BENCHMARK(BM_QuoteTenLineCartNoPromotions)->Unit(benchmark::kMicrosecond);

void BM_QuoteOneHalfAndHalfPizza(benchmark::State& state) {
  const Catalog catalog = RealisticCatalog();
  const StoreMenuContext store = Store();
  QuoteRequest request = TenLineCart();
  request.items.resize(1);
  request.coupon_code.clear();
  for (auto _ : state) {
    auto quote = Quote(catalog, store, request);
    benchmark::DoNotOptimize(quote);
  }
}
BENCHMARK(BM_QuoteOneHalfAndHalfPizza)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
