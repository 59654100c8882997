// The sandbox processor on a real database (SQLite or PostgreSQL, from VETAHUT_TEST_DB_URL): every
// test card, idempotency (also across a new instance, as after a restart), the money rules, and
// signed webhooks delivered to a loopback server.
#include "services/payment/providers/sandbox.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "lib/db/test_database.hpp"
#include "lib/http/router.hpp"
#include "lib/http/server.hpp"
#include "lib/log/log.hpp"

namespace vetahut::payment {
namespace {

using namespace std::chrono_literals;

constexpr const char* kApproved = "4242424242424242";
constexpr const char* kDeclined = "4000000000000002";
constexpr const char* kInsufficient = "4000000000009995";
constexpr const char* kProcessingError = "4000000000000119";
constexpr const char* kAuthenticate = "4000002500003155";
constexpr const char* kSecret = "whsec_sandbox_test";

core::Money Usd(std::int64_t cents) { return core::Money(cents, *core::Currency::Find("USD")); }

// Receives webhooks on 127.0.0.1:<port 0>; can refuse the first N deliveries with a 500.
class WebhookReceiver {
 public:
  struct Delivery {
    std::string signature;
    std::string body;
  };

  explicit WebhookReceiver(int refuse_first = 0) : refuse_(refuse_first) {
    router_.Post("/hooks", [this](http::Request& request) -> core::Result<http::Response> {
      std::lock_guard lock(mutex_);
      ++attempts_;
      if (refuse_ > 0) {
        --refuse_;
        return http::Response::Json(R"({"error":"try later"})", 500);
      }
      deliveries_.push_back({std::string(request.Header("Vetahut-Signature").value_or("")), request.body});
      arrived_.notify_all();
      return http::Response::NoContent();
    });
    http::ServerOptions options;
    options.io_threads = 1;
    options.worker_threads = 2;
    server_ = std::make_unique<http::Server>(options, router_);
    server_->Start();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hooks"; }

  // Waits (up to 10 s) for `n` deliveries and returns them in arrival order.
  std::vector<Delivery> WaitFor(std::size_t n) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, 10s, [&] { return deliveries_.size() >= n; });
    return deliveries_;
  }

  int attempts() {
    std::lock_guard lock(mutex_);
    return attempts_;
  }

 private:
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Delivery> deliveries_;
  int refuse_;
  int attempts_ = 0;
};

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::OpenTestDatabase();
    ASSERT_TRUE(db_);
    for (const char* t : {"payment_sandbox_idempotency", "payment_sandbox_charges", "payment_sandbox_tokens"}) {
      db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
    }
    db_->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
              "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
    db_->Exec("DELETE FROM schema_migrations WHERE module = 'payment_sandbox'");
    db::Migrate(*db_, SandboxMigrations());
    sandbox_ = std::make_unique<SandboxProvider>(*db_, clock_, ids_, SandboxOptions{0ms, "", kSecret});
  }

  std::string Token(const char* number, int exp_month = 12, int exp_year = 2030, const char* cvc = "123") {
    auto token = sandbox_->Tokenize({number, exp_month, exp_year, cvc});
    EXPECT_TRUE(token) << (token ? "" : token.error().detail);
    return token ? token->token : "";
  }

  ProviderResult Authorize(const char* number, std::int64_t cents, const std::string& key) {
    auto r = sandbox_->Authorize(Token(number), Usd(cents), "ord_1", key);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : ProviderResult{};
  }

  std::int64_t Count(const std::string& table) {
    return db_->Query("SELECT COUNT(*) FROM " + table)[0].Int(0);
  }

  core::ManualClock clock_{*core::ParseRfc3339("2026-11-24T12:00:00Z")};
  core::IdGenerator ids_{clock_};
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<SandboxProvider> sandbox_;
};

