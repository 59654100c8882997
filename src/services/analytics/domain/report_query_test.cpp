#include "services/analytics/domain/report_query.hpp"

#include <gtest/gtest.h>

#include <map>

namespace vetahut::analytics {
namespace {

const ReportRules kSales{{"day", "hour", "product", "category", "channel", "store", "type"}, 366};

core::Result<ReportQuery> Parse(std::map<std::string, std::string> params, const ReportRules& rules = kSales) {
  return ParseReportQuery(
      [&](std::string_view name) -> std::optional<std::string> {
        auto it = params.find(std::string(name));
        if (it == params.end()) return std::nullopt;
        return it->second;
      },
      rules);
}

/// The one field error of a refused query, as "field: message".
std::string Refusal(const core::Result<ReportQuery>& r) {
  if (r) return "accepted";
  EXPECT_EQ(r.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(r.error().fields.size(), 1u);
  return r.error().fields.empty() ? "" : r.error().fields[0].field + ": " + r.error().fields[0].message;
}

TEST(ReportQuery, ReadsAPeriodAGroupAStoreAndAFormat) {
  auto q = Parse({{"from", "2026-03-01"}, {"to", "2026-03-07"}, {"group_by", "product"}, {"store_id", "str_1"}, {"format", "csv"}});
  ASSERT_TRUE(q) << q.error().detail;
  EXPECT_EQ(q->period, (Period{*ParseDate("2026-03-01"), *ParseDate("2026-03-07")}));
  EXPECT_EQ(q->period.days(), 7);
  EXPECT_EQ(q->group_by, "product");
  EXPECT_EQ(q->store_id, "str_1");
  EXPECT_EQ(q->format, ReportFormat::kCsv);
}

TEST(ReportQuery, DefaultsToOneDayTheFirstGroupAndJson) {
  auto q = Parse({{"from", "2026-03-01"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->period.days(), 1);
  EXPECT_EQ(q->group_by, "day");
  EXPECT_FALSE(q->store_id);
  EXPECT_EQ(q->format, ReportFormat::kJson);
}

TEST(ReportQuery, RefusesEachBadParameterByName) {
  EXPECT_EQ(Refusal(Parse({})), "from: is required: the first business day, like 2026-03-01");
  EXPECT_EQ(Refusal(Parse({{"from", "2026-02-30"}})), "from: must be a date like 2026-03-01");
  EXPECT_EQ(Refusal(Parse({{"from", "2026-03-01"}, {"to", "03/07/2026"}})), "to: must be a date like 2026-03-01");
  EXPECT_EQ(Refusal(Parse({{"from", "2026-03-07"}, {"to", "2026-03-01"}})), "to: must not be before from");
  EXPECT_EQ(Refusal(Parse({{"from", "2025-01-01"}, {"to", "2026-01-02"}})), "to: the period may span at most 366 days");
  EXPECT_TRUE(Parse({{"from", "2025-01-01"}, {"to", "2026-01-01"}}));  // exactly 366 days
  EXPECT_EQ(Refusal(Parse({{"from", "2026-03-01"}, {"group_by", "week"}})),
            "group_by: must be one of day, hour, product, category, channel, store, type");
  EXPECT_EQ(Refusal(Parse({{"from", "2026-03-01"}, {"format", "xlsx"}})), "format: must be json or csv");
  EXPECT_EQ(Refusal(Parse({{"from", "2026-03-01"}, {"store_id", "str_1' OR 1=1"}})),
            "store_id: must be a store id (letters, digits, '_' and '-', at most 64)");
}

TEST(ReportQuery, NamesEveryBadParameterAtOnce) {
  auto q = Parse({{"from", "x"}, {"group_by", "week"}, {"format", "pdf"}});
  ASSERT_FALSE(q);
  ASSERT_EQ(q.error().fields.size(), 3u);
  EXPECT_EQ(q.error().fields[0].field, "from");
  EXPECT_EQ(q.error().fields[1].field, "group_by");
  EXPECT_EQ(q.error().fields[2].field, "format");
}

TEST(ReportQuery, ReadsAStationWhereTheReportHasStations) {
  const ReportRules kitchen{{"hour", "day", "store", "type", "station"}, 366, true};
  auto q = Parse({{"from", "2026-03-01"}, {"station", "oven"}}, kitchen);
  ASSERT_TRUE(q) << q.error().detail;
  EXPECT_EQ(q->station, "oven");
  EXPECT_EQ(Refusal(Parse({{"from", "2026-03-01"}, {"station", "oven;drop"}}, kitchen)),
            "station: must be a station id (letters, digits, '_' and '-', at most 64)");
  // A report without stations reads no station.
  auto sales = Parse({{"from", "2026-03-01"}, {"station", "oven"}});
  ASSERT_TRUE(sales);
  EXPECT_EQ(sales->station, std::nullopt);
}

TEST(PreviousPeriod, IsTheSameLengthEndingTheDayBefore) {
  const Period week{*ParseDate("2026-03-08"), *ParseDate("2026-03-14")};
  EXPECT_EQ(PreviousPeriod(week), (Period{*ParseDate("2026-03-01"), *ParseDate("2026-03-07")}));
  const Period day{*ParseDate("2026-03-01"), *ParseDate("2026-03-01")};
  EXPECT_EQ(PreviousPeriod(day), (Period{*ParseDate("2026-02-28"), *ParseDate("2026-02-28")}));
  // Over a month boundary in a leap year: 29 days of February before March's first 29.
  const Period march{*ParseDate("2024-03-01"), *ParseDate("2024-03-29")};
  EXPECT_EQ(PreviousPeriod(march), (Period{*ParseDate("2024-02-01"), *ParseDate("2024-02-29")}));
}

}  // namespace
}  // namespace vetahut::analytics
