// PostgreSQL engine: one `PGconn*` per pooled connection; text-format parameters and results.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <charconv>

#include "lib/db/connection.hpp"

namespace vetahut::db::detail {
namespace {

// Parameter type OIDs (pg_type.h) so that `SELECT $1` and arithmetic on parameters see the
// caller's type; text and NULL stay "unknown" and take the type the statement implies.
constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kBoolOid = 16;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string Trimmed(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool IsRetryable(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01" ||  // serialization failure, deadlock
         sqlstate == "55P03" ||                         // lock not available
         sqlstate == "57014" ||                         // statement timeout / cancel
         sqlstate.starts_with("08") ||                  // connection exception
         sqlstate.starts_with("53") ||                  // insufficient resources
         sqlstate.starts_with("57P");                   // server shutting down / starting up
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& url) {
    // connect_timeout first: a value in the URL itself overrides it.
    const char* const keys[] = {"connect_timeout", "dbname", nullptr};
    const char* const values[] = {"5", url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
      std::string message = conn_ != nullptr ? Trimmed(PQerrorMessage(conn_)) : "out of memory";
      PQfinish(conn_);
      conn_ = nullptr;
      throw DbError(core::Error::Unavailable(fmt::format("cannot connect to postgres '{}': {}",
                                                         RedactUrl(url), message)),
                    Engine::kPostgres, "08006", 0);
    }
    // NOTICEs (e.g. "relation already exists, skipping") are not errors; keep stderr clean.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }

  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;
  ~PostgresConnection() override { PQfinish(conn_); }

  std::int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
    ResultPtr result = Run(sql, params);
    std::int64_t affected = 0;
    std::string_view tuples = PQcmdTuples(result.get());
    std::from_chars(tuples.data(), tuples.data() + tuples.size(), affected);
    return affected;
  }

  ResultSet Query(std::string_view sql, const std::vector<Value>& params) override {
    ResultPtr result = Run(sql, params);
    PGresult* r = result.get();
    const int fields = PQnfields(r);
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(fields));
    for (int f = 0; f < fields; ++f) names.emplace_back(PQfname(r, f));
    auto columns = std::make_shared<const std::vector<std::string>>(std::move(names));
    const int tuples = PQntuples(r);
    std::vector<Row> rows;
    rows.reserve(static_cast<std::size_t>(tuples));
    for (int t = 0; t < tuples; ++t) {
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(fields));
      for (int f = 0; f < fields; ++f) {
        if (PQgetisnull(r, t, f)) {
          values.emplace_back(nullptr);
        } else {
          values.emplace_back(std::in_place_type<std::string>, PQgetvalue(r, t, f),
                              static_cast<std::size_t>(PQgetlength(r, t, f)));
        }
      }
      rows.emplace_back(columns, std::move(values));
    }
    return ResultSet(std::move(columns), std::move(rows));
  }

  void BeginTransaction() override { Run("BEGIN", {}); }

  void EndTransaction(bool commit) override {
    if (!commit) {
      if (PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
      Run("ROLLBACK", {});
      return;
    }
    ResultPtr result = Run("COMMIT", {});
    // COMMIT of a transaction in which a statement failed succeeds but reports ROLLBACK.
    if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
      throw DbError(core::Error::Internal(
                        "postgres: transaction was rolled back because a statement in it failed"),
                    Engine::kPostgres, "25P02", 0);
    }
  }

  bool Reusable() override {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

 private:
  ResultPtr Run(std::string_view sql, const std::vector<Value>& params) {
    const std::string text(sql);
    PGresult* raw = nullptr;
    if (params.empty()) {
      // Simple protocol: allows several ;-separated statements (migrations).
      raw = PQexec(conn_, text.c_str());
    } else {
      std::vector<std::string> storage(params.size());
      std::vector<const char*> values(params.size(), nullptr);
      std::vector<Oid> types(params.size(), 0);
      for (std::size_t i = 0; i < params.size(); ++i) {
        const Value& v = params[i];
        if (std::holds_alternative<std::nullptr_t>(v)) continue;
        if (const auto* n = std::get_if<std::int64_t>(&v)) {
          storage[i] = std::to_string(*n);
          types[i] = kInt8Oid;
        } else if (const auto* d = std::get_if<double>(&v)) {
          storage[i] = fmt::format("{:.17g}", *d);
          types[i] = kFloat8Oid;
        } else if (const auto* b = std::get_if<bool>(&v)) {
          storage[i] = *b ? "t" : "f";
          types[i] = kBoolOid;
        } else {
          storage[i] = std::get<std::string>(v);
        }
        values[i] = storage[i].c_str();
      }
      raw = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), types.data(),
                         values.data(), nullptr, nullptr, /*resultFormat=*/0);
    }
    ResultPtr result(raw);
    if (result == nullptr) ThrowError(nullptr);
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
      ThrowError(result.get());
    }
    return result;
  }

  [[noreturn]] void ThrowError(const PGresult* result) {
    const char* state_field =
        result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state_field != nullptr ? state_field : "";
    const char* primary_field =
        result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    // Only the primary message: DETAIL lines echo key values, which may be personal data.
    std::string primary = primary_field != nullptr ? primary_field : Trimmed(PQerrorMessage(conn_));

    auto fail = [&](core::Error error) {
      throw DbError(std::move(error), Engine::kPostgres, sqlstate, 0);
    };
    if (PQstatus(conn_) != CONNECTION_OK || (sqlstate.empty() && result == nullptr)) {
      if (sqlstate.empty()) sqlstate = "08006";
      fail(core::Error::Unavailable("postgres connection lost: " + primary));
    }
    if (sqlstate == "23505") fail(core::Error::Conflict("already exists"));
    if (sqlstate.starts_with("23")) {
      fail(core::Error::Conflict(fmt::format("constraint violation: {}", primary)));
    }
    if (IsRetryable(sqlstate)) {
      fail(core::Error::Unavailable(fmt::format("postgres: {} (SQLSTATE {})", primary, sqlstate)));
    }
    if (sqlstate.starts_with("22")) {
      // Data exceptions quote the offending input value; leave it out.
      fail(core::Error::Internal(fmt::format("postgres: invalid data (SQLSTATE {})", sqlstate)));
    }
    fail(core::Error::Internal(fmt::format("postgres: {} (SQLSTATE {})", primary, sqlstate)));
    std::abort();  // unreachable: fail always throws
  }

  PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<Connection> OpenPostgresConnection(const std::string& url) {
  return std::make_unique<PostgresConnection>(url);
}

void ValidatePostgresUrl(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? Trimmed(error) : "out of memory";
    PQfreemem(error);
    throw core::ErrorException(core::Error::BadRequest(
        fmt::format("invalid database url '{}': {}", RedactUrl(url), message)));
  }
  PQconninfoFree(options);
}

}  // namespace vetahut::db::detail
