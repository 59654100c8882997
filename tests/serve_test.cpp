// End-to-end: runs the real `vetahut serve` binary and talks to it over HTTP, on the engine
// named by VETAHUT_TEST_ENGINE (sqlite, or postgres with VETAHUT_TEST_PG_URL set).
#include <fmt/format.h>

#include <set>

#include "serve_process.hpp"

namespace {

using namespace vetahut::testing;
namespace fs = std::filesystem;
namespace json = boost::json;
using vetahut::http::Header;
using vetahut::http::HttpClient;
using vetahut::http::Method;

using ServeTest = PlatformTest;

TEST_F(ServeTest, DataWrittenThroughTheApiSurvivesARestart) {
  std::string store_id;
  {
    ServeProcess serve(data_dir_, env_, {"--demo"});
    const std::string url = serve.WaitForUrl();
    ASSERT_FALSE(url.empty()) << serve.Log();
    auto health = client_.Get(url + "/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    auto ready = client_.Get(url + "/readyz");
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready->status, 200) << ready->body;

    auto created = client_.Post(url + "/api/v1/stores", StoreBody("Veta Hut Loop"), Admin(url));
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201) << created->body;
    store_id = std::string(json::parse(created->body).at("id").as_string());
    EXPECT_EQ(created->Header("location").value_or(""), "/api/v1/stores/" + store_id);

    // Graceful stop on SIGTERM: exit status 0.
    const int status = serve.Kill(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << serve.Log();
  }
  ServeProcess again(data_dir_, env_, {"--demo"});
  const std::string url = again.WaitForUrl();
  ASSERT_FALSE(url.empty()) << again.Log();
  auto fetched = client_.Get(url + "/api/v1/stores/" + store_id);
  ASSERT_TRUE(fetched);
  ASSERT_EQ(fetched->status, 200) << fetched->body;
  auto store = json::parse(fetched->body).as_object();
  EXPECT_EQ(store.at("name").as_string(), "Veta Hut Loop");
  EXPECT_EQ(store.at("timezone").as_string(), "America/Chicago");
  EXPECT_EQ(store.at("services").as_array().size(), 2u);
  // Demo data is loaded once, not again on the second start: 3 demo stores + ours.
  auto list = client_.Get(url + "/api/v1/stores?limit=100");
  ASSERT_TRUE(list);
  EXPECT_EQ(json::parse(list->body).at("items").as_array().size(), 4u) << list->body;
}

TEST_F(ServeTest, AnAcknowledgedWriteSurvivesKillDashNine) {
  std::vector<std::string> ids;
  {
    ServeProcess serve(data_dir_, env_);
    const std::string url = serve.WaitForUrl();
    ASSERT_FALSE(url.empty()) << serve.Log();
    for (int i = 0; i < 5; ++i) {
      auto created = client_.Post(url + "/api/v1/stores", StoreBody("Kill Test " + std::to_string(i)), Admin(url));
      ASSERT_TRUE(created);
      ASSERT_EQ(created->status, 201) << created->body;
      ids.push_back(std::string(json::parse(created->body).at("id").as_string()));
    }
    serve.Kill(SIGKILL);  // no shutdown at all, right after the last 201
  }
  ServeProcess again(data_dir_, env_);
  const std::string url = again.WaitForUrl();
  ASSERT_FALSE(url.empty()) << again.Log();
  for (const auto& id : ids) {
    auto fetched = client_.Get(url + "/api/v1/stores/" + id);
    ASSERT_TRUE(fetched);
    EXPECT_EQ(fetched->status, 200) << id;
  }
  // The store.created events committed with them are published after the restart (once the
  // killed process's relay lease has expired).
  std::string metrics;
  for (int i = 0; i < 300; ++i) {
    metrics = client_.Get(url + "/metrics")->body;
    if (metrics.find("outbox_pending_events{module=\"location\"} 0\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(metrics.find("outbox_pending_events{module=\"location\"} 0\n"), std::string::npos) << metrics;
}

TEST_F(ServeTest, BadInputGetsPreciseProblemsAndChangesNothing) {
  ServeProcess serve(data_dir_, env_);
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  const std::string stores = url + "/api/v1/stores";

  auto no_token = client_.Post(stores, StoreBody("No Token"), {{"Content-Type", "application/json"}});
  ASSERT_TRUE(no_token);
  ExpectProblem(*no_token, 401);
  auto wrong_token = client_.Post(stores, StoreBody("Wrong Token"),
                                  {{"Authorization", "Bearer not.a.token"}, {"Content-Type", "application/json"}});
  ASSERT_TRUE(wrong_token);
  ExpectProblem(*wrong_token, 401);

  auto malformed = client_.Post(stores, "{\"name\": \"x\",", Admin(url));
  ASSERT_TRUE(malformed);
  ExpectProblem(*malformed, 400);

  auto invalid = client_.Post(stores, StoreBody("Bad Latitude", 200.0), Admin(url));
  ASSERT_TRUE(invalid);
  ExpectProblem(*invalid, 422);
  EXPECT_NE(invalid->body.find("\"field\":\"latitude\""), std::string::npos) << invalid->body;

  auto wrong_types = client_.Post(stores, R"({"name": 5, "latitude": "north", "services": "delivery"})", Admin(url));
  ASSERT_TRUE(wrong_types);
  ExpectProblem(*wrong_types, 422);
  for (const char* field : {"\"field\":\"name\"", "\"field\":\"latitude\"", "\"field\":\"services\"", "\"field\":\"address\""}) {
    EXPECT_NE(wrong_types->body.find(field), std::string::npos) << field << " in " << wrong_types->body;
  }

  auto huge = client_.Post(stores, std::string(2 << 20, 'x'), Admin(url));
  ASSERT_TRUE(huge);
  ExpectProblem(*huge, 413);

  auto unknown = client_.Get(stores + "/str_does_not_exist");
  ASSERT_TRUE(unknown);
  ExpectProblem(*unknown, 404);

  auto wrong_method = client_.Send(Method::kDelete, stores);
  ASSERT_TRUE(wrong_method);
  ExpectProblem(*wrong_method, 405);
  EXPECT_TRUE(wrong_method->Header("allow"));

  auto bad_limit = client_.Get(stores + "?limit=0");
  ASSERT_TRUE(bad_limit);
  ExpectProblem(*bad_limit, 422);

  auto first = client_.Post(stores, StoreBody("Only Once"), Admin(url));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 201);
  auto duplicate = client_.Post(stores, StoreBody("Only Once"), Admin(url));
  ASSERT_TRUE(duplicate);
  ExpectProblem(*duplicate, 422);

  // Nothing but the one valid store was written.
  auto list = client_.Get(stores + "?limit=100");
  ASSERT_TRUE(list);
  EXPECT_EQ(json::parse(list->body).at("items").as_array().size(), 1u) << list->body;
}

TEST_F(ServeTest, MetricsAreValidPrometheusText) {
  ServeProcess serve(data_dir_, env_);
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  ASSERT_TRUE(client_.Get(url + "/api/v1/stores"));
  // An API path nothing serves (an app path like /nope is answered with the web app's shell).
  ASSERT_TRUE(client_.Get(url + "/api/v1/nope"));
  auto metrics = client_.Get(url + "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("http_requests_total{method=\"GET\",route=\"/api/v1/stores\",status=\"200\"} 1"),
            std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("route=\"unmatched\",status=\"404\""), std::string::npos) << metrics->body;
  const fs::path file = data_dir_ / "metrics.txt";
  std::ofstream(file) << metrics->body;
  const std::string command = "promtool check metrics < " + file.string() + " > " + (data_dir_ / "promtool.out").string() + " 2>&1";
  const int rc = std::system(command.c_str());
  std::ifstream out(data_dir_ / "promtool.out");
  EXPECT_EQ(rc, 0) << std::string(std::istreambuf_iterator<char>(out), {});
}

/// Finds the demo store called `name`.
std::string DemoStoreId(HttpClient& client, const std::string& url, const std::string& name) {
  auto list = client.Get(url + "/api/v1/stores?limit=100");
  if (!list) return "";
  const json::value parsed = json::parse(list->body);  // outlives the loop (range-for over a temporary's member dangles)
  for (const auto& item : parsed.at("items").as_array()) {
    if (item.at("name").as_string() == name) return std::string(item.at("id").as_string());
  }
  return "";
}

TEST_F(ServeTest, DemoStoresAnswerTheFinderDeliveryCheckAndSlots) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();

  // Nearest two to Penn Station: Midtown first, then Brooklyn Heights; Berlin is far away.
  auto near = client_.Get(url + "/api/v1/stores?lat=40.7506&lon=-73.9935&limit=2");
  ASSERT_TRUE(near);
  ASSERT_EQ(near->status, 200) << near->body;
  auto items = json::parse(near->body).at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("name").as_string(), "Veta Hut Midtown");
  EXPECT_EQ(items[1].at("name").as_string(), "Veta Hut Brooklyn Heights");
  EXPECT_NEAR(items[0].at("distance_m").to_number<double>(), 700, 100);
  for (const char* key : {"open_now", "next_open_at", "accepting_orders", "hours_status"}) {
    EXPECT_TRUE(items[0].as_object().contains(key)) << key;
  }
  auto berlin = client_.Get(url + "/api/v1/stores?lat=52.52&lon=13.405&limit=1&service=dine_in");
  ASSERT_TRUE(berlin);
  EXPECT_EQ(json::parse(berlin->body).at("items").as_array().at(0).at("name").as_string(), "Veta Hut Kreuzberg");

