#include "services/menu/domain/pricing.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/menu/domain/test_catalog.hpp"

namespace vetahut::core {
void PrintTo(const Money& m, std::ostream* os) { *os << m.ToString(); }
}  // namespace vetahut::core

namespace vetahut::menu {
namespace {

using ::testing::Contains;
using ::testing::Field;
using testing::MakeCatalog;
using testing::MakeUsStore;
using testing::Pizza;
using testing::Request;
using testing::Simple;
using testing::Top;

class PriceQuoteTest : public ::testing::Test {
 protected:
  Catalog catalog_ = MakeCatalog();
  StoreMenuContext store_ = MakeUsStore();

  PriceQuote QuoteOk(const QuoteRequest& request) {
    auto quote = Quote(catalog_, store_, request);
    EXPECT_TRUE(quote.has_value()) << (quote ? "" : Describe(quote.error()));
    return quote ? *quote
                 : PriceQuote{.currency = testing::Usd(),
                              .subtotal = Z(),
                              .discount_total = Z(),
                              .net_subtotal = Z(),
                              .tax_total = Z(),
                              .delivery_fee_before_discount = Z(),
                              .delivery_fee = Z(),
                              .tip = Z(),
                              .total = Z()};
  }
  std::vector<std::string> ErrorFields(const QuoteRequest& request) {
    auto quote = Quote(catalog_, store_, request);
    EXPECT_FALSE(quote.has_value());
    std::vector<std::string> fields;
    if (!quote) {
      EXPECT_EQ(quote.error().code, core::ErrorCode::kValidation);
      for (const auto& f : quote.error().fields) fields.push_back(f.field);
    }
    return fields;
  }
  static std::string Describe(const core::Error& e) {
    std::string out = e.detail;
    for (const auto& f : e.fields) out += "\n  " + f.field + ": " + f.message;
    return out;
  }
  static core::Money Z() { return core::Money::Zero(testing::Usd()); }
  static core::Money Usd(MinorUnits m) { return core::Money(m, testing::Usd()); }
  void NoTax() { store_.tax_rates = {{"food", 0}, {"soft_drink", 0}}; }
};

// --- The market's limits: refused before any arithmetic, naming the field ----------------------

TEST_F(PriceQuoteTest, ATipBeyondTheMarketsLimitsIsRefusedNamingTheFieldNeverOverflowing) {
  auto huge = Request({Pizza("cheese", "medium")});
  huge.tip = Usd(9'223'372'036'854'775'806);  // would overflow the total: issue 10, item 1
  auto refused = Quote(catalog_, store_, huge);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kValidation);
  EXPECT_EQ(ErrorFields(huge), std::vector<std::string>{"tip.amount"});
  EXPECT_EQ(refused.error().fields[0].message, "must be at most 200.00 USD");

  auto beyond_share = Request({Pizza("cheese", "medium")});  // 11.99 … a 20.00 tip is more than the subtotal
  beyond_share.tip = Usd(2000);
  EXPECT_EQ(ErrorFields(beyond_share), std::vector<std::string>{"tip.amount"});
  auto fair = Request({Pizza("cheese", "medium")});
  fair.tip = Usd(300);
  EXPECT_EQ(QuoteOk(fair).tip, Usd(300));

  catalog_.limits.max_tip_bp = 50'000;  // a market that allows five times the subtotal
  EXPECT_EQ(QuoteOk(beyond_share).tip, Usd(2000));
}

TEST_F(PriceQuoteTest, LinesQuantitiesAndTheTotalAreBoundedPerMarket) {
  catalog_.limits.max_quantity = 20;
  EXPECT_EQ(ErrorFields(Request({Pizza("cheese", "medium", {}, 2), Pizza("cheese", "medium", {}, 21)})),
            std::vector<std::string>{"items[1].quantity"});
  catalog_.limits.max_lines = 2;
  EXPECT_EQ(ErrorFields(Request({Pizza("cheese", "medium"), Pizza("cheese", "medium"), Pizza("cheese", "medium")})), std::vector<std::string>{"items"});
  catalog_.limits.max_total = 5000;  // 50.00: five cheese pizzas (59.95 + tax) are too much
  auto big = Quote(catalog_, store_, Request({Pizza("cheese", "medium", {}, 5)}));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().fields.at(0).field, "total");
  EXPECT_NE(big.error().fields.at(0).message.find("more than one order may total here (50.00 USD)"), std::string::npos)
      << big.error().fields.at(0).message;
  EXPECT_TRUE(Quote(catalog_, store_, Request({Pizza("cheese", "medium", {}, 3)})));
}

// --- Toppings: halves, amounts, defaults ---------------------------------------------------------

TEST_F(PriceQuoteTest, HalfAndHalfToppingsChargeHalfEachRoundedHalfUp) {
  // Medium cheese 11.99; pepperoni 1.75 → half 0.875 → 0.88; mushrooms 1.50 → half 0.75.
  auto q = QuoteOk(Request({Pizza(
      "cheese", "medium", {Top("pepperoni", Portion::kLeft), Top("mushrooms", Portion::kRight)})}));
  ASSERT_EQ(q.lines.size(), 1u);
  const auto& item = q.lines[0].items.at(0);
  ASSERT_EQ(item.toppings.size(), 2u);
  EXPECT_EQ(item.toppings[0].charge, Usd(88));
  EXPECT_EQ(item.toppings[1].charge, Usd(75));
  EXPECT_EQ(q.lines[0].base, Usd(1199));
  EXPECT_EQ(q.lines[0].unit_price, Usd(1199 + 88 + 75));
  EXPECT_EQ(q.subtotal, Usd(1362));
}

