// Crash injection: the `vetahut` process kills itself with SIGKILL at a point of the order saga
// (VETAHUT_TEST_CRASH_AT), is restarted, and the order must then complete or be compensated —
// never lost, never charged twice. Money is counted where it moves: in the sandbox processor's
// own tables, and in a fake Stripe server living in this test process (it outlives the crash).
#include <sys/wait.h>

#include <filesystem>
#include <thread>

#include "lib/db/database.hpp"
#include "order_fixture.hpp"
#include "services/payment/providers/fake_stripe.hpp"

namespace {

using namespace vetahut::testing;
namespace fs = std::filesystem;

class OrderCrash : public OrderFixture {
 protected:
  void SetUp() override {
    OrderFixture::SetUp();
    env_.push_back({"VETAHUT_ORDER_SAGA_LEASE_S", "1"});
  }

  /// Starts the server with the crash point armed (or not).
  std::unique_ptr<ServeProcess> Start(const std::string& crash_at) {
    auto env = env_;
    if (!crash_at.empty()) env.push_back({"VETAHUT_TEST_CRASH_AT", crash_at});
    return std::make_unique<ServeProcess>(data_dir_, env, std::vector<std::string>{"--demo"});
  }

  /// The request that hits the crash point gets no answer; the process dies of SIGKILL.
  static void ExpectKilled(ServeProcess& serve, const vetahut::core::Result<ClientResponse>& r) {
    EXPECT_FALSE(r && r->status > 0) << "the request was answered: " << r->body;
    const int status = serve.Wait();
    ASSERT_TRUE(WIFSIGNALED(status)) << serve.Log();
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
    EXPECT_NE(serve.Log().find("test crash point reached"), std::string::npos) << serve.Log();
  }

  /// Restarts on the same data (the URL changes: port 0).
  std::unique_ptr<ServeProcess> Restart() {
    auto serve = Start("");
    url_ = serve->WaitForUrl();
    EXPECT_FALSE(url_.empty()) << serve->Log();
    return serve;
  }

  /// Polls the order until `pred` holds (the restarted runner resumes the saga within seconds).
  json::object WaitFor(const std::string& id, const std::function<bool(const json::object&)>& pred) {
    json::object o;
    for (int i = 0; i < 150; ++i) {
      auto r = client_.Get(url_ + "/api/v1/orders/" + id, manager_);
      if (r && r->status == 200) {
        o = json::parse(r->body).as_object();
        if (pred(o)) return o;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "order " << id << " did not get there: " << json::serialize(o);
    return o;
  }

  std::unique_ptr<vetahut::db::Database> Db() {
    const char* engine = std::getenv("VETAHUT_TEST_ENGINE");
    if (engine && std::string(engine) == "postgres") {
      for (const auto& [k, v] : env_) {
        if (k == "VETAHUT_DB_URL") return vetahut::db::Database::Open(v);
      }
    }
    for (const auto& e : fs::recursive_directory_iterator(data_dir_)) {
      if (e.path().extension() == ".db") return vetahut::db::Database::Open("sqlite:" + e.path().string());
    }
    ADD_FAILURE() << "no database under " << data_dir_;
    return nullptr;
  }
  std::int64_t Count(const std::string& sql, const std::string& order_id) {
    return Db()->Query(sql, vetahut::db::Params(order_id))[0].Int(0);
  }
  void ExpectBalancedLedger() {
    EXPECT_EQ(client_.Get(url_ + "/api/v1/admin/payments/reconciliation", Admin(url_))->body,
              R"({"balanced":true,"problems":[]})");
  }
};

TEST_F(OrderCrash, PlacementSurvivesACrashBeforeAndAfterTheAuthorization) {
  for (const char* point : {"after_place", "provider_authorized", "after_authorize"}) {
    for (int round = 0; round < 2; ++round) {
      SCOPED_TRACE(fmt::format("{} round {}", point, round));
      auto serve = Start(point);
      if (store_.empty()) {
        ASSERT_FALSE(Boot(*serve).empty()) << serve->Log();
      } else {
        url_ = serve->WaitForUrl();  // the store, staff and tokens are from the first round
        ASSERT_FALSE(url_.empty()) << serve->Log();
      }
      const std::string body = OrderBody(Card(kApproved));
      const std::string key = fmt::format("crash-{}-{}", point, round);
      ExpectKilled(*serve, Place(body, key));
      serve = Restart();
      // The client retries with its key: the order is there, and the saga finishes it.
      auto replay = Place(body, key);
      ASSERT_TRUE(replay);
      ASSERT_EQ(replay->status, 200) << replay->body;
      const std::string id(json::parse(replay->body).at("id").as_string());
      auto order = WaitFor(id, [](const json::object& o) { return o.at("status").as_string() == "confirmed"; });
      EXPECT_EQ(order.at("payment").at("status").as_string(), "authorized");
      EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_sandbox_charges WHERE order_id = $1", id), 1);
      EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_ledger l JOIN payment_payments p ON p.id = l.payment_id "
                      "WHERE p.order_id = $1 AND l.kind = 'authorize'", id), 1);
      serve->Kill(SIGTERM);
    }
  }
}

TEST_F(OrderCrash, CaptureAndVoidSurviveACrashAndMoveMoneyOnce) {
  for (const char* point : {"before_capture", "provider_captured", "after_capture", "after_void"}) {
    SCOPED_TRACE(point);
    auto serve = Start(point);
    if (store_.empty()) {
      ASSERT_FALSE(Boot(*serve).empty()) << serve->Log();
    } else {
      url_ = serve->WaitForUrl();
    }
    auto placed = PlaceOk(OrderBody(Card(kApproved)), std::string("order-") + point);
    const std::string id(placed.at("id").as_string());
    const std::int64_t total = Amount(placed.at("total"));
    const bool cancel = std::string(point) == "after_void";
    if (cancel) {
      ExpectKilled(*serve, client_.Post(url_ + "/api/v1/orders/" + id + "/cancel", "{}", customer_));
    } else {
      Expect(Move(id, "preparing", manager_), 200);
      Expect(Move(id, "ready", manager_), 200);
      ExpectKilled(*serve, Move(id, "picked_up", manager_));
    }
    serve = Restart();
    const std::string want = cancel ? "voided" : "captured";
    auto order = WaitFor(id, [&](const json::object& o) { return o.at("payment").at("status").as_string() == want; });
    EXPECT_EQ(order.at("status").as_string(), cancel ? "cancelled" : "picked_up");
    auto charge = Db()->Query("SELECT captured, status FROM payment_sandbox_charges WHERE order_id = $1", vetahut::db::Params(id));
    ASSERT_EQ(charge.size(), 1u);
    EXPECT_EQ(charge[0].Int(0), cancel ? 0 : total);
    EXPECT_EQ(charge[0].Text(1), want);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_ledger l JOIN payment_payments p ON p.id = l.payment_id "
                    "WHERE p.order_id = $1 AND l.kind IN ('capture', 'void')", id), 1);
    ExpectBalancedLedger();
    serve->Kill(SIGTERM);
  }
}

