// End to end through the real binary, on both engines: a partner's webhook receiver — a small
// Python server this test starts on 127.0.0.1, which checks every Standard Webhooks signature
// with Python's own hmac and base64 — gets the CloudEvents of a real order placed and worked
// through the API, signed and in order; the test endpoint and a replay reach it; a receiver that
// keeps failing is retried and then its subscription is disabled with the reason; bad
// subscriptions are refused naming the field (and a loopback URL outside test mode); the daily
// sales journal of the day with the order has the order's totals and its refund, the same bytes
// when made again, and is pushed to a subscriber.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "order_fixture.hpp"

namespace vetahut::testing {
namespace {

constexpr const char* kReceiverScript = R"PY(
import base64, hashlib, hmac, http.server, json, os, sys, threading, time

port_file, log_file, secret_file, fail_first = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
lock = threading.Lock()
seen = {"n": 0}

def verify(secret, msg_id, timestamp, body, header):
    # Standard Webhooks: HMAC-SHA256 keyed with the base64 after "whsec_", over "id.timestamp.body".
    if not secret.startswith("whsec_"):
        return False
    key = base64.b64decode(secret[len("whsec_"):])
    expected = base64.b64encode(hmac.new(key, msg_id.encode() + b"." + timestamp.encode() + b"." + body,
                                         hashlib.sha256).digest()).decode()
    for candidate in header.split(" "):
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False

class Hook(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            with open(secret_file) as f:
                secret = f.read().strip()
        except OSError:
            secret = ""
        msg_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "")
        ok = verify(secret, msg_id, timestamp, body, self.headers.get("webhook-signature", ""))
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= 300
        with lock:
            seen["n"] += 1
            status = 500 if seen["n"] <= fail_first else 200
            with open(log_file, "a") as f:
                f.write(json.dumps({"id": msg_id, "signature_ok": ok, "fresh": fresh, "status": status,
                                    "content_type": self.headers.get("Content-Type", ""),
                                    "body": body.decode("utf-8")}) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
)PY";

/// The Python receiver as a child process.
class Receiver {
 public:
  struct Hit {
    std::string id;
    bool signature_ok = false;
    bool fresh = false;
    int status = 0;
    std::string content_type;
    json::object event;
  };

