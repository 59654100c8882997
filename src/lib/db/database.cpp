#include "lib/db/database.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <system_error>

#include "lib/db/connection.hpp"

namespace vetahut::db {

std::string_view EngineName(Engine engine) {
  return engine == Engine::kSqlite ? "sqlite" : "postgres";
}

namespace detail {

void ThrowParamOutOfRange() {
  throw core::ErrorException(
      core::Error::Internal("db parameter out of range: unsigned value above INT64_MAX"));
}

}  // namespace detail

// ---- Row -------------------------------------------------------------------------------------

namespace {

template <class T>
bool ParseWhole(std::string_view text, T& out) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && ptr == last;
}

}  // namespace

const std::string& Row::ColumnName(std::size_t col) const {
  static const std::string kUnnamed;
  return columns_ && col < columns_->size() ? (*columns_)[col] : kUnnamed;
}

std::size_t Row::Index(std::string_view name) const {
  if (columns_) {
    for (std::size_t i = 0; i < columns_->size(); ++i) {
      if ((*columns_)[i] == name) return i;
    }
  }
  throw core::ErrorException(core::Error::Internal(fmt::format("db row has no column '{}'", name)));
}

const Value& Row::At(std::size_t col) const {
  if (col >= values_.size()) {
    throw core::ErrorException(core::Error::Internal(
        fmt::format("db column index {} out of range (row has {} columns)", col, values_.size())));
  }
  return values_[col];
}

const Value& Row::Get(std::size_t col) const { return At(col); }

void Row::ThrowWrongType(std::size_t col, std::string_view wanted) const {
  const Value& v = values_[col];
  std::string_view held = std::holds_alternative<std::nullptr_t>(v) ? "NULL"
                          : std::holds_alternative<std::int64_t>(v) ? "an integer"
                          : std::holds_alternative<double>(v)       ? "a double"
                          : std::holds_alternative<bool>(v)         ? "a boolean"
                                                                    : "text";
  throw core::ErrorException(core::Error::Internal(
      fmt::format("db column {} ('{}') is {}, not {}", col, ColumnName(col), held, wanted)));
}

bool Row::IsNull(std::size_t col) const { return std::holds_alternative<std::nullptr_t>(At(col)); }

std::int64_t Row::Int(std::size_t col) const {
  const Value& v = At(col);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::int64_t out = 0;
    if (ParseWhole(*s, out)) return out;
  }
  ThrowWrongType(col, "an integer");
}

double Row::Double(std::size_t col) const {
  const Value& v = At(col);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&v)) {
    double out = 0;
    if (ParseWhole(*s, out)) return out;
    // PostgreSQL spells infinities "Infinity"; from_chars accepts "inf"/"infinity" only.
    if (*s == "Infinity") return std::numeric_limits<double>::infinity();
    if (*s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  ThrowWrongType(col, "a double");
}

bool Row::Bool(std::size_t col) const {
  const Value& v = At(col);
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    if (*i == 0 || *i == 1) return *i == 1;
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (*s == "t" || *s == "true" || *s == "1") return true;
    if (*s == "f" || *s == "false" || *s == "0") return false;
  }
  ThrowWrongType(col, "a boolean");
}

std::string Row::Text(std::size_t col) const {
  const Value& v = At(col);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "t" : "f";
  ThrowWrongType(col, "text");
}

