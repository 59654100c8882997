#pragma once
/// The event bus: publish confirmed events; each consuming module drains its own queue and
/// acknowledges after its effect commits.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/bus/cloud_event.hpp"
#include "lib/core/result.hpp"

namespace vetahut::db {
class Database;
class Session;
}  // namespace vetahut::db

namespace vetahut::bus {

/// A consuming module's subscription: one durable queue per module (competing replicas on
/// RabbitMQ), bound to the event types it wants.
struct Subscription {
  std::string consumer;               ///< the module, e.g. "kitchen"; names the queue (and its inbox)
  std::vector<std::string> patterns;  ///< topic patterns on the event type, e.g. "com.vetahut.order.*"
  /// The effect. Ok = acknowledge. An error or an exception = not acknowledged: redelivered with
  /// back-off and dead-lettered after the bus's attempt limit — at once when the error is
  /// kBadRequest or kValidation (a payload that can never be handled; see consumer.hpp).
  std::function<core::Status(const CloudEvent&)> handler;
  /// Optional: the effects of several events in one transaction, acknowledged together (with
  /// AcknowledgeIn) — true when every one of them was handled, false when nothing was (rolled
  /// back, or an event the batch cannot take): the bus then gives them to `handler` one by one,
  /// so a failing event is retried and dead-lettered on its own. The in-process bus uses it for a
  /// queue's backlog: one commit per round instead of one per event.
  std::function<bool(const std::vector<CloudEvent>&)> batch_handler;
  /// The in-process bus may run the handler for events of different subjects on up to `lanes`
  /// threads at once; one subject's events stay in order on one. For effects that wait on the
  /// database one event at a time and already tolerate concurrent replicas (RabbitMQ's competing
  /// consumers give them the same concurrency).
  int lanes = 1;
};

/// An event a consumer gave up on, kept until an admin re-drives it.
struct DeadLetter {
  std::string consumer;
  std::string event_id;
  std::string type;
  std::string error;
  std::int64_t attempts = 0;
  std::string failed_at;  ///< RFC 3339
  std::string envelope;   ///< the CloudEvent, JSON
};

/// One consumer's queue, for /metrics.
struct QueueStats {
  std::string consumer;
  std::int64_t depth = 0;              ///< events waiting (due now or retrying later)
  double oldest_age_seconds = 0;       ///< how long the oldest has waited
  std::int64_t dead_letters = 0;       ///< events parked in the dead-letter table
  std::int64_t handled = 0;            ///< acknowledged since start
  std::int64_t failed_attempts = 0;    ///< attempts that failed since start (each retry counts)
};

/// Carries events between modules. Delivery is at-least-once; consumers make effects
/// exactly-once through an inbox (consumer.hpp).
class EventBus {
 public:
  virtual ~EventBus() = default;
  /// Returns once the bus has taken responsibility for every event of the batch (a broker's
  /// publisher confirms; in-process: the events are durably queued for every subscribed
  /// consumer). Throws `core::ErrorException(kUnavailable)` when it could not, so the outbox keeps
  /// the events and retries; publishing an event again is harmless (consumers dedupe by id).
  virtual void Publish(const std::vector<CloudEvent>& events) = 0;
  void Publish(const CloudEvent& event) { Publish(std::vector<CloudEvent>{event}); }
  /// True for a bus that keeps its queues in the database the outboxes are in.
  virtual bool QueuesInDatabase() const { return false; }
  /// For a bus that keeps its queues in the outbox's own database: queues `events` inside `tx`
  /// (the relay's transaction that marks them sent, so both commit together — one commit per
  /// round instead of two) and returns what to run once `tx` has committed. A broker returns
  /// nullopt and the relay calls Publish.
  virtual std::optional<std::function<void()>> QueueInTransaction(db::Session& tx, const std::vector<CloudEvent>& events) {
    (void)tx;
    (void)events;
    return std::nullopt;
  }
  /// Adds a consumer's queue. Call before Start.
  virtual void Subscribe(Subscription subscription) = 0;

