#include "services/analytics/cashier_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "lib/auth/caller.hpp"
#include "lib/auth/policy.hpp"
#include "lib/core/money.hpp"
#include "lib/db/database.hpp"
#include "lib/http/router.hpp"
#include "lib/json/write.hpp"
#include "services/analytics/domain/csv.hpp"
#include "services/analytics/domain/stats.hpp"

namespace vetahut::analytics {
namespace {

namespace json = boost::json;
using core::Error;
using core::Fail;
using http::Request;
using http::Response;
using Reply = core::Result<Response>;

/// The WHERE clause of the summary: the period on `date_column`, the stores, the cashier.
struct CashierFilter {
  std::string sql;
  std::vector<db::Value> params;
  std::string Next(db::Value v) {
    params.push_back(std::move(v));
    return fmt::format("${}", params.size());
  }
};

CashierFilter FilterOf(std::string_view date_column, std::string_view store_column, const Period& period,
                       const StoreScope& scope, const std::optional<std::string>& cashier_id) {
  CashierFilter f;
  const auto from = f.Next(FormatDate(period.from));
  const auto to = f.Next(FormatDate(period.to));
  f.sql = fmt::format("o.cashier_id IS NOT NULL AND {} BETWEEN {} AND {}", date_column, from, to);
  if (!scope.all) {
    std::string list;
    for (const auto& store : scope.stores) list += (list.empty() ? "" : ", ") + f.Next(store);
    f.sql += list.empty() ? " AND 1 = 0" : fmt::format(" AND {} IN ({})", store_column, list);
  }
  if (cashier_id) f.sql += " AND o.cashier_id = " + f.Next(*cashier_id);
  return f;
}

int Exponent(const std::string& currency) {
  auto c = core::Currency::Find(currency);
  return c ? c->exponent() : 2;
}

json::object Money(std::int64_t amount, const std::string& currency) { return {{"amount", amount}, {"currency", currency}}; }

json::object RowJson(const CashierRow& r) {
  const auto& f = r.figures;
  json::object out{{"orders", f.orders},
                   {"cancelled", f.cancelled},
                   {"sales", Money(f.sales, r.currency)},
                   {"cash_collected", Money(f.cash_collected, r.currency)},
                   {"cash_refunded", Money(f.cash_refunded, r.currency)},
                   {"cash_expected", Money(f.cash_expected(), r.currency)},
                   {"card_captured", Money(f.card_captured, r.currency)},
                   {"card_refunded", Money(f.card_refunded, r.currency)}};
  if (!r.cashier_id.empty()) out["cashier_id"] = r.cashier_id;
  if (!r.cashier_name.empty()) out["cashier_name"] = r.cashier_name;
  if (!r.store_id.empty()) out["store_id"] = r.store_id;
  return out;
}

const auth::Principal& PrincipalOf(const Request& req) {
  const auth::Caller* caller = auth::CallerOf(req);
  if (!caller) throw core::ErrorException(Error::Unauthenticated("authentication required"));
  return caller->principal;
}

bool Holds(const auth::Principal& p, std::string_view role) {
  return std::find(p.roles.begin(), p.roles.end(), role) != p.roles.end();
}

/// Who sees what (decision 0034): an admin every store, a manager the stores they manage (every
/// cashier there), a cashier or a POS device their own figures at their own stores.
core::Result<std::pair<StoreScope, std::optional<std::string>>> Visibility(const auth::Principal& p, const ReportQuery& query,
                                                                           std::optional<std::string> cashier_id) {
  const bool admin = p.kind == auth::PrincipalKind::kStaff && Holds(p, auth::kRoleAdmin);
  const bool manager = p.kind == auth::PrincipalKind::kStaff && Holds(p, auth::kRoleStoreManager);
  if (admin || manager) {
    if (query.store_id) {
      if (auto allowed = auth::Authorize(&p, "reports:store", *query.store_id); !allowed) return Fail(allowed.error());
      return std::pair{StoreScope{false, {*query.store_id}}, cashier_id};
    }
    if (admin) return std::pair{StoreScope{true, {}}, cashier_id};
    StoreScope scope;
    for (const auto& store : p.stores) {
      if (auth::Authorize(&p, "reports:store", store)) scope.stores.push_back(store);
    }
    return std::pair{scope, cashier_id};
  }
  // A cashier or a till: its own day only.
  if (cashier_id && *cashier_id != p.subject) {
    return Fail(Error::Forbidden("a cashier sees only their own end-of-day; a store manager sees every cashier's"));
  }
  if (query.store_id) {
    if (std::find(p.stores.begin(), p.stores.end(), *query.store_id) == p.stores.end()) {
      return Fail(Error::Forbidden(fmt::format("not allowed for store {}", *query.store_id)));
    }
    return std::pair{StoreScope{false, {*query.store_id}}, std::optional<std::string>(p.subject)};
  }
  return std::pair{StoreScope{false, p.stores}, std::optional<std::string>(p.subject)};
}

core::Result<std::optional<std::string>> CashierParam(const Request& req) {
  auto value = req.Query("cashier_id");
  if (!value) return std::optional<std::string>();
  const std::string& v = *value;
  const bool ok = !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!ok) return Fail(Error::Validation({{"cashier_id", "must be a staff account or device id"}}));
  return std::optional<std::string>(v);
}

}  // namespace

