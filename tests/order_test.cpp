// End-to-end ordering through the real `vetahut serve --demo` (SQLite or PostgreSQL): quote →
// tokenize a test card → place → pay → follow the order live over SSE → kitchen → hand-over →
// capture; every order type; declined cards; idempotent replays; price tampering; the 422s for an
// unavailable item, a closed store, an address outside the zones and a full slot (each changes
// nothing); cancellation, refunds, a payment left pending, loyalty rewards, who may see what, and
// card numbers that never reach the database or the log.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "order_fixture.hpp"
#include "services/payment/provider.hpp"

namespace {

using namespace vetahut::testing;
namespace json = boost::json;
using vetahut::http::ClientResponse;
using vetahut::http::Header;
using vetahut::http::Method;

using OrderE2E = OrderFixture;

TEST_F(OrderE2E, ACarryoutOrderIsPaidFollowedLiveAndCapturedOnPickup) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();

  // The quote and the order agree, to the cent.
  auto quote = client_.Post(url_ + "/api/v1/quotes", OrderBody(R"({"method": "pay_at_store"})"), customer_);
  ASSERT_EQ(quote->status, 200) << quote->body;
  const std::int64_t quoted = Amount(json::parse(quote->body).at("total"));
  auto order = PlaceOk(OrderBody(Card(kApproved)), "order-1");
  ASSERT_FALSE(order.empty());
  const std::string id(order.at("id").as_string());
  EXPECT_EQ(Status(order), "confirmed");
  EXPECT_EQ(order.at("number").as_int64(), 1);
  EXPECT_EQ(Amount(order.at("total")), quoted);
  EXPECT_EQ(order.at("payment").at("status").as_string(), "authorized");
  EXPECT_EQ(order.at("payment").at("brand").as_string(), "visa");
  EXPECT_EQ(order.at("payment").at("last4").as_string(), "4242");
  EXPECT_EQ(Amount(order.at("payment").at("authorized")), quoted);

  // Follow it live while the store works it; the stream ends when the order is handed over.
  std::string stream;
  std::thread follower([&] {
    vetahut::http::HttpClient sse({.connect_timeout = std::chrono::milliseconds(2000), .timeout = std::chrono::milliseconds(20000)});
    auto r = sse.Get(url_ + "/api/v1/orders/" + id + "/events", customer_);
    stream = r ? r->body : "error: " + r.error().detail;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const char* step : {"preparing", "baking", "ready", "picked_up"}) Expect(Move(id, step, manager_), 200);
  follower.join();
  for (const char* status : {"pending_payment", "confirmed", "preparing", "baking", "ready", "picked_up"}) {
    EXPECT_NE(stream.find(fmt::format(R"("status":"{}")", status)), std::string::npos) << status << " missing in\n" << stream;
  }
  EXPECT_NE(stream.find("id: 6\n"), std::string::npos) << stream;

  // Resuming after event 4 replays 5 and 6 only.
  auto resumed = client_.Get(url_ + "/api/v1/orders/" + id + "/events", With(customer_, "Last-Event-ID", "4"));
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->body.find("id: 4\n"), std::string::npos) << resumed->body;
  EXPECT_NE(resumed->body.find("id: 5\n"), std::string::npos) << resumed->body;
  EXPECT_NE(resumed->body.find("\"status\":\"picked_up\""), std::string::npos) << resumed->body;
  Expect(client_.Get(url_ + "/api/v1/orders/" + id + "/events", With(customer_, "Last-Event-ID", "x")), 400);

