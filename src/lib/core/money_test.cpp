#include "lib/core/money.hpp"

#include <gtest/gtest.h>

#include <random>

namespace vetahut::core {
namespace {

Currency Usd() { return *Currency::Find("USD"); }

TEST(Currency, KnowsIsoCodesAndTheirExponents) {
  EXPECT_EQ(Currency::Find("USD")->exponent(), 2);
  EXPECT_EQ(Currency::Find("JPY")->exponent(), 0);
  EXPECT_EQ(Currency::Find("BHD")->exponent(), 3);
  EXPECT_FALSE(Currency::Find("usd"));
  EXPECT_FALSE(Currency::Find("XXX"));
  EXPECT_FALSE(Currency::Find("US"));
}

TEST(Currency, ParseNamesTheFieldOnError) {
  auto bad = Currency::Parse("ZZZ", "store.currency");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kValidation);
  ASSERT_EQ(bad.error().fields.size(), 1u);
  EXPECT_EQ(bad.error().fields[0].field, "store.currency");
}

TEST(Money, AddsAndSubtractsInMinorUnits) {
  Money a(1299, Usd());
  Money b(250, Usd());
  EXPECT_EQ((a + b).amount(), 1549);
  EXPECT_EQ((a - b).amount(), 1049);
  EXPECT_EQ((b - a).amount(), -1049);
  EXPECT_EQ((a * 3).amount(), 3897);
  EXPECT_EQ((-a).amount(), -1299);
}

TEST(Money, RefusesToMixCurrencies) {
  Money usd(100, Usd());
  Money eur(100, *Currency::Find("EUR"));
  EXPECT_THROW((void)(usd + eur), std::domain_error);
  EXPECT_THROW((void)(usd < eur), std::domain_error);
  EXPECT_FALSE(usd == eur);
}

TEST(Money, OverflowThrowsInsteadOfWrapping) {
  Money big(INT64_MAX - 1, Usd());
  EXPECT_THROW((void)(big + Money(5, Usd())), std::overflow_error);
  EXPECT_THROW((void)(big * 2), std::overflow_error);
}

TEST(Money, MultiplyRatioRoundsAsAsked) {
  // 8.875% tax on 10.00 = 0.8875 -> 0.89 half-up, 0.89 half-even, 0.88 down.
  Money ten(1000, Usd());
  EXPECT_EQ(ten.MultiplyRatio(8875, 100000, Rounding::kHalfUp).amount(), 89);
  EXPECT_EQ(ten.MultiplyRatio(8875, 100000, Rounding::kDown).amount(), 88);
  // Exactly half: 0.5 cent -> half-up 1, half-even 0; 1.5 -> half-even 2.
  Money one(1, Usd());
  EXPECT_EQ(one.MultiplyRatio(1, 2, Rounding::kHalfUp).amount(), 1);
  EXPECT_EQ(one.MultiplyRatio(1, 2, Rounding::kHalfEven).amount(), 0);
  EXPECT_EQ(Money(3, Usd()).MultiplyRatio(1, 2, Rounding::kHalfEven).amount(), 2);
  // Negative amounts round symmetrically.
  EXPECT_EQ(Money(-1, Usd()).MultiplyRatio(1, 2, Rounding::kHalfUp).amount(), -1);
  EXPECT_EQ(Money(-1000, Usd()).MultiplyRatio(8875, 100000, Rounding::kDown).amount(), -88);
  // No overflow in the intermediate product.
  EXPECT_EQ(Money(INT64_MAX / 2, Usd()).MultiplyRatio(2, 2, Rounding::kHalfUp).amount(), INT64_MAX / 2);
}

TEST(Money, DivideRoundedMatchesMultiplyRatio) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 10000; ++i) {
    std::int64_t n = static_cast<std::int64_t>(rng() % 2000001) - 1000000;
    std::int64_t d = static_cast<std::int64_t>(rng() % 999) + 1;
    for (auto r : {Rounding::kHalfUp, Rounding::kHalfEven, Rounding::kDown, Rounding::kUp}) {
      EXPECT_EQ(DivideRounded(n, d, r), Money(n, Usd()).MultiplyRatio(1, d, r).amount())
          << n << "/" << d;
    }
  }
}

TEST(Money, AllocateSplitsExactlyWithoutLosingACent) {
  auto parts = Money(1000, Usd()).Allocate(3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].amount(), 334);
  EXPECT_EQ(parts[1].amount(), 333);
  EXPECT_EQ(parts[2].amount(), 333);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    std::int64_t amount = static_cast<std::int64_t>(rng() % 200001) - 100000;
    int n = static_cast<int>(rng() % 12) + 1;
    std::int64_t sum = 0;
    for (const auto& p : Money(amount, Usd()).Allocate(n)) {
      sum += p.amount();
      EXPECT_LE(std::abs(p.amount() - amount / n), 1);
    }
    EXPECT_EQ(sum, amount);
  }
}

TEST(Money, FormatsWithTheCurrencyExponent) {
  EXPECT_EQ(Money(1299, Usd()).ToString(), "12.99 USD");
  EXPECT_EQ(Money(-5, Usd()).ToString(), "-0.05 USD");
  EXPECT_EQ(Money(1500, *Currency::Find("JPY")).ToString(), "1500 JPY");
  EXPECT_EQ(Money(1005, *Currency::Find("BHD")).ToString(), "1.005 BHD");
}

TEST(Money, ParsesDecimalStringsExactly) {
  EXPECT_EQ(Money::Parse("12.99", Usd())->amount(), 1299);
  EXPECT_EQ(Money::Parse("12.9", Usd())->amount(), 1290);
  EXPECT_EQ(Money::Parse("12", Usd())->amount(), 1200);
  EXPECT_EQ(Money::Parse("-0.05", Usd())->amount(), -5);
  EXPECT_EQ(Money::Parse("0.10", Usd())->amount(), 10);
  EXPECT_FALSE(Money::Parse("12.999", Usd()));
  EXPECT_FALSE(Money::Parse("1e3", Usd()));
  EXPECT_FALSE(Money::Parse("12.", Usd()));
  EXPECT_FALSE(Money::Parse("", Usd()));
  EXPECT_FALSE(Money::Parse("99999999999999999999", Usd()));
  EXPECT_FALSE(Money::Parse("1.5", *Currency::Find("JPY")));
}

}  // namespace
}  // namespace vetahut::core