CashierReport CashierReports::Summary(const ReportQuery& query, const StoreScope& scope,
                                      const std::optional<std::string>& cashier_id) {
  std::map<std::tuple<std::string, std::string, std::string>, CashierFigures> rows;  // store, cashier, currency
  std::map<std::string, std::string> names;  // cashier id → name
  {
    auto f = FilterOf("o.business_date", "o.store_id", query.period, scope, cashier_id);
    for (const auto& r : db_.Query(
             fmt::format("SELECT o.store_id AS store_id, o.cashier_id AS cashier_id, MAX(o.cashier_name) AS cashier_name, "
                         "o.currency AS currency, "
                         "COUNT(*) AS orders, SUM(CASE WHEN o.final_status IN ('cancelled', 'rejected') THEN 1 ELSE 0 END) "
                         "AS cancelled, SUM(CASE WHEN o.final_status IN ('cancelled', 'rejected') THEN 0 ELSE o.total END) "
                         "AS sales FROM analytics_orders o WHERE {} GROUP BY o.store_id, o.cashier_id, o.currency",
                         f.sql),
             f.params)) {
      auto& figures = rows[{r.Text("store_id"), r.Text("cashier_id"), r.Text("currency")}];
      if (auto name = r.OptText("cashier_name"); name && !name->empty()) names[r.Text("cashier_id")] = *name;
      figures.orders += r.Int("orders");
      figures.cancelled += r.Int("cancelled");
      figures.sales += r.Int("sales");
    }
  }
  {
    // Money is dated by the day it moved (a refund tomorrow of today's order is tomorrow's).
    auto f = FilterOf("p.local_date", "p.store_id", query.period, scope, cashier_id);
    for (const auto& r : db_.Query(
             fmt::format("SELECT p.store_id AS store_id, o.cashier_id AS cashier_id, p.currency AS currency, p.kind AS kind, "
                         "p.method AS method, SUM(p.amount) AS amount FROM analytics_payments p JOIN analytics_orders o "
                         "ON o.order_id = p.order_id WHERE p.kind IN ('captured', 'refunded') AND {} "
                         "GROUP BY p.store_id, o.cashier_id, p.currency, p.kind, p.method",
                         f.sql),
             f.params)) {
      AddPayment(rows[{r.Text("store_id"), r.Text("cashier_id"), r.Text("currency")}], r.Text("kind"), r.Text("method"),
                 r.Int("amount"));
    }
  }
  CashierReport report;
  report.period = query.period;
  std::map<std::string, CashierFigures> totals;
  for (const auto& [key, figures] : rows) {
    const auto& [store, cashier, currency] = key;
    auto name = names.find(cashier);
    report.rows.push_back({cashier, name == names.end() ? "" : name->second, store, currency, figures});
    totals[currency] += figures;
  }
  for (const auto& [currency, figures] : totals) report.totals.push_back({"", "", "", currency, figures});
  return report;
}

std::string CashiersJson(const CashierReport& report) {
  json::array rows, totals;
  for (const auto& r : report.rows) rows.push_back(RowJson(r));
  for (const auto& t : report.totals) totals.push_back(RowJson(t));
  return json_text::Serialize(json::object{{"from", FormatDate(report.period.from)},
                                           {"to", FormatDate(report.period.to)},
                                           {"cashiers", std::move(rows)},
                                           {"totals", std::move(totals)}});
}

std::string CashiersCsv(const CashierReport& report) {
  CsvWriter csv({"store_id", "cashier_id", "cashier_name", "currency", "orders", "cancelled", "sales", "cash_collected", "cash_refunded",
                 "cash_expected", "card_captured", "card_refunded"});
  for (const auto& r : report.rows) {
    const auto& f = r.figures;
    const int e = Exponent(r.currency);
    auto money = [&](std::int64_t v) { return CsvCell::Number(DecimalAmount(v, e)); };
    csv.Row({CsvCell::Text(r.store_id), CsvCell::Text(r.cashier_id), CsvCell::Text(r.cashier_name), CsvCell::Text(r.currency),
             CsvCell::Number(std::to_string(f.orders)), CsvCell::Number(std::to_string(f.cancelled)), money(f.sales),
             money(f.cash_collected), money(f.cash_refunded), money(f.cash_expected()), money(f.card_captured),
             money(f.card_refunded)});
  }
  return csv.text();
}

void RegisterCashierRoutes(http::Router& router, CashierReports& reports) {
  router.Get("/api/v1/reports/cashiers", [&reports](Request& req) -> Reply {
    auto query = ParseReportQuery([&req](std::string_view name) { return req.Query(name); }, reports.Rules());
    if (!query) return Fail(query.error());
    auto cashier = CashierParam(req);
    if (!cashier) return Fail(cashier.error());
    auto visible = Visibility(PrincipalOf(req), *query, *cashier);
    if (!visible) return Fail(visible.error());
    auto report = reports.Summary(*query, visible->first, visible->second);
    if (query->format == ReportFormat::kCsv) {
      Response r = Response::Text(CashiersCsv(report), "text/csv; charset=utf-8");
      r.SetHeader("Content-Disposition", fmt::format("attachment; filename=\"cashiers-{}-{}.csv\"",
                                                     FormatDate(query->period.from), FormatDate(query->period.to)));
      return r;
    }
    auto r = Response::Json(CashiersJson(report));
    r.SetHeader("Cache-Control", "no-store");
    return r;
  }, {.permission = "reports:cashier"});
}

}  // namespace vetahut::analytics
