#include "services/menu/catalog_json.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace vetahut::menu {
namespace {
namespace json = boost::json;

core::Currency Usd() { return *core::Currency::Find("USD"); }

Catalog Demo() {
  auto catalog = ParseCatalog(json::parse(DemoMenuJson()));
  if (!catalog) {
    for (const auto& f : catalog.error().fields) ADD_FAILURE() << f.field << ": " << f.message;
    throw std::runtime_error("the demo menu does not parse");
  }
  return std::move(*catalog);
}

StoreMenuContext UsStore() {
  StoreMenuContext store{.currency = Usd()};
  store.locale = "en";
  store.tax_mode = TaxMode::kExclusive;
  store.tax_rates = {{"food", 8'875}, {"beverage", 8'875}};
  return store;
}

constexpr LocalTime kTuesday18{2, 18 * 60};
constexpr LocalTime kWednesday19{3, 19 * 60};

std::set<std::string> Fields(const core::Error& error) {
  std::set<std::string> out;
  for (const auto& f : error.fields) out.insert(f.field);
  return out;
}

std::string MessageFor(const core::Error& error, std::string_view field) {
  for (const auto& f : error.fields) {
    if (f.field == field) return f.message;
  }
  return "<no error for " + std::string(field) + ">";
}

const json::object& FindById(const json::array& list, std::string_view key, std::string_view id) {
  for (const auto& v : list) {
    if (v.as_object().at(key).as_string() == id) return v.as_object();
  }
  throw std::runtime_error("not found: " + std::string(id));
}

const json::object& PublicProduct(const json::value& menu, std::string_view category,
                                  std::string_view product) {
  const auto& cat = FindById(menu.at("categories").as_array(), "id", category);
  return FindById(cat.at("products").as_array(), "id", product);
}

const json::object& PublicDeal(const json::value& menu, std::string_view deal) {
  const auto& cat = FindById(menu.at("categories").as_array(), "id", "deals");
  return FindById(cat.at("deals").as_array(), "id", deal);
}

// --- the demo menu --------------------------------------------------------------------------

TEST(DemoMenu, ParsesValidatesAndHasARealPizzaMenu) {
  const Catalog c = Demo();
  ASSERT_TRUE(ValidateCatalog(c));
  EXPECT_EQ(c.currency, "USD");
  EXPECT_EQ(c.fallback_locale, "en");
  EXPECT_EQ(c.required_locales, (std::vector<std::string>{"en", "es"}));

  auto count_kind = [&](ProductKind kind) {
    return std::count_if(c.products.begin(), c.products.end(),
                         [&](const Product& p) { return p.kind == kind; });
  };
  EXPECT_GE(count_kind(ProductKind::kPizza), 8);
  for (const char* id : {"margherita", "pepperoni_pizza", "hawaiian", "veggie_supreme",
                         "meat_lovers", "bbq_chicken", "four_cheese", "spicy_diavola"}) {
    const Product* p = c.FindProduct(id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_EQ(p->kind, ProductKind::kPizza);
    ASSERT_EQ(p->sizes.size(), 3u) << id;
    EXPECT_LT(p->sizes[0].price, p->sizes[1].price) << id;
    EXPECT_LT(p->sizes[1].price, p->sizes[2].price) << id;
    for (const auto& s : p->sizes) {
      EXPECT_GT(s.calories, 0) << id;
      EXPECT_FALSE(s.allergens.empty()) << id;
    }
    EXPECT_EQ(p->crust_ids.size(), 3u);
    EXPECT_TRUE(p->image_url.starts_with("/images/")) << id;
    EXPECT_EQ(p->name.size(), 2u) << id;
    EXPECT_EQ(p->description.size(), 2u) << id;
  }
  for (const char* id : {"small", "medium", "large"}) EXPECT_NE(c.FindSize(id), nullptr) << id;

  ASSERT_EQ(c.crusts.size(), 3u);
  const Crust* stuffed = c.FindCrust("stuffed");
  ASSERT_NE(stuffed, nullptr);
  EXPECT_FALSE(PriceForSize(stuffed->upcharges, "small"));
  EXPECT_LT(*PriceForSize(stuffed->upcharges, "medium"),
            *PriceForSize(stuffed->upcharges, "large"));
  EXPECT_NE(c.FindCrust("hand_tossed"), nullptr);
  EXPECT_NE(c.FindCrust("thin"), nullptr);

  const auto per_size_toppings =
      std::count_if(c.toppings.begin(), c.toppings.end(), [](const Topping& t) {
        return PriceForSize(t.prices, "small") && PriceForSize(t.prices, "medium") &&
               PriceForSize(t.prices, "large") && *PriceForSize(t.prices, "large") > 0;
      });
  EXPECT_GE(per_size_toppings, 15);

  for (const char* id : {"garlic_bread", "chicken_wings", "garden_salad"}) {
    ASSERT_NE(c.FindProduct(id), nullptr) << id;
    EXPECT_EQ(c.FindProduct(id)->kind, ProductKind::kSide);
  }
  for (const char* id : {"cola", "lemonade", "water"}) {
    ASSERT_NE(c.FindProduct(id), nullptr) << id;
    EXPECT_EQ(c.FindProduct(id)->kind, ProductKind::kDrink);
    EXPECT_EQ(c.FindProduct(id)->tax_category, "beverage");
  }
  EXPECT_EQ(c.FindProduct("cola")->sizes.size(), 2u);
  for (const char* id : {"chocolate_chip_cookie", "brownie"}) {
    ASSERT_NE(c.FindProduct(id), nullptr) << id;
    EXPECT_EQ(c.FindProduct(id)->kind, ProductKind::kDessert);
  }
  for (const auto& p : c.products) {
    EXPECT_TRUE(p.tax_category == "food" || p.tax_category == "beverage") << p.id;
  }

  ASSERT_EQ(c.deals.size(), 3u);
  const Deal* two = c.FindDeal("two_medium_side");
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->slots[0].quantity, 2);
  EXPECT_EQ(two->slots[0].size_ids, std::vector<std::string>{"medium"});
  EXPECT_EQ(two->slots[0].included_toppings, 1);
  const Deal* family = c.FindDeal("family_feast");
  ASSERT_NE(family, nullptr);
  ASSERT_EQ(family->slots.size(), 3u);
  EXPECT_EQ(family->slots[1].quantity, 2);
  EXPECT_EQ(family->slots[2].quantity, 2);
  const Deal* lunch = c.FindDeal("lunch_combo");
  ASSERT_NE(lunch, nullptr);
  ASSERT_EQ(lunch->availability.windows.size(), 5u);  // Monday … Friday
  for (const auto& w : lunch->availability.windows) {
    EXPECT_GE(w.weekday, 1);
    EXPECT_LE(w.weekday, 5);
    EXPECT_EQ(w.start_minute, 11 * 60);
    EXPECT_EQ(w.end_minute, 15 * 60);
  }
  EXPECT_FALSE(lunch->slots[0].upcharges.empty());  // specialty pizzas cost more

  const Promotion* pizza20 = c.FindPromotionByCode("pizza20");
  ASSERT_NE(pizza20, nullptr);
  EXPECT_EQ(pizza20->kind, PromotionKind::kPercentOff);
  EXPECT_EQ(pizza20->percent_off, 20'000);
  EXPECT_EQ(pizza20->minimum_subtotal, 2000);
  const Promotion* freedel = c.FindPromotionByCode("FREEDEL");
  ASSERT_NE(freedel, nullptr);
  EXPECT_EQ(freedel->kind, PromotionKind::kFreeDelivery);
  EXPECT_EQ(freedel->minimum_subtotal, 1500);

  ASSERT_EQ(c.rewards.size(), 2u);
  const Reward* five = c.FindReward("reward_5_off");
  ASSERT_NE(five, nullptr);
  EXPECT_EQ(five->points, 500);
  EXPECT_EQ(five->amount_off, 500);
  EXPECT_EQ(five->minimum_subtotal, 0);
  const Reward* fifteen = c.FindReward("reward_15_off");
  ASSERT_NE(fifteen, nullptr);
  EXPECT_EQ(fifteen->points, 1500);
  EXPECT_EQ(fifteen->amount_off, 1500);
  EXPECT_EQ(fifteen->minimum_subtotal, 2000);
  for (const auto& r : c.rewards) EXPECT_EQ(r.name.size(), 2u) << r.id;
}

TEST(CatalogJson, RoundTripsEveryField) {
  const Catalog demo = Demo();
  const std::string once = CatalogToJson(demo);
  auto again = ParseCatalog(json::parse(once));
  ASSERT_TRUE(again) << (again ? "" : again.error().fields.front().field);
  EXPECT_EQ(CatalogToJson(*again), once);

  // Fields the demo leaves at defaults survive too.
  Catalog c = demo;
  c.promotions[0].valid_from = core::ParseRfc3339("2026-01-01T00:00:00Z");
  c.promotions[0].valid_until = core::ParseRfc3339("2027-01-01T00:00:00Z");
  c.promotions[0].channels = {Channel::kWeb, Channel::kPos};
  c.promotions[0].max_uses_total = 1000;
  c.toppings[0].extra_multiplier_bp = 12'500;
  c.products[0].availability.windows = {{6, 600, 720}};
  c.BuildIndex();
  const std::string edited = CatalogToJson(c);
  auto parsed = ParseCatalog(json::parse(edited));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(CatalogToJson(*parsed), edited);
  EXPECT_EQ(parsed->promotions[0].channels, c.promotions[0].channels);
  EXPECT_EQ(parsed->promotions[0].valid_until, c.promotions[0].valid_until);
  EXPECT_EQ(parsed->toppings[0].extra_multiplier_bp, 12'500);
  EXPECT_NE(edited, once);
}

TEST(CatalogJson, RoundTripsRewards) {
  Catalog c = Demo();
  c.rewards.push_back(Reward{.id = "reward_free_pizza",
                             .name = {{"en", "A free medium pizza"}, {"es", "Una pizza mediana"}},
                             .points = 2500,
                             .amount_off = 1699,
                             .minimum_subtotal = 1});
  c.BuildIndex();
  const std::string text = CatalogToJson(c);
  const auto body = json::parse(text);
  const auto& rewards = body.at("rewards").as_array();
  ASSERT_EQ(rewards.size(), 3u);
  EXPECT_EQ(rewards[2],
            (json::value{{"id", "reward_free_pizza"},
                         {"name", {{"en", "A free medium pizza"}, {"es", "Una pizza mediana"}}},
                         {"points", 2500},
                         {"amount_off", 1699},
                         {"minimum_subtotal", 1}}));
  auto parsed = ParseCatalog(body);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(CatalogToJson(*parsed), text);
  ASSERT_EQ(parsed->rewards.size(), 3u);
  EXPECT_EQ(parsed->rewards[2].name, c.rewards[2].name);
  EXPECT_EQ(parsed->FindReward("reward_free_pizza")->amount_off, 1699);

  // Rewards are optional: a catalog without the key has none.
  json::value without = body;
  without.as_object().erase("rewards");
  auto none = ParseCatalog(without);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->rewards.empty());
}

TEST(CatalogJson, NamesEveryBadRewardField) {
  json::value body = json::parse(DemoMenuJson());
  auto& rewards = body.as_object()["rewards"].as_array();
  ASSERT_EQ(rewards.size(), 2u);
  auto reward = [](json::value id, json::value points, json::value amount_off) {
    return json::object{{"id", std::move(id)},
                        {"name", {{"en", "R"}, {"es", "R"}}},
                        {"points", std::move(points)},
                        {"amount_off", std::move(amount_off)}};
  };
  // [1] no points; [2] a duplicate id and a negative amount; [3] a promotion's id and wrong
  // types; [4] a negative minimum and a missing translation; [5] missing and unknown fields.
  rewards[1].as_object()["points"] = 0;
  rewards.push_back(reward("reward_5_off", 100, -5));
  rewards.push_back(reward("pizza20", "lots", 1.5));
  rewards.push_back(reward("r_min", 10, 10));
  rewards[4].as_object()["minimum_subtotal"] = -1;
  rewards[4].as_object()["name"].as_object().erase("es");
  rewards.push_back(json::object{{"id", "r_bare"}, {"value", 3}});
  auto result = ParseCatalog(body);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(Fields(result.error()), (std::set<std::string>{
                                        "rewards[1].points",
                                        "rewards[2].id",
                                        "rewards[2].amount_off",
                                        "rewards[3].id",
                                        "rewards[3].points",
                                        "rewards[3].amount_off",
                                        "rewards[4].minimum_subtotal",
                                        "rewards[4].name",
                                        "rewards[5].name",
                                        "rewards[5].points",
                                        "rewards[5].amount_off",
                                        "rewards[5].value",
                                    }));
  EXPECT_EQ(MessageFor(result.error(), "rewards[1].points"), "must be positive");
  EXPECT_EQ(MessageFor(result.error(), "rewards[2].id"), "duplicate id 'reward_5_off'");
  EXPECT_EQ(MessageFor(result.error(), "rewards[3].id"), "'pizza20' is already a promotion's id");
  EXPECT_EQ(MessageFor(result.error(), "rewards[3].points"), "must be an integer number of points");
  EXPECT_EQ(MessageFor(result.error(), "rewards[3].amount_off"),
            "must be an integer amount in minor units");
  EXPECT_EQ(MessageFor(result.error(), "rewards[4].name"), "missing translation for 'es'");
  EXPECT_EQ(MessageFor(result.error(), "rewards[5].points"), "is required");
  EXPECT_EQ(MessageFor(result.error(), "rewards[5].value"), "is not a known field");

  json::value not_a_list = json::parse(DemoMenuJson());
  not_a_list.as_object()["rewards"] = json::object{};
  auto bad = ParseCatalog(not_a_list);
  ASSERT_FALSE(bad);
  EXPECT_EQ(Fields(bad.error()), std::set<std::string>{"rewards"});
}

// --- bad admin input ------------------------------------------------------------------------

TEST(CatalogJson, NamesEveryBadField) {
  json::value body = json::parse(DemoMenuJson());
  auto& o = body.as_object();
  auto& products = o["products"].as_array();
  ASSERT_EQ(products[1].at("id").as_string(), "margherita");
  ASSERT_EQ(products[1].at("default_topping_ids").as_array().size(), 3u);
  // A product referencing an unknown topping.
  products[1].as_object()["default_topping_ids"].as_array().emplace_back("unicorn");
  // A modifier group option referencing an unknown topping.
  auto& groups = o["modifier_groups"].as_array();
  ASSERT_EQ(groups[2].at("options").as_array().size(), 16u);
  groups[2].as_object()["options"].as_array().push_back(
      json::object{{"topping_id", "anchovies"}, {"is_default", false}});
  // A modifier group with min 3 > max 1.
  ASSERT_EQ(groups[0].at("id").as_string(), "sauce");
  groups[0].as_object()["min_selections"] = 3;
  groups[0].as_object()["max_selections"] = 1;
  // A negative size price.
  products[2].as_object()["sizes"].as_array()[1].as_object()["price"] = -100;
  // A missing Spanish translation ("es" is required).
  o["categories"].as_array()[3].as_object()["name"].as_object().erase("es");
  // A wrong type: a price as a string.
  products[3].as_object()["sizes"].as_array()[0].as_object()["price"] = "12.99";
  // An unknown field and a missing field.
  products[0].as_object()["colour"] = "red";
  o["toppings"].as_array()[0].as_object().erase("name");

  auto result = ParseCatalog(body);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(Fields(result.error()), (std::set<std::string>{
                                        "products[1].default_topping_ids[3]",
                                        "modifier_groups[2].options[16].topping_id",
                                        "modifier_groups[0].min_selections",
                                        "products[2].sizes[1].price",
                                        "categories[3].name",
                                        "products[3].sizes[0].price",
                                        "products[0].colour",
                                        "toppings[0].name",
                                    }));
  // One error each: nothing more is said about a field whose shape is already wrong (the
  // missing name is not also "missing translation for 'en'").
  EXPECT_EQ(result.error().fields.size(), 8u);
  EXPECT_EQ(MessageFor(result.error(), "products[3].sizes[0].price"),
            "must be an integer amount in minor units");
  EXPECT_EQ(MessageFor(result.error(), "products[2].sizes[1].price"), "must not be negative");
  EXPECT_EQ(MessageFor(result.error(), "categories[3].name"), "missing translation for 'es'");
  EXPECT_EQ(MessageFor(result.error(), "modifier_groups[0].min_selections"),
            "min_selections 3 is more than max_selections 1");
  EXPECT_EQ(MessageFor(result.error(), "toppings[0].name"), "is required");
  EXPECT_EQ(MessageFor(result.error(), "products[0].colour"), "is not a known field");
  EXPECT_NE(MessageFor(result.error(), "products[1].default_topping_ids[3]").find("unicorn"),
            std::string::npos);
}

TEST(CatalogJson, WrongShapesAreFieldErrorsAndANonObjectIsABadRequest) {
  auto not_object = ParseCatalog(json::parse("[1, 2]"));
  ASSERT_FALSE(not_object);
  EXPECT_EQ(not_object.error().code, core::ErrorCode::kBadRequest);

  auto bad = ParseCatalog(json::parse(R"({
    "currency": "USD", "fallback_locale": "en", "required_locales": ["en"],
    "categories": [{"id": "pizzas", "name": {"en": "Pizzas"}}, 7],
    "sizes": {"id": "small"},
    "toppings": [{"id": "x", "name": {"en": 5}, "prices": [{"size_id": "small", "price": 1.5}]}],
    "products": [{"id": "p", "category_id": "pizzas", "kind": "calzone", "name": {"en": "P"},
                  "tax_category": "food", "sizes": [], "availability": {"windows": [{"weekday": "mon"}]}}]
  })"));
  ASSERT_FALSE(bad);
  const auto fields = Fields(bad.error());
  for (const char* f :
       {"categories[1]", "sizes", "toppings[0].name.en", "toppings[0].prices[0].price",
        "products[0].kind", "products[0].availability.windows[0].weekday",
        "products[0].availability.windows[0].start_minute", "products[0].sizes"}) {
    EXPECT_TRUE(fields.contains(f)) << f;
  }
  EXPECT_EQ(MessageFor(bad.error(), "toppings[0].prices[0].price"),
            "must be an integer amount in minor units");
}

// --- the public store menu ------------------------------------------------------------------

TEST(PublicMenu, ResolvesTheLocaleWithFallback) {
  const Catalog c = Demo();
  const StoreMenuContext store = UsStore();
  const auto es = json::parse(PublicMenuJson(c, store, "es", kWednesday19, "v1"));
  const auto fr = json::parse(PublicMenuJson(c, store, "fr", kWednesday19, "v1"));
  const auto es_mx = json::parse(PublicMenuJson(c, store, "es-MX", kWednesday19, "v1"));
  EXPECT_EQ(PublicProduct(es, "pizzas", "margherita").at("name"), "Margarita");
  EXPECT_EQ(PublicProduct(es_mx, "pizzas", "margherita").at("name"), "Margarita");
  EXPECT_EQ(PublicProduct(fr, "pizzas", "margherita").at("name"), "Margherita");
  EXPECT_EQ(FindById(es.at("categories").as_array(), "id", "sides").at("name"), "Acompañantes");
  EXPECT_EQ(FindById(fr.at("categories").as_array(), "id", "sides").at("name"), "Sides");
  const auto& groups = PublicProduct(es, "pizzas", "cheese_pizza").at("modifier_groups").as_array();
  const auto& toppings = FindById(groups, "id", "toppings");
  EXPECT_EQ(toppings.at("name"), "Ingredientes");
  EXPECT_EQ(FindById(toppings.at("options").as_array(), "topping_id", "mushrooms").at("name"),
            "Champiñones");
  EXPECT_EQ(es.at("version_id"), "v1");
  EXPECT_EQ(es.at("currency"), "USD");
  // Automatic promotions only, localized; coupons are not advertised.
  const auto& promotions = es.at("promotions").as_array();
  ASSERT_EQ(promotions.size(), 1u);
  EXPECT_EQ(promotions[0].at("name"), "Martes: 2 pizzas grandes por 25.99");
}

TEST(PublicMenu, ListsTheLoyaltyRewardsLocalized) {
  const Catalog c = Demo();
  const auto es = json::parse(PublicMenuJson(c, UsStore(), "es", kWednesday19, "v1"));
  const auto& rewards = es.at("rewards").as_array();
  ASSERT_EQ(rewards.size(), 2u);
  EXPECT_EQ(rewards[0], (json::value{{"id", "reward_5_off"},
                                     {"name", "5.00 de descuento en tu pedido"},
                                     {"points", 500},
                                     {"amount_off", {{"amount", 500}, {"currency", "USD"}}},
                                     {"minimum_subtotal", {{"amount", 0}, {"currency", "USD"}}}}));
  EXPECT_EQ(rewards[1].at("id"), "reward_15_off");
  EXPECT_EQ(rewards[1].at("points"), 1500);
  EXPECT_EQ(rewards[1].at("amount_off").at("amount"), 1500);
  EXPECT_EQ(rewards[1].at("minimum_subtotal").at("amount"), 2000);
  const auto en = json::parse(PublicMenuJson(c, UsStore(), "en", kWednesday19, "v1"));
  EXPECT_EQ(en.at("rewards").at(1).at("name"), "15.00 off orders from 20.00");
}

TEST(PublicMenu, ShowsPricesSizesCrustsAndToppingsPerSize) {
  const Catalog c = Demo();
  const auto menu = json::parse(PublicMenuJson(c, UsStore(), "en", kWednesday19, "v1"));
  const auto& pepperoni = PublicProduct(menu, "pizzas", "pepperoni_pizza");
  const auto& sizes = pepperoni.at("sizes").as_array();
  ASSERT_EQ(sizes.size(), 3u);
  EXPECT_EQ(sizes[2].at("id"), "large");
  EXPECT_EQ(sizes[2].at("price"), (json::object{{"amount", 1749}, {"currency", "USD"}}));
  EXPECT_GT(sizes[2].at("calories").as_int64(), 0);
  EXPECT_FALSE(sizes[2].at("allergens").as_array().empty());
  const auto& stuffed = FindById(pepperoni.at("crusts").as_array(), "id", "stuffed");
  ASSERT_EQ(stuffed.at("upcharges").as_array().size(), 2u);  // not on small
  EXPECT_EQ(stuffed.at("upcharges").as_array()[1].at("price").at("amount"), 300);
  EXPECT_EQ(pepperoni.at("default_toppings"), (json::array{"tomato_sauce", "pepperoni"}));
  EXPECT_EQ(pepperoni.at("available"), true);
}

TEST(PublicMenu, An86dToppingIsUnavailableWithItsReason) {
  const Catalog c = Demo();
  StoreMenuContext store = UsStore();
  store.unavailable["mushrooms"] = Unavailability{.reason = "delivery late", .until = {}};
  store.unavailable["brownie"] = Unavailability{.reason = "none left", .until = {}};
  const auto menu = json::parse(PublicMenuJson(c, store, "en", kWednesday19, "v1"));
  const auto& groups =
      PublicProduct(menu, "pizzas", "cheese_pizza").at("modifier_groups").as_array();
  const auto& options = FindById(groups, "id", "toppings").at("options").as_array();
  const auto& mushrooms = FindById(options, "topping_id", "mushrooms");
  EXPECT_EQ(mushrooms.at("available"), false);
  EXPECT_EQ(mushrooms.at("reason_code"), "sold_out");
  EXPECT_EQ(mushrooms.at("reason"), "Sold out");
  EXPECT_EQ(FindById(options, "topping_id", "pepperoni").at("available"), true);
  const auto& brownie = PublicProduct(menu, "desserts", "brownie");
  EXPECT_EQ(brownie.at("available"), false);
  EXPECT_EQ(brownie.at("reason_code"), "sold_out");
  const auto es = json::parse(PublicMenuJson(c, store, "es", kWednesday19, "v1"));
  EXPECT_EQ(PublicProduct(es, "desserts", "brownie").at("reason"), "Agotado");

  // With `now`, an 86 whose until-time passed no longer counts.
  const auto now = *core::ParseRfc3339("2026-03-11T12:00:00Z");
  store.unavailable["brownie"].until = *core::ParseRfc3339("2026-03-11T11:00:00Z");
  const auto later = json::parse(PublicMenuJson(c, store, "en", kWednesday19, "v1", now));
  EXPECT_EQ(PublicProduct(later, "desserts", "brownie").at("available"), true);
}

TEST(PublicMenu, AStorePriceOverrideShowsTheOverriddenPrice) {
  const Catalog c = Demo();
  StoreMenuContext store = UsStore();
  store.product_prices["pepperoni_pizza"]["large"] = 1899;
  store.topping_prices["bacon"]["medium"] = 250;
  const auto menu = json::parse(PublicMenuJson(c, store, "en", kWednesday19, "v1"));
  const auto& pepperoni = PublicProduct(menu, "pizzas", "pepperoni_pizza");
  EXPECT_EQ(FindById(pepperoni.at("sizes").as_array(), "id", "large").at("price").at("amount"),
            1899);
  EXPECT_EQ(FindById(pepperoni.at("sizes").as_array(), "id", "medium").at("price").at("amount"),
            1449);
  const auto& groups = pepperoni.at("modifier_groups").as_array();
  const auto& bacon =
      FindById(FindById(groups, "id", "toppings").at("options").as_array(), "topping_id", "bacon");
  EXPECT_EQ(FindById(bacon.at("prices").as_array(), "size", "medium").at("price").at("amount"),
            250);
  EXPECT_EQ(FindById(bacon.at("prices").as_array(), "size", "large").at("price").at("amount"), 275);
}

TEST(PublicMenu, TheLunchDealIsClosedInTheEveningWithAvailableFrom) {
  const Catalog c = Demo();
  const auto evening = json::parse(PublicMenuJson(c, UsStore(), "en", kTuesday18, "v1"));
  const auto& lunch = PublicDeal(evening, "lunch_combo");
  EXPECT_EQ(lunch.at("available"), false);
  EXPECT_EQ(lunch.at("reason_code"), "not_available_now");
  EXPECT_EQ(lunch.at("available_from"), (json::object{{"day", "wednesday"}, {"time", "11:00"}}));
  EXPECT_EQ(lunch.at("price").at("amount"), 899);
  EXPECT_EQ(PublicDeal(evening, "family_feast").at("available"), true);
  // Friday evening: next Monday.
  const auto friday = json::parse(PublicMenuJson(c, UsStore(), "en", {5, 18 * 60}, "v1"));
  EXPECT_EQ(PublicDeal(friday, "lunch_combo").at("available_from"),
            (json::object{{"day", "monday"}, {"time", "11:00"}}));
  const auto noon = json::parse(PublicMenuJson(c, UsStore(), "en", {2, 12 * 60}, "v1"));
  EXPECT_EQ(PublicDeal(noon, "lunch_combo").at("available"), true);
}

TEST(PublicMenu, IsByteIdenticalForTheSameInputs) {
  const Catalog a = Demo();
  const Catalog b = Demo();
  StoreMenuContext store = UsStore();
  store.unavailable["ham"] = Unavailability{.reason = "out", .until = {}};
  const std::string first =
      PublicMenuJson(a, store, "es", kTuesday18, "v7", {}, "2026-03-10T23:00:00.000Z");
  const std::string second =
      PublicMenuJson(b, store, "es", kTuesday18, "v7", {}, "2026-03-10T23:00:00.000Z");
  EXPECT_EQ(first, second);
  EXPECT_NE(first,
            PublicMenuJson(a, store, "en", kTuesday18, "v7", {}, "2026-03-10T23:00:00.000Z"));
  EXPECT_EQ(json::parse(first).at("generated_at"), "2026-03-10T23:00:00.000Z");
}

// --- quotes ---------------------------------------------------------------------------------

TEST(QuoteJson, RejectsBadQuantitiesPortionsAndAmountsNamingFields) {
  auto result = ParseQuoteRequest(json::parse(R"({
    "items": [
      {"product_id": "cola", "size": "bottle_20oz", "quantity": 0},
      {"product_id": "cola", "size": "bottle_20oz", "quantity": 1000},
      {"product_id": "cola", "size": "bottle_20oz", "quantity": "two"},
      {"product_id": "cheese_pizza", "size": "large",
       "toppings": [{"topping_id": "ham", "portion": "middle"},
                    {"topping_id": "bacon", "amount": "double"},
                    {"portion": "left"}]},
      {"size": "large"}
    ],
    "deals": [{"deal_id": "lunch_combo", "items": [{"slot": -1, "product_id": "cola", "size": "regular"}]}],
    "tip": {"amount": 100, "currency": "EUR"}
  })"),
                                  Usd());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(Fields(result.error()), (std::set<std::string>{
                                        "items[0].quantity",
                                        "items[1].quantity",
                                        "items[2].quantity",
                                        "items[3].toppings[0].portion",
                                        "items[3].toppings[1].amount",
                                        "items[3].toppings[2].topping_id",
                                        "items[4].product_id",
                                        "deals[0].items[0].slot",
                                        "tip.currency",
                                    }));
  EXPECT_EQ(MessageFor(result.error(), "items[3].toppings[0].portion"),
            "must be whole, left or right");
  EXPECT_EQ(MessageFor(result.error(), "items[1].quantity"), "must be an integer from 1 to 999");

  EXPECT_EQ(ParseQuoteRequest(json::parse("\"cart\""), Usd()).error().code,
            core::ErrorCode::kBadRequest);
}

TEST(QuoteJson, ARewardIdMustBeAString) {
  auto number = ParseQuoteRequest(
      json::parse(R"({"items": [{"product_id": "cola", "size": "can"}], "reward_id": 500})"),
      Usd());
  ASSERT_FALSE(number);
  EXPECT_EQ(number.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(Fields(number.error()), std::set<std::string>{"reward_id"});
  EXPECT_EQ(MessageFor(number.error(), "reward_id"), "must be a string");

  auto absent = ParseQuoteRequest(
      json::parse(R"({"items": [{"product_id": "cola", "size": "can"}], "reward_id": null})"),
      Usd());
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->reward_id, "");
}

TEST(QuoteJson, ARedeemedRewardFromJsonToQuoteToJson) {
  const Catalog c = Demo();
  auto request = ParseQuoteRequest(json::parse(R"({
    "items": [{"product_id": "cheese_pizza", "size": "large", "quantity": 2}],
    "coupon_code": "PIZZA20",
    "reward_id": "reward_15_off"
  })"),
                                   Usd());
  ASSERT_TRUE(request);
  EXPECT_EQ(request->reward_id, "reward_15_off");
  request->local_time = kWednesday19;
  request->now = *core::ParseRfc3339("2026-03-12T00:00:00Z");
  auto quote = Quote(c, UsStore(), *request);
  ASSERT_TRUE(quote) << quote.error().fields.front().field << ": "
                     << quote.error().fields.front().message;
  const auto out = json::parse(QuoteToJson(c, *quote, "es"));
  // 2 × 14.99 = 29.98; PIZZA20 round(29.98 × 20 %) = 6.00 → 23.98; the reward 15.00 → 8.98.
  // Tax 8.875 % of 8.98 = 0.797 → 0.80. Total 9.78.
  const auto& discounts = out.at("discounts").as_array();
  ASSERT_EQ(discounts.size(), 2u);
  EXPECT_EQ(discounts[0].at("promotion_id"), "pizza20");
  EXPECT_EQ(discounts[0].at("amount").at("amount"), 600);
  EXPECT_EQ(discounts[1].at("promotion_id"), "reward_15_off");
  EXPECT_EQ(discounts[1].at("kind"), "reward");
  EXPECT_EQ(discounts[1].at("target"), "items");
  EXPECT_EQ(discounts[1].at("name"), "15.00 de descuento en pedidos desde 20.00");
  EXPECT_FALSE(discounts[1].as_object().contains("code"));
  EXPECT_EQ(discounts[1].at("amount").at("amount"), 1500);
  EXPECT_EQ(out.at("discount_total").at("amount"), 2100);
  EXPECT_EQ(out.at("tax_total").at("amount"), 80);
  EXPECT_EQ(out.at("total").at("amount"), 898 + 80);
  EXPECT_EQ(out.at("reward"), (json::value{{"id", "reward_15_off"},
                                           {"points", 1500},
                                           {"amount", {{"amount", 1500}, {"currency", "USD"}}}}));

