// The integration layer on a real database (SQLite or PostgreSQL, from VETAHUT_TEST_DB_URL) with a
// manual clock and webhook receivers the test runs on loopback: deliveries keep their order per
// subscription through failures, a failing one is given up and the next goes, a long failure
// streak disables the subscription with its reason, 410 disables at once, a re-enabled one
// resumes, a replay re-sends a range in order, the test event goes to one subscription, bad
// subscriptions change nothing, a name that resolves inside the network at send time is not
// dialled, and a store's sales journal adds up, is the same bytes when made again, closes after
// midnight and is made again when a late fact arrives.
#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "lib/db/migrations.hpp"
#include "lib/db/test_database.hpp"
#include "lib/http/server.hpp"
#include "migrations/integration.hpp"
#include "services/integration/journal_service.hpp"
#include "services/integration/webhook_sender.hpp"
#include "services/integration/webhook_service.hpp"

namespace vetahut::integration {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono;

core::TimePoint Utc(const char* text) { return *core::ParseRfc3339(text); }

/// A webhook receiver on 127.0.0.1: answers each POST with the next scripted status (200 when the
/// script is empty) and keeps what it got. It checks signatures with libsodium's HMAC and base64
/// directly — not the product's helpers.
class Receiver {
 public:
  struct Hit {
    std::string id, timestamp, signature, content_type, body;
    int answered = 0;
    bool signature_ok = false;
  };

  Receiver() {
    router_.Post("/hook", [this](http::Request& req) -> core::Result<http::Response> {
      std::lock_guard lock(mutex_);
      Hit hit{std::string(req.Header("webhook-id").value_or("")), std::string(req.Header("webhook-timestamp").value_or("")),
              std::string(req.Header("webhook-signature").value_or("")), std::string(req.Header("content-type").value_or("")),
              req.body};
      hit.signature_ok = Verify(hit);
      hit.answered = script_.empty() ? 200 : script_.front();
      if (!script_.empty()) script_.pop_front();
      hits_.push_back(hit);
      return http::Response::Json("{}", hit.answered);
    });
    http::ServerOptions options;
    options.io_threads = 1;
    options.worker_threads = 2;
    server_ = std::make_unique<http::Server>(options, router_);
    server_->Start();
  }
  ~Receiver() { server_->Stop(); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook"; }
  void Script(std::initializer_list<int> statuses) {
    std::lock_guard lock(mutex_);
    script_.insert(script_.end(), statuses);
  }
  void ClearScript() {
    std::lock_guard lock(mutex_);
    script_.clear();
  }
  void SetSecret(const std::string& secret) { secret_ = secret; }
  std::vector<Hit> hits() {
    std::lock_guard lock(mutex_);
    return hits_;
  }
  /// The event ids of the deliveries it accepted (2xx), in arrival order.
  std::vector<std::string> Accepted() {
    std::vector<std::string> out;
    for (const auto& h : hits()) {
      if (h.answered >= 200 && h.answered < 300) out.push_back(h.id);
    }
    return out;
  }

 private:
  bool Verify(const Hit& hit) const {
    if (!secret_.starts_with("whsec_")) return false;
    const std::string b64 = secret_.substr(6);
    unsigned char key[64];
    size_t key_len = 0;
    if (sodium_base642bin(key, sizeof key, b64.data(), b64.size(), nullptr, &key_len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
      return false;
    }
    const std::string content = hit.id + "." + hit.timestamp + "." + hit.body;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, key, key_len);
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(content.data()), content.size());
    crypto_auth_hmacsha256_final(&state, mac);
    char b64mac[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64mac, sizeof b64mac, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    return hit.signature == std::string("v1,") + b64mac;
  }

  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::mutex mutex_;
  std::deque<int> script_;
  std::vector<Hit> hits_;
  std::string secret_;
};

/// Names the test resolves without DNS.
class FakeResolver final : public HostResolver {
 public:
  core::Result<std::vector<std::string>> Resolve(const std::string& host) override {
    if (host == "public.example" || host == "localhost") return std::vector<std::string>{"93.184.216.34"};
    if (host == "mixed.example") return std::vector<std::string>{"93.184.216.34", "10.1.2.3"};
    if (host == "metadata.example") return std::vector<std::string>{"169.254.169.254"};
    return core::Fail(core::Error::Validation({{"url", "host '" + host + "' does not resolve"}}));
  }
};

/// One store in Chicago.
class Stores final : public location::StoreDirectoryClient {
 public:
  core::Result<location::StoreSummary> GetStore(const std::string& id) override {
    if (id == kStore) return Store();
    return core::Fail(core::Error::NotFound("store '" + id + "' does not exist"));
  }
  core::Result<std::vector<location::StoreSummary>> ListStores() override { return std::vector{Store()}; }
  static constexpr const char* kStore = "str_loop";

