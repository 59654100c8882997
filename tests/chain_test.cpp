// The chain under faults (issue 17), through its front door while orders are being placed: the
// broker stopped for 20 s, an order replica killed with SIGKILL, a service down, Redis stopped. Each test is
// bounded, runs on loopback and prints what it counted. Registered only for the chain engine
// (scripts/chain.sh starts the chain per test: two gateways behind nginx, two order replicas).
#include <fmt/format.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "order_fixture.hpp"
#include "sse_client.hpp"

using namespace vetahut::testing;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

/// Customers placing carry-out orders in a loop, as phones do: a card token, then the order with
/// an Idempotency-Key, sent again with the same key after a network failure or a 5xx until it is
/// answered (or the customer gives up after 60 s).
class Customers {
 public:
  struct Counts {
    int acknowledged = 0;  ///< 201: the customer was told the order is placed
    int declined = 0;      ///< 4xx answers (a card refused, the store closed…)
    int retries = 0;       ///< sends again with the same key
    int gave_up = 0;
  };

  Customers(std::string url, std::string store, std::vector<Header> who, int workers)
      : url_(std::move(url)), store_(std::move(store)), who_(std::move(who)) {
    for (int w = 0; w < workers; ++w) threads_.emplace_back([this, w] { Run(w); });
  }
  ~Customers() { Stop(); }

  void Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  std::vector<std::string> Acknowledged() {
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }
  Counts counts() {
    std::lock_guard lock(mutex_);
    return counts_;
  }

 private:
  void Run(int worker) {
    vetahut::http::HttpClient client({.connect_timeout = 1000ms, .timeout = 10000ms});
    for (int n = 0; !stop_; ++n) {
      const std::string key = fmt::format("chain-{}-{}", worker, n);
      std::string token;
      const auto deadline = SteadyClock::now() + 60s;
      bool done = false;
      while (!done && SteadyClock::now() < deadline) {
        if (token.empty()) {
          auto t = client.Post(url_ + "/api/v1/payments/tokens",
                               R"({"number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123"})", who_);
          if (t && t->status == 201) token = std::string(json::parse(t->body).at("token").as_string());
          if (token.empty()) {
            std::this_thread::sleep_for(200ms);
            continue;
          }
        }
        auto headers = who_;
        headers.push_back({"Idempotency-Key", key});
        auto r = client.Post(url_ + "/api/v1/orders",
                             fmt::format(R"({{"store_id": "{}", "type": "carryout", "payment": {{"method": "card", "token": "{}"}},
                                 "items": [{{"product_id": "cheese_pizza", "size": "large", "quantity": 1}}]}})",
                                         store_, token),
                             headers);
        std::lock_guard lock(mutex_);
        if (r && r->status == 201) {
          acknowledged_.push_back(std::string(json::parse(r->body).at("id").as_string()));
          ++counts_.acknowledged;
          done = true;
        } else if (r && r->status >= 400 && r->status < 500 && r->status != 409 && r->status != 429) {
          ++counts_.declined;
          done = true;
        } else {
          ++counts_.retries;  // unanswered, 5xx, or "in progress": the same request again
        }
        if (!done) std::this_thread::sleep_for(200ms);
      }
      if (!done) {
        std::lock_guard lock(mutex_);
        ++counts_.gave_up;
      }
      // A customer's pace, not a flood: four of them are a busy store's evening, ~10 orders/s.
      std::this_thread::sleep_for(300ms);
    }
  }

  std::string url_, store_;
  std::vector<Header> who_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::vector<std::string> acknowledged_;
  Counts counts_;
};