TEST_F(SandboxTest, ApprovedCardIsAuthorizedCapturedAndRefunded) {
  auto token = sandbox_->Tokenize({"4242 4242 4242 4242", 12, 2030, "123"});
  ASSERT_TRUE(token);
  EXPECT_TRUE(token->token.starts_with("tok_"));
  EXPECT_EQ(token->brand, "visa");
  EXPECT_EQ(token->last4, "4242");

  auto auth = sandbox_->Authorize(token->token, Usd(2599), "ord_1", "auth-1");
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->status, ProviderStatus::kSucceeded);
  EXPECT_TRUE(auth->reference.starts_with("pi_"));
  EXPECT_EQ(sandbox_->Retrieve(auth->reference)->message, "authorized");

  auto capture = sandbox_->Capture(auth->reference, Usd(2599), "cap-1");
  ASSERT_TRUE(capture);
  EXPECT_EQ(capture->status, ProviderStatus::kSucceeded);
  EXPECT_EQ(sandbox_->Retrieve(auth->reference)->message, "captured");

  auto refund = sandbox_->Refund(auth->reference, Usd(2599), "ref-1");
  ASSERT_TRUE(refund);
  auto state = sandbox_->Retrieve(auth->reference);
  EXPECT_EQ(state->status, ProviderStatus::kSucceeded);
  EXPECT_EQ(state->message, "refunded");
}

TEST_F(SandboxTest, AnyOtherValidNumberApproves) {
  auto mastercard = sandbox_->Tokenize({"5555-5555-5555-4444", 1, 2031, "321"});
  ASSERT_TRUE(mastercard);
  EXPECT_EQ(mastercard->brand, "mastercard");
  auto amex = sandbox_->Tokenize({"378282246310005", 1, 2031, "4321"});
  ASSERT_TRUE(amex);
  EXPECT_EQ(amex->brand, "amex");
  EXPECT_EQ(sandbox_->Authorize(mastercard->token, Usd(100), "ord_1", "a1")->status, ProviderStatus::kSucceeded);
  EXPECT_EQ(sandbox_->Authorize(amex->token, Usd(100), "ord_2", "a2")->status, ProviderStatus::kSucceeded);
}

TEST_F(SandboxTest, DeclineCardsAreDeclinedWithTheirCodes) {
  const std::pair<const char*, const char*> cases[] = {
      {kDeclined, "card_declined"}, {kInsufficient, "insufficient_funds"}, {kProcessingError, "processing_error"}};
  int n = 0;
  for (const auto& [number, code] : cases) {
    const ProviderResult r = Authorize(number, 1000, "decline-" + std::to_string(n++));
    EXPECT_EQ(r.status, ProviderStatus::kDeclined) << number;
    EXPECT_EQ(r.decline_code, code);
    EXPECT_FALSE(r.message.empty());
    EXPECT_TRUE(r.reference.starts_with("pi_"));
    auto state = sandbox_->Retrieve(r.reference);
    ASSERT_TRUE(state);
    EXPECT_EQ(state->status, ProviderStatus::kDeclined);
    EXPECT_EQ(state->decline_code, code);
    auto capture = sandbox_->Capture(r.reference, Usd(1000), "cap-" + std::to_string(n));
    ASSERT_FALSE(capture);
    EXPECT_EQ(capture.error().code, core::ErrorCode::kConflict);
  }
}

TEST_F(SandboxTest, AuthenticationCardStaysPendingUntilVoided) {
  const ProviderResult r = Authorize(kAuthenticate, 1500, "pending-1");
  EXPECT_EQ(r.status, ProviderStatus::kPending);
  clock_.Advance(std::chrono::hours(48));
  EXPECT_EQ(sandbox_->Retrieve(r.reference)->status, ProviderStatus::kPending);
  auto capture = sandbox_->Capture(r.reference, Usd(1500), "cap-1");
  ASSERT_FALSE(capture);
  EXPECT_EQ(capture.error().code, core::ErrorCode::kConflict);

  auto voided = sandbox_->Void(r.reference, "void-1");
  ASSERT_TRUE(voided);
  EXPECT_EQ(voided->status, ProviderStatus::kSucceeded);
  auto state = sandbox_->Retrieve(r.reference);
  EXPECT_EQ(state->status, ProviderStatus::kDeclined);
  EXPECT_EQ(state->message, "voided");
}

