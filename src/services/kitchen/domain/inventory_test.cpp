#include "services/kitchen/domain/inventory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace vetahut::kitchen {
namespace {

std::vector<std::string> FieldsOf(const core::Status& s) {
  std::vector<std::string> out;
  if (!s) {
    for (const auto& f : s.error().fields) out.push_back(f.field);
  }
  return out;
}

/// A small book: a pizza with a base per size, a crust, and toppings.
RecipeBook SmallBook() {
  RecipeBook b;
  b.ingredients = {{"dough_large", "Dough 14\"", "each"},
                   {"dough_medium", "Dough 12\"", "each"},
                   {"mozzarella", "Mozzarella", "g"},
                   {"sauce", "Tomato sauce", "ml"},
                   {"pepperoni", "Pepperoni", "g"},
                   {"mushrooms", "Mushrooms", "g"},
                   {"olives", "Olives", "g"},
                   {"box", "Pizza box", "each"}};
  b.products = {{"pizza", "large", {{"mozzarella", 200}, {"box", 1}}},
                {"pizza", "medium", {{"mozzarella", 150}, {"box", 1}}}};
  b.crusts = {{"classic", "large", {{"dough_large", 1}}},
              {"classic", "medium", {{"dough_medium", 1}}}};
  b.toppings = {{"sauce", "large", {{"sauce", 160}}},
                {"pepperoni", "large", {{"pepperoni", 80}}},
                {"pepperoni", "", {{"pepperoni", 50}}},  // every other size
                {"mushrooms", "large", {{"mushrooms", 60}}},
                {"olives", "", {{"olives", 40}}}};
  return b;
}

TEST(Consumption, AddsBaseCrustAndScaledToppings) {
  const RecipeBook b = SmallBook();  // half 0.5, light 0.5, extra 1.5
  const MadeItem large{"pizza",
                       "large",
                       "classic",
                       {{"sauce", "whole", "normal"},
                        {"pepperoni", "left", "extra"},      // 80 × 0.5 × 1.5 = 60
                        {"mushrooms", "right", "light"},     // 60 × 0.5 × 0.5 = 15
                        {"olives", "whole", "light"},        // "" row: 40 × 0.5 = 20
                        {"anchovies", "whole", "normal"}}};  // no recipe: nothing
  const std::map<std::string, double> expected = {
      {"mozzarella", 200}, {"box", 1},        {"dough_large", 1}, {"sauce", 160},
      {"pepperoni", 60},   {"mushrooms", 15}, {"olives", 20}};
  EXPECT_EQ(Consumption(b, large), expected);

  // Medium: its own base and dough; pepperoni from the "" row (50 × 1.5); no medium sauce or
  // mushroom recipe, so none counted.
  const MadeItem medium{"pizza",
                        "medium",
                        "classic",
                        {{"sauce", "whole", "normal"},
                         {"pepperoni", "whole", "extra"},
                         {"mushrooms", "whole", "normal"}}};
  const std::map<std::string, double> expected_medium = {
      {"mozzarella", 150}, {"box", 1}, {"dough_medium", 1}, {"pepperoni", 75}};
  EXPECT_EQ(Consumption(b, medium), expected_medium);

  // The factors are the book's.
  RecipeBook custom = b;
  custom.half_factor = 0.25;
  custom.extra_factor = 2;
  const MadeItem half_extra{"pizza", "large", "", {{"pepperoni", "right", "extra"}}};
  // No crust: 200 g cheese, a box, pepperoni 80 × 0.25 × 2 = 40.
  const std::map<std::string, double> expected_custom = {
      {"mozzarella", 200}, {"box", 1}, {"pepperoni", 40}};
  EXPECT_EQ(Consumption(custom, half_extra), expected_custom);
  // A product without a recipe consumes nothing.
  EXPECT_TRUE(Consumption(b, MadeItem{"cola", "bottle_2l", "", {}}).empty());
}

TEST(Consumption, AddIntoSumsScaledAmounts) {
  std::map<std::string, double> total = {{"mozzarella", 100}};
  AddInto(total, {{"mozzarella", 200}, {"box", 1}}, 3);
  AddInto(total, {{"sauce", 10}});
  const std::map<std::string, double> expected = {{"mozzarella", 700}, {"box", 3}, {"sauce", 10}};
  EXPECT_EQ(total, expected);
}

TEST(ShortItems, AProductIsShortOnlyWhenNoSizeCanBeMade) {
  const RecipeBook b = SmallBook();
  // 180 g of cheese: a medium (150 g) can still be made, a large (200 g) cannot.
  EXPECT_TRUE(ShortItems(b, {{"mozzarella", 180}, {"box", 5}}).empty());
  // 149 g: neither.
  const auto short_items = ShortItems(b, {{"mozzarella", 149}, {"box", 5}});
  ASSERT_EQ(short_items.size(), 1u);
  EXPECT_EQ(short_items[0].item_id, "pizza");
  EXPECT_EQ(short_items[0].ingredient_id, "mozzarella");
  // Exactly enough for one more is not short.
  EXPECT_TRUE(ShortItems(b, {{"mozzarella", 150}, {"box", 1}}).empty());
  // The sizes short of different things: large lacks cheese, medium lacks... nothing else here;
  // with no boxes at all, every size is short of boxes.
  const auto no_boxes = ShortItems(b, {{"mozzarella", 1000}, {"box", 0}});
  ASSERT_EQ(no_boxes.size(), 1u);
  EXPECT_EQ(no_boxes[0].ingredient_id, "box");
}

TEST(ShortItems, IngredientsTheStoreDoesNotCountAreNeverShort) {
  const RecipeBook b = SmallBook();
  EXPECT_TRUE(ShortItems(b, {}).empty());
  EXPECT_TRUE(ShortItems(b, {{"box", 10}}).empty());
}

TEST(ShortItems, CrustsAndToppingsNeedANormalWholePortionOnSomeSize) {
  const RecipeBook b = SmallBook();
  const std::map<std::string, double> stock = {
      {"dough_large", 0}, {"dough_medium", 0},  // no dough at all: the crust is out
      {"pepperoni", 60},                        // enough for the "" row (50), not a large (80)
      {"mushrooms", 59},                        // only a large row (60): out
      {"olives", 40},                           // exactly one portion left
      {"sauce", 1000},
  };
  const auto items = ShortItems(b, stock);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].item_id, "classic");
  EXPECT_EQ(items[0].ingredient_id, "dough_large");  // the rows tie on total: by size id
  EXPECT_EQ(items[1].item_id, "mushrooms");
  EXPECT_EQ(items[1].ingredient_id, "mushrooms");
}

