// Loyalty points on a real database (SQLite or PostgreSQL, from VETAHUT_TEST_DB_URL): each order
// earns once, reservations never overdraw, releases give back once, order events through the bus
// are idempotent, unreadable ones are dead-lettered, and the balance cache always equals the ledger.
#include "services/customer/loyalty.hpp"

#include <atomic>
#include <cstdlib>
#include <gtest/gtest.h>
#include <map>
#include <mutex>
#include <thread>

#include "lib/bus/cloud_event.hpp"
#include "lib/bus/consumer.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/bus/outbox.hpp"
#include "lib/db/migrations.hpp"
#include "lib/log/log.hpp"
#include "migrations/customer.hpp"
#include "services/order/events.hpp"

namespace vetahut::customer {
namespace {

constexpr const char* kTables[] = {"customer_loyalty_ledger", "customer_loyalty_balances", "customer_loyalty_inbox",
                                   "customer_inbox", "bus_queue", "bus_consumers", "bus_dead_letters"};

core::Money Usd(std::int64_t cents) { return core::Money(cents, *core::Currency::Find("USD")); }
core::Money Jpy(std::int64_t yen) { return core::Money(yen, *core::Currency::Find("JPY")); }

class LoyaltyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("VETAHUT_TEST_DB_URL");
    ASSERT_TRUE(url && *url)
        << "VETAHUT_TEST_DB_URL is not set (PostgreSQL: run through scripts/with-postgres.sh)";
    db_ = db::Database::Open(url);
    DropTables();
    // Only this file's migration: the rest of the customer schema belongs to other tests, and
    // schema_migrations is shared with them, so the statements run directly.
    bool found = false;
    for (const auto& m : Migrations()) {
      if (m.name == "loyalty") {
        db_->Exec(db::MigrationSql(m, db_->engine()));
        found = true;
      }
    }
    ASSERT_TRUE(found) << "migration customer/005_loyalty is not embedded";
    for (const auto& m : bus::BusMigrations()) db_->Exec(db::MigrationSql(m, db_->engine()));  // the queues
    db_->Exec(db::MigrationSql(bus::OutboxInboxMigrations("customer", 900)[1], db_->engine()));  // customer_inbox
  }

  void TearDown() override {
    if (db_) {
      ExpectBalancesMatchLedger();
      DropTables();  // so a later full db::Migrate of the customer module can create them again
    }
  }

  void DropTables() {
    for (const char* t : kTables) db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
  }

  // The derived cache equals SUM(points) of the ledger for every account, both ways round.
  void ExpectBalancesMatchLedger() {
    std::map<std::string, std::int64_t> ledger, cache;
    for (const auto& r : db_->Query(
             "SELECT account_id, SUM(points) FROM customer_loyalty_ledger GROUP BY account_id")) {
      ledger[r.Text(0)] = r.Int(1);
    }
    for (const auto& r : db_->Query("SELECT account_id, balance FROM customer_loyalty_balances")) {
      cache[r.Text(0)] = r.Int(1);
      EXPECT_GE(r.Int(1), 0) << r.Text(0);
    }
    for (const auto& [account, sum] : ledger) {
      EXPECT_EQ(cache.count(account) ? cache[account] : -1, sum) << "balance cache of " << account;
    }
    for (const auto& [account, balance] : cache) {
      EXPECT_EQ(ledger.count(account) ? ledger[account] : 0, balance)
          << "balance cache of " << account;
    }
  }

  std::int64_t Rows(const std::string& where = "1 = 1", const std::vector<db::Value>& params = {}) {
    return db_->Query("SELECT COUNT(*) FROM customer_loyalty_ledger WHERE " + where, params)[0].Int(
        0);
  }
  std::int64_t InboxRows() {
    return db_->Query("SELECT COUNT(*) FROM customer_inbox")[0].Int(0);
  }

  std::int64_t Balance(const std::string& account) {
    auto tx = db_->Begin();
    return ledger_.Balance(tx, account);
  }

