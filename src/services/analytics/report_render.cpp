#include "services/analytics/report_render.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

#include "lib/core/money.hpp"
#include "lib/json/write.hpp"
#include "services/analytics/domain/csv.hpp"

namespace vetahut::analytics {
namespace {

namespace json = boost::json;

int Exponent(const std::string& currency) {
  auto c = core::Currency::Find(currency);
  return c ? c->exponent() : 2;
}

json::object Money(std::int64_t amount, const std::string& currency) { return {{"amount", amount}, {"currency", currency}}; }
CsvCell Decimal(std::int64_t amount, const std::string& currency) {
  return CsvCell::Number(DecimalAmount(amount, Exponent(currency)));
}
CsvCell Int(std::int64_t v) { return CsvCell::Number(std::to_string(v)); }
CsvCell Text(const std::string& s) { return CsvCell::Text(s); }

/// Seconds to a tenth, null when unknown.
json::value Seconds(const std::optional<double>& s) {
  if (!s) return nullptr;
  return std::round(*s * 10.0) / 10.0;
}
CsvCell SecondsCell(const std::optional<double>& s) { return CsvCell::Number(s ? fmt::format("{:.1f}", *s) : ""); }
json::value Fraction(const std::optional<double>& f) {
  if (!f) return nullptr;
  return std::round(*f * 10000.0) / 10000.0;
}
CsvCell FractionCell(const std::optional<double>& f) { return CsvCell::Number(f ? fmt::format("{:.4f}", *f) : ""); }
json::value Optional(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object PeriodJson(const Period& p) { return {{"from", FormatDate(p.from)}, {"to", FormatDate(p.to)}, {"days", p.days()}}; }

std::int64_t Average(std::int64_t total, std::int64_t count) {
  return count > 0 ? core::DivideRounded(total, count, core::Rounding::kHalfUp) : 0;
}

json::object OrderFiguresJson(const OrderFigures& f, const std::string& currency) {
  return {{"orders", f.orders},
          {"cancelled_orders", f.cancelled},
          {"units", f.units},
          {"subtotal", Money(f.subtotal, currency)},
          {"discounts", Money(f.discount, currency)},
          {"tax", Money(f.tax, currency)},
          {"delivery_fees", Money(f.delivery_fee, currency)},
          {"tips", Money(f.tip, currency)},
          {"total", Money(f.total, currency)},
          {"refunds", Money(f.refunded, currency)},
          {"net", Money(f.net(), currency)},
          {"average_order", Money(Average(f.total, f.orders), currency)}};
}

json::object LineFiguresJson(const LineFigures& f, const std::string& currency) {
  return {{"quantity", f.quantity},
          {"orders", f.orders},
          {"gross", Money(f.gross, currency)},
          {"discounts", Money(f.discount, currency)},
          {"revenue", Money(f.revenue, currency)},
          {"tax", Money(f.tax, currency)}};
}

json::object SalesRowJson(const SalesRow& r, bool lines) {
  json::object o{{"key", r.key}, {"label", r.label}, {"currency", r.currency}, {"previous_key", r.previous_key}};
  if (lines) {
    for (auto& [k, v] : LineFiguresJson(r.lines_now, r.currency)) o[k] = v;
    o["previous"] = LineFiguresJson(r.lines_before, r.currency);
    o["change"] = json::object{
        {"revenue_pct", Optional(ChangePercent(double(r.lines_now.revenue), double(r.lines_before.revenue)))},
        {"quantity_pct", Optional(ChangePercent(double(r.lines_now.quantity), double(r.lines_before.quantity)))}};
  } else {
    for (auto& [k, v] : OrderFiguresJson(r.now, r.currency)) o[k] = v;
    o["previous"] = OrderFiguresJson(r.before, r.currency);
    o["change"] = json::object{{"net_pct", Optional(ChangePercent(double(r.now.net()), double(r.before.net())))},
                               {"orders_pct", Optional(ChangePercent(double(r.now.orders), double(r.before.orders)))}};
  }
  return o;
}

json::object SummaryJson(const DurationSummary& s) {
  return {{"count", s.count}, {"p50", Seconds(s.p50)}, {"p90", Seconds(s.p90)}, {"mean", Seconds(s.mean)}};
}

json::object KitchenFiguresJson(const KitchenFigures& f) {
  json::object o{{"tickets", f.tickets},
                 {"wait_seconds", SummaryJson(f.wait)},
                 {"make_seconds", SummaryJson(f.make)},
                 {"bake_seconds", SummaryJson(f.bake)},
                 {"prep_seconds", SummaryJson(f.prep)}};
  if (f.items) {
    o["items"] = *f.items;  // the station basis: no promises (they are the ticket's)
  } else {
    o["promise"] = json::object{{"tickets", f.promised},
                                {"late", f.late},
                                {"share_late", Fraction(Share(f.late, f.promised))},
                                {"ready_minus_promised_seconds", SummaryJson(f.lateness)}};
  }
  return o;
}

json::object DeliveryFiguresJson(const DeliveryFigures& f) {
  return {{"deliveries", f.deliveries},
          {"to_door_seconds", SummaryJson(f.to_door)},
          {"order_to_door_seconds", SummaryJson(f.order_to_door)},
          {"eta_error_seconds", SummaryJson(f.eta_error)},
          {"promised", f.promised},
          {"late", f.late},
          {"share_late", Fraction(Share(f.late, f.promised))}};
}

json::value Cursor(const std::string& c) { return c.empty() ? json::value(nullptr) : json::value(c); }

}  // namespace

std::string SalesJson(const SalesReport& report) {
  json::array rows, totals;
  for (const auto& r : report.rows) rows.push_back(SalesRowJson(r, report.lines));
  for (const auto& r : report.totals) totals.push_back(SalesRowJson(r, report.lines));
  json::object o = PeriodJson(report.period);
  o["group_by"] = report.group_by;
  o["measure"] = report.lines ? "order lines (net revenue before tax) of orders not cancelled or rejected"
                              : "orders not cancelled or rejected, by business day in each store's time zone";
  o["previous"] = PeriodJson(report.previous);
  o["rows"] = std::move(rows);
  o["totals"] = std::move(totals);
  return json_text::Serialize(o);
}

std::string SalesCsv(const SalesReport& report) {
  if (report.lines) {
    CsvWriter csv({"key", "label", "currency", "quantity", "orders", "gross", "discounts", "revenue", "tax",
                   "previous_quantity", "previous_revenue", "revenue_change_pct"});
    auto row = [&](const SalesRow& r) {
      const auto change = ChangePercent(double(r.lines_now.revenue), double(r.lines_before.revenue));
      csv.Row({Text(r.key), Text(r.label), Text(r.currency), Int(r.lines_now.quantity), Int(r.lines_now.orders),
               Decimal(r.lines_now.gross, r.currency), Decimal(r.lines_now.discount, r.currency),
               Decimal(r.lines_now.revenue, r.currency), Decimal(r.lines_now.tax, r.currency), Int(r.lines_before.quantity),
               Decimal(r.lines_before.revenue, r.currency), CsvCell::Number(change ? fmt::format("{:.1f}", *change) : "")});
    };
    for (const auto& r : report.rows) row(r);
    for (const auto& r : report.totals) row(r);
    return csv.text();
  }
  CsvWriter csv({"key", "label", "currency", "orders", "cancelled_orders", "units", "subtotal", "discounts", "tax",
                 "delivery_fees", "tips", "total", "refunds", "net", "previous_key", "previous_orders", "previous_total",
                 "previous_net", "net_change_pct"});
  auto row = [&](const SalesRow& r) {
    const auto change = ChangePercent(double(r.now.net()), double(r.before.net()));
    csv.Row({Text(r.key), Text(r.label), Text(r.currency), Int(r.now.orders), Int(r.now.cancelled), Int(r.now.units),
             Decimal(r.now.subtotal, r.currency), Decimal(r.now.discount, r.currency), Decimal(r.now.tax, r.currency),
             Decimal(r.now.delivery_fee, r.currency), Decimal(r.now.tip, r.currency), Decimal(r.now.total, r.currency),
             Decimal(r.now.refunded, r.currency), Decimal(r.now.net(), r.currency), Text(r.previous_key),
             Int(r.before.orders), Decimal(r.before.total, r.currency), Decimal(r.before.net(), r.currency),
             CsvCell::Number(change ? fmt::format("{:.1f}", *change) : "")});
  };
  for (const auto& r : report.rows) row(r);
  for (const auto& r : report.totals) row(r);
  return csv.text();
}

std::string KitchenJson(const KitchenReport& report) {
  json::array rows;
  for (const auto& r : report.rows) {
    json::object o{{"key", r.key}, {"label", r.label}};
    for (auto& [k, v] : KitchenFiguresJson(r.now)) o[k] = v;
    rows.push_back(std::move(o));
  }
  json::object o = PeriodJson(report.period);
  o["group_by"] = report.group_by;
  o["basis"] = report.basis;
  if (report.station) o["station"] = *report.station;
  o["stages"] = report.basis == "station"
                    ? "each item's stay at a station — wait: arrived → started; make (bake at an oven): started → "
                      "done; prep: arrived → done"
                    : "wait: fired → making; make: making → in the oven; bake: in the oven → ready (oven and cut table); "
                      "prep: fired → ready";
  o["previous"] = PeriodJson(report.previous);
  o["rows"] = std::move(rows);
  o["total"] = KitchenFiguresJson(report.total);
  o["previous_total"] = KitchenFiguresJson(report.total_before);
  o["change"] = json::object{
      {"prep_p50_pct", Optional(report.total.prep.p50 && report.total_before.prep.p50
                                    ? ChangePercent(*report.total.prep.p50, *report.total_before.prep.p50)
                                    : std::nullopt)},
      {"tickets_pct", Optional(ChangePercent(double(report.total.tickets), double(report.total_before.tickets)))}};
  return json_text::Serialize(o);
}

std::string KitchenCsv(const KitchenReport& report) {
  if (report.basis == "station") {
    CsvWriter csv({"key", "label", "tickets", "items", "wait_p50_s", "wait_p90_s", "make_p50_s", "make_p90_s", "bake_p50_s",
                   "bake_p90_s", "prep_p50_s", "prep_p90_s", "prep_mean_s"});
    auto row = [&](const std::string& key, const std::string& label, const KitchenFigures& f) {
      csv.Row({Text(key), Text(label), Int(f.tickets), Int(f.items.value_or(0)), SecondsCell(f.wait.p50),
               SecondsCell(f.wait.p90), SecondsCell(f.make.p50), SecondsCell(f.make.p90), SecondsCell(f.bake.p50),
               SecondsCell(f.bake.p90), SecondsCell(f.prep.p50), SecondsCell(f.prep.p90), SecondsCell(f.prep.mean)});
    };
    for (const auto& r : report.rows) row(r.key, r.label, r.now);
    row("total", "total", report.total);
    return csv.text();
  }
  CsvWriter csv({"key", "label", "tickets", "wait_p50_s", "wait_p90_s", "make_p50_s", "make_p90_s", "bake_p50_s", "bake_p90_s",
                 "prep_p50_s", "prep_p90_s", "prep_mean_s", "promised", "late", "share_late", "late_p50_s", "late_p90_s"});
  auto row = [&](const std::string& key, const std::string& label, const KitchenFigures& f) {
    csv.Row({Text(key), Text(label), Int(f.tickets), SecondsCell(f.wait.p50), SecondsCell(f.wait.p90), SecondsCell(f.make.p50),
             SecondsCell(f.make.p90), SecondsCell(f.bake.p50), SecondsCell(f.bake.p90), SecondsCell(f.prep.p50),
             SecondsCell(f.prep.p90), SecondsCell(f.prep.mean), Int(f.promised), Int(f.late),
             FractionCell(Share(f.late, f.promised)), SecondsCell(f.lateness.p50), SecondsCell(f.lateness.p90)});
  };
  for (const auto& r : report.rows) row(r.key, r.label, r.now);
  row("total", "total", report.total);
  return csv.text();
}

std::string DeliveryJson(const DeliveryReport& report) {
  json::array rows;
  for (const auto& r : report.rows) {
    json::object o{{"key", r.key}, {"label", r.label}};
    for (auto& [k, v] : DeliveryFiguresJson(r.now)) o[k] = v;
    rows.push_back(std::move(o));
  }
  json::object o = PeriodJson(report.period);
  o["group_by"] = report.group_by;
  o["previous"] = PeriodJson(report.previous);
  o["rows"] = std::move(rows);
  o["total"] = DeliveryFiguresJson(report.total);
  o["previous_total"] = DeliveryFiguresJson(report.total_before);
  return json_text::Serialize(o);
}

std::string DeliveryCsv(const DeliveryReport& report) {
  CsvWriter csv({"key", "label", "deliveries", "to_door_p50_s", "to_door_p90_s", "order_to_door_p50_s", "order_to_door_p90_s",
                 "eta_error_p50_s", "eta_error_p90_s", "promised", "late", "share_late"});
  auto row = [&](const std::string& key, const std::string& label, const DeliveryFigures& f) {
    csv.Row({Text(key), Text(label), Int(f.deliveries), SecondsCell(f.to_door.p50), SecondsCell(f.to_door.p90),
             SecondsCell(f.order_to_door.p50), SecondsCell(f.order_to_door.p90), SecondsCell(f.eta_error.p50),
             SecondsCell(f.eta_error.p90), Int(f.promised), Int(f.late), FractionCell(Share(f.late, f.promised))});
  };
  for (const auto& r : report.rows) row(r.key, r.label, r.now);
  row("total", "total", report.total);
  return csv.text();
}

std::string LateTicketsJson(const Page<LateTicket>& page) {
  json::array items;
  for (const auto& t : page.items) {
    items.push_back(json::object{{"id", t.ticket_id},
                                 {"order_id", t.order_id},
                                 {"store_id", t.store_id},
                                 {"number", t.number},
                                 {"order_type", t.order_type},
                                 {"business_date", t.local_date},
                                 {"fired_at", t.fired_at},
                                 {"ready_at", t.ready_at},
                                 {"promised_ready_at", t.promised_ready_at},
                                 {"late_seconds", Seconds(t.late_seconds)}});
  }
  return json_text::Serialize(json::object{{"items", std::move(items)}, {"next_cursor", Cursor(page.next_cursor)}});
}

std::string LateTicketsCsv(const Page<LateTicket>& page) {
  CsvWriter csv({"ticket_id", "order_id", "store_id", "number", "order_type", "business_date", "fired_at", "ready_at",
                 "promised_ready_at", "late_s"});
  for (const auto& t : page.items) {
    csv.Row({Text(t.ticket_id), Text(t.order_id), Text(t.store_id), Int(t.number), Text(t.order_type), Text(t.local_date),
             Text(t.fired_at), Text(t.ready_at), Text(t.promised_ready_at), SecondsCell(t.late_seconds)});
  }
  return csv.text();
}

std::string RefundsJson(const Page<Refund>& page) {
  json::array items;
  for (const auto& r : page.items) {
    items.push_back(json::object{{"id", r.id},
                                 {"order_id", r.order_id},
                                 {"store_id", r.store_id},
                                 {"date", r.local_date},
                                 {"at", r.at},
                                 {"amount", Money(r.amount, r.currency)},
                                 {"order_number", r.order_number},
                                 {"order_business_date", r.order_business_date},
                                 {"order_total", Money(r.order_total, r.currency)},
                                 {"reason", r.reason}});
  }
  return json_text::Serialize(json::object{{"items", std::move(items)}, {"next_cursor", Cursor(page.next_cursor)}});
}

std::string RefundsCsv(const Page<Refund>& page) {
  CsvWriter csv({"refund_id", "order_id", "store_id", "date", "at", "currency", "amount", "order_number",
                 "order_business_date", "order_total", "reason"});
  for (const auto& r : page.items) {
    csv.Row({Text(r.id), Text(r.order_id), Text(r.store_id), Text(r.local_date), Text(r.at), Text(r.currency),
             Decimal(r.amount, r.currency), Int(r.order_number), Text(r.order_business_date),
             Decimal(r.order_total, r.currency), Text(r.reason)});
  }
  return csv.text();
}

}  // namespace vetahut::analytics