class ChainFaults : public OrderFixture {
 protected:
  /// The chain's own database URL (every service's schema is in it).
  std::string ChainDb() const {
    for (const auto& [k, v] : env_) {
      if (k == "VETAHUT_TEST_CHAIN_DB_URL") return v;
    }
    return "";
  }
  static void Ctl(const std::string& ctl, const std::string& what) {
    ASSERT_FALSE(ctl.empty()) << "the chain did not say where its control script is";
    ASSERT_EQ(std::system((ctl + " " + what + " > /dev/null").c_str()), 0) << "chain ctl " << what;
  }
  static void Broker(const char* what) {
    const char* ctl = std::getenv("VETAHUT_TEST_AMQP_CTL");
    ASSERT_TRUE(ctl && *ctl) << "VETAHUT_TEST_AMQP_CTL is not set (scripts/with-rabbitmq.sh sets it)";
    ASSERT_EQ(std::system((std::string(ctl) + " " + what).c_str()), 0) << "broker " << what;
  }
  /// Many orders an hour: slots never run out in these tests.
  void RoomForEveryone() {
    Expect(client_.Send(Method::kPut, url_ + "/api/v1/stores/" + store_ + "/slot-rules", Admin(url_),
                        R"({"length_minutes": 15, "lead_time_minutes": 0, "capacity": 10000})"),
           200);
  }

  /// Waits until every order in `ids` is confirmed (or further) and has exactly one kitchen
  /// ticket; returns the ids that did not get there within `timeout`.
  std::vector<std::string> NotConfirmed(const std::vector<std::string>& ids, std::chrono::seconds timeout) {
    std::set<std::string> waiting(ids.begin(), ids.end());
    const auto deadline = SteadyClock::now() + timeout;
    while (!waiting.empty() && SteadyClock::now() < deadline) {
      for (auto it = waiting.begin(); it != waiting.end();) {
        auto r = client_.Get(url_ + "/api/v1/orders/" + *it, manager_);
        const bool confirmed = r && r->status == 200 && json::parse(r->body).at("status").as_string() != "pending_payment";
        it = confirmed ? waiting.erase(it) : std::next(it);
      }
      if (!waiting.empty()) std::this_thread::sleep_for(500ms);
    }
    return {waiting.begin(), waiting.end()};
  }

  /// Kitchen tickets per order, as the kitchen service stores them.
  std::map<std::string, int> TicketsPerOrder() {
    std::map<std::string, int> out;
    auto db = vetahut::db::Database::Open(ChainDb());
    for (const auto& row : db->Query("SELECT order_id, COUNT(*) AS n FROM vh_kitchen.kitchen_tickets GROUP BY order_id")) {
      out[row.Text("order_id")] = static_cast<int>(row.Int("n"));
    }
    return out;
  }
};

TEST_F(ChainFaults, TheBrokerStoppedFor20sLosesNoAcknowledgedOrderAndAppliesNothingTwice) {
  ServeProcess chain(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(chain).empty()) << chain.Log();
  RoomForEveryone();
  Customers customers(url_, store_, customer_, 4);
  std::this_thread::sleep_for(3s);
  Broker("stop");
  const auto stopped_at = SteadyClock::now();
  std::this_thread::sleep_for(20s);
  const int during = customers.counts().acknowledged;
  Broker("start");
  std::this_thread::sleep_for(3s);
  customers.Stop();
  const auto placed = customers.Acknowledged();
  const auto counts = customers.counts();
  ASSERT_GT(placed.size(), 10u) << "too few orders to say anything";

  // Every order acknowledged, before, during or after the outage, reaches the kitchen once.
  const auto late = NotConfirmed(placed, 60s);
  EXPECT_TRUE(late.empty()) << late.size() << " acknowledged orders never confirmed";
  std::map<std::string, int> tickets;
  for (int i = 0; i < 240; ++i) {
    tickets = TicketsPerOrder();
    const bool all = std::all_of(placed.begin(), placed.end(), [&](const std::string& id) { return tickets.contains(id); });
    if (all) break;
    std::this_thread::sleep_for(500ms);
  }
  int missing = 0, doubled = 0;
  for (const auto& id : placed) {
    if (!tickets.contains(id)) ++missing;
    if (tickets[id] > 1) ++doubled;
  }
  EXPECT_EQ(missing, 0) << "acknowledged orders without a kitchen ticket";
  EXPECT_EQ(doubled, 0) << "orders with two tickets";
  const auto outage_s = std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now() - stopped_at).count();
  std::cout << fmt::format("broker outage: {} orders acknowledged ({} while the broker was down), {} resent with their key, "
                           "{} declined, {} given up; after it: {} without a ticket, {} with two; {} s from the stop to the check\n",
                           placed.size(), during, counts.retries, counts.declined, counts.gave_up, missing, doubled, outage_s);
}