TEST_F(SandboxTest, TokenizeValidatesTheCard) {
  auto bad = sandbox_->Tokenize({"4242424242424241", 13, 2020, "12"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kValidation);
  std::vector<std::string> fields;
  for (const auto& f : bad.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"card.number", "card.exp_month", "card.exp_year", "card.cvc"}));
  EXPECT_EQ(Count("payment_sandbox_tokens"), 0);
}

TEST_F(SandboxTest, CardNumbersAreNeverStoredOrLogged) {
  std::mutex log_mutex;
  std::string logged;
  log::SetLevel(log::Level::kDebug);
  log::SetSink([&](std::string_view line) {
    std::lock_guard lock(log_mutex);
    logged.append(line).push_back('\n');
  });
  const char* numbers[] = {kApproved, kDeclined, kInsufficient, kProcessingError, kAuthenticate, "5555555555554444"};
  int n = 0;
  for (const char* number : numbers) {
    const ProviderResult r = Authorize(number, 1000, "k-" + std::to_string(n++));
    if (r.status == ProviderStatus::kSucceeded) {
      ASSERT_TRUE(sandbox_->Capture(r.reference, Usd(1000), "c-" + std::to_string(n)));
      ASSERT_TRUE(sandbox_->Refund(r.reference, Usd(10), "r-" + std::to_string(n)));
    }
  }
  (void)sandbox_->Tokenize({"4242424242424241", 12, 2030, "123"});  // rejected: must not be echoed either
  log::SetSink(nullptr);
  log::SetLevel(log::Level::kInfo);

  std::string stored;
  for (const char* table : {"payment_sandbox_tokens", "payment_sandbox_charges", "payment_sandbox_idempotency"}) {
    auto rows = db_->Query(std::string("SELECT * FROM ") + table);
    EXPECT_FALSE(rows.empty()) << table;
    for (const auto& row : rows) {
      for (std::size_t c = 0; c < row.size(); ++c) stored += row.IsNull(c) ? "" : row.Text(c) + "|";
    }
  }
  for (std::string number : {std::string(kApproved), std::string(kDeclined), std::string(kInsufficient),
                             std::string(kProcessingError), std::string(kAuthenticate),
                             std::string("5555555555554444"), std::string("4242424242424241")}) {
    // Neither the number nor its first 12 digits (all but last4) appear anywhere.
    EXPECT_EQ(stored.find(number.substr(0, 12)), std::string::npos) << number;
    EXPECT_EQ(logged.find(number.substr(0, 12)), std::string::npos) << number;
  }
  EXPECT_NE(stored.find("4242"), std::string::npos);  // last4 is kept, so the scan can see the rows
}

