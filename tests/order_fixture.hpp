#pragma once
// The fixture of the ordering end-to-end tests: a 24/7 store in Chicago with a 3 km delivery
// zone, one-order slots, sales tax and its own manager, on `vetahut serve --demo`; the demo
// customer signed in; helpers to tokenize test cards and place, read and move orders.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lib/core/clock.hpp"
#include "serve_process.hpp"

namespace vetahut::testing {

namespace json = boost::json;
using vetahut::http::ClientResponse;
using vetahut::http::Header;
using vetahut::http::Method;

constexpr const char* kApproved = "4242424242424242";
constexpr const char* kDeclined = "4000000000000002";
constexpr const char* kInsufficient = "4000000000009995";
constexpr const char* kProcessingError = "4000000000000119";
constexpr const char* kNeedsAuthentication = "4000002500003155";

class OrderFixture : public PlatformTest {
 protected:
  /// Starts the server, creates a 24/7 store in Chicago with a 3 km zone, one-order slots and
  /// sales tax, a manager for it, and signs the demo customer in.
  std::string Boot(ServeProcess& serve) {
    url_ = serve.WaitForUrl();
    if (url_.empty()) return "";
    std::string body = StoreBody("Veta Hut Loop");
    const std::string services = R"(["delivery","carryout"])";
    body.replace(body.find(services), services.size(), R"(["delivery","carryout","dine_in"])");
    auto store = client_.Post(url_ + "/api/v1/stores", body, Admin(url_));
    EXPECT_EQ(store->status, 201) << store->body;
    store_ = std::string(json::parse(store->body).at("id").as_string());
    const std::string base = url_ + "/api/v1/stores/" + store_;
    std::string week;
    for (const char* day : {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}) {
      week += fmt::format(R"({}{{"day": "{}", "open": "00:00", "close": "24:00"}})", week.empty() ? "" : ",", day);
    }
    const std::string hours = fmt::format(R"({{"delivery": {{"weekly": [{0}]}}, "carryout": {{"weekly": [{0}]}},
                                             "dine_in": {{"weekly": [{0}]}}}})", week);
    hours_ = hours;
    Expect(client_.Send(Method::kPut, base + "/hours", Admin(url_), hours), 200);
    Expect(client_.Send(Method::kPut, base + "/zones", Admin(url_), R"({"zones": [{"name": "Loop 3 km",
        "fee": {"amount": 299, "currency": "USD"}, "minimum_order": {"amount": 1000, "currency": "USD"},
        "estimate_minutes": 30, "center": {"latitude": 41.8781, "longitude": -87.6359}, "radius_m": 3000}]})"), 200);
    Expect(client_.Send(Method::kPut, base + "/slot-rules", Admin(url_),
                        R"({"length_minutes": 15, "lead_time_minutes": 0, "capacity": 1})"), 200);
    Expect(client_.Send(Method::kPut, base + "/tax", Admin(url_), R"({"mode": "exclusive", "rates": {"food": 8875, "beverage": 8875}})"), 204);
    Expect(client_.Post(url_ + "/api/v1/admin/users", fmt::format(R"({{"email": "loop.manager@example.test",
        "password": "loop-manager-password", "name": "Loop Manager", "phone": "+13125550111",
        "roles": [{{"role": "store_manager", "store_id": "{}"}}]}})", store_), Admin(url_)), 201);
    manager_ = Bearer(TokenFor(url_, "loop.manager%40example.test", "loop-manager-password"));
    customer_ = Bearer(TokenFor(url_, "customer%40demo.vetahut.test", "demo-customer-password"));
    customer_id_ = std::string(json::parse(client_.Get(url_ + "/api/v1/me", customer_)->body).at("id").as_string());
    return url_;
  }

  static std::vector<Header> Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  }
  static std::vector<Header> With(std::vector<Header> headers, std::string name, std::string value) {
    headers.push_back({std::move(name), std::move(value)});
    return headers;
  }
  static void Expect(const vetahut::core::Result<ClientResponse>& r, int status) {
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->status, status) << r->body;
  }

  std::string CardToken(const std::string& number) {
    auto r = client_.Post(url_ + "/api/v1/payments/tokens",
                          fmt::format(R"({{"number": "{}", "exp_month": 12, "exp_year": 2099, "cvc": "123"}})", number), customer_);
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : r.error().detail);
    return r && r->status == 201 ? std::string(json::parse(r->body).at("token").as_string()) : "";
  }

  /// A carry-out order of one large cheese pizza (and a drink) paid with `payment` (JSON).
  std::string OrderBody(const std::string& payment, const std::string& type = "carryout", const std::string& extra = "") {
    std::string address = type == "delivery" ? R"(, "address": {"line1": "1 N State St", "latitude": 41.8820, "longitude": -87.6278})" : "";
    return fmt::format(R"({{"store_id": "{}", "type": "{}"{}{}, "payment": {},
        "items": [{{"product_id": "cheese_pizza", "size": "large", "quantity": 1,
                    "toppings": [{{"topping_id": "pepperoni", "portion": "left", "amount": "normal"}}]}}]}})",
                       store_, type, address, extra, payment);
  }
  std::string Card(const std::string& number) { return fmt::format(R"({{"method": "card", "token": "{}"}})", CardToken(number)); }

  vetahut::core::Result<ClientResponse> Place(const std::string& body, const std::string& key,
                                              const std::vector<Header>* who = nullptr) {
    return client_.Post(url_ + "/api/v1/orders", body, With(who ? *who : customer_, "Idempotency-Key", key));
  }
  json::object PlaceOk(const std::string& body, const std::string& key) {
    auto r = Place(body, key);
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : r.error().detail);
    return r && r->status == 201 ? json::parse(r->body).as_object() : json::object{};
  }
  json::object GetOrder(const std::string& id, const std::vector<Header>& who) {
    auto r = client_.Get(url_ + "/api/v1/orders/" + id, who);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : r.error().detail);
    return r && r->status == 200 ? json::parse(r->body).as_object() : json::object{};
  }
  vetahut::core::Result<ClientResponse> Move(const std::string& id, const std::string& status, const std::vector<Header>& who) {
    return client_.Post(url_ + "/api/v1/orders/" + id + "/status", R"({"status": ")" + status + R"("})", who);
  }
  std::size_t StoreOrders(const std::string& status = "") {
    auto r = client_.Get(url_ + "/api/v1/stores/" + store_ + "/orders?limit=200" + (status.empty() ? "" : "&status=" + status), manager_);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : r.error().detail);
    return json::parse(r->body).at("orders").as_array().size();
  }
  std::int64_t LoyaltyBalance() {
    return json::parse(client_.Get(url_ + "/api/v1/me/loyalty", customer_)->body).at("balance").as_int64();
  }
  static std::string Status(const json::object& o) { return std::string(o.at("status").as_string()); }
  static std::int64_t Amount(const json::value& v) { return v.at("amount").as_int64(); }

  std::string url_, store_, customer_id_, hours_;
  std::vector<Header> manager_, customer_;
};

}  // namespace vetahut::testing
