#pragma once
/// The engine's quote as the plain values of MenuClient: names resolved in the store's language,
/// the kitchen's routing facts (category, kind) on each item.
#include <string>

#include "services/menu/client.hpp"
#include "services/menu/domain/catalog.hpp"
#include "services/menu/domain/pricing.hpp"

namespace vetahut::menu {

/// `request` is what was priced (it holds what the engine does not: the toppings taken off).
PricedCart ToPricedCart(const Catalog& catalog, const QuoteRequest& request, const PriceQuote& quote,
                        std::string_view locale, std::string quote_json);

}  // namespace vetahut::menu
