#include "services/integration/journal_format.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "lib/core/money.hpp"
#include "lib/json/write.hpp"

namespace vetahut::integration {
namespace {

namespace json = boost::json;

json::object TotalsJson(const JournalTotals& t) {
  return {{"orders", t.orders},
          {"gross_sales", t.gross_sales},
          {"discounts", t.discounts},
          {"net_sales", t.net_sales},
          {"tax", t.tax},
          {"sales_excl_tax", t.sales_excl_tax},
          {"delivery_fees", t.delivery_fees},
          {"tips", t.tips},
          {"total", t.total},
          {"refund_count", t.refund_count},
          {"refunds", t.refunds},
          {"net_total", t.net_total}};
}

json::array TaxesJson(const std::vector<TaxAmount>& taxes) {
  json::array out;
  for (const auto& t : taxes) out.push_back(json::object{{"category", t.category}, {"net", t.net}, {"tax", t.tax}});
  return out;
}

}  // namespace

std::string DecimalAmount(std::int64_t minor_units, int exponent) {
  if (exponent <= 0) return std::to_string(minor_units);
  std::uint64_t magnitude = minor_units < 0 ? std::uint64_t(0) - static_cast<std::uint64_t>(minor_units)
                                            : static_cast<std::uint64_t>(minor_units);
  std::uint64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  return fmt::format("{}{}.{:0{}}", minor_units < 0 ? "-" : "", magnitude / scale, magnitude % scale, exponent);
}

std::string CsvField(std::string_view text) {
  std::string value(text);
  const bool formula = !value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@');
  // Amounts are written by us and may be negative: only text fields pass through here.
  if (formula) value = "'" + value;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string JournalJson(const SalesJournal& journal) {
  const JournalHeader& h = journal.header;
  json::array sales;
  for (const auto& s : journal.sales) {
    sales.push_back(json::object{{"order_id", s.order_id},
                                 {"number", s.number},
                                 {"placed_business_date", s.placed_business_date},
                                 {"completed_at", s.completed_at},
                                 {"order_type", s.order_type},
                                 {"channel", s.channel},
                                 {"payment_method", s.payment_method},
                                 {"subtotal", s.subtotal},
                                 {"discounts", s.discount},
                                 {"net_sales", s.subtotal - s.discount},
                                 {"tax", s.tax},
                                 {"tax_included", s.tax_included},
                                 {"delivery_fee", s.delivery_fee},
                                 {"tip", s.tip},
                                 {"total", s.total},
                                 {"taxes", TaxesJson(s.taxes)}});
  }
  json::array refunds;
  for (const auto& r : journal.refunds) {
    refunds.push_back(json::object{{"event_id", r.event_id},
                                   {"order_id", r.order_id},
                                   {"payment_id", r.payment_id},
                                   {"payment_method", r.method},
                                   {"refunded_at", r.refunded_at},
                                   {"amount", r.amount}});
  }
  json::array payments;
  for (const auto& p : journal.payments) {
    payments.push_back(json::object{{"method", p.method},
                                    {"orders", p.orders},
                                    {"collected", p.collected},
                                    {"refund_count", p.refund_count},
                                    {"refunded", p.refunded},
                                    {"net", p.net}});
  }
  json::object doc{{"kind", "vetahut.sales_journal"},
                   {"version", 1},
                   {"store_id", h.store_id},
                   {"time_zone", h.time_zone},
                   {"business_date", h.business_date},
                   {"from", h.from},
                   {"to", h.to},
                   {"closed", h.closed},
                   {"currency", h.currency},
                   {"amounts_in", "minor units"},
                   {"totals", TotalsJson(journal.totals)},
                   {"taxes", TaxesJson(journal.taxes)},
                   {"payments", std::move(payments)},
                   {"sales", std::move(sales)},
                   {"refunds", std::move(refunds)}};
  return json_text::Serialize(doc) + "\n";
}

std::string JournalCsv(const SalesJournal& journal) {
  const JournalHeader& h = journal.header;
  const auto currency = core::Currency::Find(h.currency);
  const int exponent = currency ? currency->exponent() : 2;
  auto money = [&](std::int64_t v) { return DecimalAmount(v, exponent); };
  std::string out =
      "record,business_date,store_id,currency,order_id,order_number,placed_business_date,at,order_type,channel,"
      "payment_method,tax_category,count,gross_sales,discounts,net_sales,tax,tax_included,delivery_fees,tips,total,"
      "refunds,net_total,reference\r\n";
  // Every row starts with what it is and which day and store it belongs to, so rows can be loaded
  // into one table; the columns a kind of row does not use stay empty.
  auto row = [&](std::string_view record, std::initializer_list<std::string> rest) {
    out += fmt::format("{},{},{},{}", record, CsvField(h.business_date), CsvField(h.store_id), CsvField(h.currency));
    for (const auto& field : rest) out += "," + field;
    out += "\r\n";
  };
  for (const auto& s : journal.sales) {
    row("sale", {CsvField(s.order_id), std::to_string(s.number), CsvField(s.placed_business_date), CsvField(s.completed_at),
                 CsvField(s.order_type), CsvField(s.channel), CsvField(s.payment_method), "", "1", money(s.subtotal),
                 money(s.discount), money(s.subtotal - s.discount), money(s.tax), s.tax_included ? "true" : "false",
                 money(s.delivery_fee), money(s.tip), money(s.total), "", money(s.total), ""});
  }
  for (const auto& r : journal.refunds) {
    row("refund", {CsvField(r.order_id), "", "", CsvField(r.refunded_at), "", "", CsvField(r.method), "", "1", "", "", "",
                   "", "", "", "", "", money(r.amount), money(-r.amount), CsvField(r.payment_id)});
  }
  for (const auto& t : journal.taxes) {
    row("tax", {"", "", "", "", "", "", "", CsvField(t.category), "", "", "", money(t.net), money(t.tax), "", "", "", "",
                "", "", ""});
  }
  for (const auto& p : journal.payments) {
    row("payment", {"", "", "", "", "", "", CsvField(p.method), "", std::to_string(p.orders), "", "", "", "", "", "", "",
                    money(p.collected), money(p.refunded), money(p.net), ""});
  }
  const JournalTotals& t = journal.totals;
  row("total", {"", "", "", "", "", "", "", "", std::to_string(t.orders), money(t.gross_sales), money(t.discounts),
                money(t.net_sales), money(t.tax), "", money(t.delivery_fees), money(t.tips), money(t.total),
                money(t.refunds), money(t.net_total), h.closed ? "closed" : "open"});
  return out;
}

}  // namespace vetahut::integration