  auto done = GetOrder(id, customer_);
  EXPECT_EQ(Status(done), "picked_up");
  EXPECT_EQ(done.at("payment").at("status").as_string(), "captured");
  EXPECT_EQ(Amount(done.at("payment").at("captured")), quoted);
  // Loyalty earns on completion (through the bus): one point per whole dollar of the basis.
  const std::int64_t basis = Amount(done.at("subtotal")) - Amount(done.at("discount_total"));
  for (int i = 0; i < 50 && LoyaltyBalance() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(LoyaltyBalance(), basis / 100);
  // The next order of the day gets the next number; an illegal move is a 409 that changes nothing.
  auto second = PlaceOk(OrderBody(Card(kApproved)), "order-2");
  EXPECT_EQ(second.at("number").as_int64(), 2);
  auto skip = Move(std::string(second.at("id").as_string()), "picked_up", manager_);
  ExpectProblem(*skip, 409);
  EXPECT_EQ(Status(GetOrder(std::string(second.at("id").as_string()), customer_)), "confirmed");

  // The customer's history, newest first, paged.
  auto mine = client_.Get(url_ + "/api/v1/me/orders?limit=1", customer_);
  ASSERT_EQ(mine->status, 200) << mine->body;
  auto page = json::parse(mine->body).as_object();
  ASSERT_EQ(page.at("orders").as_array().size(), 1u);
  EXPECT_EQ(page.at("orders").as_array()[0].at("id"), second.at("id"));
  auto next = json::parse(client_.Get(url_ + "/api/v1/me/orders?limit=5&cursor=" + std::string(page.at("next_cursor").as_string()),
                                      customer_)->body).as_object();
  ASSERT_EQ(next.at("orders").as_array().size(), 1u);
  EXPECT_EQ(next.at("orders").as_array()[0].at("id").as_string(), id);
  ExpectProblem(*client_.Get(url_ + "/api/v1/me/orders", manager_), 403);
  // The saga backlog is exported (nothing is waiting now).
  EXPECT_NE(client_.Get(serve.UrlOf("order") + "/metrics")->body.find("order_saga_backlog 0"), std::string::npos);

  auto ledger = client_.Get(url_ + "/api/v1/admin/payments/reconciliation", Admin(url_));
  EXPECT_EQ(ledger->body, R"({"balanced":true,"problems":[]})");
}

TEST_F(OrderE2E, DeliveryDineInAndPayAtStoreEachCompleteTheirOwnWay) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  auto delivery = PlaceOk(OrderBody(Card(kApproved), "delivery"), "delivery-1");
  ASSERT_FALSE(delivery.empty());
  EXPECT_EQ(Amount(delivery.at("delivery_fee")), 299);
  const std::string d(delivery.at("id").as_string());
  ExpectProblem(*Move(d, "picked_up", manager_), 409);  // not a carry-out
  for (const char* step : {"preparing", "ready", "out_for_delivery", "delivered"}) Expect(Move(d, step, manager_), 200);
  EXPECT_EQ(GetOrder(d, customer_).at("payment").at("status").as_string(), "captured");

  auto dine_in = PlaceOk(OrderBody(R"({"method": "pay_at_store"})", "dine_in"), "dine-in-1");
  const std::string t(dine_in.at("id").as_string());
  EXPECT_EQ(Status(dine_in), "confirmed");
  EXPECT_EQ(dine_in.at("payment").at("status").as_string(), "due");
  for (const char* step : {"preparing", "baking", "ready", "served"}) Expect(Move(t, step, manager_), 200);
  auto served = GetOrder(t, customer_);
  EXPECT_EQ(served.at("payment").at("status").as_string(), "captured");
  EXPECT_EQ(Amount(served.at("payment").at("captured")), Amount(served.at("total")));
}

TEST_F(OrderE2E, DeclinedCardsRejectTheOrderWith402AndTheReason) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const std::pair<const char*, const char*> cards[] = {
      {kDeclined, "card_declined"}, {kInsufficient, "insufficient_funds"}, {kProcessingError, "processing_error"}};
  int n = 0;
  for (auto [number, reason] : cards) {
    const std::string body = OrderBody(Card(number));
    const std::string key = "declined-" + std::to_string(n++);
    auto r = Place(body, key);
    ASSERT_TRUE(r);
    ExpectProblem(*r, 402);
    EXPECT_NE(r->body.find(reason), std::string::npos) << r->body;
    auto again = Place(body, key);  // the replay tells the same story
    ExpectProblem(*again, 402);
    EXPECT_NE(again->body.find(reason), std::string::npos) << again->body;
  }
  EXPECT_EQ(StoreOrders("rejected"), 3u);
  EXPECT_EQ(StoreOrders("confirmed"), 0u);
}

