// The chain's cache end to end: replicas of the real `vetahut serve` on one PostgreSQL with
// `cache.url` pointing at a real Redis (scripts/with-redis.sh), and what each use of it does when
// Redis is stopped mid-test and started again (decision 0043):
//   - rate limits: one quota across replicas; with Redis down each replica limits on its own,
//     logs it once and counts it, and shares again once it is back;
//   - logout: refused by every replica and by a process that verifies with JWKS; with Redis down
//     the other processes fail open until the customer service has written it again;
//   - order placement: a duplicate on another replica while the first is in flight answers 409;
//     with Redis down the database's idempotency key still makes one order.
// Skipped without VETAHUT_TEST_REDIS_URL.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "order_fixture.hpp"

namespace vetahut::testing {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

template <class F>
bool WaitFor(F&& done, std::chrono::milliseconds timeout) {
  const auto until = Steady::now() + timeout;
  while (Steady::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return done();
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
    ++n;
  return n;
}

/// The value of an unlabelled metric in a /metrics page (-1 if absent).
double Metric(const std::string& page, const std::string& name) {
  const auto at = page.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(page.substr(at + name.size() + 2));
}

class RedisE2E : public OrderFixture {
 protected:
  void SetUp() override {
    const char* redis = std::getenv("VETAHUT_TEST_REDIS_URL");
    if (!redis || !*redis) {
      GTEST_SKIP() << "VETAHUT_TEST_REDIS_URL is not set: run through scripts/with-redis.sh "
                      "(scripts/test.sh does)";
    }
    OrderFixture::SetUp();
    redis_ = redis;
  }
  void TearDown() override {
    if (stopped_) Redis("start");  // a failed test must not leave the next one without Redis
    OrderFixture::TearDown();
  }

  /// Uses Redis database `db` (each test its own: a previous test's keys do not count).
  void UseCache(int db) {
    env_.push_back(
        {"VETAHUT_CACHE_URL", redis_.substr(0, redis_.rfind('/') + 1) + std::to_string(db)});
  }

  /// Stops or starts Redis through VETAHUT_TEST_REDIS_CTL (scripts/with-redis.sh).
  void Redis(const std::string& what) {
    const char* ctl = std::getenv("VETAHUT_TEST_REDIS_CTL");
    ASSERT_TRUE(ctl && *ctl) << "VETAHUT_TEST_REDIS_CTL is not set (scripts/with-redis.sh sets it)";
    ASSERT_EQ(std::system((std::string(ctl) + " " + what).c_str()), 0)
        << "redis " << what << " failed";
    stopped_ = what == "stop";
  }

  /// Another process on the same database and cache, with its own data directory.
  std::unique_ptr<ServeProcess> Replica(
      const std::string& name, std::vector<std::string> args = {},
      std::vector<std::pair<std::string, std::string>> extra_env = {}) {
    const auto dir = data_dir_ / name;
    fs::create_directories(dir);
    auto env = env_;
    for (auto& e : extra_env) env.push_back(std::move(e));
    return std::make_unique<ServeProcess>(dir, env, std::move(args));
  }

  std::string redis_;
  bool stopped_ = false;
};

TEST_F(RedisE2E, ReplicasShareOneQuotaAndLimitAloneWhileRedisIsDown) {
  UseCache(1);
  env_.push_back({"VETAHUT_RATELIMIT_ANONYMOUS_PER_MINUTE", "10"});
  // Each phase is another client address (as a proxy in front of the replicas would say).
  env_.push_back({"VETAHUT_RATELIMIT_TRUST_FORWARDED_FOR", "true"});
  auto a = Replica("a");
  const std::string url_a = a->WaitForUrl();
  ASSERT_FALSE(url_a.empty()) << a->Log();
  auto b = Replica("b");
  const std::string url_b = b->WaitForUrl();
  ASSERT_FALSE(url_b.empty()) << b->Log();
  const std::string stores = "/api/v1/stores?lat=40.75&lon=-73.99";
  auto get = [&](const std::string& url, const std::string& client) {
    auto r = client_.Get(url + stores, {{"X-Forwarded-For", client}});
    EXPECT_TRUE(r) << r.error().detail;
    return r ? r->status : 0;
  };
  // Statuses of `n` requests from `client`, alternating between the replicas (or to one).
  auto requests = [&](int n, const std::string& client, const std::string* only = nullptr) {
    std::vector<int> out;
    for (int i = 0; i < n; ++i) out.push_back(get(only ? *only : i % 2 ? url_b : url_a, client));
    return out;
  };
  auto count = [](const std::vector<int>& statuses, int status) {
    return std::count(statuses.begin(), statuses.end(), status);
  };

  // One client alternating between the replicas gets one quota of 10, not one per replica.
  auto shared = requests(14, "203.0.113.1");
  EXPECT_EQ(count(shared, 200), 10) << "the replicas did not share the quota";
  EXPECT_EQ(shared[10], 429);

  // Redis stops: both replicas keep serving, each limiting with the same quota on its own, and
  // no request waits on the dead server.
  Redis("stop");
  const auto started = Steady::now();
  auto on_a = requests(11, "203.0.113.2", &url_a);
  auto on_b = requests(11, "203.0.113.2", &url_b);
  EXPECT_LT(Steady::now() - started, 5s);
  EXPECT_EQ(count(on_a, 200), 10) << "A limits alone with the quota of 10";
  EXPECT_EQ(on_a[10], 429);
  EXPECT_EQ(count(on_b, 200), 10)
      << "B limits alone: during the outage a client gets a quota per replica";
  const std::string metrics = client_.Get(url_a + "/metrics")->body;
  EXPECT_EQ(Metric(metrics, "http_rate_limit_fallbacks_total"), 11) << metrics;
  EXPECT_EQ(Metric(metrics, "cache_up"), 0) << metrics;
  EXPECT_GE(Metric(metrics, "cache_failures_total"), 11) << metrics;
  EXPECT_EQ(Count(a->Log(), R"("use":"rate limits")"), 1u)
      << "the outage is logged once, not per request\n"
      << a->Log();

  // Redis is back (empty): once their back-off has passed the replicas share a quota again.
  Redis("start");
  ASSERT_TRUE(WaitFor(
      [&] {
        get(url_a, "203.0.113.9");
        get(url_b, "203.0.113.9");
        return Metric(client_.Get(url_a + "/metrics")->body, "cache_up") == 1 &&
               Metric(client_.Get(url_b + "/metrics")->body, "cache_up") == 1;
      },
      15s))
      << "the replicas did not use Redis again";
  auto again = requests(14, "203.0.113.3");
  EXPECT_EQ(count(again, 200), 10) << "after the outage the quota is shared again";
  const std::string log_a = a->Log();
  const auto back = log_a.find(R"("msg":"the cache is back")");
  ASSERT_NE(back, std::string::npos) << log_a;
  EXPECT_NE(log_a.substr(back, log_a.find('\n', back) - back).find(R"("use":"rate limits")"),
            std::string::npos)
      << log_a;
}

TEST_F(RedisE2E, ALogoutIsRefusedByEveryProcessAndReachesThemAfterAnOutage) {
  UseCache(2);
  auto a = Replica("a", {"--demo"});
  const std::string url_a = a->WaitForUrl();
  ASSERT_FALSE(url_a.empty()) << a->Log();
  auto b = Replica("b");  // another all-in-one replica: its identity service did not see the logout
  const std::string url_b = b->WaitForUrl();
  ASSERT_FALSE(url_b.empty()) << b->Log();
  // A process without the customer module verifies tokens with the keys A publishes.
  auto c = Replica("c", {"--target", "location,menu"},
                   {{"VETAHUT_AUTH_JWKS_URL", url_a + "/.well-known/jwks.json"}});
  const std::string url_c = c->WaitForUrl();
  ASSERT_FALSE(url_c.empty()) << c->Log();

  // The admin's status on a route of each process: 401 once the token is refused.
  auto status = [&](const std::string& url, const std::string& token, const std::string& path) {
    auto r = client_.Get(url + path, {{"Authorization", "Bearer " + token}});
    return r ? r->status : 0;
  };
  auto refused_everywhere = [&](const std::string& token) {
    return status(url_a, token, "/api/v1/admin/users") == 401 &&
           status(url_b, token, "/api/v1/admin/users") == 401 &&
           status(url_c, token, "/api/v1/menu/us/draft") == 401;
  };
  auto accepted_elsewhere = [&](const std::string& token) {
    return status(url_b, token, "/api/v1/admin/users") == 200 &&
           status(url_c, token, "/api/v1/menu/us/draft") != 401;
  };
  auto sign_in = [&] { return TokenFor(url_a, "admin@example.test", kAdminPassword); };
  auto logout = [&](const std::string& token) {
    auto r =
        client_.Post(url_a + "/api/v1/auth/logout", "", {{"Authorization", "Bearer " + token}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204) << r->body;
  };

  const std::string first = sign_in();
  ASSERT_TRUE(accepted_elsewhere(first));
  ASSERT_EQ(status(url_a, first, "/api/v1/admin/users"), 200);
  logout(first);
  EXPECT_TRUE(refused_everywhere(first)) << "a logout on A must be refused by B and by C";

  // A token revoked before the outage that B and C have not asked about yet.
  const std::string before = sign_in();
  logout(before);

  // Redis stops. A logout still ends the session where it was made; the other processes fail
  // open (a Redis outage must not sign everyone out) …
  Redis("stop");
  const std::string during = sign_in();
  logout(during);
  EXPECT_EQ(status(url_a, during, "/api/v1/admin/users"), 401)
      << "the process that logged out refuses it";
  EXPECT_TRUE(accepted_elsewhere(during)) << "fail open while Redis is down (decision 0043)";
  EXPECT_EQ(status(url_b, first, "/api/v1/admin/users"), 401)
      << "a revoked token B has seen stays refused";
  EXPECT_EQ(status(url_c, first, "/api/v1/menu/us/draft"), 401)
      << "a revoked token C has seen stays refused";

  // … until Redis is back (empty: nothing persisted) and A has written its revocations again.
  Redis("start");
  EXPECT_TRUE(WaitFor([&] { return refused_everywhere(during); }, 20s))
      << "the logout made during the outage did not reach the other processes\n"
      << a->Log();
  EXPECT_TRUE(WaitFor([&] { return refused_everywhere(before); }, 20s))
      << "the revocations Redis lost in its restart were not written again";
  const std::string log_a = a->Log();
  EXPECT_NE(log_a.find(R"("use":"token revocations")"), std::string::npos) << log_a;
  EXPECT_NE(log_a.find("logout not shared yet"), std::string::npos) << log_a;
}

TEST_F(RedisE2E, ADuplicatePlacementOnAnotherReplicaWhileTheFirstIsInFlightHears409) {
  UseCache(3);
  env_.push_back(
      {"VETAHUT_PAYMENT_SANDBOX_LATENCY_MS", "1500"});  // each card placement is in flight ≥ 1.5 s
  auto a = Replica("a", {"--demo"});
  ASSERT_FALSE(Boot(*a).empty()) << a->Log();
  const std::string url_a = url_;
  auto b = Replica("b");
  const std::string url_b = b->WaitForUrl();
  ASSERT_FALSE(url_b.empty()) << b->Log();

  // Places `body` under `key` on A in the background and, once it is in flight, on B.
  struct Race {
    int first_status = 0, second_status = 0;
    std::string first_body, second_body;
    std::chrono::milliseconds second_took{};
  };
  auto race = [&](const std::string& body, const std::string& key) {
    Race out;
    std::thread first([&] {
      HttpClient c({.connect_timeout = 2000ms, .timeout = 20000ms});
      auto r = c.Post(url_a + "/api/v1/orders", body, With(customer_, "Idempotency-Key", key));
      out.first_status = r ? r->status : 0;
      out.first_body = r ? r->body : r.error().detail;
    });
    std::this_thread::sleep_for(400ms);
    const auto started = Steady::now();
    HttpClient c({.connect_timeout = 2000ms, .timeout = 20000ms});
    auto r = c.Post(url_b + "/api/v1/orders", body, With(customer_, "Idempotency-Key", key));
    out.second_took =
        std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - started);
    out.second_status = r ? r->status : 0;
    out.second_body = r ? r->body : r.error().detail;
    first.join();
    return out;
  };

  const std::string body = OrderBody(Card(kApproved));
  Race marked = race(body, "two-replicas-1");
  EXPECT_EQ(marked.first_status, 201) << marked.first_body;
  EXPECT_EQ(marked.second_status, 409) << marked.second_body;
  EXPECT_NE(marked.second_body.find("a request with this Idempotency-Key is in progress"),
            std::string::npos)
      << marked.second_body;
  EXPECT_LT(marked.second_took, 1000ms) << "the duplicate must not wait for the first placement";
  auto settled = client_.Post(url_b + "/api/v1/orders", body,
                              With(customer_, "Idempotency-Key", "two-replicas-1"));
  ASSERT_EQ(settled->status, 200) << "once placed, the key replays on any replica: "
                                  << settled->body;
  EXPECT_EQ(json::parse(settled->body).at("id"), json::parse(marked.first_body).at("id"));
  EXPECT_EQ(StoreOrders(), 1u);

  // Redis down: no marker, and the database still makes one order of the two requests.
  Redis("stop");
  const std::string second_body = OrderBody(Card(kApproved));
  Race unmarked = race(second_body, "two-replicas-2");
  EXPECT_TRUE(unmarked.first_status == 201 || unmarked.first_status == 200) << unmarked.first_body;
  EXPECT_TRUE(unmarked.second_status == 201 || unmarked.second_status == 200)
      << unmarked.second_body;
  EXPECT_EQ((unmarked.first_status == 201) + (unmarked.second_status == 201), 1);
  EXPECT_EQ(json::parse(unmarked.first_body).at("id"), json::parse(unmarked.second_body).at("id"));
  EXPECT_EQ(StoreOrders(), 2u);
  EXPECT_NE(b->Log().find(R"("use":"order in-flight markers")"), std::string::npos) << b->Log();
  Redis("start");
}

}  // namespace
}  // namespace vetahut::testing
