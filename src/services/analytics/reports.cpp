#include "services/analytics/reports.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "lib/db/database.hpp"

namespace vetahut::analytics {
namespace {

using core::Fail;

/// The WHERE clause of a report: its period on `date_column` and its stores on `store_column`,
/// with the parameters; more parameters follow with Next().
struct Filter {
  std::string sql;
  std::vector<db::Value> params;
  std::string Next(db::Value v) {
    params.push_back(std::move(v));
    return fmt::format("${}", params.size());
  }
};

Filter Where(std::string_view date_column, std::string_view store_column, const Period& period, const StoreScope& scope) {
  Filter f;
  const auto from = f.Next(FormatDate(period.from));
  const auto to = f.Next(FormatDate(period.to));
  f.sql = fmt::format("{} BETWEEN {} AND {}", date_column, from, to);
  if (!scope.all) {
    if (scope.stores.empty()) {
      f.sql += " AND 1 = 0";  // a scope without stores sees nothing
      return f;
    }
    std::string list;
    for (const auto& store : scope.stores) list += (list.empty() ? "" : ", ") + f.Next(store);
    f.sql += fmt::format(" AND {} IN ({})", store_column, list);
  }
  return f;
}

std::string_view OrderKey(std::string_view group) {
  if (group == "hour") return "local_hour";
  if (group == "channel") return "channel";
  if (group == "store") return "store_id";
  if (group == "type") return "order_type";
  return "business_date";
}

/// Sums per (key, currency).
using Groups = std::map<std::pair<std::string, std::string>, SalesRow>;

void AddOrderFigures(db::Database& db, const std::string& group, const Period& period, const StoreScope& scope, bool before,
                     Groups& out, int day_offset) {
  auto f = Where("business_date", "store_id", period, scope);
  const auto rows = db.Query(
      fmt::format("SELECT k, currency, SUM(sale) AS orders, SUM(1 - sale) AS cancelled, SUM(sale * units) AS units, "
                  "SUM(sale * subtotal) AS subtotal, SUM(sale * discount) AS discount, SUM(sale * tax) AS tax, "
                  "SUM(sale * delivery_fee) AS delivery_fee, SUM(sale * tip) AS tip, SUM(sale * total) AS total, "
                  "SUM(sale * refunded) AS refunded FROM (SELECT {} AS k, currency, CASE WHEN final_status IN "
                  "('cancelled', 'rejected') THEN 0 ELSE 1 END AS sale, units, subtotal, discount, tax, delivery_fee, tip, "
                  "total, refunded FROM analytics_orders WHERE {}) o GROUP BY k, currency",
                  OrderKey(group), f.sql),
      f.params);
  for (const auto& r : rows) {
    std::string key = r.Text("k");
    // A day of the previous period sits beside the day of this one it corresponds to.
    if (group == "day" && before) key = FormatDate(*ParseDate(key) + day_offset);
    auto& row = out[{key, r.Text("currency")}];
    OrderFigures& figures = before ? row.before : row.now;
    figures.orders += r.Int("orders");
    figures.cancelled += r.Int("cancelled");
    figures.units += r.Int("units");
    figures.subtotal += r.Int("subtotal");
    figures.discount += r.Int("discount");
    figures.tax += r.Int("tax");
    figures.delivery_fee += r.Int("delivery_fee");
    figures.tip += r.Int("tip");
    figures.total += r.Int("total");
    figures.refunded += r.Int("refunded");
  }
}

void AddLineFigures(db::Database& db, const std::string& group, const Period& period, const StoreScope& scope, bool before,
                    Groups& out) {
  auto f = Where("l.business_date", "l.store_id", period, scope);
  const auto rows = db.Query(
      fmt::format("SELECT l.{} AS k, l.currency AS currency, SUM(l.quantity) AS quantity, COUNT(DISTINCT l.order_id) AS orders, "
                  "SUM(l.gross) AS gross, SUM(l.discount) AS discount, SUM(l.revenue) AS revenue, SUM(l.tax) AS tax "
                  "FROM analytics_order_lines l WHERE {} AND l.sale GROUP BY 1, 2",
                  group == "category" ? "category_id" : "product_id", f.sql),
      f.params);
  for (const auto& r : rows) {
    auto& row = out[{r.Text("k"), r.Text("currency")}];
    LineFigures& figures = before ? row.lines_before : row.lines_now;
    figures.quantity += r.Int("quantity");
    figures.orders += r.Int("orders");
    figures.gross += r.Int("gross");
    figures.discount += r.Int("discount");
    figures.revenue += r.Int("revenue");
    figures.tax += r.Int("tax");
  }
}

std::map<std::string, std::string> Names(db::Database& db, const char* sql_prefix, const std::set<std::string>& ids) {
  std::map<std::string, std::string> out;
  if (ids.empty()) return out;
  std::vector<db::Value> params;
  std::string list;
  for (const auto& id : ids) {
    params.emplace_back(id);
    list += fmt::format("{}${}", list.empty() ? "" : ", ", params.size());
  }
  for (const auto& r : db.Query(fmt::format("{} ({})", sql_prefix, list), params)) out[r.Text("id")] = r.Text("name");
  return out;
}

/// Rows in reading order: days and hours in time order, the rest largest first.
void SortRows(std::vector<SalesRow>& rows, const std::string& group, bool lines) {
  std::sort(rows.begin(), rows.end(), [&](const SalesRow& a, const SalesRow& b) {
    if (group == "day") return std::tie(a.key, a.currency) < std::tie(b.key, b.currency);
    if (group == "hour") return std::make_tuple(std::stoi(a.key), a.currency) < std::make_tuple(std::stoi(b.key), b.currency);
    const std::int64_t va = lines ? a.lines_now.revenue : a.now.net();
    const std::int64_t vb = lines ? b.lines_now.revenue : b.now.net();
    if (va != vb) return va > vb;
    return std::tie(a.key, a.currency) < std::tie(b.key, b.currency);
  });
}

/// Durations of a group, gathered before they are summarized.
struct KitchenSamples {
  std::vector<double> wait, make, bake, prep, lateness;
  std::int64_t tickets = 0, late = 0;
  // Station basis: the tickets seen (a ticket has many stays), the stays, the station's name.
  std::set<std::string> ticket_ids;
  std::optional<std::int64_t> items;
  std::string label;
  KitchenFigures Summary() const {
    KitchenFigures f;
    f.tickets = items ? static_cast<std::int64_t>(ticket_ids.size()) : tickets;
    f.items = items;
    f.wait = Summarize(wait);
    f.make = Summarize(make);
    f.bake = Summarize(bake);
    f.prep = Summarize(prep);
    f.promised = static_cast<std::int64_t>(lateness.size());
    f.late = late;
    f.lateness = Summarize(lateness);
    return f;
  }
};

std::string KitchenKey(const db::Row& r, const std::string& group) {
  if (group == "day") return r.Text("local_date");
  if (group == "store") return r.Text("store_id");
  if (group == "type") return r.Text("order_type");
  return r.Text("local_hour");
}

std::map<std::string, KitchenSamples> KitchenGroups(db::Database& db, const std::string& group, const Period& period,
                                                    const StoreScope& scope, KitchenSamples& total) {
  auto f = Where("local_date", "store_id", period, scope);
  std::map<std::string, KitchenSamples> groups;
  const auto rows = db.Query(fmt::format("SELECT store_id, local_date, local_hour, order_type, wait_s, make_s, bake_s, prep_s, "
                                         "late_s FROM analytics_tickets WHERE {} AND voided_us IS NULL",
                                         f.sql),
                             f.params);
  for (const auto& r : rows) {
    for (KitchenSamples* s : {&groups[KitchenKey(r, group)], &total}) {
      ++s->tickets;
      if (auto v = r.OptDouble("wait_s")) s->wait.push_back(*v);
      if (auto v = r.OptDouble("make_s")) s->make.push_back(*v);
      if (auto v = r.OptDouble("bake_s")) s->bake.push_back(*v);
      if (auto v = r.OptDouble("prep_s")) s->prep.push_back(*v);
      if (auto v = r.OptDouble("late_s")) {
        s->lateness.push_back(*v);
        if (*v > 0) ++s->late;
      }
    }
  }
  return groups;
}

std::string StationKey(const db::Row& r, const std::string& group) {
  if (group == "station") return r.Text("station");
  return KitchenKey(r, group);
}

/// The station basis: each item's stay at a station is a sample (wait: arrived → started; make or,
/// at an oven, bake: started → done; prep: arrived → done).
std::map<std::string, KitchenSamples> StationGroups(db::Database& db, const std::string& group,
                                                    const std::optional<std::string>& station, const Period& period,
                                                    const StoreScope& scope, KitchenSamples& total) {
  auto f = Where("local_date", "store_id", period, scope);
  if (station) f.sql += " AND station = " + f.Next(*station);
  std::map<std::string, KitchenSamples> groups;
  const auto rows = db.Query(fmt::format("SELECT ticket_id, store_id, local_date, local_hour, order_type, station, "
                                         "station_name, oven, wait_s, work_s, total_s FROM analytics_station_times WHERE {}",
                                         f.sql),
                             f.params);
  total.items = 0;
  for (const auto& r : rows) {
    KitchenSamples& g = groups[StationKey(r, group)];
    if (group == "station") g.label = r.Text("station_name");
    for (KitchenSamples* s : {&g, &total}) {
      s->ticket_ids.insert(r.Text("ticket_id"));
      s->items = s->items.value_or(0) + 1;
      s->wait.push_back(r.Double("wait_s"));
      (r.Bool("oven") ? s->bake : s->make).push_back(r.Double("work_s"));
      s->prep.push_back(r.Double("total_s"));
    }
  }
  return groups;
}

struct DeliverySamples {
  std::vector<double> to_door, order_to_door, eta_error;
  std::int64_t deliveries = 0, promised = 0, late = 0;
  DeliveryFigures Summary() const {
    DeliveryFigures f;
    f.deliveries = deliveries;
    f.to_door = Summarize(to_door);
    f.order_to_door = Summarize(order_to_door);
    f.eta_error = Summarize(eta_error);
    f.promised = promised;
    f.late = late;
    return f;
  }
};

std::map<std::string, DeliverySamples> DeliveryGroups(db::Database& db, const std::string& group, const Period& period,
                                                      const StoreScope& scope, DeliverySamples& total) {
  auto f = Where("d.local_date", "d.store_id", period, scope);
  std::map<std::string, DeliverySamples> groups;
  const auto rows = db.Query(
      fmt::format("SELECT d.store_id AS store_id, d.local_date AS local_date, d.local_hour AS local_hour, d.driver_id AS "
                  "driver_id, d.to_door_s AS to_door_s, d.eta_error_s AS eta_error_s, d.delivered_us AS delivered_us, "
                  "o.placed_us AS placed_us, o.promised_us AS promised_us FROM analytics_deliveries d LEFT JOIN "
                  "analytics_orders o ON o.order_id = d.order_id WHERE {} AND d.delivered_us IS NOT NULL",
                  f.sql),
      f.params);
  for (const auto& r : rows) {
    std::string key;
    if (group == "day") {
      key = r.Text("local_date");
    } else if (group == "store") {
      key = r.Text("store_id");
    } else if (group == "driver") {
      key = r.OptText("driver_id").value_or("");
    } else {
      key = r.Text("local_hour");
    }
    const std::int64_t delivered = r.Int("delivered_us");
    for (DeliverySamples* s : {&groups[key], &total}) {
      ++s->deliveries;
      if (auto v = r.OptDouble("to_door_s")) s->to_door.push_back(*v);
      if (auto v = r.OptDouble("eta_error_s")) s->eta_error.push_back(*v);
      if (auto placed = r.OptInt("placed_us")) s->order_to_door.push_back(static_cast<double>(delivered - *placed) / 1e6);
      if (auto promised = r.OptInt("promised_us")) {
        ++s->promised;
        if (delivered > *promised) ++s->late;
      }
    }
  }
  return groups;
}

template <class Row>
void SortByKey(std::vector<Row>& rows, const std::string& group) {
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (group == "hour") return std::stoi(a.key) < std::stoi(b.key);
    return a.key < b.key;
  });
}

}  // namespace

