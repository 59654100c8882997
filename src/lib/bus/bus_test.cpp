// Outbox, relay, inbox and in-process bus semantics, run against the engine named by
// VETAHUT_TEST_DB_URL (registered once for SQLite and once for PostgreSQL).
#include <gtest/gtest.h>

#include <map>

#include <cstdlib>
#include <filesystem>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "lib/bus/cloud_event.hpp"
#include "lib/bus/consumer.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/bus/outbox.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/test_database.hpp"
#include "lib/log/log.hpp"

namespace vetahut::bus {
namespace {

/// Records what it is given; can be told to fail.
class RecordingBus final : public EventBus {
 public:
  using EventBus::Publish;
  void Publish(const std::vector<CloudEvent>& events) override {
    std::lock_guard lock(mutex);
    for (const auto& event : events) {
      if (fail_type == event.type) throw core::ErrorException(core::Error::Unavailable("broker down"));
    }
    for (const auto& event : events) published.push_back(event);
  }
  void Subscribe(Subscription) override {}
  void Start() override {}
  void Stop() override {}
  std::vector<DeadLetter> DeadLetters(const std::string&, int) override { return {}; }
  core::Status Redrive(const std::string&, const std::string&) override { return core::Ok(); }
  std::vector<QueueStats> Stats() override { return {}; }
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
                          "bus_dead_letters", "bus_queue", "bus_consumers", "bustest_effects", "fast_inbox",
                          "slow_inbox"}) {
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

TEST(CloudEventTest, AnEventWrittenInATraceContinuesIt) {
  core::IdGenerator ids(core::SystemClock::Instance());
  const auto outside = MakeEvent(ids, core::SystemClock::Instance(), "/s", "t", "x", "{}");
  EXPECT_EQ(outside.traceparent, "");
  log::Context context("req_1", "4bf92f3577b34da6a3ce929d0e0e4736");
  const auto inside = MakeEvent(ids, core::SystemClock::Instance(), "/s", "t", "x", "{}");
  EXPECT_EQ(log::TraceIdOf(inside.traceparent), "4bf92f3577b34da6a3ce929d0e0e4736") << inside.traceparent;
  EXPECT_EQ(inside.traceparent.size(), 55u);
  const auto explicit_parent = MakeEvent(ids, core::SystemClock::Instance(), "/s", "t", "x", "{}",
                                         "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(log::TraceIdOf(explicit_parent.traceparent), "0af7651916cd43dd8448eb211c80319c");
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

/// Commits a held transaction from inside Publish: between the relay's read and its mark.
class CommitDuringPublishBus final : public EventBus {
 public:
  using EventBus::Publish;
  void Publish(const std::vector<CloudEvent>& events) override {
    for (const auto& event : events) published.push_back(event.id);
    if (held) {
      held->Commit();
      held.reset();
    }
  }
  void Subscribe(Subscription) override {}
  void Start() override {}
  void Stop() override {}
  std::vector<DeadLetter> DeadLetters(const std::string&, int) override { return {}; }
  core::Status Redrive(const std::string&, const std::string&) override { return core::Ok(); }
  std::vector<QueueStats> Stats() override { return {}; }
  std::optional<db::Transaction> held;
  std::vector<std::string> published;
};

TEST_F(BusTest, AnEventCommittedWhileTheRelayPublishesIsNotMarkedSentUnpublished) {
  // PostgreSQL takes a seq at INSERT and shows the row at COMMIT: B (seq 2) is written before C
  // (seq 3) but commits after the relay read A and C. SQLite has one writer: no such interleaving.
  if (db_->engine() != db::Engine::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  const auto a = Event("com.vetahut.test.a");
  const auto b = Event("com.vetahut.test.b");
  const auto c = Event("com.vetahut.test.c");
  AddCommitted(a);
  CommitDuringPublishBus bus;
  bus.held.emplace(db_->Begin());
  outbox_.Add(*bus.held, b);
  AddCommitted(c);
  OutboxRelay relay(*db_, bus, "bustest");
  EXPECT_EQ(relay.RelayOnce(), 2);  // A and C; B commits during their publish
  EXPECT_EQ(relay.Pending(), 1) << "B must still be waiting to be sent";
  EXPECT_EQ(relay.RelayOnce(), 1);
  EXPECT_EQ(bus.published, (std::vector<std::string>{a.id, c.id, b.id}));
  EXPECT_EQ(relay.Pending(), 0);
}

TEST_F(BusTest, FailedPublishKeepsTheEventAndTheOrder) {
  AddCommitted(Event("com.vetahut.test.first"));
  AddCommitted(Event("com.vetahut.test.blocked"));
  AddCommitted(Event("com.vetahut.test.third"));
  RecordingBus bus;
  bus.fail_type = "com.vetahut.test.blocked";
  OutboxRelay relay(*db_, bus, "bustest");
  EXPECT_THROW(relay.RelayOnce(), core::ErrorException);
  ASSERT_EQ(bus.published.size(), 0u);  // the round is one publish: nothing overtakes "blocked"
  EXPECT_EQ(relay.Pending(), 3);
  bus.fail_type.clear();  // the broker is back
  EXPECT_EQ(relay.RelayOnce(), 3);
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

/// Drains `consumer` until `done` or a few seconds have passed (retries wait for their back-off).
template <class F>
void DrainUntil(InProcessBus& bus, const std::string& consumer, F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    bus.DrainOnce(consumer);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

template <class F>
bool Eventually(F condition, std::chrono::milliseconds within = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

Subscription RecordEffects(db::Database& db, std::string consumer, std::function<core::Status()> outcome = {}) {
  return IdempotentConsumer(db, std::move(consumer), {"com.vetahut.test.*"},
                            [outcome](db::Transaction& tx, const CloudEvent& e) -> core::Status {
                              tx.Exec("INSERT INTO bustest_effects (event_id, note) VALUES ($1, 'x')", db::Params(e.id));
                              return outcome ? outcome() : core::Ok();
                            });
}

TEST_F(BusTest, RedeliveredEventHasItsEffectExactlyOnce) {
  InProcessBus bus(*db_);
  bus.Subscribe(RecordEffects(*db_, "bustest"));
  AddCommitted(Event("com.vetahut.test.paid"));
  OutboxRelay relay(*db_, bus, "bustest");
  EXPECT_EQ(relay.RelayOnce(), 1);
  // Queued and marked sent together.
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bus_queue")[0].Int(0), 1);
  EXPECT_EQ(relay.Pending(), 0);
  EXPECT_EQ(bus.DrainOnce("bustest"), 1);
  EXPECT_EQ(Effects(), 1);
  // Acknowledged in the effect's own transaction.
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bus_queue")[0].Int(0), 0);
  // A crash after publishing but before marking sent: the relay publishes again.
  db_->Exec("UPDATE bustest_outbox SET sent_at = NULL");
  EXPECT_EQ(relay.RelayOnce(), 1);
  EXPECT_EQ(bus.DrainOnce("bustest"), 1);
  EXPECT_EQ(Effects(), 1);
}

TEST_F(BusTest, ALargeRelayRoundReachesEveryConsumerWholeAndInOrder) {
  // 150 events × 2 consumers and one event only one wants: 301 queue rows written by multi-row
  // statements (64, 16, 4 and 1 rows); each consumer gets its events once, in order, intact.
  InProcessBus bus(*db_, InProcessBusOptions{.batch_size = 500});
  std::vector<std::string> a_seen, b_seen;
  bus.Subscribe({"a", {"com.vetahut.test.#"}, [&](const CloudEvent& e) -> core::Status {
                   a_seen.push_back(e.id + " " + e.data);
                   return core::Ok();
                 }});
  bus.Subscribe({"b", {"com.vetahut.test.n"}, [&](const CloudEvent& e) -> core::Status {
                   b_seen.push_back(e.id + " " + e.data);
                   return core::Ok();
                 }});
  std::vector<CloudEvent> events;
  std::vector<std::string> all, only_n;
  for (int i = 0; i < 151; ++i) {
    events.push_back(Event(i == 75 ? "com.vetahut.test.other" : "com.vetahut.test.n", "{\"n\":" + std::to_string(i) + "}"));
    all.push_back(events.back().id + " " + events.back().data);
    if (i != 75) only_n.push_back(all.back());
  }
  bus.Publish(events);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bus_queue")[0].Int(0), 301);
  bus.Publish(events);  // a relay that publishes the round again queues nothing twice
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bus_queue")[0].Int(0), 301);
  EXPECT_EQ(bus.DrainOnce("a"), 151);
  EXPECT_EQ(bus.DrainOnce("b"), 150);
  EXPECT_EQ(a_seen, all);
  EXPECT_EQ(b_seen, only_n);
}

TEST_F(BusTest, AQueuedEventSurvivesARestartOfTheBus) {
  auto e = Event("com.vetahut.test.durable");
  {
    InProcessBus bus(*db_);
    bus.Subscribe(RecordEffects(*db_, "bustest"));
    bus.Publish(e);  // confirmed: queued durably, not yet handled (the bus never started)
  }
  InProcessBus restarted(*db_);
  restarted.Subscribe(RecordEffects(*db_, "bustest"));
  restarted.Start();
  EXPECT_TRUE(Eventually([&] { return Effects() == 1; }));
  restarted.Stop();
}

TEST_F(BusTest, FailedEffectRollsBackItsInboxRecordAndIsRetried) {
  int calls = 0;
  InProcessBus bus(*db_, InProcessBusOptions{.max_attempts = 3, .first_backoff = std::chrono::milliseconds(1)});
  bus.Subscribe(RecordEffects(*db_, "bustest", [&]() -> core::Status {
    if (++calls < 3) return core::Fail(core::Error::Unavailable("flaky"));
    return core::Ok();
  }));
  bus.Publish(Event("com.vetahut.test.flaky"));
  DrainUntil(bus, "bustest", [&] { return calls == 3; });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(Effects(), 1);  // the two failed attempts left nothing behind
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bustest_inbox")[0].Int(0), 1);
  EXPECT_TRUE(bus.DeadLetters("", 10).empty());
}

TEST_F(BusTest, ARetryDoesNotHoldUpTheEventsBehindIt) {
  std::vector<std::string> seen;
  InProcessBus bus(*db_, InProcessBusOptions{.first_backoff = std::chrono::seconds(60)});
  bus.Subscribe({"bustest", {"#"}, [&](const CloudEvent& e) -> core::Status {
                   seen.push_back(e.type);
                   if (e.type == "com.vetahut.test.first") return core::Fail(core::Error::Unavailable("not yet"));
                   return core::Ok();
                 }});
  bus.Publish(std::vector<CloudEvent>{Event("com.vetahut.test.first"), Event("com.vetahut.test.second")});
  bus.DrainOnce("bustest");
  EXPECT_EQ(seen, (std::vector<std::string>{"com.vetahut.test.first", "com.vetahut.test.second"}));
  EXPECT_EQ(bus.Stats().at(0).depth, 1);  // the first waits for its back-off; the second is done
}

TEST_F(BusTest, PoisonEventIsDeadLetteredWithoutBlockingOtherConsumers) {
  InProcessBus bus(*db_, InProcessBusOptions{.max_attempts = 2, .first_backoff = std::chrono::milliseconds(1)});
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
  bus.DrainOnce("healthy");
  EXPECT_EQ(healthy, 1);
  DrainUntil(bus, "broken", [&] { return !bus.DeadLetters("broken", 10).empty(); });
  auto dead = bus.DeadLetters("", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].consumer, "broken");
  EXPECT_EQ(dead[0].event_id, e.id);
  EXPECT_EQ(dead[0].error, "consumer bug");
  EXPECT_EQ(dead[0].attempts, 2);
  for (const auto& s : bus.Stats()) {
    EXPECT_EQ(s.depth, 0) << s.consumer;
    EXPECT_EQ(s.dead_letters, s.consumer == "broken" ? 1 : 0) << s.consumer;
  }
}

TEST_F(BusTest, ASlowOrFailingConsumerDoesNotDelayAnotherModulesConsumer) {
  InProcessBus bus(*db_, InProcessBusOptions{.first_backoff = std::chrono::milliseconds(5)});
  std::atomic<bool> release_slow{false};
  std::atomic<int> slow_started{0};
  std::atomic<int> fast_seen{0};
  std::atomic<int> failing_calls{0};
  bus.Subscribe({"slow", {"#"}, [&](const CloudEvent&) -> core::Status {
                   ++slow_started;
                   while (!release_slow) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // an SMTP server that hangs
                   return core::Ok();
                 }});
  bus.Subscribe({"failing", {"#"}, [&](const CloudEvent&) -> core::Status {
                   ++failing_calls;
                   return core::Fail(core::Error::Unavailable("partner down"));
                 }});
  bus.Subscribe({"fast", {"#"}, [&](const CloudEvent&) -> core::Status {
                   ++fast_seen;
                   return core::Ok();
                 }});
  bus.Start();
  bus.Publish(Event("com.vetahut.test.n"));
  ASSERT_TRUE(Eventually([&] { return slow_started.load() == 1 && failing_calls.load() >= 1 && fast_seen.load() == 1; }));
  // The slow consumer is stuck in its first event and the failing one keeps failing: every new
  // event still reaches the fast consumer at once.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 19; ++i) bus.Publish(Event("com.vetahut.test.n"));
  EXPECT_TRUE(Eventually([&] { return fast_seen.load() == 20; }, std::chrono::seconds(5)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(slow_started.load(), 1);
  release_slow = true;
  EXPECT_TRUE(Eventually([&] { return slow_started.load() == 20; }));
  bus.Stop();
}

/// A typed event as services declare them in events.hpp.
struct TestPaid {
  static constexpr std::string_view kSource = "/vetahut/test";
  static constexpr std::string_view kType = "com.vetahut.test.paid";
  static constexpr int kVersion = 1;
  std::int64_t amount = 0;
  std::string ToJson() const { return "{\"amount\":" + std::to_string(amount) + "}"; }
  static core::Result<TestPaid> FromJson(std::string_view data) {
    const auto at = data.find("\"amount\":");
    if (at == std::string_view::npos) return core::Fail(core::Error::BadRequest("amount: is required"));
    return TestPaid{std::stoll(std::string(data.substr(at + 9)))};
  }
};

TEST_F(BusTest, ADeadLetteredEventIsRedrivenExactlyOnce) {
  std::atomic<bool> broken{true};
  std::atomic<std::int64_t> total{0};
  InProcessBus bus(*db_, InProcessBusOptions{.max_attempts = 2, .first_backoff = std::chrono::milliseconds(1)});
  Consumer consumer(*db_, "bustest");
  consumer.On<TestPaid>([&](db::Transaction& tx, const TestPaid& paid, const CloudEvent& e) -> core::Status {
    if (broken) return core::Fail(core::Error::Unavailable("ledger down"));
    tx.Exec("INSERT INTO bustest_effects (event_id, note) VALUES ($1, 'paid')", db::Params(e.id));
    total += paid.amount;
    return core::Ok();
  });
  bus.Subscribe(std::move(consumer).Build());
  auto e = MakeTypedEvent(ids_, core::SystemClock::Instance(), "ord_1", TestPaid{1299});
  EXPECT_EQ(e.dataschema, "urn:vetahut:com.vetahut.test.paid:1");
  bus.Publish(e);
  DrainUntil(bus, "bustest", [&] { return !bus.DeadLetters("bustest", 10).empty(); });
  ASSERT_EQ(bus.DeadLetters("bustest", 10).size(), 1u);
  EXPECT_EQ(Effects(), 0);

  broken = false;  // the ledger is back: an admin re-drives the event
  ASSERT_TRUE(bus.Redrive("bustest", e.id));
  auto again = bus.Redrive("bustest", e.id);  // a second click, or a second admin
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::kNotFound);
  bus.DrainOnce("bustest");
  bus.DrainOnce("bustest");
  EXPECT_EQ(Effects(), 1);
  EXPECT_EQ(total.load(), 1299);
  EXPECT_TRUE(bus.DeadLetters("bustest", 10).empty());
  // Even the same event published again (a relay after a crash) has no second effect.
  bus.Publish(e);
  bus.DrainOnce("bustest");
  EXPECT_EQ(Effects(), 1);
}

TEST_F(BusTest, AfterCommitRunsOnceTheEffectIsCommittedAndOnlyThen) {
  std::atomic<bool> broken{true};
  std::vector<std::int64_t> seen_after_commit;  // effects another connection sees when the hook runs
  InProcessBus bus(*db_, InProcessBusOptions{.max_attempts = 5, .first_backoff = std::chrono::milliseconds(1)});
  Consumer consumer(*db_, "bustest");
  consumer.On<TestPaid>([&](db::Transaction& tx, const TestPaid&, const CloudEvent& e) -> core::Status {
    if (broken) return core::Fail(core::Error::Unavailable("ledger down"));
    tx.Exec("INSERT INTO bustest_effects (event_id, note) VALUES ($1, 'paid')", db::Params(e.id));
    return core::Ok();
  });
  consumer.AfterCommit([&] { seen_after_commit.push_back(Effects()); });
  bus.Subscribe(std::move(consumer).Build());
  auto e = MakeTypedEvent(ids_, core::SystemClock::Instance(), "ord_1", TestPaid{100});
  bus.Publish(e);
  bus.DrainOnce("bustest");
  EXPECT_TRUE(seen_after_commit.empty()) << "a failed effect committed nothing: no hook";
  broken = false;
  DrainUntil(bus, "bustest", [&] { return Effects() == 1; });
  ASSERT_EQ(seen_after_commit, std::vector<std::int64_t>{1}) << "the hook sees the committed effect";
  bus.Publish(e);  // redelivered: handled before, nothing committed, no hook
  bus.DrainOnce("bustest");
  EXPECT_EQ(seen_after_commit.size(), 1u);
}

TEST_F(BusTest, ABacklogIsHandledInOneTransactionAndAFailingEventGoesOnItsOwn) {
  // 30 events waiting: one round, one transaction (one commit hook), 30 effects and 30 inbox
  // records. Then a round where one effect fails: nothing of that transaction stays, the others
  // are handled one by one, and the failing one is retried alone until it succeeds.
  std::atomic<std::int64_t> failing{-1};
  InProcessBus bus(*db_, InProcessBusOptions{.max_attempts = 5, .first_backoff = std::chrono::milliseconds(1)});
  Consumer consumer(*db_, "bustest");
  consumer.On<TestPaid>([&](db::Transaction& tx, const TestPaid& paid, const CloudEvent& e) -> core::Status {
    tx.Exec("INSERT INTO bustest_effects (event_id, note) VALUES ($1, 'paid')", db::Params(e.id));
    if (paid.amount == failing) return core::Fail(core::Error::Unavailable("ledger down"));
    return core::Ok();
  });
  int commits = 0;
  consumer.AfterCommit([&] { ++commits; });
  bus.Subscribe(std::move(consumer).Build());
  std::vector<CloudEvent> first, second;
  for (int i = 0; i < 30; ++i) first.push_back(MakeTypedEvent(ids_, core::SystemClock::Instance(), "ord_a", TestPaid{i}));
  bus.Publish(first);
  EXPECT_EQ(bus.DrainOnce("bustest"), 30);
  EXPECT_EQ(Effects(), 30);
  EXPECT_EQ(commits, 1) << "one transaction for the round";
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bustest_inbox")[0].Int(0), 30);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bus_queue")[0].Int(0), 0);

  bus.Publish(first);  // the relay published the round again: every one is in the inbox
  EXPECT_EQ(bus.DrainOnce("bustest"), 30);
  EXPECT_EQ(Effects(), 30);
  EXPECT_EQ(commits, 1) << "nothing ran, so no hook";
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bus_queue")[0].Int(0), 0);

  failing = 112;
  for (int i = 100; i < 120; ++i) second.push_back(MakeTypedEvent(ids_, core::SystemClock::Instance(), "ord_b", TestPaid{i}));
  bus.Publish(second);
  commits = 0;
  bus.DrainOnce("bustest");
  EXPECT_EQ(Effects(), 30 + 19) << "the batch rolled back; the 19 others were handled one by one";
  EXPECT_EQ(commits, 19);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bus_queue")[0].Int(0), 1) << "the failing one waits for its retry";
  failing = -1;
  DrainUntil(bus, "bustest", [&] { return Effects() == 50; });
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bus_queue")[0].Int(0), 0);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bustest_inbox")[0].Int(0), 50);
}

TEST_F(BusTest, LanesHandleDifferentSubjectsAtOnceAndOneSubjectInOrder) {
  // 4 orders × 6 events, 4 lanes: handlers of different orders overlap; each order's events
  // arrive in the order they were published; each once; the queue is empty after the round.
  InProcessBus bus(*db_);
  std::mutex mutex;
  std::map<std::string, std::vector<std::int64_t>> seen;
  std::atomic<int> in_flight{0}, most{0};
  Consumer consumer(*db_, "bustest");
  consumer.OnEach<TestPaid>([&](const TestPaid& paid, const CloudEvent& e) -> core::Status {
    const int now = ++in_flight;
    for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // an effect waiting on a commit
    {
      std::lock_guard lock(mutex);
      seen[e.subject].push_back(paid.amount);
    }
    --in_flight;
    return core::Ok();
  });
  consumer.Lanes(4);
  bus.Subscribe(std::move(consumer).Build());
  std::vector<CloudEvent> events;
  for (int i = 0; i < 6; ++i) {
    for (const char* order : {"ord_1", "ord_2", "ord_3", "ord_4"}) {
      events.push_back(MakeTypedEvent(ids_, core::SystemClock::Instance(), order, TestPaid{i}));
    }
  }
  bus.Publish(events);
  EXPECT_EQ(bus.DrainOnce("bustest"), 24);
  EXPECT_GT(most.load(), 1) << "different orders were handled at the same time";
  ASSERT_EQ(seen.size(), 4u);
  for (const auto& [order, amounts] : seen) EXPECT_EQ(amounts, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5})) << order;
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM bus_queue")[0].Int(0), 0);
}

TEST_F(BusTest, AMalformedOrNewerPayloadIsDeadLetteredAtOnceNamingTheProblem) {
  InProcessBus bus(*db_, InProcessBusOptions{.max_attempts = 5});
  Consumer consumer(*db_, "bustest");
  consumer.On<TestPaid>([&](db::Transaction&, const TestPaid&, const CloudEvent&) { return core::Status(core::Ok()); });
  bus.Subscribe(std::move(consumer).Build());
  auto garbled = Event("com.vetahut.test.paid", R"({"total": 5})");
  auto newer = MakeTypedEvent(ids_, core::SystemClock::Instance(), "ord_2", TestPaid{5});
  newer.dataschema = SchemaUrn(TestPaid::kType, 2);
  bus.Publish(std::vector<CloudEvent>{garbled, newer});
  bus.DrainOnce("bustest");
  auto dead = bus.DeadLetters("bustest", 10);
  ASSERT_EQ(dead.size(), 2u);
  for (const auto& d : dead) {
    EXPECT_EQ(d.attempts, 1) << d.error;
    if (d.event_id == garbled.id) {
      EXPECT_EQ(d.error, "amount: is required");
    } else {
      EXPECT_NE(d.error.find("schema version 2 is newer"), std::string::npos) << d.error;
    }
  }
}

TEST_F(BusTest, BackgroundRelayAndQueueDeliverSoonAfterNotify) {
  InProcessBus bus(*db_);
  std::mutex m;
  std::condition_variable cv;
  int seen = 0;
  bus.Subscribe({"watcher", {"#"}, [&](const CloudEvent&) -> core::Status {
                   std::lock_guard lock(m);
                   ++seen;
                   cv.notify_all();
                   return core::Ok();
                 }});
  bus.Start();
  OutboxRelay relay(*db_, bus, "bustest", RelayOptions{.idle_interval = std::chrono::milliseconds(60000)});
  relay.Start();
  AddCommitted(Event("com.vetahut.test.live"));
  relay.Notify();
  std::unique_lock lock(m);
  EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return seen == 1; }));
  lock.unlock();
  relay.Stop();
  bus.Stop();
}

}  // namespace
}  // namespace vetahut::bus
