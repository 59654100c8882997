// The analytics service on a real database (SQLite or PostgreSQL, from VETAHUT_TEST_DB_URL) with
// synthetic events through the module's own queue handler (inbox included) and a manual clock:
// facts and reports from a day of orders, a redelivered or reordered event changes nothing, a
// rebuild gives identical facts and reports, personal data stays out, a manager's scope holds,
// and the lake exports closed days once, rewrites a day whose facts changed and re-runs
// idempotently (read back here with Avro's C reader; tests/analytics_test.cpp reads it with
// Python's).
#include <avro.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <random>

#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/test_database.hpp"
#include "services/analytics/cashier_report.hpp"
#include "services/analytics/fact_folder.hpp"
#include "services/analytics/lake.hpp"
#include "services/analytics/module.hpp"
#include "services/analytics/report_render.hpp"
#include "services/analytics/reports.hpp"

namespace vetahut::analytics {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using order::events::Line;

core::TimePoint Utc(const char* text) { return *core::ParseRfc3339(text); }
DayNumber Day(const char* text) { return *ParseDate(text); }
core::MoneyAmount Usd(std::int64_t cents) { return {cents, "USD"}; }
/// Rows of a lake partition and the sum of a column.
std::pair<std::int64_t, std::int64_t> Rows(std::int64_t rows, std::int64_t sum) { return {rows, sum}; }

constexpr const char* kLoop = "str_loop";
constexpr const char* kGinza = "str_ginza";

/// Two stores: one in Chicago, one in Tokyo.
class Stores final : public location::StoreDirectoryClient {
 public:
  core::Result<location::StoreSummary> GetStore(const std::string& id) override {
    for (auto& s : All()) {
      if (s.id == id) return s;
    }
    return core::Fail(core::Error::NotFound("store '" + id + "' does not exist"));
  }
  core::Result<std::vector<location::StoreSummary>> ListStores() override { return All(); }