  Receiver(const fs::path& dir, const std::string& name, int fail_first = 0)
      : dir_(dir / name), log_(dir_ / "hits.jsonl"), secret_(dir_ / "secret") {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "receiver.py") << kReceiverScript;
    const std::string port_file = (dir_ / "port").string();
    pid_ = fork();
    if (pid_ == 0) {
      const std::string script = (dir_ / "receiver.py").string(), log = log_.string(), secret = secret_.string(),
                        fails = std::to_string(fail_first);
      execlp("python3", "python3", script.c_str(), port_file.c_str(), log.c_str(), secret.c_str(), fails.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && !fs::exists(port_file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::ifstream(port_file) >> port_;
  }
  ~Receiver() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool up() const { return port_ > 0; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/vetahut"; }
  void SetSecret(const std::string& secret) { std::ofstream(secret_) << secret; }

  std::vector<Hit> Hits() const {
    std::vector<Hit> out;
    std::ifstream in(log_);
    std::string line;
    while (std::getline(in, line)) {
      const auto o = json::parse(line).as_object();
      out.push_back({std::string(o.at("id").as_string()), o.at("signature_ok").as_bool(), o.at("fresh").as_bool(),
                     static_cast<int>(o.at("status").as_int64()), std::string(o.at("content_type").as_string()),
                     json::parse(o.at("body").as_string()).as_object()});
    }
    return out;
  }
  /// Waits until `done(hits)` holds (or 20 s), then returns the hits.
  template <class Done>
  std::vector<Hit> WaitFor(Done done) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    auto hits = Hits();
    while (!done(hits) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      hits = Hits();
    }
    return hits;
  }

 private:
  fs::path dir_, log_, secret_;
  pid_t pid_ = -1;
  int port_ = 0;
};

class IntegrationE2E : public OrderFixture {
 protected:
  /// Test mode (receivers on loopback) with quick retries and a short failure streak.
  void QuickRetries() {
    env_.push_back({"VETAHUT_INTEGRATION_ALLOW_PRIVATE_TARGETS", "true"});
    env_.push_back({"VETAHUT_INTEGRATION_RETRY_FIRST_MS", "50"});
    env_.push_back({"VETAHUT_INTEGRATION_RETRY_MAX_MS", "200"});
    env_.push_back({"VETAHUT_INTEGRATION_MAX_ATTEMPTS", "3"});
    env_.push_back({"VETAHUT_INTEGRATION_DISABLE_AFTER_FAILURES", "4"});
    env_.push_back({"VETAHUT_INTEGRATION_DISABLE_AFTER_S", "0"});
    env_.push_back({"VETAHUT_BUS_RELAY_INTERVAL_MS", "20"});
  }

  /// Subscribes `receiver` to `types`; returns the subscription (its secret goes to the receiver).
  json::object Subscribe(Receiver& receiver, const std::string& types) {
    auto r = client_.Post(url_ + "/api/v1/admin/webhooks",
                          fmt::format(R"({{"url": "{}", "description": "ERP", "event_types": {}}})", receiver.url(), types),
                          Admin(url_));
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : r.error().detail);
    if (!r || r->status != 201) return {};
    auto created = json::parse(r->body).as_object();
    receiver.SetSecret(std::string(created.at("secret").as_string()));
    return created;
  }

  json::object Get(const std::string& path) {
    auto r = client_.Get(url_ + path, Admin(url_));
    EXPECT_TRUE(r && r->status == 200) << path << ": " << (r ? r->body : r.error().detail);
    return r && r->status == 200 ? json::parse(r->body).as_object() : json::object{};
  }

  static std::vector<std::string> Types(const std::vector<Receiver::Hit>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits) out.emplace_back(h.event.at("type").as_string());
    return out;
  }
};

TEST_F(IntegrationE2E, APartnerReceivesARealOrdersEventsSignedAndInOrderAndCanTestAndReplay) {
  QuickRetries();
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  Receiver erp(data_dir_, "erp");
  ASSERT_TRUE(erp.up());
  const auto sub = Subscribe(erp, R"(["com.vetahut.order.*"])");
  ASSERT_FALSE(sub.empty());
  const std::string id(sub.at("id").as_string());
  EXPECT_TRUE(std::string(sub.at("secret").as_string()).starts_with("whsec_"));
  EXPECT_FALSE(Get("/api/v1/admin/webhooks/" + id).contains("secret"));  // shown once

  const std::string before = vetahut::core::FormatRfc3339(
      vetahut::core::TimePoint(std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch())) - std::chrono::seconds(2));
  auto order = PlaceOk(OrderBody(Card(kApproved)), "integration-1");
  ASSERT_FALSE(order.empty());
  const std::string order_id(order.at("id").as_string());
  for (const char* step : {"preparing", "baking", "ready", "picked_up"}) Expect(Move(order_id, step, manager_), 200);