TEST_F(OrderE2E, TheIdempotencyKeyReplaysTheOrderAndRefusesAnotherBody) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const std::string body = OrderBody(Card(kApproved));
  auto first = Place(body, "same-key");
  ASSERT_EQ(first->status, 201) << first->body;
  auto replay = Place(body, "same-key");
  ASSERT_EQ(replay->status, 200) << replay->body;
  EXPECT_EQ(replay->Header("idempotent-replayed").value_or(""), "true");
  EXPECT_EQ(json::parse(replay->body).at("id"), json::parse(first->body).at("id"));
  auto other = Place(OrderBody(R"({"method": "pay_at_store"})"), "same-key");
  ExpectProblem(*other, 422);
  EXPECT_NE(other->body.find("Idempotency-Key"), std::string::npos) << other->body;
  ExpectProblem(*client_.Post(url_ + "/api/v1/orders", body, customer_), 400);  // no key at all
  EXPECT_EQ(StoreOrders(), 1u);
  // Concurrent retries of one key still make one order: a retry that arrives while the first is
  // being placed hears 409 "in progress" (its in-flight marker), one that arrives after gets the
  // replay (decision 0043).
  std::vector<std::thread> racers;
  std::vector<int> statuses(4);
  std::vector<std::string> bodies(4);
  for (int i = 0; i < 4; ++i) {
    racers.emplace_back([&, i] {
      vetahut::http::HttpClient c;
      auto r = c.Post(url_ + "/api/v1/orders", OrderBody(R"({"method": "pay_at_store"})"), With(customer_, "Idempotency-Key", "raced"));
      statuses[i] = r ? r->status : 0;
      bodies[i] = r ? r->body : "";
    });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200) + std::count(statuses.begin(), statuses.end(), 409), 3);
  for (int i = 0; i < 4; ++i) {
    if (statuses[i] == 409) {
      EXPECT_NE(bodies[i].find("is in progress"), std::string::npos) << bodies[i];
    }
  }
  EXPECT_EQ(StoreOrders(), 2u);
  auto settled = Place(OrderBody(R"({"method": "pay_at_store"})"), "raced");
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->status, 200) << "once it has finished, the key replays: " << settled->body;
}

TEST_F(OrderE2E, ClientPricesAreIgnored) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const std::string honest = OrderBody(R"({"method": "pay_at_store"})");
  const std::int64_t quoted = Amount(json::parse(client_.Post(url_ + "/api/v1/quotes", honest, customer_)->body).at("total"));
  std::string tampered = honest;
  tampered.replace(tampered.find(R"("quantity": 1)"), 13, R"("quantity": 1, "price": 1, "unit_price": 1, "line_total": 1)");
  tampered.insert(tampered.rfind('}'), R"(, "total": {"amount": 1, "currency": "USD"}, "subtotal": 1)");
  auto order = PlaceOk(tampered, "tampered");
  EXPECT_EQ(Amount(order.at("total")), quoted);
  EXPECT_GT(quoted, 1000);
}

TEST_F(OrderE2E, EachReasonToRefuseAnOrderIsA422NamingItAndChangesNothing) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const std::string base = url_ + "/api/v1/stores/" + store_;
  auto refused = [&](const std::string& body, const std::string& key, const std::string& field, const std::string& words) {
    auto r = Place(body, key);
    ASSERT_TRUE(r);
    ExpectProblem(*r, 422);
    EXPECT_NE(r->body.find("\"field\":\"" + field + "\""), std::string::npos) << r->body;
    EXPECT_NE(r->body.find(words), std::string::npos) << r->body;
  };
  const std::string cash = R"({"method": "pay_at_store"})";
  // An item the store switched off (the 86 switch).
  Expect(client_.Send(Method::kPut, base + "/availability/pepperoni", manager_, R"({"available": false, "reason": "ran out"})"), 204);
  refused(OrderBody(cash), "86", "items[0].toppings[0].topping_id", "unavailable at this store");
  Expect(client_.Send(Method::kPut, base + "/availability/pepperoni", manager_, R"({"available": true})"), 204);
  // Outside the delivery zones, and below the zone's minimum is not the same thing.
  std::string far = OrderBody(cash, "delivery");
  far.replace(far.find("41.8820"), 7, "41.9900");
  refused(far, "far", "address", "outside");
  // A paused store, then a closed one.
  Expect(client_.Post(base + "/pause", R"({"reason": "oven broke", "minutes": 30})", manager_), 200);
  refused(OrderBody(cash), "paused", "store_id", "oven broke");
  Expect(client_.Post(base + "/resume", "{}", manager_), 200);
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  auto day = [&](int offset) {
    return vetahut::core::FormatRfc3339(
               std::chrono::time_point_cast<std::chrono::microseconds>(today + std::chrono::days(offset)))
        .substr(0, 10);
  };
  const std::string from = day(-1);
  const std::string to = day(2);
  std::string closed_hours = R"({"carryout": {"weekly": [{"day": "monday", "open": "10:00", "close": "22:00"}],
      "special_days": [{"from": ")" + from + R"(", "to": ")" + to + R"(", "closed": true}]}})";
  Expect(client_.Send(Method::kPut, base + "/hours", Admin(url_), closed_hours), 200);
  refused(OrderBody(cash), "closed", "store_id", "closed");
  Expect(client_.Send(Method::kPut, base + "/hours", Admin(url_), hours_), 200);
  // A full slot: capacity 1, the first order takes it.
  const std::string date = day(1);
  auto slots = json::parse(client_.Get(base + "/slots?type=carryout&date=" + date)->body).at("slots").as_array();
  ASSERT_FALSE(slots.empty());
  const std::string start(slots.back().at("start").as_string());
  const std::string scheduled = R"(, "scheduled_for": ")" + start + R"(")";
  auto first = PlaceOk(OrderBody(cash, "carryout", scheduled), "slot-1");
  EXPECT_EQ(first.at("promised_at").as_string(), start);
  refused(OrderBody(cash, "carryout", scheduled), "slot-2", "scheduled_for", "full");
  refused(OrderBody(cash, "carryout", R"(, "scheduled_for": "2020-01-01T00:00:00Z")"), "slot-3", "scheduled_for", "");
  // A card token nobody issued; a card number where a token belongs.
  refused(OrderBody(R"({"method": "card", "token": "tok_forged"})"), "forged", "payment.token", "not a card token");
  refused(OrderBody(R"({"method": "card", "token": "t", "number": "4242424242424242"})"), "pan", "payment", "never send a card number");
  EXPECT_EQ(StoreOrders(), 1u);  // only the order that took the slot
  // Cancelling it gives the slot back.
  Expect(client_.Post(url_ + "/api/v1/orders/" + std::string(first.at("id").as_string()) + "/cancel", "{}", customer_), 200);
  PlaceOk(OrderBody(cash, "carryout", scheduled), "slot-4");
}