 private:
  static std::vector<location::StoreSummary> All() {
    return {{kLoop, "Veta Hut Loop", "USD", "en-US", "America/Chicago", "+13125550100", 41.8781, -87.6359, {}},
            {kGinza, "Veta Hut Ginza", "JPY", "ja-JP", "Asia/Tokyo", "+81355550100", 35.6717, 139.7650, {}}};
  }
};

order::events::Item Pizza() {
  return {"pepperoni_pizza", "Pepperoni", "pizzas", "pizza", "large", "Large", "hand_tossed", "Hand-tossed",
          {{"pepperoni", "Pepperoni", "whole", "normal"}, {"olives", "Olives", "left", "extra"}}, {}};
}
order::events::Item Cola() { return {"cola", "Cola", "drinks", "drink", "bottle_2l", "2-liter", "", "", {}, {}}; }

Line MakeLine(std::int64_t index, order::events::Item item, std::int64_t quantity, std::int64_t total, std::int64_t tax) {
  Line line;
  line.index = index;
  line.name = item.name;
  line.quantity = quantity;
  line.items = {std::move(item)};
  line.unit_price = Usd(total / quantity);
  line.line_total = Usd(total);
  line.discount = Usd(0);
  line.net = Usd(total);
  line.tax = Usd(tax);
  line.tax_category = "food";
  return line;
}

class AnalyticsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::OpenTestDatabase();
    ASSERT_TRUE(db_);
    for (const char* t : {"analytics_events", "analytics_stores", "analytics_products", "analytics_dates", "analytics_orders",
                          "analytics_order_lines", "analytics_order_statuses", "analytics_payments", "analytics_tickets",
                          "analytics_deliveries", "analytics_station_times", "analytics_lake_watermarks", "analytics_lake_partitions",
                          "analytics_lake_dirty", "analytics_outbox_lease", "analytics_outbox", "analytics_inbox"}) {
      db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
    }
    db_->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
              "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
    db_->Exec("DELETE FROM schema_migrations WHERE module = 'analytics'");
    db::Migrate(*db_, AllMigrations());
    facts_ = std::make_unique<FactFolder>(*db_, clock_, stores_);
    queue_ = FactSubscription(*db_, *facts_);
    reports_ = std::make_unique<ReportService>(*db_, 366);
    lake_dir_ = fs::temp_directory_path() / ("vetahut-lake-test-" + std::to_string(std::random_device{}()));
    lake_ = std::make_unique<LakeExporter>(*db_, clock_, LakeOptions{lake_dir_, "deflate", 2, std::chrono::minutes(60), 31});
  }
  void TearDown() override { fs::remove_all(lake_dir_); }

  /// An event of `payload` at `at`, as the producer's outbox would write it.
  template <class E>
  bus::CloudEvent Event(const E& payload, const char* at, const std::string& subject = "") {
    clock_.Set(Utc(at));
    return bus::MakeTypedEvent(ids_, clock_, subject, payload);
  }

  void Deliver(const std::vector<bus::CloudEvent>& events) {
    for (const auto& e : events) {
      auto handled = queue_.handler(e);
      ASSERT_TRUE(handled) << e.type << ": " << handled.error().detail;
    }
  }

  order::events::OrderConfirmed Confirmed(std::string id, std::string store, std::int64_t number, std::string channel,
                                          std::string type, const char* placed_at, std::string business_date,
                                          std::vector<Line> lines, std::int64_t tip = 0, std::int64_t fee = 0) {
    order::events::OrderConfirmed o;
    o.order_id = std::move(id);
    o.store_id = std::move(store);
    o.customer_id = "cus_ada";
    o.number = number;
    o.type = std::move(type);
    o.customer_name = "Ada";
    o.business_date = std::move(business_date);
    o.channel = std::move(channel);
    o.placed_at = placed_at;
    o.promised_at = core::FormatRfc3339(Utc(placed_at) + std::chrono::minutes(20));
    o.payment_method = "card";
    std::int64_t subtotal = 0, tax = 0;
    for (const auto& l : lines) {
      subtotal += l.line_total.amount;
      tax += l.tax->amount;
    }
    o.subtotal = Usd(subtotal);
    o.discount_total = Usd(0);
    o.tax_total = Usd(tax);
    o.delivery_fee = Usd(fee);
    o.tip = Usd(tip);
    o.total = Usd(subtotal + tax + fee + tip);
    if (o.type == "delivery") o.address = order::events::DeliveryAddress{41.88, -87.62, "1 N State St", "Chicago", "ring twice"};
    o.lines = std::move(lines);
    return o;
  }

  order::events::OrderStatusChanged Status(const order::events::OrderConfirmed& o, std::string from, std::string to,
                                           const char* at) {
    order::events::OrderStatusChanged s;
    static_cast<order::events::OrderRef&>(s) = o;
    s.previous_status = std::move(from);
    s.status = std::move(to);
    s.at = at;
    s.total = o.total;
    s.loyalty_basis = o.subtotal;
    return s;
  }

  template <class P>
  P Pay(const std::string& order_id, std::string method, std::int64_t amount, std::string status) {
    P p;
    p.order_id = order_id;
    p.payment_id = "pay_" + order_id;
    p.method = std::move(method);
    p.amount = amount;
    p.currency = "USD";
    p.status = std::move(status);
    return p;
  }

  kitchen::events::TicketStatusChanged Ticket(const order::events::OrderConfirmed& o, std::string status, const char* at,
                                              const char* fired, const char* promised_ready) {
    return {"tkt_" + o.order_id, o.order_id, o.store_id, o.number, o.type, std::move(status), "", at, fired, promised_ready,
            promised_ready};
  }

  /// Ticket A ready: its two pizzas' stays at the make line, the oven and the cut table, and the
  /// cola's at the drinks station (the times Monday() tells; all in Chicago's hour 12).
  kitchen::events::TicketStatusChanged ReadyA(const order::events::OrderConfirmed& a) {
    auto ready = Ticket(a, "ready", "2026-03-02T18:27:00Z", "2026-03-02T18:10:01Z", "2026-03-02T18:25:00Z");
    auto stay = [](std::int64_t item, const char* product, const char* station, const char* name, bool oven,
                   const char* arrived, const char* started, const char* done) {
      return kitchen::events::StationTime{item, product, oven || std::string(station) != "drinks" ? "pizza" : "drink", station,
                                          name, oven, arrived, started, done};
    };
    ready.stations = std::vector<kitchen::events::StationTime>{
        stay(0, "pepperoni_pizza", "make", "Make line", false, "2026-03-02T18:10:01Z", "2026-03-02T18:12:01Z", "2026-03-02T18:15:01Z"),
        stay(0, "pepperoni_pizza", "oven", "Oven", true, "2026-03-02T18:15:01Z", "2026-03-02T18:15:01Z", "2026-03-02T18:21:01Z"),
        stay(0, "pepperoni_pizza", "cut", "Cut & box", false, "2026-03-02T18:21:01Z", "2026-03-02T18:21:01Z", "2026-03-02T18:27:00Z"),
        stay(1, "pepperoni_pizza", "make", "Make line", false, "2026-03-02T18:10:01Z", "2026-03-02T18:12:31Z", "2026-03-02T18:15:01Z"),
        stay(1, "pepperoni_pizza", "oven", "Oven", true, "2026-03-02T18:15:01Z", "2026-03-02T18:15:01Z", "2026-03-02T18:21:01Z"),
        stay(1, "pepperoni_pizza", "cut", "Cut & box", false, "2026-03-02T18:21:01Z", "2026-03-02T18:21:01Z", "2026-03-02T18:27:00Z"),
        stay(2, "cola", "drinks", "Drinks", false, "2026-03-02T18:10:01Z", "2026-03-02T18:26:00Z", "2026-03-02T18:26:30Z")};
    return ready;
  }

  kitchen::events::DeliveryStatusChanged Delivery(const order::events::OrderConfirmed& o, std::string status, const char* at,
                                                  std::optional<std::string> eta = std::nullopt) {
    return {"dlv_" + o.order_id, o.order_id, o.store_id, std::move(status), "", std::string("drv_sam"), "Sam", std::move(eta), at};
  }

  /// Monday 2 March 2026 at the Loop store (Chicago, UTC-6), with Sunday the 1st before it:
  ///  A 12:10 web carry-out, card, two large pepperoni + a cola, tip 2.00; ticket late by 2 min;
  ///    refunded 5.00 on Tuesday;
  ///  B 17:30 kiosk delivery, pay at store, one pizza, fee 2.99; delivered 18 min after dispatch;
  ///  C 19:00 web carry-out, cancelled (no sale);
  ///  E 23:30 pos carry-out (05:30 UTC on the 3rd — still the 2nd in Chicago);
  ///  D Sunday 1st 12:00 web carry-out (the previous period);
  ///  G Monday 2nd 12:00 in Tokyo (another store, in yen).
  std::vector<bus::CloudEvent> Monday() {
    std::vector<bus::CloudEvent> ev;
    const auto a = Confirmed("ord_a", kLoop, 1, "web", "carryout", "2026-03-02T18:10:00Z", "2026-03-02",
                             {MakeLine(0, Pizza(), 2, 2998, 266), MakeLine(1, Cola(), 1, 299, 27)}, 200);
    order::events::OrderPlaced placed_a;
    static_cast<order::events::OrderRef&>(placed_a) = a;
    placed_a.status = "pending_payment";
    placed_a.total = a.total;
    ev.push_back(Event(placed_a, "2026-03-02T18:10:00.100Z", a.order_id));
    ev.push_back(Event(Pay<payment::events::PaymentAuthorized>("ord_a", "card", a.total.amount, "authorized"),
                       "2026-03-02T18:10:00.200Z"));
    ev.push_back(Event(Status(a, "pending_payment", "confirmed", "2026-03-02T18:10:00.300Z"), "2026-03-02T18:10:00.300Z"));
    ev.push_back(Event(a, "2026-03-02T18:10:00.300Z", a.order_id));
    ev.push_back(Event(Ticket(a, "queued", "2026-03-02T18:10:01Z", "2026-03-02T18:10:01Z", "2026-03-02T18:25:00Z"),
                       "2026-03-02T18:10:01Z"));
    ev.push_back(Event(Ticket(a, "making", "2026-03-02T18:12:01Z", "2026-03-02T18:10:01Z", "2026-03-02T18:25:00Z"),
                       "2026-03-02T18:12:01Z"));
    ev.push_back(Event(Status(a, "confirmed", "preparing", "2026-03-02T18:12:01Z"), "2026-03-02T18:12:01Z"));
    ev.push_back(Event(Ticket(a, "in_oven", "2026-03-02T18:15:01Z", "2026-03-02T18:10:01Z", "2026-03-02T18:25:00Z"),
                       "2026-03-02T18:15:01Z"));
    ev.push_back(Event(ReadyA(a), "2026-03-02T18:27:00Z"));
    ev.push_back(Event(Status(a, "preparing", "ready", "2026-03-02T18:27:00Z"), "2026-03-02T18:27:00Z"));
    ev.push_back(Event(Status(a, "ready", "picked_up", "2026-03-02T18:30:00Z"), "2026-03-02T18:30:00Z"));
    ev.push_back(Event(Pay<payment::events::PaymentCaptured>("ord_a", "card", a.total.amount, "captured"),
                       "2026-03-02T18:30:01Z"));
    ev.push_back(Event(Pay<payment::events::PaymentRefunded>("ord_a", "card", 500, "partially_refunded"),
                       "2026-03-03T16:00:00Z"));

    const auto b = Confirmed("ord_b", kLoop, 2, "kiosk", "delivery", "2026-03-02T23:30:00Z", "2026-03-02",
                             {MakeLine(0, Pizza(), 1, 1499, 133)}, 100, 299);
    ev.push_back(Event(Status(b, "pending_payment", "confirmed", "2026-03-02T23:30:00Z"), "2026-03-02T23:30:00Z"));
    ev.push_back(Event(b, "2026-03-02T23:30:00Z", b.order_id));
    ev.push_back(Event(Pay<payment::events::PaymentDue>("ord_b", "pay_at_store", b.total.amount, "due"), "2026-03-02T23:30:00Z"));
    ev.push_back(Event(Delivery(b, "waiting", "2026-03-02T23:45:00Z"), "2026-03-02T23:45:00Z"));
    ev.push_back(Event(Delivery(b, "out_for_delivery", "2026-03-02T23:50:00Z", "2026-03-03T00:05:00Z"), "2026-03-02T23:50:00Z"));
    ev.push_back(Event(Delivery(b, "delivered", "2026-03-03T00:08:00Z", "2026-03-03T00:06:00Z"), "2026-03-03T00:08:00Z"));
    ev.push_back(Event(Status(b, "out_for_delivery", "delivered", "2026-03-03T00:08:00Z"), "2026-03-03T00:08:00Z"));

    const auto c = Confirmed("ord_c", kLoop, 3, "web", "carryout", "2026-03-03T01:00:00Z", "2026-03-02",
                             {MakeLine(0, Pizza(), 1, 1499, 133)});
    ev.push_back(Event(Status(c, "pending_payment", "confirmed", "2026-03-03T01:00:00Z"), "2026-03-03T01:00:00Z"));
    ev.push_back(Event(c, "2026-03-03T01:00:00Z", c.order_id));
    ev.push_back(Event(Status(c, "confirmed", "cancelled", "2026-03-03T01:02:00Z"), "2026-03-03T01:02:00Z"));

    const auto e = Confirmed("ord_e", kLoop, 4, "pos", "carryout", "2026-03-03T05:30:00Z", "2026-03-02",
                             {MakeLine(0, Cola(), 2, 598, 53)});
    ev.push_back(Event(e, "2026-03-03T05:30:00Z", e.order_id));

    const auto d = Confirmed("ord_d", kLoop, 1, "web", "carryout", "2026-03-01T18:00:00Z", "2026-03-01",
                             {MakeLine(0, Pizza(), 1, 1499, 133)});
    ev.push_back(Event(d, "2026-03-01T18:00:00Z", d.order_id));

    auto g = Confirmed("ord_g", kGinza, 1, "web", "carryout", "2026-03-02T03:00:00Z", "2026-03-02", {});
    g.lines = {MakeLine(0, Pizza(), 1, 1500, 150)};
    for (auto* m : {&g.lines[0].unit_price, &g.lines[0].line_total, &*g.lines[0].net, &*g.lines[0].tax, &*g.lines[0].discount,
                    &g.subtotal, &g.discount_total, &g.tax_total, &g.delivery_fee, &g.tip, &g.total}) {
      m->currency = "JPY";
    }
    g.subtotal.amount = 1500;
    g.tax_total.amount = 150;
    g.total.amount = 1650;
    ev.push_back(Event(g, "2026-03-02T03:00:00Z", g.order_id));
    return ev;
  }

  ReportQuery Query(const char* from, const char* to, std::string group_by, std::optional<std::string> store = std::nullopt) {
    return {std::move(store), {Day(from), Day(to)}, std::move(group_by), ReportFormat::kJson};
  }

  /// Every report of the scenario, rendered: what a rebuild or a redelivery must not change.
  std::string AllReports() {
    const StoreScope all{true, {}};
    std::string out;
    for (const char* group : {"day", "hour", "product", "category", "channel", "store", "type"}) {
      out += SalesJson(reports_->Sales(Query("2026-03-02", "2026-03-03", group), all)) + "\n";
    }
    for (const char* group : {"hour", "day", "store", "type", "station"}) {
      out += KitchenJson(reports_->Kitchen(Query("2026-03-01", "2026-03-03", group), all)) + "\n";
    }
    auto oven = Query("2026-03-01", "2026-03-03", "hour");
    oven.station = "oven";
    out += KitchenJson(reports_->Kitchen(oven, all)) + "\n";
    for (const char* group : {"hour", "day", "store", "driver"}) {
      out += DeliveryJson(reports_->Deliveries(Query("2026-03-01", "2026-03-03", group), all)) + "\n";
    }
    out += LateTicketsJson(*reports_->LateTickets(Query("2026-03-01", "2026-03-03", ""), all, 50, "")) + "\n";
    out += RefundsJson(*reports_->Refunds(Query("2026-03-01", "2026-03-04", ""), all, 50, "")) + "\n";
    return out;
  }

  /// Every fact row, in key order.
  std::string AllFacts() {
    std::string out;
    for (const char* q : {"SELECT * FROM analytics_orders ORDER BY order_id",
                          "SELECT * FROM analytics_order_lines ORDER BY order_id, line_index",
                          "SELECT * FROM analytics_order_statuses ORDER BY event_id",
                          "SELECT * FROM analytics_payments ORDER BY event_id", "SELECT * FROM analytics_tickets ORDER BY ticket_id",
                          "SELECT * FROM analytics_deliveries ORDER BY delivery_id",
                          "SELECT * FROM analytics_station_times ORDER BY ticket_id, item_index, visit_no",
                          "SELECT * FROM analytics_products ORDER BY product_id", "SELECT * FROM analytics_dates ORDER BY date",
                          "SELECT event_id, store_id, local_date FROM analytics_events ORDER BY event_id"}) {
      for (const auto& row : db_->Query(q)) {
        for (std::size_t i = 0; i < row.size(); ++i) out += (row.IsNull(i) ? "NULL" : row.Text(i)) + "|";
        out += "\n";
      }
    }
    return out;
  }

  json::object SalesTotals(const char* from, const char* to, const StoreScope& scope, const char* currency = "USD") {
    const auto report = json::parse(SalesJson(reports_->Sales(Query(from, to, "day"), scope)));
    for (const auto& t : report.at("totals").as_array()) {
      if (t.at("currency").as_string() == currency) return t.as_object();
    }
    return {};
  }

  /// Rows and the sum of one long column across a lake partition, read with Avro's C library.
  std::pair<std::int64_t, std::int64_t> ReadLake(const std::string& dataset, const char* date, const char* store,
                                                 const char* column) {
    std::int64_t rows = 0, sum = 0;
    const fs::path dir = lake_dir_ / dataset / (std::string("date=") + date) / (std::string("store=") + store);
    if (!fs::exists(dir)) return {0, 0};
    for (const auto& entry : fs::directory_iterator(dir)) {
      avro_file_reader_t reader;
      EXPECT_EQ(avro_file_reader(entry.path().c_str(), &reader), 0) << avro_strerror();
      avro_schema_t schema = avro_file_reader_get_writer_schema(reader);
      avro_value_iface_t* iface = avro_generic_class_from_schema(schema);
      avro_value_t value;
      avro_generic_value_new(iface, &value);
      while (avro_file_reader_read_value(reader, &value) == 0) {
        ++rows;
        avro_value_t field;
        if (avro_value_get_by_name(&value, column, &field, nullptr) == 0) {
          std::int64_t v = 0;
          avro_value_get_long(&field, &v);
          sum += v;
        }
      }
      avro_value_decref(&value);
      avro_value_iface_decref(iface);
      avro_schema_decref(schema);
      avro_file_reader_close(reader);
    }
    return {rows, sum};
  }

  std::unique_ptr<db::Database> db_;
  core::ManualClock clock_{Utc("2026-03-01T00:00:00Z")};
  core::IdGenerator ids_{clock_};
  Stores stores_;
  std::unique_ptr<FactFolder> facts_;
  bus::Subscription queue_;
  std::unique_ptr<ReportService> reports_;
  fs::path lake_dir_;
  std::unique_ptr<LakeExporter> lake_;
};

