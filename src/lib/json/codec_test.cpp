#include "lib/json/codec.hpp"

#include <gtest/gtest.h>

namespace vetahut::json_codec {
namespace {

struct Topping {
  std::string topping_id;
  std::string portion = "whole";
  template <class V>
  void Visit(V& v) {
    v("topping_id", topping_id);
    v("portion", portion);
  }
  bool operator==(const Topping&) const = default;
};

struct Line {
  std::string product_id;
  int quantity = 1;
  std::vector<Topping> toppings;
  std::optional<std::string> notes;
  template <class V>
  void Visit(V& v) {
    v("product_id", product_id);
    v("quantity", quantity);
    v("toppings", toppings);
    v("notes", notes);
  }
  bool operator==(const Line&) const = default;
};

struct Confirmed {
  std::string order_id;
  bool pickup = false;
  double latitude = 0;
  core::MoneyAmount total;
  core::TimePoint promised_at{};
  std::vector<Line> lines;
  template <class V>
  void Visit(V& v) {
    v("order_id", order_id);
    v("pickup", pickup);
    v("latitude", latitude);
    v("total", total);
    v("promised_at", promised_at);
    v("lines", lines);
  }
};

TEST(JsonCodec, EncodesAndDecodesEveryKindOfField) {
  Confirmed c;
  c.order_id = "ord_1";
  c.pickup = true;
  c.latitude = 40.74844;
  c.total = core::MoneyAmount{2599, "USD"};
  c.promised_at = *core::ParseRfc3339("2026-11-26T18:30:00Z");
  c.lines = {{"cheese_pizza", 2, {{"pepperoni", "left"}}, "well done"}, {"cola", 1, {}, std::nullopt}};
  const std::string text = Encode(c);
  EXPECT_EQ(text,
            R"({"order_id":"ord_1","pickup":true,"latitude":40.74844,"total":{"amount":2599,"currency":"USD"},)"
            R"("promised_at":"2026-11-26T18:30:00.000Z","lines":[{"product_id":"cheese_pizza","quantity":2,)"
            R"("toppings":[{"topping_id":"pepperoni","portion":"left"}],"notes":"well done"},)"
            R"({"product_id":"cola","quantity":1,"toppings":[],"notes":null}]})");
  auto back = Decode<Confirmed>(text);
  ASSERT_TRUE(back) << back.error().detail;
  EXPECT_EQ(back->order_id, "ord_1");
  EXPECT_TRUE(back->pickup);
  EXPECT_EQ(back->latitude, 40.74844);
  EXPECT_EQ(back->total, c.total);
  EXPECT_EQ(back->promised_at, c.promised_at);
  EXPECT_EQ(back->lines, c.lines);
}

TEST(JsonCodec, DecodingNamesTheExactFieldAndIgnoresUnknownKeys) {
  auto bad = Decode<Confirmed>(
      R"({"order_id":"o","pickup":true,"latitude":1,"total":{"amount":1,"currency":"XYZ"},"promised_at":"soon",)"
      R"("lines":[{"product_id":"p","quantity":"two","toppings":[{"portion":"left"}]}],"extra":1})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kBadRequest);
  EXPECT_EQ(bad.error().detail, "total.currency: is not a known currency");
  std::vector<std::string> fields;
  for (const auto& f : bad.error().fields) fields.push_back(f.field + ": " + f.message);
  EXPECT_EQ(fields, (std::vector<std::string>{"total.currency: is not a known currency",
                                              "promised_at: must be an RFC 3339 time",
                                              "lines[0].quantity: must be an integer",
                                              "lines[0].toppings[0].topping_id: is required"}));
  EXPECT_FALSE(Decode<Confirmed>("[1]"));
  EXPECT_FALSE(Decode<Confirmed>("{"));
  auto overflow = Decode<Line>(R"({"product_id":"p","quantity":4294967296,"toppings":[]})");
  ASSERT_FALSE(overflow);
  EXPECT_EQ(overflow.error().detail, "quantity: is out of range");
}

}  // namespace
}  // namespace vetahut::json_codec
