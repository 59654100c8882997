#pragma once
/// The one background-loop type: outbox relays, bus queue workers, the order saga runner and the
/// store/menu refresh all run as a PeriodicTask. A round runs on the task's own thread every
/// period, at once when Notify() is called, or again immediately when the round asks for it; a
/// round that throws is logged and retried with exponential back-off.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace vetahut::task {

/// When the next round should run, as a round answers it.
struct Next {
  /// Wait this long (Notify() still wakes it early); nullopt = the task's period.
  std::optional<std::chrono::milliseconds> wait;
  static Next Again() { return {std::chrono::milliseconds(0)}; }
  static Next After(std::chrono::milliseconds d) { return {d}; }
  static Next Period() { return {}; }
};

/// Settings of a PeriodicTask.
struct TaskOptions {
  std::string name;                              ///< for logs, e.g. "outbox relay order"
  std::chrono::milliseconds period{1000};        ///< between rounds when nothing asks sooner
  std::chrono::milliseconds first_backoff{50};   ///< after a round that threw; doubles each time
  std::chrono::milliseconds max_backoff{5000};   ///< the back-off's cap
  bool run_at_start = false;                     ///< run the first round at once instead of after a period
  /// Rounds woken by Notify start at least this long after the previous round started, so a
  /// burst of notifications (one per commit under load) becomes one round per interval — group
  /// commit for relays and queues. A quiet task still runs at once. "Again" is not delayed.
  std::chrono::milliseconds min_interval{0};
};

/// A background loop. Thread-safe; the round never runs concurrently with itself.
class PeriodicTask {
 public:
  using Round = std::function<Next()>;
  PeriodicTask(TaskOptions options, Round round);
  ~PeriodicTask();  ///< Stop()
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  /// Starts the thread (idempotent).
  void Start();
  /// Runs a round as soon as the current one (if any) finishes.
  void Notify();
  /// Lets a running round finish, then joins the thread. Idempotent; Start() may follow.
  void Stop();
  const std::string& name() const { return options_.name; }

 private:
  void Loop();

  TaskOptions options_;
  Round round_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vetahut::task