TEST_F(AnalyticsServiceTest, ADayOfOrdersBecomesFactsAndReportsToTheCent) {
  Deliver(Monday());
  const StoreScope all{true, {}};
  // Monday in Chicago: A, B and E sold (C was cancelled); Sunday D before it.
  const auto monday = SalesTotals("2026-03-02", "2026-03-02", all);
  EXPECT_EQ(monday.at("orders").as_int64(), 3) << monday;
  EXPECT_EQ(monday.at("cancelled_orders").as_int64(), 1);
  const std::int64_t a = 2998 + 299 + 266 + 27 + 200, b = 1499 + 133 + 100 + 299, e = 598 + 53;
  EXPECT_EQ(monday.at("total").at("amount").as_int64(), a + b + e);
  EXPECT_EQ(monday.at("tax").at("amount").as_int64(), 266 + 27 + 133 + 53);
  EXPECT_EQ(monday.at("tips").at("amount").as_int64(), 300);
  EXPECT_EQ(monday.at("delivery_fees").at("amount").as_int64(), 299);
  EXPECT_EQ(monday.at("refunds").at("amount").as_int64(), 500);  // A's refund on Tuesday counts against A's day
  EXPECT_EQ(monday.at("net").at("amount").as_int64(), a + b + e - 500);
  EXPECT_EQ(monday.at("previous").at("orders").as_int64(), 1);
  EXPECT_EQ(monday.at("previous").at("total").at("amount").as_int64(), 1499 + 133);
  // Tokyo sold in yen, in its own total.
  EXPECT_EQ(SalesTotals("2026-03-02", "2026-03-02", all, "JPY").at("total").at("amount").as_int64(), 1650);

  // By hour of the store's clock: A at 12, B at 17, E at 23 (05:30 UTC the next day).
  const auto hours = json::parse(SalesJson(reports_->Sales(Query("2026-03-02", "2026-03-02", "hour", kLoop), {false, {kLoop}})));
  std::map<std::string, std::int64_t> by_hour;
  for (const auto& r : hours.at("rows").as_array()) by_hour[std::string(r.at("key").as_string())] = r.at("orders").as_int64();
  EXPECT_EQ(by_hour, (std::map<std::string, std::int64_t>{{"12", 1}, {"17", 1}, {"19", 0}, {"23", 1}}));

  // By product: pepperoni 3 (A's two, B's one; C's was cancelled), revenue net of discounts.
  const auto products = json::parse(SalesJson(reports_->Sales(Query("2026-03-02", "2026-03-02", "product"), {false, {kLoop}})));
  const auto& top = products.at("rows").as_array()[0];
  EXPECT_EQ(top.at("key").as_string(), "pepperoni_pizza");
  EXPECT_EQ(top.at("label").as_string(), "Pepperoni");
  EXPECT_EQ(top.at("quantity").as_int64(), 3);
  EXPECT_EQ(top.at("orders").as_int64(), 2);
  EXPECT_EQ(top.at("revenue").at("amount").as_int64(), 2998 + 1499);
  EXPECT_EQ(products.at("totals").as_array()[0].at("quantity").as_int64(), 3 + 1 + 2);  // pizzas and colas

  // By channel: web A, kiosk B, pos E.
  const auto channels = json::parse(SalesJson(reports_->Sales(Query("2026-03-02", "2026-03-02", "channel"), {false, {kLoop}})));
  std::map<std::string, std::int64_t> by_channel;
  for (const auto& r : channels.at("rows").as_array()) {
    by_channel[std::string(r.at("key").as_string())] = r.at("total").at("amount").as_int64();
  }
  EXPECT_EQ(by_channel, (std::map<std::string, std::int64_t>{{"kiosk", b}, {"pos", e}, {"web", a}}));

  // The kitchen: one ticket, 2 min waiting, 3 making, 11:59 in the oven and cut; ready 2 min late.
  const auto kitchen = json::parse(KitchenJson(reports_->Kitchen(Query("2026-03-02", "2026-03-02", "hour"), all)));
  EXPECT_EQ(kitchen.at("basis").as_string(), "ticket");
  const auto& k = kitchen.at("total");
  EXPECT_EQ(k.at("tickets").as_int64(), 1);
  EXPECT_EQ(k.at("wait_seconds").at("p50").as_double(), 120.0);
  EXPECT_EQ(k.at("make_seconds").at("p50").as_double(), 180.0);
  EXPECT_EQ(k.at("prep_seconds").at("p50").as_double(), 1019.0);
  EXPECT_EQ(k.at("promise").at("late").as_int64(), 1);
  EXPECT_EQ(k.at("promise").at("share_late").as_double(), 1.0);
  EXPECT_EQ(k.at("promise").at("ready_minus_promised_seconds").at("p90").as_double(), 120.0);
  const auto late = *reports_->LateTickets(Query("2026-03-02", "2026-03-02", ""), all, 10, "");
  ASSERT_EQ(late.items.size(), 1u);
  EXPECT_EQ(late.items[0].order_id, "ord_a");
  EXPECT_EQ(late.items[0].late_seconds, 120.0);

  // Delivery: dispatched 17:50, at the door 18:08 (two minutes after the ETA told).
  const auto delivery = json::parse(DeliveryJson(reports_->Deliveries(Query("2026-03-02", "2026-03-02", "driver"), all)));
  EXPECT_EQ(delivery.at("total").at("deliveries").as_int64(), 1);
  EXPECT_EQ(delivery.at("total").at("to_door_seconds").at("p50").as_double(), 18 * 60.0);
  EXPECT_EQ(delivery.at("total").at("order_to_door_seconds").at("p50").as_double(), 38 * 60.0);
  EXPECT_EQ(delivery.at("total").at("eta_error_seconds").at("p50").as_double(), 3 * 60.0);
  EXPECT_EQ(delivery.at("rows").as_array()[0].at("key").as_string(), "drv_sam");

  // The refund, on the day it was made.
  const auto refunds = *reports_->Refunds(Query("2026-03-03", "2026-03-03", ""), all, 10, "");
  ASSERT_EQ(refunds.items.size(), 1u);
  EXPECT_EQ(refunds.items[0].order_id, "ord_a");
  EXPECT_EQ(refunds.items[0].amount, 500);
  EXPECT_EQ(refunds.items[0].order_business_date, "2026-03-02");
  EXPECT_TRUE(reports_->Refunds(Query("2026-03-02", "2026-03-02", ""), all, 10, "")->items.empty());

  // The order facts: final statuses and money.
  auto order = db_->Query("SELECT final_status, captured, refunded, guest, local_hour FROM analytics_orders WHERE order_id = 'ord_a'");
  EXPECT_EQ(order[0].Text("final_status"), "picked_up");
  EXPECT_EQ(order[0].Int("captured"), a);
  EXPECT_EQ(order[0].Int("refunded"), 500);
  EXPECT_FALSE(order[0].Bool("guest"));
  EXPECT_EQ(db_->Query("SELECT final_status FROM analytics_orders WHERE order_id = 'ord_c'")[0].Text("final_status"), "cancelled");
  // The payment authorized before the order was confirmed is dated once its store is known.
  EXPECT_EQ(db_->Query("SELECT store_id, local_date FROM analytics_payments WHERE kind = 'authorized'")[0].Text("local_date"),
            "2026-03-02");
}

