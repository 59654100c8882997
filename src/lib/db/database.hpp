#pragma once
/// One small interface over PostgreSQL and SQLite: pooled connections, RAII transactions,
/// `$1…$n` placeholders in both engines, typed row access and mapped errors.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "lib/core/error.hpp"

namespace vetahut::db {

/// The database engine behind a `Database`.
enum class Engine { kSqlite, kPostgres };

/// "sqlite" or "postgres".
std::string_view EngineName(Engine engine);

/// The URL with any password replaced by "***", for messages and logs.
std::string RedactUrl(std::string_view url);

/// A statement parameter or a result cell.
using Value = std::variant<std::nullptr_t, std::int64_t, double, bool, std::string>;

namespace detail {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class>
inline constexpr bool kAlwaysFalse = false;

[[noreturn]] void ThrowParamOutOfRange();

template <class T>
Value ToValue(T&& v) {
  using D = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<D, Value>) {
    return std::forward<T>(v);
  } else if constexpr (std::is_same_v<D, std::nullptr_t> || std::is_same_v<D, std::nullopt_t>) {
    return nullptr;
  } else if constexpr (std::is_same_v<D, bool>) {
    return Value(std::in_place_type<bool>, v);
  } else if constexpr (std::is_integral_v<D>) {
    if constexpr (std::is_unsigned_v<D> && sizeof(D) >= sizeof(std::int64_t)) {
      if (v > static_cast<D>(std::numeric_limits<std::int64_t>::max())) ThrowParamOutOfRange();
    }
    return Value(std::in_place_type<std::int64_t>, static_cast<std::int64_t>(v));
  } else if constexpr (std::is_floating_point_v<D>) {
    return Value(std::in_place_type<double>, static_cast<double>(v));
  } else if constexpr (IsOptional<D>::value) {
    if (!v.has_value()) return nullptr;
    return ToValue(*std::forward<T>(v));
  } else if constexpr (std::is_same_v<D, std::string>) {
    return Value(std::in_place_type<std::string>, std::forward<T>(v));
  } else if constexpr (std::is_convertible_v<const D&, std::string_view>) {
    if constexpr (std::is_pointer_v<D>) {
      if (v == nullptr) return nullptr;
    }
    return Value(std::in_place_type<std::string>, std::string_view(v));
  } else {
    static_assert(kAlwaysFalse<D>, "unsupported parameter type for db::Params");
  }
}

}  // namespace detail

/// Builds statement parameters: integers of any width -> int64, floating -> double,
/// `const char*`/`string_view`/`string` -> string, `std::nullopt`/empty optional/`nullptr` -> NULL.
template <class... A>
std::vector<Value> Params(A&&... a) {
  std::vector<Value> out;
  out.reserve(sizeof...(A));
  (out.push_back(detail::ToValue(std::forward<A>(a))), ...);
  return out;
}

/// A failure reported by the engine; `code()` of the carried `Error` says what callers should do:
/// kConflict for any integrity-constraint violation (SQLSTATE class 23: unique -> detail
/// "already exists", foreign key, not null, check), kUnavailable for lost connections, busy/locked
/// databases, serialization failures and deadlocks (retryable), kInternal for everything else.
/// The detail never contains parameter values.
class DbError final : public core::ErrorException {
 public:
  DbError(core::Error error, Engine engine, std::string sqlstate, int engine_code)
      : core::ErrorException(std::move(error)),
        engine_(engine),
        sqlstate_(std::move(sqlstate)),
        engine_code_(engine_code) {}
  /// The engine that failed.
  Engine engine() const noexcept { return engine_; }
  /// PostgreSQL SQLSTATE (e.g. "23505"); for SQLite the nearest equivalent, or "" if none.
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  /// SQLite extended result code; 0 for PostgreSQL.
  int engine_code() const noexcept { return engine_code_; }

 private:
  Engine engine_;
  std::string sqlstate_;
  int engine_code_;
};

/// One result row. Values are held as the engine returned them (PostgreSQL: text), and the typed
/// accessors convert; a wrong-type access throws `core::ErrorException(kInternal)` naming the
/// column.
class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}

  /// Number of columns.
  std::size_t size() const { return values_.size(); }
  /// True if the cell is SQL NULL.
  bool IsNull(std::size_t col) const;
  /// An integer cell (PostgreSQL text is parsed as decimal).
  std::int64_t Int(std::size_t col) const;
  /// A floating-point cell (integers convert).
  double Double(std::size_t col) const;
  /// A boolean cell: a boolean, integer 0/1 or text t/f/true/false/1/0.
  bool Bool(std::size_t col) const;
  /// A text cell (numbers are rendered as decimal text, as PostgreSQL would).
  std::string Text(std::size_t col) const;
  /// `Int`, or nullopt for NULL.
  std::optional<std::int64_t> OptInt(std::size_t col) const;
  /// `Text`, or nullopt for NULL.
  std::optional<std::string> OptText(std::size_t col) const;
  /// `Double`, or nullopt for NULL.
  std::optional<double> OptDouble(std::size_t col) const;
  /// `Bool`, or nullopt for NULL.
  std::optional<bool> OptBool(std::size_t col) const;
  /// The raw cell.
  const Value& Get(std::size_t col) const;
  /// The column's name.
  const std::string& ColumnName(std::size_t col) const;
  /// The index of a column by name (as the query selected it); throws `ErrorException(kInternal)`
  /// naming it if absent.
  std::size_t Index(std::string_view name) const;

  /// The accessors by column name: rows map by name, so a query's column order cannot shift
  /// values into the wrong field.
  bool IsNull(std::string_view name) const { return IsNull(Index(name)); }
  std::int64_t Int(std::string_view name) const { return Int(Index(name)); }
  double Double(std::string_view name) const { return Double(Index(name)); }
  bool Bool(std::string_view name) const { return Bool(Index(name)); }
  std::string Text(std::string_view name) const { return Text(Index(name)); }
  std::optional<std::int64_t> OptInt(std::string_view name) const { return OptInt(Index(name)); }
  std::optional<std::string> OptText(std::string_view name) const { return OptText(Index(name)); }
  std::optional<double> OptDouble(std::string_view name) const { return OptDouble(Index(name)); }
  std::optional<bool> OptBool(std::string_view name) const { return OptBool(Index(name)); }

 private:
  const Value& At(std::size_t col) const;
  [[noreturn]] void ThrowWrongType(std::size_t col, std::string_view wanted) const;

  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Value> values_;
};