TEST(ShortItems, SortedByIdWithOneEntryEach) {
  RecipeBook b = SmallBook();
  b.toppings.push_back({"pizza", "large", {{"olives", 10}}});  // a topping sharing a product's id
  const auto items = ShortItems(b, {{"mozzarella", 0}, {"olives", 0}, {"sauce", 0}});
  std::vector<std::string> ids;
  for (const auto& i : items) ids.push_back(i.item_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"olives", "pizza", "sauce"}));
  EXPECT_EQ(items[1].ingredient_id, "mozzarella");  // the product's entry
}

TEST(ValidateRecipeBook, NamesEveryBadField) {
  RecipeBook b = SmallBook();
  b.ingredients[1].id = "Dough Medium";  // not an id (and now unknown)
  b.ingredients[2].unit = "kg";
  b.ingredients[3].name = "";
  b.ingredients.push_back({"box", "Another box", "each"});  // duplicate id
  b.products[0].amounts[0].quantity = 0;
  b.products[1].amounts.push_back({"box", 2});         // listed twice
  b.crusts[1].size_id = "large";                       // duplicate (classic, large)
  b.toppings[3].amounts[0].ingredient_id = "truffle";  // unknown
  b.toppings[4].amounts[0].quantity = 100001;
  b.toppings[0].item_id = "";
  b.light_factor = 0;
  b.extra_factor = 10.5;
  const auto status = Validate(b);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(
      FieldsOf(status),
      (std::vector<std::string>{
          "ingredients[1].id", "ingredients[2].unit", "ingredients[3].name", "ingredients[8].id",
          "products[0].amounts[0].quantity", "products[1].amounts[2].ingredient_id", "crusts[1]",
          "crusts[1].amounts[0].ingredient_id", "toppings[0].item_id",
          "toppings[3].amounts[0].ingredient_id", "toppings[4].amounts[0].quantity", "light_factor",
          "extra_factor"}));
}

TEST(ValidateRecipeBook, BoundsListSizes) {
  RecipeBook b = SmallBook();
  b.products[0].amounts.assign(31, {"box", 1});
  for (int i = 0; i < 2001; ++i) b.toppings.push_back({"t" + std::to_string(i), "", {}});
  const auto fields = FieldsOf(Validate(b));
  EXPECT_NE(std::find(fields.begin(), fields.end(), "products[0].amounts"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "toppings"), fields.end());
  RecipeBook many = SmallBook();
  for (int i = 0; many.ingredients.size() <= 500; ++i) {
    many.ingredients.push_back({"i" + std::to_string(i), "Thing", "g"});
  }
  EXPECT_EQ(FieldsOf(Validate(many)), (std::vector<std::string>{"ingredients"}));
  many.ingredients.pop_back();
  EXPECT_TRUE(Validate(many));
}

// The ids of the demo menu (src/services/menu/demo_menu.cpp).
const std::vector<std::string> kDemoPizzas = {"cheese_pizza", "margherita",     "pepperoni_pizza",
                                              "hawaiian",     "veggie_supreme", "meat_lovers",
                                              "bbq_chicken",  "four_cheese",    "spicy_diavola"};
const std::vector<std::pair<std::string, std::string>> kDemoOthers = {
    {"garlic_bread", "regular"}, {"chicken_wings", "regular"}, {"garden_salad", "regular"},
    {"cola", "bottle_20oz"},     {"cola", "bottle_2l"},        {"lemonade", "bottle_20oz"},
    {"lemonade", "bottle_2l"},   {"water", "regular"},         {"chocolate_chip_cookie", "regular"},
    {"brownie", "regular"}};
