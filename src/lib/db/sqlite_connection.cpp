// SQLite engine: one `sqlite3*` per pooled connection, `$N` rewritten to `?N`, prepared statements
// cached per connection.
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>
#include <unordered_map>

#include "lib/db/connection.hpp"
#include "lib/db/sql_text.hpp"

namespace vetahut::db::detail {
namespace {

constexpr std::size_t kMaxCachedStatements = 256;

[[noreturn]] void ThrowSqlite(sqlite3* db, int rc, std::string_view context = {}) {
  const int code = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string where = context.empty() ? std::string() : fmt::format(" ({})", context);
  auto fail = [&](core::Error error, const char* sqlstate) -> void {
    throw DbError(std::move(error), Engine::kSqlite, sqlstate, code);
  };
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      fail(core::Error::Conflict("already exists"), "23505");
      break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      fail(core::Error::Conflict("foreign key violation: " + message), "23503");
      break;
    case SQLITE_CONSTRAINT_NOTNULL:
      fail(core::Error::Conflict("not-null violation: " + message), "23502");
      break;
    case SQLITE_CONSTRAINT_CHECK:
      fail(core::Error::Conflict("check violation: " + message), "23514");
      break;
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      fail(core::Error::Conflict("constraint violation: " + message), "23000");
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      fail(core::Error::Unavailable("sqlite database is busy: " + message), "55P03");
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
      fail(core::Error::Unavailable("sqlite: " + message), "58030");
      break;
    default:
      break;
  }
  fail(core::Error::Internal(fmt::format("sqlite: {}{}", message, where)), "");
  std::abort();  // unreachable: fail always throws
}

struct CachedStatement {
  sqlite3_stmt* stmt = nullptr;  // null for empty SQL or several statements
  bool several = false;          // several ;-separated statements: run with sqlite3_exec
  std::string rewritten;
};

/// Resets a statement after use so it releases its locks and parameters.
class ResetGuard {
 public:
  explicit ResetGuard(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ResetGuard(const ResetGuard&) = delete;
  ResetGuard& operator=(const ResetGuard&) = delete;
  ~ResetGuard() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, bool uri, const DatabaseOptions& options)
      : busy_timeout_(options.busy_timeout) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (uri) flags |= SQLITE_OPEN_URI;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw DbError(core::Error::Unavailable(
                        fmt::format("cannot open sqlite database '{}': {}", path, message)),
                    Engine::kSqlite, "08006", rc);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
    try {
      // WAL: readers never block the writer; FULL: a commit survives power loss.
      RunScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    } catch (...) {
      sqlite3_close_v2(db_);
      throw;
    }
  }

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  ~SqliteConnection() override {
    ClearCache();
    sqlite3_close_v2(db_);
  }

