#include "lib/bus/outbox.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "lib/db/database.hpp"
#include "lib/log/log.hpp"
#include "lib/task/periodic_task.hpp"

namespace vetahut::bus {
namespace {

std::int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             core::SystemClock::Instance().Now().time_since_epoch())
      .count();
}

void RequireIdentifier(const std::string& name) {
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9'))) {
      throw std::invalid_argument("module names are lower-case identifiers: " + name);
    }
  }
}

}  // namespace

std::vector<db::Migration> OutboxInboxMigrations(const std::string& module, int first_version) {
  RequireIdentifier(module);
  db::Migration outbox;
  outbox.module = module;
  outbox.version = first_version;
  outbox.name = "outbox";
  const std::string columns =
      "event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, envelope TEXT NOT NULL, "
      "created_at BIGINT NOT NULL, sent_at BIGINT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT";
  const std::string rest = fmt::format(
      "CREATE INDEX {0}_outbox_unsent ON {0}_outbox (seq) WHERE sent_at IS NULL;\n"
      "CREATE TABLE {0}_outbox_lease (id INTEGER PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL);\n"
      "INSERT INTO {0}_outbox_lease (id, holder, expires_at) VALUES (1, '', 0);\n",
      module);
  outbox.sqlite_sql =
      fmt::format("CREATE TABLE {}_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, {});\n", module, columns) + rest;
  outbox.postgres_sql =
      fmt::format("CREATE TABLE {}_outbox (seq BIGSERIAL PRIMARY KEY, {});\n", module, columns) + rest;

  db::Migration inbox;
  inbox.module = module;
  inbox.version = first_version + 1;
  inbox.name = "inbox";
  inbox.sql = fmt::format(
      "CREATE TABLE {}_inbox (event_id TEXT PRIMARY KEY, type TEXT NOT NULL, handled_at BIGINT NOT NULL);\n",
      module);
  return {outbox, inbox};
}

std::vector<db::Migration> BusMigrations() {
  db::Migration dead;
  dead.module = "bus";
  dead.version = 1;
  dead.name = "dead_letters";
  dead.sql =
      "CREATE TABLE bus_dead_letters (consumer TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, "
      "envelope TEXT NOT NULL, error TEXT NOT NULL, failed_at TEXT NOT NULL, PRIMARY KEY (consumer, event_id));\n";
  // The in-process broker: one durable queue per consuming module (rows per consumer), and the
  // lease that lets one replica at a time drain a queue.
  db::Migration queue;
  queue.module = "bus";
  queue.version = 2;
  queue.name = "queues";
  const std::string queue_columns =
      "consumer TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, envelope TEXT NOT NULL, "
      "attempts INTEGER NOT NULL DEFAULT 0, next_at BIGINT NOT NULL, enqueued_at BIGINT NOT NULL, last_error TEXT, "
      "UNIQUE (consumer, event_id)";
  const std::string queue_rest =
      "CREATE INDEX bus_queue_due ON bus_queue (consumer, next_at, seq);\n"
      "CREATE TABLE bus_consumers (consumer TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL);\n"
      "ALTER TABLE bus_dead_letters ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;\n";
  queue.sqlite_sql = "CREATE TABLE bus_queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, " + queue_columns + ");\n" + queue_rest;
  queue.postgres_sql = "CREATE TABLE bus_queue (seq BIGSERIAL PRIMARY KEY, " + queue_columns + ");\n" + queue_rest;
  // A queue is drained in seq order: with a backlog of thousands (every row due), the
  // (consumer, next_at, seq) index made each round sort the whole backlog to take its first rows;
  // (consumer, seq) hands them over in order.
  db::Migration order;
  order.module = "bus";
  order.version = 3;
  order.name = "queue_order";
  order.sql = "CREATE INDEX bus_queue_order ON bus_queue (consumer, seq);\n";
  return {dead, queue, order};
}

Outbox::Outbox(std::string module) : table_(module + "_outbox") { RequireIdentifier(module); }

void Outbox::Add(db::Session& tx, const CloudEvent& event) const {
  tx.Exec(fmt::format("INSERT INTO {} (event_id, type, envelope, created_at) VALUES ($1, $2, $3, $4)", table_),
          db::Params(event.id, event.type, event.ToJson(), NowMillis()));
}

OutboxRelay::OutboxRelay(db::Database& db, EventBus& bus, std::string module, RelayOptions options)
    : db_(db), bus_(bus), module_(module), table_(module + "_outbox"), options_(options) {
  RequireIdentifier(module);
  char host[256] = {0};
  ::gethostname(host, sizeof(host) - 1);
  holder_ = fmt::format("{}/{}/{}", host, ::getpid(), static_cast<const void*>(this));
  task_ = std::make_unique<task::PeriodicTask>(
      task::TaskOptions{.name = "outbox relay " + module_,
                        .period = options_.idle_interval,
                        .max_backoff = options_.max_backoff,
                        .run_at_start = true,
                        .min_interval = options_.min_interval},
      [this] { return RelayOnce() == options_.batch_size ? task::Next::Again() : task::Next::Period(); });
}

OutboxRelay::~OutboxRelay() { Stop(); }

bool OutboxRelay::TakeLease() {
  const std::int64_t now = NowMillis();
  // Renew only when half the lease has gone: an idle relay polling every 200 ms must not turn
  // into five durable writes (fsyncs) a second.
  if (now < lease_until_ms_ - options_.lease.count() / 2) return true;
  const std::int64_t until = now + options_.lease.count();
  const bool held = db_.Exec(fmt::format("UPDATE {}_lease SET holder = $1, expires_at = $2 "
                                         "WHERE id = 1 AND (holder = $1 OR expires_at < $3)",
                                         table_),
                             db::Params(holder_, until, now)) == 1;
  lease_until_ms_ = held ? until : 0;
  return held;
}

