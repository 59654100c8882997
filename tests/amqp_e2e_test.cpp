// End to end on the chain's bus: the real `vetahut serve` on PostgreSQL with `bus.url` pointing at
// a real RabbitMQ (scripts/with-rabbitmq.sh), an order placed through the API reaches the kitchen
// through the broker (order's outbox → vetahut.events → the kitchen's queue), and the admin's
// dead-letter list reads the broker's dead-letter queues. Skipped without VETAHUT_TEST_AMQP_URL.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "order_fixture.hpp"
#include "sse_client.hpp"

namespace vetahut::testing {
namespace {

class AmqpE2E : public OrderFixture {
 protected:
  void SetUp() override {
    const char* amqp = std::getenv("VETAHUT_TEST_AMQP_URL");
    if (!amqp || !*amqp) {
      GTEST_SKIP() << "VETAHUT_TEST_AMQP_URL is not set: run through scripts/with-rabbitmq.sh "
                      "(scripts/test.sh does)";
    }
    OrderFixture::SetUp();
    env_.push_back({"VETAHUT_BUS_URL", amqp});
  }

  /// A cook of the fixture's store, following the kitchen stream.
  void FollowKitchen() {
    Expect(client_.Post(
               url_ + "/api/v1/admin/users",
               fmt::format(R"({{"email": "cook.amqp@example.test", "password": "cook-password-1",
      "name": "Sam Cook", "phone": "+13125550123", "roles": [{{"role": "cook", "store_id": "{}"}}]}})",
                           store_),
               Admin(url_)),
           201);
    const auto cook = Bearer(TokenFor(url_, "cook.amqp%40example.test", "cook-password-1"));
    ASSERT_TRUE(kitchen_.Open(url_ + "/api/v1/stores/" + store_ + "/kitchen/stream", cook));
    ASSERT_TRUE(kitchen_.WaitFor([](const SseEvent& e) { return e.event == "snapshot"; }));
  }

  bool TicketFor(const std::string& order_id,
                 std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return kitchen_
        .WaitFor(
            [&](const SseEvent& e) {
              return e.event == "ticket" &&
                     json::parse(e.data).at("ticket").at("order_id").as_string() == order_id;
            },
            timeout)
        .has_value();
  }

  SseClient kitchen_;
};

/// Stops or starts the broker through VETAHUT_TEST_AMQP_CTL (scripts/with-rabbitmq.sh).
void Broker(const char* what) {
  const char* ctl = std::getenv("VETAHUT_TEST_AMQP_CTL");
  ASSERT_TRUE(ctl && *ctl) << "VETAHUT_TEST_AMQP_CTL is not set (scripts/with-rabbitmq.sh sets it)";
  ASSERT_EQ(std::system((std::string(ctl) + " " + what).c_str()), 0)
      << "broker " << what << " failed";
}

TEST_F(AmqpE2E, AnOrderReachesTheKitchenThroughRabbitMQ) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  FollowKitchen();

  auto placed = client_.Post(url_ + "/api/v1/orders", OrderBody(R"({"method": "pay_at_store"})"),
                             With(customer_, "Idempotency-Key", "amqp-1"));
  ASSERT_EQ(placed->status, 201) << placed->body;
  const std::string id(json::parse(placed->body).at("id").as_string());
  ASSERT_TRUE(TicketFor(id)) << "the order did not reach the kitchen through RabbitMQ\n"
                             << serve.Log();

  // The dead-letter list comes from the broker's queues (none here).
  auto dead = client_.Get(url_ + "/api/v1/admin/dead-letters", Admin(url_));
  ASSERT_EQ(dead->status, 200) << dead->body;
  const std::string log = serve.Log();
  EXPECT_NE(log.find("\"bus: RabbitMQ\""), std::string::npos)
      << "the server did not run on the AMQP bus";
  EXPECT_EQ(log.find("bus consumer: broker unavailable"), std::string::npos);
}

TEST_F(AmqpE2E, AnOrderPlacedWhileTheBrokerIsDownReachesTheKitchenWhenItReturns) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  FollowKitchen();

  Broker("stop");
  // The order is taken: its event waits in the order module's outbox, not in the broker.
  auto placed = client_.Post(url_ + "/api/v1/orders", OrderBody(R"({"method": "pay_at_store"})"),
                             With(customer_, "Idempotency-Key", "amqp-outage-1"));
  ASSERT_EQ(placed->status, 201) << placed->body;
  const std::string id(json::parse(placed->body).at("id").as_string());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Broker("start");
  // The relay and the kitchen's consumer reconnect by themselves (each back-off is at most 5 s);
  // no restart.
  ASSERT_TRUE(TicketFor(id, std::chrono::seconds(20)))
      << "the order did not reach the kitchen after the broker returned\n"
      << serve.Log();
  const std::string log = serve.Log();
  EXPECT_NE(log.find("bus consumer: broker unavailable; reconnecting"), std::string::npos);
  EXPECT_NE(log.find("bus consumer reconnected"), std::string::npos);
}

}  // namespace
}  // namespace vetahut::testing
