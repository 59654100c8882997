#pragma once
/// Ingredients, recipes and stock as pure data: what one item consumes, when stock is low, and
/// which menu items the stock can no longer make (auto-86). No I/O.
///
/// Amounts are in the ingredient's unit (g, ml, each). A pizza consumes its product's base recipe
/// for its size (dough ball, sauce, cheese…), its crust's recipe for the size, and each topping's
/// recipe for the size — a whole pizza at normal amount — scaled by the portion (a half is
/// `half_factor`) and the amount (light `light_factor`, extra `extra_factor`). A recipe row with
/// size "" applies to every size without a row of its own.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::kitchen {

struct Ingredient {
  std::string id;    ///< "dough_ball_large", "mozzarella"
  std::string name;  ///< "Mozzarella"
  std::string unit;  ///< g | ml | each
};

struct RecipeAmount {
  std::string ingredient_id;
  double quantity = 0;  ///< in the ingredient's unit, > 0
};

/// What `item_id` (a product, crust or topping of the menu) takes at one size.
struct Recipe {
  std::string item_id;
  std::string size_id;  ///< "" = any size without its own row
  std::vector<RecipeAmount> amounts;
};

struct RecipeBook {
  std::vector<Ingredient> ingredients;
  std::vector<Recipe> products;
  std::vector<Recipe> crusts;
  std::vector<Recipe> toppings;
  double half_factor = 0.5;
  double light_factor = 0.5;
  double extra_factor = 1.5;

  const Ingredient* FindIngredient(std::string_view id) const;
};

/// A topping as made on one item.
struct MadeTopping {
  std::string topping_id;
  std::string portion;  ///< whole | left | right
  std::string amount;   ///< light | normal | extra
};

/// One unit of an item as the kitchen makes it.
struct MadeItem {
  std::string product_id;
  std::string size_id;
  std::string crust_id;  ///< "" for products without crusts
  std::vector<MadeTopping> toppings;
};

/// Ingredient id → quantity one unit of `item` consumes. Items, crusts and toppings without a
/// recipe consume nothing (a drink the store does not count).
std::map<std::string, double> Consumption(const RecipeBook& book, const MadeItem& item);

/// Adds `b` into `a`, times `factor`.
void AddInto(std::map<std::string, double>& a, const std::map<std::string, double>& b, double factor = 1);

/// A menu item the stock can no longer make, and the ingredient that is short.
struct ShortItem {
  std::string item_id;
  std::string ingredient_id;
};

/// The products, crusts and toppings that `stock` cannot make once more: each when none of its
/// recipe rows (sizes; a "" row counts as one) can be made once — for a product its base recipe,
/// for a crust or topping a normal whole portion. The ingredient named is the first short one
/// (by id) of the row needing the least in all. An ingredient missing from `stock` is not
/// counted by the store and never short. Sorted by item id, one entry per id.
std::vector<ShortItem> ShortItems(const RecipeBook& book, const std::map<std::string, double>& stock);

/// Checks a recipe book an admin sends: ingredient ids unique, units g/ml/each, every amount
/// names a known ingredient with a quantity in (0, 100000], factors in (0, 10]. kValidation
/// naming fields (`toppings[3].amounts[0].ingredient_id`).
core::Status Validate(const RecipeBook& book);

/// The demo menu's recipe book: dough balls per size, sauces, cheeses, every topping, sides,
/// drinks and desserts (by the each).
RecipeBook DemoRecipeBook();

/// A store's opening stock for the demo book: a busy evening's worth of each ingredient, with a
/// low-stock threshold at about a tenth of it.
struct StockLevel {
  std::string ingredient_id;
  double quantity = 0;
  double low_threshold = 0;
};
std::vector<StockLevel> DemoStock(const RecipeBook& book);

}  // namespace vetahut::kitchen
