#include "lib/bus/event_bus.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "lib/bus/amqp_bus.hpp"
#include "lib/db/database.hpp"
#include "lib/bus/retry_rules.hpp"
#include "lib/log/log.hpp"
#include "lib/task/periodic_task.hpp"

namespace vetahut::bus {
namespace {

std::int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(core::SystemClock::Instance().Now().time_since_epoch())
      .count();
}


/// The delivery (one queue row, or a batch's rows) the calling thread's handler is running, for
/// AcknowledgeIn.
struct Delivery {
  std::vector<std::int64_t> seqs;
  bool acknowledged = false;
};
thread_local Delivery* t_delivery = nullptr;

/// Deletes queue rows by seq: statements of 64, 16, 4 and 1 rows (few distinct texts for
/// SQLite's statement cache).
void DeleteQueueRows(db::Session& s, const std::vector<std::int64_t>& seqs) {
  for (std::size_t start = 0, end = 0; start < seqs.size(); start = end) {
    const std::size_t left = seqs.size() - start;
    end = start + (left >= 64 ? 64 : left >= 16 ? 16 : left >= 4 ? 4 : 1);
    std::string sql = "DELETE FROM bus_queue WHERE seq IN (";
    std::vector<db::Value> params;
    for (std::size_t i = start; i < end; ++i) {
      fmt::format_to(std::back_inserter(sql), "{}${}", i > start ? ", " : "", i - start + 1);
      params.emplace_back(seqs[i]);
    }
    sql += ")";
    s.Exec(sql, params);
  }
}

}  // namespace

void AcknowledgeIn(db::Session& tx) {
  if (!t_delivery || t_delivery->acknowledged) return;
  DeleteQueueRows(tx, t_delivery->seqs);
  t_delivery->acknowledged = true;
}

/// One consumer's queue and its worker.
struct InProcessBus::Queue {
  Subscription subscription;
  std::unique_ptr<task::PeriodicTask> worker;
  std::string holder;                // this process's name in the lease row
  std::int64_t lease_until_ms = 0;   // as last written (worker thread only)
  std::atomic<std::int64_t> handled{0};
  std::atomic<std::int64_t> failed_attempts{0};
};

struct InProcessBus::State {
  db::Database& db;
  InProcessBusOptions options;
  std::mutex mutex;  // guards `queues` (the map; queues themselves are stable once added)
  std::map<std::string, std::unique_ptr<Queue>> queues;
  bool started = false;
  std::mt19937 random{std::random_device{}()};
  std::mutex random_mutex;

  explicit State(db::Database& d) : db(d) {}

  std::chrono::milliseconds Backoff(std::int64_t attempts) {
    const auto delay = BackoffStep(options.first_backoff, options.max_backoff, attempts);
    std::lock_guard lock(random_mutex);
    std::uniform_int_distribution<std::int64_t> jitter(-delay.count() / 4, delay.count() / 4);
    return delay + std::chrono::milliseconds(jitter(random));
  }

  bool TakeLease(Queue& q) {
    const std::int64_t now = NowMillis();
    if (now < q.lease_until_ms - options.lease.count() / 2) return true;
    const std::int64_t until = now + options.lease.count();
    db.Exec("INSERT INTO bus_consumers (consumer, holder, expires_at) VALUES ($1, '', 0) ON CONFLICT (consumer) DO NOTHING",
            db::Params(q.subscription.consumer));
    const bool held = db.Exec("UPDATE bus_consumers SET holder = $1, expires_at = $2 "
                              "WHERE consumer = $3 AND (holder = $1 OR expires_at < $4)",
                              db::Params(q.holder, until, q.subscription.consumer, now)) == 1;
    q.lease_until_ms = held ? until : 0;
    return held;
  }

  void DeadLetter(Queue& q, std::int64_t seq, const std::string& event_id, const std::string& type,
                  const std::string& envelope, const std::string& error, std::int64_t attempts) {
    auto tx = db.Begin();
    tx.Exec(
        "INSERT INTO bus_dead_letters (consumer, event_id, type, envelope, error, failed_at, attempts) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (consumer, event_id) DO UPDATE SET error = $5, "
        "failed_at = $6, attempts = $7",
        db::Params(q.subscription.consumer, event_id, type, envelope, error.substr(0, 2000),
                   core::FormatRfc3339(core::SystemClock::Instance().Now()), attempts));
    tx.Exec("DELETE FROM bus_queue WHERE seq = $1", db::Params(seq));
    tx.Commit();
    log::Error("event dead-lettered", {{"consumer", q.subscription.consumer}, {"event_id", event_id},
                                       {"type", type}, {"attempts", attempts}, {"error", error}});
  }