  // Without a reward there is no "reward" key; an unknown one is a field error of the body.
  request->reward_id.clear();
  auto plain = Quote(c, UsStore(), *request);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(json::parse(QuoteToJson(c, *plain, "en")).as_object().contains("reward"));
  request->reward_id = "reward_free_car";
  auto unknown = Quote(c, UsStore(), *request);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(ClientQuoteField(unknown.error().fields.at(0).field, 1), "reward_id");
  EXPECT_EQ(unknown.error().fields.at(0).message, "unknown reward");
}

TEST(QuoteJson, IgnoresClientPrices) {
  const Catalog c = Demo();
  auto with_price = ParseQuoteRequest(json::parse(R"({
    "store_id": "s1", "type": "carryout", "price": 1, "total": {"amount": 1, "currency": "USD"},
    "items": [{"product_id": "garlic_bread", "size": "regular", "quantity": 2, "price": 1,
               "unit_price": {"amount": 1, "currency": "USD"}}]})"),
                                      Usd());
  auto without = ParseQuoteRequest(
      json::parse(
          R"({"items": [{"product_id": "garlic_bread", "size": "regular", "quantity": 2}]})"),
      Usd());
  ASSERT_TRUE(with_price);
  ASSERT_TRUE(without);
  EXPECT_EQ(with_price->items, without->items);
  auto quote = Quote(c, UsStore(), *with_price);
  ASSERT_TRUE(quote);
  EXPECT_EQ(quote->subtotal.amount(), 2 * 599);
}