TEST_F(PriceQuoteTest, TwoHalvesOfTheSameToppingMayCostOneCentMoreThanTheWhole) {
  auto halves = QuoteOk(Request({Pizza(
      "cheese", "medium", {Top("pepperoni", Portion::kLeft), Top("pepperoni", Portion::kRight)})}));
  auto whole = QuoteOk(Request({Pizza("cheese", "medium", {Top("pepperoni")})}));
  EXPECT_EQ(halves.lines[0].toppings, Usd(176));
  EXPECT_EQ(whole.lines[0].toppings, Usd(175));
}

TEST_F(PriceQuoteTest, ExtraUsesTheMultiplierAndLightIsPricedAsNormal) {
  auto q = QuoteOk(Request({Pizza("cheese", "medium",
                                  {Top("pepperoni", Portion::kWhole, ToppingAmount::kExtra),
                                   Top("mushrooms", Portion::kWhole, ToppingAmount::kLight),
                                   Top("onions", Portion::kLeft, ToppingAmount::kExtra)})}));
  const auto& t = q.lines[0].items[0].toppings;
  EXPECT_EQ(t[0].charge, Usd(263));  // 1.75 × 1.5 = 2.625 → 2.63
  EXPECT_EQ(t[1].charge, Usd(150));  // light = normal
  EXPECT_EQ(t[2].charge, Usd(113));  // 1.50 × 1.5 / 2 = 1.125 → 1.13 (one rounding)
}

TEST_F(PriceQuoteTest, ToppingExtraMultiplierOverridesTheCatalogDefault) {
  for (auto& t : catalog_.toppings) {
    if (t.id == "extra_cheese") t.extra_multiplier_bp = 20'000;
  }
  catalog_.BuildIndex();
  auto q = QuoteOk(Request(
      {Pizza("cheese", "large", {Top("extra_cheese", Portion::kWhole, ToppingAmount::kExtra)})}));
  EXPECT_EQ(q.lines[0].toppings, Usd(400));
}

TEST_F(PriceQuoteTest, RemovingADefaultToppingRefundsNothing) {
  auto line = Pizza("pepperoni_pizza", "medium");
  line.item.removed_toppings = {"pepperoni"};
  auto q = QuoteOk(Request({line}));
  EXPECT_EQ(q.lines[0].unit_price, Usd(1299));
}

TEST_F(PriceQuoteTest, AddingADefaultToppingAtNormalIsFreeAndExtraChargesTheIncrement) {
  auto normal = QuoteOk(Request({Pizza("pepperoni_pizza", "medium", {Top("pepperoni")})}));
  EXPECT_EQ(normal.lines[0].unit_price, Usd(1299));
  EXPECT_TRUE(normal.lines[0].items[0].toppings[0].is_default);
  auto extra = QuoteOk(Request({Pizza(
      "pepperoni_pizza", "medium", {Top("pepperoni", Portion::kWhole, ToppingAmount::kExtra)})}));
  EXPECT_EQ(extra.lines[0].unit_price, Usd(1299 + 263 - 175));
}

TEST_F(PriceQuoteTest, RemovingSomethingThatIsNotADefaultIsRejected) {
  auto line = Pizza("cheese", "medium");
  line.item.removed_toppings = {"pepperoni"};
  EXPECT_THAT(ErrorFields(Request({line})), ::testing::ElementsAre("items[0].removed_toppings[0]"));
}

TEST_F(PriceQuoteTest, HalfToppingsOnlyOnPizzas) {
  auto line = Simple("breadsticks");
  line.item.toppings = {Top("ranch", Portion::kLeft)};
  EXPECT_THAT(ErrorFields(Request({line})), ::testing::ElementsAre("items[0].toppings[0].portion"));
}

TEST_F(PriceQuoteTest, TheSameToppingTwiceOnTheSameHalfIsRejected) {
  EXPECT_THAT(ErrorFields(Request({Pizza("cheese", "medium",
                                         {Top("pepperoni"), Top("pepperoni", Portion::kLeft)})})),
              ::testing::ElementsAre("items[0].toppings[1].topping_id"));
}

// --- Crusts, sizes, store overrides
// ---------------------------------------------------------------

TEST_F(PriceQuoteTest, CrustUpchargeDependsOnSize) {
  auto q = QuoteOk(
      Request({Pizza("cheese", "medium", {}, 1, "pan"), Pizza("cheese", "large", {}, 1, "pan"),
               Pizza("cheese", "large", {}, 1, "stuffed")}));
  EXPECT_EQ(q.lines[0].crust, Usd(150));
  EXPECT_EQ(q.lines[1].crust, Usd(200));
  EXPECT_EQ(q.lines[2].crust, Usd(300));
  EXPECT_EQ(q.lines[2].unit_price, Usd(1699));
}

TEST_F(PriceQuoteTest, CrustNotOfferedInASizeIsRejectedWithTheField) {
  EXPECT_THAT(
      ErrorFields(Request({Pizza("cheese", "large"), Pizza("cheese", "small", {}, 1, "pan")})),
      ::testing::ElementsAre("items[1].crust_id"));
}

TEST_F(PriceQuoteTest, StorePriceOverridesReplaceCatalogPrices) {
  store_.product_prices["cheese"]["medium"] = 1099;
  store_.topping_prices["pepperoni"]["medium"] = 200;
  auto q = QuoteOk(Request(
      {Pizza("cheese", "medium", {Top("pepperoni", Portion::kLeft)}), Pizza("cheese", "large")}));
  EXPECT_EQ(q.lines[0].base, Usd(1099));
  EXPECT_EQ(q.lines[0].toppings, Usd(100));
  EXPECT_EQ(q.lines[1].base, Usd(1399));  // no override for large
}

