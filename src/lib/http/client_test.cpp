#include "lib/http/client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "lib/http/server.hpp"

namespace vetahut::http {
namespace {

using namespace std::chrono_literals;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Get("/echo-header", [](Request& r) -> core::Result<Response> {
      Response response = Response::Text(std::string(r.Header("X-Pizza").value_or("none")));
      response.SetHeader("X-Store", "s1");
      return response;
    });
    router_.Post("/echo", [](Request& r) -> core::Result<Response> {
      return Response::Json(r.body, 201);
    });
    router_.Put("/echo", [](Request& r) -> core::Result<Response> {
      return Response::Text("put:" + r.body);
    });
    router_.Get("/sleep", [](Request&) -> core::Result<Response> {
      std::this_thread::sleep_for(500ms);
      return Response::Text("late");
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
};

TEST_F(HttpClientTest, GetSendsAndReceivesHeaders) {
  HttpClient client;
  auto r = client.Get(base_ + "/echo-header", {{"X-Pizza", "margherita"}});
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "margherita");
  EXPECT_EQ(r->Header("x-store"), "s1");
  EXPECT_EQ(r->Header("X-Request-Id")->size(), 32u);
  EXPECT_EQ(r->Header("missing"), std::nullopt);
}

TEST_F(HttpClientTest, PostRoundTripsBodyAndReusesConnection) {
  HttpClient client;
  std::string body = R"({"items":[{"sku":"marg-12","qty":2}]})" + std::string(4000, ' ');
  for (int i = 0; i < 3; ++i) {
    auto r = client.Post(base_ + "/echo", body, {{"Content-Type", "application/json"}});
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->body, body);
    EXPECT_EQ(r->Header("Content-Type"), "application/json");
  }
  auto put = client.Send(Method::kPut, base_ + "/echo", {}, "x");
  ASSERT_TRUE(put.has_value());
  EXPECT_EQ(put->body, "put:x");
}

TEST_F(HttpClientTest, ErrorStatusesAreValues) {
  HttpClient client;
  auto r = client.Get(base_ + "/nope");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->Header("Content-Type"), "application/problem+json");
}

TEST_F(HttpClientTest, TimeoutIsUnavailable) {
  HttpClient client(ClientOptions{.connect_timeout = 1000ms, .timeout = 150ms});
  auto r = client.Get(base_ + "/sleep");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(r.error().detail.find("/sleep"), std::string::npos);
}

TEST_F(HttpClientTest, ConnectionRefusedIsUnavailable) {
  // Bind a port, then close it without listening: nothing accepts there.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);

  HttpClient client;
  auto r = client.Get("http://127.0.0.1:" + std::to_string(port) + "/x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable);
}

TEST_F(HttpClientTest, AnAddressFilterSeesTheAddressDialledAndCanRefuseIt) {
  std::vector<std::string> seen;
  HttpClient refusing(ClientOptions{.allow_address = [&](std::string_view a) {
    seen.emplace_back(a);
    return false;
  }});
  // "localhost" resolves in the client: the filter judges the address, not the name.
  auto refused = refusing.Post("http://localhost:" + std::to_string(server_->port()) + "/echo", "{}");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(refused.error().detail.find("refused to connect to"), std::string::npos) << refused.error().detail;
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(seen[0] == "127.0.0.1" || seen[0] == "::1") << seen[0];

  HttpClient allowing(ClientOptions{.allow_address = [](std::string_view a) { return a == "127.0.0.1"; }});
  auto allowed = allowing.Post(base_ + "/echo", R"({"ok":true})");
  ASSERT_TRUE(allowed.has_value()) << allowed.error().detail;
  EXPECT_EQ(allowed->status, 201);
  // Only http and https are spoken with a filter.
  auto file = allowing.Get("file:///etc/hostname");
  EXPECT_FALSE(file.has_value());
}

}  // namespace
}  // namespace vetahut::http