  const std::string midtown = DemoStoreId(client_, url, "Veta Hut Midtown");
  ASSERT_FALSE(midtown.empty());
  // Numbers print as people write them (not Boost.JSON's "4.074844E1").
  auto store = client_.Get(url + "/api/v1/stores/" + midtown);
  ASSERT_TRUE(store);
  EXPECT_NE(store->body.find("\"latitude\":40.7"), std::string::npos) << store->body;
  EXPECT_EQ(store->body.find("E1,"), std::string::npos) << store->body;
  auto inside = client_.Get(url + "/api/v1/stores/" + midtown + "/delivery-check?lat=40.7527&lon=-73.9772");
  ASSERT_TRUE(inside);
  auto quote = json::parse(inside->body).as_object();
  EXPECT_TRUE(quote.at("deliverable").as_bool()) << inside->body;
  EXPECT_EQ(quote.at("zone").at("name").as_string(), "Midtown core");
  EXPECT_EQ(quote.at("fee").at("amount").as_int64(), 299);
  EXPECT_EQ(quote.at("minimum_order").at("amount").as_int64(), 1500);
  auto outside = client_.Get(url + "/api/v1/stores/" + midtown + "/delivery-check?lat=40.6413&lon=-73.7781");  // JFK
  ASSERT_TRUE(outside);
  EXPECT_FALSE(json::parse(outside->body).at("deliverable").as_bool()) << outside->body;

