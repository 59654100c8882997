// Issue 10's defects, each as a hostile client met it, through the real `vetahut serve` on SQLite
// and PostgreSQL: money limits (a tip that overflowed into a 500 or was authorized for 10^18),
// card tokens bound to who created them and used once, control characters in accounts, a staff
// role for a store that does not exist, list parameters, and quotes that judge their input as
// placement does (scheduled times, coupons). Each refusal is a precise 422 and changes nothing.
#include "order_fixture.hpp"

namespace {

using namespace vetahut::testing;
namespace json = boost::json;
using vetahut::http::Method;

class InputRules : public OrderFixture {
 protected:
  /// The 422 and the one field it names.
  static void ExpectField(const vetahut::core::Result<ClientResponse>& r, const std::string& field) {
    ASSERT_TRUE(r);
    ExpectProblem(*r, 422);
    EXPECT_NE(r->body.find("\"field\":\"" + field + "\""), std::string::npos) << r->body;
  }
  std::string WithTip(std::int64_t amount) {
    return fmt::format(R"(, "tip": {{"amount": {}, "currency": "USD"}})", amount);
  }
};

TEST_F(InputRules, AHugeTipIsA422NamingItNeverA500NorAnAuthorization) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  for (std::int64_t tip : {std::int64_t{9'223'372'036'854'775'806}, std::int64_t{1'000'000'000'000'000'000}}) {
    const std::string body = OrderBody(R"({"method": "pay_at_store"})", "carryout", WithTip(tip));
    ExpectField(client_.Post(url_ + "/api/v1/quotes", body, customer_), "tip.amount");
    ExpectField(Place(OrderBody(Card(kApproved), "carryout", WithTip(tip)), "tip-" + std::to_string(tip)), "tip.amount");
  }
  EXPECT_EQ(StoreOrders(), 0u);  // nothing stored, nothing authorized
  // A fair tip is fine.
  auto ok = PlaceOk(OrderBody(Card(kApproved), "carryout", WithTip(300)), "fair-tip");
  EXPECT_EQ(Amount(ok.at("tip")), 300);
  EXPECT_EQ(serve.Log().find("money amount overflows"), std::string::npos) << serve.Log();
}

TEST_F(InputRules, QuantitiesLinesAndTotalsHaveLimits) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  std::string too_many = fmt::format(R"({{"store_id": "{}", "type": "carryout", "items": [)", store_);
  for (int i = 0; i < 51; ++i) too_many += std::string(i ? "," : "") + R"({"product_id": "cheese_pizza", "size": "small", "quantity": 1})";
  ExpectField(client_.Post(url_ + "/api/v1/quotes", too_many + "]}", customer_), "items");
  ExpectField(client_.Post(url_ + "/api/v1/quotes", fmt::format(R"({{"store_id": "{}", "type": "carryout",
      "items": [{{"product_id": "cheese_pizza", "size": "large", "quantity": 51}}]}})", store_), customer_),
              "items[0].quantity");
  // 45 large pizzas with extra toppings are within the line limits but beyond the 10,000.00 total.
  std::string big = fmt::format(R"({{"store_id": "{}", "type": "carryout", "items": [)", store_);
  for (int i = 0; i < 45; ++i) {
    big += std::string(i ? "," : "") + R"({"product_id": "cheese_pizza", "size": "large", "quantity": 50})";
  }
  ExpectField(client_.Post(url_ + "/api/v1/quotes", big + "]}", customer_), "total");
}

TEST_F(InputRules, ACardTokenPaysOnceForWhoeverCreatedIt) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const std::string token = CardToken(kApproved);  // the demo customer's
  const std::string pay = fmt::format(R"({{"method": "card", "token": "{}"}})", token);
  // Another customer cannot pay with it, and the refusal does not say whose it is.
  auto other = client_.Post(url_ + "/api/v1/auth/register", R"({"email": "other@example.test",
      "password": "another-long-password", "name": "Other", "phone": "+13125550177"})", {{"Content-Type", "application/json"}});
  ASSERT_EQ(other->status, 201) << other->body;
  auto thief = Bearer(TokenFor(url_, "other%40example.test", "another-long-password"));
  auto stolen = Place(OrderBody(pay), "stolen", &thief);
  ExpectField(stolen, "payment.token");
  EXPECT_EQ(stolen->body.find("customer"), std::string::npos) << stolen->body;
  // Its owner pays once with it; a second order with the same token is refused the same way.
  PlaceOk(OrderBody(pay), "first");
  ExpectField(Place(OrderBody(pay), "second"), "payment.token");
  EXPECT_EQ(StoreOrders(), 1u);
  // A saved card stays usable by its owner.
  auto saved = client_.Post(url_ + "/api/v1/payments/tokens",
                            R"({"number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123", "save": true})",
                            customer_);
  ASSERT_EQ(saved->status, 201) << saved->body;
  const std::string saved_pay =
      fmt::format(R"({{"method": "card", "token": "{}"}})", std::string(json::parse(saved->body).at("token").as_string()));
  PlaceOk(OrderBody(saved_pay), "saved-1");
  PlaceOk(OrderBody(saved_pay), "saved-2");
  ExpectField(Place(OrderBody(saved_pay), "saved-stolen", &thief), "payment.token");
  // Staff cannot save a card: only a customer has an account to keep it in.
  auto staff_save = client_.Post(url_ + "/api/v1/payments/tokens",
                                 R"({"number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123", "save": true})",
                                 manager_);
  ExpectField(staff_save, "save");
}

