#pragma once
/// JSON forms of the menu domain (snake_case, as in shared/API.md):
/// - the admin form of a catalog (PUT/GET /api/v1/menu/draft): a faithful, lossless mirror of
///   `Catalog`; field names are the struct's, so `ValidateCatalog`'s field paths
///   (`products[3].sizes[1].price`) are also paths into the body the client sent. Catalog prices
///   are plain integers in minor units of `currency` (the catalog has one currency); texts are
///   objects keyed by locale ({"en": "Pepperoni", "es": "Pepperoni"}); dayparts are
///   {"windows": [{"weekday": 1, "start_minute": 660, "end_minute": 900}]}.
/// - the public store menu (GET /api/v1/stores/{id}/menu?locale=): resolved for one store and
///   locale, money as {"amount", "currency"}, deterministic bytes (it is cached with an ETag).
/// - a cart as POST /api/v1/quotes takes it, and the priced quote.
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"
#include "lib/core/money.hpp"
#include "lib/core/result.hpp"
#include "services/menu/domain/catalog.hpp"
#include "services/menu/domain/pricing.hpp"
#include "services/menu/domain/store_context.hpp"

namespace vetahut::menu {

/// The admin form of a catalog (what PUT /api/v1/menu/draft takes and GET returns). Every wrong
/// type, unknown field, missing field is a field error ("products[3].sizes[1].price": "must be an
/// integer amount in minor units"); then ValidateCatalog adds the semantic errors (unknown
/// references, min > max, negative prices, missing translations) except those under a field that
/// already has a structural error. Returns kValidation with ALL field errors, or kBadRequest if
/// the body is not an object. The catalog returned is indexed (`BuildIndex()` called).
core::Result<Catalog> ParseCatalog(const boost::json::value& body);

/// The same form back (ParseCatalog(parse(CatalogToJson(c))) == c for every field). Every field
/// is written (optional ones that are unset are omitted), in a fixed order: deterministic bytes.
std::string CatalogToJson(const Catalog& catalog);

/// What a store's customers see: categories (by sort_order) with their products and deals in
/// catalog order, every customer-visible string resolved to `locale` (falling back to the
/// catalog's fallback locale), prices after the store's overrides as money objects in the store
/// currency, sizes with calories and allergens, crusts with upcharges per size, topping prices
/// per size, modifier groups with min/max/defaults, default toppings, deals with slots and
/// upcharges, automatic (non-coupon) promotions, loyalty rewards ({id, name, points, amount_off,
/// minimum_subtotal} with money objects), and each item's availability at `local_now`:
/// `"available": false, "reason_code": "sold_out", "reason": "Sold out"` for 86'd items,
/// `"reason_code": "not_available_now"` plus `"available_from": {"day", "time"}` for items
/// outside their daypart. Same inputs → byte-identical JSON.
///
/// `now` (UTC), when given, lets 86 entries whose until-time has passed count as available
/// again; without it every 86 entry counts (the snapshot is rebuilt when availability changes).
/// `generated_at` (RFC 3339), when not empty, is written as is.
std::string PublicMenuJson(const Catalog& catalog, const StoreMenuContext& store,
                           std::string_view locale, const LocalTime& local_now,
                           std::string_view version_id,
                           std::optional<core::TimePoint> now = std::nullopt,
                           std::string_view generated_at = {});

/// A cart as POST /api/v1/quotes takes it: `items` [{product_id, size, crust, toppings:
/// [{topping_id, portion: whole|left|right, amount: light|normal|extra}], removed_toppings:
/// [topping ids], quantity, notes}], `deals` [{deal_id, quantity, items: [{slot, product_id,
/// size, crust, toppings, removed_toppings}]}], `coupon_code`, `reward_id` (a loyalty reward to
/// redeem), `tip` {amount, currency}. Field
/// errors name what the client sent ("items[2].toppings[0].portion": "must be whole, left or
/// right"). Client-sent prices and fields this parser does not know (store_id, type, address …,
/// read by the order service) are never read. Lines are the items, then the deals.
core::Result<QuoteRequest> ParseQuoteRequest(const boost::json::value& body,
                                             const core::Currency& currency);

/// Renames a field of a `Quote` error (`items[5].deal_items[1].size_id`) to the field of the
/// body ParseQuoteRequest read (`deals[1].items[1].size`) — `item_count` is the number of
/// entries of the body's `items`.
std::string ClientQuoteField(std::string_view engine_field, std::size_t item_count);

/// A PriceQuote as JSON for the API: lines with breakdown, discounts with promotion ids and
/// localized names (a redeemed reward is a discount of kind "reward"), tax lines, delivery fee,
/// tip, total, rejected_coupon {code, message}, reward {id, points, amount} when one was redeemed.
std::string QuoteToJson(const Catalog& catalog, const PriceQuote& quote, std::string_view locale);

/// The demo menu in the admin form (see demo_menu.cpp): loaded by `--demo`.
std::string_view DemoMenuJson();

}  // namespace vetahut::menu