  // A week ahead (avoiding the demo holidays) carry-out has 15-minute slots with full capacity.
  auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) + std::chrono::days(8);
  std::string date_text;
  for (;; day += std::chrono::days(1)) {
    const std::chrono::year_month_day ymd{day};
    date_text = fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    if (date_text != "2026-11-26" && date_text != "2026-12-24" && date_text != "2026-12-25") break;
  }
  auto slots = client_.Get(url + "/api/v1/stores/" + midtown + "/slots?type=carryout&date=" + date_text);
  ASSERT_TRUE(slots);
  ASSERT_EQ(slots->status, 200) << slots->body;
  auto list = json::parse(slots->body).at("slots").as_array();
  ASSERT_GT(list.size(), 40u) << slots->body;
  for (const auto& slot : list) {
    EXPECT_EQ(slot.at("capacity_left").as_int64(), 10);
    const std::string start(slot.at("start").as_string());
    const int minute = std::stoi(start.substr(14, 2));
    EXPECT_EQ(minute % 15, 0) << start;
  }
}

TEST_F(ServeTest, LocationAdminInputIsValidatedFieldByField) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  const std::string id = DemoStoreId(client_, url, "Veta Hut Midtown");
  ASSERT_FALSE(id.empty());
  const std::string store = url + "/api/v1/stores/" + id;
  auto hours_before = client_.Get(store + "/hours")->body;
  auto zones_before = client_.Get(store + "/zones")->body;

  auto far = client_.Get(url + "/api/v1/stores?lat=200&lon=0");
  ASSERT_TRUE(far);
  ExpectProblem(*far, 422);
  EXPECT_NE(far->body.find("\"field\":\"lat\""), std::string::npos) << far->body;

  auto backwards = client_.Send(Method::kPut, store + "/hours", Admin(url),
                                R"({"carryout": {"weekly": [{"day": "monday", "open": "11:00", "close": "22:00"}],
                                                 "special_days": [{"from": "2026-12-26", "to": "2026-12-24", "closed": true}]}})");
  ASSERT_TRUE(backwards);
  ExpectProblem(*backwards, 422);
  EXPECT_NE(backwards->body.find("carryout.special_days[0].to"), std::string::npos) << backwards->body;
  EXPECT_NE(backwards->body.find("end before start"), std::string::npos) << backwards->body;

  auto bad_time = client_.Send(Method::kPut, store + "/hours", Admin(url),
                               R"({"delivery": {"weekly": [{"day": "funday", "open": "25:00", "close": "22:00"}]}})");
  ASSERT_TRUE(bad_time);
  ExpectProblem(*bad_time, 422);
  EXPECT_NE(bad_time->body.find("delivery.weekly[0].day"), std::string::npos) << bad_time->body;
  EXPECT_NE(bad_time->body.find("delivery.weekly[0].open"), std::string::npos) << bad_time->body;

  auto bow_tie = client_.Send(Method::kPut, store + "/zones", Admin(url), R"({"zones": [{"name": "Bow tie",
      "fee": {"amount": 100, "currency": "USD"}, "minimum_order": {"amount": 0, "currency": "USD"}, "estimate_minutes": 20,
      "geometry": {"type": "Polygon", "coordinates": [[[-74.0, 40.74], [-73.97, 40.76], [-73.97, 40.74], [-74.0, 40.76], [-74.0, 40.74]]]}}]})");
  ASSERT_TRUE(bow_tie);
  ExpectProblem(*bow_tie, 422);
  EXPECT_NE(bow_tie->body.find("zones[0].geometry"), std::string::npos) << bow_tie->body;
  EXPECT_NE(bow_tie->body.find("intersects itself"), std::string::npos) << bow_tie->body;

  auto wrong_zone = client_.Post(url + "/api/v1/stores", StoreBody("Mars Base").replace(
      StoreBody("Mars Base").find("America/Chicago"), 15, "Mars/Olympus"), Admin(url));
  ASSERT_TRUE(wrong_zone);
  ExpectProblem(*wrong_zone, 422);
  EXPECT_NE(wrong_zone->body.find("\"field\":\"timezone\""), std::string::npos) << wrong_zone->body;

  auto past = client_.Post(store + "/pause", R"({"reason": "busy", "resume_at": "2020-01-01T00:00:00Z"})", Admin(url));
  ASSERT_TRUE(past);
  ExpectProblem(*past, 422);
  EXPECT_NE(past->body.find("\"field\":\"resume_at\""), std::string::npos) << past->body;

  auto no_token = client_.Post(store + "/pause", R"({"reason": "busy"})", {{"Content-Type", "application/json"}});
  ASSERT_TRUE(no_token);
  ExpectProblem(*no_token, 401);

  // None of it changed anything.
  EXPECT_EQ(client_.Get(store + "/hours")->body, hours_before);
  EXPECT_EQ(client_.Get(store + "/zones")->body, zones_before);
  EXPECT_TRUE(json::parse(client_.Get(store)->body).at("accepting_orders").as_bool());

  // And the valid versions work: pause for 10 minutes, then resume.
  auto pause = client_.Post(store + "/pause", R"({"reason": "oven repair", "minutes": 10})", Admin(url));
  ASSERT_TRUE(pause);
  ASSERT_EQ(pause->status, 200) << pause->body;
  auto paused = json::parse(pause->body).as_object();
  EXPECT_FALSE(paused.at("accepting_orders").as_bool());
  EXPECT_EQ(paused.at("pause").at("reason").as_string(), "oven repair");
  auto resume = client_.Post(store + "/resume", "", Admin(url));
  ASSERT_TRUE(resume);
  EXPECT_TRUE(json::parse(resume->body).at("accepting_orders").as_bool()) << resume->body;
}

