#include "services/order/domain/counter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace vetahut::order {

core::Result<std::int64_t> ChangeDue(std::int64_t total, std::int64_t tendered) {
  if (tendered < total) {
    return core::Fail(core::Error::Validation(
        {{"payment.tendered", fmt::format("is less than the total ({} < {} minor units)", tendered, total)}}));
  }
  if (tendered > kMaxTender) {
    return core::Fail(core::Error::Validation(
        {{"payment.tendered", fmt::format("is more than any drawer takes ({} minor units): check the amount", kMaxTender)}}));
  }
  return tendered - total;
}

bool TaxWasAdded(std::int64_t subtotal, std::int64_t discount_total, std::int64_t tax_total, std::int64_t delivery_fee,
                 std::int64_t tip, std::int64_t total) {
  return tax_total > 0 && subtotal - discount_total + tax_total + delivery_fee + tip == total;
}

core::Result<std::int64_t> RefundForLines(const std::vector<SoldLine>& sold, bool tax_added,
                                          const std::vector<RefundUnits>& wanted,
                                          const std::map<std::int64_t, std::int64_t>& refunded_units) {
  core::FieldErrors errors;
  if (wanted.empty()) errors.Add("lines", "name at least one line to refund");
  std::set<std::int64_t> seen;
  std::int64_t amount = 0;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const auto& w = wanted[i];
    const std::string field = fmt::format("lines[{}]", i);
    auto line = std::find_if(sold.begin(), sold.end(), [&](const SoldLine& l) { return l.index == w.index; });
    if (line == sold.end()) {
      errors.Add(field + ".index", fmt::format("the order has no line {}", w.index));
      continue;
    }
    if (!seen.insert(w.index).second) {
      errors.Add(field + ".index", fmt::format("line {} is named twice", w.index));
      continue;
    }
    auto before_it = refunded_units.find(w.index);
    const std::int64_t before = before_it == refunded_units.end() ? 0 : before_it->second;
    const std::int64_t left = line->quantity - before;
    if (w.quantity < 1 || w.quantity > left) {
      errors.Add(field + ".quantity", left == 0 ? "every unit of this line was refunded already"
                                                : fmt::format("must be between 1 and {} (the units not refunded yet)", left));
      continue;
    }
    const std::int64_t paid = line->line_total - line->discount + (tax_added ? line->tax : 0);
    // Cumulative shares: the units refunded so far and now, less those before, so that the
    // pieces of a line always add up to what it cost (no cent lost or made by rounding).
    amount += paid * (before + w.quantity) / line->quantity - paid * before / line->quantity;
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return amount;
}

}  // namespace vetahut::order
