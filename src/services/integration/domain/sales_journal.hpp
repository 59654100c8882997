#pragma once
/// The daily sales journal of one store (decision 0027): which sales and refunds a business day
/// holds and how they add up. Pure arithmetic on integer minor units of one currency; rendering
/// as CSV and JSON is journal_format.hpp's.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::integration {

/// Net and tax of one tax category (in one order, or summed over a day).
struct TaxAmount {
  std::string category;  ///< the menu's tax category ("food", "beverage"); see OrderTaxes for the two made-up ones
  std::int64_t net = 0;  ///< the lines' net after discounts (tax included where the store's prices include it)
  std::int64_t tax = 0;
  bool operator==(const TaxAmount&) const = default;
};

/// One order line as order.confirmed carries it, for OrderTaxes: the newer fields are optional.
struct LineTax {
  std::int64_t line_total = 0;
  std::optional<std::int64_t> discount;
  std::optional<std::int64_t> net;
  std::optional<std::int64_t> tax;
  std::optional<std::string> tax_category;
};

/// Category of lines recorded before orders carried their tax category.
inline constexpr const char* kUnclassified = "unclassified";
/// Category of the part of an order's tax total its lines do not account for.
inline constexpr const char* kUnallocated = "unallocated";

/// An order's net and tax per category, sorted by category: each line's net (line total less its
/// discount when the line lacks `net`) and tax (0 when absent) under its category (kUnclassified
/// when absent); if the lines' taxes do not add up to `tax_total`, the difference goes to
/// kUnallocated with a net of 0, so the categories always sum to the order's tax.
std::vector<TaxAmount> OrderTaxes(const std::vector<LineTax>& lines, std::int64_t tax_total);

/// True when the order's prices include its tax (VAT style): total = subtotal − discounts +
/// delivery fee + tip, with a non-zero tax. Exclusive (US sales tax) orders add the tax on top.
bool TaxIncluded(std::int64_t subtotal, std::int64_t discount, std::int64_t tax, std::int64_t delivery_fee,
                 std::int64_t tip, std::int64_t total);

/// A completed order, as the journal counts it.
struct SaleRecord {
  std::string order_id;
  std::int64_t number = 0;
  std::string placed_business_date;  ///< the order's own business day (its number's day)
  std::string order_type;            ///< delivery | carryout | dine_in
  std::string channel;               ///< web | kiosk | pos
  std::string payment_method;        ///< card | pay_at_store
  std::string currency;
  std::string completed_at;          ///< RFC 3339 UTC
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t tax = 0;
  std::int64_t delivery_fee = 0;
  std::int64_t tip = 0;
  std::int64_t total = 0;
  bool tax_included = false;
  std::vector<TaxAmount> taxes;
};

/// Money given back (payment.refunded), counted on the day it was given back.
struct RefundRecord {
  std::string event_id;  ///< the payment.refunded event: one refund, once
  std::string order_id;
  std::string payment_id;
  std::string method;
  std::string currency;
  std::string refunded_at;  ///< RFC 3339 UTC
  std::int64_t amount = 0;
};

/// Which day of which store.
struct JournalHeader {
  std::string store_id;
  std::string time_zone;      ///< IANA
  std::string business_date;  ///< YYYY-MM-DD in the store's zone
  std::string from;           ///< RFC 3339 UTC: local midnight starting the day
  std::string to;             ///< RFC 3339 UTC: local midnight ending it (exclusive)
  bool closed = false;        ///< the day had ended when the journal was made
  std::string currency;       ///< the store's
};

/// What a day adds up to.
struct JournalTotals {
  std::int64_t orders = 0;
  std::int64_t gross_sales = 0;     ///< Σ subtotals (line totals before discounts)
  std::int64_t discounts = 0;
  std::int64_t net_sales = 0;       ///< gross − discounts
  std::int64_t tax = 0;
  std::int64_t sales_excl_tax = 0;  ///< net sales less the tax contained in tax-inclusive ones
  std::int64_t delivery_fees = 0;
  std::int64_t tips = 0;
  std::int64_t total = 0;           ///< Σ order totals: what customers paid
  std::int64_t refund_count = 0;
  std::int64_t refunds = 0;
  std::int64_t net_total = 0;       ///< total − refunds
};

/// Per payment method.
struct PaymentTotal {
  std::string method;
  std::int64_t orders = 0;
  std::int64_t collected = 0;  ///< Σ totals of its orders
  std::int64_t refund_count = 0;
  std::int64_t refunded = 0;   ///< Σ refunds made with it
  std::int64_t net = 0;        ///< collected − refunded
};

/// The journal: sales by completion time (then order id), refunds by time (then event id),
/// categories and methods by name — the same inputs always give the same journal.
struct SalesJournal {
  JournalHeader header;
  JournalTotals totals;
  std::vector<TaxAmount> taxes;
  std::vector<PaymentTotal> payments;
  std::vector<SaleRecord> sales;
  std::vector<RefundRecord> refunds;
};

/// Adds up a day. kConflict naming the order or refund whose currency is not the store's.
core::Result<SalesJournal> BuildJournal(JournalHeader header, std::vector<SaleRecord> sales,
                                        std::vector<RefundRecord> refunds);

}  // namespace vetahut::integration