  // Each operation in its own committed transaction, as a service would run it.
  core::Result<std::int64_t> Earn(const std::string& account, const std::string& order,
                                  const core::Money& basis) {
    auto tx = db_->Begin();
    auto r = ledger_.EarnForOrder(tx, account, order, basis);
    tx.Commit();
    return r;
  }
  core::Status Reserve(const std::string& account, const std::string& order, std::int64_t points) {
    auto tx = db_->Begin();
    auto r = ledger_.Reserve(tx, account, order, points, "rwd_free_garlic_bread");
    tx.Commit();  // even after an error: the ledger must not have written anything
    return r;
  }
  core::Status Release(const std::string& order) {
    auto tx = db_->Begin();
    auto r = ledger_.Release(tx, order);
    tx.Commit();
    return r;
  }
  core::Status Adjust(const std::string& account, std::int64_t points,
                      const std::string& reason = "support credit") {
    auto tx = db_->Begin();
    auto r = ledger_.Adjust(tx, account, points, reason);
    tx.Commit();
    return r;
  }

  /// The customer module's queue with the loyalty handlers, on a bus of its own.
  struct LoyaltyQueue {
    explicit LoyaltyQueue(LoyaltyTest& t) : bus(*t.db_) {
      bus::Consumer consumer(*t.db_, "customer");
      AddLoyaltyHandlers(consumer, t.ledger_);
      bus.Subscribe(std::move(consumer).Build());
    }
    void Deliver(const bus::CloudEvent& event) {
      bus.Publish(event);
      bus.DrainOnce("customer");
    }
    bus::InProcessBus bus;
  };

  order::events::StatusPayload Status(const std::string& order, std::optional<std::string> customer,
                                      std::int64_t cents, const std::string& status) {
    order::events::StatusPayload e;
    e.order_id = order;
    e.store_id = "sto_1";
    e.customer_id = std::move(customer);
    e.type = "carryout";
    e.status = status;
    e.previous_status = "ready";
    e.at = "2026-11-25T17:00:00.000Z";
    e.total = {cents, "USD"};
    e.loyalty_basis = {cents, "USD"};
    return e;
  }
  template <class E>
  bus::CloudEvent Event(const order::events::StatusPayload& payload) {
    E e;
    static_cast<order::events::StatusPayload&>(e) = payload;
    return bus::MakeTypedEvent(ids_, clock_, payload.order_id, e);
  }
  bus::CloudEvent Completed(const std::string& order, const std::string& customer, std::int64_t cents,
                            const std::string& status = "delivered") {
    return Event<order::events::OrderCompleted>(Status(order, customer, cents, status));
  }
  bus::CloudEvent Cancelled(const std::string& order) {
    return Event<order::events::OrderCancelled>(Status(order, std::nullopt, 0, "cancelled"));
  }

  core::ManualClock clock_{*core::ParseRfc3339("2026-11-25T17:00:00Z")};
  core::IdGenerator ids_{clock_};
  std::mutex changes_mutex_;
  std::vector<LoyaltyEntry> changes_;
  LoyaltyLedger ledger_{ids_, clock_, LoyaltyRules{}, [this](db::Session&, const LoyaltyEntry& e) {
                          std::lock_guard lock(changes_mutex_);
                          changes_.push_back(e);
                        }};
  std::unique_ptr<db::Database> db_;
};

TEST_F(LoyaltyTest, AnOrderEarnsOnceEvenWhenEarnIsCalledTwice) {
  auto first = Earn("acc_1", "ord_1", Usd(1299));
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(*first, 12);
  auto second = Earn("acc_1", "ord_1", Usd(1299));
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 0);
  EXPECT_EQ(Rows(), 1);
  EXPECT_EQ(Balance("acc_1"), 12);

  auto tx = db_->Begin();
  auto history = ledger_.History(tx, "acc_1", 10);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].kind, "earn");
  EXPECT_EQ(history[0].points, 12);
  EXPECT_EQ(history[0].order_id, "ord_1");
  EXPECT_EQ(history[0].reference, "12.99 USD");
  EXPECT_EQ(history[0].created_at, clock_.Now());
  ASSERT_EQ(changes_.size(), 1u);  // one new row, one notification
  EXPECT_EQ(changes_[0].id, history[0].id);
}