TEST_F(OrderE2E, CancellationVoidsAndRefundsReturnCapturedMoney) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  // The customer cancels before preparation: the hold is voided.
  auto early = PlaceOk(OrderBody(Card(kApproved)), "early");
  const std::string e(early.at("id").as_string());
  Expect(client_.Post(url_ + "/api/v1/orders/" + e + "/cancel", R"({"reason": "changed my mind"})", customer_), 200);
  auto cancelled = GetOrder(e, customer_);
  EXPECT_EQ(Status(cancelled), "cancelled");
  EXPECT_EQ(cancelled.at("payment").at("status").as_string(), "voided");
  // Once the kitchen started only the store can cancel.
  auto late = PlaceOk(OrderBody(Card(kApproved)), "late");
  const std::string l(late.at("id").as_string());
  Expect(Move(l, "preparing", manager_), 200);
  auto refused = client_.Post(url_ + "/api/v1/orders/" + l + "/cancel", "{}", customer_);
  ExpectProblem(*refused, 409);
  EXPECT_NE(refused->body.find("only the store"), std::string::npos) << refused->body;
  Expect(client_.Post(url_ + "/api/v1/orders/" + l + "/cancel", R"({"reason": "oven fire"})", manager_), 200);
  EXPECT_EQ(GetOrder(l, customer_).at("payment").at("status").as_string(), "voided");
  ExpectProblem(*client_.Post(url_ + "/api/v1/orders/" + l + "/cancel", "{}", manager_), 409);  // already cancelled

  // A completed order is refunded, partly then fully; never more than was captured.
  auto paid = PlaceOk(OrderBody(Card(kApproved)), "paid");
  const std::string p(paid.at("id").as_string());
  const std::int64_t total = Amount(paid.at("total"));
  for (const char* step : {"preparing", "ready", "picked_up"}) Expect(Move(p, step, manager_), 200);
  const std::string refunds = url_ + "/api/v1/orders/" + p + "/refunds";
  auto part = client_.Post(refunds, R"({"amount": {"amount": 500, "currency": "USD"}})", With(manager_, "Idempotency-Key", "r1"));
  ASSERT_EQ(part->status, 201) << part->body;
  EXPECT_EQ(Amount(json::parse(part->body).at("payment").at("refunded")), 500);
  auto replayed = client_.Post(refunds, R"({"amount": {"amount": 500, "currency": "USD"}})", With(manager_, "Idempotency-Key", "r1"));
  EXPECT_EQ(Amount(json::parse(replayed->body).at("payment").at("refunded")), 500);  // not twice
  auto too_much = client_.Post(refunds, fmt::format(R"({{"amount": {{"amount": {}, "currency": "USD"}}}})", total),
                               With(manager_, "Idempotency-Key", "r2"));
  ExpectProblem(*too_much, 422);
  ExpectProblem(*client_.Post(refunds, R"({"amount": {"amount": 1, "currency": "USD"}})", With(customer_, "Idempotency-Key", "r3")), 403);
  auto rest = client_.Post(refunds, fmt::format(R"({{"amount": {{"amount": {}, "currency": "USD"}}}})", total - 500),
                           With(manager_, "Idempotency-Key", "r4"));
  ASSERT_EQ(rest->status, 201) << rest->body;
  EXPECT_EQ(Status(json::parse(rest->body).as_object()), "refunded");
  EXPECT_EQ(client_.Get(url_ + "/api/v1/admin/payments/reconciliation", Admin(url_))->body, R"({"balanced":true,"problems":[]})");
}