TEST_F(AnalyticsServiceTest, KitchenTimesPerStationComeFromTheReadyTicketsStays) {
  Deliver(Monday());
  const StoreScope loop{false, {kLoop}};
  const auto report = json::parse(KitchenJson(reports_->Kitchen(Query("2026-03-02", "2026-03-02", "station"), loop)));
  EXPECT_EQ(report.at("basis").as_string(), "station");
  std::vector<std::string> rows;
  for (const auto& r : report.at("rows").as_array()) {
    auto p50 = [&](const char* stage) {
      const auto& v = r.at(stage).at("p50");
      return v.is_null() ? std::string("-") : fmt::format("{}", v.to_number<double>());
    };
    rows.push_back(fmt::format("{} ({}): {} tickets, {} items, wait {}, make {}, bake {}, prep {}", r.at("key").as_string(),
                               r.at("label").as_string(), r.at("tickets").as_int64(), r.at("items").as_int64(),
                               p50("wait_seconds"), p50("make_seconds"), p50("bake_seconds"), p50("prep_seconds")));
    EXPECT_FALSE(r.as_object().contains("promise")) << "promises are the ticket's, not a station's";
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"cut (Cut & box): 1 tickets, 2 items, wait 0, make 359, bake -, prep 359",
                                            "drinks (Drinks): 1 tickets, 1 items, wait 959, make 30, bake -, prep 989",
                                            "make (Make line): 1 tickets, 2 items, wait 135, make 165, bake -, prep 300",
                                            "oven (Oven): 1 tickets, 2 items, wait 0, make -, bake 360, prep 360"}));
  EXPECT_EQ(report.at("total").at("items").as_int64(), 7);

  // One station by hour: the oven, at noon in Chicago.
  auto oven = Query("2026-03-02", "2026-03-02", "hour");
  oven.station = "oven";
  const auto by_hour = json::parse(KitchenJson(reports_->Kitchen(oven, loop)));
  EXPECT_EQ(by_hour.at("station").as_string(), "oven");
  ASSERT_EQ(by_hour.at("rows").as_array().size(), 1u) << by_hour;
  EXPECT_EQ(by_hour.at("rows").as_array()[0].at("key").as_string(), "12");
  EXPECT_EQ(by_hour.at("rows").as_array()[0].at("items").as_int64(), 2);
  const auto csv = KitchenCsv(reports_->Kitchen(oven, loop));
  EXPECT_TRUE(csv.starts_with("key,label,tickets,items,wait_p50_s,")) << csv;
  EXPECT_NE(csv.find("\r\n12,12,1,2,"), std::string::npos) << csv;

  // Recalled and ready again later: the newer stays replace the first; the first ready event
  // redelivered after it changes nothing.
  const auto a = Confirmed("ord_a", kLoop, 1, "web", "carryout", "2026-03-02T18:10:00Z", "2026-03-02", {});
  auto again = ReadyA(a);
  again.at = "2026-03-02T18:31:00Z";
  again.stations->resize(1);
  (*again.stations)[0].done_at = "2026-03-02T18:16:01Z";
  Deliver({Event(again, "2026-03-02T18:31:00Z"), Event(ReadyA(a), "2026-03-02T18:27:00Z")});
  const auto make = json::parse(KitchenJson(reports_->Kitchen(Query("2026-03-02", "2026-03-02", "station"), loop)));
  ASSERT_EQ(make.at("rows").as_array().size(), 1u) << make;
  EXPECT_EQ(make.at("rows").as_array()[0].at("make_seconds").at("p50").to_number<double>(), 240);
}