TEST_F(InputRules, ControlCharactersNeverReachAnAccount) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  const std::vector<vetahut::http::Header> json_type = {{"Content-Type", "application/json"}};
  // The demo customer's email with a NUL: it would have been a second account that looks the same.
  ExpectField(client_.Post(url + "/api/v1/auth/register", R"({"email": "customer@demo.vetahut.test\u0000",
      "password": "another-long-password", "name": "Demo Customer", "phone": "+12125550004"})", json_type), "email");
  ExpectField(client_.Post(url + "/api/v1/auth/register", R"({"email": "fresh@example.test",
      "password": "another-long-password", "name": "Bobby\u001b[2J", "phone": "+12125550099"})", json_type), "name");
  ExpectField(client_.Post(url + "/api/v1/auth/register", R"({"email": "fresh@example.test",
      "password": "another-long-password", "name": "Two\nLines", "phone": "+12125550099"})", json_type), "name");
  // The same mailbox typed another way is the same account.
  auto again = client_.Post(url + "/api/v1/auth/register", R"({"email": "  Customer@DEMO.vetahut.test ",
      "password": "another-long-password", "name": "Demo Customer", "phone": "+12125550004"})", json_type);
  ASSERT_TRUE(again);
  ExpectProblem(*again, 409);
  // Staff emails too.
  ExpectField(client_.Post(url + "/api/v1/admin/users", R"({"email": "cook2@demo.vetahut.test\u0000",
      "password": "another-long-password", "name": "Cook", "phone": "+12125550098", "roles": [{"role": "admin"}]})",
                           Admin(url)),
              "email");
  auto staff = client_.Get(url + "/api/v1/admin/users", Admin(url));
  EXPECT_EQ(staff->body.find("cook2@"), std::string::npos);
}

TEST_F(InputRules, AStaffRoleNamesAStoreThatExistsAndListsTakeSaneLimits) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  ExpectField(client_.Post(url + "/api/v1/admin/users", R"({"email": "ghost.manager@example.test",
      "password": "another-long-password", "name": "Ghost", "phone": "+12125550097",
      "roles": [{"role": "store_manager", "store_id": "str_does_not_exist"}]})", Admin(url)),
              "roles[0].store_id");
  ExpectField(client_.Post(url + "/api/v1/admin/devices", R"({"name": "Ghost kiosk", "type": "kiosk",
      "store_id": "str_does_not_exist"})", Admin(url)), "store_id");
  for (const char* bad : {"-5", "0", "abc", "100000"}) {
    ExpectField(client_.Get(url + "/api/v1/admin/users?limit=" + bad, Admin(url)), "limit");
  }
  ExpectField(client_.Get(url + "/api/v1/admin/users?cursor=%27%20OR%201%3D1", Admin(url)), "cursor");
  auto page = client_.Get(url + "/api/v1/admin/users?limit=2", Admin(url));
  ASSERT_EQ(page->status, 200) << page->body;
  const json::value first = json::parse(page->body);
  ASSERT_EQ(first.at("items").as_array().size(), 2u);
  const std::string cursor(first.at("next_cursor").as_string());
  const json::value next = json::parse(client_.Get(url + "/api/v1/admin/users?limit=2&cursor=" + cursor, Admin(url))->body);
  ASSERT_FALSE(next.at("items").as_array().empty());
  EXPECT_GT(std::string(next.at("items").as_array()[0].at("id").as_string()), cursor);
}

TEST_F(InputRules, AQuoteJudgesItsInputAsPlacementDoes) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  for (const char* when : {"next tuesday", "2020-01-01T12:00:00Z", "2026-13-45T99:00:00Z"}) {
    const std::string extra = fmt::format(R"(, "scheduled_for": "{}")", when);
    ExpectField(client_.Post(url_ + "/api/v1/quotes", OrderBody(R"({"method": "pay_at_store"})", "carryout", extra), customer_),
                "scheduled_for");
    ExpectField(Place(OrderBody(R"({"method": "pay_at_store"})", "carryout", extra), std::string("when-") + when),
                "scheduled_for");
  }
  // A coupon that does not exist or does not apply: both say so, on the same field.
  const std::string coupon = R"(, "coupon_code": "NOSUCHCODE")";
  auto quoted = client_.Post(url_ + "/api/v1/quotes", OrderBody(R"({"method": "pay_at_store"})", "carryout", coupon), customer_);
  ExpectField(quoted, "coupon_code");
  EXPECT_NE(quoted->body.find("NOSUCHCODE is not a valid code"), std::string::npos) << quoted->body;
  ExpectField(Place(OrderBody(R"({"method": "pay_at_store"})", "carryout", coupon), "no-such-code"), "coupon_code");
  EXPECT_EQ(StoreOrders(), 0u);
  // A good quote says when the order would be ready.
  auto good = client_.Post(url_ + "/api/v1/quotes", OrderBody(R"({"method": "pay_at_store"})"), customer_);
  ASSERT_EQ(good->status, 200) << good->body;
  EXPECT_TRUE(json::parse(good->body).at("promised_at").is_string()) << good->body;
}

}  // namespace
