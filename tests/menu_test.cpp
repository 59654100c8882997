// End-to-end menu and quotes through the real `vetahut serve --demo` (SQLite or PostgreSQL): the
// store menu with ETag/304 and gzip in English and Spanish, field-level 422s on a bad draft that
// change nothing, the store-scoped 86 switch, and exact quotes with halves, a deal and a coupon.
#include "serve_process.hpp"

namespace {

using namespace vetahut::testing;
namespace json = boost::json;
using vetahut::http::Header;
using vetahut::http::Method;

class MenuE2E : public PlatformTest {
 protected:
  std::string StoreId(const std::string& url, const std::string& name) {
    const json::value stores = json::parse(client_.Get(url + "/api/v1/stores?limit=10")->body);
    for (const auto& s : stores.at("items").as_array()) {
      if (s.at("name").as_string() == name) return std::string(s.at("id").as_string());
    }
    return "";
  }
  std::int64_t Amount(const json::value& v, std::string_view key) { return v.at(key).at("amount").as_int64(); }
  /// Quotes judge the store as placement does (closed → 422), so quote tests run at any hour on
  /// a store that is open around the clock for the services it offers.
  void OpenAroundTheClock(const std::string& url, const std::string& store) {
    std::string week;
    for (const char* day : {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}) {
      week += std::string(week.empty() ? "" : ",") + R"({"day": ")" + day + R"(", "open": "00:00", "close": "24:00"})";
    }
    std::string hours;
    const json::value info = json::parse(client_.Get(url + "/api/v1/stores/" + store)->body);
    for (const auto& service : info.at("services").as_array()) {
      hours += std::string(hours.empty() ? "" : ",") + "\"" + std::string(service.as_string()) + R"(": {"weekly": [)" + week + "]}";
    }
    auto r = client_.Send(Method::kPut, url + "/api/v1/stores/" + store + "/hours", Admin(url), "{" + hours + "}");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }
};

TEST_F(MenuE2E, TheStoreMenuIsCachedWithETagsInBothLocales) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  const std::string midtown = StoreId(url, "Veta Hut Midtown");
  const std::string menu = url + "/api/v1/stores/" + midtown + "/menu";

  auto en = client_.Get(menu + "?locale=en");
  ASSERT_TRUE(en);
  ASSERT_EQ(en->status, 200) << en->body;
  const std::string etag(en->Header("etag").value_or(""));
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(etag.front(), '"');  // strong
  EXPECT_NE(en->body.find("Margherita"), std::string::npos);
  auto not_modified = client_.Get(menu + "?locale=en", {{"If-None-Match", etag}});
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_TRUE(not_modified->body.empty());

  auto es = client_.Get(menu + "?locale=es");
  ASSERT_TRUE(es);
  EXPECT_NE(es->body.find("Margarita"), std::string::npos);
  EXPECT_NE(std::string(es->Header("etag").value_or("")), etag);
  EXPECT_EQ(client_.Get(menu + "?locale=es", {{"If-None-Match", std::string(es->Header("etag").value_or(""))}})->status, 304);

  auto gz = client_.Get(menu + "?locale=en", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->Header("content-encoding").value_or(""), "gzip");
  ASSERT_GE(gz->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz->body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz->body[1]), 0x8b);
  EXPECT_LT(gz->body.size(), en->body.size() / 3);
  EXPECT_EQ(std::string(gz->Header("etag").value_or("")), etag);

  auto berlin = client_.Get(url + "/api/v1/stores/" + StoreId(url, "Veta Hut Kreuzberg") + "/menu");
  ASSERT_TRUE(berlin);
  EXPECT_NE(berlin->body.find("\"EUR\""), std::string::npos);
  ExpectProblem(*client_.Get(url + "/api/v1/stores/str_nope/menu"), 404);
}