OrderFigures& OrderFigures::operator+=(const OrderFigures& o) {
  orders += o.orders;
  cancelled += o.cancelled;
  units += o.units;
  subtotal += o.subtotal;
  discount += o.discount;
  tax += o.tax;
  delivery_fee += o.delivery_fee;
  tip += o.tip;
  total += o.total;
  refunded += o.refunded;
  return *this;
}

LineFigures& LineFigures::operator+=(const LineFigures& o) {
  quantity += o.quantity;
  orders += o.orders;
  gross += o.gross;
  discount += o.discount;
  revenue += o.revenue;
  tax += o.tax;
  return *this;
}

ReportService::ReportService(db::Database& db, int max_days) : db_(db), max_days_(max_days) {}

SalesReport ReportService::Sales(const ReportQuery& query, const StoreScope& scope) {
  SalesReport report;
  report.period = query.period;
  report.previous = PreviousPeriod(query.period);
  report.group_by = query.group_by;
  report.lines = query.group_by == "product" || query.group_by == "category";
  Groups groups;
  if (report.lines) {
    AddLineFigures(db_, query.group_by, report.period, scope, false, groups);
    AddLineFigures(db_, query.group_by, report.previous, scope, true, groups);
  } else {
    AddOrderFigures(db_, query.group_by, report.period, scope, false, groups, 0);
    AddOrderFigures(db_, query.group_by, report.previous, scope, true, groups, report.period.days());
  }
  // Every day of the period has a row (per currency sold in), so a chart has no gaps.
  if (query.group_by == "day") {
    std::set<std::string> currencies;
    for (const auto& [key, row] : groups) currencies.insert(key.second);
    for (const auto& currency : currencies) {
      for (DayNumber d = report.period.from; d <= report.period.to; ++d) groups[{FormatDate(d), currency}];
    }
  }
  std::set<std::string> ids;
  for (const auto& [key, row] : groups) ids.insert(key.first);
  std::map<std::string, std::string> names;
  if (query.group_by == "product") names = Names(db_, "SELECT product_id AS id, name FROM analytics_products WHERE product_id IN", ids);
  if (query.group_by == "store") names = Names(db_, "SELECT store_id AS id, name FROM analytics_stores WHERE store_id IN", ids);
  std::map<std::string, SalesRow> totals;
  for (auto& [key, row] : groups) {
    row.key = key.first;
    row.currency = key.second;
    row.label = names.contains(row.key) && !names[row.key].empty() ? names[row.key] : row.key;
    row.previous_key = query.group_by == "day" ? FormatDate(*ParseDate(row.key) - report.period.days()) : row.key;
    auto& total = totals[row.currency];
    total.key = total.label = total.previous_key = "total";
    total.currency = row.currency;
    total.now += row.now;
    total.before += row.before;
    total.lines_now += row.lines_now;
    total.lines_before += row.lines_before;
    report.rows.push_back(row);
  }
  for (auto& [currency, total] : totals) report.totals.push_back(total);
  SortRows(report.rows, query.group_by, report.lines);
  return report;
}

