#include "services/analytics/api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "lib/auth/caller.hpp"
#include "lib/auth/policy.hpp"
#include "lib/http/json_body.hpp"
#include "lib/http/page.hpp"
#include "lib/json/write.hpp"
#include "services/analytics/report_render.hpp"

namespace vetahut::analytics {
namespace {

namespace json = boost::json;
using core::Error;
using core::Fail;
using http::Request;
using http::Response;
using Reply = core::Result<Response>;

/// The store-scoped permission a report route checks per store (the route itself has no
/// {store_id}: the store is a query parameter, or every store the caller may see).
constexpr std::string_view kStorePermission = "reports:store";

const auth::Principal& PrincipalOf(const Request& req) {
  const auth::Caller* caller = auth::CallerOf(req);
  if (!caller) throw core::ErrorException(Error::Unauthenticated("authentication required"));
  return caller->principal;
}

/// The stores a report covers: the one asked for (if the caller may see it), every store for a
/// staff admin, else the caller's own stores.
core::Result<StoreScope> ScopeOf(const Request& req, const ReportQuery& query) {
  const auth::Principal& p = PrincipalOf(req);
  if (query.store_id) {
    if (auto allowed = auth::Authorize(&p, kStorePermission, *query.store_id); !allowed) return Fail(allowed.error());
    return StoreScope{false, {*query.store_id}};
  }
  const bool admin = p.kind == auth::PrincipalKind::kStaff &&
                     std::find(p.roles.begin(), p.roles.end(), auth::kRoleAdmin) != p.roles.end();
  if (admin) return StoreScope{true, {}};
  StoreScope scope;
  for (const auto& store : p.stores) {
    if (auth::Authorize(&p, kStorePermission, store)) scope.stores.push_back(store);
  }
  if (scope.stores.empty()) return Fail(Error::Forbidden("no store to report on: your roles name none"));
  return scope;
}

core::Result<ReportQuery> QueryOf(const Request& req, const ReportRules& rules) {
  return ParseReportQuery([&req](std::string_view name) { return req.Query(name); }, rules);
}

Response Csv(std::string body, const std::string& name, const ReportQuery& q) {
  Response r = Response::Text(std::move(body), "text/csv; charset=utf-8");
  r.SetHeader("Content-Disposition",
              fmt::format("attachment; filename=\"{}-{}-{}.csv\"", name, FormatDate(q.period.from), FormatDate(q.period.to)));
  return r;
}

/// A report route: parse the query, scope it, run it, answer JSON or CSV.
template <class Run, class ToJson, class ToCsv>
Reply Report(const Request& req, const ReportRules& rules, const char* name, Run run, ToJson to_json, ToCsv to_csv) {
  auto query = QueryOf(req, rules);
  if (!query) return Fail(query.error());
  auto scope = ScopeOf(req, *query);
  if (!scope) return Fail(scope.error());
  auto report = run(*query, *scope);
  if (query->format == ReportFormat::kCsv) return Csv(to_csv(report), name, *query);
  return Response::Json(to_json(report));
}

/// An optional JSON object body (empty = {}), small and flat.
core::Result<json::object> OptionalBody(const Request& req) {
  if (req.body.empty()) return json::object{};
  return http::ParseJsonObject(req, {.max_bytes = 4096, .max_depth = 4});
}

json::array WrittenJson(const std::vector<PartitionWritten>& written) {
  json::array out;
  for (const auto& w : written) {
    json::array files;
    for (const auto& f : w.files) files.push_back(json::value(f));
    out.push_back(json::object{{"dataset", w.dataset}, {"store_id", w.store_id}, {"date", w.date}, {"rows", w.rows},
                               {"files", std::move(files)}});
  }
  return out;
}

}  // namespace

void RegisterRoutes(http::Router& router, FactFolder& facts, ReportService& reports, LakeExporter& lake) {
  router.Get("/api/v1/reports/sales", [&reports](Request& req) -> Reply {
    return Report(
        req, reports.SalesRules(), "sales", [&](const ReportQuery& q, const StoreScope& s) { return reports.Sales(q, s); },
        SalesJson, SalesCsv);
  }, {.permission = "reports:read"});

  router.Get("/api/v1/reports/kitchen", [&reports](Request& req) -> Reply {
    return Report(
        req, reports.KitchenRules(), "kitchen", [&](const ReportQuery& q, const StoreScope& s) { return reports.Kitchen(q, s); },
        KitchenJson, KitchenCsv);
  }, {.permission = "reports:read"});

  router.Get("/api/v1/reports/delivery", [&reports](Request& req) -> Reply {
    return Report(
        req, reports.DeliveryRules(), "delivery",
        [&](const ReportQuery& q, const StoreScope& s) { return reports.Deliveries(q, s); }, DeliveryJson, DeliveryCsv);
  }, {.permission = "reports:read"});

  router.Get("/api/v1/reports/kitchen/late", [&reports](Request& req) -> Reply {
    auto page = http::ParsePage(req, 100, 5000);
    if (!page) return Fail(page.error());
    auto query = QueryOf(req, reports.ListRules());
    if (!query) return Fail(query.error());
    auto scope = ScopeOf(req, *query);
    if (!scope) return Fail(scope.error());
    auto late = reports.LateTickets(*query, *scope, page->limit, page->cursor);
    if (!late) return Fail(late.error());
    if (query->format == ReportFormat::kCsv) return Csv(LateTicketsCsv(*late), "late-tickets", *query);
    return Response::Json(LateTicketsJson(*late));
  }, {.permission = "reports:read"});

  router.Get("/api/v1/reports/refunds", [&reports](Request& req) -> Reply {
    auto page = http::ParsePage(req, 100, 5000);
    if (!page) return Fail(page.error());
    auto query = QueryOf(req, reports.ListRules());
    if (!query) return Fail(query.error());
    auto scope = ScopeOf(req, *query);
    if (!scope) return Fail(scope.error());
    auto refunds = reports.Refunds(*query, *scope, page->limit, page->cursor);
    if (!refunds) return Fail(refunds.error());
    if (query->format == ReportFormat::kCsv) return Csv(RefundsCsv(*refunds), "refunds", *query);
    return Response::Json(RefundsJson(*refunds));
  }, {.permission = "reports:read"});

  // The facts again from the stored events (after a fix to a fold rule, or to check them).
  router.Post("/api/v1/admin/analytics/rebuild", [&facts](Request& req) -> Reply {
    auto body = OptionalBody(req);
    if (!body) return Fail(body.error());
    if (!body->empty()) return Fail(Error::Validation({{std::string(body->begin()->key()), "is not a known field"}}));
    auto report = facts.Rebuild();
    if (!report) return Fail(report.error());
    return Response::Json(json_text::Serialize(json::object{{"events", report->events},
                                                            {"orders", report->orders},
                                                            {"order_lines", report->order_lines},
                                                            {"payments", report->payments},
                                                            {"tickets", report->tickets},
                                                            {"deliveries", report->deliveries},
                                                            {"station_times", report->station_times},
                                                            {"seconds", report->seconds}}));
  }, {.permission = "analytics:manage"});

  // Export the lake now: the closed days due (no body), or a period again ({"from", "to", "store_id"}).
  router.Post("/api/v1/admin/analytics/lake/export", [&lake](Request& req) -> Reply {
    auto body = OptionalBody(req);
    if (!body) return Fail(body.error());
    core::FieldErrors errors;
    for (const auto& [key, value] : *body) {
      if (key != "from" && key != "to" && key != "store_id") {
        errors.Add(std::string(key), "is not a known field");
      } else if (!value.is_string()) {
        errors.Add(std::string(key), "must be a string");
      }
    }
    if (!errors.empty()) return Fail(errors.ToError());
    ExportRound round;
    if (body->empty()) {
      round = lake.ExportDue();
    } else {
      auto query = ParseReportQuery(
          [&](std::string_view name) -> std::optional<std::string> {
            if (const json::value* v = body->if_contains(name)) return std::string(v->as_string());
            return std::nullopt;
          },
          ReportRules{{}, 31});
      if (!query) return Fail(query.error());
      round = lake.ExportPeriod(query->store_id, query->period);
      if (query->store_id && round.days == 0) {
        return Fail(Error::NotFound(fmt::format("store '{}' has no analytics facts yet", *query->store_id)));
      }
    }
    return Response::Json(json_text::Serialize(json::object{{"lake", lake.options().dir.string()},
                                                            {"days", round.days},
                                                            {"more", round.more},
                                                            {"partitions", WrittenJson(round.written)}}));
  }, {.permission = "analytics:manage"});
}

}  // namespace vetahut::analytics
