#pragma once
/// A store's kitchen setup and the chain's recipe book as JSON (GET/PUT
/// /api/v1/stores/{store_id}/kitchen/setup, GET/PUT /api/v1/kitchen/recipes, and their rows in
/// the database). Parsing names every bad field and then applies the domain's Validate.
#include <string>

#include <boost/json/fwd.hpp>

#include "lib/core/result.hpp"
#include "services/kitchen/domain/inventory.hpp"
#include "services/kitchen/domain/setup.hpp"

namespace vetahut::kitchen {

std::string SetupToJson(const KitchenSetup& setup);
core::Result<KitchenSetup> ParseSetup(const boost::json::value& body);
core::Result<KitchenSetup> ParseSetupText(const std::string& json);

std::string RecipeBookToJson(const RecipeBook& book);
core::Result<RecipeBook> ParseRecipeBook(const boost::json::value& body);
core::Result<RecipeBook> ParseRecipeBookText(const std::string& json);

}  // namespace vetahut::kitchen