  /// Live notices (what one replica's live streams show, for the same streams on every other
  /// replica): not stored, not retried, lost while the broker is down — the database stays the
  /// truth and listeners catch up from it. Every process listening hears each notice once, except
  /// the one that sent it. `topic` is dot-separated ("order.tracked"). The in-process bus has no
  /// other process to tell: both are no-ops there.
  virtual void Broadcast(const std::string& topic, const std::string& body) {
    (void)topic;
    (void)body;
  }
  /// Hears the notices whose topic matches `pattern` (`*` one word, `#` any). Call before Start.
  virtual void Listen(const std::string& pattern, std::function<void(const std::string& body)> handler) {
    (void)pattern;
    (void)handler;
  }
  /// Starts draining the queues (one worker per consumer).
  virtual void Start() = 0;
  /// Lets running handlers finish and stops the workers. Idempotent.
  virtual void Stop() = 0;

  /// Dead letters, newest first, optionally of one consumer.
  virtual std::vector<DeadLetter> DeadLetters(const std::string& consumer, int limit) = 0;
  /// Puts a dead letter back on its consumer's queue, once: the dead letter is removed in the same
  /// step, so a second re-drive of it is kNotFound.
  virtual core::Status Redrive(const std::string& consumer, const std::string& event_id) = 0;
  /// Queue depths and counters per consumer.
  virtual std::vector<QueueStats> Stats() = 0;
};

/// Delivery settings of the in-process bus.
struct InProcessBusOptions {
  int max_attempts = 5;                          ///< per consumer and event, then dead-lettered
  std::chrono::milliseconds first_backoff{200};  ///< before the 2nd attempt; doubles, ±25 % jitter
  std::chrono::milliseconds max_backoff{60000};  ///< the back-off's cap
  std::chrono::milliseconds idle_poll{1000};     ///< a queue is looked at this often without a publish
  std::chrono::milliseconds lease{10000};        ///< one drainer per queue across replicas sharing a database
  int batch_size = 100;                          ///< events taken from a queue per round
  std::chrono::milliseconds min_interval{3};     ///< rounds under load at most this often (fewer commits)
};

/// The embedded broker: a durable queue per consuming module in the database (`bus_queue`), each
/// drained by its own worker thread — a slow or failing consumer holds up only its own queue, as
/// with one durable RabbitMQ queue per service. A failing event is retried with exponential
/// back-off without blocking the events behind it, and after `max_attempts` moves to
/// `bus_dead_letters`, from where an admin re-drives it.
class InProcessBus final : public EventBus {
 public:
  InProcessBus(db::Database& db, InProcessBusOptions options = {});
  ~InProcessBus() override;
  void Publish(const std::vector<CloudEvent>& events) override;
  using EventBus::Publish;
  bool QueuesInDatabase() const override { return true; }
  std::optional<std::function<void()>> QueueInTransaction(db::Session& tx, const std::vector<CloudEvent>& events) override;
  void Subscribe(Subscription subscription) override;
  void Start() override;
  void Stop() override;
  std::vector<DeadLetter> DeadLetters(const std::string& consumer, int limit) override;
  core::Status Redrive(const std::string& consumer, const std::string& event_id) override;
  std::vector<QueueStats> Stats() override;
  /// Runs one round of `consumer`'s queue on the calling thread (tests); returns events handled.
  int DrainOnce(const std::string& consumer);

 private:
  struct Queue;
  struct State;
  std::vector<std::pair<Queue*, const CloudEvent*>> Match(const std::vector<CloudEvent>& events);
  static void Insert(db::Session& tx, const std::vector<std::pair<Queue*, const CloudEvent*>>& deliveries);
  std::unique_ptr<State> state_;
};

/// Inside a consumer's handler that runs its effect in a transaction: acknowledges the event in
/// that same transaction where the bus can (the in-process queue row is deleted with the effect,
/// saving a commit); elsewhere it does nothing and the event is acknowledged when the handler
/// returns Ok, as always.
void AcknowledgeIn(db::Session& tx);

/// Opens the bus named by `url`: "inproc:" (InProcessBus) or "amqp://USER:PASS@HOST:PORT/VHOST"
/// (AmqpBus, amqp_bus.hpp: RabbitMQ; `options` gives it max_attempts and the retry back-off).
/// An unsupported URL throws core::ErrorException(kBadRequest).
std::unique_ptr<EventBus> OpenBus(const std::string& url, db::Database& db, InProcessBusOptions options = {},
                                  const std::string& tls_ca_file = {});

}  // namespace vetahut::bus
