#pragma once
/// The end-of-day summary per cashier (decision 0034): for each cashier (the staff account or POS
/// device that took counter orders) and store, the orders taken and the money they moved in the
/// period — cash collected and refunded (what the drawer should hold), card captured and refunded.
/// GET /api/v1/reports/cashiers; cashiers and POS devices see only their own row, managers their
/// stores', admins every store.
#include <optional>
#include <string>
#include <vector>

#include "services/analytics/domain/cashier_day.hpp"
#include "services/analytics/domain/report_query.hpp"
#include "services/analytics/reports.hpp"

namespace vetahut::http {
class Router;
}

namespace vetahut::analytics {

struct CashierRow {
  std::string cashier_id;
  std::string cashier_name;  ///< "" for a till (a pos device) and orders taken before names were kept
  std::string store_id;
  std::string currency;
  CashierFigures figures;
};

struct CashierReport {
  Period period;
  std::vector<CashierRow> rows;    ///< by store, then cashier
  std::vector<CashierRow> totals;  ///< one per currency (cashier_id and store_id empty)
};

class CashierReports {
 public:
  CashierReports(db::Database& db, int max_days) : db_(db), max_days_(max_days) {}
  /// Counter orders dated by their business day; money dated by the day it moved.
  CashierReport Summary(const ReportQuery& query, const StoreScope& scope, const std::optional<std::string>& cashier_id);
  ReportRules Rules() const { return {{}, max_days_}; }

 private:
  db::Database& db_;
  int max_days_;
};

std::string CashiersJson(const CashierReport& report);
std::string CashiersCsv(const CashierReport& report);

/// GET /api/v1/reports/cashiers (`reports:cashier`).
void RegisterCashierRoutes(http::Router& router, CashierReports& reports);

}  // namespace vetahut::analytics