TEST_F(PriceQuoteTest, QuantityMultipliesTheUnitPrice) {
  auto q = QuoteOk(Request({Pizza("cheese", "medium", {Top("pepperoni", Portion::kLeft)}, 3)}));
  EXPECT_EQ(q.lines[0].unit_price, Usd(1287));
  EXPECT_EQ(q.lines[0].line_total, Usd(3861));
}

// --- Problems with lines ------------------------------------------------------------------------

TEST_F(PriceQuoteTest, EveryProblemOfEveryLineIsNamed) {
  auto bad_qty = Pizza("cheese", "medium");
  bad_qty.quantity = 0;
  auto fields = ErrorFields(
      Request({Pizza("calzone", "medium"), Pizza("cheese", "huge"),
               Pizza("cheese", "medium", {Top("pepperoni"), Top("anchovies")}), bad_qty}));
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("items[0].product_id", "items[1].size_id",
                                                      "items[2].toppings[1].topping_id",
                                                      "items[3].quantity"));
}

TEST_F(PriceQuoteTest, EightySixedItemsAreRejectedWithTheirField) {
  store_.unavailable["mushrooms"] = {"ran out", std::nullopt};
  store_.unavailable["cola"] = {"supplier", std::nullopt};
  auto fields = ErrorFields(
      Request({Pizza("cheese", "medium",
                     {Top("pepperoni", Portion::kLeft), Top("mushrooms", Portion::kRight)}),
               Simple("cola")}));
  EXPECT_THAT(fields,
              ::testing::ElementsAre("items[0].toppings[1].topping_id", "items[1].product_id"));
}

TEST_F(PriceQuoteTest, An86WithAPastUntilTimeNoLongerApplies) {
  auto request = Request({Simple("cola")});
  store_.unavailable["cola"] = {"supplier", request.now - std::chrono::minutes(1)};
  QuoteOk(request);
  store_.unavailable["cola"].until = request.now + std::chrono::minutes(1);
  EXPECT_THAT(ErrorFields(request), ::testing::ElementsAre("items[0].product_id"));
}

TEST_F(PriceQuoteTest, ModifierGroupMinimumAndMaximumAreEnforced) {
  auto no_sauce = Pizza("cheese", "medium");
  no_sauce.item.removed_toppings = {"tomato_sauce"};                // sauce: min 1
  auto two_sauces = Pizza("cheese", "medium", {Top("bbq_sauce")});  // sauce: max 1
  auto swapped = Pizza("cheese", "medium", {Top("bbq_sauce")});
  swapped.item.removed_toppings = {"tomato_sauce"};
  EXPECT_THAT(ErrorFields(Request({no_sauce, two_sauces, swapped})),
              ::testing::ElementsAre("items[0].toppings", "items[1].toppings"));

  auto five = Pizza("cheese", "medium",
                    {Top("pepperoni"), Top("mushrooms"), Top("onions"), Top("extra_cheese"),
                     Top("sausage", Portion::kLeft), Top("sausage", Portion::kRight)});
  QuoteOk(Request({five}));  // toppings: max 5; sausage on both halves is one selection
  five.item.toppings.push_back(Top("bbq_sauce"));
  five.item.removed_toppings = {"tomato_sauce"};
  QuoteOk(Request({five}));  // the sauce is another group
}

TEST_F(PriceQuoteTest, ToppingMaximumCountsDefaultsStillOnThePizza) {
  // Veggie has mushrooms and onions by default: 3 more make 5, 4 more make 6 > 5.
  auto line = Pizza("veggie", "medium", {Top("pepperoni"), Top("extra_cheese"), Top("sausage")});
  QuoteOk(Request({line}));
  line.item.toppings.push_back(Top("mushrooms"));  // a default named again is not another selection
  QuoteOk(Request({line}));
  auto six = Pizza("veggie", "medium",
                   {Top("pepperoni"), Top("extra_cheese"), Top("sausage"), Top("mushrooms")});
  six.item.removed_toppings = {"mushrooms"};  // removed, then added back: still 5
  QuoteOk(Request({six}));
  auto over = Pizza("veggie", "medium", {Top("pepperoni"), Top("extra_cheese"), Top("sausage")});
  over.item.toppings.push_back(Top("pepperoni", Portion::kLeft));  // duplicate
  EXPECT_THAT(ErrorFields(Request({over})),
              ::testing::ElementsAre("items[0].toppings[3].topping_id"));
  catalog_.modifier_groups[1].max_selections = 4;
  catalog_.BuildIndex();
  EXPECT_THAT(ErrorFields(Request({line})), ::testing::ElementsAre("items[0].toppings"));
  line.item.removed_toppings = {"onions"};
  QuoteOk(Request({line}));
}

TEST_F(PriceQuoteTest, DaypartClosedProductsAreRejected) {
  auto lunch = Request({Simple("lunch_slice")});
  lunch.local_time = {2, 12 * 60};  // Tuesday noon
  QuoteOk(lunch);
  lunch.local_time = {2, 14 * 60};  // the window ends at 14:00
  EXPECT_THAT(ErrorFields(lunch), ::testing::ElementsAre("items[0].product_id"));
  lunch.local_time = {0, 12 * 60};  // Sunday
  EXPECT_THAT(ErrorFields(lunch), ::testing::ElementsAre("items[0].product_id"));
}