  auto done = [](const std::vector<Receiver::Hit>& hits) {
    return std::any_of(hits.begin(), hits.end(),
                       [](const auto& h) { return h.event.at("type").as_string() == "com.vetahut.order.completed"; });
  };
  const auto hits = erp.WaitFor(done);
  ASSERT_TRUE(done(hits)) << serve.Log().substr(0, 4000);
  std::vector<std::string> statuses;
  std::set<std::string> ids;
  for (const auto& h : hits) {
    EXPECT_TRUE(h.signature_ok) << h.id;
    EXPECT_TRUE(h.fresh) << h.id;
    EXPECT_EQ(h.status, 200);
    EXPECT_EQ(h.content_type, "application/cloudevents+json");
    EXPECT_EQ(h.event.at("specversion").as_string(), "1.0");
    EXPECT_EQ(h.event.at("id").as_string(), h.id);  // webhook-id = the event id
    EXPECT_TRUE(ids.insert(h.id).second) << "sent twice: " << h.id;
    EXPECT_EQ(h.event.at("data").at("order_id").as_string(), order_id);
    if (h.event.at("type").as_string() == "com.vetahut.order.status_changed") {
      statuses.emplace_back(h.event.at("data").at("status").as_string());
    }
  }
  // The order's life as it happened: every move, in order; confirmed before completed.
  EXPECT_EQ(statuses, (std::vector<std::string>{"confirmed", "preparing", "baking", "ready", "picked_up"}));
  const auto types = Types(hits);
  EXPECT_EQ(types.front(), "com.vetahut.order.placed");
  const auto confirmed = std::find(types.begin(), types.end(), "com.vetahut.order.confirmed");
  const auto completed = std::find(types.begin(), types.end(), "com.vetahut.order.completed");
  ASSERT_NE(confirmed, types.end());
  EXPECT_LT(confirmed, completed);
  EXPECT_EQ(hits[confirmed - types.begin()].event.at("data").at("total").at("amount").as_int64(),
            Amount(order.at("total")));
  // The delivery log says the same, newest first (once the sender has recorded its last successes).
  auto log = Get("/api/v1/admin/webhooks/" + id + "/deliveries?limit=50");
  for (int i = 0; i < 100 && json::serialize(log).find(R"("status":"pending")") != std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    log = Get("/api/v1/admin/webhooks/" + id + "/deliveries?limit=50");
  }
  const auto& items = log.at("items").as_array();
  ASSERT_EQ(items.size(), hits.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].at("event_id").as_string(), hits[hits.size() - 1 - i].id);
    EXPECT_EQ(items[i].at("status").as_string(), "delivered");
  }

  // The test endpoint sends a signed test event to this subscription.
  auto test = client_.Post(url_ + "/api/v1/admin/webhooks/" + id + "/test", "{}", Admin(url_));
  ASSERT_EQ(test->status, 202) << test->body;
  auto with_test = erp.WaitFor([&](const auto& h) { return h.size() > hits.size(); });
  ASSERT_GT(with_test.size(), hits.size());
  EXPECT_EQ(with_test[hits.size()].event.at("type").as_string(), "com.vetahut.integration.test");
  EXPECT_TRUE(with_test[hits.size()].signature_ok);

  // A replay of the order's time range sends its events again, in the same order, same ids.
  const std::string after = vetahut::core::FormatRfc3339(
      vetahut::core::TimePoint(std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch())));
  auto replay = client_.Post(url_ + "/api/v1/admin/webhooks/" + id + "/replay",
                             fmt::format(R"({{"from": "{}", "to": "{}"}})", before, after), Admin(url_));
  ASSERT_EQ(replay->status, 202) << replay->body;
  EXPECT_EQ(json::parse(replay->body).at("queued").as_int64(), static_cast<std::int64_t>(hits.size()));
  const std::size_t total = with_test.size() + hits.size();
  auto replayed = erp.WaitFor([&](const auto& h) { return h.size() >= total; });
  ASSERT_EQ(replayed.size(), total);
  for (std::size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(replayed[with_test.size() + i].id, hits[i].id);

  // /metrics counts deliveries by outcome and shows the queue drained (the sender records
  // successes a moment after the receiver has them).
  const std::string drained = "integration_webhook_queue_depth{subscription=\"" + id + "\"} 0";
  auto metrics = client_.Get(serve.UrlOf("integration") + "/metrics");
  for (int i = 0; i < 100 && metrics->body.find(drained) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    metrics = client_.Get(serve.UrlOf("integration") + "/metrics");
  }
  EXPECT_NE(metrics->body.find("integration_webhook_deliveries_total{outcome=\"delivered\"}"), std::string::npos);
  EXPECT_NE(metrics->body.find(drained), std::string::npos);
}

TEST_F(IntegrationE2E, AReceiverThatKeepsFailingIsRetriedThenItsSubscriptionIsDisabledWithTheReason) {
  QuickRetries();
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  Receiver down(data_dir_, "down", 1000);
  ASSERT_TRUE(down.up());
  const auto sub = Subscribe(down, R"(["com.vetahut.order.*", "com.vetahut.payment.*"])");
  const std::string id(sub.at("id").as_string());
  PlaceOk(OrderBody(R"({"method": "pay_at_store"})"), "integration-down");

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  json::object s = Get("/api/v1/admin/webhooks/" + id);
  while (s.at("active").as_bool() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    s = Get("/api/v1/admin/webhooks/" + id);
  }
  ASSERT_FALSE(s.at("active").as_bool()) << json::serialize(s) << serve.Log().substr(0, 3000);
  const std::string reason(s.at("disabled_reason").as_string());
  EXPECT_NE(reason.find("4 failed attempts in a row since"), std::string::npos) << reason;
  EXPECT_NE(reason.find("the receiver answered 500"), std::string::npos) << reason;
  EXPECT_FALSE(s.at("disabled_at").is_null());
  // It was retried: the first event three times (max_attempts), given up, then the next once.
  const auto hits = down.Hits();
  ASSERT_EQ(hits.size(), 4u);
  EXPECT_EQ(hits[0].id, hits[1].id);
  EXPECT_EQ(hits[1].id, hits[2].id);
  EXPECT_NE(hits[3].id, hits[0].id);
  for (const auto& h : hits) EXPECT_TRUE(h.signature_ok);
  const auto failed = Get("/api/v1/admin/webhooks/" + id + "/deliveries?status=failed");
  ASSERT_EQ(failed.at("items").as_array().size(), 1u);
  const auto& given_up = failed.at("items").as_array()[0];
  EXPECT_EQ(given_up.at("attempts").as_int64(), 3);
  EXPECT_EQ(given_up.at("last_status").as_int64(), 500);
  // Disabled: nothing more is sent.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(down.Hits().size(), 4u);
}

