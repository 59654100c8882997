#pragma once
/// Private to lib/db: the engine-neutral connection interface, the connection pool and the state a
/// `Transaction` holds. Engines implement `Connection`; `database.cpp` builds everything else on
/// it.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lib/db/database.hpp"

namespace vetahut::db::detail {

/// One open engine connection, used by one thread at a time (the pool guarantees it).
class Connection {
 public:
  virtual ~Connection() = default;
  virtual std::int64_t Exec(std::string_view sql, const std::vector<Value>& params) = 0;
  virtual ResultSet Query(std::string_view sql, const std::vector<Value>& params) = 0;
  /// Starts a transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN).
  virtual void BeginTransaction() = 0;
  /// COMMIT or ROLLBACK; throws if a commit did not commit.
  virtual void EndTransaction(bool commit) = 0;
  /// True if the connection can go back to the pool: healthy and not inside a transaction.
  virtual bool Reusable() = 0;
};

using ConnectionFactory = std::function<std::unique_ptr<Connection>()>;

/// A bounded pool of lazily opened connections. Blocking acquire with a timeout; connections that
/// come back broken (or still inside a transaction) are closed and replaced by fresh ones on
/// demand. The pool lock is only held to hand connections out, never during a statement.
class Pool : public std::enable_shared_from_this<Pool> {
 public:
  /// A borrowed connection, returned to the pool on destruction.
  class Lease {
   public:
    Lease() = default;
    Lease(std::shared_ptr<Pool> pool, std::unique_ptr<Connection> connection)
        : pool_(std::move(pool)), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&& other) noexcept {
      if (this != &other) {
        Release();
        pool_ = std::move(other.pool_);
        connection_ = std::move(other.connection_);
      }
      return *this;
    }
    ~Lease() { Release(); }
    Connection* operator->() const { return connection_.get(); }
    explicit operator bool() const { return connection_ != nullptr; }
    /// Gives the connection back now.
    void Release();

   private:
    std::shared_ptr<Pool> pool_;
    std::unique_ptr<Connection> connection_;
  };

  Pool(std::size_t size, ConnectionFactory factory);
  /// Waits up to `timeout` for a connection; throws ErrorException(kUnavailable) when none frees
  /// up, or the engine's error when a new connection cannot be opened.
  Lease Acquire(std::chrono::milliseconds timeout);

 private:
  void Return(std::unique_ptr<Connection> connection);

  const std::size_t size_;
  ConnectionFactory factory_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle + leased + being opened
};

/// An in-process gate that lets one SQLite write transaction at a time proceed: writers queue on a
/// condition variable instead of polling SQLite's busy handler. Other processes still meet the
/// file lock and the busy timeout.
class WriterGate : public std::enable_shared_from_this<WriterGate> {
 public:
  /// Holds the gate until destroyed (or released); may be released from another thread.
  class Token {
   public:
    Token() = default;
    explicit Token(std::shared_ptr<WriterGate> gate) : gate_(std::move(gate)) {}
    Token(Token&&) noexcept = default;
    Token& operator=(Token&& other) noexcept {
      if (this != &other) {
        Release();
        gate_ = std::move(other.gate_);
      }
      return *this;
    }
    ~Token() { Release(); }
    void Release();

   private:
    std::shared_ptr<WriterGate> gate_;
  };

  /// Waits up to `timeout`; throws ErrorException(kUnavailable) on timeout.
  Token Enter(std::chrono::milliseconds timeout);

 private:
  void Leave();

  std::mutex mutex_;
  std::condition_variable free_;
  bool held_ = false;
};

/// What a `Transaction` owns: its connection (and for SQLite the writer gate), released when the
/// transaction finishes.
class TransactionState {
 public:
  TransactionState(Engine engine, Pool::Lease lease, WriterGate::Token gate)
      : engine_(engine), lease_(std::move(lease)), gate_(std::move(gate)) {}

  Engine engine() const { return engine_; }
  bool active() const { return static_cast<bool>(lease_); }
  Connection& connection();
  /// Runs COMMIT or ROLLBACK and releases the connection and gate whatever happens.
  void Finish(bool commit);

 private:
  Engine engine_;
  Pool::Lease lease_;
  WriterGate::Token gate_;
};

/// Opens one SQLite connection. `path` is a file path, or a `file:` URI when `uri` is true.
std::unique_ptr<Connection> OpenSqliteConnection(const std::string& path, bool uri,
                                                 const DatabaseOptions& options);
/// Opens one PostgreSQL connection to a libpq URI.
std::unique_ptr<Connection> OpenPostgresConnection(const std::string& url);
/// Throws ErrorException(kBadRequest) if libpq cannot parse the URL.
void ValidatePostgresUrl(const std::string& url);

}  // namespace vetahut::db::detail
