// The admin form of a catalog (PUT /api/v1/menu/{market}/draft): menu::ParseCatalog and
// CatalogToJson must round-trip — parse(serialize(parse(x))) equals parse(x), compared by their
// deterministic serialization — and a catalog that parses renders its public store menu (the
// 98 KB document customers download) as valid JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>

#include "fuzz_check.hpp"
#include "services/menu/catalog_json.hpp"

using namespace vetahut;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::json::parse_options options;
  options.max_depth = 32;  // the draft route's limit
  boost::json::error_code ec;
  const boost::json::value body = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, options);
  if (ec) return 0;

  auto first = menu::ParseCatalog(body);
  if (!first) {
    const auto code = first.error().code;
    FUZZ_CHECK(code == core::ErrorCode::kBadRequest || code == core::ErrorCode::kValidation,
               "a bad catalog is 400 or 422");
    return 0;
  }
  const std::string serialized = menu::CatalogToJson(*first);
  const boost::json::value reparsed = boost::json::parse(serialized, ec, {}, options);
  FUZZ_CHECK(!ec, "a serialized catalog is valid JSON within the depth limit");
  auto second = menu::ParseCatalog(reparsed);
  if (!second) {
    for (const auto& f : second.error().fields)
      std::fprintf(stderr, "  %s: %s\n", f.field.c_str(), f.message.c_str());
  }
  FUZZ_CHECK(second.has_value(), "a serialized catalog parses back");
  FUZZ_CHECK(menu::CatalogToJson(*second) == serialized, "parse(serialize(c)) == c");

  auto currency = core::Currency::Find(first->currency);
  if (!currency) return 0;
  menu::StoreMenuContext store{.currency = *currency};
  for (std::string_view locale : {"en", "es"}) {
    const std::string public_menu = menu::PublicMenuJson(*first, store, locale, {2, 18 * 60}, "v1");
    (void)boost::json::parse(public_menu, ec);
    FUZZ_CHECK(!ec, "the public menu is valid JSON");
  }
  return 0;
}
