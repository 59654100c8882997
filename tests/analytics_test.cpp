// End to end through the real binary (SQLite and PostgreSQL): orders placed, worked, delivered,
// cancelled and refunded through the API become facts whose reports match the orders to the
// cent; a manager sees only their store; every report has a CSV variant; bad parameters are
// precise 422s; a rebuild gives the same report; and the lake written for the day is read back
// by an independent reader (Python's Avro library, tests/lake_reader.py) whose counts and sums
// are the reports'.
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "order_fixture.hpp"

namespace vetahut::testing {
namespace {

class AnalyticsE2E : public OrderFixture {
 protected:
  /// A second 24/7 store in Chicago with its own manager; returns its id.
  std::string OpenSecondStore() {
    std::string body = StoreBody("Veta Hut River North", 41.8930);
    const std::string services = R"(["delivery","carryout"])";
    body.replace(body.find(services), services.size(), R"(["delivery","carryout","dine_in"])");  // the fixture's hours have all three
    auto store = client_.Post(url_ + "/api/v1/stores", body, Admin(url_));
    EXPECT_EQ(store->status, 201) << store->body;
    const std::string id(json::parse(store->body).at("id").as_string());
    const std::string base = url_ + "/api/v1/stores/" + id;
    Expect(client_.Send(Method::kPut, base + "/hours", Admin(url_), hours_), 200);
    Expect(client_.Send(Method::kPut, base + "/tax", Admin(url_), R"({"mode": "exclusive", "rates": {"food": 8875, "beverage": 8875}})"),
           204);
    Expect(client_.Post(url_ + "/api/v1/admin/users", fmt::format(R"({{"email": "river.manager@example.test",
        "password": "river-manager-password", "name": "River Manager", "phone": "+13125550112",
        "roles": [{{"role": "store_manager", "store_id": "{}"}}]}})", id), Admin(url_)), 201);
    river_manager_ = Bearer(TokenFor(url_, "river.manager%40example.test", "river-manager-password"));
    return id;
  }