TEST_F(PriceQuoteTest, MissingTaxRateIsAnError) {
  store_.tax_rates.erase("soft_drink");
  EXPECT_THAT(ErrorFields(Request({Simple("cola")})), ::testing::ElementsAre("items[0]"));
}

// --- Deals
// ----------------------------------------------------------------------------------------

CartLine TwoMediumDeal(std::vector<DealItemChoice> items) {
  CartLine line;
  line.deal_id = "two_medium";
  line.deal_items = std::move(items);
  return line;
}

TEST_F(PriceQuoteTest, DealWithAHalfAndHalfPizzaAndAPremiumUpcharge) {
  // Pizza 1: cheese, pepperoni left + mushrooms right = one topping (two halves) included, pan
  // +1.50. Pizza 2: veggie (+2.00 premium), pepperoni included, extra cheese charged 1.50.
  auto line = TwoMediumDeal({
      {0, ItemSelection{"cheese",
                        "medium",
                        "pan",
                        {Top("pepperoni", Portion::kLeft), Top("mushrooms", Portion::kRight)},
                        {}}},
      {0, ItemSelection{"veggie", "medium", "", {Top("pepperoni"), Top("extra_cheese")}, {}}},
      {1, ItemSelection{"breadsticks", "regular", "", {}, {}}},
  });
  auto q = QuoteOk(Request({line}));
  const auto& l = q.lines.at(0);
  EXPECT_EQ(l.deal_id, "two_medium");
  EXPECT_EQ(l.base, Usd(1999));
  EXPECT_EQ(l.crust, Usd(150));
  EXPECT_EQ(l.upcharges, Usd(200));
  EXPECT_EQ(l.toppings, Usd(150));
  EXPECT_EQ(l.unit_price, Usd(1999 + 150 + 200 + 150));
  ASSERT_EQ(l.items.size(), 3u);
  EXPECT_TRUE(l.items[0].toppings[0].included);
  EXPECT_TRUE(l.items[0].toppings[1].included);
  EXPECT_EQ(l.items[0].toppings[0].charge, Usd(0));
  EXPECT_FALSE(l.items[1].toppings[1].included);
  EXPECT_EQ(l.items[1].base, Usd(0));
}

TEST_F(PriceQuoteTest, DealSlotsRejectWrongProductsSizesAndCounts) {
  auto line = TwoMediumDeal({
      {0, ItemSelection{"cheese", "large", "", {}, {}}},
      {0, ItemSelection{"cola", "regular", "", {}, {}}},
      {2, ItemSelection{"breadsticks", "regular", "", {}, {}}},
  });
  EXPECT_THAT(
      ErrorFields(Request({line})),
      ::testing::UnorderedElementsAre(
          "items[0].deal_items[0].size_id", "items[0].deal_items[1].product_id",
          "items[0].deal_items[1].size_id", "items[0].deal_items[2].slot", "items[0].deal_items"));
}

// --- Promotions
// -----------------------------------------------------------------------------------

TEST_F(PriceQuoteTest, PercentOffIsRoundedHalfUpAndSpreadOverLinesExactly) {
  NoTax();
  auto r = Request(
      {Pizza("cheese", "medium"), Pizza("pepperoni_pizza", "large")});  // 11.99 + 14.99 = 26.98
  r.coupon_code = "pizza20";  // codes are case-insensitive
  auto q = QuoteOk(r);
  EXPECT_FALSE(q.rejected_coupon.has_value());
  ASSERT_EQ(q.discounts.size(), 1u);
  EXPECT_EQ(q.discounts[0].promotion_id, "p_pizza20");
  EXPECT_EQ(q.discount_total, Usd(540));     // 5.396 → 5.40
  EXPECT_EQ(q.lines[0].discount, Usd(240));  // 239.97 → floor 239 + the leftover cent
  EXPECT_EQ(q.lines[1].discount, Usd(300));
  EXPECT_EQ(q.total, Usd(2698 - 540));
}

TEST_F(PriceQuoteTest, AmountOffIsCappedAtTheCartSoTheTotalIsNeverNegative) {
  auto r = Request({Simple("cola")});
  r.coupon_code = "FIVEOFF";
  auto q = QuoteOk(r);
  EXPECT_EQ(q.discount_total, Usd(199));
  EXPECT_EQ(q.tax_total, Usd(0));
  EXPECT_EQ(q.total, Usd(0));
}

TEST_F(PriceQuoteTest, FixedBundlePriceDiscountsTheMatchedItems) {
  NoTax();
  auto r = Request(
      {Pizza("cheese", "large"), Pizza("pepperoni_pizza", "large"), Pizza("cheese", "medium")});
  r.coupon_code = "TWOLARGE";
  auto q = QuoteOk(r);
  EXPECT_EQ(q.discount_total, Usd(1399 + 1499 - 2200));
  EXPECT_EQ(q.lines[2].discount, Usd(0));
  EXPECT_EQ(q.lines[0].discount + q.lines[1].discount, Usd(698));
}

TEST_F(PriceQuoteTest, BuyOneGetOneMakesTheCheaperPizzaFree) {
  NoTax();
  auto r = Request({Pizza("pepperoni_pizza", "large"), Pizza("cheese", "medium"), Simple("cola")});
  r.coupon_code = "BOGO";
  auto q = QuoteOk(r);
  EXPECT_EQ(q.discount_total, Usd(1199));
  EXPECT_EQ(q.lines[1].discount, Usd(1199));
  EXPECT_EQ(q.lines[2].discount, Usd(0));
}