TEST_F(LoyaltyTest, AnOrderEarnsOnceWhenItsEventIsDeliveredTwice) {
  LoyaltyQueue queue(*this);
  auto& bus = queue.bus;
  const auto delivered = Completed("ord_2", "acc_2", 2550);
  bus.Publish(delivered);
  bus.DrainOnce("customer");
  bus.Publish(delivered);
  bus.DrainOnce("customer");  // redelivery: same event id
  EXPECT_EQ(Rows(), 1);
  EXPECT_EQ(Balance("acc_2"), 25);
  // A later event for the same order (another id, e.g. a duplicate status) earns nothing more.
  bus.Publish(Completed("ord_2", "acc_2", 2550, "picked_up"));
  bus.DrainOnce("customer");
  EXPECT_EQ(Rows(), 1);
  EXPECT_EQ(Balance("acc_2"), 25);
  EXPECT_EQ(InboxRows(), 2);
  EXPECT_TRUE(bus.DeadLetters("", 10).empty());
}

TEST_F(LoyaltyTest, PickedUpEarnsAndOtherStatusesAndGuestsDoNot) {
  LoyaltyQueue queue(*this);
  queue.Deliver(Event<order::events::OrderStatusChanged>(Status("ord_3", "acc_3", 1000, "out_for_delivery")));
  EXPECT_EQ(Rows(), 0);
  queue.Deliver(Event<order::events::OrderCompleted>(Status("ord_guest", std::nullopt, 5000, "delivered")));
  EXPECT_EQ(Rows(), 0);
  queue.Deliver(Completed("ord_3", "acc_3", 1000, "picked_up"));
  EXPECT_EQ(Balance("acc_3"), 10);
  EXPECT_EQ(Rows(), 1);
}

TEST_F(LoyaltyTest, PointsArePerWholeCurrencyUnitRoundedDown) {
  EXPECT_EQ(Earn("acc_r", "ord_usd", Usd(1299)).value_or(-1), 12);
  EXPECT_EQ(Earn("acc_r", "ord_jpy", Jpy(1500)).value_or(-1), 1500);
  EXPECT_EQ(Earn("acc_r", "ord_small", Usd(99)).value_or(-1), 0);  // under one dollar: nothing
  EXPECT_EQ(Rows("order_id = $1", db::Params("ord_small")), 0);
  EXPECT_EQ(Balance("acc_r"), 1512);

  auto negative = Earn("acc_r", "ord_neg", Usd(-500));
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(Rows("order_id = $1", db::Params("ord_neg")), 0);

  LoyaltyLedger tenfold(ids_, clock_, LoyaltyRules{10});
  auto tx = db_->Begin();
  EXPECT_EQ(tenfold.EarnForOrder(tx, "acc_r", "ord_ten", Usd(1299)).value_or(-1), 129);
  tx.Commit();
  EXPECT_EQ(Balance("acc_r"), 1641);
  EXPECT_THROW(LoyaltyLedger(ids_, clock_, LoyaltyRules{-1}), std::invalid_argument);
}

TEST_F(LoyaltyTest, ReservingMoreThanTheBalanceFailsAndWritesNothing) {
  ASSERT_TRUE(Adjust("acc_4", 50));
  auto r = Reserve("acc_4", "ord_4", 60);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kValidation);
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "loyalty.points");
  EXPECT_EQ(r.error().fields[0].message, "insufficient points: balance 50");
  EXPECT_EQ(Rows(), 1);  // just the credit
  EXPECT_EQ(Balance("acc_4"), 50);

  auto nobody = Reserve("acc_none", "ord_none", 1);  // an account that never had points
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().fields.at(0).message, "insufficient points: balance 0");
  EXPECT_EQ(Reserve("acc_4", "ord_4", 0).error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(Rows(), 1);
}