TEST_F(SandboxTest, ReplayedKeysReturnTheFirstResultWithoutASecondEffect) {
  const std::string token = Token(kApproved);
  auto first = sandbox_->Authorize(token, Usd(1000), "ord_1", "auth-key");
  auto again = sandbox_->Authorize(token, Usd(1000), "ord_1", "auth-key");
  ASSERT_TRUE(first && again);
  EXPECT_EQ(first->reference, again->reference);
  EXPECT_EQ(Count("payment_sandbox_charges"), 1);

  ASSERT_TRUE(sandbox_->Capture(first->reference, Usd(1000), "cap-key"));
  auto capture_again = sandbox_->Capture(first->reference, Usd(1000), "cap-key");
  ASSERT_TRUE(capture_again) << capture_again.error().detail;
  EXPECT_EQ(capture_again->status, ProviderStatus::kSucceeded);

  ASSERT_TRUE(sandbox_->Refund(first->reference, Usd(300), "refund-key"));
  ASSERT_TRUE(sandbox_->Refund(first->reference, Usd(300), "refund-key"));
  ASSERT_TRUE(sandbox_->Refund(first->reference, Usd(300), "refund-key"));
  auto row = db_->Query("SELECT captured, refunded, status FROM payment_sandbox_charges WHERE reference = $1",
                        db::Params(first->reference));
  EXPECT_EQ(row[0].Int(0), 1000);
  EXPECT_EQ(row[0].Int(1), 300);
  EXPECT_EQ(row[0].Text(2), "partially_refunded");

  const ProviderResult declined = Authorize(kInsufficient, 500, "declined-key");
  auto declined_again = sandbox_->Authorize(Token(kInsufficient), Usd(500), "ord_1", "declined-key");
  ASSERT_FALSE(declined_again);  // another token: other parameters
  EXPECT_EQ(declined_again.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(declined.status, ProviderStatus::kDeclined);
}

TEST_F(SandboxTest, ANewInstanceOnTheSameDatabaseReplaysTheSameResults) {
  const std::string token = Token(kApproved);
  const std::string declined_token = Token(kDeclined);
  auto auth = sandbox_->Authorize(token, Usd(1000), "ord_1", "auth-key");
  auto declined = sandbox_->Authorize(declined_token, Usd(1000), "ord_2", "declined-key");
  ASSERT_TRUE(auth && declined);
  ASSERT_TRUE(sandbox_->Capture(auth->reference, Usd(700), "cap-key"));

  // As after a crash: a new process, a new connection pool, a new provider.
  sandbox_.reset();
  const char* url = std::getenv("VETAHUT_TEST_DB_URL");
  auto reopened = db::Database::Open(url);
  core::IdGenerator ids(clock_);
  SandboxProvider restarted(*reopened, clock_, ids, SandboxOptions{0ms, "", kSecret});

  auto auth_again = restarted.Authorize(token, Usd(1000), "ord_1", "auth-key");
  ASSERT_TRUE(auth_again);
  EXPECT_EQ(auth_again->reference, auth->reference);
  EXPECT_EQ(auth_again->status, ProviderStatus::kSucceeded);
  auto declined_again = restarted.Authorize(declined_token, Usd(1000), "ord_2", "declined-key");
  ASSERT_TRUE(declined_again);
  EXPECT_EQ(declined_again->reference, declined->reference);
  EXPECT_EQ(declined_again->status, ProviderStatus::kDeclined);
  EXPECT_EQ(declined_again->decline_code, "card_declined");
  auto capture_again = restarted.Capture(auth->reference, Usd(700), "cap-key");
  ASSERT_TRUE(capture_again);
  EXPECT_EQ(capture_again->status, ProviderStatus::kSucceeded);
  EXPECT_EQ(Count("payment_sandbox_charges"), 2);
  EXPECT_EQ(reopened->Query("SELECT captured FROM payment_sandbox_charges WHERE reference = $1",
                            db::Params(auth->reference))[0]
                .Int(0),
            700);
}

TEST_F(SandboxTest, AKeyWithOtherParametersOrAnotherOperationConflicts) {
  const std::string token = Token(kApproved);
  auto auth = sandbox_->Authorize(token, Usd(1000), "ord_1", "key-1");
  ASSERT_TRUE(auth);
  for (auto r : {sandbox_->Authorize(token, Usd(2000), "ord_1", "key-1"),
                 sandbox_->Authorize(token, Usd(1000), "ord_2", "key-1"),
                 sandbox_->Authorize(token, core::Money(1000, *core::Currency::Find("EUR")), "ord_1", "key-1"),
                 sandbox_->Capture(auth->reference, Usd(1000), "key-1"), sandbox_->Void(auth->reference, "key-1")}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kConflict) << r.error().detail;
  }
  EXPECT_EQ(sandbox_->Retrieve(auth->reference)->message, "authorized");
}