TEST_F(PriceQuoteTest, BuyOneGetOneCountsUnitsWithinOneLine) {
  NoTax();
  auto r = Request({Pizza("cheese", "medium", {}, 3)});
  r.coupon_code = "BOGO";
  auto q = QuoteOk(r);
  EXPECT_EQ(q.discount_total, Usd(1199));  // 3 units: one pair
}

TEST_F(PriceQuoteTest, FreeDeliveryZeroesTheFee) {
  auto r = Request({Pizza("cheese", "medium")});
  r.delivery_fee = Usd(399);
  r.tip = Usd(200);
  r.coupon_code = "FREEDEL";
  auto q = QuoteOk(r);
  EXPECT_EQ(q.delivery_fee_before_discount, Usd(399));
  EXPECT_EQ(q.delivery_fee, Usd(0));
  ASSERT_EQ(q.discounts.size(), 1u);
  EXPECT_EQ(q.discounts[0].target, DiscountTarget::kDelivery);
  EXPECT_EQ(q.discounts[0].amount, Usd(399));
  EXPECT_EQ(q.discount_total, Usd(0));
  EXPECT_EQ(q.total, Usd(1199 + 106 + 200));
}

TEST_F(PriceQuoteTest, FreeDeliveryOnACarryOutOrderIsExplained) {
  auto r = Request({Pizza("cheese", "medium")});
  r.coupon_code = "FREEDEL";
  auto q = QuoteOk(r);
  ASSERT_TRUE(q.rejected_coupon.has_value());
  EXPECT_EQ(q.rejected_coupon->code, "no_eligible_items");
}

TEST_F(PriceQuoteTest, MinimumSubtotalNotMetSaysHowMuchMore) {
  auto r = Request({Pizza("cheese", "medium"), Pizza("cheese", "small")});  // 11.99 + 8.99 = 20.98
  r.items.push_back(Simple("cola"));                                        // + 1.99 = 22.97
  r.coupon_code = "PIZZA20";
  auto q = QuoteOk(r);
  ASSERT_TRUE(q.rejected_coupon.has_value());
  EXPECT_EQ(*q.rejected_coupon,
            (CouponRejection{"minimum_not_met", "Spend 2.03 USD more to use PIZZA20"}));
  EXPECT_TRUE(q.discounts.empty());
  EXPECT_EQ(q.total, q.subtotal + q.tax_total);
}

TEST_F(PriceQuoteTest, UnknownCouponIsExplainedNotAnError) {
  auto r = Request({Pizza("cheese", "medium")});
  r.coupon_code = "NOPE";
  auto q = QuoteOk(r);
  ASSERT_TRUE(q.rejected_coupon.has_value());
  EXPECT_EQ(q.rejected_coupon->code, "unknown_code");
}

TEST_F(PriceQuoteTest, CouponFromTheWrongChannelIsRejected) {
  auto r = Request({Pizza("cheese", "large"), Pizza("cheese", "large")});
  r.coupon_code = "PIZZA20";
  r.channel = Channel::kPos;
  auto q = QuoteOk(r);
  ASSERT_TRUE(q.rejected_coupon.has_value());
  EXPECT_EQ(q.rejected_coupon->code, "wrong_channel");
  EXPECT_EQ(q.rejected_coupon->message, "PIZZA20 cannot be used on pos");
  r.channel = Channel::kKiosk;
  EXPECT_FALSE(QuoteOk(r).rejected_coupon.has_value());
}

TEST_F(PriceQuoteTest, ExpiredAndNotYetValidCouponsAreRejected) {
  auto r = Request({Pizza("cheese", "large"), Pizza("cheese", "large")});
  r.coupon_code = "PIZZA20";
  catalog_.promotions[0].valid_until = r.now;  // exclusive end
  EXPECT_EQ(QuoteOk(r).rejected_coupon->code, "expired");
  catalog_.promotions[0].valid_until = r.now + std::chrono::seconds(1);
  EXPECT_FALSE(QuoteOk(r).rejected_coupon.has_value());
  catalog_.promotions[0].valid_from = r.now + std::chrono::hours(1);
  EXPECT_EQ(QuoteOk(r).rejected_coupon->code, "not_yet_valid");
}

TEST_F(PriceQuoteTest, CouponOnTheWrongDayOrHourIsRejected) {
  auto r = Request({Pizza("cheese", "large"), Pizza("cheese", "large")});  // Tuesday 18:30
  r.coupon_code = "PIZZA20";
  catalog_.promotions[0].local_hours.windows = {{1, 0, 1440}};  // Mondays only
  EXPECT_EQ(QuoteOk(r).rejected_coupon->code, "wrong_day");
  catalog_.promotions[0].local_hours.windows = {{2, 11 * 60, 14 * 60}};  // Tuesday lunch
  EXPECT_EQ(QuoteOk(r).rejected_coupon->code, "wrong_time");
  catalog_.promotions[0].local_hours.windows = {{2, 17 * 60, 21 * 60}};
  EXPECT_FALSE(QuoteOk(r).rejected_coupon.has_value());
}

TEST_F(PriceQuoteTest, UseLimitsPerCustomerAndGlobal) {
  auto r = Request({Pizza("cheese", "large"), Pizza("cheese", "large")});
  r.coupon_code = "PIZZA20";
  catalog_.promotions[0].max_uses_per_customer = 1;
  catalog_.promotions[0].max_uses_total = 100;
  r.usage["p_pizza20"] = {0, 99};
  EXPECT_FALSE(QuoteOk(r).rejected_coupon.has_value());
  r.usage["p_pizza20"] = {1, 5};
  EXPECT_EQ(QuoteOk(r).rejected_coupon->code, "customer_limit_reached");
  r.usage["p_pizza20"] = {0, 100};
  EXPECT_EQ(QuoteOk(r).rejected_coupon->code, "usage_limit_reached");
}

