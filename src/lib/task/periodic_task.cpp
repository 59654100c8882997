#include "lib/task/periodic_task.hpp"

#include <algorithm>

#include "lib/log/log.hpp"

namespace vetahut::task {

PeriodicTask::PeriodicTask(TaskOptions options, Round round) : options_(std::move(options)), round_(std::move(round)) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  notified_ = options_.run_at_start;
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicTask::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

void PeriodicTask::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void PeriodicTask::Loop() {
  std::chrono::milliseconds wait = options_.period;
  std::chrono::milliseconds backoff{0};
  auto last_start = std::chrono::steady_clock::time_point{};
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (wait.count() > 0) {
        wake_.wait_for(lock, wait, [this] { return stopping_ || notified_; });
        // Woken early: let what else is coming in the next moments join this round.
        const auto earliest = last_start + options_.min_interval;
        if (notified_ && !stopping_ && std::chrono::steady_clock::now() < earliest) {
          wake_.wait_until(lock, earliest, [this] { return stopping_; });
        }
      }
      if (stopping_) return;
      notified_ = false;
    }
    last_start = std::chrono::steady_clock::now();
    try {
      const Next next = round_();
      backoff = std::chrono::milliseconds(0);
      wait = next.wait.value_or(options_.period);
    } catch (const std::exception& e) {
      backoff = std::min(options_.max_backoff, std::max(options_.first_backoff, backoff * 2));
      wait = backoff;
      log::Warn("background task round failed; retrying",
                {{"task", options_.name}, {"error", e.what()}, {"retry_in_ms", std::int64_t(backoff.count())}});
    }
  }
}

}  // namespace vetahut::task