/// The routes `vetahut routes --target <target>` lists, as "METHOD pattern": the public ones, or
/// only the internal ones (/internal/v1/..., decision 0041).
std::set<std::string> RoutesOf(const std::string& target, bool internal = false) {
  const std::string out_file = fs::temp_directory_path() / ("vetahut-routes-" + RandomSuffix() + ".json");
  const std::string command = std::string(VETAHUT_BINARY) + " routes --json --target " + target + " > " + out_file;
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(out_file);
  const std::string text(std::istreambuf_iterator<char>(in), {});
  fs::remove(out_file);
  std::set<std::string> routes;
  const json::value list = json::parse(text);
  for (const auto& r : list.as_array()) {
    const std::string pattern(r.at("pattern").as_string());
    if (pattern.starts_with("/internal/") != internal) continue;
    routes.insert(std::string(r.at("method").as_string()) + " " + pattern);
  }
  return routes;
}

TEST_F(ServeTest, EachTargetServesOnlyItsModulesRoutes) {
  const std::set<std::string> platform = {"GET /healthz", "GET /readyz", "GET /metrics", "GET /api/v1/admin/dead-letters",
                                          "POST /api/v1/admin/dead-letters/{dead_letter_id}/redrive", "GET /api/openapi.json"};
  auto with = [&](std::set<std::string> module_routes) {
    module_routes.insert(platform.begin(), platform.end());
    return module_routes;
  };
  EXPECT_EQ(RoutesOf("menu"),
            with({"GET /api/v1/stores/{store_id}/menu", "GET /api/v1/menu/{market}/draft", "PUT /api/v1/menu/{market}/draft",
                  "GET /api/v1/menu/{market}/live",
                  "POST /api/v1/menu/{market}/publish", "GET /api/v1/menu/{market}/versions",
                  "PUT /api/v1/stores/{store_id}/availability/{item_id}", "PUT /api/v1/stores/{store_id}/prices/{item_id}",
                  "PUT /api/v1/stores/{store_id}/tax"}));
  // What other processes call: the menu client's methods, answering only to the service token.
  EXPECT_EQ(RoutesOf("menu", true), (std::set<std::string>{"POST /internal/v1/menu/price-cart", "POST /internal/v1/menu/is-menu-item",
                                                            "POST /internal/v1/menu/set-item-availability"}));
  EXPECT_EQ(RoutesOf("payment", true).size(), 8u);
  EXPECT_TRUE(RoutesOf("analytics", true).empty()) << "analytics offers no client";
  EXPECT_EQ(RoutesOf("payment"),
            with({"POST /api/v1/payments/tokens", "POST /api/v1/guest/payments/tokens", "GET /api/v1/admin/payments/reconciliation",
                  "POST /api/v1/payments/webhooks/{provider}"}));
  // The modules' routes partition the whole: every route belongs to exactly one module. (Order
  // cannot run without the services it calls, so its routes are what it adds to them.)
  std::set<std::string> union_of_modules = platform;
  std::size_t module_routes = 0;
  for (const char* target : {"location", "customer", "menu", "payment"}) {
    for (const auto& r : RoutesOf(target)) {
      if (platform.contains(r)) continue;
      ++module_routes;
      union_of_modules.insert(r);
    }
  }
  // The kitchen needs the store directory; its routes are what it adds to location's.
  std::set<std::string> kitchen_routes;
  for (const auto& r : RoutesOf("location,kitchen")) {
    if (!union_of_modules.contains(r)) kitchen_routes.insert(r);
  }
  EXPECT_TRUE(kitchen_routes.contains("GET /api/v1/stores/{store_id}/kitchen/stream"));
  module_routes += kitchen_routes.size();
  union_of_modules.insert(kitchen_routes.begin(), kitchen_routes.end());
  const auto with_order = RoutesOf("location,customer,menu,payment,kitchen,order");
  std::set<std::string> order_routes;
  for (const auto& r : with_order) {
    if (!union_of_modules.contains(r)) order_routes.insert(r);
  }
  EXPECT_TRUE(order_routes.contains("POST /api/v1/orders"));
  EXPECT_TRUE(order_routes.contains("POST /api/v1/quotes"));
  module_routes += order_routes.size();
  union_of_modules.insert(order_routes.begin(), order_routes.end());
  // Notifications need the store directory and the customer service.
  std::set<std::string> notification_routes;
  for (const auto& r : RoutesOf("location,customer,notification")) {
    if (!union_of_modules.contains(r)) notification_routes.insert(r);
  }
  EXPECT_EQ(notification_routes,
            (std::set<std::string>{"GET /api/v1/me/notifications", "GET /api/v1/me/notifications/stream",
                                   "POST /api/v1/me/notifications/{notification_id}/read",
                                   "GET /api/v1/me/notification-preferences", "PUT /api/v1/me/notification-preferences",
                                   "GET /api/v1/admin/notifications",
                                   "POST /api/v1/admin/notifications/{delivery_id}/retry"}));
  module_routes += notification_routes.size();
  union_of_modules.insert(notification_routes.begin(), notification_routes.end());
  // The integration layer needs the store directory (business days close in the store's zone).
  std::set<std::string> integration_routes;
  for (const auto& r : RoutesOf("location,integration")) {
    if (!union_of_modules.contains(r)) integration_routes.insert(r);
  }
  EXPECT_TRUE(integration_routes.contains("POST /api/v1/admin/webhooks"));
  EXPECT_TRUE(integration_routes.contains("POST /api/v1/admin/exports/sales-journal"));
  module_routes += integration_routes.size();
  union_of_modules.insert(integration_routes.begin(), integration_routes.end());
  // Analytics needs the store directory too; its routes are what it adds to location's.
  std::set<std::string> analytics_routes;
  for (const auto& r : RoutesOf("location,analytics")) {
    if (!union_of_modules.contains(r)) analytics_routes.insert(r);
  }
  EXPECT_EQ(analytics_routes,
            (std::set<std::string>{"GET /api/v1/reports/sales", "GET /api/v1/reports/kitchen", "GET /api/v1/reports/kitchen/late",
                                   "GET /api/v1/reports/delivery", "GET /api/v1/reports/refunds",
                                   "GET /api/v1/reports/cashiers",
                                   "POST /api/v1/admin/analytics/rebuild", "POST /api/v1/admin/analytics/lake/export"}));
  module_routes += analytics_routes.size();
  union_of_modules.insert(analytics_routes.begin(), analytics_routes.end());
  const auto all = RoutesOf("all");
  EXPECT_EQ(union_of_modules, all);
  EXPECT_EQ(module_routes + platform.size(), all.size()) << "a route is registered by two modules";
  EXPECT_EQ(RoutesOf("location,menu").size(), RoutesOf("location").size() + RoutesOf("menu").size() - platform.size());
}