TEST_F(AnalyticsServiceTest, CsvHasAHeaderRowAndDecimalMoney) {
  Deliver(Monday());
  const auto csv = SalesCsv(reports_->Sales(Query("2026-03-02", "2026-03-02", "channel"), {false, {kLoop}}));
  EXPECT_TRUE(csv.starts_with("key,label,currency,orders,cancelled_orders,units,subtotal,discounts,tax,delivery_fees,tips,"
                              "total,refunds,net,previous_key,previous_orders,previous_total,previous_net,net_change_pct\r\n"))
      << csv;
  EXPECT_NE(csv.find("\r\nweb,web,USD,1,1,3,32.97,0.00,2.93,0.00,2.00,37.90,5.00,32.90,web,1,16.32,16.32,101.6\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\r\ntotal,total,USD,3,"), std::string::npos) << csv;
}

TEST_F(AnalyticsServiceTest, ARedeliveredEventChangesNothing) {
  const auto events = Monday();
  Deliver(events);
  const std::string reports = AllReports(), facts = AllFacts();
  const auto count = [&] { return db_->Query("SELECT COUNT(*) AS n FROM analytics_events")[0].Int("n"); };
  const auto before = count();
  EXPECT_EQ(before, static_cast<std::int64_t>(events.size()));
  Deliver(events);  // every event again, as the bus would after a crash before its acknowledgement
  EXPECT_EQ(count(), before);
  EXPECT_EQ(AllReports(), reports);
  EXPECT_EQ(AllFacts(), facts);
}

