#include "lib/rpc/channel.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "lib/http/router.hpp"
#include "lib/http/server.hpp"
#include "lib/log/log.hpp"
#include "lib/rpc/typed.hpp"

namespace vetahut::rpc {
namespace {

struct Args {
  std::string store_id;
  int quantity = 0;
  std::optional<core::MoneyAmount> fee;
  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("quantity", quantity);
    v("fee", fee);
  }
};

struct Answer {
  std::string store_id;
  int doubled = 0;
  std::vector<std::string> notes;
  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("doubled", doubled);
    v("notes", notes);
  }
};

constexpr std::string_view kToken = "s3cret-token-for-tests";

/// A service process: its internal routes behind the token check the platform makes.
class Replica {
 public:
  Replica() {
    router_.Use([this](http::Request& req, const http::Next& next) -> core::Result<http::Response> {
      if (!TokenMatches(req.Header(kServiceTokenHeader).value_or(""), kToken)) {
        return core::Fail(core::Error::Forbidden("internal routes need the service token"));
      }
      caller_ = std::string(req.Header(kCallerHeader).value_or(""));
      traceparent_ = std::string(req.Header("traceparent").value_or(""));
      return next(req);
    });
    Serve<Args>(router_, "pizza", "double", [this](const Args& a) -> core::Result<Answer> {
      ++calls_;
      if (a.quantity < 0) return core::Fail(core::Error::Validation({{"quantity", "must not be negative"}}));
      if (a.store_id == "unknown") return core::Fail(core::Error::NotFound("store 'unknown' does not exist"));
      if (a.store_id == "down") return core::Fail(core::Error::Unavailable("the oven is off"));
      return Answer{a.store_id, a.quantity * 2, {a.fee ? "fee" : "no fee"}};
    });
    Serve<Args>(router_, "pizza", "touch", [this](const Args&) -> core::Status {
      ++calls_;
      return core::Ok();
    });
    http::ServerOptions options;
    options.io_threads = 1;
    server_ = std::make_unique<http::Server>(options, router_);
    server_->Start();
    url_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  const std::string& url() const { return url_; }
  int calls() const { return calls_.load(); }
  std::string caller_, traceparent_;

 private:
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::string url_;
  std::atomic<int> calls_{0};
};

/// A URL nothing listens on.
std::string ClosedUrl() { return "http://127.0.0.1:1"; }

ChannelOptions Options(std::vector<std::string> urls, std::string token = std::string(kToken)) {
  ChannelOptions o;
  o.service = "pizza";
  o.base_urls = std::move(urls);
  o.service_token = std::move(token);
  o.caller = "order";
  o.timeout = std::chrono::milliseconds(2000);
  return o;
}

TEST(RpcChannel, RoundTripsTypedArgumentsAndResults) {
  Replica replica;
  Channel channel(Options({replica.url()}));
  auto answer = Call<Answer>(channel, "double", Args{"s1", 21, core::MoneyAmount{299, "USD"}}, Retry::kIdempotent);
  ASSERT_TRUE(answer) << answer.error().detail;
  EXPECT_EQ(answer->store_id, "s1");
  EXPECT_EQ(answer->doubled, 42);
  EXPECT_EQ(answer->notes, std::vector<std::string>{"fee"});
  EXPECT_EQ(replica.caller_, "order");
  ASSERT_TRUE(CallStatus(channel, "touch", Args{"s1", 1, std::nullopt}, Retry::kOnce));
  EXPECT_EQ(replica.calls(), 2);
}

TEST(RpcChannel, CarriesTheCallersTrace) {
  Replica replica;
  Channel channel(Options({replica.url()}));
  log::Context context("req-1", "4bf92f3577b34da6a3ce929d0e0e4736");
  ASSERT_TRUE(Call<Answer>(channel, "double", Args{"s1", 1, std::nullopt}, Retry::kIdempotent));
  ASSERT_EQ(replica.traceparent_.size(), 55u) << replica.traceparent_;
  EXPECT_TRUE(replica.traceparent_.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-")) << replica.traceparent_;
}

TEST(RpcChannel, ExpectedFailuresComeBackAsTheSameErrors) {
  Replica replica;
  Channel channel(Options({replica.url()}));
  auto invalid = Call<Answer>(channel, "double", Args{"s1", -1, std::nullopt}, Retry::kIdempotent);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, core::ErrorCode::kValidation);
  ASSERT_EQ(invalid.error().fields.size(), 1u);
  EXPECT_EQ(invalid.error().fields[0].field, "quantity");
  EXPECT_EQ(invalid.error().fields[0].message, "must not be negative");

  auto missing = Call<Answer>(channel, "double", Args{"unknown", 1, std::nullopt}, Retry::kIdempotent);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().detail, "store 'unknown' does not exist");
  EXPECT_EQ(replica.calls(), 2) << "4xx answers are never retried";
}

