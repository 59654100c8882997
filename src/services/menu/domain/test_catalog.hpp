#pragma once
/// A small, realistic catalog and store for the menu domain tests (header-only, tests only).
#include <string>
#include <utility>
#include <vector>

#include "services/menu/domain/pricing.hpp"

namespace vetahut::menu::testing {

inline LocalizedText Tx(std::string en, std::string es = "") {
  LocalizedText t{{"en", en}};
  t["es"] = es.empty() ? std::move(en) : std::move(es);
  return t;
}

inline core::Currency Usd() { return *core::Currency::Find("USD"); }
inline core::Currency Eur() { return *core::Currency::Find("EUR"); }

/// Prices (USD cents): pizzas S/M/L cheese 899/1199/1399, pepperoni 999/1299/1499, veggie
/// 999/1299/1499; pan crust M +150 / L +200 (no small), stuffed L +300; pepperoni topping
/// 125/175/225, mushrooms 100/150/200, onions 100/150/200, extra cheese 100/150/200, sausage
/// 125/175/225; breadsticks 549, cola 199, lunch slice 399 (Mon–Fri 11:00–14:00).
/// Deal "two_medium": 1999 for 2 medium 1-topping pizzas (+200 for veggie) and breadsticks.
/// Coupons: PIZZA20 (20 %, min 25.00, web/kiosk), FIVEOFF (5.00, stackable), TWOLARGE (2 large
/// pizzas for 22.00), BOGO (buy 1 pizza get 1 free), FREEDEL (free delivery). Loyalty rewards:
/// r_five (500 points, 5.00 off), r_fifteen (1500 points, 15.00 off from a 20.00 subtotal).
inline Catalog MakeCatalog() {
  Catalog c;
  c.currency = "USD";
  c.required_locales = {"en", "es"};
  c.categories = {{"pizzas", Tx("Pizzas"), 1},
                  {"sides", Tx("Sides", "Acompañantes"), 2},
                  {"drinks", Tx("Drinks", "Bebidas"), 3},
                  {"deals", Tx("Deals", "Ofertas"), 4}};
  c.sizes = {{"small", Tx("Small", "Pequeña"), 1},
             {"medium", Tx("Medium", "Mediana"), 2},
             {"large", Tx("Large", "Grande"), 3},
             {"regular", Tx("Regular"), 4}};
  c.crusts = {{"hand_tossed",
               Tx("Hand tossed", "Tradicional"),
               {{"small", 0}, {"medium", 0}, {"large", 0}},
               {"gluten"}},
              {"pan", Tx("Pan", "Sartén"), {{"medium", 150}, {"large", 200}}, {"gluten"}},
              {"stuffed", Tx("Stuffed", "Rellena"), {{"large", 300}}, {"gluten", "milk"}}};
  auto topping = [](std::string id, std::string en, std::string es, MinorUnits s, MinorUnits m,
                    MinorUnits l) {
    return Topping{.id = std::move(id),
                   .name = Tx(std::move(en), std::move(es)),
                   .prices = {{"small", s}, {"medium", m}, {"large", l}},
                   .extra_multiplier_bp = std::nullopt,
                   .allergens = {},
                   .calories = 40};
  };
  c.toppings = {topping("tomato_sauce", "Tomato sauce", "Salsa de tomate", 0, 0, 0),
                topping("bbq_sauce", "BBQ sauce", "Salsa barbacoa", 50, 50, 50),
                topping("pepperoni", "Pepperoni", "Pepperoni", 125, 175, 225),
                topping("mushrooms", "Mushrooms", "Champiñones", 100, 150, 200),
                topping("onions", "Onions", "Cebolla", 100, 150, 200),
                topping("extra_cheese", "Extra cheese", "Queso extra", 100, 150, 200),
                topping("sausage", "Sausage", "Salchicha", 125, 175, 225),
                Topping{.id = "ranch",
                        .name = Tx("Ranch dip", "Salsa ranch"),
                        .prices = {{"regular", 75}},
                        .extra_multiplier_bp = std::nullopt,
                        .allergens = {"milk"},
                        .calories = 110}};
  c.modifier_groups = {
      {"sauce", Tx("Sauce", "Salsa"), 1, 1, {{"tomato_sauce", true}, {"bbq_sauce", false}}},
      {"toppings",
       Tx("Toppings", "Ingredientes"),
       0,
       5,
       {{"pepperoni", false},
        {"mushrooms", false},
        {"onions", false},
        {"extra_cheese", false},
        {"sausage", false}}},
      {"dips", Tx("Dips", "Salsas"), 0, 2, {{"ranch", false}}}};
  auto pizza = [](std::string id, std::string en, MinorUnits s, MinorUnits m, MinorUnits l,
                  std::vector<std::string> defaults) {
    return Product{.id = std::move(id),
                   .category_id = "pizzas",
                   .kind = ProductKind::kPizza,
                   .name = Tx(std::move(en)),
                   .description = {},
                   .image_url = "https://img.example/pizza.jpg",
                   .tax_category = "food",
                   .sizes = {{"small", s, 800, {"gluten", "milk"}},
                             {"medium", m, 1100, {"gluten", "milk"}},
                             {"large", l, 1500, {"gluten", "milk"}}},
                   .crust_ids = {"hand_tossed", "pan", "stuffed"},
                   .default_crust_id = "hand_tossed",
                   .modifier_group_ids = {"sauce", "toppings"},
                   .default_topping_ids = std::move(defaults),
                   .availability = {}};
  };
  c.products = {
      pizza("cheese", "Cheese", 899, 1199, 1399, {}),
      pizza("pepperoni_pizza", "Pepperoni", 999, 1299, 1499, {"pepperoni"}),
      pizza("veggie", "Veggie", 999, 1299, 1499, {"mushrooms", "onions"}),
      Product{.id = "breadsticks",
              .category_id = "sides",
              .kind = ProductKind::kSide,
              .name = Tx("Breadsticks", "Palitos de pan"),
              .description = {},
              .image_url = {},
              .tax_category = "food",
              .sizes = {{"regular", 549, 600, {"gluten"}}},
              .crust_ids = {},
              .default_crust_id = {},
              .modifier_group_ids = {"dips"},
              .default_topping_ids = {},
              .availability = {}},
      Product{.id = "cola",
              .category_id = "drinks",
              .kind = ProductKind::kDrink,
              .name = Tx("Cola"),
              .description = {},
              .image_url = {},
              .tax_category = "soft_drink",
              .sizes = {{"regular", 199, 140, {}}},
              .crust_ids = {},
              .default_crust_id = {},
              .modifier_group_ids = {},
              .default_topping_ids = {},
              .availability = {}},
      Product{.id = "lunch_slice",
              .category_id = "pizzas",
              .kind = ProductKind::kPizza,
              .name = Tx("Lunch slice", "Porción del mediodía"),
              .description = {},
              .image_url = {},
              .tax_category = "food",
              .sizes = {{"regular", 399, 300, {}}},
              .crust_ids = {},
              .default_crust_id = {},
              .modifier_group_ids = {},
              .default_topping_ids = {},
              .availability = {
                  {{1, 660, 840}, {2, 660, 840}, {3, 660, 840}, {4, 660, 840}, {5, 660, 840}}}}};
  c.deals = {Deal{.id = "two_medium",
                  .category_id = "deals",
                  .name = Tx("2 medium 1-topping + breadsticks", "2 medianas"),
                  .description = {},
                  .image_url = {},
                  .tax_category = "food",
                  .price = 1999,
                  .slots = {DealSlot{.name = Tx("Pizzas"),
                                     .product_ids = {"cheese", "pepperoni_pizza", "veggie"},
                                     .category_id = {},
                                     .size_ids = {"medium"},
                                     .quantity = 2,
                                     .included_toppings = 1,
                                     .upcharges = {{"veggie", "", 200}}},
                            DealSlot{.name = Tx("Side", "Acompañante"),
                                     .product_ids = {"breadsticks"},
                                     .category_id = {},
                                     .size_ids = {},
                                     .quantity = 1,
                                     .included_toppings = 0,
                                     .upcharges = {}}},
                  .availability = {}}};
  Promotion pizza20{
      .id = "p_pizza20", .code = "PIZZA20", .name = Tx("20% off", "20% de descuento")};
  pizza20.kind = PromotionKind::kPercentOff;
  pizza20.percent_off = 20'000;
  pizza20.minimum_subtotal = 2500;
  pizza20.channels = {Channel::kWeb, Channel::kKiosk};
  Promotion fiveoff{.id = "p_fiveoff", .code = "FIVEOFF", .name = Tx("5 off")};
  fiveoff.kind = PromotionKind::kAmountOff;
  fiveoff.amount_off = 500;
  fiveoff.stackable = true;
  Promotion twolarge{.id = "p_twolarge", .code = "TWOLARGE", .name = Tx("2 large for 22")};
  twolarge.kind = PromotionKind::kFixedBundlePrice;
  twolarge.bundle_quantity = 2;
  twolarge.bundle_price = 2200;
  twolarge.category_ids = {"pizzas"};
  twolarge.size_ids = {"large"};
  Promotion bogo{.id = "p_bogo", .code = "BOGO", .name = Tx("Buy one get one")};
  bogo.kind = PromotionKind::kBuyXGetY;
  bogo.buy_quantity = 1;
  bogo.get_quantity = 1;
  bogo.category_ids = {"pizzas"};
  Promotion freedel{
      .id = "p_freedel", .code = "FREEDEL", .name = Tx("Free delivery", "Envío gratis")};
  freedel.kind = PromotionKind::kFreeDelivery;
  c.promotions = {pizza20, fiveoff, twolarge, bogo, freedel};
  c.rewards = {Reward{.id = "r_five",
                      .name = Tx("5.00 off", "5.00 de descuento"),
                      .points = 500,
                      .amount_off = 500,
                      .minimum_subtotal = 0},
               Reward{.id = "r_fifteen",
                      .name = Tx("15.00 off", "15.00 de descuento"),
                      .points = 1500,
                      .amount_off = 1500,
                      .minimum_subtotal = 2000}};
  c.BuildIndex();
  return c;
}

/// A US store (New York: 8.875 % sales tax on food and soft drinks).
inline StoreMenuContext MakeUsStore() {
  StoreMenuContext s{.currency = Usd()};
  s.locale = "en";
  s.tax_mode = TaxMode::kExclusive;
  s.tax_rates = {{"food", 8'875}, {"soft_drink", 8'875}};
  return s;
}

inline ToppingChoice Top(std::string id, Portion portion = Portion::kWhole,
                         ToppingAmount amount = ToppingAmount::kNormal) {
  return ToppingChoice{std::move(id), portion, amount};
}

inline CartLine Pizza(std::string product, std::string size,
                      std::vector<ToppingChoice> toppings = {}, int quantity = 1,
                      std::string crust = "") {
  CartLine line;
  line.item =
      ItemSelection{std::move(product), std::move(size), std::move(crust), std::move(toppings), {}};
  line.quantity = quantity;
  return line;
}

inline CartLine Simple(std::string product, int quantity = 1) {
  return Pizza(std::move(product), "regular", {}, quantity);
}

/// Tuesday 18:30 local, 2026-03-10T23:30Z.
inline QuoteRequest Request(std::vector<CartLine> items) {
  QuoteRequest r;
  r.items = std::move(items);
  r.local_time = {2, 18 * 60 + 30};
  r.now = core::ParseRfc3339("2026-03-10T23:30:00Z").value();
  return r;
}

}  // namespace vetahut::menu::testing