TEST_F(LoyaltyTest, ReservingTheExactBalanceWorksAndIsIdempotentPerOrder) {
  ASSERT_TRUE(Adjust("acc_5", 40));
  ASSERT_TRUE(Reserve("acc_5", "ord_5", 40));
  EXPECT_EQ(Balance("acc_5"), 0);
  EXPECT_TRUE(Reserve("acc_5", "ord_5", 40));  // same order again: no second deduction
  EXPECT_EQ(Balance("acc_5"), 0);
  EXPECT_EQ(Rows("kind = 'reserve'"), 1);

  auto other_amount = Reserve("acc_5", "ord_5", 30);
  ASSERT_FALSE(other_amount);
  EXPECT_EQ(other_amount.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(Balance("acc_5"), 0);
  EXPECT_EQ(Rows("kind = 'reserve'"), 1);

  auto tx = db_->Begin();
  auto history = ledger_.History(tx, "acc_5", 10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].kind, "reserve");  // newest first
  EXPECT_EQ(history[0].points, -40);
  EXPECT_EQ(history[0].reference, "rwd_free_garlic_bread");
  EXPECT_EQ(history[1].kind, "adjust");
  EXPECT_EQ(ledger_.History(tx, "acc_5", 1).size(), 1u);
  EXPECT_TRUE(ledger_.History(tx, "acc_5", 0).empty());
}

