#pragma once
/// The event bus: publish confirmed events; consumers acknowledge after their effect commits.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lib/bus/cloud_event.hpp"
#include "lib/core/result.hpp"

namespace vetahut::db {
class Database;
}

namespace vetahut::bus {

/// A consumer: one per consuming service (a durable queue with competing replicas on RabbitMQ).
struct Subscription {
  std::string consumer;               ///< e.g. "kitchen"; names the queue and the inbox
  std::vector<std::string> patterns;  ///< topic patterns on the event type, e.g. "com.vetahut.order.*"
  /// The effect. Ok = acknowledge. An error or an exception = not acknowledged: redelivered
  /// with back-off, dead-lettered after the bus's attempt limit.
  std::function<core::Status(const CloudEvent&)> handler;
};

/// Carries events between services. Delivery is at-least-once; consumers make effects
/// exactly-once through an `Inbox`.
class EventBus {
 public:
  virtual ~EventBus() = default;
  /// Returns once the bus has taken responsibility for the event (a broker's publisher confirm;
  /// in-process: every subscribed consumer acknowledged or dead-lettered it). Throws
  /// `core::ErrorException(kUnavailable)` when it could not, so the outbox keeps the event.
  virtual void Publish(const CloudEvent& event) = 0;
  /// Adds a consumer. Call before the relay starts publishing.
  virtual void Subscribe(Subscription subscription) = 0;
};

/// Delivery settings of the in-process bus.
struct InProcessBusOptions {
  int max_attempts = 5;                           ///< per consumer, then dead-lettered
  std::chrono::milliseconds first_backoff{20};    ///< doubles per attempt
};

/// The embedded bus: delivers synchronously to every matching consumer inside `Publish`, so an
/// event is confirmed only once every consumer has handled it. A consumer that keeps failing is
/// retried with back-off and then dead-lettered into the `bus_dead_letters` table of `dead_letters`
/// (if given) so nothing is lost; other consumers are not held up by it.
class InProcessBus final : public EventBus {
 public:
  explicit InProcessBus(db::Database* dead_letters = nullptr, InProcessBusOptions options = {});
  ~InProcessBus() override;
  void Publish(const CloudEvent& event) override;
  void Subscribe(Subscription subscription) override;
  /// Events dead-lettered since start (also a metric).
  std::int64_t dead_lettered() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Opens the bus named by `url` ("inproc:"; "amqp://" arrives with the RabbitMQ adapter).
/// An unsupported URL throws core::ErrorException(kBadRequest).
std::unique_ptr<EventBus> OpenBus(const std::string& url, db::Database* dead_letters);

}  // namespace vetahut::bus