TEST_F(MenuE2E, ABadDraftGetsFieldErrorsAndChangesNothing) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  const std::string menu = url + "/api/v1/stores/" + StoreId(url, "Veta Hut Midtown") + "/menu?locale=en";
  const std::string before(client_.Get(menu)->Header("etag").value_or(""));
  auto bad = client_.Send(Method::kPut, url + "/api/v1/menu/USD/draft", Admin(url),
                          R"({"currency": "USD", "fallback_locale": "en", "required_locales": ["en", "es"],
                              "categories": [{"id": "pizzas", "name": {"en": "Pizzas"}, "sort_order": 1}],
                              "sizes": [{"id": "small", "name": {"en": "Small", "es": "Pequeña"}, "sort_order": 1}],
                              "crusts": [], "toppings": [], "deals": [], "promotions": [],
                              "modifier_groups": [{"id": "g", "name": {"en": "G", "es": "G"}, "min": 3, "max": 1, "option_ids": []}],
                              "products": [{"id": "p", "category_id": "nope", "kind": "pizza", "name": {"en": "P", "es": "P"},
                                            "tax_category": "food", "sizes": [{"size_id": "small", "price": -100}]}]})");
  ASSERT_TRUE(bad);
  ExpectProblem(*bad, 422);
  for (const char* field : {"categories[0].name", "modifier_groups[0]", "products[0].category_id", "products[0].sizes[0].price"}) {
    EXPECT_NE(bad->body.find(std::string("\"field\":\"") + field), std::string::npos) << field << " in " << bad->body;
  }
  ExpectProblem(*client_.Get(url + "/api/v1/menu/USD/draft", Admin(url)), 404);  // nothing saved
  EXPECT_EQ(std::string(client_.Get(menu)->Header("etag").value_or("")), before);
  auto anonymous = client_.Send(Method::kPut, url + "/api/v1/menu/USD/draft", {{"Content-Type", "application/json"}}, "{}");
  ASSERT_TRUE(anonymous);
  ExpectProblem(*anonymous, 401);
}

TEST_F(MenuE2E, TheStoreManager86sItemsAtTheirOwnStoreOnly) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  const std::string midtown = StoreId(url, "Veta Hut Midtown");
  const std::string brooklyn = StoreId(url, "Veta Hut Brooklyn Heights");
  const std::string token = TokenFor(url, "manager@demo.vetahut.test", "demo-manager-password");
  const std::vector<Header> manager = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  const std::string menu = url + "/api/v1/stores/" + midtown + "/menu?locale=en";
  const std::string before(client_.Get(menu)->Header("etag").value_or(""));

  auto off = client_.Send(Method::kPut, url + "/api/v1/stores/" + midtown + "/availability/pepperoni", manager,
                          R"({"available": false, "reason": "delivery late"})");
  ASSERT_TRUE(off);
  EXPECT_EQ(off->status, 204) << off->body;
  auto other = client_.Send(Method::kPut, url + "/api/v1/stores/" + brooklyn + "/availability/pepperoni", manager,
                            R"({"available": false, "reason": "sabotage"})");
  ASSERT_TRUE(other);
  ExpectProblem(*other, 403);
  auto unknown = client_.Send(Method::kPut, url + "/api/v1/stores/" + midtown + "/availability/unicorn", manager,
                              R"({"available": false, "reason": "x"})");
  ASSERT_TRUE(unknown);
  ExpectProblem(*unknown, 404);
  EXPECT_NE(std::string(client_.Get(menu)->Header("etag").value_or("")), before);

  OpenAroundTheClock(url, midtown);
  auto quote = client_.Post(url + "/api/v1/quotes", R"({"store_id": ")" + midtown + R"(", "type": "carryout",
      "items": [{"product_id": "cheese_pizza", "size": "large", "quantity": 1,
                 "toppings": [{"topping_id": "pepperoni", "portion": "whole", "amount": "normal"}]}]})",
                            {{"Content-Type", "application/json"}});
  ASSERT_TRUE(quote);
  ExpectProblem(*quote, 422);
  EXPECT_NE(quote->body.find("items[0].toppings[0]"), std::string::npos) << quote->body;
}

