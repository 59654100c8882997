#include "services/integration/domain/sales_journal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace vetahut::integration {

std::vector<TaxAmount> OrderTaxes(const std::vector<LineTax>& lines, std::int64_t tax_total) {
  std::map<std::string, TaxAmount> by_category;
  std::int64_t lines_tax = 0;
  for (const auto& line : lines) {
    const std::string category = line.tax_category && !line.tax_category->empty() ? *line.tax_category : kUnclassified;
    auto& t = by_category[category];
    t.category = category;
    t.net += line.net ? *line.net : line.line_total - line.discount.value_or(0);
    t.tax += line.tax.value_or(0);
    lines_tax += line.tax.value_or(0);
  }
  if (lines_tax != tax_total) {
    auto& rest = by_category[kUnallocated];
    rest.category = kUnallocated;
    rest.tax += tax_total - lines_tax;
  }
  std::vector<TaxAmount> out;
  for (auto& [category, amount] : by_category) out.push_back(std::move(amount));
  return out;
}

bool TaxIncluded(std::int64_t subtotal, std::int64_t discount, std::int64_t tax, std::int64_t delivery_fee,
                 std::int64_t tip, std::int64_t total) {
  return tax != 0 && total == subtotal - discount + delivery_fee + tip;
}

core::Result<SalesJournal> BuildJournal(JournalHeader header, std::vector<SaleRecord> sales,
                                        std::vector<RefundRecord> refunds) {
  for (const auto& s : sales) {
    if (s.currency != header.currency) {
      return core::Fail(core::Error::Conflict(fmt::format("order {} is in {}, but store {} sells in {}", s.order_id,
                                                          s.currency, header.store_id, header.currency)));
    }
  }
  for (const auto& r : refunds) {
    if (r.currency != header.currency) {
      return core::Fail(core::Error::Conflict(fmt::format("refund {} of order {} is in {}, but store {} sells in {}",
                                                          r.event_id, r.order_id, r.currency, header.store_id,
                                                          header.currency)));
    }
  }
  std::sort(sales.begin(), sales.end(), [](const SaleRecord& a, const SaleRecord& b) {
    return std::tie(a.completed_at, a.order_id) < std::tie(b.completed_at, b.order_id);
  });
  std::sort(refunds.begin(), refunds.end(), [](const RefundRecord& a, const RefundRecord& b) {
    return std::tie(a.refunded_at, a.event_id) < std::tie(b.refunded_at, b.event_id);
  });

  SalesJournal journal;
  journal.header = std::move(header);
  JournalTotals& t = journal.totals;
  std::map<std::string, TaxAmount> taxes;
  std::map<std::string, PaymentTotal> payments;
  for (const auto& s : sales) {
    t.orders += 1;
    t.gross_sales += s.subtotal;
    t.discounts += s.discount;
    t.net_sales += s.subtotal - s.discount;
    t.tax += s.tax;
    t.sales_excl_tax += s.subtotal - s.discount - (s.tax_included ? s.tax : 0);
    t.delivery_fees += s.delivery_fee;
    t.tips += s.tip;
    t.total += s.total;
    for (const auto& tax : s.taxes) {
      auto& sum = taxes[tax.category];
      sum.category = tax.category;
      sum.net += tax.net;
      sum.tax += tax.tax;
    }
    auto& p = payments[s.payment_method];
    p.method = s.payment_method;
    p.orders += 1;
    p.collected += s.total;
  }
  for (const auto& r : refunds) {
    t.refund_count += 1;
    t.refunds += r.amount;
    auto& p = payments[r.method];
    p.method = r.method;
    p.refund_count += 1;
    p.refunded += r.amount;
  }
  t.net_total = t.total - t.refunds;
  for (auto& [category, amount] : taxes) journal.taxes.push_back(std::move(amount));
  for (auto& [method, p] : payments) {
    p.net = p.collected - p.refunded;
    journal.payments.push_back(std::move(p));
  }
  journal.sales = std::move(sales);
  journal.refunds = std::move(refunds);
  return journal;
}

}  // namespace vetahut::integration
