#include "services/kitchen/domain/inventory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "lib/core/text_rules.hpp"

namespace vetahut::kitchen {

namespace {

constexpr std::size_t kMaxIngredients = 500;
constexpr std::size_t kMaxRecipes = 2000;
constexpr std::size_t kMaxAmounts = 30;
constexpr std::size_t kMaxIdChars = 60;
constexpr double kMaxQuantity = 100000;
constexpr double kMaxFactor = 10;

bool IsId(std::string_view s) {
  return !s.empty() && s.size() <= kMaxIdChars && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

/// The recipe of `item_id` at `size_id`: its own row, else its "" row, else none.
const Recipe* FindRecipe(const std::vector<Recipe>& recipes, std::string_view item_id,
                         std::string_view size_id) {
  const Recipe* any_size = nullptr;
  for (const Recipe& r : recipes) {
    if (r.item_id != item_id) continue;
    if (r.size_id == size_id) return &r;
    if (r.size_id.empty() && any_size == nullptr) any_size = &r;
  }
  return any_size;
}

void AddRecipe(std::map<std::string, double>& into, const Recipe* recipe, double factor) {
  if (recipe == nullptr) return;
  for (const RecipeAmount& a : recipe->amounts) into[a.ingredient_id] += a.quantity * factor;
}

double PortionFactor(const RecipeBook& book, std::string_view portion) {
  return portion == "left" || portion == "right" ? book.half_factor : 1.0;
}

double AmountFactor(const RecipeBook& book, std::string_view amount) {
  if (amount == "light") return book.light_factor;
  if (amount == "extra") return book.extra_factor;
  return 1.0;
}

/// The ingredients of `recipe` that `stock` cannot cover once more, by id.
std::vector<std::string> ShortOf(const Recipe& recipe, const std::map<std::string, double>& stock) {
  std::vector<std::string> out;
  for (const RecipeAmount& a : recipe.amounts) {
    const auto it = stock.find(a.ingredient_id);
    if (it != stock.end() && a.quantity > it->second) out.push_back(a.ingredient_id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

double Total(const Recipe& recipe) {
  double sum = 0;
  for (const RecipeAmount& a : recipe.amounts) sum += a.quantity;
  return sum;
}

/// Adds an entry for every item of `recipes` none of whose rows (sizes) stock can make once
/// more. The ingredient named is the first short one of the smallest row (least in all), so a
/// manager reads the cause on the size that needs least.
void AddShort(std::vector<ShortItem>& out, const std::vector<Recipe>& recipes,
              const std::map<std::string, double>& stock) {
  std::map<std::string, std::vector<const Recipe*>> by_item;
  for (const Recipe& r : recipes) by_item[r.item_id].push_back(&r);
  for (const auto& [item_id, rows] : by_item) {
    const Recipe* cheapest = nullptr;
    std::string ingredient;
    bool makeable = false;
    for (const Recipe* row : rows) {
      const std::vector<std::string> short_of = ShortOf(*row, stock);
      if (short_of.empty()) {
        makeable = true;
        break;
      }
      if (cheapest == nullptr || std::make_tuple(Total(*row), row->size_id) <
                                     std::make_tuple(Total(*cheapest), cheapest->size_id)) {
        cheapest = row;
        ingredient = short_of.front();
      }
    }
    if (!makeable) out.push_back({item_id, ingredient});
  }
}

void CheckRecipes(core::FieldErrors& errors, const RecipeBook& book,
                  const std::vector<Recipe>& recipes, std::string_view list) {
  if (recipes.size() > kMaxRecipes) {
    errors.Add(std::string(list), fmt::format("at most {} recipes", kMaxRecipes));
  }
  for (std::size_t i = 0; i < recipes.size(); ++i) {
    const Recipe& r = recipes[i];
    const std::string at = fmt::format("{}[{}]", list, i);
    if (!IsId(r.item_id)) errors.Add(at + ".item_id", "must be 1 to 60 of a-z, 0-9, '_' and '-'");
    if (!r.size_id.empty() && !IsId(r.size_id)) {
      errors.Add(at + ".size_id", "must be empty (any size) or 1 to 60 of a-z, 0-9, '_' and '-'");
    }
    for (std::size_t k = 0; k < i; ++k) {
      if (recipes[k].item_id == r.item_id && recipes[k].size_id == r.size_id) {
        errors.Add(at, fmt::format("{}[{}] is already the recipe of '{}' in size '{}'", list, k,
                                   r.item_id, r.size_id));
        break;
      }
    }
    if (r.amounts.size() > kMaxAmounts) {
      errors.Add(at + ".amounts", fmt::format("at most {} ingredients", kMaxAmounts));
    }
    for (std::size_t j = 0; j < r.amounts.size(); ++j) {
      const RecipeAmount& a = r.amounts[j];
      const std::string field = fmt::format("{}.amounts[{}]", at, j);
      if (book.FindIngredient(a.ingredient_id) == nullptr) {
        errors.Add(field + ".ingredient_id",
                   fmt::format("'{}' is not an ingredient of the book", a.ingredient_id));
      } else {
        for (std::size_t k = 0; k < j; ++k) {
          if (r.amounts[k].ingredient_id == a.ingredient_id) {
            errors.Add(field + ".ingredient_id", fmt::format("is listed twice (amounts[{}])", k));
            break;
          }
        }
      }
      if (!std::isfinite(a.quantity) || a.quantity <= 0 || a.quantity > kMaxQuantity) {
        errors.Add(field + ".quantity", "must be more than 0 and at most 100000");
      }
    }
  }
}

void CheckFactor(core::FieldErrors& errors, const std::string& field, double value) {
  if (!std::isfinite(value) || value <= 0 || value > kMaxFactor) {
    errors.Add(field, "must be more than 0 and at most 10");
  }
}

}  // namespace

const Ingredient* RecipeBook::FindIngredient(std::string_view id) const {
  for (const Ingredient& i : ingredients) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

std::map<std::string, double> Consumption(const RecipeBook& book, const MadeItem& item) {
  std::map<std::string, double> out;
  AddRecipe(out, FindRecipe(book.products, item.product_id, item.size_id), 1);
  if (!item.crust_id.empty())
    AddRecipe(out, FindRecipe(book.crusts, item.crust_id, item.size_id), 1);
  for (const MadeTopping& t : item.toppings) {
    AddRecipe(out, FindRecipe(book.toppings, t.topping_id, item.size_id),
              PortionFactor(book, t.portion) * AmountFactor(book, t.amount));
  }
  return out;
}

void AddInto(std::map<std::string, double>& a, const std::map<std::string, double>& b,
             double factor) {
  for (const auto& [id, quantity] : b) a[id] += quantity * factor;
}

std::vector<ShortItem> ShortItems(const RecipeBook& book,
                                  const std::map<std::string, double>& stock) {
  std::vector<ShortItem> out;
  AddShort(out, book.products, stock);
  AddShort(out, book.crusts, stock);
  AddShort(out, book.toppings, stock);
  // One entry per id (a product and a topping may share one): the product's, then the crust's.
  std::stable_sort(out.begin(), out.end(),
                   [](const ShortItem& a, const ShortItem& b) { return a.item_id < b.item_id; });
  out.erase(
      std::unique(out.begin(), out.end(),
                  [](const ShortItem& a, const ShortItem& b) { return a.item_id == b.item_id; }),
      out.end());
  return out;
}

core::Status Validate(const RecipeBook& book) {
  core::FieldErrors errors;
  if (book.ingredients.size() > kMaxIngredients) {
    errors.Add("ingredients", fmt::format("at most {} ingredients", kMaxIngredients));
  }
  for (std::size_t i = 0; i < book.ingredients.size(); ++i) {
    const Ingredient& ing = book.ingredients[i];
    const std::string at = fmt::format("ingredients[{}]", i);
    if (!IsId(ing.id)) {
      errors.Add(at + ".id", "must be 1 to 60 of a-z, 0-9, '_' and '-'");
    } else {
      for (std::size_t k = 0; k < i; ++k) {
        if (book.ingredients[k].id == ing.id) {
          errors.Add(at + ".id",
                     fmt::format("'{}' is already the id of ingredients[{}]", ing.id, k));
          break;
        }
      }
    }
    core::CleanText(at + ".name", ing.name, {.max_chars = 80}, errors);
    if (ing.unit != "g" && ing.unit != "ml" && ing.unit != "each") {
      errors.Add(at + ".unit", "must be g, ml or each");
    }
  }
  CheckRecipes(errors, book, book.products, "products");
  CheckRecipes(errors, book, book.crusts, "crusts");
  CheckRecipes(errors, book, book.toppings, "toppings");
  CheckFactor(errors, "half_factor", book.half_factor);
  CheckFactor(errors, "light_factor", book.light_factor);
  CheckFactor(errors, "extra_factor", book.extra_factor);
  if (!errors.empty()) return core::Fail(errors.ToError());
  return core::Ok();
}

namespace {

/// One ingredient of the demo book with a busy evening's stock of it.
struct DemoIngredient {
  const char* id;
  const char* name;
  const char* unit;
  double evening;
};

// About 150 pizzas, 60 sides, 100 drinks and 60 desserts on a Friday night.
constexpr DemoIngredient kDemoIngredients[] = {
    {"dough_small", "Dough ball 10\"", "each", 120},
    {"dough_medium", "Dough ball 12\"", "each", 120},
    {"dough_large", "Dough ball 14\"", "each", 120},
    {"pizza_box", "Pizza box", "each", 360},
    {"string_cheese", "String cheese stick", "each", 800},
    {"mozzarella", "Mozzarella", "g", 40000},
    {"parmesan", "Parmesan", "g", 2000},
    {"gorgonzola", "Gorgonzola", "g", 2000},
    {"provolone", "Provolone", "g", 3000},
    {"feta", "Feta", "g", 2000},
    {"tomato_sauce", "Tomato sauce", "ml", 15000},
    {"bbq_sauce", "BBQ sauce", "ml", 4000},
    {"garlic_white_sauce", "Garlic white sauce", "ml", 3000},
    {"pepperoni", "Pepperoni", "g", 6000},
    {"italian_sausage", "Italian sausage", "g", 4000},
    {"ham", "Ham", "g", 4000},
    {"bacon", "Bacon", "g", 3000},
    {"ground_beef", "Ground beef", "g", 3000},
    {"grilled_chicken", "Grilled chicken", "g", 4000},
    {"spicy_salami", "Spicy salami", "g", 3000},
    {"mushrooms", "Mushrooms", "g", 4000},
    {"green_peppers", "Green peppers", "g", 3000},
    {"red_onions", "Red onions", "g", 3000},
    {"black_olives", "Black olives", "g", 2000},
    {"pineapple", "Pineapple", "g", 3000},
    {"jalapenos", "Jalapeños", "g", 1500},
    {"tomatoes", "Diced tomatoes", "g", 3000},
    {"spinach", "Spinach", "g", 1500},
    {"fresh_basil", "Fresh basil", "g", 300},
    {"ranch_dip_cup", "Ranch dip cup", "each", 150},
    {"blue_cheese_dip_cup", "Blue cheese dip cup", "each", 100},
    {"marinara_dip_cup", "Marinara dip cup", "each", 100},
    {"garlic_bread_loaf", "Garlic bread loaf", "each", 40},
    {"wings_8pc", "Chicken wings, 8 pieces", "each", 60},
    {"salad_kit", "Garden salad kit", "each", 30},
    {"cola_20oz", "Cola 20 oz", "each", 96},
    {"cola_2l", "Cola 2 l", "each", 36},
    {"lemonade_20oz", "Lemonade 20 oz", "each", 48},
    {"lemonade_2l", "Lemonade 2 l", "each", 24},
    {"water_500ml", "Water 500 ml", "each", 72},
    {"cookie", "Chocolate chip cookie", "each", 60},
    {"brownie", "Fudge brownie", "each", 48},
};

const char* const kPizzas[] = {"cheese_pizza", "margherita",     "pepperoni_pizza",
                               "hawaiian",     "veggie_supreme", "meat_lovers",
                               "bbq_chicken",  "four_cheese",    "spicy_diavola"};

/// A pizza topping: what a whole pizza takes at normal amount, small / medium / large.
struct DemoTopping {
  const char* id;
  double small;
  double medium;
  double large;
};

constexpr DemoTopping kToppings[] = {
    {"tomato_sauce", 90, 120, 160},        // ml
    {"bbq_sauce", 80, 110, 150},           // ml
    {"garlic_white_sauce", 80, 110, 150},  // ml
    {"mozzarella", 110, 160, 220},         // the cheese layer: the cheese group's default on every pizza
    {"parmesan", 20, 30, 40},
    {"gorgonzola", 40, 60, 80},
    {"provolone", 50, 70, 100},
    {"feta", 40, 60, 80},
    {"pepperoni", 40, 60, 85},
    {"italian_sausage", 60, 85, 115},
    {"ham", 50, 75, 100},
    {"bacon", 40, 60, 80},
    {"ground_beef", 60, 85, 115},
    {"grilled_chicken", 60, 85, 115},
    {"spicy_salami", 40, 60, 85},
    {"mushrooms", 40, 60, 80},
    {"green_peppers", 30, 45, 60},
    {"red_onions", 25, 35, 50},
    {"black_olives", 25, 35, 50},
    {"pineapple", 50, 70, 95},
    {"jalapenos", 20, 30, 40},
    {"tomatoes", 40, 60, 80},
    {"spinach", 20, 30, 40},
    {"fresh_basil", 3, 5, 7},
};

Recipe One(std::string item_id, std::string size_id, std::string ingredient_id, double quantity) {
  return Recipe{std::move(item_id), std::move(size_id), {{std::move(ingredient_id), quantity}}};
}

}  // namespace

RecipeBook DemoRecipeBook() {
  RecipeBook book;
  for (const DemoIngredient& i : kDemoIngredients)
    book.ingredients.push_back({i.id, i.name, i.unit});

  // A pizza itself takes its box. The dough ball is the crust's, and everything on it — sauce, the
  // cheese layer (mozzarella, the cheese group's default), the product's own toppings — reaches
  // the kitchen as the item's toppings, defaults included (a pizza ordered without cheese takes
  // none).
  for (const char* pizza : kPizzas) book.products.push_back(One(pizza, "", "pizza_box", 1));
  book.products.push_back(One("garlic_bread", "regular", "garlic_bread_loaf", 1));
  book.products.push_back(One("chicken_wings", "regular", "wings_8pc", 1));
  book.products.push_back(One("garden_salad", "regular", "salad_kit", 1));
  book.products.push_back(One("cola", "bottle_20oz", "cola_20oz", 1));
  book.products.push_back(One("cola", "bottle_2l", "cola_2l", 1));
  book.products.push_back(One("lemonade", "bottle_20oz", "lemonade_20oz", 1));
  book.products.push_back(One("lemonade", "bottle_2l", "lemonade_2l", 1));
  book.products.push_back(One("water", "regular", "water_500ml", 1));
  book.products.push_back(One("chocolate_chip_cookie", "regular", "cookie", 1));
  book.products.push_back(One("brownie", "regular", "brownie", 1));

  // Crusts: one dough ball of the size; thin is rolled from the same ball. Stuffed crust comes in
  // medium and large only (the menu has no small upcharge for it).
  for (const char* crust : {"hand_tossed", "thin"}) {
    book.crusts.push_back(One(crust, "small", "dough_small", 1));
    book.crusts.push_back(One(crust, "medium", "dough_medium", 1));
    book.crusts.push_back(One(crust, "large", "dough_large", 1));
  }
  book.crusts.push_back(Recipe{"stuffed", "medium", {{"dough_medium", 1}, {"string_cheese", 8}}});
  book.crusts.push_back(Recipe{"stuffed", "large", {{"dough_large", 1}, {"string_cheese", 10}}});

  for (const DemoTopping& t : kToppings) {
    book.toppings.push_back(One(t.id, "small", t.id, t.small));
    book.toppings.push_back(One(t.id, "medium", t.id, t.medium));
    book.toppings.push_back(One(t.id, "large", t.id, t.large));
  }
  // Dips go with sides (size "regular"): one cup each.
  book.toppings.push_back(One("ranch_dip", "regular", "ranch_dip_cup", 1));
  book.toppings.push_back(One("blue_cheese_dip", "regular", "blue_cheese_dip_cup", 1));
  book.toppings.push_back(One("marinara_dip", "regular", "marinara_dip_cup", 1));
  return book;
}

std::vector<StockLevel> DemoStock(const RecipeBook& book) {
  std::vector<StockLevel> out;
  out.reserve(book.ingredients.size());
  for (const Ingredient& ing : book.ingredients) {
    // An ingredient the demo table lacks (a store's own) gets a plain evening's worth by unit.
    double quantity = ing.unit == "each" ? 100 : 5000;
    for (const DemoIngredient& d : kDemoIngredients) {
      if (ing.id == d.id) quantity = d.evening;
    }
    out.push_back({ing.id, quantity, std::round(quantity / 10)});
  }
  return out;
}

}  // namespace vetahut::kitchen