 private:
  static location::StoreSummary Store() {
    return {kStore, "Veta Hut Loop", "USD", "en-US", "America/Chicago", "+13125550100", 41.8781, -87.6359, {}};
  }
};

const std::vector<EventTypeInfo> kCatalog = {
    {"com.vetahut.order.confirmed", ""}, {"com.vetahut.order.status_changed", ""}, {"com.vetahut.order.completed", ""},
    {"com.vetahut.payment.refunded", ""}, {"com.vetahut.integration.sales_journal", ""}};

class IntegrationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    db_ = db::OpenTestDatabase();
    ASSERT_TRUE(db_);
    for (const char* t : {"integration_subscriptions", "integration_deliveries", "integration_sales", "integration_refunds",
                          "integration_journals", "integration_events"}) {
      db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
    }
    db_->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
              "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
    db_->Exec("DELETE FROM schema_migrations WHERE module = 'integration'");
    db::Migrate(*db_, Migrations());
    exports_ = fs::temp_directory_path() / ("vetahut-exports-" + std::to_string(std::random_device{}()));
    Rebuild(true);
  }
  void TearDown() override { fs::remove_all(exports_); }

  /// (Re)builds the services with the test's settings.
  void Rebuild(bool allow_private) {
    sender_.reset();
    journals_.reset();
    webhooks_.reset();
    options_.allow_private_targets = allow_private;
    webhooks_ = std::make_unique<WebhookService>(*db_, clock_, ids_, resolver_, kCatalog, options_);
    journals_ = std::make_unique<JournalService>(*db_, clock_, ids_, stores_, *webhooks_,
                                                 JournalOptions{exports_.string(), minutes(60), 262144});
    sender_ = std::make_unique<WebhookSender>(*db_, clock_, *webhooks_, "test");
  }

  /// A subscription of `receiver` to `types`, its secret handed to the receiver.
  std::string Subscribe(Receiver& receiver, std::vector<std::string> types = {"com.vetahut.order.*"}) {
    auto created = webhooks_->Create({receiver.url(), "ERP", std::move(types), true}, "usr_admin");
    EXPECT_TRUE(created) << created.error().detail;
    receiver.SetSecret(created->secret);
    return created->subscription.id;
  }

  /// An order event happening now, recorded as the consumer would.
  std::string Happen(const std::string& type = "com.vetahut.order.status_changed", std::string data = "{}") {
    bus::CloudEvent e = bus::MakeEvent(ids_, clock_, "/vetahut/order", type, "ord_1", std::move(data));
    e.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    auto tx = db_->Begin();
    webhooks_->Record(tx, e);
    tx.Commit();
    return e.id;
  }

  /// Sends until nothing is due, moving the clock past each retry.
  void DeliverAll(int rounds = 20) {
    for (int i = 0; i < rounds; ++i) {
      sender_->DrainForTest();
      clock_.Advance(options_.retry.max_retry + seconds(1));
    }
  }

  std::string Status(const std::string& subscription) {
    return webhooks_->Get(subscription)->active ? "active" : "disabled";
  }

