// Per-client rate limits (decision 0040) through the real `vetahut serve`: a client over its quota
// gets a 429 problem+json with Retry-After and the IETF RateLimit headers, while a signed-in
// account keeps its own quota, probes are never limited, a forged X-Forwarded-For buys nothing
// unless a proxy is trusted, and operators see the refusals on /metrics.
#include <fmt/format.h>

#include <functional>

#include "serve_process.hpp"

namespace {

using namespace vetahut::testing;
using vetahut::http::ClientResponse;

class RateLimits : public PlatformTest {
 protected:
  /// Sends `get` until a 429 (at most `limit` + 5 times); the answers in order.
  std::vector<ClientResponse> UntilRefused(const std::function<vetahut::core::Result<ClientResponse>()>& get, int limit) {
    std::vector<ClientResponse> answers;
    for (int i = 0; i < limit + 5; ++i) {
      auto r = get();
      EXPECT_TRUE(r);
      if (!r) break;
      answers.push_back(*r);
      if (r->status == 429) break;
    }
    return answers;
  }

  static std::int64_t Remaining(const ClientResponse& r) {
    const std::string header(r.Header("ratelimit").value_or(""));
    const auto at = header.find(";r=");
    return at == std::string::npos ? -1 : std::stoll(header.substr(at + 3));
  }

};

TEST_F(RateLimits, AClientOverItsQuotaGetsA429WithRetryAfterAndOthersKeepTheirs) {
  env_.push_back({"VETAHUT_RATELIMIT_ANONYMOUS_PER_MINUTE", "10"});
  env_.push_back({"VETAHUT_RATELIMIT_PRINCIPAL_PER_MINUTE", "20"});
  ServeProcess serve(data_dir_, env_);
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  HttpClient client;
  const auto admin = Admin(url);  // its token request is one anonymous request
  ASSERT_FALSE(admin.empty());

  // Probes and metrics are never limited, and say nothing about limits.
  for (int i = 0; i < 30; ++i) {
    auto r = client.Get(url + "/healthz");
    ASSERT_EQ(r->status, 200);
    EXPECT_FALSE(r->Header("ratelimit")) << "probes are not limited";
  }

  // Anonymous: the quota counts down to a 429.
  const std::string stores = url + "/api/v1/stores?lat=40.75&lon=-73.99";
  auto answers = UntilRefused([&] { return client.Get(stores); }, 10);
  ASSERT_FALSE(answers.empty());
  ASSERT_EQ(answers.back().status, 429) << "no refusal after " << answers.size() << " requests";
  ASSERT_GE(answers.size(), 2u);
  for (std::size_t i = 0; i + 1 < answers.size(); ++i) {
    EXPECT_EQ(answers[i].status, 200);
    EXPECT_EQ(answers[i].Header("ratelimit-policy").value_or(""), R"("anonymous";q=10;w=60)");
    if (i > 0) {
      EXPECT_EQ(Remaining(answers[i]), Remaining(answers[i - 1]) - 1);
    }
  }
  EXPECT_EQ(Remaining(answers[answers.size() - 2]), 0);
  EXPECT_LE(answers.size(), 11u) << "at most the quota of 10 (the admin's sign-in took one)";
  const ClientResponse& refused = answers.back();
  ExpectProblem(refused, 429);
  EXPECT_NE(refused.body.find("too-many-requests"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("10 per minute from one address"), std::string::npos) << refused.body;
  const int retry_after = std::stoi(std::string(refused.Header("retry-after").value_or("0")));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 60);
  EXPECT_EQ(Remaining(refused), 0);

  // A forged X-Forwarded-For is not a new client: the proxy header is not trusted by default.
  auto forged = client.Get(stores, {{"X-Forwarded-For", "203.0.113.9"}});
  EXPECT_EQ(forged->status, 429);

  // A signed-in account has its own quota, whatever its address spent.
  auto users = client.Get(url + "/api/v1/admin/users", admin);
  ASSERT_EQ(users->status, 200) << users->body;
  EXPECT_EQ(users->Header("ratelimit-policy").value_or(""), R"("account";q=20;w=60)");
  auto account = UntilRefused([&] { return client.Get(url + "/api/v1/admin/users", admin); }, 20);
  EXPECT_EQ(account.back().status, 429);
  EXPECT_LE(account.size(), 20u);
  EXPECT_NE(account.back().body.find("20 per minute per account"), std::string::npos) << account.back().body;

  auto metrics = client.Get(url + "/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("http_rate_limited_total{client=\"address\"} 2"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("http_rate_limited_total{client=\"account\"} 1"), std::string::npos);
}

TEST_F(RateLimits, BehindATrustedProxyEachForwardedClientHasItsOwnQuota) {
  env_.push_back({"VETAHUT_RATELIMIT_ANONYMOUS_PER_MINUTE", "10"});
  env_.push_back({"VETAHUT_RATELIMIT_TRUST_FORWARDED_FOR", "true"});
  ServeProcess serve(data_dir_, env_);
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  HttpClient client;
  const std::string stores = url + "/api/v1/stores?lat=40.75&lon=-73.99";
  auto first = UntilRefused([&] { return client.Get(stores, {{"X-Forwarded-For", "198.51.100.7"}}); }, 10);
  EXPECT_EQ(first.size(), 11u) << "ten allowed, the eleventh refused";
  EXPECT_EQ(first.back().status, 429);
  // Another client behind the same proxy is not held back.
  EXPECT_EQ(client.Get(stores, {{"X-Forwarded-For", "198.51.100.8"}})->status, 200);
  // The proxy appends the address it saw: what a client claims before it does not count.
  EXPECT_EQ(client.Get(stores, {{"X-Forwarded-For", "203.0.113.1, 198.51.100.7"}})->status, 429);
}

TEST_F(RateLimits, SwitchedOffThereIsNoLimitAndNoHeader) {
  env_.push_back({"VETAHUT_RATELIMIT_ENABLED", "false"});
  env_.push_back({"VETAHUT_RATELIMIT_ANONYMOUS_PER_MINUTE", "10"});
  ServeProcess serve(data_dir_, env_);
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  HttpClient client;
  for (int i = 0; i < 30; ++i) {
    auto r = client.Get(url + "/api/v1/stores?lat=40.75&lon=-73.99");
    ASSERT_EQ(r->status, 200) << i;
    EXPECT_FALSE(r->Header("ratelimit"));
  }
}

}  // namespace