TEST_F(OrderCrash, WithStripeTheProcessorSeesOneIntentAndOneCapture) {
  vetahut::payment::FakeStripe stripe;
  env_.push_back({"VETAHUT_PAYMENT_PROVIDER", "stripe"});
  env_.push_back({"VETAHUT_PAYMENT_STRIPE_API_BASE", stripe.url()});
  env_.push_back({"VETAHUT_PAYMENT_STRIPE_SECRET_KEY", stripe.secret_key()});
  env_.push_back({"VETAHUT_PAYMENT_WEBHOOK_SECRET", "whsec_crash_test"});
  auto serve = Start("provider_authorized");
  ASSERT_FALSE(Boot(*serve).empty()) << serve->Log();
  const std::string body = OrderBody(Card(kApproved));
  ExpectKilled(*serve, Place(body, "stripe-crash"));
  serve = Restart();
  auto replay = Place(body, "stripe-crash");
  ASSERT_EQ(replay->status, 200) << replay->body;
  const std::string id(json::parse(replay->body).at("id").as_string());
  auto order = WaitFor(id, [](const json::object& o) { return o.at("status").as_string() == "confirmed"; });
  EXPECT_EQ(stripe.IntentsCreated(), 1);
  serve->Kill(SIGTERM);

  serve = Start("provider_captured");
  url_ = serve->WaitForUrl();
  Expect(Move(id, "preparing", manager_), 200);
  Expect(Move(id, "ready", manager_), 200);
  ExpectKilled(*serve, Move(id, "picked_up", manager_));
  serve = Restart();
  order = WaitFor(id, [](const json::object& o) { return o.at("payment").at("status").as_string() == "captured"; });
  EXPECT_EQ(stripe.IntentsCreated(), 1);
  EXPECT_EQ(stripe.CapturedTotal(id), Amount(order.at("total")));
  ExpectBalancedLedger();
}

TEST_F(OrderCrash, AProcessorThatNeverAnswersLeavesNoHoldBehind) {
  // The processor authorizes but every answer is lost until the payment deadline: the order is
  // rejected, and once the processor answers again the hold it made is found and voided.
  vetahut::payment::FakeStripe stripe;
  env_.push_back({"VETAHUT_PAYMENT_PROVIDER", "stripe"});
  env_.push_back({"VETAHUT_PAYMENT_STRIPE_API_BASE", stripe.url()});
  env_.push_back({"VETAHUT_PAYMENT_STRIPE_SECRET_KEY", stripe.secret_key()});
  env_.push_back({"VETAHUT_PAYMENT_WEBHOOK_SECRET", "whsec_lost_answers"});
  env_.push_back({"VETAHUT_ORDER_PAYMENT_TIMEOUT_S", "2"});
  auto serve = Start("");
  ASSERT_FALSE(Boot(*serve).empty()) << serve->Log();
  const std::string body = OrderBody(Card(kApproved));
  stripe.FailNextAfterProcessing(1);  // the authorization happens, its answer is lost
  auto placed = Place(body, "lost-answers");
  stripe.FailNext(1000);  // then the processor is down (the saga's first retry is a second away)
  ASSERT_TRUE(placed);
  ASSERT_EQ(placed->status, 201) << placed->body;
  const std::string id(json::parse(placed->body).at("id").as_string());
  EXPECT_EQ(json::parse(placed->body).at("status").as_string(), "pending_payment");
  auto rejected = WaitFor(id, [](const json::object& o) { return o.at("status").as_string() == "rejected"; });
  EXPECT_EQ(rejected.at("reason").as_string(), "payment_unavailable");
  EXPECT_EQ(stripe.IntentsCreated(), 1);  // retries replayed the first request
  stripe.FailNext(0);
  auto voided = WaitFor(id, [](const json::object& o) { return o.at("payment").at("status").as_string() == "voided"; });
  const std::string reference = Db()->Query("SELECT reference FROM payment_payments WHERE order_id = $1",
                                            vetahut::db::Params(id))[0].Text(0);
  ASSERT_FALSE(reference.empty());
  EXPECT_EQ(stripe.IntentStatus(reference).value_or("?"), "canceled");
  EXPECT_EQ(stripe.IntentsCreated(), 1);
  ExpectBalancedLedger();
}

}  // namespace