TEST(QuoteJson, AHalfAndHalfPizzaFromJsonToQuoteToJson) {
  const Catalog c = Demo();
  auto request = ParseQuoteRequest(json::parse(R"({
    "items": [{"product_id": "cheese_pizza", "size": "large", "crust": "stuffed", "quantity": 2,
               "notes": "well done",
               "toppings": [{"topping_id": "pepperoni", "portion": "left"},
                            {"topping_id": "mushrooms", "portion": "right", "amount": "extra"}]}],
    "coupon_code": "pizza20",
    "tip": {"amount": 300, "currency": "USD"}
  })"),
                                   Usd());
  ASSERT_TRUE(request);
  EXPECT_EQ(request->coupon_code, "pizza20");
  request->local_time = kWednesday19;
  request->now = *core::ParseRfc3339("2026-03-12T00:00:00Z");
  request->delivery_fee = core::Money(299, Usd());
  auto quote = Quote(c, UsStore(), *request);
  ASSERT_TRUE(quote) << quote.error().fields.front().field << ": "
                     << quote.error().fields.front().message;
  const auto out = json::parse(QuoteToJson(c, *quote, "es"));

  // Unit: large 14.99 + stuffed 3.00 + pepperoni left round(2.50 / 2) = 1.25 + mushrooms right
  // extra round(2.00 × 1.5 / 2) = 1.50 = 20.74; × 2 = 41.48. PIZZA20: round(41.48 × 20 %) = 8.30.
  // Tax 8.875 % of 33.18 = 2.94. Total 41.48 − 8.30 + 2.94 + 2.99 delivery + 3.00 tip = 42.11.
  const auto& line = out.at("lines").as_array().at(0);
  EXPECT_EQ(line.at("name"), "Queso (arma la tuya)");
  EXPECT_EQ(line.at("unit_price").at("amount"), 2074);
  EXPECT_EQ(line.at("line_total").at("amount"), 4148);
  EXPECT_EQ(line.at("breakdown").at("crust").at("amount"), 300);
  EXPECT_EQ(line.at("breakdown").at("toppings").at("amount"), 275);
  const auto& toppings = line.at("items").as_array().at(0).at("toppings").as_array();
  ASSERT_EQ(toppings.size(), 2u);
  EXPECT_EQ(toppings[0].at("portion"), "left");
  EXPECT_EQ(toppings[0].at("charge").at("amount"), 125);
  EXPECT_EQ(toppings[1].at("name"), "Champiñones");
  EXPECT_EQ(toppings[1].at("amount"), "extra");
  EXPECT_EQ(toppings[1].at("charge").at("amount"), 150);
  const auto& discounts = out.at("discounts").as_array();
  ASSERT_EQ(discounts.size(), 1u);
  EXPECT_EQ(discounts[0].at("promotion_id"), "pizza20");
  EXPECT_EQ(discounts[0].at("name"), "20% de descuento en pizzas desde 20.00");
  EXPECT_EQ(discounts[0].at("amount").at("amount"), 830);
  EXPECT_EQ(out.at("taxes").as_array().at(0).at("tax").at("amount"), 294);
  EXPECT_EQ(out.at("taxes").as_array().at(0).at("rate_percent"), "8.875");
  EXPECT_EQ(out.at("delivery_fee").at("amount"), 299);
  EXPECT_EQ(out.at("tip").at("amount"), 300);
  EXPECT_EQ(out.at("total"), (json::object{{"amount", 4211}, {"currency", "USD"}}));
  EXPECT_FALSE(out.as_object().contains("rejected_coupon"));
}