TEST_F(LoyaltyTest, ConcurrentReservationsNeverOverdraw) {
  ASSERT_TRUE(Adjust("acc_6", 100));
  std::atomic<int> won{0}, insufficient{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto r = Reserve("acc_6", "ord_race_" + std::to_string(t), 30);
        if (r) {
          ++won;
        } else if (r.error().code == core::ErrorCode::kValidation) {
          ++insufficient;
        } else {
          ++other;
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won, 3);
  EXPECT_EQ(insufficient, 7);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(Balance("acc_6"), 10);
  EXPECT_EQ(Rows("kind = 'reserve'"), 3);
  EXPECT_EQ(
      db_->Query("SELECT SUM(points) FROM customer_loyalty_ledger WHERE account_id = 'acc_6'")[0]
          .Int(0),
      10);
}

TEST_F(LoyaltyTest, ConcurrentRetriesOfOneOrderReserveOnce) {
  ASSERT_TRUE(Adjust("acc_6b", 100));
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      try {
        Reserve("acc_6b", "ord_retry", 30) ? ++ok : ++failed;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(Balance("acc_6b"), 70);
  EXPECT_EQ(Rows("kind = 'reserve'"), 1);
}

TEST_F(LoyaltyTest, ReleaseGivesTheReservationBackExactlyOnce) {
  ASSERT_TRUE(Adjust("acc_7", 100));
  ASSERT_TRUE(Reserve("acc_7", "ord_7", 30));
  EXPECT_EQ(Balance("acc_7"), 70);
  ASSERT_TRUE(Release("ord_7"));
  EXPECT_EQ(Balance("acc_7"), 100);
  ASSERT_TRUE(Release("ord_7"));  // again: nothing more to give back
  EXPECT_EQ(Balance("acc_7"), 100);
  EXPECT_EQ(Rows("kind = 'release'"), 1);
  EXPECT_EQ(Rows("kind = 'release' AND points = 30 AND account_id = 'acc_7'"), 1);

  // The released order cannot quietly count as holding points again.
  auto again = Reserve("acc_7", "ord_7", 30);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(Balance("acc_7"), 100);

  const auto before = Rows();
  const auto notified = changes_.size();
  ASSERT_TRUE(Release("ord_never_reserved"));
  EXPECT_EQ(Rows(), before);
  EXPECT_EQ(changes_.size(), notified);
}

TEST_F(LoyaltyTest, ACancelledEventReleasesThroughTheConsumer) {
  LoyaltyQueue queue(*this);
  ASSERT_TRUE(Adjust("acc_8", 100));
  ASSERT_TRUE(Reserve("acc_8", "ord_8", 45));
  EXPECT_EQ(Balance("acc_8"), 55);
  const auto cancelled = Cancelled("ord_8");
  queue.Deliver(cancelled);
  EXPECT_EQ(Balance("acc_8"), 100);
  queue.Deliver(cancelled);         // redelivered
  queue.Deliver(Cancelled("ord_8"));  // a second cancellation event for the order
  EXPECT_EQ(Balance("acc_8"), 100);
  EXPECT_EQ(Rows("kind = 'release'"), 1);
  EXPECT_TRUE(queue.bus.DeadLetters("", 10).empty());
}

TEST_F(LoyaltyTest, MalformedEventsAreDeadLetteredAndRefusedValuesAcknowledgedChangingNothing) {
  std::vector<std::string> warnings;
  log::SetSink([&](std::string_view line) {
    if (line.find("ledger refuses") != std::string_view::npos) warnings.emplace_back(line);
  });
  LoyaltyQueue queue(*this);
  ASSERT_TRUE(Adjust("acc_9", 100));
  ASSERT_TRUE(Reserve("acc_9", "ord_9", 10));
  const auto rows_before = Rows();

  const std::string status(order::events::OrderCompleted::kType);
  auto raw = [&](std::string type, std::string data) {
    return bus::MakeEvent(ids_, clock_, "/vetahut/order", std::move(type), "ord_9", std::move(data));
  };
  // Payloads the typed event cannot read: parked for an admin, never applied.
  const std::vector<bus::CloudEvent> unreadable = {
      raw(status, "not json"),
      raw(status, "[1, 2]"),
      raw(status, R"({"order_id": 9, "customer_id": "acc_9", "status": "delivered"})"),
      raw(std::string(order::events::OrderCancelled::kType), R"({"reason": "no order id"})"),
  };
  for (const auto& event : unreadable) queue.Deliver(event);
  EXPECT_EQ(queue.bus.DeadLetters("customer", 10).size(), unreadable.size());
  // Readable, but the ledger refuses the values: logged and acknowledged, so they do not loop.
  queue.Deliver(Event<order::events::OrderCompleted>(Status("ord_9", "acc_9", -1000, "delivered")));
  log::SetSink(nullptr);
  EXPECT_EQ(Rows(), rows_before);
  EXPECT_EQ(Balance("acc_9"), 90);
  EXPECT_EQ(InboxRows(), 1);  // the refused one is acknowledged: never redelivered
  EXPECT_EQ(warnings.size(), 1u);
  EXPECT_EQ(queue.bus.Stats().at(0).depth, 0);
}

TEST_F(LoyaltyTest, AdjustmentsNeedAReasonAndCannotGoBelowZero) {
  ASSERT_TRUE(Adjust("acc_10", 20, "late delivery"));
  auto no_reason = Adjust("acc_10", 5, "  ");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(no_reason.error().fields.at(0).field, "reason");
  EXPECT_EQ(Adjust("acc_10", 0).error().code, core::ErrorCode::kValidation);

  auto overdraw = Adjust("acc_10", -21, "correction");
  ASSERT_FALSE(overdraw);
  EXPECT_EQ(overdraw.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(Balance("acc_10"), 20);
  EXPECT_EQ(Rows(), 1);

  ASSERT_TRUE(Adjust("acc_10", -20, "correction"));
  EXPECT_EQ(Balance("acc_10"), 0);
  EXPECT_EQ(Rows("kind = 'adjust' AND order_id = ''"), 2);  // several adjustments: no unique clash
  ASSERT_EQ(changes_.size(), 2u);
  EXPECT_EQ(changes_[1].points, -20);
  EXPECT_EQ(changes_[1].reference, "correction");
}

}  // namespace
}  // namespace vetahut::customer
