#pragma once
/// The counter's money rules as pure functions: the change due on a cash tender (decision 0033)
/// and what a refund of some units of some lines gives back. Integer minor units throughout.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::order {

/// Cash handed over for `total`: the change to give back. Less than the total is a kValidation
/// on `payment.tendered`; so is more than kMaxTender minor units (no drawer holds that much — a
/// mistyped amount). A big note for a small item is fine: the counter sees the change before
/// placing.
core::Result<std::int64_t> ChangeDue(std::int64_t total, std::int64_t tendered);
inline constexpr std::int64_t kMaxTender = 100'000'000;  // 1,000,000.00 in a two-decimal currency

/// One line as it was sold: what the customer paid for it.
struct SoldLine {
  std::int64_t index = 0;
  std::int64_t quantity = 1;
  std::int64_t line_total = 0;  ///< before discounts
  std::int64_t discount = 0;
  std::int64_t tax = 0;         ///< the line's tax (added on top when the store adds tax)
};

/// Units of a line to give back.
struct RefundUnits {
  std::int64_t index = 0;
  std::int64_t quantity = 0;
};

/// Whether tax was added on top of the prices (else it was contained in them): the order's
/// totals say so — total = subtotal − discounts + tax + fees + tip only when it was added.
bool TaxWasAdded(std::int64_t subtotal, std::int64_t discount_total, std::int64_t tax_total, std::int64_t delivery_fee,
                 std::int64_t tip, std::int64_t total);

/// What a refund of `wanted` units gives back: per line, what was paid for it (net of its
/// discount, plus its tax when tax was added) shared over its units, so that refunding every
/// unit — at once or a few at a time — gives back exactly what the line cost. `refunded_units`
/// are the units of each line refunded before. An empty list, an unknown line, the same line
/// twice, or more units than are left is a kValidation naming `lines[i]…`.
core::Result<std::int64_t> RefundForLines(const std::vector<SoldLine>& sold, bool tax_added,
                                          const std::vector<RefundUnits>& wanted,
                                          const std::map<std::int64_t, std::int64_t>& refunded_units);

}  // namespace vetahut::order