  core::ManualClock clock_{Utc("2026-11-25T15:00:00Z")};
  core::IdGenerator ids_{clock_};
  FakeResolver resolver_;
  Stores stores_;
  WebhookOptions options_{.allow_private_targets = true,
                          .retry = {.first_retry = seconds(1), .max_retry = seconds(8), .max_attempts = 4,
                                    .disable_after_failures = 6, .disable_after = hours(1)},
                          .timeout = milliseconds(3000)};
  std::unique_ptr<db::Database> db_;
  fs::path exports_;
  std::unique_ptr<WebhookService> webhooks_;
  std::unique_ptr<JournalService> journals_;
  std::unique_ptr<WebhookSender> sender_;
};

TEST_F(IntegrationServiceTest, EachSubscriptionGetsItsEventsInOrderThroughFailures) {
  Receiver erp, crm;
  const auto sub = Subscribe(erp);
  Subscribe(crm, {"com.vetahut.order.confirmed"});
  std::vector<std::string> sent;
  for (int i = 0; i < 5; ++i) sent.push_back(Happen());
  const std::string confirmed = Happen("com.vetahut.order.confirmed");
  sent.push_back(confirmed);
  erp.Script({200, 500, 503, 500});  // the second event fails three times, then goes

  // While the second event is retried, nothing behind it is sent.
  sender_->DrainForTest();
  EXPECT_EQ(erp.Accepted(), std::vector<std::string>{sent[0]});
  EXPECT_EQ(erp.hits().size(), 2u);
  EXPECT_EQ(crm.Accepted(), std::vector<std::string>{confirmed});  // another subscription is not held up
  clock_.Advance(milliseconds(1300));                                 // past 1 s + 20 %
  sender_->DrainForTest();
  EXPECT_EQ(erp.hits().size(), 3u);
  EXPECT_EQ(erp.hits().back().id, sent[1]);
  DeliverAll();

  EXPECT_EQ(erp.Accepted(), sent);
  for (const auto& hit : erp.hits()) {
    EXPECT_TRUE(hit.signature_ok) << hit.signature;
    EXPECT_EQ(hit.content_type, "application/cloudevents+json");
    const auto body = json::parse(hit.body).as_object();
    EXPECT_EQ(body.at("specversion").as_string(), "1.0");
    EXPECT_EQ(body.at("id").as_string(), hit.id);  // webhook-id is the event id: receivers dedupe on it
    EXPECT_FALSE(body.contains("traceparent"));     // internal trace context stays inside
  }
  auto log = webhooks_->Deliveries(sub, "", 50, std::nullopt);
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 6u);
  const auto& second = (*log)[4];  // newest first
  EXPECT_EQ(second.event_id, sent[1]);
  EXPECT_EQ(second.status, "delivered");
  EXPECT_EQ(second.attempts, 4);
  EXPECT_EQ(webhooks_->Get(sub)->failure_streak, 0);  // a success ends the streak
}

TEST_F(IntegrationServiceTest, ADeliveryThatKeepsFailingIsGivenUpAndTheNextGoes) {
  Receiver erp;
  const auto sub = Subscribe(erp);
  const auto first = Happen();
  const auto second = Happen();
  erp.Script({500, 500, 500, 500});  // max_attempts 4
  DeliverAll();
  EXPECT_EQ(erp.Accepted(), std::vector<std::string>{second});
  auto failed = webhooks_->Deliveries(sub, "failed", 10, std::nullopt);
  ASSERT_TRUE(failed);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].event_id, first);
  EXPECT_EQ((*failed)[0].attempts, 4);
  EXPECT_EQ((*failed)[0].last_status, 500);
  EXPECT_EQ((*failed)[0].last_error, "the receiver answered 500");
  EXPECT_EQ(Status(sub), "active");  // four failures in 15 s are no long streak
}

