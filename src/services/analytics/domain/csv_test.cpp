#include "services/analytics/domain/csv.hpp"

#include <gtest/gtest.h>

namespace vetahut::analytics {
namespace {

TEST(Csv, QuotesOnlyWhatNeedsQuotingAndDoublesQuotes) {
  EXPECT_EQ(CsvField(CsvCell::Text("Margherita")), "Margherita");
  EXPECT_EQ(CsvField(CsvCell::Text("Ham, pineapple")), "\"Ham, pineapple\"");
  EXPECT_EQ(CsvField(CsvCell::Text("The \"Works\"")), "\"The \"\"Works\"\"\"");
  EXPECT_EQ(CsvField(CsvCell::Text("two\nlines")), "\"two\nlines\"");
  EXPECT_EQ(CsvField(CsvCell::Text("cr\rhere")), "\"cr\rhere\"");
  EXPECT_EQ(CsvField(CsvCell::Text("")), "");
  EXPECT_EQ(CsvField(CsvCell::Text("Café ☕")), "Café ☕");
}

TEST(Csv, TextThatASpreadsheetWouldRunIsDefused) {
  EXPECT_EQ(CsvField(CsvCell::Text("=HYPERLINK(\"http://x\")")), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvField(CsvCell::Text("+1")), "'+1");
  EXPECT_EQ(CsvField(CsvCell::Text("-2")), "'-2");
  EXPECT_EQ(CsvField(CsvCell::Text("@SUM(A1)")), "'@SUM(A1)");
  // Numbers are numbers: a refund stays negative.
  EXPECT_EQ(CsvField(CsvCell::Number("-12.99")), "-12.99");
}

TEST(Csv, ADocumentHasAHeaderAndRowsOfItsWidthEndingInCrlf) {
  CsvWriter csv({"product", "quantity", "revenue"});
  csv.Row({CsvCell::Text("Pepperoni, large"), CsvCell::Number("3"), CsvCell::Number("44.97")});
  EXPECT_EQ(csv.text(), "product,quantity,revenue\r\n\"Pepperoni, large\",3,44.97\r\n");
  EXPECT_EQ(csv.rows(), 1u);
  EXPECT_THROW(csv.Row({CsvCell::Text("short")}), std::logic_error);
}

}  // namespace
}  // namespace vetahut::analytics
