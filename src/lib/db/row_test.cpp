#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "lib/db/database.hpp"

namespace vetahut::db {
namespace {

TEST(Params, ConvertsEachKindToItsValue) {
  std::optional<int> none;
  std::optional<long> some = 5;
  const char* c_string = "c";
  auto params = Params(1, std::uint8_t{2}, "x", none, true, 2.5, std::string_view("sv"),
                       std::string("s"), some, nullptr, c_string, 1.5f);
  ASSERT_EQ(params.size(), 12u);
  EXPECT_EQ(std::get<std::int64_t>(params[0]), 1);
  EXPECT_EQ(std::get<std::int64_t>(params[1]), 2);
  EXPECT_EQ(std::get<std::string>(params[2]), "x");
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(params[3]));
  EXPECT_EQ(std::get<bool>(params[4]), true);
  EXPECT_EQ(std::get<double>(params[5]), 2.5);
  EXPECT_EQ(std::get<std::string>(params[6]), "sv");
  EXPECT_EQ(std::get<std::string>(params[7]), "s");
  EXPECT_EQ(std::get<std::int64_t>(params[8]), 5);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(params[9]));
  EXPECT_EQ(std::get<std::string>(params[10]), "c");
  EXPECT_EQ(std::get<double>(params[11]), 1.5);
}

TEST(Params, UnsignedAboveInt64MaxThrows) {
  EXPECT_THROW(Params(std::numeric_limits<std::uint64_t>::max()), core::ErrorException);
}

Row MakeRow(std::vector<Value> values) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < values.size(); ++i) names.push_back("c" + std::to_string(i));
  return Row(std::make_shared<const std::vector<std::string>>(std::move(names)), std::move(values));
}

TEST(Row, ParsesPostgresText) {
  Row row = MakeRow({std::string("-42"), std::string("t"), std::string("false"), std::string("0.1"),
                     std::string("-Infinity"), nullptr});
  EXPECT_EQ(row.Int(0), -42);
  EXPECT_TRUE(row.Bool(1));
  EXPECT_FALSE(row.Bool(2));
  EXPECT_EQ(row.Double(3), 0.1);
  EXPECT_EQ(row.Double(4), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(row.IsNull(5));
  EXPECT_EQ(row.OptInt(5), std::nullopt);
  EXPECT_EQ(row.Text(0), "-42");
}

TEST(Row, ColumnsAreFoundByName) {
  Row row = MakeRow({std::string("ord_1"), std::int64_t{12}, nullptr});
  EXPECT_EQ(row.Text("c0"), "ord_1");
  EXPECT_EQ(row.Int("c1"), 12);
  EXPECT_TRUE(row.IsNull("c2"));
  EXPECT_EQ(row.OptText("c2"), std::nullopt);
  try {
    row.Text("total");
    FAIL() << "no exception";
  } catch (const core::ErrorException& e) {
    EXPECT_EQ(e.error().code, core::ErrorCode::kInternal);
    EXPECT_NE(e.error().detail.find("'total'"), std::string::npos) << e.error().detail;
  }
}

TEST(Row, WrongTypeThrowsInternalNamingTheColumn) {
  Row row = MakeRow({std::string("12abc"), nullptr, std::int64_t{7}});
  try {
    row.Int(0);
    FAIL() << "no exception";
  } catch (const core::ErrorException& e) {
    EXPECT_EQ(e.error().code, core::ErrorCode::kInternal);
    EXPECT_NE(e.error().detail.find("'c0'"), std::string::npos) << e.error().detail;
  }
  EXPECT_THROW(row.Text(1), core::ErrorException);
  EXPECT_THROW(row.Bool(2), core::ErrorException);  // 7 is not a boolean
  EXPECT_THROW(row.Int(3), core::ErrorException);   // out of range
  EXPECT_EQ(row.Text(2), "7");
  EXPECT_EQ(row.Double(2), 7.0);
}

TEST(SqliteMemory, EachOpenIsAPrivateDatabaseSharedByItsPool) {
  auto a = Database::Open("sqlite::memory:");
  auto b = Database::Open("sqlite::memory:");
  a->Exec("CREATE TABLE t (id TEXT PRIMARY KEY)");
  {
    Transaction tx = a->Begin();
    tx.Exec("INSERT INTO t (id) VALUES ($1)", Params("x"));
    tx.Commit();
  }
  EXPECT_EQ(a->Query("SELECT COUNT(*) FROM t")[0].Int(0), 1);  // any pooled connection sees it
  EXPECT_THROW(b->Query("SELECT * FROM t"), core::ErrorException);
  EXPECT_TRUE(a->Ping());
}

TEST(RedactUrl, HidesThePasswordOnly) {
  EXPECT_EQ(RedactUrl("postgresql://u:pw@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(RedactUrl("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(RedactUrl("sqlite:data/x.db"), "sqlite:data/x.db");
}

}  // namespace
}  // namespace vetahut::db