TEST_F(IntegrationServiceTest, ALongFailureStreakDisablesTheSubscriptionWithItsReasonAndReenablingResumes) {
  Receiver erp;
  const auto sub = Subscribe(erp);
  std::vector<std::string> sent;
  for (int i = 0; i < 3; ++i) sent.push_back(Happen());
  erp.Script(std::initializer_list<int>{500, 500, 500, 500, 500, 500, 500, 500, 500, 500});
  // Six failures in a row, but within the hour: still active.
  DeliverAll(3);
  EXPECT_GE(webhooks_->Get(sub)->failure_streak, 3);
  EXPECT_EQ(Status(sub), "active");
  clock_.Advance(minutes(61));
  DeliverAll(6);
  auto s = webhooks_->Get(sub);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->active);
  EXPECT_NE(s->disabled_reason.find("failed attempts in a row since 2026-11-25T15:00"), std::string::npos) << s->disabled_reason;
  EXPECT_NE(s->disabled_reason.find("the receiver answered 500"), std::string::npos) << s->disabled_reason;
  EXPECT_TRUE(s->disabled_at);
  // Disabled: nothing more is sent, new events are not queued for it.
  const auto hits = erp.hits().size();
  DeliverAll(2);
  EXPECT_EQ(erp.hits().size(), hits);
  Happen();
  EXPECT_GT(s->pending, 0);
  const auto pending = webhooks_->Get(sub)->pending;
  EXPECT_EQ(pending, s->pending);
  // A test is refused while disabled, with the reason.
  auto test = webhooks_->SendTest(sub, "usr_admin");
  ASSERT_FALSE(test);
  EXPECT_EQ(test.error().code, core::ErrorCode::kConflict);

  // Re-enabled: the streak is forgotten and what waited goes, in order.
  auto waiting = webhooks_->Deliveries(sub, "pending", 50, std::nullopt);
  ASSERT_TRUE(waiting);
  ASSERT_FALSE(waiting->empty());
  std::vector<std::string> expected;
  for (auto it = waiting->rbegin(); it != waiting->rend(); ++it) expected.push_back(it->event_id);  // oldest first
  erp.ClearScript();
  const auto accepted_before = erp.Accepted().size();
  auto enabled = webhooks_->Update(sub, {.active = true}, "usr_admin");
  ASSERT_TRUE(enabled);
  EXPECT_TRUE(enabled->active);
  EXPECT_EQ(enabled->failure_streak, 0);
  EXPECT_TRUE(enabled->disabled_reason.empty());
  sender_->DrainForTest();  // at once: the retries' back-off is over
  const auto accepted = erp.Accepted();
  EXPECT_EQ(std::vector<std::string>(accepted.begin() + static_cast<std::ptrdiff_t>(accepted_before), accepted.end()), expected);
  EXPECT_EQ(webhooks_->Get(sub)->pending, 0);
}

TEST_F(IntegrationServiceTest, GoneDisablesAtOnce) {
  Receiver erp;
  const auto sub = Subscribe(erp);
  Happen();
  erp.Script({410});
  DeliverAll(1);
  auto s = webhooks_->Get(sub);
  EXPECT_FALSE(s->active);
  EXPECT_EQ(s->disabled_reason, "the receiver answered 410 Gone: it wants no more deliveries");
}

TEST_F(IntegrationServiceTest, AReplaySendsALoggedRangeAgainInOrderWithTheSameIds) {
  Receiver erp;
  const auto sub = Subscribe(erp, {"com.vetahut.order.status_changed"});
  std::vector<std::string> ids;
  std::vector<core::TimePoint> at;
  for (int i = 0; i < 5; ++i) {
    at.push_back(clock_.Now());
    ids.push_back(Happen());
    Happen("com.vetahut.order.confirmed");  // logged, but not this subscription's
    clock_.Advance(minutes(1));
  }
  ASSERT_TRUE(webhooks_->SendTest(sub, "usr_admin"));  // never replayed
  DeliverAll();
  ASSERT_EQ(erp.hits().size(), 6u);

  auto queued = webhooks_->Replay(sub, at[1], at[4]);
  ASSERT_TRUE(queued) << queued.error().detail;
  EXPECT_EQ(*queued, 3);
  DeliverAll();
  const auto hits = erp.hits();
  ASSERT_EQ(hits.size(), 9u);
  EXPECT_EQ(hits[6].id, ids[1]);
  EXPECT_EQ(hits[7].id, ids[2]);
  EXPECT_EQ(hits[8].id, ids[3]);
  EXPECT_EQ(hits[6].body, hits[1].body);  // the same event, byte for byte
  auto replayed = webhooks_->Deliveries(sub, "", 3, std::nullopt);
  for (const auto& d : *replayed) EXPECT_EQ(d.origin, "replay");

  EXPECT_EQ(webhooks_->Replay(sub, at[4], at[1]).error().fields.at(0).field, "to");
  options_.replay_limit = 2;
  Rebuild(true);
  auto too_many = webhooks_->Replay(sub, at[0], clock_.Now());
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().fields.at(0).field, "from");
  EXPECT_FALSE(webhooks_->Replay("whk_nobody", at[0], at[1]));
}