TEST_F(ChainFaults, AnOrderReplicaKilledUnderLoadLosesNoOrderAndChargesNoCardTwice) {
  ServeProcess chain(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(chain).empty()) << chain.Log();
  RoomForEveryone();
  const std::string ctl = chain.ChainCtl();
  Customers customers(url_, store_, customer_, 6);
  std::this_thread::sleep_for(4s);
  Ctl(ctl, "kill order-1");
  std::this_thread::sleep_for(4s);
  Ctl(ctl, "start order-1");  // its sagas resume; meanwhile order-2 carried the load
  std::this_thread::sleep_for(3s);
  customers.Stop();
  const auto placed = customers.Acknowledged();
  const auto counts = customers.counts();
  ASSERT_GT(placed.size(), 10u) << "too few orders to say anything";
  const auto late = NotConfirmed(placed, 60s);
  EXPECT_TRUE(late.empty()) << late.size() << " acknowledged orders never confirmed";

  // One payment per order, holding the order's amount once.
  auto db = vetahut::db::Database::Open(ChainDb());
  std::map<std::string, int> payments;
  int held_twice = 0;
  for (const auto& row : db->Query("SELECT order_id, amount, authorized FROM vh_payment.payment_payments")) {
    ++payments[row.Text("order_id")];
    if (row.Int("authorized") > row.Int("amount")) ++held_twice;
  }
  int missing = 0, doubled = 0;
  for (const auto& id : placed) {
    if (!payments.contains(id)) ++missing;
    if (payments[id] > 1) ++doubled;
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(doubled, 0) << "orders with two payments";
  EXPECT_EQ(held_twice, 0) << "payments holding more than their order";
  std::cout << fmt::format("order replica killed: {} orders acknowledged, {} resent with their key, {} declined, {} given up; "
                           "{} never confirmed, {} without a payment, {} with two, {} over-held\n",
                           placed.size(), counts.retries, counts.declined, counts.gave_up, late.size(), missing, doubled,
                           held_twice);
}

TEST_F(ChainFaults, AServiceDownIsA503AtOnceNotATimeoutPileUp) {
  ServeProcess chain(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(chain).empty()) << chain.Log();
  const std::string ctl = chain.ChainCtl();
  const std::string menu = url_ + "/api/v1/stores/" + store_ + "/menu";
  ASSERT_EQ(client_.Get(menu)->status, 200);
  Ctl(ctl, "kill menu");
  // Twenty customers at once: each hears 503 problem+json quickly, whichever gateway they reach.
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::vector<std::pair<int, double>> answers;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      vetahut::http::HttpClient client;
      const auto start = SteadyClock::now();
      auto r = client.Get(menu);
      const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
      std::lock_guard lock(mutex);
      answers.emplace_back(r ? r->status : 0, ms);
      if (r && r->status == 503) {
        EXPECT_NE(r->Header("content-type")->find("application/problem+json"), std::string::npos);
      }
    });
  }
  for (auto& t : threads) t.join();
  double slowest = 0;
  for (const auto& [status, ms] : answers) {
    EXPECT_EQ(status, 503);
    slowest = std::max(slowest, ms);
  }
  EXPECT_LT(slowest, 1000) << "a down service must not cost a timeout";
  // Other services are not affected, and the menu is back once its process is.
  EXPECT_EQ(client_.Get(url_ + "/api/v1/stores/" + store_)->status, 200);
  Ctl(ctl, "start menu");
  int back = 0;
  for (int i = 0; i < 100 && back != 200; ++i) {
    back = client_.Get(menu)->status;
    if (back != 200) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(back, 200) << "the gateway did not notice the menu service came back";
  std::cout << fmt::format("menu service down: {} requests, all 503 in at most {:.0f} ms; back to 200 after the restart\n",
                           answers.size(), slowest);
}