TEST_F(ServeTest, TargetsRunOneServicePerProcessOnTheSameBinary) {
  ServeProcess customer(data_dir_, env_, {"--target", "customer"});
  const std::string customer_url = customer.WaitForUrl();
  ASSERT_FALSE(customer_url.empty()) << customer.Log();
  ExpectProblem(*client_.Get(customer_url + "/api/v1/stores"), 404);  // not this process's service
  EXPECT_EQ(client_.Get(customer_url + "/.well-known/jwks.json")->status, 200);
  const auto admin = Admin(customer_url);  // signs in at the customer process

  // Other processes verify the customer process's tokens with the keys it publishes.
  auto env = env_;
  env.push_back({"VETAHUT_AUTH_JWKS_URL", customer_url + "/.well-known/jwks.json"});
  ServeProcess location(data_dir_, env, {"--target", "location"});
  const std::string url = location.WaitForUrl();
  ASSERT_FALSE(url.empty()) << location.Log();
  EXPECT_EQ(client_.Get(url + "/readyz")->status, 200);
  ExpectProblem(*client_.Post(url + "/api/v1/auth/register", "{}", {{"Content-Type", "application/json"}}), 404);
  auto created = client_.Post(url + "/api/v1/stores", StoreBody("Split Target"), admin);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string store_id(json::parse(created->body).at("id").as_string());
  ExpectProblem(*client_.Post(url + "/api/v1/stores", StoreBody("Forged"), {{"Authorization", "Bearer forged.token.x"},
                                                                             {"Content-Type", "application/json"}}),
                401);

  // The menu process knows stores through the location process's API: its demo menu (published
  // with the tax of every store it lists there) is served for a store the location process created.
  env.push_back({"VETAHUT_CLIENTS_LOCATION", url});
  ServeProcess menu(data_dir_, env, {"--target", "menu", "--demo"});
  const std::string menu_url = menu.WaitForUrl();
  ASSERT_FALSE(menu_url.empty()) << menu.Log();
  EXPECT_NE(menu.Log().find("\"modules\":\"menu\""), std::string::npos) << menu.Log();
  ExpectProblem(*client_.Get(menu_url + "/api/v1/stores/" + store_id), 404);  // location's route
  ExpectProblem(*client_.Post(menu_url + "/api/v1/quotes", "{}", {{"Content-Type", "application/json"}}), 404);  // order's
  auto versions = client_.Get(menu_url + "/api/v1/menu/USD/versions", admin);
  ASSERT_TRUE(versions);
  EXPECT_EQ(json::parse(versions->body).at("items").as_array().size(), 1u) << versions->body;
  auto store_menu = client_.Get(menu_url + "/api/v1/stores/" + store_id + "/menu");
  ASSERT_TRUE(store_menu);
  EXPECT_EQ(store_menu->status, 200) << store_menu->body;
  EXPECT_EQ(json::parse(store_menu->body).at("currency").as_string(), "USD");
  ExpectProblem(*client_.Get(menu_url + "/api/v1/stores/str_unknown/menu"), 404);

  // A module whose clients nowhere provides stops start-up saying what to do.
  ServeProcess lonely(data_dir_, env_, {"--target", "menu"});
  int status = lonely.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  EXPECT_NE(lonely.Log().find("module menu needs the 'stores' client"), std::string::npos) << lonely.Log();
  EXPECT_NE(lonely.Log().find("clients.location"), std::string::npos) << lonely.Log();

  ServeProcess unknown(data_dir_, env_, {"--target", "pizzaiolo"});
  status = unknown.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  EXPECT_NE(unknown.Log().find("'pizzaiolo' is not a module of this build; available: all, gateway (alone), location"), std::string::npos)
      << unknown.Log();
}

