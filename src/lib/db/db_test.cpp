// Integration tests of lib/db against a real engine. The same binary runs twice under CTest:
//   db_test_sqlite:   VETAHUT_TEST_DB_URL=sqlite:<build>/test-data/db_test.db
//   db_test_postgres: --engine=postgres, URL from VETAHUT_TEST_PG_URL (scripts/with-postgres.sh)
// Every test drops or recreates its own tables first, so runs repeat on a persistent server.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "migrations/dbtest.hpp"

namespace vetahut::db {
namespace {

std::string g_url;  // set by main

std::unique_ptr<Database> OpenTestDb(DatabaseOptions options = {}) {
  return Database::Open(g_url, options);
}

/// The error a call throws, or nullopt (with a test failure) if it does not throw one.
template <class F>
std::optional<core::Error> ErrorOf(F&& f) {
  try {
    f();
  } catch (const core::ErrorException& e) {
    return e.error();
  }
  ADD_FAILURE() << "expected a core::ErrorException";
  return std::nullopt;
}

std::int64_t Count(Session& s, const std::string& table) {
  return s.Query("SELECT COUNT(*) FROM " + table)[0].Int(0);
}

std::int64_t Count(Database& db, const std::string& table) {
  return db.Query("SELECT COUNT(*) FROM " + table)[0].Int(0);
}

TEST(Database, ParamsOfEveryTypeRoundTripIncludingNull) {
  auto db = OpenTestDb();
  db->Exec("DROP TABLE IF EXISTS dbt_params");
  db->Exec(
      "CREATE TABLE dbt_params (id TEXT PRIMARY KEY, i BIGINT, small INTEGER, d DOUBLE PRECISION, "
      "b BOOLEAN, s TEXT, n TEXT)");
  const std::string text = "it's \"quoted\", ünïcode and $1";
  db->Exec("INSERT INTO dbt_params (id, i, small, d, b, s, n) VALUES ($1, $2, $3, $4, $5, $6, $7)",
           Params("p1", std::numeric_limits<std::int64_t>::max(), std::int16_t{-7}, 0.1, true, text,
                  std::optional<std::string>{}));
  db->Exec("INSERT INTO dbt_params (id, i, small, d, b, s, n) VALUES ($1, $2, $3, $4, $5, $6, $7)",
           Params(std::string_view("p2"), std::numeric_limits<std::int64_t>::min(), 0u, -2.5e300,
                  false, std::string(), nullptr));

  auto rows = db->Query("SELECT id, i, small, d, b, s, n FROM dbt_params ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.columns(), (std::vector<std::string>{"id", "i", "small", "d", "b", "s", "n"}));
  const Row& p1 = rows[0];
  EXPECT_EQ(p1.Text(0), "p1");
  EXPECT_EQ(p1.Int(1), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(p1.Int(2), -7);
  EXPECT_EQ(p1.Double(3), 0.1);
  EXPECT_TRUE(p1.Bool(4));
  EXPECT_EQ(p1.Text(5), text);
  EXPECT_TRUE(p1.IsNull(6));
  EXPECT_EQ(p1.OptText(6), std::nullopt);
  EXPECT_EQ(p1.OptInt(6), std::nullopt);
  const Row& p2 = rows[1];
  EXPECT_EQ(p2.Int(1), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(p2.OptInt(2), 0);
  EXPECT_EQ(p2.Double(3), -2.5e300);
  EXPECT_FALSE(p2.Bool(4));
  EXPECT_FALSE(p2.IsNull(5));
  EXPECT_EQ(p2.OptText(5), "");

  // NULL compares as unknown; IS NULL finds it.
  EXPECT_EQ(db->Query("SELECT id FROM dbt_params WHERE n IS NULL").size(), 2u);
  // A parameter in WHERE, of each kind.
  EXPECT_EQ(db->Query("SELECT id FROM dbt_params WHERE b = $1", Params(true))[0].Text(0), "p1");
  EXPECT_EQ(db->Query("SELECT id FROM dbt_params WHERE small = $1", Params(-7))[0].Text(0), "p1");
  EXPECT_EQ(db->Query("SELECT id FROM dbt_params WHERE s = $1", Params(text))[0].Text(0), "p1");
}

TEST(Database, DollarInsideLiteralIdentifierOrCommentIsNotAPlaceholder) {
  auto db = OpenTestDb();
  auto rows = db->Query(
      "SELECT '$1' AS lit, 'a''$2' AS esc, $1 AS p, $2 + 1 AS next -- $3 is not a parameter\n",
      Params("v", 41));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "$1");
  EXPECT_EQ(rows[0].Text(1), "a'$2");
  EXPECT_EQ(rows[0].Text(2), "v");
  EXPECT_EQ(rows[0].Int(3), 42);
  EXPECT_EQ(rows.ColumnIndex("next"), 3u);
}

TEST(Database, WrongTypeAccessThrowsInternalNamingTheColumn) {
  auto db = OpenTestDb();
  auto rows = db->Query("SELECT 'abc' AS word, NULL AS missing");
  auto error = ErrorOf([&] { rows[0].Int(0); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, core::ErrorCode::kInternal);
  EXPECT_NE(error->detail.find("word"), std::string::npos) << error->detail;
  error = ErrorOf([&] { rows[0].Text(1); });
  ASSERT_TRUE(error);
  EXPECT_NE(error->detail.find("missing"), std::string::npos) << error->detail;
}

TEST(Transaction, DestroyedWithoutCommitRollsBack) {
  auto db = OpenTestDb();
  db->Exec("DROP TABLE IF EXISTS dbt_rollback");
  db->Exec("CREATE TABLE dbt_rollback (id TEXT PRIMARY KEY)");
  {
    Transaction tx = db->Begin();
    tx.Exec("INSERT INTO dbt_rollback (id) VALUES ($1)", Params("a"));
    EXPECT_EQ(Count(tx, "dbt_rollback"), 1);  // visible inside
  }
  EXPECT_EQ(Count(*db, "dbt_rollback"), 0);

  Transaction tx = db->Begin();
  tx.Exec("INSERT INTO dbt_rollback (id) VALUES ($1)", Params("b"));
  tx.Rollback();
  EXPECT_FALSE(tx.active());
  EXPECT_EQ(Count(*db, "dbt_rollback"), 0);
  auto error = ErrorOf([&] { tx.Exec("SELECT 1"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, core::ErrorCode::kInternal);
}

TEST(Transaction, CommitPersistsAndSurvivesReopen) {
  {
    auto db = OpenTestDb();
    db->Exec("DROP TABLE IF EXISTS dbt_commit");
    db->Exec("CREATE TABLE dbt_commit (id TEXT PRIMARY KEY, n BIGINT NOT NULL)");
    Transaction tx = db->Begin();
    EXPECT_EQ(
        tx.Exec("INSERT INTO dbt_commit (id, n) VALUES ($1, $2), ($3, $4)", Params("a", 1, "b", 2)),
        2);
    Transaction moved = std::move(tx);  // ownership moves; the moved-from one does nothing
    EXPECT_FALSE(tx.active());          // NOLINT(bugprone-use-after-move): testing the move
    EXPECT_EQ(moved.Exec("UPDATE dbt_commit SET n = n + 10"), 2);
    moved.Commit();
  }
  auto db = OpenTestDb();
  auto rows = db->Query("SELECT id, n FROM dbt_commit ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Int(1), 11);
  EXPECT_EQ(rows[1].Int(1), 12);
}

TEST(Errors, UniqueViolationIsConflict) {
  auto db = OpenTestDb();
  db->Exec("DROP TABLE IF EXISTS dbt_unique");
  db->Exec("CREATE TABLE dbt_unique (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE)");
  db->Exec("INSERT INTO dbt_unique (id, email) VALUES ($1, $2)", Params("1", "a@example.com"));
  for (const char* id : {"1", "2"}) {  // primary key, then unique column
    try {
      db->Exec("INSERT INTO dbt_unique (id, email) VALUES ($1, $2)", Params(id, "a@example.com"));
      ADD_FAILURE() << "no exception for id " << id;
    } catch (const DbError& e) {
      EXPECT_EQ(e.error().code, core::ErrorCode::kConflict);
      EXPECT_EQ(e.error().detail, "already exists");
      EXPECT_EQ(e.sqlstate(), "23505");
      EXPECT_EQ(std::string(e.what()).find("a@example.com"), std::string::npos);
    }
  }
  // Inside a transaction too; the destroyed transaction rolls back cleanly afterwards.
  {
    Transaction tx = db->Begin();
    tx.Exec("INSERT INTO dbt_unique (id, email) VALUES ($1, $2)", Params("3", "c@example.com"));
    auto error = ErrorOf([&] {
      tx.Exec("INSERT INTO dbt_unique (id, email) VALUES ($1, $2)", Params("3", "d@example.com"));
    });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, core::ErrorCode::kConflict);
  }
  EXPECT_EQ(Count(*db, "dbt_unique"), 1);
}

TEST(Errors, UnknownTableIsInternal) {
  auto db = OpenTestDb();
  auto error = ErrorOf([&] { db->Query("SELECT * FROM dbt_no_such_table"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, core::ErrorCode::kInternal);
  EXPECT_NE(error->detail.find("dbt_no_such_table"), std::string::npos) << error->detail;
  // The connection is still usable afterwards.
  EXPECT_TRUE(db->Ping());
}

TEST(Errors, BadUrlIsBadRequestNamingTheUrl) {
  auto error = ErrorOf([] { Database::Open("mysql://user:secret@host/db"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, core::ErrorCode::kBadRequest);
  EXPECT_NE(error->detail.find("mysql://user:***@host/db"), std::string::npos) << error->detail;
  EXPECT_EQ(error->detail.find("secret"), std::string::npos);
}

class Migrations : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDb();
    Migrate(*db_, {});  // creates schema_migrations
    db_->Exec("DELETE FROM schema_migrations WHERE module = $1", Params("dbtest"));
    db_->Exec("DROP TABLE IF EXISTS dbtest_widgets");
    db_->Exec("DROP TABLE IF EXISTS dbtest_engine");
  }
  std::unique_ptr<Database> db_;
};

TEST_F(Migrations, AppliedOnceInOrderAndRecorded) {
  auto report = Migrate(*db_, dbtest::Migrations());
  EXPECT_EQ(report.applied,
            (std::vector<std::string>{"dbtest/001_create_widgets", "dbtest/002_engine_marker",
                                      "dbtest/003_seed"}));
  auto recorded = db_->Query(
      "SELECT version, name, applied_at FROM schema_migrations WHERE module = $1 ORDER BY version",
      Params("dbtest"));
  ASSERT_EQ(recorded.size(), 3u);
  EXPECT_EQ(recorded[0].Int(0), 1);
  EXPECT_EQ(recorded[1].Text(1), "engine_marker");
  EXPECT_FALSE(recorded[2].Text(2).empty());
  // The embedded multi-statement seed ran verbatim (no placeholder rewriting in literals).
  EXPECT_EQ(db_->Query("SELECT name FROM dbtest_widgets WHERE id = 'w1'")[0].Text(0),
            "it's $1; -- not a param");
  EXPECT_EQ(Count(*db_, "dbtest_widgets"), 2);

  // Idempotent.
  EXPECT_TRUE(Migrate(*db_, dbtest::Migrations()).applied.empty());
  EXPECT_EQ(Count(*db_, "dbtest_widgets"), 2);
}

TEST_F(Migrations, EngineSpecificFileIsChosen) {
  auto embedded = dbtest::Migrations();
  ASSERT_EQ(embedded.size(), 3u);
  EXPECT_TRUE(embedded[1].sql.empty());
  EXPECT_FALSE(embedded[1].sqlite_sql.empty());
  EXPECT_FALSE(embedded[1].postgres_sql.empty());
  Migrate(*db_, embedded);
  auto rows = db_->Query("SELECT engine FROM dbtest_engine");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), EngineName(db_->engine()));
}

TEST_F(Migrations, RenamedMigrationIsDetected) {
  Migrate(*db_, dbtest::Migrations());
  auto renamed = dbtest::Migrations();
  renamed[1].name = "engine_marker_v2";
  auto error = ErrorOf([&] { Migrate(*db_, renamed); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, core::ErrorCode::kInternal);
  EXPECT_NE(error->detail.find("migration dbtest/002 was renamed"), std::string::npos)
      << error->detail;
}

TEST_F(Migrations, LaterMigrationIsAppliedOnTopOfRecordedOnes) {
  auto embedded = dbtest::Migrations();
  std::vector<Migration> first(embedded.begin(), embedded.begin() + 2);
  EXPECT_EQ(Migrate(*db_, first).applied.size(), 2u);
  EXPECT_EQ(Migrate(*db_, embedded).applied, (std::vector<std::string>{"dbtest/003_seed"}));
}

TEST(Concurrency, EightThreadsIncrementingOneRowEndAtExactly400) {
  DatabaseOptions options;
  options.pool_size = 4;  // fewer connections than threads: the pool makes them wait
  options.acquire_timeout = std::chrono::seconds(30);
  options.busy_timeout = std::chrono::seconds(30);
  auto db = OpenTestDb(options);
  db->Exec("DROP TABLE IF EXISTS dbt_counter");
  db->Exec("CREATE TABLE dbt_counter (id TEXT PRIMARY KEY, n BIGINT NOT NULL)");
  db->Exec("INSERT INTO dbt_counter (id, n) VALUES ($1, $2)", Params("c", 0));
  // A read-modify-write, so lost updates would show if transactions did not serialize.
  const std::string select = db->engine() == Engine::kPostgres
                                 ? "SELECT n FROM dbt_counter WHERE id = $1 FOR UPDATE"
                                 : "SELECT n FROM dbt_counter WHERE id = $1";
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        try {
          Transaction tx = db->Begin();
          std::int64_t n = tx.Query(select, Params("c"))[0].Int(0);
          tx.Exec("UPDATE dbt_counter SET n = $1 WHERE id = $2", Params(n + 1, "c"));
          tx.Commit();
        } catch (const std::exception& e) {
          std::lock_guard lock(errors_mutex);
          errors.emplace_back(e.what());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << errors.front();
  EXPECT_EQ(db->Query("SELECT n FROM dbt_counter WHERE id = $1", Params("c"))[0].Int(0), 400);
}

TEST(Pool, ExhaustedPoolIsUnavailableAfterAcquireTimeout) {
  DatabaseOptions options;
  options.pool_size = 1;
  options.acquire_timeout = std::chrono::milliseconds(200);
  auto db = OpenTestDb(options);
  Transaction held = db->Begin();
  const auto start = std::chrono::steady_clock::now();
  auto error = ErrorOf([&] { db->Query("SELECT 1"); });
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(error->detail, "database pool exhausted");
  EXPECT_GE(waited, std::chrono::milliseconds(190));
  EXPECT_FALSE(db->Ping());  // not ready while no connection is free
  held.Commit();
  EXPECT_EQ(db->Query("SELECT 1")[0].Int(0), 1);  // the connection came back
}

TEST(Pool, LostPostgresConnectionIsUnavailableThenReplaced) {
  DatabaseOptions options;
  options.pool_size = 1;
  auto db = OpenTestDb(options);
  if (db->engine() != Engine::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  const std::int64_t pid = db->Query("SELECT pg_backend_pid()")[0].Int(0);
  auto admin = OpenTestDb();
  admin->Query("SELECT pg_terminate_backend($1::int)", Params(pid));
  auto error = ErrorOf([&] { db->Query("SELECT 1"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, core::ErrorCode::kUnavailable) << error->detail;
  // The broken connection was dropped; the pool opens a new one.
  EXPECT_TRUE(db->Ping());
  EXPECT_NE(db->Query("SELECT pg_backend_pid()")[0].Int(0), pid);
}

TEST(Database, PingIsTrue) {
  auto db = OpenTestDb();
  EXPECT_TRUE(db->Ping());
}

}  // namespace
}  // namespace vetahut::db

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  bool postgres = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--engine=postgres") postgres = true;
  }
  const char* url = nullptr;
  if (postgres) {
    url = std::getenv("VETAHUT_TEST_PG_URL");
    if (url == nullptr || *url == '\0') {
      std::fprintf(stderr,
                   "VETAHUT_TEST_PG_URL is not set: run it through scripts/with-postgres.sh\n");
      return 1;
    }
  } else {
    url = std::getenv("VETAHUT_TEST_DB_URL");
    if (url == nullptr || *url == '\0') {
      std::fprintf(stderr,
                   "VETAHUT_TEST_DB_URL is not set: run db_test through ctest (db_test_sqlite, "
                   "db_test_postgres) or set it to sqlite:<file> or postgresql://…\n");
      return 1;
    }
  }
  vetahut::db::g_url = url;
  std::string_view view(url);
  if (view.starts_with("sqlite:") && view != "sqlite::memory:") {
    // Start from an empty database file.
    std::string path(view.substr(7));
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  return RUN_ALL_TESTS();
}