TEST_F(IntegrationServiceTest, TheTestEventGoesToOneSubscriptionOnly) {
  Receiver a, b;
  const auto sub = Subscribe(a);
  Subscribe(b);
  auto test = webhooks_->SendTest(sub, "usr_admin");
  ASSERT_TRUE(test);
  EXPECT_EQ(test->origin, "test");
  EXPECT_EQ(test->event_type, "com.vetahut.integration.test");
  DeliverAll(1);
  ASSERT_EQ(a.hits().size(), 1u);
  EXPECT_TRUE(a.hits()[0].signature_ok);
  EXPECT_EQ(json::parse(a.hits()[0].body).at("type").as_string(), "com.vetahut.integration.test");
  EXPECT_TRUE(b.hits().empty());
}

TEST_F(IntegrationServiceTest, BadSubscriptionsAreRefusedNamingTheFieldAndChangeNothing) {
  Rebuild(false);  // production: partners must be on the public internet
  auto why = [&](SubscriptionInput in) {
    auto r = webhooks_->Create(in, "usr_admin");
    EXPECT_FALSE(r);
    if (r) return std::string("created");
    EXPECT_EQ(r.error().code, core::ErrorCode::kValidation);
    return r.error().fields.at(0).field + ": " + r.error().fields.at(0).message;
  };
  const std::vector<std::string> order = {"com.vetahut.order.*"};
  EXPECT_EQ(why({"ftp://public.example/x", "", order}), "url: must use http or https, not 'ftp'");
  EXPECT_EQ(why({"http://127.0.0.1:9/hook", "", order}),
            "url: 127.0.0.1 is a loopback address: partner webhooks must reach the public internet");
  EXPECT_EQ(why({"http://[::1]/hook", "", order}), "url: ::1 is a loopback address: partner webhooks must reach the public internet");
  EXPECT_EQ(why({"https://metadata.example/latest", "", order}),
            "url: host 'metadata.example' resolves to 169.254.169.254 is a link-local address: partner webhooks must "
            "reach the public internet");
  // Every address of a name counts: one private one is enough to refuse it.
  EXPECT_NE(why({"https://mixed.example/", "", order}).find("10.1.2.3 is a private address"), std::string::npos);
  EXPECT_EQ(why({"https://nowhere.example/", "", order}), "url: host 'nowhere.example' does not resolve");
  EXPECT_EQ(why({"https://public.example/", "", {"com.vetahut.customer.registered"}}),
            "event_types[0]: 'com.vetahut.customer.registered' is not an event type the platform offers (see GET "
            "/api/v1/admin/webhook-event-types)");
  EXPECT_EQ(why({"https://public.example/", std::string(201, 'x'), order}).substr(0, 13), "description: ");
  EXPECT_TRUE(webhooks_->List(10, "").empty());
  auto ok = webhooks_->Create({"https://public.example/hook", "ERP", order, true}, "usr_admin");
  ASSERT_TRUE(ok) << ok.error().detail;
  EXPECT_TRUE(ok->secret.starts_with("whsec_"));
  EXPECT_TRUE(ok->subscription.secret.empty());
  EXPECT_TRUE(webhooks_->Get(ok->subscription.id)->secret.empty());  // never again after creation
  // A change is checked the same way and changes nothing when refused.
  auto moved = webhooks_->Update(ok->subscription.id, {.url = "http://10.0.0.8/hook"}, "usr_admin");
  ASSERT_FALSE(moved);
  EXPECT_EQ(webhooks_->Get(ok->subscription.id)->url, "https://public.example/hook");
}