TEST_F(AnalyticsServiceTest, EventsInAnyOrderGiveTheSameFacts) {
  auto events = Monday();
  Deliver(events);
  const std::string reports = AllReports(), facts = AllFacts();
  std::mt19937 rng(14);
  for (int round = 0; round < 3; ++round) {
    TearDown();
    SetUp();  // an empty database
    std::shuffle(events.begin(), events.end(), rng);
    Deliver(events);
    EXPECT_EQ(AllReports(), reports) << "round " << round;
    EXPECT_EQ(AllFacts(), facts) << "round " << round;
  }
}

TEST_F(AnalyticsServiceTest, ARebuildFromTheStoredEventsGivesIdenticalReports) {
  Deliver(Monday());
  const std::string reports = AllReports(), facts = AllFacts();
  // A fact damaged by hand (or by a fold rule since fixed) is restored by the rebuild.
  db_->Exec("UPDATE analytics_orders SET total = 1 WHERE order_id = 'ord_a'");
  db_->Exec("DELETE FROM analytics_tickets");
  ASSERT_NE(AllReports(), reports);
  auto rebuilt = facts_->Rebuild();
  ASSERT_TRUE(rebuilt) << rebuilt.error().detail;
  EXPECT_EQ(rebuilt->events, static_cast<std::int64_t>(Monday().size()));
  EXPECT_EQ(rebuilt->orders, 6);
  EXPECT_EQ(rebuilt->tickets, 1);
  EXPECT_EQ(rebuilt->deliveries, 1);
  EXPECT_EQ(AllReports(), reports);
  EXPECT_EQ(AllFacts(), facts);
  // And the queue goes on folding after it.
  order::events::OrderStatusChanged refunded;
  refunded.order_id = "ord_e";
  refunded.store_id = kLoop;
  refunded.status = "cancelled";
  refunded.previous_status = "confirmed";
  refunded.at = "2026-03-03T05:40:00Z";
  refunded.total = refunded.loyalty_basis = Usd(651);
  Deliver({Event(refunded, "2026-03-03T05:40:00Z")});
  EXPECT_EQ(SalesTotals("2026-03-02", "2026-03-02", {true, {}}).at("cancelled_orders").as_int64(), 2);
}

TEST_F(AnalyticsServiceTest, PersonalDataStaysOutOfAnalytics) {
  Deliver(Monday());
  for (const auto& row : db_->Query("SELECT type, data FROM analytics_events")) {
    const std::string data = row.Text("data");
    EXPECT_EQ(data.find("Ada"), std::string::npos) << row.Text("type") << ": " << data;
    EXPECT_EQ(data.find("1 N State St"), std::string::npos) << data;
    EXPECT_EQ(data.find("ring twice"), std::string::npos) << data;
    EXPECT_EQ(data.find("\"Sam\""), std::string::npos) << data;
  }
  // What stays is enough to refold: the confirmed order still decodes with its lines.
  auto confirmed = db_->Query("SELECT data FROM analytics_events WHERE type = 'com.vetahut.order.confirmed' AND order_id = 'ord_b'");
  auto decoded = order::events::OrderConfirmed::FromJson(confirmed[0].Text("data"));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->lines.size(), 1u);
  EXPECT_FALSE(decoded->address);
}

