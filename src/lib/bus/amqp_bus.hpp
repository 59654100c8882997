#pragma once
/// The RabbitMQ bus (AMQP 0-9-1 through librabbitmq): a topic exchange `vetahut.events`, one
/// durable queue per consuming module, publisher confirms, manual acks after the handler, retries
/// through per-consumer delay queues, a dead-letter queue per consumer, reconnect and re-declare.
/// See docs/decisions/0038-rabbitmq-bus.md. librabbitmq's headers stay in amqp_bus.cpp.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "lib/bus/event_bus.hpp"

namespace vetahut::bus {

/// Delivery and connection settings of the RabbitMQ bus.
struct AmqpBusOptions {
  int max_attempts = 5;                             ///< per consumer and event, then dead-lettered
  std::chrono::milliseconds first_backoff{200};     ///< before the 2nd attempt; doubles per attempt
  std::chrono::milliseconds max_backoff{60000};     ///< the retry delay's cap
  int prefetch = 20;                                ///< unacknowledged deliveries per consumer
  std::chrono::milliseconds confirm_timeout{5000};  ///< Publish waits this long for confirms
  std::chrono::milliseconds connect_timeout{2000};  ///< TCP connect, handshake and each declare
  std::chrono::milliseconds first_reconnect{200};   ///< after a lost connection; doubles
  std::chrono::milliseconds max_reconnect{5000};    ///< the reconnect back-off's cap
  std::chrono::milliseconds poll{200};  ///< a consumer thread notices Stop at least this often
  int heartbeat_seconds = 30;           ///< AMQP heartbeat of the consumer connections
  std::string tls_ca_file;              ///< amqps://: the CAs that vouch for the broker ("" = the system's)

  /// The settings the in-process bus shares (attempts and back-off) with the rest at defaults.
  static AmqpBusOptions From(const InProcessBusOptions& o);
};

/// Names on the broker: the queue of consumer `c` is `vetahut.<c>`, its delay queues
/// `vetahut.<c>.retry.<ms>ms` and its dead letters `vetahut.<c>.dead`.
struct AmqpNames {
  static constexpr const char* kExchange = "vetahut.events";
  static std::string Queue(const std::string& consumer) { return "vetahut." + consumer; }
  static std::string Dead(const std::string& consumer) { return Queue(consumer) + ".dead"; }
  static std::string Retry(const std::string& consumer, std::chrono::milliseconds delay) {
    return Queue(consumer) + ".retry." + std::to_string(delay.count()) + "ms";
  }
};

class AmqpBus final : public EventBus {
 public:
  /// `url` = amqp://USER:PASS@HOST:PORT/VHOST (vhost "/" is %2f). Does not connect yet: the
  /// publisher connects on the first Publish, consumers on Start. A malformed URL is kBadRequest.
  AmqpBus(const std::string& url, AmqpBusOptions options = {});
  ~AmqpBus() override;
  void Publish(const std::vector<CloudEvent>& events) override;
  using EventBus::Publish;
  void Subscribe(Subscription subscription) override;
  /// On the events exchange with routing key `live.<topic>`, transient; heard through one
  /// exclusive auto-delete queue per process.
  void Broadcast(const std::string& topic, const std::string& body) override;
  void Listen(const std::string& pattern, std::function<void(const std::string& body)> handler) override;
  /// True once the live-notice queue is bound and consumed (tests wait for it).
  bool Listening() const;
  void Start() override;
  void Stop() override;
  /// Peeks the dead-letter queues (of `consumer`, or of every consumer subscribed in this process
  /// when empty) without removing anything.
  std::vector<DeadLetter> DeadLetters(const std::string& consumer, int limit) override;
  core::Status Redrive(const std::string& consumer, const std::string& event_id) override;
  std::vector<QueueStats> Stats() override;
  /// True once every subscribed consumer is connected and consuming (its queue declared and
  /// bound); false while a consumer reconnects. For readiness checks and tests.
  bool ConsumersReady() const;
  /// The retry delay before attempt `attempt + 1` (attempt >= 1).
  std::chrono::milliseconds RetryDelay(int attempt) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vetahut::bus