TEST_F(IntegrationE2E, BadSubscriptionsAreRefusedNamingTheFieldAndChangeNothing) {
  ServeProcess serve(data_dir_, env_, {"--demo"});  // production mode: no private targets
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  auto refused = [&](const std::string& body, const std::string& field, const std::string& message) {
    auto r = client_.Post(url_ + "/api/v1/admin/webhooks", body, Admin(url_));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 422) << r->body;
    EXPECT_EQ(r->Header("Content-Type"), "application/problem+json");
    const auto errors = json::parse(r->body).at("errors").as_array();
    ASSERT_FALSE(errors.empty()) << r->body;
    EXPECT_EQ(errors[0].at("field").as_string(), field) << r->body;
    EXPECT_NE(std::string(errors[0].at("message").as_string()).find(message), std::string::npos) << r->body;
  };
  refused(R"({"url": "http://127.0.0.1:8080/hook", "event_types": ["com.vetahut.order.*"]})", "url",
          "127.0.0.1 is a loopback address");
  refused(R"({"url": "http://169.254.169.254/latest/meta-data", "event_types": ["com.vetahut.order.*"]})", "url",
          "link-local");
  refused(R"({"url": "ftp://partner.example/x", "event_types": ["com.vetahut.order.*"]})", "url", "must use http or https");
  refused(R"({"url": "https://8.8.8.8/hook", "event_types": ["com.vetahut.customer.registered"]})", "event_types[0]",
          "is not an event type the platform offers");
  refused(R"({"event_types": ["com.vetahut.order.*"]})", "url", "is required");
  refused(R"({"url": "https://8.8.8.8/hook", "event_types": ["com.vetahut.order.*"], "secret": "mine"})", "secret",
          "is not a known field");
  auto huge = client_.Post(url_ + "/api/v1/admin/webhooks",
                           fmt::format(R"({{"url": "https://8.8.8.8/{}", "event_types": []}})", std::string(20000, 'a')),
                           Admin(url_));
  EXPECT_EQ(huge->status, 413) << huge->body;
  EXPECT_TRUE(Get("/api/v1/admin/webhooks").at("items").as_array().empty());
  // Admins only.
  EXPECT_EQ(client_.Get(url_ + "/api/v1/admin/webhooks", manager_)->status, 403);
  EXPECT_EQ(client_.Get(url_ + "/api/v1/admin/webhooks")->status, 401);
  // The catalog lists what may be subscribed to, and no customer account events.
  const auto catalog = json::serialize(Get("/api/v1/admin/webhook-event-types"));
  EXPECT_NE(catalog.find("com.vetahut.order.confirmed"), std::string::npos);
  EXPECT_NE(catalog.find("com.vetahut.integration.sales_journal"), std::string::npos);
  EXPECT_EQ(catalog.find("com.vetahut.customer."), std::string::npos);
}

TEST_F(IntegrationE2E, TheDailySalesJournalOfADayWithARealOrderHasItsTotalsAndIsPushed) {
  QuickRetries();
  ServeProcess serve(data_dir_, env_, {"--demo"});
  ASSERT_FALSE(Boot(serve).empty()) << serve.Log();
  Receiver erp(data_dir_, "erp");
  ASSERT_TRUE(erp.up());
  Subscribe(erp, R"(["com.vetahut.integration.sales_journal"])");

  auto order = PlaceOk(OrderBody(Card(kApproved), "carryout", R"(, "tip": {"amount": 300, "currency": "USD"})"), "journal-1");
  ASSERT_FALSE(order.empty());
  const std::string id(order.at("id").as_string());
  for (const char* step : {"preparing", "ready", "picked_up"}) Expect(Move(id, step, manager_), 200);
  auto refund = client_.Post(url_ + "/api/v1/orders/" + id + "/refunds", R"({"amount": {"amount": 500, "currency": "USD"}})",
                             With(manager_, "Idempotency-Key", "journal-refund"));
  ASSERT_EQ(refund->status, 201) << refund->body;
  const auto placed = GetOrder(id, manager_);
  const std::string day(placed.at("business_date").as_string());
  const std::string body = fmt::format(R"({{"store_id": "{}", "business_date": "{}"}})", store_, day);

  // The completion and the refund reach the integration module through the bus: wait for them.
  json::object made;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  do {
    auto r = client_.Post(url_ + "/api/v1/admin/exports/sales-journal", body, Admin(url_));
    ASSERT_TRUE(r && (r->status == 201 || r->status == 200)) << (r ? r->body : r.error().detail);
    made = json::parse(r->body).as_object();
    if (made.at("orders").as_int64() == 1 && Amount(made.at("net_total")) == Amount(placed.at("total")) - 500) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_FALSE(made.at("closed").as_bool());  // the day still runs
  const std::string path = "/api/v1/admin/exports/sales-journals/" + store_ + "/" + day;
  const auto journal = Get(path + "?format=json");
  const auto& totals = journal.at("totals");
  EXPECT_EQ(totals.at("orders").as_int64(), 1);
  EXPECT_EQ(totals.at("gross_sales").as_int64(), Amount(placed.at("subtotal")));
  EXPECT_EQ(totals.at("tax").as_int64(), Amount(placed.at("tax_total")));
  EXPECT_GT(totals.at("tax").as_int64(), 0);
  EXPECT_EQ(totals.at("tips").as_int64(), 300);
  EXPECT_EQ(totals.at("total").as_int64(), Amount(placed.at("total")));
  EXPECT_EQ(totals.at("refunds").as_int64(), 500);
  EXPECT_EQ(totals.at("net_total").as_int64(), Amount(placed.at("total")) - 500);
  EXPECT_EQ(totals.at("total").as_int64(),
            totals.at("sales_excl_tax").as_int64() + totals.at("tax").as_int64() + totals.at("tips").as_int64() +
                totals.at("delivery_fees").as_int64());
  ASSERT_EQ(journal.at("sales").as_array().size(), 1u);
  EXPECT_EQ(journal.at("sales").as_array()[0].at("order_id").as_string(), id);
  EXPECT_EQ(journal.at("payments").as_array()[0].at("method").as_string(), "card");
  std::int64_t by_category = 0;
  for (const auto& t : journal.at("taxes").as_array()) by_category += t.at("tax").as_int64();
  EXPECT_EQ(by_category, totals.at("tax").as_int64());
  auto csv = client_.Get(url_ + path + "?format=csv", Admin(url_));
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv->body.find("\r\nsale," + day + "," + store_ + ",USD," + id + ","), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find("\r\nrefund,"), std::string::npos) << csv->body;

  // Made again: the same bytes, on disk under the exports folder, and nothing new pushed.
  const auto first_json = client_.Get(url_ + path + "?format=json", Admin(url_))->body;
  auto again = client_.Post(url_ + "/api/v1/admin/exports/sales-journal", body, Admin(url_));
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_FALSE(json::parse(again->body).at("changed").as_bool());
  EXPECT_EQ(client_.Get(url_ + path + "?format=json", Admin(url_))->body, first_json);
  std::ifstream file(data_dir_ / "exports" / "sales-journals" / store_ / (day + ".json"), std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(file), {}), first_json);

  // The subscriber got the journal, signed, with the journal inline; the last push is today's file.
  auto pushed = erp.WaitFor([&](const auto& hits) {
    return !hits.empty() && hits.back().event.at("data").at("journal") == json::parse(first_json);
  });
  ASSERT_FALSE(pushed.empty());
  EXPECT_TRUE(pushed.back().signature_ok);
  EXPECT_EQ(pushed.back().event.at("type").as_string(), "com.vetahut.integration.sales_journal");
  EXPECT_EQ(pushed.back().event.at("data").at("journal"), json::parse(first_json));

  // Listing, and bad requests naming the field.
  const auto list = Get("/api/v1/admin/exports/sales-journals?store_id=" + store_);
  ASSERT_EQ(list.at("items").as_array().size(), 1u);
  EXPECT_EQ(list.at("items").as_array()[0].at("business_date").as_string(), day);
  auto bad_day = client_.Post(url_ + "/api/v1/admin/exports/sales-journal",
                              fmt::format(R"({{"store_id": "{}", "business_date": "2026-13-01"}})", store_), Admin(url_));
  EXPECT_EQ(bad_day->status, 422);
  EXPECT_NE(bad_day->body.find("business_date"), std::string::npos);
  auto bad_store = client_.Post(url_ + "/api/v1/admin/exports/sales-journal",
                                fmt::format(R"({{"store_id": "str_nowhere", "business_date": "{}"}})", day), Admin(url_));
  EXPECT_EQ(bad_store->status, 422);
  EXPECT_NE(bad_store->body.find("store_id"), std::string::npos);
  EXPECT_EQ(client_.Get(url_ + path + "?format=xml", Admin(url_))->status, 422);
  EXPECT_EQ(client_.Get(url_ + "/api/v1/admin/exports/sales-journals/" + store_ + "/2001-01-01", Admin(url_))->status, 404);
}

}  // namespace
}  // namespace vetahut::testing