TEST_F(PriceQuoteTest, StackablePromotionsCombine) {
  NoTax();
  Promotion auto10{.id = "auto10", .code = "", .name = testing::Tx("10% off pizzas")};
  auto10.kind = PromotionKind::kPercentOff;
  auto10.percent_off = 10'000;
  auto10.category_ids = {"pizzas"};
  auto10.stackable = true;
  catalog_.promotions.push_back(auto10);
  catalog_.BuildIndex();
  auto r = Request({Pizza("cheese", "large"), Simple("cola")});  // 13.99 + 1.99
  r.coupon_code = "FIVEOFF";
  auto q = QuoteOk(r);
  EXPECT_FALSE(q.rejected_coupon.has_value());
  ASSERT_EQ(q.discounts.size(), 2u);
  EXPECT_EQ(q.discounts[0].promotion_id, "auto10");  // percent before amount
  EXPECT_EQ(q.discounts[0].amount, Usd(140));        // 1.399 → 1.40
  EXPECT_EQ(q.discounts[1].amount, Usd(500));
  EXPECT_EQ(q.discount_total, Usd(640));
}

TEST_F(PriceQuoteTest, AnExclusiveCouponThatSavesLessThanTheAutomaticDealIsNotCombinable) {
  NoTax();
  Promotion auto30{.id = "auto30", .code = "", .name = testing::Tx("Tuesday 30%")};
  auto30.kind = PromotionKind::kPercentOff;
  auto30.percent_off = 30'000;
  catalog_.promotions.push_back(auto30);
  catalog_.BuildIndex();
  auto r = Request({Pizza("cheese", "large"), Pizza("cheese", "large")});
  r.coupon_code = "PIZZA20";
  auto q = QuoteOk(r);
  ASSERT_TRUE(q.rejected_coupon.has_value());
  EXPECT_EQ(q.rejected_coupon->code, "not_combinable");
  ASSERT_EQ(q.discounts.size(), 1u);
  EXPECT_EQ(q.discounts[0].promotion_id, "auto30");
  EXPECT_EQ(q.discount_total, Usd(839));  // 27.98 × 0.3 = 8.394

  catalog_.promotions.back().percent_off = 10'000;  // now the coupon saves more and wins alone
  catalog_.BuildIndex();
  q = QuoteOk(r);
  EXPECT_FALSE(q.rejected_coupon.has_value());
  ASSERT_EQ(q.discounts.size(), 1u);
  EXPECT_EQ(q.discounts[0].promotion_id, "p_pizza20");
}

TEST_F(PriceQuoteTest, PromotionsSkipDealLinesUnlessAllowed) {
  NoTax();
  auto deal = TwoMediumDeal({{0, ItemSelection{"cheese", "medium", "", {}, {}}},
                             {0, ItemSelection{"cheese", "medium", "", {}, {}}},
                             {1, ItemSelection{"breadsticks", "regular", "", {}, {}}}});
  auto r = Request({deal, Pizza("cheese", "large"), Pizza("cheese", "large")});
  r.coupon_code = "PIZZA20";
  auto q = QuoteOk(r);
  EXPECT_EQ(q.lines[0].discount, Usd(0));
  EXPECT_EQ(q.discount_total, Usd(560));  // 20 % of 27.98 = 5.596
  catalog_.promotions[0].applies_to_deals = true;
  q = QuoteOk(r);
  EXPECT_EQ(q.discount_total, Usd(959));  // 20 % of 47.97 = 9.594
}

// --- Tax
// ------------------------------------------------------------------------------------------

