#include "services/integration/domain/sales_journal.hpp"

#include <gtest/gtest.h>

namespace vetahut::integration {
namespace {

JournalHeader Day() {
  return {"str_loop", "America/Chicago", "2026-11-25", "2026-11-25T06:00:00.000Z", "2026-11-26T06:00:00.000Z", true, "USD"};
}

/// An exclusive-tax carry-out: 25.00 of food with 2.00 off, 1.50 of drinks, 8.875 % tax, a 3.00 tip.
SaleRecord Sale(std::string id, std::string completed_at, std::string method = "card") {
  SaleRecord s;
  s.order_id = std::move(id);
  s.number = 7;
  s.placed_business_date = "2026-11-25";
  s.order_type = "carryout";
  s.channel = "web";
  s.payment_method = std::move(method);
  s.currency = "USD";
  s.completed_at = std::move(completed_at);
  s.subtotal = 2650;
  s.discount = 200;
  s.taxes = OrderTaxes({{2500, 200, 2300, 204, "food"}, {150, 0, 150, 13, "beverage"}}, 217);
  s.tax = 217;
  s.tip = 300;
  s.total = 2650 - 200 + 217 + 300;
  s.tax_included = TaxIncluded(s.subtotal, s.discount, s.tax, s.delivery_fee, s.tip, s.total);
  return s;
}

TEST(OrderTaxes, GroupsLinesByCategoryAndKeepsTheOrdersTaxWhole) {
  EXPECT_EQ(OrderTaxes({{1000, 0, 1000, 89, "food"}, {500, 100, 400, 36, "food"}, {300, 0, 300, 27, "beverage"}}, 152),
            (std::vector<TaxAmount>{{"beverage", 300, 27}, {"food", 1400, 125}}));
  // Lines recorded before orders carried tax details: net from total less discount, no tax; the
  // order's tax total still shows, unallocated.
  EXPECT_EQ(OrderTaxes({{1000, 100, std::nullopt, std::nullopt, std::nullopt}, {250, std::nullopt, std::nullopt, std::nullopt, std::nullopt}}, 102),
            (std::vector<TaxAmount>{{"unallocated", 0, 102}, {"unclassified", 1150, 0}}));
  EXPECT_TRUE(OrderTaxes({}, 0).empty());
}

TEST(TaxIncluded, TellsVatFromSalesTaxByHowTheTotalAddsUp) {
  EXPECT_FALSE(TaxIncluded(2650, 200, 217, 0, 300, 2967));  // exclusive: tax added
  EXPECT_TRUE(TaxIncluded(2650, 200, 391, 299, 0, 2749));   // inclusive: contained
  EXPECT_FALSE(TaxIncluded(1000, 0, 0, 0, 0, 1000));        // no tax at all
}

TEST(SalesJournal, AddsUpSalesTaxesPaymentsAndRefunds) {
  SaleRecord vat = Sale("ord_b", "2026-11-25T20:00:00.000Z", "pay_at_store");
  vat.subtotal = 2000;
  vat.discount = 0;
  vat.tax = 319;
  vat.delivery_fee = 299;
  vat.tip = 0;
  vat.total = 2299;
  vat.taxes = {{"food", 2000, 319}};
  vat.tax_included = TaxIncluded(vat.subtotal, vat.discount, vat.tax, vat.delivery_fee, vat.tip, vat.total);
  ASSERT_TRUE(vat.tax_included);
  std::vector<RefundRecord> refunds = {{"evt_2", "ord_old", "pay_old", "card", "USD", "2026-11-25T23:00:00.000Z", 500},
                                       {"evt_1", "ord_a", "pay_a", "card", "USD", "2026-11-25T22:00:00.000Z", 1000}};
  auto journal = BuildJournal(Day(), {vat, Sale("ord_a", "2026-11-25T18:30:00.000Z")}, refunds);
  ASSERT_TRUE(journal) << journal.error().detail;
  const auto& t = journal->totals;
  EXPECT_EQ(t.orders, 2);
  EXPECT_EQ(t.gross_sales, 2650 + 2000);
  EXPECT_EQ(t.discounts, 200);
  EXPECT_EQ(t.net_sales, 2450 + 2000);
  EXPECT_EQ(t.tax, 217 + 319);
  EXPECT_EQ(t.sales_excl_tax, 2450 + (2000 - 319));  // the VAT inside the second order comes out
  EXPECT_EQ(t.delivery_fees, 299);
  EXPECT_EQ(t.tips, 300);
  EXPECT_EQ(t.total, 2967 + 2299);
  EXPECT_EQ(t.refund_count, 2);
  EXPECT_EQ(t.refunds, 1500);
  EXPECT_EQ(t.net_total, 2967 + 2299 - 1500);
  // Every total reconciles: what customers paid is sales excluding tax, plus tax, fees and tips.
  EXPECT_EQ(t.total, t.sales_excl_tax + t.tax + t.delivery_fees + t.tips);
  EXPECT_EQ(journal->taxes, (std::vector<TaxAmount>{{"beverage", 150, 13}, {"food", 2300 + 2000, 204 + 319}}));
  std::int64_t category_tax = 0;
  for (const auto& c : journal->taxes) category_tax += c.tax;
  EXPECT_EQ(category_tax, t.tax);
  ASSERT_EQ(journal->payments.size(), 2u);
  EXPECT_EQ(journal->payments[0].method, "card");
  EXPECT_EQ(journal->payments[0].orders, 1);
  EXPECT_EQ(journal->payments[0].collected, 2967);
  EXPECT_EQ(journal->payments[0].refunded, 1500);
  EXPECT_EQ(journal->payments[0].net, 1467);
  EXPECT_EQ(journal->payments[1].method, "pay_at_store");
  EXPECT_EQ(journal->payments[1].collected, 2299);
  // In time order, whatever order the rows came in.
  EXPECT_EQ(journal->sales[0].order_id, "ord_a");
  EXPECT_EQ(journal->refunds[0].event_id, "evt_1");
}

TEST(SalesJournal, TheSameInputsInAnyOrderGiveTheSameJournal) {
  auto a = BuildJournal(Day(), {Sale("ord_1", "2026-11-25T18:00:00.000Z"), Sale("ord_2", "2026-11-25T18:00:00.000Z")}, {});
  auto b = BuildJournal(Day(), {Sale("ord_2", "2026-11-25T18:00:00.000Z"), Sale("ord_1", "2026-11-25T18:00:00.000Z")}, {});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->sales[0].order_id, "ord_1");
  EXPECT_EQ(b->sales[0].order_id, "ord_1");
}

TEST(SalesJournal, AnEmptyDayIsAllZeros) {
  auto journal = BuildJournal(Day(), {}, {});
  ASSERT_TRUE(journal);
  EXPECT_EQ(journal->totals.orders, 0);
  EXPECT_EQ(journal->totals.net_total, 0);
  EXPECT_TRUE(journal->taxes.empty() && journal->payments.empty());
}

TEST(SalesJournal, AnotherCurrencyIsAConflictNamingTheOrder) {
  SaleRecord euro = Sale("ord_eur", "2026-11-25T18:00:00.000Z");
  euro.currency = "EUR";
  auto journal = BuildJournal(Day(), {euro}, {});
  ASSERT_FALSE(journal);
  EXPECT_EQ(journal.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(journal.error().detail, "order ord_eur is in EUR, but store str_loop sells in USD");
}

}  // namespace
}  // namespace vetahut::integration
