// Money, numbers, times and dates as each language writes them, in the store's zone.
#include "services/notification/domain/locale_format.hpp"

#include <date/tz.h>
#include <gtest/gtest.h>

namespace vetahut::notification {
namespace {

core::TimePoint Utc(const char* text) { return *core::ParseRfc3339(text); }

TEST(FormatMoney, EnglishPutsTheSymbolFirstWithCommasAndAPoint) {
  EXPECT_EQ(FormatMoney(123456, "USD", "en"), "$1,234.56");
  EXPECT_EQ(FormatMoney(5, "USD", "en"), "$0.05");
  EXPECT_EQ(FormatMoney(-1999, "USD", "en"), "-$19.99");
  EXPECT_EQ(FormatMoney(123456789, "EUR", "en"), "€1,234,567.89");
  EXPECT_EQ(FormatMoney(1500, "JPY", "en"), "¥1,500");  // no minor units
  EXPECT_EQ(FormatMoney(1000, "CHF", "en"), "CHF\u00A010.00");
}

TEST(FormatMoney, SpanishAndGermanPutItAfterWithACommaForDecimals) {
  EXPECT_EQ(FormatMoney(123456, "EUR", "de"), "1.234,56\u00A0€");
  EXPECT_EQ(FormatMoney(1632, "USD", "de"), "16,32\u00A0$");
  EXPECT_EQ(FormatMoney(1632, "USD", "es"), "16,32\u00A0US$");
  // Spanish groups from five digits: 1234,56 but 12.345,67.
  EXPECT_EQ(FormatMoney(123456, "EUR", "es"), "1234,56\u00A0€");
  EXPECT_EQ(FormatMoney(1234567, "EUR", "es"), "12.345,67\u00A0€");
  EXPECT_EQ(FormatMoney(-50, "EUR", "de"), "-0,50\u00A0€");
}

TEST(FormatMoney, AnUnknownLanguageIsWrittenAsEnglish) {
  EXPECT_EQ(FormatMoney(1299, "USD", "fr"), "$12.99");
}

TEST(FormatNumber, DropsTrailingZerosAndUsesTheLanguagesDecimalMark) {
  EXPECT_EQ(FormatNumber(1.5, 2, "en"), "1.5");
  EXPECT_EQ(FormatNumber(1.5, 2, "de"), "1,5");
  EXPECT_EQ(FormatNumber(2000, 2, "de"), "2.000");
  EXPECT_EQ(FormatNumber(2000, 2, "es"), "2000");
  EXPECT_EQ(FormatNumber(0.333, 2, "en"), "0.33");
}

TEST(FormatTime, TwelveHoursInEnglishAndTwentyFourElsewhereInTheStoresZone) {
  const auto* chicago = date::locate_zone("America/Chicago");
  const auto at = Utc("2026-03-04T01:45:00Z");  // 19:45 on March 3rd in Chicago
  EXPECT_EQ(FormatTime(at, chicago, "en"), "7:45 PM");
  EXPECT_EQ(FormatTime(at, chicago, "es"), "19:45");
  EXPECT_EQ(FormatTime(at, chicago, "de"), "19:45");
  EXPECT_EQ(FormatTime(at, nullptr, "en"), "1:45 AM");  // UTC
  EXPECT_EQ(FormatTime(Utc("2026-03-04T06:05:00Z"), chicago, "en"), "12:05 AM");
  EXPECT_EQ(FormatTime(Utc("2026-03-04T18:00:00Z"), chicago, "en"), "12:00 PM");
}

TEST(FormatDate, WeekdayDayAndMonthInTheLanguage) {
  const auto* chicago = date::locate_zone("America/Chicago");
  const auto at = Utc("2026-03-04T01:45:00Z");
  EXPECT_EQ(FormatDate(at, chicago, "en"), "Tuesday, March 3");
  EXPECT_EQ(FormatDate(at, chicago, "es"), "martes, 3 de marzo");
  EXPECT_EQ(FormatDate(at, chicago, "de"), "Dienstag, 3. März");
  EXPECT_EQ(FormatDate(at, nullptr, "en"), "Wednesday, March 4");
}

TEST(Locales, LanguageAndTagShape) {
  EXPECT_EQ(LanguageOf("es-MX"), "es");
  EXPECT_EQ(LanguageOf("DE"), "de");
  EXPECT_TRUE(IsLocaleTag("es-419"));
  EXPECT_FALSE(IsLocaleTag("es-41"));
  EXPECT_EQ(FindZone("Mars/Olympus"), nullptr);
  EXPECT_EQ(FindZone(""), nullptr);
  EXPECT_NE(FindZone("Europe/Madrid"), nullptr);
}

}  // namespace
}  // namespace vetahut::notification