TEST(RpcChannel, ABadBodyIsRefusedNamingTheField) {
  Replica replica;
  Channel channel(Options({replica.url()}));
  auto answer = channel.Call("double", R"({"store_id": 7, "quantity": 1})", Retry::kIdempotent);
  ASSERT_FALSE(answer);
  EXPECT_TRUE(answer.error().code == core::ErrorCode::kValidation || answer.error().code == core::ErrorCode::kBadRequest);
  EXPECT_NE(answer.error().detail.find("store_id"), std::string::npos) << answer.error().detail;
  EXPECT_EQ(replica.calls(), 0);
}

TEST(RpcChannel, WithoutTheServiceTokenNothingRuns) {
  Replica replica;
  Channel channel(Options({replica.url()}, "wrong-token-of-same-size!"));
  auto answer = Call<Answer>(channel, "double", Args{"s1", 1, std::nullopt}, Retry::kIdempotent);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, core::ErrorCode::kForbidden);
  EXPECT_EQ(replica.calls(), 0);
  EXPECT_FALSE(TokenMatches("", ""));
  EXPECT_FALSE(TokenMatches("abc", "abcd"));
  EXPECT_TRUE(TokenMatches("abcd", "abcd"));
}

TEST(RpcChannel, IdempotentCallsMoveOnToALiveReplica) {
  Replica live;
  Channel channel(Options({ClosedUrl(), live.url()}));
  for (int i = 0; i < 4; ++i) {
    auto answer = Call<Answer>(channel, "double", Args{"s1", i, std::nullopt}, Retry::kIdempotent);
    ASSERT_TRUE(answer) << answer.error().detail;
    EXPECT_EQ(answer->doubled, 2 * i);
  }
  EXPECT_EQ(live.calls(), 4);
}

TEST(RpcChannel, CallsThatMayNotBeRepeatedAreSentOnce) {
  Channel channel(Options({ClosedUrl()}));
  auto answer = CallStatus(channel, "touch", Args{"s1", 1, std::nullopt}, Retry::kOnce);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(answer.error().detail.find("the pizza service is unavailable"), std::string::npos) << answer.error().detail;
}

TEST(RpcChannel, AServiceThatAnswers5xxIsUnavailableAfterTheRetries) {
  Replica replica;
  Channel channel(Options({replica.url()}));
  auto answer = Call<Answer>(channel, "double", Args{"down", 1, std::nullopt}, Retry::kIdempotent);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(answer.error().detail.find("the oven is off"), std::string::npos) << answer.error().detail;
  EXPECT_EQ(replica.calls(), 3);
}

TEST(RpcChannel, SplitsReplicaLists) {
  EXPECT_EQ(SplitUrls("http://a:1, http://b:2/ ,,"), (std::vector<std::string>{"http://a:1", "http://b:2"}));
  EXPECT_TRUE(SplitUrls("").empty());
}

}  // namespace
}  // namespace vetahut::rpc
