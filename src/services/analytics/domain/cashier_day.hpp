#pragma once
/// A cashier's day in figures (decision 0034): the counter orders they took and the money those
/// orders moved — cash into and out of the drawer, card captured and refunded. Pure sums; the
/// facts are read by the cashier report.
#include <cstdint>
#include <string_view>

namespace vetahut::analytics {

struct CashierFigures {
  std::int64_t orders = 0;     ///< counter orders taken (cancelled and rejected ones included)
  std::int64_t cancelled = 0;  ///< of which cancelled or rejected (no sale)
  std::int64_t sales = 0;      ///< the totals of the others
  std::int64_t cash_collected = 0;
  std::int64_t cash_refunded = 0;
  std::int64_t card_captured = 0;
  std::int64_t card_refunded = 0;
  /// What the drawer should hold from these orders: cash collected less cash given back.
  std::int64_t cash_expected() const { return cash_collected - cash_refunded; }
  CashierFigures& operator+=(const CashierFigures& o);
};

/// Adds one payment fact (`kind` captured | refunded | … as analytics_payments records it, and
/// the payment `method` card | pay_at_store) of `amount` to the figures. Authorizations, voids,
/// dues and failures move no money and are left out; returns whether it counted.
bool AddPayment(CashierFigures& figures, std::string_view kind, std::string_view method, std::int64_t amount);

}  // namespace vetahut::analytics