TEST_F(IntegrationServiceTest, ANameThatPointsInsideTheNetworkAtSendTimeIsNotDialled) {
  Receiver erp;
  Rebuild(false);
  // "localhost" resolved to a public address when the subscription was saved (the fake resolver
  // plays a DNS answer that changes later: rebinding); at send time it is 127.0.0.1.
  const std::string url = "http://localhost:" + erp.url().substr(erp.url().rfind(':') + 1);
  auto created = webhooks_->Create({url, "", {"com.vetahut.order.*"}, true}, "usr_admin");
  ASSERT_TRUE(created) << created.error().detail;
  Happen();
  sender_->DrainForTest();
  EXPECT_TRUE(erp.hits().empty());
  auto log = webhooks_->Deliveries(created->subscription.id, "", 1, std::nullopt);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].status, "pending");
  EXPECT_EQ((*log)[0].attempts, 1);
  EXPECT_NE((*log)[0].last_error.find("refused to connect to"), std::string::npos) << (*log)[0].last_error;
  EXPECT_NE((*log)[0].last_error.find("not an allowed address"), std::string::npos) << (*log)[0].last_error;
}

TEST_F(IntegrationServiceTest, AnErasedCustomersEventsLeaveTheLogAndAreNotSent) {
  Receiver erp;
  const auto sub = Subscribe(erp);
  const auto start = clock_.Now();
  const auto ada = Happen("com.vetahut.order.confirmed", R"({"order_id":"ord_1","customer_id":"cus_ada","customer_name":"Ada"})");
  const auto guest = Happen("com.vetahut.order.confirmed", R"({"order_id":"ord_2","customer_id":null})");
  {
    auto tx = db_->Begin();
    webhooks_->EraseCustomer(tx, "cus_ada");
    tx.Commit();
  }
  DeliverAll(1);
  EXPECT_EQ(erp.Accepted(), std::vector<std::string>{guest});
  auto failed = webhooks_->Deliveries(sub, "failed", 10, std::nullopt);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].event_id, ada);
  EXPECT_EQ((*failed)[0].last_error, "not sent: the customer erased their account");
  EXPECT_EQ((*failed)[0].attempts, 0);
  // Nor replayed: the log no longer has it.
  clock_.Advance(seconds(1));
  auto queued = webhooks_->Replay(sub, start, clock_.Now());
  ASSERT_TRUE(queued);
  EXPECT_EQ(*queued, 1);
  EXPECT_EQ(db_->Query("SELECT COUNT(*) AS n FROM integration_events WHERE envelope LIKE '%Ada%'")[0].Int("n"), 0);
}

// --- the sales journal ---