namespace {

/// The kitchen and delivery reports have one shape: each group's summary, the totals of the
/// period and of the one before, stores named.
template <class Report, class Samples, class GroupsOf>
Report StageReport(db::Database& db, const ReportQuery& query, GroupsOf groups_of) {
  Report report;
  report.period = query.period;
  report.previous = PreviousPeriod(query.period);
  report.group_by = query.group_by;
  Samples total, total_before;
  for (const auto& [key, samples] : groups_of(report.period, total)) {
    std::string label = key;
    if constexpr (requires { samples.label; }) {
      if (!samples.label.empty()) label = samples.label;
    }
    report.rows.push_back({key, std::move(label), samples.Summary()});
  }
  groups_of(report.previous, total_before);
  report.total = total.Summary();
  report.total_before = total_before.Summary();
  if (query.group_by == "store") {
    std::set<std::string> ids;
    for (const auto& r : report.rows) ids.insert(r.key);
    auto names = Names(db, "SELECT store_id AS id, name FROM analytics_stores WHERE store_id IN", ids);
    for (auto& r : report.rows) {
      if (!names[r.key].empty()) r.label = names[r.key];
    }
  }
  SortByKey(report.rows, query.group_by);
  return report;
}

}  // namespace

KitchenReport ReportService::Kitchen(const ReportQuery& query, const StoreScope& scope) {
  const bool stations = query.group_by == "station" || query.station;
  KitchenReport report = StageReport<KitchenReport, KitchenSamples>(db_, query, [&](const Period& period, KitchenSamples& total) {
    if (stations) return StationGroups(db_, query.group_by, query.station, period, scope, total);
    return KitchenGroups(db_, query.group_by, period, scope, total);
  });
  report.basis = stations ? "station" : "ticket";
  report.station = query.station;
  return report;
}