TEST_F(SandboxTest, ConcurrentCallsWithOneKeyAuthorizeOnce) {
  const std::string token = Token(kApproved);
  std::vector<std::string> references(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < references.size(); ++i) {
    threads.emplace_back([&, i] {
      auto r = sandbox_->Authorize(token, Usd(1000), "ord_1", "same-key");
      references[i] = r ? r->reference : "error: " + r.error().detail;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : references) EXPECT_EQ(r, references[0]);
  EXPECT_EQ(Count("payment_sandbox_charges"), 1);
}

TEST_F(SandboxTest, CaptureIsLimitedToTheHoldAndHappensOnce) {
  const ProviderResult auth = Authorize(kApproved, 1000, "auth");
  auto too_much = sandbox_->Capture(auth.reference, Usd(1001), "cap-a");
  ASSERT_FALSE(too_much);
  EXPECT_EQ(too_much.error().code, core::ErrorCode::kConflict);
  // A refused call records nothing: its key is still free.
  ASSERT_TRUE(sandbox_->Capture(auth.reference, Usd(600), "cap-a"));
  auto second = sandbox_->Capture(auth.reference, Usd(400), "cap-b");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, core::ErrorCode::kConflict);
  auto void_after = sandbox_->Void(auth.reference, "void");
  ASSERT_FALSE(void_after);
  EXPECT_EQ(void_after.error().code, core::ErrorCode::kConflict);
  auto wrong_currency = sandbox_->Refund(auth.reference, core::Money(100, *core::Currency::Find("EUR")), "r-eur");
  ASSERT_FALSE(wrong_currency);
  EXPECT_EQ(wrong_currency.error().code, core::ErrorCode::kValidation);
  auto zero = sandbox_->Capture(auth.reference, Usd(0), "cap-zero");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, core::ErrorCode::kValidation);
}

TEST_F(SandboxTest, RefundsInTotalAreLimitedToTheCapturedAmount) {
  const ProviderResult auth = Authorize(kApproved, 1000, "auth");
  ASSERT_TRUE(sandbox_->Capture(auth.reference, Usd(600), "cap"));  // releases the other 400
  ASSERT_TRUE(sandbox_->Refund(auth.reference, Usd(400), "r1"));
  auto over = sandbox_->Refund(auth.reference, Usd(201), "r2");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, core::ErrorCode::kConflict);
  ASSERT_TRUE(sandbox_->Refund(auth.reference, Usd(200), "r3"));
  EXPECT_EQ(sandbox_->Retrieve(auth.reference)->message, "refunded");
  auto more = sandbox_->Refund(auth.reference, Usd(1), "r4");
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().code, core::ErrorCode::kConflict);

  const ProviderResult uncaptured = Authorize(kApproved, 1000, "auth-2");
  auto early = sandbox_->Refund(uncaptured.reference, Usd(100), "r5");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, core::ErrorCode::kConflict);
  ASSERT_TRUE(sandbox_->Void(uncaptured.reference, "v1"));
  auto void_twice = sandbox_->Void(uncaptured.reference, "v2");
  ASSERT_FALSE(void_twice);
  EXPECT_EQ(void_twice.error().code, core::ErrorCode::kConflict);
}

TEST_F(SandboxTest, UnknownTokensAndReferencesAreNotFound) {
  auto a = sandbox_->Authorize("tok_unknown", Usd(100), "ord_1", "k1");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, core::ErrorCode::kNotFound);
  for (auto r : {sandbox_->Capture("pi_unknown", Usd(100), "k2"), sandbox_->Void("pi_unknown", "k3"),
                 sandbox_->Refund("pi_unknown", Usd(100), "k4"), sandbox_->Retrieve("pi_unknown")}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound);
  }
  EXPECT_EQ(Count("payment_sandbox_idempotency"), 0);
}

