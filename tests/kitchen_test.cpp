// End to end through the real binary: an order placed through the API appears on the kitchen
// stream, the cook's bumps move the customer's tracker, a cancelled order leaves the stream at
// once, stock that runs out takes an item off the menu until it is received, and a driver takes a
// delivery out and brings it to the door while the customer sees the ETA.
#include <gtest/gtest.h>

#include <thread>

#include "order_fixture.hpp"
#include "sse_client.hpp"

namespace vetahut::testing {
namespace {

class KitchenE2E : public OrderFixture {
 protected:
  /// A staff member of the fixture's store with `role`, signed in.
  std::vector<Header> Staff(const std::string& role) {
    const std::string email = role + ".loop@example.test";
    Expect(client_.Post(url_ + "/api/v1/admin/users", fmt::format(R"({{"email": "{}", "password": "{}-password-1",
        "name": "Sam {}", "phone": "+13125550123", "roles": [{{"role": "{}", "store_id": "{}"}}]}})",
                                                                 email, role, role, role, store_),
                        Admin(url_)),
           201);
    return Bearer(TokenFor(url_, role + ".loop%40example.test", role + "-password-1"));
  }

  SseClient& KitchenStream(const std::vector<Header>& who, const std::string& station = "") {
    kitchen_ = std::make_unique<SseClient>();
    EXPECT_TRUE(kitchen_->Open(url_ + "/api/v1/stores/" + store_ + "/kitchen/stream" +
                                   (station.empty() ? "" : "?station=" + station),
                               who));
    auto snapshot = kitchen_->WaitFor([](const SseEvent& e) { return e.event == "snapshot"; });
    EXPECT_TRUE(snapshot) << "no snapshot";
    EXPECT_EQ(kitchen_->status(), 200);
    return *kitchen_;
  }

  /// The next ticket event on the kitchen stream about `order_id`, as JSON.
  std::optional<json::object> TicketEvent(const std::string& order_id, const std::string& status = "") {
    auto e = kitchen_->WaitFor([&](const SseEvent& e) {
      if (e.event != "ticket") return false;
      const auto ticket = json::parse(e.data).at("ticket");
      return ticket.at("order_id").as_string() == order_id && (status.empty() || ticket.at("status").as_string() == status);
    });
    if (!e) return std::nullopt;
    return json::parse(e->data).as_object();
  }

  vetahut::core::Result<ClientResponse> Bump(const std::string& ticket, const std::string& station, const std::vector<Header>& who) {
    return client_.Post(url_ + "/api/v1/kitchen/tickets/" + ticket + "/bump", R"({"station": ")" + station + R"("})", who);
  }

  std::unique_ptr<SseClient> kitchen_;
};