DeliveryReport ReportService::Deliveries(const ReportQuery& query, const StoreScope& scope) {
  return StageReport<DeliveryReport, DeliverySamples>(db_, query, [&](const Period& period, DeliverySamples& total) {
    return DeliveryGroups(db_, query.group_by, period, scope, total);
  });
}

core::Result<Page<LateTicket>> ReportService::LateTickets(const ReportQuery& query, const StoreScope& scope, int limit,
                                                          const std::string& cursor) {
  auto f = Where("local_date", "store_id", query.period, scope);
  std::string after;
  if (!cursor.empty()) {
    auto at = db_.Query("SELECT ready_us FROM analytics_tickets WHERE ticket_id = $1 AND ready_us IS NOT NULL", db::Params(cursor));
    if (at.empty()) return Fail(core::Error::Validation({{"cursor", "is not a ticket of this report"}}));
    after = fmt::format(" AND (ready_us > {0} OR (ready_us = {0} AND ticket_id > {1}))", f.Next(at[0].Int("ready_us")), f.Next(cursor));
  }
  const std::string limit_param = f.Next(static_cast<std::int64_t>(limit) + 1);
  const auto rows = db_.Query(
      fmt::format("SELECT ticket_id, order_id, store_id, number, order_type, local_date, fired_at, ready_at, promised_ready_at, "
                  "late_s FROM analytics_tickets WHERE {} AND voided_us IS NULL AND late_s > 0{} ORDER BY ready_us, ticket_id "
                  "LIMIT {}",
                  f.sql, after, limit_param),
      f.params);
  Page<LateTicket> page;
  for (const auto& r : rows) {
    if (page.items.size() == static_cast<std::size_t>(limit)) {
      page.next_cursor = page.items.back().ticket_id;
      break;
    }
    page.items.push_back({r.Text("ticket_id"), r.Text("order_id"), r.Text("store_id"), r.Text("order_type"),
                          r.Text("local_date"), r.Int("number"), r.OptText("fired_at").value_or(""),
                          r.OptText("ready_at").value_or(""), r.OptText("promised_ready_at").value_or(""), r.Double("late_s")});
  }
  return page;
}