/// A fully materialized query result.
class ResultSet {
 public:
  ResultSet() : columns_(std::make_shared<const std::vector<std::string>>()) {}
  ResultSet(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Row> rows)
      : columns_(std::move(columns)), rows_(std::move(rows)) {}

  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const Row& operator[](std::size_t i) const { return rows_[i]; }
  std::vector<Row>::const_iterator begin() const { return rows_.begin(); }
  std::vector<Row>::const_iterator end() const { return rows_.end(); }
  /// Column names in select order.
  const std::vector<std::string>& columns() const { return *columns_; }
  /// The index of a column by name; throws `ErrorException(kInternal)` if absent.
  std::size_t ColumnIndex(std::string_view name) const;

 private:
  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Row> rows_;
};

/// Something statements can be run on: a transaction (or, via `Database`, autocommit).
class Session {
 public:
  virtual ~Session() = default;
  /// Runs a statement and returns the number of rows it inserted, updated or deleted. With no
  /// parameters, `sql` may hold several `;`-separated statements (used by migrations).
  virtual std::int64_t Exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  /// Runs a query and returns all its rows.
  virtual ResultSet Query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  /// The engine statements run on.
  virtual Engine engine() const = 0;
};

namespace detail {
class TransactionState;
}  // namespace detail

/// A transaction holding one pooled connection. RAII: destroyed without `Commit()` -> rolled back.
/// Movable, not copyable; after `Commit()`/`Rollback()` any further use throws kInternal.
class Transaction final : public Session {
 public:
  /// Used by engines; services get transactions from `Database::Begin()`.
  explicit Transaction(std::unique_ptr<detail::TransactionState> state);
  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() override;

  std::int64_t Exec(std::string_view sql, const std::vector<Value>& params = {}) override;
  ResultSet Query(std::string_view sql, const std::vector<Value>& params = {}) override;
  Engine engine() const override;

  /// Commits and returns the connection to the pool; throws if the commit fails (the
  /// transaction is then rolled back and finished).
  void Commit();
  /// Rolls back and returns the connection to the pool.
  void Rollback();
  /// True until `Commit()`/`Rollback()` (or a move from this object).
  bool active() const;

 private:
  std::unique_ptr<detail::TransactionState> state_;
};

/// Pool and timeout settings of a `Database`.
struct DatabaseOptions {
  std::size_t pool_size = 8;  ///< maximum open connections
  std::chrono::milliseconds acquire_timeout{
      5000};                                     ///< wait for a free connection, then kUnavailable
  std::chrono::milliseconds busy_timeout{5000};  ///< SQLite: wait for a lock, then kUnavailable
};

/// A pooled database. Thread-safe. Must outlive its transactions. As a Session it runs each
/// statement in autocommit mode, so repositories take a Session for reads in or out of a
/// transaction.
class Database : public Session {
 public:
  /// Opens "sqlite:relative/or/abs/path.db", "sqlite::memory:" (a private shared-cache in-memory
  /// database, for tests), or "postgresql://…"/"postgres://…" (libpq URI). A malformed URL throws
  /// `ErrorException(kBadRequest)` naming it; an unreachable database throws kUnavailable.
  static std::unique_ptr<Database> Open(const std::string& url, DatabaseOptions options = {});

  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database() override;

  /// The engine behind this database.
  Engine engine() const override = 0;
  /// Starts a transaction. SQLite: BEGIN IMMEDIATE (writers serialize). PostgreSQL: BEGIN
  /// (read committed).
  virtual Transaction Begin() = 0;
  /// Runs a statement in autocommit mode; see `Session::Exec`.
  std::int64_t Exec(std::string_view sql, const std::vector<Value>& params = {}) override = 0;
  /// Runs a query in autocommit mode.
  ResultSet Query(std::string_view sql, const std::vector<Value>& params = {}) override = 0;
  /// For readiness probes: true if a trivial query succeeds within about a second.
  virtual bool Ping() = 0;
};

}  // namespace vetahut::db