std::optional<std::int64_t> Row::OptInt(std::size_t col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

std::optional<std::string> Row::OptText(std::size_t col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

std::optional<double> Row::OptDouble(std::size_t col) const {
  if (IsNull(col)) return std::nullopt;
  return Double(col);
}

std::optional<bool> Row::OptBool(std::size_t col) const {
  if (IsNull(col)) return std::nullopt;
  return Bool(col);
}

std::size_t ResultSet::ColumnIndex(std::string_view name) const {
  auto it = std::find(columns_->begin(), columns_->end(), name);
  if (it == columns_->end()) {
    throw core::ErrorException(
        core::Error::Internal(fmt::format("db result has no column '{}'", name)));
  }
  return static_cast<std::size_t>(it - columns_->begin());
}

// ---- Pool ------------------------------------------------------------------------------------

namespace detail {

Pool::Pool(std::size_t size, ConnectionFactory factory)
    : size_(std::max<std::size_t>(size, 1)), factory_(std::move(factory)) {}

Pool::Lease Pool::Acquire(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!available_.wait_for(lock, timeout, [&] { return !idle_.empty() || open_ < size_; })) {
    throw core::ErrorException(core::Error::Unavailable("database pool exhausted"));
  }
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(shared_from_this(), std::move(connection));
  }
  ++open_;
  lock.unlock();
  // Opening a connection can take a while (network); never under the pool lock.
  try {
    return Lease(shared_from_this(), factory_());
  } catch (...) {
    lock.lock();
    --open_;
    lock.unlock();
    available_.notify_one();
    throw;
  }
}

void Pool::Return(std::unique_ptr<Connection> connection) {
  // A broken connection, or one left inside a transaction, is closed rather than reused; the next
  // Acquire opens a fresh one (this is how a lost PostgreSQL connection gets replaced).
  const bool reusable = connection->Reusable();
  if (!reusable) connection.reset();
  {
    std::lock_guard lock(mutex_);
    if (reusable) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

void Pool::Lease::Release() {
  if (connection_) {
    pool_->Return(std::move(connection_));
    pool_.reset();
  }
}

WriterGate::Token WriterGate::Enter(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!free_.wait_for(lock, timeout, [&] { return !held_; })) {
    throw DbError(core::Error::Unavailable("database is busy (write lock timeout)"),
                  Engine::kSqlite, "55P03", 5 /* SQLITE_BUSY */);
  }
  held_ = true;
  return Token(shared_from_this());
}

void WriterGate::Leave() {
  {
    std::lock_guard lock(mutex_);
    held_ = false;
  }
  free_.notify_one();
}

void WriterGate::Token::Release() {
  if (gate_) {
    gate_->Leave();
    gate_.reset();
  }
}

Connection& TransactionState::connection() {
  if (!lease_) {
    throw core::ErrorException(core::Error::Internal("db transaction is already finished"));
  }
  return *lease_.operator->();
}

void TransactionState::Finish(bool commit) {
  Connection& conn = connection();
  // Whatever happens below, the connection and the gate are given back when these go out of scope.
  Pool::Lease lease = std::move(lease_);
  WriterGate::Token gate = std::move(gate_);
  if (!commit) {
    conn.EndTransaction(false);
    return;
  }
  try {
    conn.EndTransaction(true);
  } catch (const std::exception&) {
    if (!conn.Reusable()) {
      try {
        conn.EndTransaction(false);
      } catch (const std::exception&) {
        // The commit error is the one to report; the pool discards this connection because it
        // is not idle.
      }
    }
    throw;
  }
}

}  // namespace detail

// ---- Transaction -----------------------------------------------------------------------------

Transaction::Transaction(std::unique_ptr<detail::TransactionState> state)
    : state_(std::move(state)) {}
Transaction::Transaction(Transaction&&) noexcept = default;

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    if (active()) {
      try {
        state_->Finish(false);
      } catch (const std::exception&) {
        // See ~Transaction.
      }
    }
    state_ = std::move(other.state_);
  }
  return *this;
}

Transaction::~Transaction() {
  if (active()) {
    try {
      state_->Finish(false);
    } catch (const std::exception&) {
      // A destructor cannot throw. A failed rollback leaves the connection inside a transaction
      // (or broken), so the pool closes it instead of reusing it, which also ends the transaction.
    }
  }
}

bool Transaction::active() const { return state_ && state_->active(); }

namespace {
detail::TransactionState& Checked(const std::unique_ptr<detail::TransactionState>& state) {
  if (!state || !state->active()) {
    throw core::ErrorException(core::Error::Internal("db transaction is already finished"));
  }
  return *state;
}
}  // namespace

std::int64_t Transaction::Exec(std::string_view sql, const std::vector<Value>& params) {
  return Checked(state_).connection().Exec(sql, params);
}

ResultSet Transaction::Query(std::string_view sql, const std::vector<Value>& params) {
  return Checked(state_).connection().Query(sql, params);
}

Engine Transaction::engine() const {
  if (!state_) throw core::ErrorException(core::Error::Internal("db transaction was moved from"));
  return state_->engine();
}

void Transaction::Commit() { Checked(state_).Finish(true); }

void Transaction::Rollback() { Checked(state_).Finish(false); }

// ---- Database --------------------------------------------------------------------------------

Database::~Database() = default;

namespace {

class PooledDatabase final : public Database {
 public:
  PooledDatabase(Engine engine, DatabaseOptions options, detail::ConnectionFactory factory,
                 bool writer_gate)
      : engine_(engine),
        options_(options),
        pool_(std::make_shared<detail::Pool>(options.pool_size, std::move(factory))),
        gate_(writer_gate ? std::make_shared<detail::WriterGate>() : nullptr) {}

