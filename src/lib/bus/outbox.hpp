#pragma once
/// The transactional outbox (events written in the same transaction as the change, relayed in
/// order) and the inbox (event ids recorded in the consumer's transaction).
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/bus/cloud_event.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/db/migrations.hpp"

namespace vetahut::db {
class Database;
class Session;
class Transaction;
}  // namespace vetahut::db

namespace vetahut::task {
class PeriodicTask;
}

namespace vetahut::bus {

/// Migrations creating `<module>_outbox` (+ its relay lease) and `<module>_inbox`, numbered from
/// `first_version`, to append to a module's own migrations.
std::vector<db::Migration> OutboxInboxMigrations(const std::string& module, int first_version);
/// The `bus` module's own migrations (the dead-letter table).
std::vector<db::Migration> BusMigrations();

/// Writes events into a module's outbox table. Call `Add` inside the transaction that makes the
/// change: the event exists if and only if the change committed.
class Outbox {
 public:
  explicit Outbox(std::string module);
  void Add(db::Session& tx, const CloudEvent& event) const;
  const std::string& table() const { return table_; }

 private:
  std::string table_;
};

/// Settings of an `OutboxRelay`.
struct RelayOptions {
  int batch_size = 100;                              ///< events read per round
  std::chrono::milliseconds idle_interval{200};      ///< poll period when there is nothing to send
  std::chrono::milliseconds max_backoff{5000};       ///< after a failed publish
  std::chrono::milliseconds lease{5000};             ///< one relay per module at a time across replicas;
                                                     ///< a crashed holder is replaced after this
  std::chrono::milliseconds min_interval{3};         ///< rounds under load at most this often (one commit
                                                     ///< per round instead of one per event)
};

/// Publishes a module's outbox in commit order and marks each event sent once the bus confirmed
/// it. Only the replica holding the lease relays, so order holds with several replicas. A failed
/// publish stops the round (order) and is retried with back-off. Events are delivered at least
/// once: a crash between publish and mark re-publishes, and consumers dedupe with an `Inbox`.
class OutboxRelay {
 public:
  OutboxRelay(db::Database& db, EventBus& bus, std::string module, RelayOptions options = {});
  ~OutboxRelay();
  /// Starts the background task (a first round runs at once).
  void Start();
  /// Wakes the relay now (after a commit that added events) instead of at the next poll.
  void Notify();
  /// Stops the task, runs a last round, and gives up the lease so a peer takes over at once.
  /// Idempotent.
  void Stop();
  /// One round, on the calling thread: returns how many events were published.
  int RelayOnce();
  /// Events not yet sent, and the age in seconds of the oldest (for metrics).
  std::int64_t Pending() const;
  double OldestPendingAgeSeconds() const;
  const std::string& module() const { return module_; }

 private:
  bool TakeLease();
  std::int64_t lease_until_ms_ = 0;  // when our lease runs out, as last written (under round_mutex_)
  db::Database& db_;
  EventBus& bus_;
  std::string module_;
  std::string table_;
  std::string holder_;
  RelayOptions options_;
  std::mutex round_mutex_;  // RelayOnce from a test or Stop never overlaps the task's round
  std::atomic<bool> stopped_{false};
  std::unique_ptr<task::PeriodicTask> task_;
};

/// Records handled event ids for one consumer so redelivered events have no second effect.
class Inbox {
 public:
  explicit Inbox(std::string consumer);
  /// Inserts the event id in `tx`; false if this consumer already handled it. Commit `tx`
  /// together with the effect.
  bool Claim(db::Session& tx, const CloudEvent& event) const;

 private:
  std::string table_;
};

/// A subscription whose effect runs in a transaction together with the inbox record:
/// a duplicate is acknowledged without running `effect` again; an effect returning an error
/// rolls back (inbox record included) and is redelivered.
Subscription IdempotentConsumer(db::Database& db, std::string consumer, std::vector<std::string> patterns,
                                std::function<core::Status(db::Transaction&, const CloudEvent&)> effect);

}  // namespace vetahut::bus