TEST_F(MenuE2E, QuotesAreExactForHalvesDealsCouponsAndDelivery) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  const std::string midtown = StoreId(url, "Veta Hut Midtown");
  OpenAroundTheClock(url, midtown);
  // A large half-and-half pizza and a medium cheese pizza (not two larges: on Tuesdays an automatic
  // two-large bundle would win over the coupon), delivered to Grand Central (Midtown core zone,
  // fee 2.99), with PIZZA20 and a tip; a price sent by the client is ignored.
  auto r = client_.Post(url + "/api/v1/quotes", R"({"store_id": ")" + midtown + R"(", "type": "delivery",
      "address": {"latitude": 40.7527, "longitude": -73.9772}, "coupon_code": "pizza20",
      "tip": {"amount": 300, "currency": "USD"},
      "items": [{"product_id": "cheese_pizza", "size": "large", "quantity": 1, "price": 1,
                 "toppings": [{"topping_id": "pepperoni", "portion": "left", "amount": "normal"},
                              {"topping_id": "mushrooms", "portion": "right", "amount": "extra"}]},
                {"product_id": "cheese_pizza", "size": "medium", "quantity": 1}]})",
                        {{"Content-Type", "application/json"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json::value q = json::parse(r->body);
  const std::int64_t subtotal = Amount(q, "subtotal");
  const std::int64_t discount = Amount(q, "discount_total");
  const std::int64_t tax = Amount(q, "tax_total");
  EXPECT_GT(subtotal, 1499 + 1299);  // the halves cost something on top of the two cheese pizzas
  EXPECT_EQ(discount, (subtotal * 20 + 50) / 100) << r->body;                // 20 % half-up
  EXPECT_EQ(tax, ((subtotal - discount) * 8875 + 50000) / 100000) << r->body;  // 8.875 % half-up
  EXPECT_EQ(Amount(q, "delivery_fee"), 299);
  EXPECT_EQ(Amount(q, "tip"), 300);
  EXPECT_EQ(Amount(q, "total"), subtotal - discount + tax + 299 + 300);
  EXPECT_FALSE(q.as_object().contains("rejected_coupon")) << r->body;

  // The deal: 2 medium pizzas (one half-and-half, one premium) + a side, one topping included.
  auto deal = client_.Post(url + "/api/v1/quotes", R"({"store_id": ")" + midtown + R"(", "type": "carryout",
      "deals": [{"deal_id": "two_medium_side", "quantity": 1, "items": [
        {"slot": 0, "product_id": "cheese_pizza", "size": "medium",
         "toppings": [{"topping_id": "pepperoni", "portion": "left"}, {"topping_id": "mushrooms", "portion": "right"}]},
        {"slot": 0, "product_id": "margherita", "size": "medium"},
        {"slot": 1, "product_id": "garlic_bread", "size": "regular"}]}]})",
                           {{"Content-Type", "application/json"}});
  ASSERT_TRUE(deal);
  ASSERT_EQ(deal->status, 200) << deal->body;
  const json::value d = json::parse(deal->body);
  EXPECT_EQ(Amount(d, "subtotal"), 2499 + 300) << deal->body;  // two halves = the one included topping

  // Outside every zone: a 422 naming the address.
  auto far = client_.Post(url + "/api/v1/quotes", R"({"store_id": ")" + midtown + R"(", "type": "delivery",
      "address": {"latitude": 40.6413, "longitude": -73.7781}, "items": [{"product_id": "cheese_pizza", "size": "small", "quantity": 1}]})",
                          {{"Content-Type", "application/json"}});
  ASSERT_TRUE(far);
  ExpectProblem(*far, 422);
  EXPECT_NE(far->body.find("\"field\":\"address\""), std::string::npos);
}

}  // namespace
