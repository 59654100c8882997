#pragma once
/// Delivers signed webhook callbacks from a background thread: a bounded queue, a few attempts
/// with exponential back-off, never blocking the caller. Used by the sandbox to play the part of
/// a processor calling us back.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "lib/core/clock.hpp"

namespace vetahut::payment {

/// Where and how callbacks go.
struct WebhookSenderOptions {
  std::string url;                                  ///< POST target; must not be empty
  std::string secret;                               ///< HMAC key for SignWebhook
  std::string signature_header = "Vetahut-Signature";  ///< header carrying the signature
  std::size_t queue_limit = 1000;                   ///< events beyond this are dropped (logged)
  int max_attempts = 4;                             ///< per event, including the first
  std::chrono::milliseconds first_backoff{200};     ///< doubled after each failed attempt
  std::chrono::milliseconds timeout{5000};          ///< per attempt
};

/// Thread-safe. Each attempt is signed afresh with the clock's time (as Stripe does), so a late
/// retry still falls inside the receiver's replay window. A 2xx answer ends an event; anything
/// else is retried until `max_attempts`. Destruction stops at once: the attempt in flight finishes,
/// back-off waits end, queued events are dropped (logged with their count) and the thread joins.
/// Delivery is best effort — the processor's own state (Retrieve) is the truth.
class WebhookSender final {
 public:
  /// Starts the delivery thread; throws std::invalid_argument on an empty url.
  WebhookSender(WebhookSenderOptions options, const core::Clock& clock);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  /// Queues one JSON body; false (and a warning) if the queue is full.
  bool Enqueue(std::string event_id, std::string body);
  /// Events delivered with a 2xx so far.
  std::size_t delivered() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vetahut::payment
