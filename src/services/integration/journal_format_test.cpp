#include "services/integration/journal_format.hpp"

#include <gtest/gtest.h>

namespace vetahut::integration {
namespace {

SalesJournal OneSaleOneRefund() {
  SaleRecord s;
  s.order_id = "ord_1";
  s.number = 12;
  s.placed_business_date = "2026-11-25";
  s.order_type = "carryout";
  s.channel = "web";
  s.payment_method = "card";
  s.currency = "USD";
  s.completed_at = "2026-11-25T18:30:00.000Z";
  s.subtotal = 1999;
  s.discount = 0;
  s.tax = 177;
  s.tip = 200;
  s.total = 2376;
  s.taxes = {{"food", 1999, 177}};
  RefundRecord r{"evt_9", "ord_0", "pay_0", "card", "USD", "2026-11-25T19:00:00.000Z", 505};
  return *BuildJournal({"str_1", "America/Chicago", "2026-11-25", "2026-11-25T06:00:00.000Z", "2026-11-26T06:00:00.000Z",
                        true, "USD"},
                       {s}, {r});
}

TEST(JournalFormat, CsvHasOneRowPerSaleRefundTaxMethodAndTheTotal) {
  EXPECT_EQ(JournalCsv(OneSaleOneRefund()),
            "record,business_date,store_id,currency,order_id,order_number,placed_business_date,at,order_type,channel,"
            "payment_method,tax_category,count,gross_sales,discounts,net_sales,tax,tax_included,delivery_fees,tips,total,"
            "refunds,net_total,reference\r\n"
            "sale,2026-11-25,str_1,USD,ord_1,12,2026-11-25,2026-11-25T18:30:00.000Z,carryout,web,card,,1,19.99,0.00,19.99,"
            "1.77,false,0.00,2.00,23.76,,23.76,\r\n"
            "refund,2026-11-25,str_1,USD,ord_0,,,2026-11-25T19:00:00.000Z,,,card,,1,,,,,,,,,5.05,-5.05,pay_0\r\n"
            "tax,2026-11-25,str_1,USD,,,,,,,,food,,,,19.99,1.77,,,,,,,\r\n"
            "payment,2026-11-25,str_1,USD,,,,,,,card,,1,,,,,,,,23.76,5.05,18.71,\r\n"
            "total,2026-11-25,str_1,USD,,,,,,,,,1,19.99,0.00,19.99,1.77,,0.00,2.00,23.76,5.05,18.71,closed\r\n");
}

TEST(JournalFormat, JsonKeepsMinorUnitsInAFixedOrder) {
  const std::string json = JournalJson(OneSaleOneRefund());
  EXPECT_TRUE(json.starts_with(R"({"kind":"vetahut.sales_journal","version":1,"store_id":"str_1","time_zone":"America/Chicago",)"
                               R"("business_date":"2026-11-25","from":"2026-11-25T06:00:00.000Z","to":"2026-11-26T06:00:00.000Z",)"
                               R"("closed":true,"currency":"USD","amounts_in":"minor units","totals":{"orders":1,"gross_sales":1999,)"))
      << json;
  EXPECT_NE(json.find(R"("refunds":[{"event_id":"evt_9","order_id":"ord_0","payment_id":"pay_0","payment_method":"card",)"
                      R"("refunded_at":"2026-11-25T19:00:00.000Z","amount":505}])"),
            std::string::npos)
      << json;
  EXPECT_TRUE(json.ends_with("}\n"));
  EXPECT_EQ(json, JournalJson(OneSaleOneRefund()));  // the same journal, the same bytes
}

TEST(JournalFormat, DecimalsFollowTheCurrencysExponent) {
  EXPECT_EQ(DecimalAmount(1234, 2), "12.34");
  EXPECT_EQ(DecimalAmount(5, 2), "0.05");
  EXPECT_EQ(DecimalAmount(-5, 2), "-0.05");
  EXPECT_EQ(DecimalAmount(0, 2), "0.00");
  EXPECT_EQ(DecimalAmount(1500, 0), "1500");
  EXPECT_EQ(DecimalAmount(1234, 3), "1.234");
  EXPECT_EQ(DecimalAmount(std::numeric_limits<std::int64_t>::min(), 2), "-92233720368547758.08");
}

TEST(JournalFormat, CsvFieldsAreQuotedAndDefusedWhereNeeded) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\r\nlines"), "\"two\r\nlines\"");
  EXPECT_EQ(CsvField("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField(""), "");
}

}  // namespace
}  // namespace vetahut::integration
