#include "lib/db/migrations.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <tuple>
#include <utility>

namespace vetahut::db {
namespace {

// Key of the PostgreSQL advisory lock that serializes migrations across processes ("vetahut").
constexpr std::int64_t kMigrationLockKey = 0x7665746168757400;

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, "
    "applied_at TEXT NOT NULL, PRIMARY KEY (module, version))";

std::string Label(const Migration& m) { return fmt::format("{}/{:03}", m.module, m.version); }

void LockMigrations(Transaction& tx) {
  // SQLite needs nothing here: BEGIN IMMEDIATE already holds the database's write lock.
  if (tx.engine() == Engine::kPostgres) {
    tx.Query("SELECT pg_advisory_xact_lock($1)", Params(kMigrationLockKey));
  }
}

void CheckName(const Migration& m, const std::string& recorded) {
  if (recorded != m.name) {
    throw core::ErrorException(core::Error::Internal(
        fmt::format("migration {} was renamed (recorded '{}', embedded '{}'); released migrations "
                    "must never be edited",
                    Label(m), recorded, m.name)));
  }
}

std::string UtcNow() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
}

}  // namespace

const std::string& MigrationSql(const Migration& m, Engine engine) {
  const std::string& specific = engine == Engine::kSqlite ? m.sqlite_sql : m.postgres_sql;
  const std::string& text = specific.empty() ? m.sql : specific;
  if (text.empty()) {
    throw core::ErrorException(core::Error::Internal(
        fmt::format("migration {} has no SQL for {}", Label(m), EngineName(engine))));
  }
  return text;
}

MigrationReport Migrate(Database& db, const std::vector<Migration>& migrations) {
  std::vector<const Migration*> ordered;
  ordered.reserve(migrations.size());
  for (const auto& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(), [](const Migration* a, const Migration* b) {
    return std::tie(a->module, a->version) < std::tie(b->module, b->version);
  });
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    const Migration& m = *ordered[i];
    if (m.module.empty() || m.name.empty()) {
      throw core::ErrorException(
          core::Error::Internal(fmt::format("migration {} has no module or name", Label(m))));
    }
    if (i > 0 && ordered[i - 1]->module == m.module && ordered[i - 1]->version == m.version) {
      throw core::ErrorException(
          core::Error::Internal(fmt::format("migration {} is defined twice", Label(m))));
    }
    MigrationSql(m, db.engine());  // fail before applying anything
  }

  // Create the table and check every recorded name before changing anything.
  std::map<std::pair<std::string, std::int64_t>, std::string> recorded;
  {
    Transaction tx = db.Begin();
    LockMigrations(tx);
    tx.Exec(kCreateTable);
    for (const Row& row : tx.Query("SELECT module, version, name FROM schema_migrations")) {
      recorded[{row.Text(0), row.Int(1)}] = row.Text(2);
    }
    tx.Commit();
  }
  for (const Migration* m : ordered) {
    if (auto it = recorded.find({m->module, m->version}); it != recorded.end()) {
      CheckName(*m, it->second);
    }
  }

  MigrationReport report;
  for (const Migration* m : ordered) {
    if (recorded.contains({m->module, m->version})) continue;
    Transaction tx = db.Begin();
    LockMigrations(tx);
    // Another process may have applied it since we looked.
    auto again = tx.Query("SELECT name FROM schema_migrations WHERE module = $1 AND version = $2",
                          Params(m->module, m->version));
    if (!again.empty()) {
      CheckName(*m, again[0].Text(0));
      continue;  // tx rolls back
    }
    tx.Exec(MigrationSql(*m, db.engine()));
    tx.Exec(
        "INSERT INTO schema_migrations (module, version, name, applied_at) "
        "VALUES ($1, $2, $3, $4)",
        Params(m->module, m->version, m->name, UtcNow()));
    tx.Commit();
    report.applied.push_back(fmt::format("{}_{}", Label(*m), m->name));
  }
  return report;
}

}  // namespace vetahut::db