  /// What one lane of a round did.
  struct Lane {
    std::vector<std::size_t> rows;   ///< indexes into the round's rows, in seq order
    std::vector<std::int64_t> done;  ///< handled, to delete after the round
    std::int64_t next_due = 0;       ///< earliest retry scheduled (ms since epoch)
    std::exception_ptr error;        ///< the database failed under it
  };

  /// Hands one queue row to the consumer; a failure is scheduled for a retry or dead-lettered.
  void HandleOne(Queue& q, const db::Row& row, const core::Result<CloudEvent>& event, Lane& lane) {
    const std::int64_t seq = row.Int(0);
    const std::int64_t attempts = row.Int(4) + 1;
    std::optional<core::Error> failure;
    Delivery delivery{{seq}, false};
    if (!event) {
      failure = event.error();
    } else {
      t_delivery = &delivery;
      try {
        if (auto status = q.subscription.handler(*event); !status) failure = status.error();
      } catch (const std::exception& e) {
        failure = core::Error::Internal(e.what());
      }
      t_delivery = nullptr;
    }
    if (!failure) {
      if (delivery.acknowledged) {
        q.handled++;  // its row went with the handler's own transaction
      } else {
        lane.done.push_back(seq);
      }
      return;
    }
    q.failed_attempts++;
    const std::string event_id = row.Text(1);
    const std::string type = row.Text(2);
    const std::string why = DescribeFailure(*failure);
    if (IsPermanentFailure(*failure) || attempts >= options.max_attempts) {
      DeadLetter(q, seq, event_id, type, row.Text(3), why, attempts);
      return;
    }
    const auto delay = Backoff(attempts);
    const std::int64_t due = NowMillis() + delay.count();
    log::Warn("event consumer failed; will retry", {{"consumer", q.subscription.consumer}, {"event_id", event_id},
                                                    {"type", type}, {"attempt", attempts},
                                                    {"retry_in_ms", std::int64_t(delay.count())}, {"error", why}});
    db.Exec("UPDATE bus_queue SET attempts = $1, next_at = $2, last_error = $3 WHERE seq = $4",
            db::Params(attempts, due, why.substr(0, 2000), seq));
    lane.next_due = lane.next_due == 0 ? due : std::min(lane.next_due, due);
  }

