#include "services/analytics/domain/cashier_day.hpp"

#include <gtest/gtest.h>

namespace vetahut::analytics {
namespace {

TEST(CashierDay, CashExpectedIsCashCollectedLessCashRefunded) {
  CashierFigures f;
  EXPECT_TRUE(AddPayment(f, "captured", "pay_at_store", 2175));
  EXPECT_TRUE(AddPayment(f, "captured", "pay_at_store", 1000));
  EXPECT_TRUE(AddPayment(f, "refunded", "pay_at_store", 1087));
  EXPECT_EQ(f.cash_expected(), 2175 + 1000 - 1087);
  EXPECT_EQ(f.card_captured, 0);
}

TEST(CashierDay, CardMoneyIsKeptApartFromTheDrawer) {
  CashierFigures f;
  EXPECT_TRUE(AddPayment(f, "captured", "card", 3000));
  EXPECT_TRUE(AddPayment(f, "refunded", "card", 500));
  EXPECT_EQ(f.card_captured, 3000);
  EXPECT_EQ(f.card_refunded, 500);
  EXPECT_EQ(f.cash_expected(), 0);
}

TEST(CashierDay, HoldsDuesVoidsAndUnknownMethodsMoveNoMoney) {
  CashierFigures f;
  EXPECT_FALSE(AddPayment(f, "authorized", "card", 3000));
  EXPECT_FALSE(AddPayment(f, "voided", "card", 3000));
  EXPECT_FALSE(AddPayment(f, "due", "pay_at_store", 2175));
  EXPECT_FALSE(AddPayment(f, "captured", "voucher", 100));
  EXPECT_EQ(f.cash_expected(), 0);
  EXPECT_EQ(f.card_captured, 0);
}

TEST(CashierDay, FiguresAddUp) {
  CashierFigures a{2, 1, 1500, 1500, 0, 0, 0};
  CashierFigures b{1, 0, 900, 0, 0, 900, 100};
  a += b;
  EXPECT_EQ(a.orders, 3);
  EXPECT_EQ(a.cancelled, 1);
  EXPECT_EQ(a.sales, 2400);
  EXPECT_EQ(a.card_refunded, 100);
}

}  // namespace
}  // namespace vetahut::analytics