TEST(QuoteJson, ADealFromJsonAndARejectedCoupon) {
  const Catalog c = Demo();
  auto request = ParseQuoteRequest(json::parse(R"({
    "deals": [{"deal_id": "lunch_combo", "items": [
      {"slot": 0, "product_id": "margherita", "size": "small",
       "toppings": [{"topping_id": "bacon", "portion": "left"}, {"topping_id": "ham", "portion": "right"}]},
      {"slot": 1, "product_id": "cola", "size": "bottle_20oz"}]}],
    "coupon_code": "PIZZA20"
  })"),
                                   Usd());
  ASSERT_TRUE(request);
  request->local_time = {3, 12 * 60};  // Wednesday noon
  request->now = *core::ParseRfc3339("2026-03-11T17:00:00Z");
  auto quote = Quote(c, UsStore(), *request);
  ASSERT_TRUE(quote) << quote.error().fields.front().field << ": "
                     << quote.error().fields.front().message;
  const auto out = json::parse(QuoteToJson(c, *quote, "en"));
  // 8.99 + 2.00 specialty upcharge; the two halves fill the one included topping. Tax 0.98.
  const auto& line = out.at("lines").as_array().at(0);
  EXPECT_EQ(line.at("deal_id"), "lunch_combo");
  EXPECT_EQ(line.at("unit_price").at("amount"), 1099);
  EXPECT_EQ(out.at("total").at("amount"), 1099 + 98);
  EXPECT_EQ(out.at("rejected_coupon").at("code"), "minimum_not_met");

  // Engine errors for deal lines name the body's fields.
  EXPECT_EQ(ClientQuoteField("items[1].deal_items[0].size_id", 1), "deals[0].items[0].size");
  EXPECT_EQ(ClientQuoteField("items[0].crust_id", 1), "items[0].crust");
  EXPECT_EQ(ClientQuoteField("items[2].toppings[1].topping_id", 3),
            "items[2].toppings[1].topping_id");
}

}  // namespace
}  // namespace vetahut::menu