TEST_F(AnalyticsServiceTest, AReportCoversOnlyTheStoresOfItsScope) {
  Deliver(Monday());
  EXPECT_TRUE(SalesTotals("2026-03-02", "2026-03-02", {false, {kGinza}}, "USD").empty());
  EXPECT_EQ(SalesTotals("2026-03-02", "2026-03-02", {false, {kGinza}}, "JPY").at("orders").as_int64(), 1);
  EXPECT_EQ(SalesTotals("2026-03-02", "2026-03-02", {false, {kLoop}}).at("orders").as_int64(), 3);
  EXPECT_TRUE(SalesTotals("2026-03-02", "2026-03-02", {false, {}}).empty());
  const auto stores = json::parse(SalesJson(reports_->Sales(Query("2026-03-02", "2026-03-02", "store"), {true, {}})));
  std::set<std::string> labels;
  for (const auto& r : stores.at("rows").as_array()) labels.insert(std::string(r.at("label").as_string()));
  EXPECT_EQ(labels, (std::set<std::string>{"Veta Hut Loop", "Veta Hut Ginza"}));
}

TEST_F(AnalyticsServiceTest, TheLakeExportsClosedDaysOnceAndRewritesADayWhoseFactsChanged) {
  auto events = Monday();
  const auto refund = events[12];
  ASSERT_EQ(refund.type, "com.vetahut.payment.refunded");
  events.erase(events.begin() + 12);
  Deliver(events);
  // Wednesday 4 March, 00:30 in Chicago: Tuesday closes at 01:00 (the 60-minute delay).
  clock_.Set(Utc("2026-03-04T06:30:00Z"));
  auto round = lake_->ExportDue();
  EXPECT_FALSE(round.more);
  auto watermark = [&](const char* store) {
    return db_->Query("SELECT exported_through FROM analytics_lake_watermarks WHERE store_id = $1", db::Params(std::string(store)))[0]
        .Text("exported_through");
  };
  EXPECT_EQ(watermark(kLoop), "2026-03-02");
  EXPECT_EQ(watermark(kGinza), "2026-03-03");  // Tokyo is already on Wednesday afternoon
  // Monday at the Loop: four orders (C too, with its final status), two files of two rows each.
  EXPECT_EQ(ReadLake("orders", "2026-03-02", kLoop, "total"), Rows(4, 3790 + 2031 + 1632 + 651));
  EXPECT_EQ(ReadLake("order_lines", "2026-03-02", kLoop, "quantity"), Rows(5, 2 + 1 + 1 + 1 + 2));
  EXPECT_EQ(ReadLake("tickets", "2026-03-02", kLoop, "number").first, 1);
  EXPECT_EQ(ReadLake("orders", "2026-03-01", kLoop, "total").first, 1);
  const std::int64_t monday_events =
      db_->Query("SELECT COUNT(*) AS n FROM analytics_events WHERE store_id = 'str_loop' AND local_date = '2026-03-02'")[0].Int("n");
  EXPECT_EQ(ReadLake("events", "2026-03-02", kLoop, "time_us").first, monday_events);
  EXPECT_TRUE(fs::exists(lake_dir_ / "orders/date=2026-03-02/store=str_loop/part-00001.avro"));
  // Tokyo's Monday is a partition of its own, in yen.
  EXPECT_EQ(ReadLake("orders", "2026-03-02", kGinza, "total"), Rows(1, 1650));

  // Nothing more is due; a second round writes nothing.
  EXPECT_EQ(lake_->ExportDue().days, 0);

  // The refund arrives late (Wednesday): Monday's orders partition is rewritten with it.
  Deliver({refund});
  round = lake_->ExportDue();
  EXPECT_EQ(round.days, 1);
  EXPECT_EQ(ReadLake("orders", "2026-03-02", kLoop, "refunded").second, 500);
  EXPECT_EQ(lake_->ExportDue().days, 0);

  // Re-running a day writes the same rows; a day that lost its rows loses its files.
  const auto orders = ReadLake("orders", "2026-03-02", kLoop, "total");
  const auto again = lake_->ExportPeriod(std::string(kLoop), {Day("2026-03-02"), Day("2026-03-02")});
  EXPECT_EQ(ReadLake("orders", "2026-03-02", kLoop, "total"), orders);
  EXPECT_EQ(again.days, 1);
  db_->Exec("DELETE FROM analytics_tickets");
  lake_->ExportPeriod(std::string(kLoop), {Day("2026-03-02"), Day("2026-03-02")});
  EXPECT_FALSE(fs::exists(lake_dir_ / "tickets/date=2026-03-02"));
  // Every file carries its schema and is deflate-compressed.
  avro_file_reader_t reader;
  ASSERT_EQ(avro_file_reader((lake_dir_ / "orders/date=2026-03-02/store=str_loop/part-00000.avro").c_str(), &reader), 0);
  avro_schema_t schema = avro_file_reader_get_writer_schema(reader);
  EXPECT_STREQ(avro_schema_name(schema), "orders");
  avro_schema_decref(schema);
  avro_file_reader_close(reader);
}

TEST_F(AnalyticsServiceTest, TheLakeResumesFromItsWatermark) {
  Deliver(Monday());
  db_->Exec("INSERT INTO analytics_lake_watermarks (store_id, exported_through, updated_at) VALUES ('str_loop', '2026-03-01', 'x')");
  clock_.Set(Utc("2026-03-03T12:00:00Z"));  // Monday in Chicago is closed, Tuesday is not
  auto behind = [&] {
    for (const auto& [store, days] : lake_->DaysBehind()) {
      if (store == kLoop) return days;
    }
    return std::int64_t{-1};
  };
  EXPECT_EQ(behind(), 1);  // what /metrics shows as analytics_lake_days_behind
  const auto round = lake_->ExportDue();
  EXPECT_EQ(behind(), 0);
  std::set<std::string> loop_days;
  for (const auto& w : round.written) {
    if (w.store_id == kLoop) loop_days.insert(w.date);
  }
  EXPECT_EQ(loop_days, (std::set<std::string>{"2026-03-02"}));  // not Sunday again
  EXPECT_FALSE(fs::exists(lake_dir_ / "orders/date=2026-03-01/store=str_loop"));
}