  /// One round of a queue: handles what is due, in order; returns how many rows it looked at and
  /// when the earliest deferred one is due (ms since epoch, 0 = none).
  std::pair<int, std::int64_t> Drain(Queue& q) {
    if (!TakeLease(q)) return {0, 0};
    const std::int64_t now = NowMillis();
    auto rows = db.Query(
        "SELECT seq, event_id, type, envelope, attempts FROM bus_queue WHERE consumer = $1 AND next_at <= $2 "
        "ORDER BY seq LIMIT $3",
        db::Params(q.subscription.consumer, now, options.batch_size));
    if (rows.size() > 1 && q.subscription.batch_handler && DrainAsBatch(q, rows)) {
      return {static_cast<int>(rows.size()), 0};
    }
    std::vector<core::Result<CloudEvent>> events;
    events.reserve(rows.size());
    for (const auto& row : rows) events.push_back(CloudEvent::FromJson(row.Text(3)));
    // Lanes: events of one subject (an order, a ticket) in order on one thread; different
    // subjects on up to `lanes` threads at once, so a consumer whose effects wait on the database
    // (a commit each) is not one round trip at a time.
    const std::size_t lanes = std::min<std::size_t>(std::max(1, q.subscription.lanes), rows.size());
    std::vector<Lane> work(std::max<std::size_t>(1, lanes));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::size_t lane =
          lanes > 1 && events[i] ? std::hash<std::string>{}(events[i]->subject) % lanes : 0;
      work[lane].rows.push_back(i);
    }
    auto run = [&](Lane& lane) {
      try {
        for (std::size_t i : lane.rows) HandleOne(q, rows[i], events[i], lane);
      } catch (...) {
        lane.error = std::current_exception();
      }
    };
    std::vector<std::thread> threads;
    for (std::size_t l = 1; l < work.size(); ++l) {
      if (!work[l].rows.empty()) threads.emplace_back(run, std::ref(work[l]));
    }
    run(work[0]);
    for (auto& t : threads) t.join();
    std::vector<std::int64_t> done;
    std::int64_t next_due = 0;
    for (auto& lane : work) {
      if (lane.error) std::rethrow_exception(lane.error);
      done.insert(done.end(), lane.done.begin(), lane.done.end());
      if (lane.next_due > 0) next_due = next_due == 0 ? lane.next_due : std::min(next_due, lane.next_due);
    }
    if (!done.empty()) {
      // Deleted after the round: a crash before it redelivers these, and inboxes dedupe.
      DeleteQueueRows(db, done);
      q.handled += static_cast<std::int64_t>(done.size());
    }
    return {static_cast<int>(rows.size()), next_due};
  }

  /// The round's rows as one batch (Subscription::batch_handler): true when all were handled and
  /// acknowledged together; false when nothing was, and the rows go one by one.
  bool DrainAsBatch(Queue& q, const db::ResultSet& rows) {
    std::vector<CloudEvent> events;
    Delivery delivery;
    events.reserve(rows.size());
    for (const auto& row : rows) {
      auto event = CloudEvent::FromJson(row.Text(3));
      if (!event) return false;  // dead-lettered on its own
      events.push_back(std::move(*event));
      delivery.seqs.push_back(row.Int(0));
    }
    bool handled = false;
    t_delivery = &delivery;
    try {
      handled = q.subscription.batch_handler(events);
    } catch (const std::exception& e) {
      log::Warn("event batch failed; its events go one by one",
                {{"consumer", q.subscription.consumer}, {"events", static_cast<std::int64_t>(events.size())},
                 {"error", e.what()}});
      handled = false;
    }
    t_delivery = nullptr;
    if (!handled) return false;
    if (!delivery.acknowledged) DeleteQueueRows(db, delivery.seqs);
    q.handled += static_cast<std::int64_t>(events.size());
    return true;
  }
};

InProcessBus::InProcessBus(db::Database& db, InProcessBusOptions options) : state_(std::make_unique<State>(db)) {
  state_->options = options;
}

InProcessBus::~InProcessBus() { Stop(); }

void InProcessBus::Subscribe(Subscription subscription) {
  std::lock_guard lock(state_->mutex);
  if (state_->started) throw std::logic_error("InProcessBus::Subscribe after Start");
  if (state_->queues.contains(subscription.consumer)) {
    throw std::logic_error("bus consumer '" + subscription.consumer + "' subscribed twice: one queue per module");
  }
  auto q = std::make_unique<Queue>();
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  q->holder = fmt::format("{}/{}/{}", host, ::getpid(), static_cast<const void*>(q.get()));
  q->subscription = std::move(subscription);
  Queue* raw = q.get();
  State* state = state_.get();
  q->worker = std::make_unique<task::PeriodicTask>(
      task::TaskOptions{.name = "bus queue " + raw->subscription.consumer,
                        .period = state->options.idle_poll,
                        .run_at_start = true,
                        .min_interval = state->options.min_interval},
      [state, raw]() -> task::Next {
        auto [looked_at, next_due] = state->Drain(*raw);
        if (looked_at == state->options.batch_size) return task::Next::Again();
        if (next_due > 0) {
          const auto wait = std::chrono::milliseconds(std::max<std::int64_t>(1, next_due - NowMillis()));
          return task::Next::After(std::min(wait, state->options.idle_poll));
        }
        return task::Next::Period();
      });
  state_->queues.emplace(raw->subscription.consumer, std::move(q));
}

void InProcessBus::Start() {
  std::lock_guard lock(state_->mutex);
  state_->started = true;
  for (auto& [name, q] : state_->queues) q->worker->Start();
}