TEST_F(KitchenE2E, AnOrderIsOnTheKitchenStreamAndTheCooksBumpsMoveTheCustomersTracker) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const auto cook = Staff("cook");
  KitchenStream(cook);

  // The quote says how long the kitchen needs now.
  auto quote = client_.Post(url_ + "/api/v1/quotes", OrderBody(R"({"method": "pay_at_store"})"), customer_);
  ASSERT_EQ(quote->status, 200) << quote->body;
  const auto kitchen = json::parse(quote->body).at("kitchen");
  EXPECT_GE(kitchen.at("wait_minutes").as_int64(), 7);  // one large pizza: 90 s + 360 s + 20 s
  EXPECT_FALSE(kitchen.at("busy").as_bool());

  const auto placed_at = std::chrono::steady_clock::now();
  // The client's trace: it follows the order through the outbox into the kitchen's consumer.
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  auto placed = client_.Post(url_ + "/api/v1/orders", OrderBody(R"({"method": "pay_at_store"})"),
                             With(With(customer_, "Idempotency-Key", "kitchen-1"), "traceparent",
                                  "00-" + trace + "-00f067aa0ba902b7-01"));
  ASSERT_EQ(placed->status, 201) << placed->body;
  const auto order = json::parse(placed->body).as_object();
  const std::string id(order.at("id").as_string());
  auto created = TicketEvent(id);
  ASSERT_TRUE(created) << serve.Log();
  EXPECT_LT(std::chrono::steady_clock::now() - placed_at, std::chrono::seconds(2));
  const auto& ticket = created->at("ticket");
  const std::string ticket_id(ticket.at("id").as_string());
  EXPECT_EQ(ticket.at("status").as_string(), "queued");
  EXPECT_EQ(ticket.at("number").as_int64(), order.at("number").as_int64());
  // The pizza as made: its default cheese and sauce, pepperoni on the left half.
  const auto& toppings = ticket.at("items").as_array()[0].at("toppings").as_array();
  auto has = [&](const char* id, const char* portion) {
    return std::any_of(toppings.begin(), toppings.end(), [&](const json::value& t) {
      return t.at("topping_id").as_string() == id && t.at("portion").as_string() == portion;
    });
  };
  EXPECT_TRUE(has("pepperoni", "left") && has("tomato_sauce", "whole")) << ticket;
  EXPECT_EQ(created->at("all_day").at("make").as_array()[0].at("count").as_int64(), 1);
  // One grep for the trace id tells the order's story: placed (the request), confirmed, and the
  // ticket the kitchen made from the order.confirmed event (a consumer, on another thread).
  std::string story;
  const std::string log = serve.Log();
  for (std::size_t at = 0, end; (end = log.find('\n', at)) != std::string::npos; at = end + 1) {
    const std::string line = log.substr(at, end - at);
    if (line.find(R"("trace_id":")" + trace + "\"") != std::string::npos) story += line + "\n";
  }
  for (const char* step : {"order placed", "order status changed", "kitchen ticket created"}) {
    EXPECT_NE(story.find(step), std::string::npos) << step << " is not in the trace:\n" << story;
  }

  SseClient tracker;
  ASSERT_TRUE(tracker.Open(url_ + "/api/v1/orders/" + id + "/events", customer_));
  auto status_is = [](const char* s) {
    return [s](const SseEvent& e) { return e.data.find(fmt::format(R"("status":"{}")", s)) != std::string::npos; };
  };
  ASSERT_TRUE(tracker.WaitFor(status_is("confirmed")));
  Expect(Bump(ticket_id, "make", cook), 200);
  EXPECT_TRUE(tracker.WaitFor(status_is("preparing"))) << serve.Log();
  Expect(Bump(ticket_id, "make", cook), 200);
  EXPECT_TRUE(tracker.WaitFor(status_is("baking")));
  // A bump at the wrong station changes nothing and says why.
  auto wrong = Bump(ticket_id, "drinks", cook);
  ASSERT_EQ(wrong->status, 409) << wrong->body;
  EXPECT_NE(wrong->body.find("no item at drinks"), std::string::npos) << wrong->body;
  Expect(Bump(ticket_id, "cut", cook), 200);
  EXPECT_TRUE(tracker.WaitFor(status_is("ready")));
  EXPECT_TRUE(TicketEvent(id, "ready"));
  Expect(Bump(ticket_id, "expo", cook), 200);
  EXPECT_TRUE(tracker.WaitFor(status_is("picked_up")));
  auto left = TicketEvent(id, "handed_off");
  ASSERT_TRUE(left);
  EXPECT_FALSE(left->at("ticket").at("at_station").as_bool());
  EXPECT_EQ(Status(GetOrder(id, customer_)), "picked_up");
  // Operators see the kitchen on /metrics: queues per station, and how early or late tickets were.
  auto metrics = client_.Get(serve.UrlOf("kitchen") + "/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("kitchen_station_queue_items{store=\"" + store_ + "\",station=\"make\"}"), std::string::npos);
  EXPECT_NE(metrics->body.find("kitchen_ready_minus_promised_seconds_count{store=\"" + store_ + "\"} 1"), std::string::npos)
      << metrics->body.substr(0, 2000);

  // A customer is not kitchen staff; the store's cook cannot bump another store's tickets.
  Expect(client_.Get(url_ + "/api/v1/stores/" + store_ + "/kitchen/tickets", customer_), 403);
  Expect(client_.Post(url_ + "/api/v1/kitchen/tickets/" + ticket_id + "/bump", "{}", customer_), 403);
  auto bad = client_.Post(url_ + "/api/v1/kitchen/tickets/" + ticket_id + "/bump", R"({"station": 7})", cook);
  ASSERT_EQ(bad->status, 422) << bad->body;
  EXPECT_NE(bad->body.find("station"), std::string::npos);
}

TEST_F(KitchenE2E, ACancelledOrderLeavesTheKitchenStreamAtOnce) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  KitchenStream(manager_, "make");
  auto order = PlaceOk(OrderBody(R"({"method": "pay_at_store"})"), "kitchen-cancel");
  const std::string id(order.at("id").as_string());
  auto created = TicketEvent(id);
  ASSERT_TRUE(created);
  EXPECT_TRUE(created->at("ticket").at("at_station").as_bool());
  Expect(client_.Post(url_ + "/api/v1/orders/" + id + "/cancel", R"({"reason": "changed my mind"})", customer_), 200);
  auto voided = TicketEvent(id, "voided");
  ASSERT_TRUE(voided) << serve.Log();
  EXPECT_FALSE(voided->at("ticket").at("at_station").as_bool());
  EXPECT_TRUE(voided->at("all_day").as_array().empty());
  auto list = client_.Get(url_ + "/api/v1/stores/" + store_ + "/kitchen/tickets?station=make", manager_);
  ASSERT_EQ(list->status, 200);
  EXPECT_TRUE(json::parse(list->body).at("tickets").as_array().empty()) << list->body;
}

