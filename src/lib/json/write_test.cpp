#include "lib/json/write.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>
#include <charconv>
#include <random>

namespace vetahut::json_text {
namespace {

namespace json = boost::json;

TEST(JsonText, DoublesPrintAsPeopleWriteThem) {
  EXPECT_EQ(Serialize(json::value(40.74844)), "40.74844");
  EXPECT_EQ(Serialize(json::value(-73.98566)), "-73.98566");
  EXPECT_EQ(Serialize(json::value(0.1)), "0.1");
  EXPECT_EQ(Serialize(json::value(1234.5)), "1234.5");
  EXPECT_EQ(Serialize(json::object{{"latitude", 40.74844}}), R"({"latitude":40.74844})");
}

TEST(JsonText, WholeDoublesStayDoubles) {
  EXPECT_EQ(Serialize(json::value(2.0)), "2.0");
  EXPECT_EQ(Serialize(json::value(0.0)), "0.0");
  EXPECT_TRUE(json::parse(Serialize(json::value(2.0))).is_double());
}

TEST(JsonText, HugeAndTinyDoublesUseExponents) {
  EXPECT_EQ(Serialize(json::value(1e21)), "1e+21");
  EXPECT_EQ(Serialize(json::value(1.5e-9)), "1.5e-09");
}

TEST(JsonText, NonFiniteIsNull) {
  EXPECT_EQ(Serialize(json::value(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(Serialize(json::value(std::numeric_limits<double>::quiet_NaN())), "null");
}

TEST(JsonText, IntegersAndLiterals) {
  EXPECT_EQ(Serialize(json::value(std::int64_t{-9223372036854775807 - 1})), "-9223372036854775808");
  EXPECT_EQ(Serialize(json::value(std::uint64_t{18446744073709551615ULL})), "18446744073709551615");
  EXPECT_EQ(Serialize(json::array{nullptr, true, false}), "[null,true,false]");
}

TEST(JsonText, StringsAreEscaped) {
  EXPECT_EQ(Serialize(json::value("a\"b\\c\n\t\x01 é")), "\"a\\\"b\\\\c\\n\\t\\u0001 é\"");
  EXPECT_EQ(Serialize(json::value(std::string("nul\0x", 5))), "\"nul\\u0000x\"");
}

TEST(JsonText, EveryDoubleReadsBackExactly) {
  // Exactness is checked with std::from_chars: Boost.JSON 1.81's own parser may be one unit in the
  // last place off on 17-digit input, which is its limit, not the text's.
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> any(-1e6, 1e6);
  for (int i = 0; i < 100000; ++i) {
    const double d = any(random) / double(1 + (random() % 100000));
    const std::string text = Serialize(json::value(d));
    double back = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), back);
    ASSERT_EQ(ec, std::errc()) << text;
    ASSERT_EQ(end, text.data() + text.size()) << text;
    ASSERT_EQ(back, d) << text;
  }
}

TEST(JsonText, DocumentsReadBackToTheSameStructure) {
  json::value doc = json::object{{"store", json::object{{"latitude", 52.4986}, {"name", "Kreuzberg"}}},
                                 {"lines", json::array{std::int64_t{2}, 1.5, nullptr, "x"}}};
  EXPECT_EQ(json::parse(Serialize(doc)), doc);
}

}  // namespace
}  // namespace vetahut::json_text
