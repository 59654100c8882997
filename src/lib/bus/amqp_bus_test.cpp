// The RabbitMQ bus on a real broker (scripts/with-rabbitmq.sh exports VETAHUT_TEST_AMQP_URL and
// VETAHUT_TEST_AMQP_CTL, a script taking stop|start to simulate an outage). Without the URL every
// test is skipped, saying so. Each test uses its own consumer names and event types, so tests
// sharing one broker do not see each other's events.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "lib/bus/amqp_bus.hpp"
#include "lib/bus/cloud_event.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/bus/outbox.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"

namespace vetahut::bus {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

std::string AmqpUrl() {
  const char* url = std::getenv("VETAHUT_TEST_AMQP_URL");
  return url ? url : "";
}

#define REQUIRE_BROKER()                                                                        \
  do {                                                                                          \
    if (AmqpUrl().empty()) {                                                                    \
      GTEST_SKIP() << "VETAHUT_TEST_AMQP_URL is not set: run through scripts/with-rabbitmq.sh " \
                      "(scripts/test.sh does) to test the RabbitMQ bus on a real broker";       \
    }                                                                                           \
  } while (0)

/// Stops or starts the broker (the rabbit application) through VETAHUT_TEST_AMQP_CTL.
void Broker(const char* what) {
  const char* ctl = std::getenv("VETAHUT_TEST_AMQP_CTL");
  ASSERT_TRUE(ctl && *ctl) << "VETAHUT_TEST_AMQP_CTL is not set (scripts/with-rabbitmq.sh sets it)";
  ASSERT_EQ(std::system((std::string(ctl) + " " + what).c_str()), 0)
      << "broker " << what << " failed";
}

template <class F>
bool WaitFor(F&& done, std::chrono::milliseconds timeout = 15s) {
  const auto until = SteadyClock::now() + timeout;
  while (SteadyClock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

AmqpBusOptions FastOptions() {
  AmqpBusOptions o;
  o.max_attempts = 3;
  o.first_backoff = 150ms;
  o.max_backoff = 1000ms;
  o.confirm_timeout = 3000ms;
  o.connect_timeout = 1000ms;
  o.first_reconnect = 100ms;
  o.max_reconnect = 500ms;
  o.poll = 100ms;
  return o;
}

/// What a consumer saw: event ids in order, and when.
struct Seen {
  std::mutex mutex;
  std::vector<std::string> ids;
  std::vector<SteadyClock::time_point> at;
  void Add(const CloudEvent& e) {
    std::lock_guard lock(mutex);
    ids.push_back(e.id);
    at.push_back(SteadyClock::now());
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return ids.size();
  }
  std::vector<std::string> Ids() {
    std::lock_guard lock(mutex);
    return ids;
  }
};

class AmqpBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    prefix_ = "t" + std::to_string(rd() % 1000000000u);
  }
  /// A consumer name and an event type of this test only.
  std::string Consumer(const std::string& module) const { return prefix_ + "_" + module; }
  std::string Type(const std::string& what) const { return "com.vetahut." + prefix_ + "." + what; }
  CloudEvent Event(const std::string& what) {
    return MakeEvent(ids_, core::SystemClock::Instance(), "/vetahut/test", Type(what), "subj-1",
                     R"({"n":1})");
  }
  Subscription Recording(const std::string& module, std::vector<std::string> patterns, Seen& seen) {
    Subscription s;
    s.consumer = Consumer(module);
    s.patterns = std::move(patterns);
    s.handler = [&seen](const CloudEvent& e) -> core::Status {
      seen.Add(e);
      return core::Ok();
    };
    return s;
  }
  static void StartAndWait(AmqpBus& bus) {
    bus.Start();
    ASSERT_TRUE(WaitFor([&] { return bus.ConsumersReady(); })) << "consumers did not connect";
  }

  std::string prefix_;
  core::IdGenerator ids_{core::SystemClock::Instance()};
};

TEST_F(AmqpBusTest, PublishedEventsAreConfirmedAndConsumed) {
  REQUIRE_BROKER();
  Seen seen;
  AmqpBus bus(AmqpUrl(), FastOptions());
  bus.Subscribe(Recording("kitchen", {"com.vetahut." + prefix_ + ".order.*"}, seen));
  StartAndWait(bus);
  std::vector<CloudEvent> batch = {Event("order.confirmed"), Event("order.cancelled"),
                                   Event("order.confirmed"),
                                   Event("menu.published")};  // the last one: nobody consumes it
  bus.Publish(batch);                                         // returns after the broker's confirms
  ASSERT_TRUE(WaitFor([&] { return seen.size() >= 3; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(seen.Ids(), (std::vector<std::string>{batch[0].id, batch[1].id, batch[2].id}));
  auto stats = bus.Stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].consumer, Consumer("kitchen"));
  EXPECT_EQ(stats[0].handled, 3);
  EXPECT_EQ(stats[0].depth, 0);
  EXPECT_EQ(stats[0].dead_letters, 0);
  EXPECT_TRUE(bus.DeadLetters(Consumer("kitchen"), 10).empty());
}

TEST_F(AmqpBusTest, OverTlsTheBrokerIsVerifiedAndEventsFlowTheSame) {
  REQUIRE_BROKER();
  const char* url = std::getenv("VETAHUT_TEST_AMQPS_URL");
  const char* ca = std::getenv("VETAHUT_TEST_AMQP_CA");
  ASSERT_TRUE(url && *url && ca && *ca) << "scripts/with-rabbitmq.sh exports VETAHUT_TEST_AMQPS_URL and VETAHUT_TEST_AMQP_CA";
  // The broker's certificate is signed by the run's own CA: trusting it, amqps:// works end to end.
  Seen seen;
  auto options = FastOptions();
  options.tls_ca_file = ca;
  AmqpBus bus(url, options);
  bus.Subscribe(Recording("tls", {"com.vetahut." + prefix_ + ".order.*"}, seen));
  StartAndWait(bus);
  const auto event = Event("order.confirmed");
  bus.Publish(event);
  ASSERT_TRUE(WaitFor([&] { return seen.size() == 1; }));
  EXPECT_EQ(seen.Ids(), std::vector<std::string>{event.id});

  // Trusting only the system's CAs, the same broker is refused: no event goes to an unverified peer.
  AmqpBus untrusting(url, FastOptions());
  try {
    untrusting.Publish(Event("order.confirmed"));
    ADD_FAILURE() << "published to a broker whose certificate nobody vouches for";
  } catch (const core::ErrorException& e) {
    EXPECT_EQ(e.error().code, core::ErrorCode::kUnavailable);
  }
}

TEST_F(AmqpBusTest, EachModuleGetsEveryEventAndReplicasOfAModuleShareThem) {
  REQUIRE_BROKER();
  Seen kitchen_a, kitchen_b, loyalty;
  auto options = FastOptions();
  options.prefetch = 1;  // so both replicas get work
  const std::string pattern = "com.vetahut." + prefix_ + ".#";
  AmqpBus a(AmqpUrl(), options);
  AmqpBus b(AmqpUrl(), options);
  auto slow = [](Seen& seen) {
    return [&seen](const CloudEvent& e) -> core::Status {
      seen.Add(e);
      std::this_thread::sleep_for(5ms);
      return core::Ok();
    };
  };
  Subscription ka{Consumer("kitchen"), {pattern}, slow(kitchen_a)};
  Subscription kb{Consumer("kitchen"), {pattern}, slow(kitchen_b)};
  a.Subscribe(ka);
  a.Subscribe(Recording("loyalty", {pattern}, loyalty));
  b.Subscribe(kb);
  StartAndWait(a);
  StartAndWait(b);
  std::vector<CloudEvent> batch;
  for (int i = 0; i < 40; ++i) batch.push_back(Event("order.confirmed"));
  a.Publish(batch);
  ASSERT_TRUE(
      WaitFor([&] { return kitchen_a.size() + kitchen_b.size() >= 40 && loyalty.size() >= 40; }));
  std::this_thread::sleep_for(300ms);  // nothing more arrives
  std::multiset<std::string> kitchen;
  for (auto& id : kitchen_a.Ids()) kitchen.insert(id);
  for (auto& id : kitchen_b.Ids()) kitchen.insert(id);
  EXPECT_EQ(kitchen.size(), 40u) << "each event handled once by one of the two kitchen replicas";
  for (auto& e : batch) EXPECT_EQ(kitchen.count(e.id), 1u);
  EXPECT_GT(kitchen_a.size(), 0u);
  EXPECT_GT(kitchen_b.size(), 0u);
  EXPECT_EQ(loyalty.size(), 40u);
  a.Stop();
  b.Stop();
}

TEST_F(AmqpBusTest, AFailingHandlerIsRetriedWithBackoffThroughTheDelayQueues) {
  REQUIRE_BROKER();
  auto options = FastOptions();
  options.max_attempts = 5;
  AmqpBus bus(AmqpUrl(), options);
  Seen attempts;
  std::atomic<int> handled{0};
  Subscription s;
  s.consumer = Consumer("kitchen");
  s.patterns = {Type("order.*")};
  s.handler = [&](const CloudEvent& e) -> core::Status {
    attempts.Add(e);
    if (attempts.size() <= 2) return core::Fail(core::Error::Unavailable("printer offline"));
    handled++;
    return core::Ok();
  };
  bus.Subscribe(s);
  StartAndWait(bus);
  auto e = Event("order.confirmed");
  bus.Publish(e);
  ASSERT_TRUE(WaitFor([&] { return handled.load() == 1; }));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(handled.load(), 1);
  ASSERT_EQ(attempts.size(), 3u);
  for (auto& id : attempts.Ids()) EXPECT_EQ(id, e.id);
  std::lock_guard lock(attempts.mutex);
  const auto first_gap = attempts.at[1] - attempts.at[0];
  const auto second_gap = attempts.at[2] - attempts.at[1];
  EXPECT_GE(first_gap, bus.RetryDelay(1) - 20ms);
  EXPECT_GE(second_gap, bus.RetryDelay(2) - 20ms);
  EXPECT_EQ(bus.RetryDelay(2), 2 * bus.RetryDelay(1));
  auto stats = bus.Stats();
  EXPECT_EQ(stats[0].handled, 1);
  EXPECT_EQ(stats[0].failed_attempts, 2);
  EXPECT_EQ(stats[0].depth, 0);
  EXPECT_TRUE(bus.DeadLetters(Consumer("kitchen"), 10).empty());
}

TEST_F(AmqpBusTest, AnAlwaysFailingEventIsDeadLetteredAfterMaxAttemptsAndRedrivenOnce) {
  REQUIRE_BROKER();
  AmqpBus bus(AmqpUrl(), FastOptions());  // 3 attempts
  std::atomic<bool> broken{true};
  std::atomic<int> calls{0};
  std::atomic<int> handled{0};
  Subscription s;
  s.consumer = Consumer("ledger");
  s.patterns = {Type("payment.*")};
  s.handler = [&](const CloudEvent&) -> core::Status {
    calls++;
    if (broken) return core::Fail(core::Error::Unavailable("ledger down"));
    handled++;
    return core::Ok();
  };
  bus.Subscribe(s);
  StartAndWait(bus);
  auto e = Event("payment.settled");
  bus.Publish(e);
  ASSERT_TRUE(WaitFor([&] { return !bus.DeadLetters(Consumer("ledger"), 10).empty(); }));
  auto dead = bus.DeadLetters(Consumer("ledger"), 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].event_id, e.id);
  EXPECT_EQ(dead[0].consumer, Consumer("ledger"));
  EXPECT_EQ(dead[0].type, e.type);
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_NE(dead[0].error.find("ledger down"), std::string::npos) << dead[0].error;
  EXPECT_FALSE(dead[0].failed_at.empty());
  EXPECT_NE(dead[0].envelope.find(e.id), std::string::npos);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(bus.DeadLetters("", 10).size(), 1u);  // every consumer of this process
  EXPECT_EQ(bus.Stats()[0].dead_letters, 1);

  broken = false;  // the ledger is back: an admin re-drives the event
  ASSERT_TRUE(bus.Redrive(Consumer("ledger"), e.id));
  auto again = bus.Redrive(Consumer("ledger"), e.id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::kNotFound);
  ASSERT_TRUE(WaitFor([&] { return handled.load() == 1; }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(handled.load(), 1);
  EXPECT_TRUE(bus.DeadLetters(Consumer("ledger"), 10).empty());
  auto missing = bus.Redrive(Consumer("nobody"), e.id);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::ErrorCode::kNotFound);
}

TEST_F(AmqpBusTest, AValidationErrorIsDeadLetteredAtOnce) {
  REQUIRE_BROKER();
  AmqpBus bus(AmqpUrl(), FastOptions());
  std::atomic<int> calls{0};
  Subscription s;
  s.consumer = Consumer("kitchen");
  s.patterns = {Type("#")};
  s.handler = [&](const CloudEvent&) -> core::Status {
    calls++;
    return core::Fail(core::Error::Validation({{"order_id", "required"}}));
  };
  bus.Subscribe(s);
  StartAndWait(bus);
  auto e = Event("order.confirmed");
  bus.Publish(e);
  ASSERT_TRUE(WaitFor([&] { return !bus.DeadLetters(Consumer("kitchen"), 10).empty(); }));
  auto dead = bus.DeadLetters(Consumer("kitchen"), 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].attempts, 1);
  EXPECT_NE(dead[0].error.find("order_id"), std::string::npos) << dead[0].error;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(AmqpBusTest, WhileTheBrokerIsDownPublishFailsAndAfterwardsBothSidesReconnect) {
  REQUIRE_BROKER();
  Seen seen;
  AmqpBus bus(AmqpUrl(), FastOptions());
  bus.Subscribe(Recording("kitchen", {Type("order.*")}, seen));
  StartAndWait(bus);
  auto before = Event("order.confirmed");
  bus.Publish(before);
  ASSERT_TRUE(WaitFor([&] { return seen.size() == 1; }));

  Broker("stop");
  auto during = Event("order.confirmed");
  const auto t0 = SteadyClock::now();
  try {
    bus.Publish(during);
    ADD_FAILURE() << "Publish succeeded with the broker down";
  } catch (const core::ErrorException& e) {
    EXPECT_EQ(e.error().code, core::ErrorCode::kUnavailable) << e.what();
  }
  EXPECT_LT(SteadyClock::now() - t0, 5s) << "Publish must fail promptly (bounded wait)";
  // Again, at once: the publisher's reconnect back-off answers without waiting.
  EXPECT_THROW(bus.Publish(during), core::ErrorException);
  EXPECT_TRUE(WaitFor([&] { return !bus.ConsumersReady(); }, 5s));

  Broker("start");
  // The relay keeps retrying; here we do what it does.
  auto after = Event("order.confirmed");
  bool published = false;
  const auto until = SteadyClock::now() + 20s;
  while (!published && SteadyClock::now() < until) {
    try {
      bus.Publish(after);
      published = true;
    } catch (const core::ErrorException&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  ASSERT_TRUE(published) << "the publisher did not reconnect";
  ASSERT_TRUE(WaitFor([&] { return seen.size() >= 2; }, 20s)) << "the consumer did not reconnect";
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(seen.Ids(), (std::vector<std::string>{before.id, after.id}));
  const auto t1 = SteadyClock::now();
  bus.Stop();
  EXPECT_LT(SteadyClock::now() - t1, 2s);
}

TEST_F(AmqpBusTest, ABrokerThatDoesNotConfirmInTimeIsUnavailable) {
  REQUIRE_BROKER();
  auto options = FastOptions();
  options.confirm_timeout = 1000ms;
  AmqpBus bus(AmqpUrl(), options);
  bus.Publish(Event("nobody.listens"));  // connected
  Broker("block");  // a memory alarm: the broker stops reading what publishers send
  const auto t0 = SteadyClock::now();
  try {
    bus.Publish(Event("nobody.listens"));
    ADD_FAILURE() << "Publish returned without a confirm";
  } catch (const core::ErrorException& e) {
    EXPECT_EQ(e.error().code, core::ErrorCode::kUnavailable) << e.what();
  }
  const auto waited = SteadyClock::now() - t0;
  Broker("unblock");
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 3s);
  bool published = false;
  for (int i = 0; i < 100 && !published; ++i) {
    try {
      bus.Publish(Event("nobody.listens"));
      published = true;
    } catch (const core::ErrorException&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  EXPECT_TRUE(published);
}

TEST_F(AmqpBusTest, AModuleThatIsDownGetsItsEventsWhenItComesBack) {
  REQUIRE_BROKER();
  Seen seen;
  auto first = std::make_unique<AmqpBus>(AmqpUrl(), FastOptions());
  first->Subscribe(Recording("kitchen", {Type("order.*")}, seen));
  StartAndWait(*first);  // the module's durable queue exists from its first start on
  first->Stop();
  first.reset();

  AmqpBus producer(AmqpUrl(), FastOptions());
  auto e = Event("order.confirmed");
  producer.Publish(e);  // the kitchen is down: its queue keeps the event
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(seen.size(), 0u);

  AmqpBus again(AmqpUrl(), FastOptions());
  again.Subscribe(Recording("kitchen", {Type("order.*")}, seen));
  StartAndWait(again);
  ASSERT_TRUE(WaitFor([&] { return seen.size() == 1; }));
  EXPECT_EQ(seen.Ids()[0], e.id);
}

TEST_F(AmqpBusTest, StopIsPromptAndIdempotent) {
  REQUIRE_BROKER();
  Seen a, b;
  AmqpBus bus(AmqpUrl(), FastOptions());
  bus.Subscribe(Recording("kitchen", {Type("#")}, a));
  bus.Subscribe(Recording("loyalty", {Type("#")}, b));
  StartAndWait(bus);
  const auto t0 = SteadyClock::now();
  bus.Stop();
  EXPECT_LT(SteadyClock::now() - t0, 1s);
  bus.Stop();
  EXPECT_FALSE(bus.ConsumersReady());
}

TEST_F(AmqpBusTest, OpenBusOpensTheAmqpBusAndNoBrokerIsUnavailable) {
  REQUIRE_BROKER();
  auto db = db::Database::Open("sqlite::memory:");
  auto bus = OpenBus(AmqpUrl(), *db);
  ASSERT_NE(dynamic_cast<AmqpBus*>(bus.get()), nullptr);
  EXPECT_NO_THROW(
      bus->Publish(Event("nobody.listens")));  // returned as unroutable, logged, not an error
  auto nowhere = OpenBus("amqp://guest:guest@127.0.0.1:1/%2f", *db);
  try {
    nowhere->Publish(Event("x"));
    ADD_FAILURE() << "published without a broker";
  } catch (const core::ErrorException& e) {
    EXPECT_EQ(e.error().code, core::ErrorCode::kUnavailable);
  }
  EXPECT_THROW(OpenBus("kafka://localhost", *db), core::ErrorException);
}

/// The outbox relay with the AMQP bus and a real database: events committed while the broker is
/// down stay in the outbox and are delivered once it is back.
TEST_F(AmqpBusTest, EventsCommittedWhileTheBrokerIsDownAreDeliveredWhenItReturns) {
  REQUIRE_BROKER();
  const auto path = std::filesystem::temp_directory_path() / (prefix_ + "_amqp_outbox.db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  auto db = db::Database::Open("sqlite:" + path.string());
  const std::string module = Consumer("kitchen");  // the consumer's inbox is <module>_inbox
  auto migrations = OutboxInboxMigrations(module, 1);
  db::Migration effects;
  effects.module = module;
  effects.version = 3;
  effects.name = "effects";
  effects.sql = "CREATE TABLE amqp_effects (event_id TEXT NOT NULL)";
  migrations.push_back(effects);
  db::Migrate(*db, migrations);

  AmqpBus bus(AmqpUrl(), FastOptions());
  bus.Subscribe(IdempotentConsumer(*db, Consumer("kitchen"), {Type("order.*")},
                                   [](db::Transaction& tx, const CloudEvent& e) -> core::Status {
                                     tx.Exec("INSERT INTO amqp_effects (event_id) VALUES ($1)",
                                             db::Params(e.id));
                                     AcknowledgeIn(tx);  // does nothing on this bus
                                     return core::Ok();
                                   }));
  StartAndWait(bus);
  Outbox outbox(module);
  OutboxRelay relay(*db, bus, module, RelayOptions{.max_backoff = 500ms});
  auto count = [&] { return db->Query("SELECT COUNT(*) FROM amqp_effects")[0].Int(0); };

  Broker("stop");
  std::vector<CloudEvent> events;
  for (int i = 0; i < 3; ++i) {
    events.push_back(Event("order.confirmed"));
    auto tx = db->Begin();
    outbox.Add(tx, events.back());
    tx.Commit();
  }
  try {
    EXPECT_EQ(relay.RelayOnce(), 0);
  } catch (const core::ErrorException& e) {
    EXPECT_EQ(e.error().code, core::ErrorCode::kUnavailable);
  }
  EXPECT_EQ(relay.Pending(), 3) << "nothing is marked sent while the broker is down";

  Broker("start");
  relay.Start();  // the background relay retries with back-off
  ASSERT_TRUE(WaitFor([&] { return relay.Pending() == 0; }, 20s));
  ASSERT_TRUE(WaitFor([&] { return count() == 3; }, 20s));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(count(), 3);
  relay.Stop();
  bus.Stop();
  db.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

TEST(AmqpBus, LiveNoticesReachEveryOtherProcessOnceAndNeverTheSender) {
  REQUIRE_BROKER();
  // Two "replicas" and a third process listening to something else.
  AmqpBus a(AmqpUrl(), FastOptions()), b(AmqpUrl(), FastOptions()), c(AmqpUrl(), FastOptions());
  std::mutex mutex;
  std::vector<std::string> heard_a, heard_b, heard_c;
  auto record = [&mutex](std::vector<std::string>& into) {
    return [&mutex, &into](const std::string& body) {
      std::lock_guard lock(mutex);
      into.push_back(body);
    };
  };
  a.Listen("livetest.tracked", record(heard_a));
  b.Listen("livetest.*", record(heard_b));
  c.Listen("livetest.other", record(heard_c));
  a.Start();
  b.Start();
  c.Start();
  ASSERT_TRUE(WaitFor([&] { return a.Listening() && b.Listening() && c.Listening(); }));
  a.Broadcast("livetest.tracked", R"({"order_id":"o1","seq":2})");
  b.Broadcast("livetest.tracked", R"({"order_id":"o1","seq":3})");
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(mutex);
    return heard_a.size() == 1 && heard_b.size() == 1;
  }));
  std::this_thread::sleep_for(300ms);  // nothing more arrives
  std::lock_guard lock(mutex);
  EXPECT_EQ(heard_a, std::vector<std::string>{R"({"order_id":"o1","seq":3})"});
  EXPECT_EQ(heard_b, std::vector<std::string>{R"({"order_id":"o1","seq":2})"});
  EXPECT_TRUE(heard_c.empty());
}

TEST(AmqpBus, ALiveNoticeWithTheBrokerDownIsDroppedWithoutAnError) {
  REQUIRE_BROKER();
  AmqpBus a(AmqpUrl(), FastOptions()), b(AmqpUrl(), FastOptions());
  std::atomic<int> heard{0};
  b.Listen("livedown.#", [&heard](const std::string&) { ++heard; });
  a.Start();
  b.Start();
  ASSERT_TRUE(WaitFor([&] { return b.Listening(); }));
  Broker("stop");
  const auto start = SteadyClock::now();
  EXPECT_NO_THROW(a.Broadcast("livedown.x", "{}"));
  EXPECT_LT(SteadyClock::now() - start, 5s);
  Broker("start");
  // The listener comes back by itself; notices flow again.
  ASSERT_TRUE(WaitFor([&] { return b.Listening(); }, 30s));
  ASSERT_TRUE(WaitFor([&] {
    a.Broadcast("livedown.x", "{}");
    return heard.load() > 0;
  }, 30s));
}

}  // namespace
}  // namespace vetahut::bus
