#pragma once
/// What one store adds to the catalog when it prices: currency, locale, taxes, its own prices
/// and what it has run out of (the "86" list).
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"
#include "lib/core/money.hpp"
#include "services/menu/domain/catalog.hpp"

namespace vetahut::menu {

/// How menu prices relate to tax.
enum class TaxMode {
  kExclusive,  ///< US sales tax: prices are net, tax is added on top
  kInclusive,  ///< EU VAT: prices are gross, the tax they contain is reported, not added
};

/// Why an item is off the menu at this store, and until when.
struct Unavailability {
  std::string reason;                    ///< "out of dough", shown to staff
  std::optional<core::TimePoint> until;  ///< UTC; nullopt = until switched back on
};

/// A store's view of the menu. Construct with designated initializers: `{.currency = usd}`.
struct StoreMenuContext {
  core::Currency currency;    ///< must be the catalog's currency
  std::string locale = "en";  ///< texts in quotes and reasons
  TaxMode tax_mode = TaxMode::kExclusive;
  /// Tax rate per tax category in 1/1000 % (8'875 = 8.875 %); a category missing is an error.
  std::map<std::string, std::int64_t, std::less<>> tax_rates;
  /// Store price of a product size: product_prices[product_id][size_id].
  std::map<std::string, std::map<std::string, MinorUnits, std::less<>>, std::less<>> product_prices;
  /// Store price of a topping per size: topping_prices[topping_id][size_id].
  std::map<std::string, std::map<std::string, MinorUnits, std::less<>>, std::less<>> topping_prices;
  /// The 86 list: product, topping, crust or deal ids that cannot be ordered now.
  std::map<std::string, Unavailability, std::less<>> unavailable;
};

/// True if `id` is on the 86 list and its until-time (if any) is after `now`.
bool IsEightySixed(const StoreMenuContext& store, std::string_view id, core::TimePoint now);

}  // namespace vetahut::menu
