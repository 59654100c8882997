#include "lib/http/stream_relay.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "lib/http/router.hpp"
#include "lib/http/server.hpp"
#include "lib/http/sse.hpp"

namespace vetahut::http {
namespace {

using namespace std::chrono_literals;

/// Reads what a relayed stream has delivered until `want` appears or 5 s pass.
std::string DrainUntil(EventStream& stream, std::string_view want) {
  std::string got;
  for (int i = 0; i < 500 && got.find(want) == std::string::npos; ++i) {
    stream.Drain(got);
    if (got.find(want) == std::string::npos) std::this_thread::sleep_for(10ms);
  }
  return got;
}

class StreamRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Get("/events", [this](Request& req) -> core::Result<Response> {
      upstream_ = EventStream::Create();
      last_event_id_ = std::string(req.Header("last-event-id").value_or(""));
      upstream_->Send("status", R"({"status":"baking"})", "7");
      Response r;
      r.SetHeader("X-Stream", "orders");
      r.stream = upstream_;
      return r;
    });
    router_.Get("/missing", [](Request&) -> core::Result<Response> {
      return core::Fail(core::Error::NotFound("order 'x' does not exist"));
    });
    ServerOptions options;
    options.io_threads = 1;
    server_ = std::make_unique<Server>(options, router_);
    server_->Start();
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::string base_;
  std::shared_ptr<EventStream> upstream_;
  std::string last_event_id_;
};

TEST_F(StreamRelayTest, RelaysEventsAsTheyComeWithTheUpstreamsHeaders) {
  StreamRelay relay;
  auto opened = relay.Open(base_ + "/events", {{"Accept", "text/event-stream"}, {"Last-Event-ID", "6"}});
  ASSERT_TRUE(opened) << opened.error().detail;
  ASSERT_TRUE(opened->stream);
  EXPECT_EQ(opened->FindHeader("x-stream"), "orders");
  EXPECT_FALSE(opened->FindHeader("content-type")) << "the server writes its own stream headers";
  EXPECT_EQ(last_event_id_, "6") << "resume goes through";
  // The first event arrives while the upstream is still open: nothing waits for the end.
  std::string got = DrainUntil(*opened->stream, "baking");
  EXPECT_NE(got.find("id: 7\nevent: status\ndata: {\"status\":\"baking\"}\n\n"), std::string::npos) << got;
  upstream_->Send("status", R"({"status":"ready"})", "8");
  got = DrainUntil(*opened->stream, "ready");
  EXPECT_NE(got.find("ready"), std::string::npos) << got;
  EXPECT_EQ(relay.active(), 1u);
  // The upstream ends → the relayed stream ends.
  upstream_->Close();
  for (int i = 0; i < 300 && !opened->stream->closed(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(opened->stream->closed());
}

TEST_F(StreamRelayTest, AClientThatLeavesEndsTheUpstreamRequest) {
  StreamRelay relay;
  auto opened = relay.Open(base_ + "/events", {{"Accept", "text/event-stream"}});
  ASSERT_TRUE(opened) << opened.error().detail;
  DrainUntil(*opened->stream, "baking");
  opened->stream->Disconnect();
  for (int i = 0; i < 300 && relay.active() > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(relay.active(), 0u);
  // The upstream notices on its next write (or keepalive).
  for (int i = 0; i < 300 && !upstream_->closed(); ++i) {
    upstream_->Comment("keepalive");
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(upstream_->closed());
}

TEST_F(StreamRelayTest, CloseAllEndsEveryStreamAtShutdown) {
  StreamRelay relay;
  auto a = relay.Open(base_ + "/events", {{"Accept", "text/event-stream"}});
  ASSERT_TRUE(a) << a.error().detail;
  auto first_upstream = upstream_;
  auto b = relay.Open(base_ + "/events", {{"Accept", "text/event-stream"}});
  ASSERT_TRUE(b) << b.error().detail;
  EXPECT_EQ(relay.active(), 2u);
  relay.CloseAll();
  EXPECT_TRUE(a->stream->closed());
  EXPECT_TRUE(b->stream->closed());
  EXPECT_EQ(relay.active(), 0u);
}

TEST_F(StreamRelayTest, AnAnswerThatIsNotAStreamComesBackWhole) {
  StreamRelay relay;
  auto opened = relay.Open(base_ + "/missing", {{"Accept", "text/event-stream"}});
  ASSERT_TRUE(opened) << opened.error().detail;
  EXPECT_FALSE(opened->stream);
  EXPECT_EQ(opened->status, 404);
  EXPECT_NE(opened->body.find("order 'x' does not exist"), std::string::npos) << opened->body;
  EXPECT_EQ(relay.active(), 0u);
}

TEST_F(StreamRelayTest, AnUnreachableUpstreamIsUnavailableQuickly) {
  StreamRelay relay;
  const auto start = std::chrono::steady_clock::now();
  auto opened = relay.Open("http://127.0.0.1:1/events", {});
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, core::ErrorCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

}  // namespace
}  // namespace vetahut::http