void InProcessBus::Stop() {
  std::vector<Queue*> queues;
  {
    std::lock_guard lock(state_->mutex);
    for (auto& [name, q] : state_->queues) queues.push_back(q.get());
  }
  for (Queue* q : queues) q->worker->Stop();
  for (Queue* q : queues) {
    if (q->lease_until_ms == 0) continue;
    try {
      q->lease_until_ms = 0;
      state_->db.Exec("UPDATE bus_consumers SET expires_at = 0 WHERE consumer = $1 AND holder = $2",
                      db::Params(q->subscription.consumer, q->holder));
    } catch (const std::exception& e) {
      log::Warn("bus queue lease not released; a peer takes over when it expires",
                {{"consumer", q->subscription.consumer}, {"error", e.what()}});
    }
  }
}

std::vector<std::pair<InProcessBus::Queue*, const CloudEvent*>> InProcessBus::Match(const std::vector<CloudEvent>& events) {
  std::vector<std::pair<Queue*, const CloudEvent*>> deliveries;
  std::lock_guard lock(state_->mutex);
  for (const auto& event : events) {
    for (auto& [name, q] : state_->queues) {
      for (const auto& pattern : q->subscription.patterns) {
        if (TopicMatches(pattern, event.type)) {
          deliveries.emplace_back(q.get(), &event);
          break;
        }
      }
    }
  }
  return deliveries;
}

void InProcessBus::Insert(db::Session& tx, const std::vector<std::pair<Queue*, const CloudEvent*>>& deliveries) {
  // A relay round queues each event for every consumer that wants it (about 14 rows per order):
  // multi-row INSERTs, each envelope serialized once, instead of a statement and a serialization
  // per row. Statements of 64, 16, 4 and 1 rows: few distinct texts for SQLite's statement cache.
  // Rows keep the order given, so each queue keeps the events' order.
  const std::int64_t now = NowMillis();
  std::map<const CloudEvent*, std::string> envelopes;
  for (std::size_t start = 0, end = 0; start < deliveries.size(); start = end) {
    const std::size_t left = deliveries.size() - start;
    end = start + (left >= 64 ? 64 : left >= 16 ? 16 : left >= 4 ? 4 : 1);
    std::string sql = "INSERT INTO bus_queue (consumer, event_id, type, envelope, attempts, next_at, enqueued_at) VALUES ";
    std::vector<db::Value> params;
    params.reserve(1 + 4 * (end - start));
    params.emplace_back(now);
    for (std::size_t i = start; i < end; ++i) {
      const auto& [q, event] = deliveries[i];
      auto envelope = envelopes.find(event);
      if (envelope == envelopes.end()) envelope = envelopes.emplace(event, event->ToJson()).first;
      const std::size_t p = params.size();
      fmt::format_to(std::back_inserter(sql), "{}(${}, ${}, ${}, ${}, 0, $1, $1)", i > start ? ", " : "", p + 1, p + 2,
                     p + 3, p + 4);
      params.emplace_back(q->subscription.consumer);
      params.emplace_back(event->id);
      params.emplace_back(event->type);
      params.emplace_back(envelope->second);
    }
    sql += " ON CONFLICT (consumer, event_id) DO NOTHING";
    tx.Exec(sql, params);
  }
}

void InProcessBus::Publish(const std::vector<CloudEvent>& events) {
  auto deliveries = Match(events);
  if (deliveries.empty()) return;  // nobody in this process wants them
  try {
    auto tx = state_->db.Begin();
    Insert(tx, deliveries);
    tx.Commit();
  } catch (const core::ErrorException& e) {
    throw core::ErrorException(core::Error::Unavailable("bus: events not queued: " + e.error().detail));
  }
  for (const auto& [q, event] : deliveries) q->worker->Notify();
}

std::optional<std::function<void()>> InProcessBus::QueueInTransaction(db::Session& tx,
                                                                     const std::vector<CloudEvent>& events) {
  auto deliveries = Match(events);
  Insert(tx, deliveries);
  std::vector<Queue*> woken;
  for (const auto& [q, event] : deliveries) {
    if (std::find(woken.begin(), woken.end(), q) == woken.end()) woken.push_back(q);
  }
  return [woken] {
    for (Queue* q : woken) q->worker->Notify();
  };
}

int InProcessBus::DrainOnce(const std::string& consumer) {
  Queue* q = nullptr;
  {
    std::lock_guard lock(state_->mutex);
    auto it = state_->queues.find(consumer);
    if (it == state_->queues.end()) throw std::invalid_argument("no consumer " + consumer);
    q = it->second.get();
  }
  return state_->Drain(*q).first;
}

