// Outbox, relay, inbox and in-process bus semantics, run against the engine named by
// VETAHUT_TEST_DB_URL (registered once for SQLite and once for PostgreSQL).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "lib/bus/cloud_event.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/bus/outbox.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/test_database.hpp"

namespace vetahut::bus {
namespace {

/// Records what it is given; can be told to fail.
class RecordingBus final : public EventBus {
 public:
  void Publish(const CloudEvent& event) override {
    std::lock_guard lock(mutex);
    if (fail_type == event.type) throw core::ErrorException(core::Error::Unavailable("broker down"));
    published.push_back(event);
  }
  void Subscribe(Subscription) override {}
  std::mutex mutex;
  std::vector<CloudEvent> published;
  std::string fail_type;
};

class BusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::OpenTestDatabase();
    ASSERT_TRUE(db_);
    for (const char* t : {"schema_migrations", "bustest_outbox", "bustest_outbox_lease", "bustest_inbox",
                          "bus_dead_letters", "bustest_effects"}) {
      db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
    }
    auto migrations = OutboxInboxMigrations("bustest", 1);
    for (auto& m : BusMigrations()) migrations.push_back(m);
    db::Migration effects;
    effects.module = "bustest";
    effects.version = 3;
    effects.name = "effects";
    effects.sql = "CREATE TABLE bustest_effects (event_id TEXT NOT NULL, note TEXT NOT NULL)";
    migrations.push_back(effects);
    db::Migrate(*db_, migrations);
  }

  CloudEvent Event(std::string type, std::string data = "{\"n\":1}") {
    return MakeEvent(ids_, core::SystemClock::Instance(), "/vetahut/test", std::move(type), "subj-1",
                     std::move(data));
  }

  void AddCommitted(const CloudEvent& e) {
    auto tx = db_->Begin();
    outbox_.Add(tx, e);
    tx.Commit();
  }

  std::int64_t Effects() { return db_->Query("SELECT COUNT(*) FROM bustest_effects")[0].Int(0); }

  std::unique_ptr<db::Database> db_;
  core::IdGenerator ids_{core::SystemClock::Instance()};
  Outbox outbox_{"bustest"};
};

TEST(CloudEventTest, RoundTripsThroughTheJsonEnvelope) {
  core::IdGenerator ids(core::SystemClock::Instance());
  CloudEvent e = MakeEvent(ids, core::SystemClock::Instance(), "/vetahut/order", "com.vetahut.order.confirmed",
                           "ord_1", R"({"order_id":"ord_1","total":{"amount":1299,"currency":"USD"}})",
                           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const std::string json = e.ToJson();
  EXPECT_NE(json.find("\"specversion\":\"1.0\""), std::string::npos);
  EXPECT_NE(json.find("\"data\":{\"order_id\""), std::string::npos);  // embedded, not a string
  auto back = CloudEvent::FromJson(json);
  ASSERT_TRUE(back) << back.error().detail;
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->subject, "ord_1");
  EXPECT_EQ(back->traceparent, e.traceparent);
  EXPECT_EQ(back->data, R"({"order_id":"ord_1","total":{"amount":1299,"currency":"USD"}})");
  EXPECT_EQ(std::chrono::floor<std::chrono::milliseconds>(back->time),
            std::chrono::floor<std::chrono::milliseconds>(e.time));
}

TEST(CloudEventTest, RejectsEnvelopesMissingRequiredAttributes) {
  EXPECT_FALSE(CloudEvent::FromJson("not json"));
  EXPECT_FALSE(CloudEvent::FromJson(R"({"id":"1","source":"/s","type":"t"})"));  // no specversion
  EXPECT_FALSE(CloudEvent::FromJson(R"({"specversion":"0.3","id":"1","source":"/s","type":"t"})"));
  EXPECT_FALSE(CloudEvent::FromJson(R"({"specversion":"1.0","source":"/s","type":"t"})"));
  EXPECT_FALSE(CloudEvent::FromJson(R"({"specversion":"1.0","id":"","source":"/s","type":"t"})"));
  EXPECT_FALSE(CloudEvent::FromJson(R"({"specversion":"1.0","id":"1","source":"/s","type":"t","time":"yesterday"})"));
  EXPECT_TRUE(CloudEvent::FromJson(R"({"specversion":"1.0","id":"1","source":"/s","type":"t"})"));
}