TEST_F(ChainFaults, RedisStoppedTheGatewaysKeepServingWithTheirOwnLimits) {
  const char* redis = std::getenv("VETAHUT_TEST_REDIS_CTL");
  if (!redis || !*redis) GTEST_SKIP() << "VETAHUT_TEST_REDIS_CTL is not set: run through scripts/with-redis.sh (scripts/test.sh does)";
  ServeProcess chain(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(chain).empty()) << chain.Log();
  ASSERT_EQ(std::system((std::string(redis) + " stop").c_str()), 0);
  // Customers keep browsing, signing in and ordering through both gateways (decision 0043: each
  // limits with its own quota while Redis is away).
  int ok = 0, total = 0;
  double slowest = 0;
  for (int i = 0; i < 40; ++i) {
    const auto start = SteadyClock::now();
    auto menu = client_.Get(url_ + "/api/v1/stores/" + store_ + "/menu");
    auto quote = client_.Post(url_ + "/api/v1/quotes", OrderBody(R"({"method": "pay_at_store"})"), customer_);
    slowest = std::max(slowest, std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
    total += 2;
    ok += (menu && menu->status == 200) + (quote && quote->status == 200);
  }
  auto placed = Place(OrderBody(R"({"method": "pay_at_store"})"), "redis-down-1");
  ASSERT_TRUE(placed);
  EXPECT_EQ(placed->status, 201) << placed->body;
  const std::string fresh = TokenFor(url_, "customer%40demo.vetahut.test", "demo-customer-password");
  EXPECT_FALSE(fresh.empty()) << "signing in must work without Redis";
  ASSERT_EQ(std::system((std::string(redis) + " start").c_str()), 0);
  EXPECT_EQ(ok, total);
  EXPECT_LT(slowest, 1000) << "a request must not wait on the missing Redis";
  std::cout << fmt::format("redis stopped: {} of {} browsing requests answered, slowest pair {:.0f} ms; an order placed; "
                           "a sign-in worked\n", ok, total, slowest);
}

TEST_F(ChainFaults, ATrackerOnOneReplicaSeesChangesCommittedOnTheOther) {
  ServeProcess chain(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(chain).empty()) << chain.Log();
  const std::string ctl = chain.ChainCtl();
  auto order = PlaceOk(OrderBody(R"({"method": "pay_at_store"})"), "tracked-1");
  const std::string id(order.at("id").as_string());
  // The customer follows the order on order-1 itself; the store moves it through order-2.
  std::string order1, order2;
  for (const char* name : {"order-1", "order-2"}) {
    const std::string file = (data_dir_ / (std::string(name) + ".url")).string();
    ASSERT_EQ(std::system((ctl + " url " + name + " > " + file).c_str()), 0);
    std::ifstream in(file);
    std::getline(in, std::string(name) == "order-1" ? order1 : order2);
  }
  SseClient tracker;
  ASSERT_TRUE(tracker.Open(order1 + "/api/v1/orders/" + id + "/events", customer_));
  auto status_is = [](const char* s) {
    return [s](const SseEvent& e) { return e.data.find(fmt::format(R"("status":"{}")", s)) != std::string::npos; };
  };
  ASSERT_TRUE(tracker.WaitFor(status_is("confirmed")));
  for (const char* step : {"preparing", "baking", "ready", "picked_up"}) {
    const auto start = SteadyClock::now();
    Expect(client_.Post(order2 + "/api/v1/orders/" + id + "/status", fmt::format(R"({{"status": "{}"}})", step), manager_), 200);
    EXPECT_TRUE(tracker.WaitFor(status_is(step), 3000ms)) << step << " committed on order-2 never reached order-1's tracker";
    std::cout << fmt::format("{}: on the other replica's tracker after {:.0f} ms\n", step,
                             std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
  }
}

}  // namespace