TEST_F(OrderE2E, ACounterOrderForACustomerFoundByPhoneTakesCashAndIsRefundedByLineWithAReason) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  Expect(client_.Post(url_ + "/api/v1/admin/users", fmt::format(R"({{"email": "loop.cashier@example.test",
      "password": "loop-cashier-password", "name": "Loop Cashier", "phone": "+13125550112",
      "roles": [{{"role": "cashier", "store_id": "{}"}}]}})", store_), Admin(url_)), 201);
  const auto cashier = Bearer(TokenFor(url_, "loop.cashier%40example.test", "loop-cashier-password"));

  // The phone rings: the cashier finds the caller by number.
  auto found = client_.Get(url_ + "/api/v1/stores/" + store_ + "/customers?phone=%2B12125550004", cashier);
  ASSERT_EQ(found->status, 200) << found->body;
  auto customers = json::parse(found->body).at("customers").as_array();
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0].at("id").as_string(), customer_id_);
  ExpectProblem(*client_.Get(url_ + "/api/v1/stores/" + store_ + "/customers?phone=12125550004", cashier), 422);
  ExpectProblem(*client_.Get(url_ + "/api/v1/stores/" + store_ + "/customers?phone=%2B12125550004", customer_), 403);

  auto body = [&](std::int64_t tendered, const std::string& customer) {
    return fmt::format(R"({{"store_id": "{}", "type": "carryout", "customer": {{"id": "{}"}},
        "payment": {{"method": "pay_at_store", "tendered": {{"amount": {}, "currency": "USD"}}}},
        "items": [{{"product_id": "cheese_pizza", "size": "large", "quantity": 2}},
                  {{"product_id": "cheese_pizza", "size": "small", "quantity": 1}}]}})", store_, customer, tendered);
  };
  const std::size_t before = StoreOrders();
  auto short_cash = Place(body(100, customer_id_), "short", &cashier);
  ExpectProblem(*short_cash, 422);
  EXPECT_NE(short_cash->body.find("payment.tendered"), std::string::npos) << short_cash->body;
  auto nobody = Place(body(100000, "cus_nobody"), "nobody", &cashier);
  ExpectProblem(*nobody, 422);
  EXPECT_NE(nobody->body.find("customer.id"), std::string::npos) << nobody->body;
  auto by_customer = Place(body(100000, customer_id_), "self", &customer_);  // counter fields are the counter's
  ExpectProblem(*by_customer, 422);
  EXPECT_EQ(StoreOrders(), before);  // none of them changed anything

  auto placed = Place(body(10000, customer_id_), "counter", &cashier);
  ASSERT_EQ(placed->status, 201) << placed->body;
  auto order = json::parse(placed->body).as_object();
  const std::string id(order.at("id").as_string());
  const std::int64_t total = Amount(order.at("total"));
  EXPECT_EQ(Status(order), "confirmed");
  EXPECT_EQ(order.at("channel").as_string(), "pos");
  EXPECT_EQ(order.at("customer_id").as_string(), customer_id_);
  EXPECT_EQ(order.at("customer_name").as_string(), "Demo Customer");
  EXPECT_FALSE(order.at("cashier_id").as_string().empty());
  EXPECT_EQ(order.at("cashier_name").as_string(), "Loop Cashier");
  const auto& pay = order.at("payment").as_object();
  EXPECT_EQ(pay.at("status").as_string(), "captured");  // the cash is in the drawer now
  EXPECT_EQ(Amount(pay.at("captured")), total);
  EXPECT_EQ(Amount(pay.at("tendered")), 10000);
  EXPECT_EQ(Amount(pay.at("change")), 10000 - total);
  // The customer sees the phone order as theirs.
  EXPECT_NE(client_.Get(url_ + "/api/v1/me/orders", customer_)->body.find(id), std::string::npos);

  for (const char* step : {"preparing", "ready", "picked_up"}) Expect(Move(id, step, manager_), 200);
  EXPECT_EQ(Amount(GetOrder(id, manager_).at("payment").at("captured")), total);  // not collected twice
  const std::string refunds = url_ + "/api/v1/orders/" + id + "/refunds";
  ExpectProblem(*client_.Post(refunds, R"({"lines": [{"index": 0, "quantity": 1}], "reason": "burnt"})",
                              With(cashier, "Idempotency-Key", "c1")), 403);  // a cashier may not refund
  auto one = client_.Post(refunds, R"({"lines": [{"index": 0, "quantity": 1}], "reason": "burnt"})",
                          With(manager_, "Idempotency-Key", "l1"));
  ASSERT_EQ(one->status, 201) << one->body;
  auto refunded = json::parse(one->body).as_object();
  const auto& record = refunded.at("refunds").as_array().at(0).as_object();
  EXPECT_EQ(record.at("reason").as_string(), "burnt");
  EXPECT_EQ(record.at("lines").as_array().at(0).at("quantity").as_int64(), 1);
  const std::int64_t one_pizza = Amount(record.at("amount"));
  EXPECT_GT(one_pizza, 0);
  EXPECT_LT(one_pizza, total / 2);
  EXPECT_EQ(Amount(refunded.at("payment").at("refunded")), one_pizza);
  // The manager's refunds report says why (analytics folds payment.refunded a moment later).
  std::string reason;
  for (int i = 0; i < 100 && reason.empty(); ++i) {
    auto report = client_.Get(url_ + "/api/v1/reports/refunds?store_id=" + store_ + "&from=" +
                                  std::string(order.at("business_date").as_string()), manager_);
    ASSERT_EQ(report->status, 200) << report->body;
    const json::value parsed = json::parse(report->body);
    for (const auto& item : parsed.at("items").as_array()) {
      if (item.at("order_id").as_string() == id) reason = std::string(item.at("reason").as_string());
    }
    if (reason.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(reason, "burnt");
  auto again = client_.Post(refunds, R"({"lines": [{"index": 0, "quantity": 2}], "reason": "burnt"})",
                            With(manager_, "Idempotency-Key", "l2"));
  ExpectProblem(*again, 422);
  EXPECT_NE(again->body.find("lines[0].quantity"), std::string::npos) << again->body;
  auto rest = client_.Post(refunds, R"({"lines": [{"index": 0, "quantity": 1}, {"index": 1, "quantity": 1}], "reason": "late"})",
                           With(manager_, "Idempotency-Key", "l3"));
  ASSERT_EQ(rest->status, 201) << rest->body;
  auto all = json::parse(rest->body).as_object();
  EXPECT_EQ(Status(all), "refunded");  // every unit of every line: the whole order, to the cent
  EXPECT_EQ(Amount(all.at("payment").at("refunded")), total);
  EXPECT_EQ(client_.Get(url_ + "/api/v1/admin/payments/reconciliation", Admin(url_))->body, R"({"balanced":true,"problems":[]})");
}

TEST_F(OrderE2E, APaymentPendingTooLongIsVoidedAndTheOrderRejected) {
  env_.push_back({"VETAHUT_ORDER_PAYMENT_TIMEOUT_S", "2"});
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  auto pending = PlaceOk(OrderBody(Card(kNeedsAuthentication)), "pending");
  const std::string id(pending.at("id").as_string());
  EXPECT_EQ(Status(pending), "pending_payment");
  json::object later;
  for (int i = 0; i < 100; ++i) {
    later = GetOrder(id, customer_);
    if (Status(later) != "pending_payment") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Status(later), "rejected");
  EXPECT_EQ(later.at("reason").as_string(), "payment_timeout");
  EXPECT_EQ(later.at("payment").at("status").as_string(), "voided");
}

TEST_F(OrderE2E, ALoyaltyRewardIsReservedAtPlacementAndReleasedOnCancellation) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  Expect(client_.Post(url_ + "/api/v1/admin/customers/" + customer_id_ + "/loyalty/adjustments",
                      R"({"points": 600, "reason": "welcome gift"})", Admin(url_)), 201);
  const std::string cash = R"({"method": "pay_at_store"})";
  const std::int64_t full = Amount(json::parse(client_.Post(url_ + "/api/v1/quotes", OrderBody(cash), customer_)->body).at("total"));
  const std::string with_reward = OrderBody(cash, "carryout", R"(, "reward_id": "reward_5_off")");
  auto order = PlaceOk(with_reward, "reward-1");
  const std::string id(order.at("id").as_string());
  EXPECT_LT(Amount(order.at("total")), full - 500 + 100);  // 5.00 off (tax shrinks too)
  EXPECT_EQ(order.at("reward").at("points").as_int64(), 500);
  EXPECT_EQ(LoyaltyBalance(), 100);
  // Not enough points left for a second one: 422 on reward_id, nothing reserved.
  auto poor = Place(with_reward, "reward-2");
  ExpectProblem(*poor, 422);
  EXPECT_NE(poor->body.find("\"field\":\"reward_id\""), std::string::npos) << poor->body;
  EXPECT_EQ(LoyaltyBalance(), 100);
  // Staff cannot redeem a customer's points.
  ExpectProblem(*Place(with_reward, "reward-3", &manager_), 422);
  Expect(client_.Post(url_ + "/api/v1/orders/" + id + "/cancel", "{}", customer_), 200);
  EXPECT_EQ(LoyaltyBalance(), 600);
}