TEST(TopicMatchesTest, FollowsAmqpTopicRules) {
  EXPECT_TRUE(TopicMatches("com.vetahut.order.*", "com.vetahut.order.confirmed"));
  EXPECT_FALSE(TopicMatches("com.vetahut.order.*", "com.vetahut.order.status.changed"));
  EXPECT_TRUE(TopicMatches("com.vetahut.#", "com.vetahut.order.status.changed"));
  EXPECT_TRUE(TopicMatches("#", "anything.at.all"));
  EXPECT_TRUE(TopicMatches("com.#.changed", "com.vetahut.store.status_changed") == false);
  EXPECT_TRUE(TopicMatches("com.#.status_changed", "com.vetahut.store.status_changed"));
  EXPECT_FALSE(TopicMatches("com.vetahut.menu.published", "com.vetahut.menu.published.v2"));
}

TEST_F(BusTest, EventOfARolledBackChangeIsNeverPublished) {
  {
    auto tx = db_->Begin();
    outbox_.Add(tx, Event("com.vetahut.test.rolled_back"));
    // no Commit: the change and its event vanish together
  }
  AddCommitted(Event("com.vetahut.test.kept"));
  RecordingBus bus;
  OutboxRelay relay(*db_, bus, "bustest");
  EXPECT_EQ(relay.RelayOnce(), 1);
  ASSERT_EQ(bus.published.size(), 1u);
  EXPECT_EQ(bus.published[0].type, "com.vetahut.test.kept");
}

TEST_F(BusTest, RelayPublishesInCommitOrderAndMarksSent) {
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) {
    auto e = Event("com.vetahut.test.n", "{\"n\":" + std::to_string(i) + "}");
    ids.push_back(e.id);
    AddCommitted(e);
  }
  RecordingBus bus;
  OutboxRelay relay(*db_, bus, "bustest", RelayOptions{.batch_size = 10});
  EXPECT_EQ(relay.Pending(), 25);
  EXPECT_EQ(relay.RelayOnce(), 10);
  EXPECT_EQ(relay.RelayOnce(), 10);
  EXPECT_EQ(relay.RelayOnce(), 5);
  EXPECT_EQ(relay.RelayOnce(), 0);  // sent events are not sent again
  EXPECT_EQ(relay.Pending(), 0);
  ASSERT_EQ(bus.published.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(bus.published[i].id, ids[i]);
}

TEST_F(BusTest, FailedPublishKeepsTheEventAndTheOrder) {
  AddCommitted(Event("com.vetahut.test.first"));
  AddCommitted(Event("com.vetahut.test.blocked"));
  AddCommitted(Event("com.vetahut.test.third"));
  RecordingBus bus;
  bus.fail_type = "com.vetahut.test.blocked";
  OutboxRelay relay(*db_, bus, "bustest");
  EXPECT_THROW(relay.RelayOnce(), core::ErrorException);
  ASSERT_EQ(bus.published.size(), 1u);  // "third" was not sent ahead of "blocked"
  EXPECT_EQ(relay.Pending(), 2);
  bus.fail_type.clear();  // the broker is back
  EXPECT_EQ(relay.RelayOnce(), 2);
  ASSERT_EQ(bus.published.size(), 3u);
  EXPECT_EQ(bus.published[1].type, "com.vetahut.test.blocked");
  EXPECT_EQ(bus.published[2].type, "com.vetahut.test.third");
  auto attempts = db_->Query("SELECT attempts FROM bustest_outbox WHERE type = 'com.vetahut.test.blocked'");
  EXPECT_EQ(attempts[0].Int(0), 2);
}

TEST_F(BusTest, OnlyTheLeaseHolderRelays) {
  AddCommitted(Event("com.vetahut.test.once"));
  RecordingBus bus;
  OutboxRelay a(*db_, bus, "bustest");
  OutboxRelay b(*db_, bus, "bustest");
  EXPECT_EQ(a.RelayOnce(), 1);
  AddCommitted(Event("com.vetahut.test.twice"));
  EXPECT_EQ(b.RelayOnce(), 0);  // a still holds the lease
  EXPECT_EQ(a.RelayOnce(), 1);
  EXPECT_EQ(bus.published.size(), 2u);
}