TEST_F(ServeTest, BadConfigurationStopsStartUpNamingTheKey) {
  auto env = env_;
  env.push_back({"VETAHUT_SERVER_WORKER_THREADS", "many"});
  ServeProcess serve(data_dir_, env);
  const int status = serve.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  EXPECT_NE(serve.Log().find("VETAHUT_SERVER_WORKER_THREADS: expected an integer, got 'many'"), std::string::npos)
      << serve.Log();
}

TEST_F(ServeTest, ABadCacheUrlStopsStartUpSayingWhy) {
  auto env = env_;
  env.push_back({"VETAHUT_CACHE_URL", "redis://cache.internal:6379/zero"});
  ServeProcess serve(data_dir_, env);
  const int status = serve.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
  EXPECT_NE(serve.Log().find("VETAHUT_CACHE_URL: the database must be a number (0-15 on a default Redis), got 'zero'"),
            std::string::npos)
      << serve.Log();
}

}  // namespace

TEST_F(ServeTest, TheFirstScreenComesInOneCall) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  // Near the Empire State Building: the demo Midtown store, its status, and the ETag its menu has.
  auto home = client_.Get(url + "/api/v1/home?lat=40.7484&lon=-73.9857");
  ASSERT_TRUE(home);
  ASSERT_EQ(home->status, 200) << home->body;
  const auto body = json::parse(home->body).as_object();
  const std::string store(body.at("store").at("id").as_string());
  EXPECT_EQ(body.at("store").at("name").as_string(), "Veta Hut Midtown");
  EXPECT_TRUE(body.at("status").at("accepting_orders").is_bool());
  EXPECT_TRUE(body.at("status").at("open_now").is_bool());
  auto menu = client_.Get(url + "/api/v1/stores/" + store + "/menu");
  ASSERT_EQ(menu->status, 200);
  EXPECT_EQ(body.at("menu").at("etag").as_string(), *menu->Header("etag"));
  EXPECT_EQ(body.at("menu").at("href").as_string(), "/api/v1/stores/" + store + "/menu");
  // Coordinates are required and checked, each by name.
  auto bad = client_.Get(url + "/api/v1/home?lat=91");
  ASSERT_EQ(bad->status, 422) << bad->body;
  EXPECT_NE(bad->body.find(R"("field":"lat")"), std::string::npos) << bad->body;
  EXPECT_NE(bad->body.find(R"("field":"lon")"), std::string::npos) << bad->body;
}