  std::int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
    return Run(sql, params, nullptr);
  }

  ResultSet Query(std::string_view sql, const std::vector<Value>& params) override {
    ResultSet result;
    Run(sql, params, &result);
    return result;
  }

  void BeginTransaction() override { Run("BEGIN IMMEDIATE", {}, nullptr); }

  void EndTransaction(bool commit) override {
    if (!commit && sqlite3_get_autocommit(db_) != 0) return;  // SQLite already rolled it back
    Run(commit ? "COMMIT" : "ROLLBACK", {}, nullptr);
  }

  bool Reusable() override { return sqlite3_get_autocommit(db_) != 0; }

 private:
  void ClearCache() {
    for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
    cache_.clear();
  }

  std::int64_t RunScript(const std::string& sql) {
    const auto before = sqlite3_total_changes64(db_);
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    sqlite3_free(error);  // the same text is available from sqlite3_errmsg
    if (rc != SQLITE_OK) ThrowSqlite(db_, rc);
    return sqlite3_total_changes64(db_) != before ? sqlite3_changes64(db_) : 0;
  }

  CachedStatement& Prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxCachedStatements) ClearCache();

    CachedStatement cached;
    cached.rewritten = RewriteDollarPlaceholders(sql);
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, cached.rewritten.c_str(),
                                static_cast<int>(cached.rewritten.size() + 1),
                                SQLITE_PREPARE_PERSISTENT, &cached.stmt, &tail);
    if (rc != SQLITE_OK) ThrowSqlite(db_, rc);
    if (tail != nullptr && !IsBlankSql(tail)) {
      sqlite3_finalize(cached.stmt);
      cached.stmt = nullptr;
      cached.several = true;
    }
    return cache_.emplace(std::move(key), std::move(cached)).first->second;
  }

  void Bind(sqlite3_stmt* stmt, const std::vector<Value>& params) {
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (static_cast<std::size_t>(expected) != params.size()) {
      throw core::ErrorException(core::Error::Internal(
          fmt::format("sqlite: statement expects {} parameters, got {}", expected, params.size())));
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(v)) {
        rc = sqlite3_bind_null(stmt, index);
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, index, *d);
      } else if (const auto* b = std::get_if<bool>(&v)) {
        rc = sqlite3_bind_int(stmt, index, *b ? 1 : 0);
      } else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text64(stmt, index, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) ThrowSqlite(db_, rc);
    }
  }

  static Value Cell(sqlite3_stmt* stmt, int col) {
    switch (sqlite3_column_type(stmt, col)) {
      case SQLITE_INTEGER:
        return Value(std::in_place_type<std::int64_t>, sqlite3_column_int64(stmt, col));
      case SQLITE_FLOAT:
        return Value(std::in_place_type<double>, sqlite3_column_double(stmt, col));
      case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
        return Value(std::in_place_type<std::string>, text,
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt, col)));
      }
      case SQLITE_BLOB: {
        const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, col));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt, col));
        return blob != nullptr ? Value(std::in_place_type<std::string>, blob, size)
                               : Value(std::in_place_type<std::string>);
      }
      default:
        return nullptr;
    }
  }

  std::int64_t Run(std::string_view sql, const std::vector<Value>& params, ResultSet* out) {
    CachedStatement& cached = Prepare(sql);
    if (cached.several) {
      if (!params.empty() || out != nullptr) {
        throw core::ErrorException(core::Error::Internal(
            "sqlite: several statements in one call are only allowed in Exec without parameters"));
      }
      return RunScript(cached.rewritten);
    }
    if (cached.stmt == nullptr) {  // blank SQL (only comments or whitespace)
      if (!params.empty()) {
        throw core::ErrorException(core::Error::Internal(
            fmt::format("sqlite: statement expects 0 parameters, got {}", params.size())));
      }
      return 0;
    }
    sqlite3_stmt* stmt = cached.stmt;
    ResetGuard guard(stmt);
    Bind(stmt, params);

    const auto before = sqlite3_total_changes64(db_);
    std::vector<Row> rows;
    std::shared_ptr<const std::vector<std::string>> columns;
    if (out != nullptr) {
      std::vector<std::string> names;
      const int count = sqlite3_column_count(stmt);
      names.reserve(static_cast<std::size_t>(count));
      for (int c = 0; c < count; ++c) {
        const char* name = sqlite3_column_name(stmt, c);
        names.emplace_back(name != nullptr ? name : "");
      }
      columns = std::make_shared<const std::vector<std::string>>(std::move(names));
    }
    const auto deadline = std::chrono::steady_clock::now() + busy_timeout_;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        if (out != nullptr) {
          const int count = sqlite3_data_count(stmt);
          std::vector<Value> values;
          values.reserve(static_cast<std::size_t>(count));
          for (int c = 0; c < count; ++c) values.push_back(Cell(stmt, c));
          rows.emplace_back(columns, std::move(values));
        }
        continue;
      }
      if (rc == SQLITE_DONE) break;
      // Shared-cache (in-memory) databases report table locks as SQLITE_LOCKED, which the busy
      // handler does not cover; wait for them the same way, up to the busy timeout.
      if ((rc & 0xff) == SQLITE_LOCKED && rows.empty() &&
          std::chrono::steady_clock::now() < deadline) {
        sqlite3_reset(stmt);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      ThrowSqlite(db_, rc);
    }
    if (out != nullptr) *out = ResultSet(std::move(columns), std::move(rows));
    return sqlite3_total_changes64(db_) != before ? sqlite3_changes64(db_) : 0;
  }

  sqlite3* db_ = nullptr;
  std::chrono::milliseconds busy_timeout_;
  std::unordered_map<std::string, CachedStatement> cache_;
};

}  // namespace

std::unique_ptr<Connection> OpenSqliteConnection(const std::string& path, bool uri,
                                                 const DatabaseOptions& options) {
  return std::make_unique<SqliteConnection>(path, uri, options);
}

}  // namespace vetahut::db::detail
