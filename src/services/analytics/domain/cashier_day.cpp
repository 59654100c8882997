#include "services/analytics/domain/cashier_day.hpp"

namespace vetahut::analytics {

CashierFigures& CashierFigures::operator+=(const CashierFigures& o) {
  orders += o.orders;
  cancelled += o.cancelled;
  sales += o.sales;
  cash_collected += o.cash_collected;
  cash_refunded += o.cash_refunded;
  card_captured += o.card_captured;
  card_refunded += o.card_refunded;
  return *this;
}

bool AddPayment(CashierFigures& f, std::string_view kind, std::string_view method, std::int64_t amount) {
  // Paid at the store is cash in the drawer (the counter takes no other store payment).
  const bool cash = method == "pay_at_store";
  const bool card = method == "card";
  if (!cash && !card) return false;
  if (kind == "captured") {
    (cash ? f.cash_collected : f.card_captured) += amount;
    return true;
  }
  if (kind == "refunded") {
    (cash ? f.cash_refunded : f.card_refunded) += amount;
    return true;
  }
  return false;
}

}  // namespace vetahut::analytics