std::vector<DeadLetter> InProcessBus::DeadLetters(const std::string& consumer, int limit) {
  auto rows = state_->db.Query(
      "SELECT consumer, event_id, type, error, attempts, failed_at, envelope FROM bus_dead_letters "
      "WHERE ($1 = '' OR consumer = $1) ORDER BY failed_at DESC, event_id DESC LIMIT $2",
      db::Params(consumer, limit));
  std::vector<DeadLetter> out;
  for (const auto& r : rows) {
    out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Text(5), r.Text(6)});
  }
  return out;
}

core::Status InProcessBus::Redrive(const std::string& consumer, const std::string& event_id) {
  Queue* q = nullptr;
  {
    std::lock_guard lock(state_->mutex);
    if (auto it = state_->queues.find(consumer); it != state_->queues.end()) q = it->second.get();
  }
  auto tx = state_->db.Begin();
  auto rows = tx.Query("SELECT type, envelope FROM bus_dead_letters WHERE consumer = $1 AND event_id = $2",
                       db::Params(consumer, event_id));
  if (rows.empty()) {
    return core::Fail(core::Error::NotFound(fmt::format("no dead letter {} for consumer {}", event_id, consumer)));
  }
  if (!q) {
    return core::Fail(core::Error::Conflict(
        fmt::format("consumer {} does not run in this process; re-drive it where it runs", consumer)));
  }
  // Removed and queued in one transaction: a dead letter is re-driven exactly once.
  if (tx.Exec("DELETE FROM bus_dead_letters WHERE consumer = $1 AND event_id = $2", db::Params(consumer, event_id)) != 1) {
    return core::Fail(core::Error::NotFound("the dead letter was re-driven meanwhile"));
  }
  const std::int64_t now = NowMillis();
  tx.Exec(
      "INSERT INTO bus_queue (consumer, event_id, type, envelope, attempts, next_at, enqueued_at) "
      "VALUES ($1, $2, $3, $4, 0, $5, $5) ON CONFLICT (consumer, event_id) DO NOTHING",
      db::Params(consumer, event_id, rows[0].Text(0), rows[0].Text(1), now));
  tx.Commit();
  log::Info("dead letter re-driven", {{"consumer", consumer}, {"event_id", event_id}});
  q->worker->Notify();
  return core::Ok();
}

std::vector<QueueStats> InProcessBus::Stats() {
  std::vector<QueueStats> out;
  std::vector<Queue*> queues;
  {
    std::lock_guard lock(state_->mutex);
    for (auto& [name, q] : state_->queues) queues.push_back(q.get());
  }
  const std::int64_t now = NowMillis();
  for (Queue* q : queues) {
    QueueStats s;
    s.consumer = q->subscription.consumer;
    auto depth = state_->db.Query("SELECT COUNT(*), MIN(enqueued_at) FROM bus_queue WHERE consumer = $1",
                                  db::Params(s.consumer));
    s.depth = depth[0].Int(0);
    if (!depth[0].IsNull(1)) s.oldest_age_seconds = double(now - depth[0].Int(1)) / 1000.0;
    s.dead_letters =
        state_->db.Query("SELECT COUNT(*) FROM bus_dead_letters WHERE consumer = $1", db::Params(s.consumer))[0].Int(0);
    s.handled = q->handled.load();
    s.failed_attempts = q->failed_attempts.load();
    out.push_back(std::move(s));
  }
  return out;
}

std::unique_ptr<EventBus> OpenBus(const std::string& url, db::Database& db, InProcessBusOptions options,
                                  const std::string& tls_ca_file) {
  if (url == "inproc:") return std::make_unique<InProcessBus>(db, options);
  if (url.starts_with("amqp://") || url.starts_with("amqps://")) {
    AmqpBusOptions amqp = AmqpBusOptions::From(options);
    amqp.tls_ca_file = tls_ca_file;
    return std::make_unique<AmqpBus>(url, amqp);
  }
  throw core::ErrorException(core::Error::BadRequest(fmt::format(
      "bus.url '{}' is not supported (supported: inproc:, amqp:// or amqps://USER:PASS@HOST:PORT/VHOST)", url)));
}

}  // namespace vetahut::bus