TEST_F(SandboxTest, VerifyWebhookChecksSignatureWindowAndShape) {
  const std::string body =
      R"({"id":"evt_1","type":"payment.captured","created":1795521600,"data":{"reference":"pi_1","amount":100,"currency":"USD","decline_code":null}})";
  const core::TimePoint now = clock_.Now();
  auto event = sandbox_->VerifyWebhook(SignWebhook(kSecret, body, now), body, now);
  ASSERT_TRUE(event) << event.error().detail;
  EXPECT_EQ(event->id, "evt_1");
  EXPECT_EQ(event->type, "payment.captured");
  EXPECT_EQ(event->reference, "pi_1");
  EXPECT_EQ(event->created_at, now);

  const auto expect_unauthenticated = [](const core::Result<WebhookEvent>& r) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated) << r.error().detail;
  };
  expect_unauthenticated(sandbox_->VerifyWebhook(SignWebhook("another secret", body, now), body, now));
  std::string tampered = body;
  tampered.replace(tampered.find("100"), 3, "999");
  expect_unauthenticated(sandbox_->VerifyWebhook(SignWebhook(kSecret, body, now), tampered, now));
  expect_unauthenticated(sandbox_->VerifyWebhook(SignWebhook(kSecret, body, now - 301s), body, now));
  expect_unauthenticated(sandbox_->VerifyWebhook(SignWebhook(kSecret, body, now + 301s), body, now));
  expect_unauthenticated(sandbox_->VerifyWebhook("", body, now));

  for (std::string malformed : {std::string("not json"), std::string(R"({"id":"evt_2","type":"payment.exploded","created":1,"data":{"reference":"pi_1"}})"),
                                std::string(R"({"id":"evt_3","type":"payment.captured","created":1,"data":{}})")}) {
    auto r = sandbox_->VerifyWebhook(SignWebhook(kSecret, malformed, now), malformed, now);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kBadRequest) << malformed;
  }
}

TEST_F(SandboxTest, StateChangesAreDeliveredAsSignedWebhooks) {
  WebhookReceiver receiver(/*refuse_first=*/1);  // the first attempt fails: the sender retries
  sandbox_ = std::make_unique<SandboxProvider>(*db_, clock_, ids_, SandboxOptions{0ms, receiver.url(), kSecret});
  const ProviderResult auth = Authorize(kApproved, 1000, "auth");
  ASSERT_TRUE(sandbox_->Capture(auth.reference, Usd(800), "cap"));
  ASSERT_TRUE(sandbox_->Refund(auth.reference, Usd(300), "refund"));
  const ProviderResult declined = Authorize(kInsufficient, 500, "declined");
  ASSERT_TRUE(sandbox_->Capture(auth.reference, Usd(800), "cap"));  // a replay sends nothing

  const auto deliveries = receiver.WaitFor(4);
  ASSERT_EQ(deliveries.size(), 4u);
  EXPECT_EQ(receiver.attempts(), 5);
  const std::pair<const char*, std::int64_t> expected[] = {
      {"payment.authorized", 1000}, {"payment.captured", 800}, {"payment.refunded", 300}, {"payment.failed", 500}};
  for (std::size_t i = 0; i < deliveries.size(); ++i) {
    auto event = sandbox_->VerifyWebhook(deliveries[i].signature, deliveries[i].body, clock_.Now());
    ASSERT_TRUE(event) << event.error().detail;
    EXPECT_EQ(event->type, expected[i].first);
    EXPECT_TRUE(event->id.starts_with("evt_"));
    const auto body = boost::json::parse(deliveries[i].body).as_object();
    EXPECT_EQ(body.at("data").at("amount").as_int64(), expected[i].second);
    EXPECT_EQ(body.at("data").at("currency").as_string(), "USD");
    EXPECT_EQ(event->reference, i < 3 ? auth.reference : declined.reference);
  }
  auto failed = sandbox_->VerifyWebhook(deliveries[3].signature, deliveries[3].body, clock_.Now());
  EXPECT_EQ(failed->decline_code, "insufficient_funds");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(receiver.WaitFor(4).size(), 4u);
}

TEST_F(SandboxTest, AWebhookUrlNeedsASecret) {
  EXPECT_THROW(SandboxProvider(*db_, clock_, ids_, SandboxOptions{0ms, "http://127.0.0.1:1/hooks", ""}),
               std::invalid_argument);
}

}  // namespace
}  // namespace vetahut::payment