TEST_F(BusTest, RedeliveredEventHasItsEffectExactlyOnce) {
  InProcessBus bus(db_.get());
  bus.Subscribe(IdempotentConsumer(*db_, "bustest", {"com.vetahut.test.*"},
                                   [](db::Transaction& tx, const CloudEvent& e) -> core::Status {
                                     tx.Exec("INSERT INTO bustest_effects (event_id, note) VALUES ($1, 'x')",
                                             db::Params(e.id));
                                     return core::Ok();
                                   }));
  AddCommitted(Event("com.vetahut.test.paid"));
  OutboxRelay relay(*db_, bus, "bustest");
  EXPECT_EQ(relay.RelayOnce(), 1);
  EXPECT_EQ(Effects(), 1);
  // A crash after publishing but before marking sent: the relay publishes again.
  db_->Exec("UPDATE bustest_outbox SET sent_at = NULL");
  EXPECT_EQ(relay.RelayOnce(), 1);
  EXPECT_EQ(Effects(), 1);
}

TEST_F(BusTest, FailedEffectRollsBackItsInboxRecordAndIsRetried) {
  int calls = 0;
  InProcessBus bus(db_.get(), InProcessBusOptions{.max_attempts = 3, .first_backoff = std::chrono::milliseconds(1)});
  bus.Subscribe(IdempotentConsumer(*db_, "bustest", {"#"},
                                   [&](db::Transaction& tx, const CloudEvent& e) -> core::Status {
                                     tx.Exec("INSERT INTO bustest_effects (event_id, note) VALUES ($1, 'x')",
                                             db::Params(e.id));
                                     if (++calls < 3) return core::Fail(core::Error::Unavailable("flaky"));
                                     return core::Ok();
                                   }));
  bus.Publish(Event("com.vetahut.test.flaky"));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(Effects(), 1);  // the two failed attempts left nothing behind
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bustest_inbox")[0].Int(0), 1);
  EXPECT_EQ(bus.dead_lettered(), 0);
}

TEST_F(BusTest, PoisonEventIsDeadLetteredWithoutBlockingOtherConsumers) {
  InProcessBus bus(db_.get(), InProcessBusOptions{.max_attempts = 2, .first_backoff = std::chrono::milliseconds(1)});
  int healthy = 0;
  bus.Subscribe({"broken", {"#"}, [](const CloudEvent&) -> core::Status {
                   throw std::runtime_error("consumer bug");
                 }});
  bus.Subscribe({"healthy", {"com.vetahut.test.*"}, [&](const CloudEvent&) -> core::Status {
                   ++healthy;
                   return core::Ok();
                 }});
  auto e = Event("com.vetahut.test.poison");
  EXPECT_NO_THROW(bus.Publish(e));
  EXPECT_EQ(healthy, 1);
  EXPECT_EQ(bus.dead_lettered(), 1);
  auto rows = db_->Query("SELECT consumer, event_id, error FROM bus_dead_letters");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "broken");
  EXPECT_EQ(rows[0].Text(1), e.id);
  EXPECT_EQ(rows[0].Text(2), "consumer bug");
}

TEST_F(BusTest, WithoutADeadLetterStoreAFailingConsumerRefusesThePublish) {
  InProcessBus bus(nullptr, InProcessBusOptions{.max_attempts = 1});
  bus.Subscribe({"broken", {"#"}, [](const CloudEvent&) { return core::Status(core::Fail(core::Error::Internal("no"))); }});
  EXPECT_THROW(bus.Publish(Event("com.vetahut.test.x")), core::ErrorException);
}

TEST_F(BusTest, BackgroundRelayDeliversSoonAfterNotify) {
  InProcessBus bus(db_.get());
  std::mutex m;
  std::condition_variable cv;
  int seen = 0;
  bus.Subscribe({"watcher", {"#"}, [&](const CloudEvent&) -> core::Status {
                   std::lock_guard lock(m);
                   ++seen;
                   cv.notify_all();
                   return core::Ok();
                 }});
  OutboxRelay relay(*db_, bus, "bustest", RelayOptions{.idle_interval = std::chrono::milliseconds(60000)});
  relay.Start();
  AddCommitted(Event("com.vetahut.test.live"));
  relay.Notify();
  std::unique_lock lock(m);
  EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return seen == 1; }));
  lock.unlock();
  relay.Stop();
}

}  // namespace
}  // namespace vetahut::bus
