#include "services/order/domain/counter.hpp"

#include <gtest/gtest.h>

namespace vetahut::order {
namespace {

TEST(ChangeDue, IsTenderedLessTotalInCents) {
  EXPECT_EQ(*ChangeDue(1799, 2000), 201);
  EXPECT_EQ(*ChangeDue(1799, 1799), 0);
  EXPECT_EQ(*ChangeDue(0, 0), 0);
}

TEST(ChangeDue, LessThanTheTotalOrAnAbsurdTenderIsRefusedNamingTheField) {
  auto short_by_a_cent = ChangeDue(1799, 1798);
  ASSERT_FALSE(short_by_a_cent);
  EXPECT_EQ(short_by_a_cent.error().fields.at(0).field, "payment.tendered");
  auto typo = ChangeDue(1799, kMaxTender + 1);
  ASSERT_FALSE(typo);
  EXPECT_EQ(typo.error().fields.at(0).field, "payment.tendered");
  EXPECT_EQ(*ChangeDue(50, 10000), 9950);  // a $100 note for a 50-cent item is change, not a typo
}

TEST(TaxWasAdded, ReadsTheTotals) {
  EXPECT_TRUE(TaxWasAdded(2000, 200, 160, 300, 100, 2360));   // exclusive: tax on top
  EXPECT_FALSE(TaxWasAdded(2000, 200, 160, 300, 100, 2200));  // inclusive: contained in the prices
  EXPECT_FALSE(TaxWasAdded(2000, 0, 0, 0, 0, 2000));          // no tax at all
}

const std::vector<SoldLine> kSold = {
    {0, 3, 3000, 300, 240},  // three pizzas, 10% off, tax 240
    {1, 1, 299, 0, 24},      // one drink
};

TEST(RefundForLines, AWholeLineGivesBackWhatItCostWithAddedTax) {
  EXPECT_EQ(*RefundForLines(kSold, true, {{1, 1}}, {}), 323);
  EXPECT_EQ(*RefundForLines(kSold, false, {{1, 1}}, {}), 299);  // tax was inside the price
  EXPECT_EQ(*RefundForLines(kSold, true, {{0, 3}, {1, 1}}, {}), 2940 + 323);
}

TEST(RefundForLines, UnitsRefundedOneByOneAddUpToTheLineExactly) {
  std::map<std::int64_t, std::int64_t> before;
  std::int64_t sum = 0;
  for (int i = 0; i < 3; ++i) {
    auto one = RefundForLines(kSold, true, {{0, 1}}, before);
    ASSERT_TRUE(one) << i;
    sum += *one;
    before[0] += 1;
  }
  EXPECT_EQ(sum, 3000 - 300 + 240);
  auto more = RefundForLines(kSold, true, {{0, 1}}, before);
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().fields.at(0).field, "lines[0].quantity");
}

TEST(RefundForLines, UnknownDuplicateEmptyAndTooManyAreRefusedNamingTheLine) {
  auto unknown = RefundForLines(kSold, true, {{1, 1}, {7, 1}}, {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().fields.at(0).field, "lines[1].index");
  auto twice = RefundForLines(kSold, true, {{1, 1}, {1, 1}}, {});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().fields.at(0).field, "lines[1].index");
  EXPECT_EQ(RefundForLines(kSold, true, {}, {}).error().fields.at(0).field, "lines");
  EXPECT_EQ(RefundForLines(kSold, true, {{0, 4}}, {}).error().fields.at(0).field, "lines[0].quantity");
  EXPECT_EQ(RefundForLines(kSold, true, {{0, 0}}, {}).error().fields.at(0).field, "lines[0].quantity");
  EXPECT_EQ(RefundForLines(kSold, true, {{0, -2}}, {}).error().fields.at(0).field, "lines[0].quantity");
}

}  // namespace
}  // namespace vetahut::order