TEST_F(AnalyticsServiceTest, TheCashierEndOfDaySumsEachCashiersCounterOrdersAndTheirDrawer) {
  // Monday at the Loop: Kim takes two counter orders in cash (one refunded in part, in cash, on
  // the day) and one by card; Lee one in cash that is cancelled; a web order has no cashier.
  auto counter = [&](std::string id, std::int64_t number, std::string cashier, std::string method) {
    auto o = Confirmed(std::move(id), kLoop, number, "pos", "carryout", "2026-03-02T18:00:00Z", "2026-03-02",
                       {MakeLine(0, Pizza(), 2, 2000, 200)});
    o.cashier_name = cashier == "stf_kim" ? std::optional<std::string>("Kim") : std::nullopt;
    o.cashier_id = std::move(cashier);
    o.payment_method = std::move(method);
    return o;
  };
  const auto k1 = counter("ord_k1", 1, "stf_kim", "pay_at_store");
  const auto k2 = counter("ord_k2", 2, "stf_kim", "pay_at_store");
  const auto k3 = counter("ord_k3", 3, "stf_kim", "card");
  const auto l1 = counter("ord_l1", 4, "stf_lee", "pay_at_store");
  const auto web = Confirmed("ord_w", kLoop, 5, "web", "carryout", "2026-03-02T18:05:00Z", "2026-03-02",
                             {MakeLine(0, Pizza(), 1, 1000, 100)});
  std::vector<bus::CloudEvent> ev;
  for (const auto* o : {&k1, &k2, &k3, &l1, &web}) ev.push_back(Event(*o, "2026-03-02T18:00:01Z", o->order_id));
  using payment::events::PaymentCaptured;
  using payment::events::PaymentRefunded;
  ev.push_back(Event(Pay<PaymentCaptured>("ord_k1", "pay_at_store", 2200, "captured"), "2026-03-02T18:00:02Z", "ord_k1"));
  ev.push_back(Event(Pay<PaymentCaptured>("ord_k2", "pay_at_store", 2200, "captured"), "2026-03-02T18:00:02Z", "ord_k2"));
  ev.push_back(Event(Pay<PaymentCaptured>("ord_k3", "card", 2200, "captured"), "2026-03-02T18:30:00Z", "ord_k3"));
  ev.push_back(Event(Pay<PaymentCaptured>("ord_l1", "pay_at_store", 2200, "captured"), "2026-03-02T18:00:02Z", "ord_l1"));
  ev.push_back(Event(Pay<PaymentCaptured>("ord_w", "card", 1100, "captured"), "2026-03-02T18:40:00Z", "ord_w"));
  auto cold = Pay<PaymentRefunded>("ord_k2", "pay_at_store", 1100, "partially_refunded");
  cold.reason = "cold pizza";
  ev.push_back(Event(cold, "2026-03-02T19:00:00Z", "ord_k2"));
  ev.push_back(Event(Status(l1, "confirmed", "cancelled", "2026-03-02T18:10:00Z"), "2026-03-02T18:10:00Z", "ord_l1"));
  ev.push_back(Event(Pay<PaymentRefunded>("ord_l1", "pay_at_store", 2200, "refunded"), "2026-03-02T18:10:01Z", "ord_l1"));
  Deliver(ev);

  CashierReports cashiers(*db_, 31);
  ReportQuery monday{std::nullopt, {Day("2026-03-02"), Day("2026-03-02")}, "", ReportFormat::kJson};
  auto report = cashiers.Summary(monday, StoreScope{false, {kLoop}}, std::nullopt);
  ASSERT_EQ(report.rows.size(), 2u);  // the web order has no cashier
  const auto& kim = report.rows[0].cashier_id == "stf_kim" ? report.rows[0] : report.rows[1];
  const auto& lee = report.rows[0].cashier_id == "stf_kim" ? report.rows[1] : report.rows[0];
  EXPECT_EQ(kim.cashier_name, "Kim");
  EXPECT_EQ(lee.cashier_name, "");  // no name given
  EXPECT_EQ(kim.figures.orders, 3);
  EXPECT_EQ(kim.figures.sales, 3 * 2200);
  EXPECT_EQ(kim.figures.cash_collected, 4400);
  EXPECT_EQ(kim.figures.cash_refunded, 1100);
  EXPECT_EQ(kim.figures.cash_expected(), 3300);
  EXPECT_EQ(kim.figures.card_captured, 2200);
  EXPECT_EQ(lee.figures.orders, 1);
  EXPECT_EQ(lee.figures.cancelled, 1);
  EXPECT_EQ(lee.figures.sales, 0);
  EXPECT_EQ(lee.figures.cash_expected(), 0);  // collected, then given back
  ASSERT_EQ(report.totals.size(), 1u);
  EXPECT_EQ(report.totals[0].figures.cash_expected(), 3300);

  // One cashier only; another store's scope sees nothing; the next day holds none of it.
  auto only_kim = cashiers.Summary(monday, StoreScope{true, {}}, std::string("stf_kim"));
  ASSERT_EQ(only_kim.rows.size(), 1u);
  EXPECT_EQ(only_kim.rows[0].figures.cash_expected(), 3300);
  EXPECT_TRUE(cashiers.Summary(monday, StoreScope{false, {kGinza}}, std::nullopt).rows.empty());
  ReportQuery tuesday{std::nullopt, {Day("2026-03-03"), Day("2026-03-03")}, "", ReportFormat::kJson};
  EXPECT_TRUE(cashiers.Summary(tuesday, StoreScope{true, {}}, std::nullopt).rows.empty());

  // The refunds report says why (the reason travels with payment.refunded).
  const auto refunds = *reports_->Refunds(monday, StoreScope{true, {}}, 10, "");
  auto given = std::find_if(refunds.items.begin(), refunds.items.end(), [](const Refund& r) { return r.order_id == "ord_k2"; });
  ASSERT_NE(given, refunds.items.end());
  EXPECT_EQ(given->reason, "cold pizza");
  EXPECT_NE(RefundsCsv(refunds).find(",cold pizza\r\n"), std::string::npos) << RefundsCsv(refunds);

  const std::string csv = CashiersCsv(report);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "store_id,cashier_id,cashier_name,currency,orders,cancelled,sales,cash_collected,cash_refunded,cash_expected,card_captured,"
            "card_refunded");
  EXPECT_NE(csv.find("str_loop,stf_kim,Kim,USD,3,0,66.00,44.00,11.00,33.00,22.00,0.00"), std::string::npos) << csv;
}

}  // namespace
}  // namespace vetahut::analytics