TEST_F(ServeTest, BrowsersOnListedOriginsMayCallTheApiAndEveryAnswerCarriesTheEdgeHeaders) {
  env_.push_back({"VETAHUT_SERVER_CORS_ORIGINS", "https://order.example.test, http://localhost:5173"});
  env_.push_back({"VETAHUT_RATELIMIT_TRUST_FORWARDED_FOR", "true"});
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  // The preflight of a placement from a listed origin: the route's methods, the headers the API reads.
  auto preflight = client_.Send(Method::kOptions, url + "/api/v1/orders",
                                {{"Origin", "https://order.example.test"}, {"Access-Control-Request-Method", "POST"},
                                 {"Access-Control-Request-Headers", "authorization, content-type, idempotency-key"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->Header("access-control-allow-origin"), "https://order.example.test");
  EXPECT_NE(preflight->Header("access-control-allow-methods")->find("POST"), std::string_view::npos);
  EXPECT_NE(preflight->Header("access-control-allow-headers")->find("Idempotency-Key"), std::string_view::npos);
  // Any other origin gets no permission (the browser then refuses), whatever it asks.
  auto stranger = client_.Send(Method::kOptions, url + "/api/v1/orders",
                               {{"Origin", "https://evil.example.test"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(stranger->status, 204);
  EXPECT_FALSE(stranger->Header("access-control-allow-origin"));
  EXPECT_FALSE(stranger->Header("access-control-allow-methods"));
  // Answers, errors too, name the origin so the page can read them; every answer is nosniff.
  auto stores = client_.Get(url + "/api/v1/stores", {{"Origin", "http://localhost:5173"}});
  EXPECT_EQ(stores->Header("access-control-allow-origin"), "http://localhost:5173");
  EXPECT_NE(stores->Header("access-control-expose-headers")->find("ETag"), std::string_view::npos);
  EXPECT_EQ(stores->Header("vary"), "Origin");
  EXPECT_EQ(stores->Header("x-content-type-options"), "nosniff");
  auto refused = client_.Post(url + "/api/v1/orders", "{}", {{"Origin", "https://order.example.test"}});
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->Header("access-control-allow-origin"), "https://order.example.test");
  EXPECT_EQ(client_.Get(url + "/api/v1/stores", {{"Origin", "https://evil.example.test"}})->Header("access-control-allow-origin"),
            std::nullopt);
  // HSTS only for what came over TLS to the trusted proxy in front; the web app gets it too.
  EXPECT_FALSE(stores->Header("strict-transport-security"));
  auto tls = client_.Get(url + "/api/v1/stores", {{"X-Forwarded-Proto", "https"}});
  EXPECT_EQ(tls->Header("strict-transport-security"), "max-age=31536000; includeSubDomains");
  auto page = client_.Get(url + "/", {{"X-Forwarded-Proto", "https"}});
  EXPECT_TRUE(page->Header("strict-transport-security"));
  // A bad origin list stops start-up naming the key.
  auto bad_env = env_;
  bad_env.push_back({"VETAHUT_SERVER_CORS_ORIGINS", "https://*.example.test"});
  ServeProcess bad(data_dir_ / "bad", bad_env);
  EXPECT_NE(bad.Wait(), 0);
  EXPECT_NE(bad.Log().find("VETAHUT_SERVER_CORS_ORIGINS"), std::string::npos) << bad.Log();
}
