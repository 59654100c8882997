// A cart as POST /api/v1/quotes and POST /api/v1/orders take it: the JSON body (the routes'
// limits) → menu::ParseQuoteRequest → priced against the demo catalog by menu::Quote, as
// MenuService::PriceCart does → QuoteToJson. Bad input must come back as a 400/422 naming fields,
// never as an exception (a 500 on the route) or a crash; a price is never negative.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>

#include "fuzz_check.hpp"
#include "services/menu/catalog_json.hpp"

namespace {

using namespace vetahut;

const menu::Catalog& DemoCatalog() {
  static const menu::Catalog catalog = [] {
    auto parsed = menu::ParseCatalog(boost::json::parse(menu::DemoMenuJson()));
    FUZZ_CHECK(parsed.has_value(), "the demo menu parses");
    return std::move(*parsed);
  }();
  return catalog;
}

menu::StoreMenuContext Store() {
  menu::StoreMenuContext store{.currency = *core::Currency::Find("USD")};
  store.locale = "en";
  store.tax_mode = menu::TaxMode::kExclusive;
  store.tax_rates = {{"food", 8'875}, {"beverage", 8'875}};
  return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;  // the routes' max_bytes
  static const menu::StoreMenuContext store = Store();
  boost::json::parse_options options;
  options.max_depth = 16;  // the routes' max_depth
  boost::json::error_code ec;
  const boost::json::value body = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, options);
  if (ec) return 0;

  auto request = menu::ParseQuoteRequest(body, store.currency);
  if (!request) {
    const auto code = request.error().code;
    FUZZ_CHECK(code == core::ErrorCode::kBadRequest || code == core::ErrorCode::kValidation,
               "a bad cart is 400 or 422");
    for (const auto& f : request.error().fields)
      FUZZ_CHECK(!f.field.empty() && !f.message.empty(), "field errors name the field");
    return 0;
  }
  for (const auto& line : request->items)
    FUZZ_CHECK(line.quantity >= 1 && line.quantity <= 999, "quantities are 1..999");

  request->now =
      core::TimePoint(std::chrono::seconds(1'773'342'000));  // a Wednesday, 19:00 in New York
  request->local_time = {3, 19 * 60};
  if (size % 2 == 1) request->delivery_fee = core::Money(299, store.currency);
  auto quote =
      menu::Quote(DemoCatalog(), store, *request);  // an exception here is a 500 on the route
  if (!quote) {
    const std::size_t items = body.is_object() && body.as_object().if_contains("items") &&
                                      body.as_object().at("items").is_array()
                                  ? body.as_object().at("items").as_array().size()
                                  : 0;
    for (const auto& f : quote.error().fields) {
      FUZZ_CHECK(!menu::ClientQuoteField(f.field, items).empty(),
                 "pricing errors name a field of the body");
    }
    return 0;
  }
  FUZZ_CHECK(quote->total.amount() >= 0, "a total is never negative");
  FUZZ_CHECK(quote->subtotal.amount() >= 0, "a subtotal is never negative");
  const std::string json = menu::QuoteToJson(DemoCatalog(), *quote, size % 3 == 0 ? "es" : "en");
  (void)boost::json::parse(json, ec);
  FUZZ_CHECK(!ec, "a quote is valid JSON");
  return 0;
}
