#pragma once
/// Delivers each subscription's queue in order (decision 0026): a sender claims one subscription
/// (a lease row, so one sender at a time across replicas), sends its first pending delivery as a
/// signed structured CloudEvent and goes on with the next only when that one was delivered or
/// given up. Successes are recorded a few at a time (at most kRecordEvery, or kRecordAfter after
/// the first unrecorded one) in one transaction, a failure at once with them: a crash re-sends at
/// most that many delivered events, which at-least-once delivery allows. Several senders serve
/// different subscriptions at once.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "lib/core/clock.hpp"
#include "lib/db/database.hpp"
#include "lib/http/client.hpp"
#include "lib/task/periodic_task.hpp"
#include "services/integration/webhook_service.hpp"

namespace vetahut::integration {

/// What the sender reports, for /metrics (all optional).
struct SenderObserver {
  /// outcome: delivered | retried | given_up; seconds: the attempt's duration.
  std::function<void(std::string_view outcome, double seconds)> attempt;
};

class WebhookSender {
 public:
  /// `instance` names this process in leases (a replica's unique id).
  WebhookSender(db::Database& db, const core::Clock& clock, WebhookService& webhooks, std::string instance,
                SenderObserver observer = {});
  ~WebhookSender();

  /// One round of sender number `worker`: claims the subscription whose first delivery is due
  /// soonest, delivers from it for a while, and says when to look again.
  task::Next Round(int worker);
  /// A commit that queued deliveries may not be visible yet when the wake-up arrives: the next
  /// empty round looks again shortly instead of waiting a whole period.
  void Woken() { woken_.store(true); }

  /// Rounds until nothing is due (tests): returns attempts made.
  int DrainForTest(int max_rounds = 1000);

 private:
  struct Attempt;
  struct Outcome;
  /// Delivers from a claimed subscription until nothing is due, one fails, or the time budget ends.
  int Drain(const std::string& subscription_id, const std::string& holder);
  Attempt Send(const SubscriptionRow& s, const DeliveryRow& d);
  /// Records attempts of one subscription, in order, in one transaction (streak and disabling
  /// included); returns the subscription's streak afterwards.
  std::int64_t Record(const SubscriptionRow& s, const std::vector<Outcome>& outcomes);
  double Jitter();

  db::Database& db_;
  const core::Clock& clock_;
  WebhookService& webhooks_;
  WebhookRepository& repository_;
  std::string instance_;
  SenderObserver observer_;
  http::HttpClient client_;
  std::atomic<bool> woken_{false};
  std::mutex random_mutex_;
  std::mt19937_64 random_;
  std::atomic<int> attempts_made_{0};
};

}  // namespace vetahut::integration