TEST_F(OrderE2E, OrdersAreVisibleToTheirOwnerAndTheirStoreOnly) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  auto order = PlaceOk(OrderBody(Card(kApproved)), "mine");
  const std::string id(order.at("id").as_string());
  Expect(client_.Post(url_ + "/api/v1/auth/register", R"({"email": "other@example.test", "password": "other-password-1",
      "name": "Other", "phone": "+13125550123"})", {{"Content-Type", "application/json"}}), 201);
  const auto other = Bearer(TokenFor(url_, "other%40example.test", "other-password-1"));
  ExpectProblem(*client_.Get(url_ + "/api/v1/orders/" + id, other), 404);
  ExpectProblem(*client_.Post(url_ + "/api/v1/orders/" + id + "/cancel", "{}", other), 404);
  ExpectProblem(*client_.Get(url_ + "/api/v1/orders/" + id + "/events", other), 404);
  // The Midtown manager works another store.
  const auto midtown_manager = Bearer(TokenFor(url_, "manager%40demo.vetahut.test", "demo-manager-password"));
  ExpectProblem(*client_.Get(url_ + "/api/v1/orders/" + id, midtown_manager), 403);
  ExpectProblem(*Move(id, "preparing", midtown_manager), 403);
  ExpectProblem(*client_.Get(url_ + "/api/v1/stores/" + store_ + "/orders", midtown_manager), 403);
  ExpectProblem(*Place(OrderBody(R"({"method": "pay_at_store"})"), "foreign", &midtown_manager), 403);
  ExpectProblem(*Move(id, "preparing", customer_), 403);
  ExpectProblem(*client_.Get(url_ + "/api/v1/orders/" + id), 401);
  EXPECT_EQ(Status(GetOrder(id, manager_)), "confirmed");

  // A kiosk of the store takes a walk-in order and shows it; it cannot see the customer's order.
  auto device = client_.Post(url_ + "/api/v1/admin/devices", R"({"name": "Loop kiosk", "type": "kiosk", "store_id": ")" + store_ + "\"}",
                             Admin(url_));
  ASSERT_TRUE(device && device->status == 201) << (device ? device->body : "");
  const auto creds = json::parse(device->body).as_object();
  auto grant = client_.Post(url_ + "/api/v1/auth/token",
                            "grant_type=client_credentials&client_id=" + std::string(creds.at("client_id").as_string()) +
                                "&client_secret=" + std::string(creds.at("client_secret").as_string()),
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(grant && grant->status == 200) << (grant ? grant->body : "");
  const auto kiosk = Bearer(std::string(json::parse(grant->body).at("access_token").as_string()));
  auto walk_in = Place(OrderBody(R"({"method": "pay_at_store"})"), "kiosk-1", &kiosk);
  ASSERT_EQ(walk_in->status, 201) << walk_in->body;
  const auto walk = json::parse(walk_in->body).as_object();
  EXPECT_TRUE(walk.at("customer_id").is_null());
  EXPECT_EQ(Status(GetOrder(std::string(walk.at("id").as_string()), kiosk)), "confirmed");
  ExpectProblem(*client_.Get(url_ + "/api/v1/orders/" + id, kiosk), 403);
}