  std::vector<Header> Staff(const std::string& role) {
    const std::string email = role + ".loop@example.test";
    Expect(client_.Post(url_ + "/api/v1/admin/users", fmt::format(R"({{"email": "{}", "password": "{}-password-1",
        "name": "Sam {}", "phone": "+13125550123", "roles": [{{"role": "{}", "store_id": "{}"}}]}})",
                                                                 email, role, role, role, store_),
                        Admin(url_)),
           201);
    return Bearer(TokenFor(url_, role + ".loop%40example.test", role + "-password-1"));
  }

  /// The kitchen ticket of an order, once the kitchen has made it.
  std::string TicketOf(const std::string& order_id) {
    for (int i = 0; i < 200; ++i) {
      auto list = json::parse(client_.Get(url_ + "/api/v1/stores/" + store_ + "/kitchen/tickets", manager_)->body);
      for (const auto& t : list.at("tickets").as_array()) {
        if (t.at("order_id").as_string() == order_id) return std::string(t.at("id").as_string());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << "no ticket for " << order_id;
    return "";
  }

  void Bump(const std::string& ticket, const char* station) {
    Expect(client_.Post(url_ + "/api/v1/kitchen/tickets/" + ticket + "/bump", fmt::format(R"({{"station": "{}"}})", station),
                        manager_),
           200);
  }

  vetahut::core::Result<ClientResponse> Report(const std::string& path, const std::vector<Header>& who) {
    return client_.Get(url_ + "/api/v1/reports/" + path, who);
  }
  json::object ReportJson(const std::string& path, const std::vector<Header>& who) {
    auto r = Report(path, who);
    EXPECT_TRUE(r && r->status == 200) << path << ": " << (r ? r->body : r.error().detail);
    return r && r->status == 200 ? json::parse(r->body).as_object() : json::object{};
  }
  /// The USD totals row of a sales report.
  json::object UsdTotals(const json::object& report) {
    for (const auto& t : report.at("totals").as_array()) {
      if (t.at("currency").as_string() == "USD") return t.as_object();
    }
    return {};
  }

  /// Waits until `done(report)` holds for the sales report at `path` (the analytics queue is
  /// asynchronous), and returns the report.
  json::object SalesWhen(const std::string& path, const std::vector<Header>& who, const std::function<bool(const json::object&)>& done) {
    json::object report;
    for (int i = 0; i < 400; ++i) {
      report = ReportJson(path, who);
      if (!report.empty() && done(report)) return report;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << "the report never got there: " << report;
    return report;
  }

  static std::string Run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return out;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    const int status = ::pclose(pipe);
    EXPECT_EQ(status, 0) << command << "\n" << out;
    return out;
  }

  std::vector<Header> river_manager_;
};

TEST_F(AnalyticsE2E, OrdersBecomeReportsToTheCentAndTheLakeReadsBackTheSame) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  const std::string river = OpenSecondStore();
  const auto driver = Staff("driver");
  Expect(client_.Post(url_ + "/api/v1/drivers/me/clock-in", fmt::format(R"({{"store_id": "{}"}})", store_), driver), 200);

  // A: a card carry-out the kitchen makes and hands over (captured), then 2.00 refunded.
  const auto a = PlaceOk(OrderBody(Card(kApproved), "carryout", R"(, "tip": {"amount": 150, "currency": "USD"})"), "analytics-a");
  const std::string a_id(a.at("id").as_string());
  const std::string today(a.at("business_date").as_string());
  const std::string ticket_a = TicketOf(a_id);
  for (const char* station : {"make", "make", "cut", "expo"}) Bump(ticket_a, station);
  // Handed over, the saga captures the card; then a refund can return part of it.
  for (int i = 0; i < 400 && Amount(GetOrder(a_id, customer_).at("payment").at("captured")) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_EQ(Status(GetOrder(a_id, customer_)), "picked_up");
  auto refund = client_.Post(url_ + "/api/v1/orders/" + a_id + "/refunds", R"({"amount": {"amount": 200, "currency": "USD"}})",
                             With(manager_, "Idempotency-Key", "analytics-refund"));
  ASSERT_EQ(refund->status, 201) << refund->body;

  // B: a delivery paid at the door, taken out by the driver and delivered.
  const auto b = PlaceOk(OrderBody(R"({"method": "pay_at_store"})", "delivery"), "analytics-b");
  const std::string b_id(b.at("id").as_string());
  const std::string ticket_b = TicketOf(b_id);
  for (const char* station : {"make", "make", "cut"}) Bump(ticket_b, station);
  std::string delivery;
  for (int i = 0; i < 200 && delivery.empty(); ++i) {
    auto board = json::parse(client_.Get(url_ + "/api/v1/stores/" + store_ + "/deliveries", driver)->body);
    if (!board.at("deliveries").as_array().empty()) delivery = std::string(board.at("deliveries").as_array()[0].at("id").as_string());
    if (delivery.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_FALSE(delivery.empty());
  Expect(client_.Post(url_ + "/api/v1/deliveries/" + delivery + "/dispatch", "", driver), 200);
  Expect(client_.Post(url_ + "/api/v1/deliveries/" + delivery + "/delivered", "", driver), 200);

  // C: cancelled by the customer — no sale.
  const auto c = PlaceOk(OrderBody(R"({"method": "pay_at_store"})"), "analytics-c");
  Expect(client_.Post(url_ + "/api/v1/orders/" + std::string(c.at("id").as_string()) + "/cancel", "{}", customer_), 200);

  // D: at the other store.
  const std::string loop = store_;
  store_ = river;
  const auto d = PlaceOk(OrderBody(R"({"method": "pay_at_store"})"), "analytics-d");
  store_ = loop;

  const std::int64_t total = Amount(a.at("total")) + Amount(b.at("total"));
  const std::string day = "from=" + today + "&to=" + today;
  const std::string sales_path = "sales?store_id=" + loop + "&" + day;
  const auto sales = SalesWhen(sales_path, manager_, [&](const json::object& r) {
    const auto t = UsdTotals(r);
    return !t.empty() && t.at("orders").as_int64() == 2 && t.at("cancelled_orders").as_int64() == 1 &&
           Amount(t.at("refunds")) == 200;
  });
  const auto totals = UsdTotals(sales);
  // To the cent: what the two orders charged, and what went back.
  EXPECT_EQ(Amount(totals.at("total")), total) << totals;
  EXPECT_EQ(Amount(totals.at("subtotal")), Amount(a.at("subtotal")) + Amount(b.at("subtotal")));
  EXPECT_EQ(Amount(totals.at("tax")), Amount(a.at("tax_total")) + Amount(b.at("tax_total")));
  EXPECT_EQ(Amount(totals.at("tips")), 150);
  EXPECT_EQ(Amount(totals.at("delivery_fees")), Amount(b.at("delivery_fee")));
  EXPECT_EQ(Amount(totals.at("net")), total - 200);
  ASSERT_EQ(sales.at("rows").as_array().size(), 1u);
  EXPECT_EQ(sales.at("rows").as_array()[0].at("key").as_string(), today);

  // The refunded order shows in the refunds.
  auto refunds = SalesWhen("refunds?store_id=" + loop + "&" + day, manager_,
                           [](const json::object& r) { return r.at("items").as_array().size() == 1; });
  EXPECT_EQ(refunds.at("items").as_array()[0].at("order_id").as_string(), a_id);
  EXPECT_EQ(Amount(refunds.at("items").as_array()[0].at("amount")), 200);

  // A manager sees their store only: without store_id too, and never the other store's.
  const auto mine = UsdTotals(ReportJson("sales?" + day, manager_));
  EXPECT_EQ(mine.at("orders").as_int64(), 2) << mine;
  ExpectProblem(*Report("sales?store_id=" + river + "&" + day, manager_), 403);
  const auto theirs = SalesWhen("sales?" + day, river_manager_, [](const json::object& r) { return !r.at("totals").as_array().empty(); });
  EXPECT_EQ(Amount(UsdTotals(theirs).at("total")), Amount(d.at("total")));
  // The admin sees the chain.
  const auto chain = SalesWhen("sales?group_by=store&" + day, Admin(url_), [](const json::object& r) { return r.at("rows").as_array().size() == 2; });
  EXPECT_EQ(Amount(UsdTotals(chain).at("total")), total + Amount(d.at("total")));
  // Staff without reports and customers are refused.
  ExpectProblem(*Report("sales?" + day, customer_), 403);
  ExpectProblem(*Report("sales?" + day, driver), 403);
  ExpectProblem(*client_.Get(url_ + "/api/v1/reports/sales?" + day), 401);

  // Product mix: one large cheese pizza per order sold.
  const auto products = ReportJson("sales?group_by=product&store_id=" + loop + "&" + day, manager_);
  ASSERT_FALSE(products.at("rows").as_array().empty()) << products;
  EXPECT_EQ(products.at("rows").as_array()[0].at("key").as_string(), "cheese_pizza");
  EXPECT_EQ(products.at("rows").as_array()[0].at("quantity").as_int64(), 2);

  // The kitchen: two tickets made (C's was voided), with prep times; delivery: one to the door.
  const auto kitchen = SalesWhen("kitchen?store_id=" + loop + "&" + day, manager_,
                                 [](const json::object& r) { return r.at("total").at("tickets").as_int64() == 2; });
  EXPECT_EQ(kitchen.at("basis").as_string(), "ticket");
  EXPECT_FALSE(kitchen.at("total").at("prep_seconds").at("p50").is_null()) << kitchen;
  // Per station: each pizza stayed at the make line, in the oven and at the cut table.
  const auto stations = SalesWhen("kitchen?group_by=station&store_id=" + loop + "&" + day, manager_, [](const json::object& r) {
    return r.at("total").at("items").as_int64() == 6;
  });
  EXPECT_EQ(stations.at("basis").as_string(), "station");
  EXPECT_EQ(stations.at("total").at("tickets").as_int64(), 2);
  std::vector<std::string> station_rows;
  for (const auto& row : stations.at("rows").as_array()) {
    station_rows.push_back(fmt::format("{} {} items={} bakes={}", row.at("key").as_string(), row.at("label").as_string(),
                                       row.at("items").as_int64(), row.at("bake_seconds").at("count").as_int64()));
  }
  EXPECT_EQ(station_rows, (std::vector<std::string>{"cut Cut & box items=2 bakes=0", "make Make line items=2 bakes=0",
                                                    "oven Oven items=2 bakes=2"}))
      << stations;
  const auto oven = ReportJson("kitchen?station=oven&group_by=hour&store_id=" + loop + "&" + day, manager_);
  EXPECT_EQ(oven.at("station").as_string(), "oven");
  EXPECT_EQ(oven.at("total").at("items").as_int64(), 2) << oven;
  EXPECT_FALSE(oven.at("total").at("bake_seconds").at("p50").is_null()) << oven;
  const auto deliveries = SalesWhen("delivery?store_id=" + loop + "&" + day, manager_,
                                    [](const json::object& r) { return r.at("total").at("deliveries").as_int64() == 1; });
  EXPECT_FALSE(deliveries.at("total").at("to_door_seconds").at("p50").is_null()) << deliveries;

  // CSV: a header row, decimals, the totals row.
  auto csv = Report(sales_path + "&format=csv", manager_);
  ASSERT_EQ(csv->status, 200) << csv->body;
  EXPECT_TRUE(csv->Header("content-type").value_or("").starts_with("text/csv")) << *csv->Header("content-type");
  EXPECT_TRUE(csv->body.starts_with("key,label,currency,orders,cancelled_orders,")) << csv->body;
  EXPECT_NE(csv->body.find(fmt::format("\r\ntotal,total,USD,2,1,"), 0), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find(fmt::format(",{}.{:02},", total / 100, total % 100)), std::string::npos) << csv->body;
  for (const char* path : {"kitchen?", "kitchen?group_by=station&", "delivery?", "kitchen/late?", "refunds?"}) {
    auto r = Report(std::string(path) + "format=csv&store_id=" + loop + "&" + day, manager_);
    ASSERT_EQ(r->status, 200) << path << ": " << r->body;
    EXPECT_TRUE(r->Header("content-type").value_or("").starts_with("text/csv")) << path;
    EXPECT_NE(r->body.find("\r\n"), std::string::npos) << path << " has no header row";
  }

  // Bad parameters are 422s naming the parameter, and change nothing.
  auto refused = [&](const std::string& query, const char* field) {
    auto r = Report("sales?" + query, manager_);
    ExpectProblem(*r, 422);
    EXPECT_NE(r->body.find(fmt::format(R"("field":"{}")", field)), std::string::npos) << query << ": " << r->body;
  };
  refused("from=2026-02-30", "from");
  refused("", "from");
  refused("from=2026-03-07&to=2026-03-01", "to");
  refused("from=2024-01-01&to=2026-01-01", "to");
  refused("from=2026-03-01&group_by=week", "group_by");
  refused("from=2026-03-01&format=xml", "format");

  // A rebuild from the stored events gives the same report, byte for byte.
  const std::string before = Report(sales_path + "&group_by=hour", manager_)->body;
  auto rebuilt = client_.Post(url_ + "/api/v1/admin/analytics/rebuild", "", Admin(url_));
  ASSERT_EQ(rebuilt->status, 200) << rebuilt->body;
  EXPECT_GE(json::parse(rebuilt->body).at("orders").as_int64(), 4);
  EXPECT_EQ(Report(sales_path + "&group_by=hour", manager_)->body, before);
  ExpectProblem(*client_.Post(url_ + "/api/v1/admin/analytics/rebuild", "{}", manager_), 403);

  // The lake: today exported on demand, read back by Python's Avro library.
  auto exported = client_.Post(url_ + "/api/v1/admin/analytics/lake/export",
                               fmt::format(R"({{"from": "{0}", "to": "{0}", "store_id": "{1}"}})", today, loop), Admin(url_));
  ASSERT_EQ(exported->status, 200) << exported->body;
  std::int64_t exported_events = 0;
  const auto partitions = json::parse(exported->body).at("partitions").as_array();
  for (const auto& p : partitions) {
    if (p.at("dataset").as_string() == "events") exported_events = p.at("rows").as_int64();
  }
  EXPECT_GT(exported_events, 10);
  ExpectProblem(*client_.Post(url_ + "/api/v1/admin/analytics/lake/export", R"({"from": "yesterday"})", Admin(url_)), 422);
  const std::string out = Run(fmt::format("{} {} --lake {} --date {} --store {} 2>&1", VETAHUT_PYTHON, VETAHUT_LAKE_READER,
                                          (data_dir_ / "lake").string(), today, loop));
  const auto lake = json::parse(out).as_object();
  EXPECT_EQ(lake.at("datasets").at("orders").at("codecs").as_array()[0].as_string(), "deflate") << out;
  EXPECT_EQ(lake.at("datasets").at("orders").at("rows").as_int64(), 3) << out;  // A, B and the cancelled C
  EXPECT_EQ(lake.at("orders").at("sold").as_int64(), totals.at("orders").as_int64()) << out;
  EXPECT_EQ(lake.at("orders").at("cancelled").as_int64(), totals.at("cancelled_orders").as_int64());
  EXPECT_EQ(lake.at("orders").at("total").as_int64(), Amount(totals.at("total"))) << out;
  EXPECT_EQ(lake.at("orders").at("tax").as_int64(), Amount(totals.at("tax")));
  EXPECT_EQ(lake.at("orders").at("refunded").as_int64(), Amount(totals.at("refunds")));
  EXPECT_EQ(lake.at("payments").at("refunded").as_int64(), 200);
  EXPECT_EQ(lake.at("order_lines").at("quantity").as_int64(), products.at("totals").as_array()[0].at("quantity").as_int64());
  EXPECT_EQ(lake.at("order_lines").at("revenue").as_int64(), Amount(products.at("totals").as_array()[0].at("revenue")));
  EXPECT_EQ(lake.at("tickets").at("made").as_int64(), kitchen.at("total").at("tickets").as_int64());
  EXPECT_EQ(lake.at("deliveries").at("delivered").as_int64(), deliveries.at("total").at("deliveries").as_int64());
  EXPECT_EQ(lake.at("datasets").at("station_times").at("rows").as_int64(), stations.at("total").at("items").as_int64()) << out;
  EXPECT_EQ(lake.at("station_times").at("bakes").as_int64(), 2) << out;
  EXPECT_EQ(lake.at("datasets").at("events").at("rows").as_int64(), exported_events);
  EXPECT_GE(lake.at("events").at("types").at("com.vetahut.order.confirmed").as_int64(), 3) << out;
  // The other store's day is a partition of its own.
  EXPECT_FALSE(fs::exists(data_dir_ / "lake" / "orders" / ("date=" + today) / ("store=" + river)));

  // Operators see the fold on /metrics.
  auto metrics = client_.Get(serve.UrlOf("analytics") + "/metrics");
  EXPECT_NE(metrics->body.find("analytics_events_folded_total{type=\"com.vetahut.order.confirmed\"}"), std::string::npos);
}

}  // namespace
}  // namespace vetahut::testing
