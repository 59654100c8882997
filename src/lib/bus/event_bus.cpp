#include "lib/bus/event_bus.hpp"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "lib/db/database.hpp"
#include "lib/log/log.hpp"

namespace vetahut::bus {

struct InProcessBus::State {
  db::Database* dead_letters = nullptr;
  InProcessBusOptions options;
  std::mutex mutex;
  std::vector<std::shared_ptr<const Subscription>> subscriptions;
  std::atomic<std::int64_t> dead_lettered{0};
};

InProcessBus::InProcessBus(db::Database* dead_letters, InProcessBusOptions options)
    : state_(std::make_unique<State>()) {
  state_->dead_letters = dead_letters;
  state_->options = options;
}

InProcessBus::~InProcessBus() = default;

void InProcessBus::Subscribe(Subscription subscription) {
  std::lock_guard lock(state_->mutex);
  state_->subscriptions.push_back(std::make_shared<const Subscription>(std::move(subscription)));
}

std::int64_t InProcessBus::dead_lettered() const { return state_->dead_lettered.load(); }

void InProcessBus::Publish(const CloudEvent& event) {
  std::vector<std::shared_ptr<const Subscription>> subscriptions;
  {
    std::lock_guard lock(state_->mutex);
    subscriptions = state_->subscriptions;
  }
  for (const auto& sub : subscriptions) {
    bool wanted = false;
    for (const auto& pattern : sub->patterns) wanted = wanted || TopicMatches(pattern, event.type);
    if (!wanted) continue;

    std::string last_error;
    auto backoff = state_->options.first_backoff;
    bool handled = false;
    for (int attempt = 1; attempt <= state_->options.max_attempts && !handled; ++attempt) {
      try {
        auto status = sub->handler(event);
        if (status) {
          handled = true;
        } else {
          last_error = status.error().detail;
        }
      } catch (const std::exception& e) {
        last_error = e.what();
      }
      if (!handled) {
        log::Warn("event consumer failed", {{"consumer", sub->consumer}, {"event_id", event.id},
                                             {"type", event.type}, {"attempt", attempt},
                                             {"error", last_error}});
        if (attempt < state_->options.max_attempts) {
          std::this_thread::sleep_for(backoff);
          backoff *= 2;
        }
      }
    }
    if (handled) continue;
    if (!state_->dead_letters) {
      // Nowhere durable to park it: refuse the publish so the outbox keeps the event.
      throw core::ErrorException(core::Error::Unavailable(
          fmt::format("consumer {} failed event {}: {}", sub->consumer, event.id, last_error)));
    }
    state_->dead_letters->Exec(
        "INSERT INTO bus_dead_letters (consumer, event_id, type, envelope, error, failed_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consumer, event_id) DO NOTHING",
        db::Params(sub->consumer, event.id, event.type, event.ToJson(), last_error,
                   core::FormatRfc3339(core::SystemClock::Instance().Now())));
    state_->dead_lettered++;
    log::Error("event dead-lettered", {{"consumer", sub->consumer}, {"event_id", event.id},
                                       {"type", event.type}, {"error", last_error}});
  }
}

std::unique_ptr<EventBus> OpenBus(const std::string& url, db::Database* dead_letters) {
  if (url == "inproc:") return std::make_unique<InProcessBus>(dead_letters);
  throw core::ErrorException(core::Error::BadRequest(
      fmt::format("bus.url '{}' is not supported by this build (supported: inproc:)", url)));
}

}  // namespace vetahut::bus
