#pragma once
/// Schema migrations: embedded, applied in order, recorded in `schema_migrations`, never edited.
#include <string>
#include <vector>

#include "lib/db/database.hpp"

namespace vetahut::db {

/// One migration of one module (`<module>/NNN_name.sql`). `sql` is portable; a non-empty
/// engine-specific text overrides it on that engine.
struct Migration {
  std::string module;        ///< owning module, e.g. "menu"
  int version = 0;           ///< NNN from the file name
  std::string name;          ///< the part after NNN_, e.g. "create_products"
  std::string sql;           ///< portable SQL (NNN_name.sql)
  std::string sqlite_sql;    ///< NNN_name.sqlite.sql, if any
  std::string postgres_sql;  ///< NNN_name.postgres.sql, if any
};

/// What `Migrate` did.
struct MigrationReport {
  std::vector<std::string> applied;  ///< "module/003_name", in the order applied
};

/// The SQL a migration runs on `engine`; throws ErrorException(kInternal) if it has none.
const std::string& MigrationSql(const Migration& migration, Engine engine);

/// Creates `schema_migrations(module, version, name, applied_at)` if needed and applies the
/// missing migrations in (module, version) order, each in its own transaction together with its
/// record. Idempotent; safe against a concurrent `Migrate` from another process (PostgreSQL:
/// advisory transaction lock; SQLite: BEGIN IMMEDIATE), which re-checks inside the transaction.
/// Throws ErrorException(kInternal) "migration menu/002 was renamed" when a recorded migration's
/// name differs from the embedded one, and for duplicate versions.
MigrationReport Migrate(Database& db, const std::vector<Migration>& migrations);

}  // namespace vetahut::db
