#include "lib/bus/outbox.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "lib/db/database.hpp"
#include "lib/log/log.hpp"

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
  return {dead};
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
  if (!TakeLease()) return 0;
  // Read outside a transaction: in-process consumers write to the same database while we publish.
  auto rows = db_.Query(fmt::format("SELECT seq, envelope FROM {} WHERE sent_at IS NULL ORDER BY seq LIMIT $1",
                                    table_),
                        db::Params(options_.batch_size));
  // Published events are marked sent together, in one statement per round (a crash before the
  // mark re-publishes them: delivery is at least once, consumers dedupe).
  int published = 0;
  std::int64_t first_sent = 0;
  std::int64_t last_sent = 0;
  auto mark_sent = [&] {
    if (published == 0) return;
    db_.Exec(fmt::format("UPDATE {} SET sent_at = $1, attempts = attempts + 1 WHERE seq >= $2 AND seq <= $3 AND sent_at IS NULL",
                         table_),
             db::Params(NowMillis(), first_sent, last_sent));
  };
  for (const auto& row : rows) {
    const std::int64_t seq = row.Int(0);
    auto event = CloudEvent::FromJson(row.Text(1));
    if (!event) {
      // Written by us, so this is a bug; park it rather than block every later event.
      db_.Exec(fmt::format("UPDATE {} SET sent_at = $1, last_error = $2 WHERE seq = $3", table_),
               db::Params(NowMillis(), "unreadable envelope: " + event.error().detail, seq));
      log::Error("outbox event unreadable; skipped", {{"module", module_}, {"seq", seq}});
      continue;
    }
    try {
      bus_.Publish(*event);
    } catch (const std::exception& e) {
      mark_sent();
      db_.Exec(fmt::format("UPDATE {} SET attempts = attempts + 1, last_error = $1 WHERE seq = $2", table_),
               db::Params(std::string(e.what()).substr(0, 500), seq));
      throw;
    }
    if (published == 0) first_sent = seq;
    last_sent = seq;
    ++published;
  }
  mark_sent();
  return published;
}

void OutboxRelay::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    auto backoff = std::chrono::milliseconds(0);
    while (true) {
      {
        std::unique_lock lock(mutex_);
        const auto wait = backoff.count() > 0 ? backoff : options_.idle_interval;
        wake_.wait_for(lock, wait, [this] { return stopping_ || notified_; });
        if (stopping_) return;
        notified_ = false;
      }
      try {
        while (RelayOnce() == options_.batch_size) {
          std::lock_guard lock(mutex_);
          if (stopping_) return;
        }
        backoff = std::chrono::milliseconds(0);
      } catch (const std::exception& e) {
        backoff = std::min(options_.max_backoff, std::max(std::chrono::milliseconds(50), backoff * 2));
        log::Warn("outbox relay round failed; retrying",
                  {{"module", module_}, {"error", e.what()}, {"retry_in_ms", std::int64_t(backoff.count())}});
      }
    }
  });
}

void OutboxRelay::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

void OutboxRelay::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (!thread_.joinable()) return;
  thread_.join();
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
    tx.Commit();
    return core::Ok();
  };
  return sub;
}

}  // namespace vetahut::bus
