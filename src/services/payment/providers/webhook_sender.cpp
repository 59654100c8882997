#include "services/payment/providers/webhook_sender.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "lib/http/client.hpp"
#include "lib/log/log.hpp"
#include "services/payment/provider.hpp"

namespace vetahut::payment {

struct WebhookSender::State {
  State(WebhookSenderOptions o, const core::Clock& c)
      : options(std::move(o)),
        clock(c),
        client(http::ClientOptions{std::chrono::milliseconds(1000), options.timeout, 1 << 20}) {}

  struct Item {
    std::string id;
    std::string body;
  };

  // True if the receiver answered 2xx.
  bool Attempt(const Item& item) {
    const std::vector<http::Header> headers{
        {"Content-Type", "application/json"},
        {options.signature_header, SignWebhook(options.secret, item.body, clock.Now())},
    };
    auto response = client.Post(options.url, item.body, headers);
    if (response && response->status >= 200 && response->status < 300) return true;
    log::Warn("webhook delivery failed", {{"event_id", item.id},
                                          {"url", options.url},
                                          {"status", response ? response->status : 0},
                                          {"error", response ? std::string_view("") : response.error().detail}});
    return false;
  }

  void Run() {
    std::unique_lock lock(mutex);
    while (true) {
      wake.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) break;
      Item item = std::move(queue.front());
      queue.pop_front();
      auto backoff = options.first_backoff;
      for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
        lock.unlock();
        const bool ok = Attempt(item);
        lock.lock();
        if (ok) {
          ++delivered;
          break;
        }
        if (attempt == options.max_attempts || stopping) {
          log::Warn("webhook event given up", {{"event_id", item.id}, {"attempts", attempt}});
          break;
        }
        // Interruptible: destruction must not wait out a back-off.
        if (wake.wait_for(lock, backoff, [&] { return stopping; })) break;
        backoff *= 2;
      }
    }
    if (!queue.empty()) {
      log::Warn("webhook events dropped at shutdown", {{"count", static_cast<std::int64_t>(queue.size())}});
    }
  }

  WebhookSenderOptions options;
  const core::Clock& clock;
  http::HttpClient client;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Item> queue;
  bool stopping = false;
  std::size_t delivered = 0;
  std::thread thread;
};

WebhookSender::WebhookSender(WebhookSenderOptions options, const core::Clock& clock) {
  if (options.url.empty()) throw std::invalid_argument("WebhookSender: url is empty");
  if (options.max_attempts < 1) options.max_attempts = 1;
  state_ = std::make_unique<State>(std::move(options), clock);
  state_->thread = std::thread([s = state_.get()] { s->Run(); });
}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  state_->thread.join();
}

bool WebhookSender::Enqueue(std::string event_id, std::string body) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->queue.size() >= state_->options.queue_limit) {
      log::Warn("webhook queue full, event dropped", {{"event_id", event_id}});
      return false;
    }
    state_->queue.push_back({std::move(event_id), std::move(body)});
  }
  state_->wake.notify_one();
  return true;
}

std::size_t WebhookSender::delivered() const {
  std::lock_guard lock(state_->mutex);
  return state_->delivered;
}

}  // namespace vetahut::payment