order::events::OrderConfirmed Confirmed(const std::string& id, std::int64_t food_net, std::int64_t tip) {
  order::events::OrderConfirmed o;
  o.order_id = id;
  o.store_id = Stores::kStore;
  o.number = 1;
  o.type = "carryout";
  o.business_date = "2026-11-25";
  o.channel = "web";
  o.payment_method = "card";
  order::events::Line pizza;
  pizza.line_total = {food_net, "USD"};
  pizza.discount = core::MoneyAmount{0, "USD"};
  pizza.net = core::MoneyAmount{food_net, "USD"};
  pizza.tax = core::MoneyAmount{food_net * 8875 / 100000, "USD"};
  pizza.tax_category = "food";
  order::events::Line cola;
  cola.line_total = {300, "USD"};
  cola.net = core::MoneyAmount{300, "USD"};
  cola.tax = core::MoneyAmount{27, "USD"};
  cola.tax_category = "beverage";
  o.lines = {pizza, cola};
  const std::int64_t tax = pizza.tax->amount + 27;
  o.subtotal = {food_net + 300, "USD"};
  o.discount_total = {0, "USD"};
  o.tax_total = {tax, "USD"};
  o.delivery_fee = {0, "USD"};
  o.tip = {tip, "USD"};
  o.total = {food_net + 300 + tax + tip, "USD"};
  return o;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(IntegrationServiceTest, TheSalesJournalAddsUpIsTheSameBytesTwiceClosesAndChangesWithALateFact) {
  Receiver erp;
  Subscribe(erp, {"com.vetahut.integration.sales_journal"});
  auto record = [&](auto fn) {
    auto tx = db_->Begin();
    fn(tx);
    tx.Commit();
  };
  auto complete = [&](const std::string& id, const char* at) {
    clock_.Set(Utc(at));
    order::events::OrderCompleted c;
    c.order_id = id;
    c.store_id = Stores::kStore;
    c.at = at;
    record([&](db::Transaction& tx) { journals_->RecordCompleted(tx, c, bus::CloudEvent{}); });
  };
  auto refund = [&](const std::string& order, std::int64_t amount, const char* at) {
    clock_.Set(Utc(at));
    bus::CloudEvent e = bus::MakeEvent(ids_, clock_, "/vetahut/payment", "com.vetahut.payment.refunded", order, "{}");
    payment::events::PaymentRefunded r;
    r.order_id = order;
    r.payment_id = "pay_" + order;
    r.method = "card";
    r.amount = amount;
    r.currency = "USD";
    record([&](db::Transaction& tx) { journals_->RecordRefund(tx, r, e); });
    record([&](db::Transaction& tx) { journals_->RecordRefund(tx, r, e); });  // redelivered: counted once
  };
  // Chicago's 2026-11-25 runs from 06:00Z to 06:00Z the next day.
  for (auto [id, net, tip] : {std::tuple{"ord_a", 2000, 300}, {"ord_b", 1000, 0}, {"ord_c", 1000, 0}, {"ord_open", 1000, 0}}) {
    record([&](db::Transaction& tx) { journals_->RecordConfirmed(tx, Confirmed(id, net, tip)); });
  }
  complete("ord_a", "2026-11-25T18:00:00Z");
  refund("ord_a", 500, "2026-11-25T20:00:00Z");

  // Made while the day still runs: what happened so far, marked open.
  clock_.Set(Utc("2026-11-25T20:30:00Z"));
  auto open = journals_->Produce(Stores::kStore, "2026-11-25", "usr_admin");
  ASSERT_TRUE(open) << open.error().detail;
  EXPECT_FALSE(open->row.closed);
  EXPECT_TRUE(open->changed);
  EXPECT_EQ(open->row.revision, 1);
  EXPECT_EQ(open->journal.totals.orders, 1);
  EXPECT_EQ(open->journal.totals.refunds, 500);
  const std::string json1 = Slurp(open->json_path), csv1 = Slurp(open->csv_path);
  EXPECT_EQ(Sha256Hex(json1), open->row.json_sha256);
  // Made again from the same facts: the same bytes, nothing new pushed.
  clock_.Advance(minutes(1));
  auto again = journals_->Produce(Stores::kStore, "2026-11-25", "usr_admin");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->row.revision, 1);
  EXPECT_EQ(Slurp(again->json_path), json1);
  EXPECT_EQ(Slurp(again->csv_path), csv1);
  sender_->DrainForTest();
  ASSERT_EQ(erp.hits().size(), 1u);
  {
    const auto pushed = json::parse(erp.hits()[0].body);
    EXPECT_TRUE(erp.hits()[0].signature_ok);
    EXPECT_EQ(pushed.at("type").as_string(), "com.vetahut.integration.sales_journal");
    EXPECT_EQ(pushed.at("data").at("journal"), json::parse(json1));  // the journal itself, inline
    EXPECT_EQ(pushed.at("data").at("files").at("json").at("sha256").as_string(), open->row.json_sha256);
  }

  complete("ord_b", "2026-11-26T05:59:59Z");  // 23:59:59 in Chicago: still the 25th
  complete("ord_c", "2026-11-26T06:00:00Z");  // midnight in Chicago: the 26th
  // The day closes an hour (the grace) after local midnight, not before.
  clock_.Set(Utc("2026-11-26T06:59:00Z"));
  EXPECT_EQ(journals_->CloseDays(), 0);
  clock_.Set(Utc("2026-11-26T07:00:00Z"));
  EXPECT_EQ(journals_->CloseDays(), 1);  // the 25th; the 26th still runs
  EXPECT_EQ(journals_->CloseDays(), 0);  // nothing left to close
  auto closed = journals_->Get(Stores::kStore, "2026-11-25");
  ASSERT_TRUE(closed);
  EXPECT_TRUE(closed->closed);
  EXPECT_EQ(closed->revision, 2);
  EXPECT_EQ(closed->orders, 2);
  EXPECT_EQ(closed->generated_by, "schedule");
  EXPECT_FALSE(journals_->Get(Stores::kStore, "2026-11-26"));
  const std::string json2 = Slurp(journals_->PathOf(Stores::kStore, "2026-11-25", "json"));
  auto rerun = journals_->Produce(Stores::kStore, "2026-11-25", "usr_admin");
  ASSERT_TRUE(rerun);
  EXPECT_FALSE(rerun->changed);
  EXPECT_EQ(Slurp(rerun->json_path), json2);

  // A refund of the 25th that reaches us late makes the day's journal again.
  refund("ord_b", 200, "2026-11-25T23:30:00Z");
  clock_.Set(Utc("2026-11-26T08:00:00Z"));
  EXPECT_EQ(journals_->CloseDays(), 1);
  auto late = journals_->Get(Stores::kStore, "2026-11-25");
  EXPECT_EQ(late->revision, 3);
  const auto doc = json::parse(Slurp(journals_->PathOf(Stores::kStore, "2026-11-25", "json"))).as_object();
  const auto& totals = doc.at("totals").as_object();
  // ord_a: 2000 food (tax 177) + 300 drink (27), tip 3.00; ord_b: 1000 food (88) + 300 drink (27).
  EXPECT_EQ(totals.at("orders").as_int64(), 2);
  EXPECT_EQ(totals.at("gross_sales").as_int64(), 3600);
  EXPECT_EQ(totals.at("tax").as_int64(), 177 + 27 + 88 + 27);
  EXPECT_EQ(totals.at("tips").as_int64(), 300);
  EXPECT_EQ(totals.at("total").as_int64(), 3600 + 319 + 300);
  EXPECT_EQ(totals.at("refunds").as_int64(), 700);
  EXPECT_EQ(totals.at("net_total").as_int64(), 4219 - 700);
  EXPECT_EQ(doc.at("taxes"), json::parse(R"([{"category":"beverage","net":600,"tax":54},{"category":"food","net":3000,"tax":265}])"));
  EXPECT_TRUE(doc.at("closed").as_bool());
  sender_->DrainForTest();
  EXPECT_EQ(erp.hits().size(), 3u);  // revisions 1, 2 and 3

  // Bad requests name the field.
  EXPECT_EQ(journals_->Produce("str_nowhere", "2026-11-25", "usr_admin").error().fields.at(0).field, "store_id");
  for (const char* day : {"2026-02-30", "25.11.2026", "2026-11-5", "1999-12-31"}) {
    EXPECT_EQ(journals_->Produce(Stores::kStore, day, "usr_admin").error().fields.at(0).field, "business_date") << day;
  }
  auto future = journals_->Produce(Stores::kStore, "2026-11-27", "usr_admin");
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().fields.at(0).message, "2026-11-27 has not begun in the store's time zone (America/Chicago)");
}

}  // namespace
}  // namespace vetahut::integration