const std::vector<std::string> kDemoPizzaToppings = {"tomato_sauce",
                                                     "bbq_sauce",
                                                     "garlic_white_sauce",
                                                     "mozzarella",
                                                     "parmesan",
                                                     "gorgonzola",
                                                     "provolone",
                                                     "feta",
                                                     "pepperoni",
                                                     "italian_sausage",
                                                     "ham",
                                                     "bacon",
                                                     "ground_beef",
                                                     "grilled_chicken",
                                                     "spicy_salami",
                                                     "mushrooms",
                                                     "green_peppers",
                                                     "red_onions",
                                                     "black_olives",
                                                     "pineapple",
                                                     "jalapenos",
                                                     "tomatoes",
                                                     "spinach",
                                                     "fresh_basil"};
const std::vector<std::string> kDemoDips = {"ranch_dip", "blue_cheese_dip", "marinara_dip"};
const std::vector<std::string> kPizzaSizes = {"small", "medium", "large"};

bool HasRecipe(const std::vector<Recipe>& recipes, const std::string& item,
               const std::string& size) {
  return std::any_of(recipes.begin(), recipes.end(), [&](const Recipe& r) {
    return r.item_id == item && (r.size_id == size || r.size_id.empty()) && !r.amounts.empty();
  });
}

TEST(DemoRecipeBook, IsValidAndCoversTheDemoMenu) {
  const RecipeBook b = DemoRecipeBook();
  const auto status = Validate(b);
  ASSERT_TRUE(status) << FieldsOf(status).front();
  for (const auto& pizza : kDemoPizzas) {
    for (const auto& size : kPizzaSizes)
      EXPECT_TRUE(HasRecipe(b.products, pizza, size)) << pizza << size;
  }
  for (const auto& [product, size] : kDemoOthers) {
    EXPECT_TRUE(HasRecipe(b.products, product, size)) << product << " " << size;
  }
  for (const auto& size : kPizzaSizes) {
    EXPECT_TRUE(HasRecipe(b.crusts, "hand_tossed", size)) << size;
    EXPECT_TRUE(HasRecipe(b.crusts, "thin", size)) << size;
    for (const auto& t : kDemoPizzaToppings)
      EXPECT_TRUE(HasRecipe(b.toppings, t, size)) << t << size;
  }
  EXPECT_TRUE(HasRecipe(b.crusts, "stuffed", "medium"));
  EXPECT_TRUE(HasRecipe(b.crusts, "stuffed", "large"));
  for (const auto& dip : kDemoDips) EXPECT_TRUE(HasRecipe(b.toppings, dip, "regular")) << dip;
}

TEST(DemoRecipeBook, AMeatLoversLargeConsumesWhatAPizzaMakerWouldUse) {
  const RecipeBook b = DemoRecipeBook();
  const MadeItem item{"meat_lovers",
                      "large",
                      "stuffed",
                      {{"mozzarella", "whole", "normal"},
                       {"tomato_sauce", "whole", "normal"},
                       {"pepperoni", "whole", "extra"},
                       {"bacon", "left", "normal"}}};
  const auto used = Consumption(b, item);
  EXPECT_DOUBLE_EQ(used.at("mozzarella"), 220);  // the cheese layer (the cheese group's default)
  EXPECT_DOUBLE_EQ(used.at("pizza_box"), 1);
  EXPECT_DOUBLE_EQ(used.at("dough_large"), 1);
  EXPECT_DOUBLE_EQ(used.at("string_cheese"), 10);
  EXPECT_DOUBLE_EQ(used.at("tomato_sauce"), 160);
  EXPECT_DOUBLE_EQ(used.at("pepperoni"), 85 * 1.5);
  EXPECT_DOUBLE_EQ(used.at("bacon"), 80 * 0.5);
  EXPECT_EQ(used.size(), 7u);
}

TEST(DemoStock, StocksEveryIngredientWithATenthAsThreshold) {
  const RecipeBook b = DemoRecipeBook();
  const auto stock = DemoStock(b);
  ASSERT_EQ(stock.size(), b.ingredients.size());
  std::map<std::string, double> levels;
  for (std::size_t i = 0; i < stock.size(); ++i) {
    EXPECT_EQ(stock[i].ingredient_id, b.ingredients[i].id);
    EXPECT_GT(stock[i].quantity, 0) << stock[i].ingredient_id;
    EXPECT_NEAR(stock[i].low_threshold, stock[i].quantity / 10, 1) << stock[i].ingredient_id;
    levels[stock[i].ingredient_id] = stock[i].quantity;
  }
  EXPECT_DOUBLE_EQ(levels.at("dough_large"), 120);
  // A full stock can make everything.
  EXPECT_TRUE(ShortItems(b, levels).empty());
  // A store-specific ingredient still gets a level.
  RecipeBook custom = b;
  custom.ingredients.push_back({"anchovies", "Anchovies", "g"});
  EXPECT_GT(DemoStock(custom).back().quantity, 0);
}

}  // namespace
}  // namespace vetahut::kitchen