TEST_F(KitchenE2E, StockThatRunsOutTakesAnItemOffTheMenuUntilADeliveryIsReceived) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  auto pepperoni_available = [&] {
    auto menu = client_.Get(url_ + "/api/v1/stores/" + store_ + "/menu");
    EXPECT_EQ(menu->status, 200);
    const json::value doc = json::parse(menu->body);
    for (const auto& category : doc.at("categories").as_array()) {
      for (const auto& product : category.at("products").as_array()) {
        for (const auto& group : product.at("modifier_groups").as_array()) {
          for (const auto& option : group.at("options").as_array()) {
            if (option.at("topping_id").as_string() == "pepperoni") return option.at("available").as_bool();
          }
        }
      }
    }
    ADD_FAILURE() << "no pepperoni on the menu";
    return false;
  };
  EXPECT_TRUE(pepperoni_available());
  // The store starts counting pepperoni: 100 g on the shelf, low at 500 g — not enough for a
  // large pizza after one more.
  const std::string inventory = url_ + "/api/v1/stores/" + store_ + "/inventory";
  Expect(client_.Send(Method::kPatch, inventory, manager_, R"({"levels": [{"ingredient_id": "pepperoni", "low_threshold": 500}]})"), 200);
  Expect(client_.Post(inventory + "/adjustments", R"({"ingredient_id": "pepperoni", "kind": "count", "quantity": 60})", manager_), 201);
  EXPECT_TRUE(pepperoni_available());  // a whole small pizza takes 40 g
  // This order's left half takes 42.5 g: 17.5 g are left, not a portion.
  PlaceOk(OrderBody(R"({"method": "pay_at_store"})"), "kitchen-86");
  bool off = false;
  for (int i = 0; i < 50 && !(off = !pepperoni_available()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(off) << "pepperoni is still on the menu";
  auto refused = client_.Post(url_ + "/api/v1/quotes", OrderBody(R"({"method": "pay_at_store"})"), customer_);
  EXPECT_EQ(refused->status, 422) << refused->body;
  auto stock = json::parse(client_.Get(inventory, manager_)->body);
  EXPECT_EQ(stock.at("auto_86").as_array()[0].at("item_id").as_string(), "pepperoni") << stock;
  // Bad adjustments change nothing and say which field is wrong.
  auto bad = client_.Post(inventory + "/adjustments", R"({"ingredient_id": "pepperoni", "kind": "stolen", "quantity": -1})", manager_);
  ASSERT_EQ(bad->status, 422);
  EXPECT_NE(bad->body.find("kind"), std::string::npos);
  EXPECT_NE(bad->body.find("quantity"), std::string::npos);
  Expect(client_.Post(inventory + "/adjustments", R"({"ingredient_id": "pepperoni", "kind": "received", "quantity": 5000,
      "reason": "Tuesday delivery"})", manager_), 201);
  EXPECT_TRUE(pepperoni_available());
  auto history = json::parse(client_.Get(inventory + "/adjustments", manager_)->body);
  EXPECT_EQ(history.at("items").as_array().size(), 2u) << history;
}

TEST_F(KitchenE2E, AKitchenPastItsBusyThresholdPausesTheStoreAndResumesItWhenTheQueueShrinks) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const std::string setup_url = url_ + "/api/v1/stores/" + store_ + "/kitchen/setup";
  auto setup = json::parse(client_.Get(setup_url, manager_)->body).as_object();
  setup["auto_busy"] = true;
  setup["busy_wait_minutes"] = 10;
  Expect(client_.Send(Method::kPut, setup_url, manager_, json::serialize(setup)), 200);
  auto bad = setup;
  bad["busy_wait_minutes"] = 1;
  auto refused = client_.Send(Method::kPut, setup_url, manager_, json::serialize(bad));
  ASSERT_EQ(refused->status, 422);
  EXPECT_NE(refused->body.find("busy_wait_minutes"), std::string::npos) << refused->body;

  // One large pizza takes about 8 minutes: not busy. Four more ahead of the next make it 11.
  auto quote = client_.Post(url_ + "/api/v1/quotes", OrderBody(R"({"method": "pay_at_store"})"), customer_);
  ASSERT_EQ(quote->status, 200) << quote->body;
  EXPECT_FALSE(json::parse(quote->body).at("kitchen").at("busy").as_bool());
  std::string big = OrderBody(R"({"method": "pay_at_store"})");
  big.replace(big.find(R"("quantity": 1)"), 13, R"("quantity": 4)");
  auto order = PlaceOk(big, "kitchen-busy");
  const std::string id(order.at("id").as_string());
  bool paused = false;
  for (int i = 0; i < 100 && !paused; ++i) {
    auto q = client_.Post(url_ + "/api/v1/quotes", OrderBody(R"({"method": "pay_at_store"})"), customer_);
    paused = q->status == 422 && q->body.find("kitchen busy") != std::string::npos;
    if (!paused) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(paused) << serve.Log();
  // The queue shrinks (the order is cancelled): the store takes orders again.
  Expect(client_.Post(url_ + "/api/v1/orders/" + id + "/cancel", "", customer_), 200);
  bool resumed = false;
  for (int i = 0; i < 100 && !resumed; ++i) {
    resumed = client_.Post(url_ + "/api/v1/quotes", OrderBody(R"({"method": "pay_at_store"})"), customer_)->status == 200;
    if (!resumed) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(resumed) << serve.Log();
}

TEST_F(KitchenE2E, ADriverTakesTheRunAndTheCustomerSeesTheArrivalTime) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const auto driver = Staff("driver");
  const auto driver_id = std::string(json::parse(client_.Get(url_ + "/api/v1/drivers/me", driver)->body).at("driver_id").as_string());
  Expect(client_.Post(url_ + "/api/v1/drivers/me/clock-in", fmt::format(R"({{"store_id": "{}"}})", store_), driver), 200);
  auto order = PlaceOk(OrderBody(R"({"method": "pay_at_store"})", "delivery"), "kitchen-delivery");
  const std::string id(order.at("id").as_string());
  std::string ticket_id;
  for (int i = 0; i < 50 && ticket_id.empty(); ++i) {
    auto list = json::parse(client_.Get(url_ + "/api/v1/stores/" + store_ + "/kitchen/tickets", manager_)->body);
    if (!list.at("tickets").as_array().empty()) ticket_id = std::string(list.at("tickets").as_array()[0].at("id").as_string());
    if (ticket_id.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(ticket_id.empty());
  for (const char* station : {"make", "make", "cut"}) Expect(Bump(ticket_id, station, manager_), 200);
  // A delivery ticket leaves with its driver, not over the pass.
  Expect(Bump(ticket_id, "expo", manager_), 409);

  auto board = json::parse(client_.Get(url_ + "/api/v1/stores/" + store_ + "/deliveries", driver)->body);
  ASSERT_EQ(board.at("deliveries").as_array().size(), 1u) << board;
  const std::string delivery(board.at("deliveries").as_array()[0].at("id").as_string());
  EXPECT_EQ(board.at("suggested_runs").as_array()[0].at("driver_id").as_string(), driver_id) << board;
  auto sent = client_.Post(url_ + "/api/v1/deliveries/" + delivery + "/dispatch", "", driver);
  ASSERT_EQ(sent->status, 200) << sent->body;
  const auto eta = std::string(json::parse(sent->body).at("deliveries").as_array()[0].at("eta").as_string());
  SseClient tracker;
  ASSERT_TRUE(tracker.Open(url_ + "/api/v1/orders/" + id + "/events", customer_));
  EXPECT_TRUE(tracker.WaitFor([&](const SseEvent& e) {
    return e.data.find(R"("status":"out_for_delivery")") != std::string::npos &&
           e.data.find(R"("promised_at":")" + eta + "\"") != std::string::npos;
  })) << serve.Log();
  Expect(client_.Post(url_ + "/api/v1/drivers/me/location", R"({"latitude": 41.8800, "longitude": -87.6300})", driver), 200);
  Expect(client_.Post(url_ + "/api/v1/drivers/me/location", R"({"latitude": 91, "longitude": 0})", driver), 422);
  auto me = json::parse(client_.Get(url_ + "/api/v1/drivers/me", driver)->body);
  ASSERT_EQ(me.at("run").as_array().size(), 1u);
  EXPECT_NE(me.at("run").as_array()[0].at("maps_url").as_string().find("destination=41.882"), std::string::npos) << me;
  Expect(client_.Post(url_ + "/api/v1/deliveries/" + delivery + "/delivered", "", driver), 200);
  EXPECT_TRUE(tracker.WaitFor([](const SseEvent& e) { return e.data.find(R"("status":"delivered")") != std::string::npos; }));
  EXPECT_EQ(Status(GetOrder(id, customer_)), "delivered");
  Expect(client_.Post(url_ + "/api/v1/drivers/me/clock-out", "", driver), 200);
}

}  // namespace
}  // namespace vetahut::testing