  /// Keeps one connection open for the database's lifetime (an in-memory SQLite database
  /// disappears when its last connection closes).
  void KeepAlive(std::unique_ptr<detail::Connection> keeper) { keeper_ = std::move(keeper); }

  Engine engine() const override { return engine_; }

  Transaction Begin() override {
    // Gate before connection: a writer waiting for the gate never sits on a pooled connection.
    detail::WriterGate::Token token;
    if (gate_) token = gate_->Enter(options_.busy_timeout);
    auto lease = pool_->Acquire(options_.acquire_timeout);
    lease->BeginTransaction();
    return Transaction(
        std::make_unique<detail::TransactionState>(engine_, std::move(lease), std::move(token)));
  }

  std::int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
    // An autocommit write queues at the same gate as transactions (SQLite has one writer): it
    // then never meets SQLite's file lock held by another connection and sleeps in its busy handler.
    detail::WriterGate::Token token;
    if (gate_) token = gate_->Enter(options_.busy_timeout);
    auto lease = pool_->Acquire(options_.acquire_timeout);
    return lease->Exec(sql, params);
  }

  ResultSet Query(std::string_view sql, const std::vector<Value>& params) override {
    auto lease = pool_->Acquire(options_.acquire_timeout);
    return lease->Query(sql, params);
  }

  bool Ping() override {
    try {
      auto lease =
          pool_->Acquire(std::min(options_.acquire_timeout, std::chrono::milliseconds(1000)));
      auto rows = lease->Query("SELECT 1", {});
      return rows.size() == 1 && rows[0].Int(0) == 1;
    } catch (const core::ErrorException&) {
      return false;  // not ready: exactly what the probe asks
    }
  }

 private:
  Engine engine_;
  DatabaseOptions options_;
  std::unique_ptr<detail::Connection> keeper_;
  std::shared_ptr<detail::Pool> pool_;
  std::shared_ptr<detail::WriterGate> gate_;
};

std::atomic<std::uint64_t> memory_database_counter{0};

}  // namespace

std::string RedactUrl(std::string_view url) {
  // scheme://user:password@host… -> scheme://user:***@host…
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  auto authority_begin = scheme_end + 3;
  auto at = url.find('@', authority_begin);
  auto slash = url.find('/', authority_begin);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) {
    return std::string(url);
  }
  auto colon = url.find(':', authority_begin);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return fmt::format("{}***{}", url.substr(0, colon + 1), url.substr(at));
}

namespace {}  // namespace

std::unique_ptr<Database> Database::Open(const std::string& url, DatabaseOptions options) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    std::string path = url.substr(kSqlite.size());
    if (path.empty()) {
      throw core::ErrorException(core::Error::BadRequest(
          fmt::format("database url '{}' has no path (want sqlite:path/to/file.db or "
                      "sqlite::memory:)",
                      RedactUrl(url))));
    }
    if (path == ":memory:") {
      // A named shared-cache in-memory database, private to this Database object.
      std::string uri = fmt::format("file:vetahut_mem_{}?mode=memory&cache=shared",
                                    memory_database_counter.fetch_add(1));
      auto factory = [uri, options] { return detail::OpenSqliteConnection(uri, true, options); };
      auto db = std::make_unique<PooledDatabase>(Engine::kSqlite, options, factory, true);
      db->KeepAlive(factory());
      return db;
    }
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
      if (ec) {
        throw core::ErrorException(core::Error::Unavailable(
            fmt::format("cannot create directory '{}' for database '{}': {}", parent.string(), url,
                        ec.message())));
      }
    }
    auto factory = [path, options] { return detail::OpenSqliteConnection(path, false, options); };
    auto db = std::make_unique<PooledDatabase>(Engine::kSqlite, options, factory, true);
    // Open one connection now: fails fast on a bad file and switches it to WAL before others open.
    db->Query("SELECT 1", {});
    return db;
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    detail::ValidatePostgresUrl(url);
    auto factory = [url] { return detail::OpenPostgresConnection(url); };
    auto db = std::make_unique<PooledDatabase>(Engine::kPostgres, options, factory, false);
    // Fail fast when the server is unreachable; the connection stays in the pool.
    db->Query("SELECT 1", {});
    return db;
  }
  throw core::ErrorException(core::Error::BadRequest(fmt::format(
      "unsupported database url '{}' (want sqlite:<path>, sqlite::memory: or postgresql://…)",
      RedactUrl(url))));
}

}  // namespace vetahut::db