TEST_F(OrderE2E, CardNumbersNeverReachTheDatabaseOrTheLog) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const char* numbers[] = {kApproved, kDeclined, kInsufficient, kProcessingError, kNeedsAuthentication};
  int n = 0;
  for (const char* number : numbers) (void)Place(OrderBody(Card(number)), "pan-" + std::to_string(n++));
  // A malformed card is refused without echoing it.
  auto bad = client_.Post(url_ + "/api/v1/payments/tokens", R"({"number": "4242424242424241", "exp_month": 12, "exp_year": 2099, "cvc": "123"})", customer_);
  ExpectProblem(*bad, 422);
  EXPECT_EQ(bad->body.find("4242424242424241"), std::string::npos) << bad->body;

  std::string haystack = serve.Log();
  const char* engine = std::getenv("VETAHUT_TEST_ENGINE");
  if (engine && (std::string(engine) == "postgres" || ChainEngine())) {
    // One schema (public), or in a chain one per service: every table of every one.
    std::string url;
    for (const auto& [k, v] : env_) {
      if (k == "VETAHUT_DB_URL" || k == "VETAHUT_TEST_CHAIN_DB_URL") url = v;
    }
    auto db = vetahut::db::Database::Open(url);
    for (const auto& t : db->Query("SELECT table_schema, table_name FROM information_schema.tables "
                                   "WHERE table_schema = 'public' OR table_schema LIKE 'vh\\_%'")) {
      for (const auto& row : db->Query("SELECT t::text FROM \"" + t.Text(0) + "\".\"" + t.Text(1) + "\" t")) haystack += row.Text(0) + "\n";
    }
  } else {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir_)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      haystack += std::string(std::istreambuf_iterator<char>(in), {});
    }
  }
  EXPECT_GT(haystack.size(), 10000u);
  EXPECT_NE(haystack.find("4242"), std::string::npos);  // last4 is kept: the search does see the data
  for (const char* number : numbers) EXPECT_EQ(haystack.find(number), std::string::npos) << number << " was stored or logged";
  EXPECT_EQ(haystack.find("4242424242424241"), std::string::npos);
}