core::Result<Page<Refund>> ReportService::Refunds(const ReportQuery& query, const StoreScope& scope, int limit,
                                                  const std::string& cursor) {
  auto f = Where("p.local_date", "p.store_id", query.period, scope);
  std::string after;
  if (!cursor.empty()) {
    auto at = db_.Query("SELECT at_us FROM analytics_payments WHERE event_id = $1 AND kind = 'refunded'", db::Params(cursor));
    if (at.empty()) return Fail(core::Error::Validation({{"cursor", "is not a refund of this report"}}));
    after = fmt::format(" AND (p.at_us > {0} OR (p.at_us = {0} AND p.event_id > {1}))", f.Next(at[0].Int("at_us")), f.Next(cursor));
  }
  const std::string limit_param = f.Next(static_cast<std::int64_t>(limit) + 1);
  const auto rows = db_.Query(
      fmt::format("SELECT p.event_id AS id, p.order_id AS order_id, p.store_id AS store_id, p.local_date AS local_date, "
                  "p.at AS at, p.amount AS amount, p.currency AS currency, o.number AS number, o.business_date AS "
                  "business_date, o.total AS total, p.reason AS reason FROM analytics_payments p LEFT JOIN analytics_orders o ON o.order_id = "
                  "p.order_id WHERE p.kind = 'refunded' AND {}{} ORDER BY p.at_us, p.event_id LIMIT {}",
                  f.sql, after, limit_param),
      f.params);
  Page<Refund> page;
  for (const auto& r : rows) {
    if (page.items.size() == static_cast<std::size_t>(limit)) {
      page.next_cursor = page.items.back().id;
      break;
    }
    Refund refund;
    refund.id = r.Text("id");
    refund.order_id = r.Text("order_id");
    refund.store_id = r.OptText("store_id").value_or("");
    refund.local_date = r.OptText("local_date").value_or("");
    refund.at = r.Text("at");
    refund.currency = r.Text("currency");
    refund.amount = r.Int("amount");
    refund.order_number = r.OptInt("number").value_or(0);
    refund.order_business_date = r.OptText("business_date").value_or("");
    refund.order_total = r.OptInt("total").value_or(0);
    refund.reason = r.OptText("reason").value_or("");
    page.items.push_back(std::move(refund));
  }
  return page;
}

}  // namespace vetahut::analytics
