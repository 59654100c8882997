#include "services/payment/providers/card_rules.hpp"

#include <gtest/gtest.h>

namespace vetahut::payment {
namespace {

// 2026-11-24: a card expiring 11/2026 is still good, 10/2026 is not.
const core::ManualClock kClock{*core::ParseRfc3339("2026-11-24T12:00:00Z")};

CardInput Card(std::string number, int month = 12, int year = 2030, std::string cvc = "123") {
  return CardInput{std::move(number), month, year, std::move(cvc)};
}

bool HasField(const core::Error& e, std::string_view field) {
  for (const auto& f : e.fields) {
    if (f.field == field) return true;
  }
  return false;
}

TEST(CardRules, NormalizeStripsSpacesAndDashesOnly) {
  EXPECT_EQ(NormalizeCardNumber("4242 4242-4242 4242"), "4242424242424242");
  EXPECT_FALSE(NormalizeCardNumber("4242x4242"));
  EXPECT_FALSE(NormalizeCardNumber("4242.4242"));
}

TEST(CardRules, LuhnAcceptsTestCardsAndRejectsOneDigitOff) {
  EXPECT_TRUE(LuhnValid("4242424242424242"));
  EXPECT_TRUE(LuhnValid("378282246310005"));
  EXPECT_TRUE(LuhnValid("6011111111111117"));
  EXPECT_FALSE(LuhnValid("4242424242424241"));
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("42a2"));
}

TEST(CardRules, BrandFollowsTheIssuerPrefixes) {
  EXPECT_EQ(CardBrand("4242424242424242"), "visa");
  EXPECT_EQ(CardBrand("5105105105105100"), "mastercard");
  EXPECT_EQ(CardBrand("5555555555554444"), "mastercard");
  EXPECT_EQ(CardBrand("2221000000000009"), "mastercard");
  EXPECT_EQ(CardBrand("2720990000000000"), "mastercard");
  EXPECT_EQ(CardBrand("2220990000000000"), "unknown");
  EXPECT_EQ(CardBrand("2721000000000000"), "unknown");
  EXPECT_EQ(CardBrand("5605105105105100"), "unknown");
  EXPECT_EQ(CardBrand("378282246310005"), "amex");
  EXPECT_EQ(CardBrand("341111111111111"), "amex");
  EXPECT_EQ(CardBrand("3411111111111111"), "unknown");  // amex needs exactly 15 digits
  EXPECT_EQ(CardBrand("6011111111111117"), "discover");
  EXPECT_EQ(CardBrand("6500000000000002"), "discover");
  EXPECT_EQ(CardBrand("6440000000000000"), "discover");
  EXPECT_EQ(CardBrand("6490000000000000"), "discover");
  EXPECT_EQ(CardBrand("6430000000000000"), "unknown");
  EXPECT_EQ(CardBrand("3530111333300000"), "unknown");
}

TEST(CardRules, AValidCardKeepsBrandLast4AndExpiry) {
  auto card = ValidateCard(Card("4242 4242 4242 4242", 11, 2026), kClock);
  ASSERT_TRUE(card) << card.error().detail;
  EXPECT_EQ(card->digits, "4242424242424242");
  EXPECT_EQ(card->brand, "visa");
  EXPECT_EQ(card->last4, "4242");
  EXPECT_EQ(card->exp_month, 11);
  EXPECT_EQ(card->exp_year, 2026);
}

TEST(CardRules, LengthMustBe13To19) {
  EXPECT_TRUE(ValidateCard(Card("4222222222222"), kClock));  // 13 digits, Luhn-valid
  auto short_number = ValidateCard(Card("42424242424"), kClock);
  ASSERT_FALSE(short_number);
  EXPECT_TRUE(HasField(short_number.error(), "card.number"));
  auto long_number = ValidateCard(Card("42424242424242424242"), kClock);
  ASSERT_FALSE(long_number);
  EXPECT_TRUE(HasField(long_number.error(), "card.number"));
}

TEST(CardRules, ExpiryIsGoodThroughTheEndOfItsMonth) {
  EXPECT_TRUE(ValidateCard(Card("4242424242424242", 11, 2026), kClock));
  auto last_month = ValidateCard(Card("4242424242424242", 10, 2026), kClock);
  ASSERT_FALSE(last_month);
  EXPECT_TRUE(HasField(last_month.error(), "card.exp_month"));
  auto last_year = ValidateCard(Card("4242424242424242", 12, 2025), kClock);
  ASSERT_FALSE(last_year);
  EXPECT_TRUE(HasField(last_year.error(), "card.exp_year"));
  core::ManualClock end_of_month{*core::ParseRfc3339("2026-11-30T23:59:59Z")};
  EXPECT_TRUE(ValidateCard(Card("4242424242424242", 11, 2026), end_of_month));
  core::ManualClock next_month{*core::ParseRfc3339("2026-12-01T00:00:00Z")};
  EXPECT_FALSE(ValidateCard(Card("4242424242424242", 11, 2026), next_month));
}

TEST(CardRules, MonthAndYearMustBeInRange) {
  for (int month : {0, 13, -1}) {
    auto r = ValidateCard(Card("4242424242424242", month, 2030), kClock);
    ASSERT_FALSE(r);
    EXPECT_TRUE(HasField(r.error(), "card.exp_month")) << month;
  }
  auto two_digit_year = ValidateCard(Card("4242424242424242", 12, 30), kClock);
  ASSERT_FALSE(two_digit_year);
  EXPECT_TRUE(HasField(two_digit_year.error(), "card.exp_year"));
}

TEST(CardRules, CvcHasThreeDigitsOrFourForAmex) {
  EXPECT_TRUE(ValidateCard(Card("4242424242424242", 12, 2030, "123"), kClock));
  EXPECT_FALSE(ValidateCard(Card("4242424242424242", 12, 2030, "1234"), kClock));
  EXPECT_FALSE(ValidateCard(Card("4242424242424242", 12, 2030, "12a"), kClock));
  EXPECT_TRUE(ValidateCard(Card("378282246310005", 12, 2030, "1234"), kClock));
  auto amex_three = ValidateCard(Card("378282246310005", 12, 2030, "123"), kClock);
  ASSERT_FALSE(amex_three);
  EXPECT_TRUE(HasField(amex_three.error(), "card.cvc"));
}

TEST(CardRules, AllProblemsAreReportedAtOnceWithoutTheNumber) {
  auto r = ValidateCard(Card("4242424242424241", 13, 2020, "1"), kClock);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kValidation);
  EXPECT_TRUE(HasField(r.error(), "card.number"));
  EXPECT_TRUE(HasField(r.error(), "card.exp_month"));
  EXPECT_TRUE(HasField(r.error(), "card.exp_year"));
  EXPECT_TRUE(HasField(r.error(), "card.cvc"));
  EXPECT_EQ(r.error().detail.find("4242"), std::string::npos);
  for (const auto& f : r.error().fields) EXPECT_EQ(f.message.find("4242"), std::string::npos) << f.message;
}

}  // namespace
}  // namespace vetahut::payment