int OutboxRelay::RelayOnce() {
  std::lock_guard round(round_mutex_);
  if (!TakeLease()) return 0;
  auto rows = db_.Query(fmt::format("SELECT seq, envelope FROM {} WHERE sent_at IS NULL ORDER BY seq LIMIT $1",
                                    table_),
                        db::Params(options_.batch_size));
  if (rows.empty()) return 0;
  std::vector<CloudEvent> events;
  events.reserve(rows.size());
  for (const auto& row : rows) {
    auto event = CloudEvent::FromJson(row.Text(1));
    if (!event) {
      // Written by us, so this is a bug; park it rather than block every later event.
      db_.Exec(fmt::format("UPDATE {} SET sent_at = $1, last_error = $2 WHERE seq = $3", table_),
               db::Params(NowMillis(), "unreadable envelope: " + event.error().detail, row.Int(0)));
      log::Error("outbox event unreadable; skipped", {{"module", module_}, {"seq", row.Int(0)}});
      continue;
    }
    events.push_back(std::move(*event));
  }
  // Exactly the rows read are marked, never a range of seqs: on PostgreSQL a seq is taken at
  // INSERT and becomes visible at COMMIT, so a row with a seq inside the range read may commit
  // between this SELECT and the UPDATE — a range would mark it sent unpublished (lost).
  std::string in = "(";
  std::vector<db::Value> mark_params{db::Value(NowMillis())};
  for (const auto& row : rows) {
    mark_params.emplace_back(row.Int(0));
    in += fmt::format("{}${}", in.size() > 1 ? ", " : "", mark_params.size());
  }
  in += ")";
  const std::string mark =
      fmt::format("UPDATE {} SET sent_at = $1, attempts = attempts + 1 WHERE sent_at IS NULL AND seq IN {}", table_, in);
  if (bus_.QueuesInDatabase()) {
    // A bus with its queues in this database takes the round in the same transaction as the mark.
    auto tx = db_.Begin();
    if (auto wake = bus_.QueueInTransaction(tx, events)) {
      tx.Exec(mark, mark_params);
      tx.Commit();
      (*wake)();
      return static_cast<int>(rows.size());
    }
  }
  try {
    // The whole round in one publish: the bus confirms every event or none is marked sent (a
    // re-publish after a failure is harmless: queues and inboxes dedupe by event id).
    bus_.Publish(events);
  } catch (const std::exception& e) {
    auto failed_params = mark_params;
    failed_params[0] = db::Value(std::string(e.what()).substr(0, 500));
    db_.Exec(fmt::format("UPDATE {} SET attempts = attempts + 1, last_error = $1 WHERE sent_at IS NULL AND seq IN {}",
                         table_, in),
             failed_params);
    throw;
  }
  db_.Exec(mark, mark_params);
  return static_cast<int>(rows.size());
}

void OutboxRelay::Start() { task_->Start(); }

void OutboxRelay::Notify() { task_->Notify(); }

void OutboxRelay::Stop() {
  if (stopped_.exchange(true)) return;
  task_->Stop();
  // A last round so events committed just before shutdown go out now, not at the next start.
  try {
    RelayOnce();
  } catch (const std::exception& e) {
    log::Warn("final outbox round failed; events stay queued", {{"module", module_}, {"error", e.what()}});
  }
  try {
    lease_until_ms_ = 0;
    db_.Exec(fmt::format("UPDATE {}_lease SET expires_at = 0 WHERE id = 1 AND holder = $1", table_),
             db::Params(holder_));
  } catch (const std::exception& e) {
    log::Warn("outbox lease not released; a peer takes over when it expires", {{"module", module_}, {"error", e.what()}});
  }
}

std::int64_t OutboxRelay::Pending() const {
  return db_.Query(fmt::format("SELECT COUNT(*) FROM {} WHERE sent_at IS NULL", table_))[0].Int(0);
}

double OutboxRelay::OldestPendingAgeSeconds() const {
  auto rows = db_.Query(fmt::format("SELECT MIN(created_at) FROM {} WHERE sent_at IS NULL", table_));
  if (rows.empty() || rows[0].IsNull(0)) return 0.0;
  return double(NowMillis() - rows[0].Int(0)) / 1000.0;
}

Inbox::Inbox(std::string consumer) : table_(consumer + "_inbox") { RequireIdentifier(consumer); }

bool Inbox::Claim(db::Session& tx, const CloudEvent& event) const {
  // ON CONFLICT DO NOTHING rather than catching a unique violation: on PostgreSQL an error
  // would abort the whole transaction.
  return tx.Exec(fmt::format("INSERT INTO {} (event_id, type, handled_at) VALUES ($1, $2, $3) "
                             "ON CONFLICT (event_id) DO NOTHING",
                             table_),
                 db::Params(event.id, event.type, NowMillis())) == 1;
}

Subscription IdempotentConsumer(db::Database& db, std::string consumer, std::vector<std::string> patterns,
                                std::function<core::Status(db::Transaction&, const CloudEvent&)> effect) {
  auto inbox = std::make_shared<Inbox>(consumer);
  Subscription sub;
  sub.consumer = consumer;
  sub.patterns = std::move(patterns);
  sub.handler = [&db, inbox, effect = std::move(effect)](const CloudEvent& event) -> core::Status {
    auto tx = db.Begin();
    if (!inbox->Claim(tx, event)) return core::Ok();  // already handled: acknowledge again
    if (auto status = effect(tx, event); !status) return status;  // tx rolls back, inbox too
    AcknowledgeIn(tx);
    tx.Commit();
    return core::Ok();
  };
  return sub;
}

}  // namespace vetahut::bus