TEST_F(OrderE2E, ProviderCallbacksAreVerifiedAndDeduplicated) {
  env_.push_back({"VETAHUT_PAYMENT_WEBHOOK_SECRET", "whsec_e2e_secret"});
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const std::string hook = url_ + "/api/v1/payments/webhooks/sandbox";
  const auto now = vetahut::core::SystemClock::Instance().Now();
  const std::string event = fmt::format(R"({{"id":"evt_e2e_1","type":"payment.authorized","created":{},
      "data":{{"reference":"pi_unknown","amount":100,"currency":"USD"}}}})",
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  auto signed_with = [&](const std::string& secret, vetahut::core::TimePoint at) {
    return std::vector<Header>{{"Content-Type", "application/json"},
                               {"Vetahut-Signature", vetahut::payment::SignWebhook(secret, event, at)}};
  };
  auto first = client_.Post(hook, event, signed_with("whsec_e2e_secret", now));
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(first->body, R"({"received":true})");
  auto again = client_.Post(hook, event, signed_with("whsec_e2e_secret", now));
  EXPECT_EQ(again->body, R"({"received":true,"duplicate":true})");
  ExpectProblem(*client_.Post(hook, event, signed_with("someone-else", now)), 400);
  ExpectProblem(*client_.Post(hook, event, signed_with("whsec_e2e_secret", now - std::chrono::minutes(10))), 400);
  ExpectProblem(*client_.Post(hook, event, {{"Content-Type", "application/json"}}), 400);
  std::string tampered = event;
  tampered.replace(tampered.find("100"), 3, "999");
  ExpectProblem(*client_.Post(hook, tampered, signed_with("whsec_e2e_secret", now)), 400);
  ExpectProblem(*client_.Post(url_ + "/api/v1/payments/webhooks/stripe", event, signed_with("whsec_e2e_secret", now)), 404);
}

}  // namespace