TEST_F(PriceQuoteTest, UsSalesTaxIsAddedPerLineRoundedHalfUp) {
  // 11.99 × 8.875 % = 1.0641 → 1.06; 10.00 (store price) × 8.875 % = 0.8875 → 0.89.
  store_.product_prices["cheese"]["small"] = 1000;
  auto q = QuoteOk(Request({Pizza("cheese", "medium"), Pizza("cheese", "small")}));
  EXPECT_EQ(q.lines[0].tax, Usd(106));
  EXPECT_EQ(q.lines[1].tax, Usd(89));
  EXPECT_EQ(q.tax_total, Usd(195));
  ASSERT_EQ(q.taxes.size(), 1u);
  EXPECT_EQ(q.taxes[0].rate, 8'875);
  EXPECT_EQ(q.taxes[0].taxable, Usd(2199));
  EXPECT_EQ(q.total, Usd(2199 + 195));
}

TEST_F(PriceQuoteTest, SalesTaxIsComputedAfterDiscounts) {
  auto r = Request({Pizza("cheese", "large"), Pizza("cheese", "large")});  // 27.98
  r.coupon_code = "PIZZA20";  // 5.60 off: 2.80 per line → net 11.19 each
  auto q = QuoteOk(r);
  EXPECT_EQ(q.lines[0].net, Usd(1119));
  EXPECT_EQ(q.lines[0].tax, Usd(99));  // 11.19 × 8.875 % = 0.9931
  EXPECT_EQ(q.total, Usd(2238 + 198));
}

TEST_F(PriceQuoteTest, EuVatIsContainedInTheGrossPriceAndNotAdded) {
  catalog_.currency = "EUR";
  StoreMenuContext de{.currency = testing::Eur()};
  de.locale = "de";
  de.tax_mode = TaxMode::kInclusive;
  de.tax_rates = {{"food", 19'000}, {"soft_drink", 19'000}};
  auto r = Request({Pizza("cheese", "medium"), Simple("cola")});
  auto q = Quote(catalog_, de, r);
  ASSERT_TRUE(q.has_value()) << Describe(q.error());
  // 11.99 × 19 / 119 = 1.9143 → 1.91; 1.99 × 19 / 119 = 0.3177 → 0.32.
  EXPECT_EQ(q->lines[0].tax.amount(), 191);
  EXPECT_EQ(q->lines[1].tax.amount(), 32);
  EXPECT_EQ(q->tax_total.amount(), 223);
  EXPECT_EQ(q->total.amount(), 1199 + 199);
  EXPECT_EQ(q->total.currency().code(), "EUR");
}

TEST_F(PriceQuoteTest, StoreCurrencyMustMatchTheCatalog) {
  StoreMenuContext de{.currency = testing::Eur()};
  de.tax_rates = {{"food", 19'000}};
  auto q = Quote(catalog_, de, Request({Pizza("cheese", "medium")}));
  ASSERT_FALSE(q.has_value());
  EXPECT_THAT(q.error().fields, Contains(Field(&core::FieldError::field, "currency")));
}

TEST_F(PriceQuoteTest, TotalAddsTaxDeliveryAndTip) {
  auto r = Request({Pizza("cheese", "medium")});
  r.delivery_fee = Usd(399);
  r.tip = Usd(250);
  auto q = QuoteOk(r);
  EXPECT_EQ(q.total, Usd(1199 + 106 + 399 + 250));
}

TEST_F(PriceQuoteTest, NegativeTipIsRejected) {
  auto r = Request({Pizza("cheese", "medium")});
  r.tip = Usd(-1);
  EXPECT_THAT(ErrorFields(r), ::testing::ElementsAre("tip"));
}

TEST_F(PriceQuoteTest, LineNamesFollowTheStoreLocale) {
  store_.locale = "es-MX";
  auto q = QuoteOk(Request({Simple("breadsticks")}));
  EXPECT_EQ(q.lines[0].name, "Palitos de pan");
}

// --- Loyalty rewards ----------------------------------------------------------------------------

TEST_F(PriceQuoteTest, ARewardTakesItsAmountOffSpreadOverTheLinesAndIsReported) {
  NoTax();
  auto r = Request({Pizza("cheese", "medium"), Pizza("pepperoni_pizza", "large")});  // 26.98
  r.reward_id = "r_five";
  auto q = QuoteOk(r);
  // 5.00 × 11.99 / 26.98 = 2.222 → 2.22; × 14.99 / 26.98 = 2.778 → 2.77 + the leftover cent.
  EXPECT_EQ(q.lines[0].discount, Usd(222));
  EXPECT_EQ(q.lines[1].discount, Usd(278));
  EXPECT_EQ(q.discount_total, Usd(500));
  EXPECT_EQ(q.total, Usd(2698 - 500));
  ASSERT_EQ(q.discounts.size(), 1u);
  const AppliedDiscount& d = q.discounts[0];
  EXPECT_EQ(d.promotion_id, "r_five");
  EXPECT_EQ(d.kind, PromotionKind::kReward);
  EXPECT_EQ(d.target, DiscountTarget::kItems);
  EXPECT_EQ(d.code, "");
  EXPECT_EQ(d.name, "5.00 off");
  EXPECT_EQ(d.amount, Usd(500));
  ASSERT_EQ(d.lines.size(), 2u);
  EXPECT_EQ(d.lines[0].amount + d.lines[1].amount, Usd(500));
  ASSERT_TRUE(q.reward.has_value());
  EXPECT_EQ(q.reward->reward_id, "r_five");
  EXPECT_EQ(q.reward->points, 500);
  EXPECT_EQ(q.reward->amount, Usd(500));
}

TEST_F(PriceQuoteTest, NoRewardAskedForMeansNoReward) {
  auto q = QuoteOk(Request({Pizza("cheese", "medium")}));
  EXPECT_FALSE(q.reward.has_value());
  EXPECT_TRUE(q.discounts.empty());
}

TEST_F(PriceQuoteTest, ARewardIsCappedAtTheItemsAndLeavesDeliveryAndTipAlone) {
  auto r = Request({Simple("cola")});  // 1.99
  r.reward_id = "r_five";
  r.delivery_fee = Usd(399);
  r.tip = Usd(100);
  auto q = QuoteOk(r);
  EXPECT_EQ(q.discount_total, Usd(199));
  EXPECT_EQ(q.lines[0].net, Usd(0));
  EXPECT_EQ(q.tax_total, Usd(0));
  EXPECT_EQ(q.delivery_fee, Usd(399));
  EXPECT_EQ(q.total, Usd(399 + 100));
  ASSERT_TRUE(q.reward.has_value());
  EXPECT_EQ(q.reward->amount, Usd(199));  // what it took off, not its face value
  EXPECT_EQ(q.reward->points, 500);       // the points are the reward's price all the same
}

TEST_F(PriceQuoteTest, SalesTaxIsOnTheNetAfterTheReward) {
  auto r = Request({Pizza("cheese", "large")});  // 13.99
  r.reward_id = "r_five";
  auto q = QuoteOk(r);
  EXPECT_EQ(q.lines[0].net, Usd(899));
  EXPECT_EQ(q.lines[0].tax, Usd(80));  // 8.99 × 8.875 % = 0.7979
  EXPECT_EQ(q.taxes[0].taxable, Usd(899));
  EXPECT_EQ(q.total, Usd(899 + 80));
}

TEST_F(PriceQuoteTest, VatIsContainedInTheNetAfterTheReward) {
  catalog_.currency = "EUR";
  StoreMenuContext de{.currency = testing::Eur()};
  de.locale = "es";
  de.tax_mode = TaxMode::kInclusive;
  de.tax_rates = {{"food", 19'000}, {"soft_drink", 19'000}};
  auto r = Request({Pizza("cheese", "medium"), Simple("cola")});  // 11.99 + 1.99 = 13.98
  r.reward_id = "r_five";
  auto q = Quote(catalog_, de, r);
  ASSERT_TRUE(q.has_value()) << Describe(q.error());
  // 5.00 × 11.99 / 13.98 = 4.288 → 4.28 + the leftover cent; × 1.99 / 13.98 = 0.711 → 0.71.
  EXPECT_EQ(q->lines[0].discount.amount(), 429);
  EXPECT_EQ(q->lines[1].discount.amount(), 71);
  // VAT in 7.70: 7.70 × 19 / 119 = 1.2294 → 1.23; in 1.28: 0.2044 → 0.20. Not added.
  EXPECT_EQ(q->lines[0].tax.amount(), 123);
  EXPECT_EQ(q->lines[1].tax.amount(), 20);
  EXPECT_EQ(q->total.amount(), 1398 - 500);
  EXPECT_EQ(q->discounts.at(0).name, "5.00 de descuento");
}

TEST_F(PriceQuoteTest, ARewardAppliesAfterACouponOnWhatItLeft) {
  auto r = Request({Pizza("cheese", "large"), Pizza("cheese", "large")});  // 27.98
  r.coupon_code = "PIZZA20";  // 5.60 off: 2.80 per line
  r.reward_id = "r_five";     // then 2.50 per line
  auto q = QuoteOk(r);
  ASSERT_EQ(q.discounts.size(), 2u);
  EXPECT_EQ(q.discounts[0].promotion_id, "p_pizza20");
  EXPECT_EQ(q.discounts[0].amount, Usd(560));
  EXPECT_EQ(q.discounts[1].promotion_id, "r_five");
  EXPECT_EQ(q.discounts[1].amount, Usd(500));
  EXPECT_EQ(q.discount_total, Usd(1060));
  EXPECT_EQ(q.lines[0].discount, Usd(530));
  EXPECT_EQ(q.lines[0].net, Usd(869));
  EXPECT_EQ(q.lines[0].tax, Usd(77));  // 8.69 × 8.875 % = 0.7712
  EXPECT_EQ(q.total, Usd(1738 + 154));
  EXPECT_FALSE(q.rejected_coupon.has_value());
}

TEST_F(PriceQuoteTest, ARewardIsCappedAtWhatAnAmountOffCouponLeft) {
  auto r = Request({Simple("breadsticks")});  // 5.49
  r.coupon_code = "FIVEOFF";                  // 5.00 off → 0.49 left
  r.reward_id = "r_five";
  auto q = QuoteOk(r);
  EXPECT_EQ(q.discount_total, Usd(549));
  ASSERT_TRUE(q.reward.has_value());
  EXPECT_EQ(q.reward->amount, Usd(49));
  EXPECT_EQ(q.total, Usd(0));
}

TEST_F(PriceQuoteTest, AnUnknownRewardIsAFieldError) {
  auto r = Request({Pizza("cheese", "medium")});
  r.reward_id = "r_free_pizza";
  auto q = Quote(catalog_, store_, r);
  ASSERT_FALSE(q.has_value());
  ASSERT_EQ(q.error().fields.size(), 1u);
  EXPECT_EQ(q.error().fields[0].field, "reward_id");
  EXPECT_EQ(q.error().fields[0].message, "unknown reward");
}

TEST_F(PriceQuoteTest, ARewardBelowItsMinimumSaysHowMuchMore) {
  auto r = Request({Pizza("cheese", "medium")});  // 11.99 < 20.00
  r.reward_id = "r_fifteen";
  auto q = Quote(catalog_, store_, r);
  ASSERT_FALSE(q.has_value());
  EXPECT_EQ(q.error().code, core::ErrorCode::kValidation);
  ASSERT_EQ(q.error().fields.size(), 1u);
  EXPECT_EQ(q.error().fields[0].field, "reward_id");
  EXPECT_EQ(q.error().fields[0].message, "Spend 8.01 USD more to redeem 15.00 off");
}

TEST_F(PriceQuoteTest, TheRewardMinimumIsOnTheSubtotalBeforeDiscounts) {
  auto r = Request({Pizza("cheese", "medium"), Pizza("cheese", "medium")});  // 23.98
  r.coupon_code = "FIVEOFF";  // 5.00 off → 18.98, below 20.00: the minimum still counts 23.98
  r.reward_id = "r_fifteen";
  auto q = QuoteOk(r);
  EXPECT_EQ(q.discount_total, Usd(500 + 1500));
  EXPECT_EQ(q.net_subtotal, Usd(2398 - 2000));
}

TEST_F(PriceQuoteTest, ARewardWithNothingLeftToTakeOffIsRefused) {
  store_.product_prices["cola"]["regular"] = 0;
  auto r = Request({Simple("cola")});
  r.reward_id = "r_five";
  EXPECT_THAT(ErrorFields(r), ::testing::ElementsAre("reward_id"));
}

TEST_F(PriceQuoteTest, RewardErrorsComeWithTheLineErrors) {
  auto r = Request({Pizza("calzone", "medium")});
  r.reward_id = "r_nope";
  EXPECT_THAT(ErrorFields(r), ::testing::UnorderedElementsAre("items[0].product_id", "reward_id"));
}

}  // namespace
}  // namespace vetahut::menu
