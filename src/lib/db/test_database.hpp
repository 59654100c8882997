#pragma once
/// For suites registered once per engine (SQLite and PostgreSQL): opens the database named by
/// VETAHUT_TEST_DB_URL, starting a SQLite file afresh. Include only from tests.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "lib/db/database.hpp"

namespace vetahut::db {

/// The test database, or null (with a test failure) when VETAHUT_TEST_DB_URL is not set.
inline std::unique_ptr<Database> OpenTestDatabase() {
  const char* url = std::getenv("VETAHUT_TEST_DB_URL");
  if (!url || !*url) {
    ADD_FAILURE() << "VETAHUT_TEST_DB_URL is not set: run through ctest (PostgreSQL: scripts/with-postgres.sh)";
    return nullptr;
  }
  const std::string u = url;
  if (u.starts_with("sqlite:") && u != "sqlite::memory:") {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(u.substr(7) + suffix);
  }
  return Database::Open(u);
}

}  // namespace vetahut::db
