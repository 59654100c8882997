#include "lib/http/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "lib/http/json_body.hpp"
#include "lib/http/sse.hpp"

namespace vetahut::http {
namespace {

using namespace std::chrono_literals;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A blocking loopback client on POSIX sockets, so the server is tested byte for byte.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port, std::chrono::milliseconds recv_timeout = 5000ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{};
    tv.tv_sec = static_cast<long>(recv_timeout.count() / 1000);
    tv.tv_usec = static_cast<long>((recv_timeout.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      throw std::runtime_error("connect failed");
    }
  }
  ~RawConnection() { ::close(fd_); }

  void Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Reads more bytes into the buffer; false on EOF, error or timeout.
  bool Fill() {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  // Reads one Content-Length-delimited response; status 0 if the connection closed first.
  RawResponse Read() {
    RawResponse r;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return r;
    }
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::size_t line_end = head.find("\r\n");
    r.status = std::stoi(head.substr(9, 3));
    std::size_t pos = line_end;
    while (pos != std::string::npos && pos < head.size()) {
      std::size_t next = head.find("\r\n", pos + 2);
      std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos
                                                                          : next - pos - 2);
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        r.headers[Lower(line.substr(0, colon))] = line.substr(colon + 2);
      }
      pos = next;
    }
    std::size_t length = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
    while (buffer_.size() < length) {
      if (!Fill()) break;
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  // True if the server closed the connection (EOF) before `timeout`.
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      char c;
      ssize_t n = ::recv(fd_, &c, 1, 0);
      if (n == 0) return true;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return true;
      if (n > 0) buffer_.push_back(c);
    }
    return false;
  }

  std::string& buffer() { return buffer_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string buffer_;
};

RawResponse Exchange(std::uint16_t port, const std::string& request) {
  RawConnection c(port);
  c.Send(request);
  return c.Read();
}

std::string Get(std::string_view path) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

// Every error must be problem+json carrying the same request id as the X-Request-Id header.
boost::json::object ExpectProblem(const RawResponse& r, int status) {
  EXPECT_EQ(r.status, status);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_FALSE(r.Header("x-request-id").empty());
  boost::json::value v = boost::json::parse(r.body);
  auto& o = v.as_object();
  EXPECT_EQ(o.at("status").as_int64(), status);
  EXPECT_EQ(std::string(o.at("request_id").as_string()), r.Header("x-request-id"));
  EXPECT_TRUE(std::string(o.at("type").as_string()).starts_with("https://vetahut.dev/problems/"));
  return o;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Get("/hello", [](Request&) -> core::Result<Response> {
      return Response::Json(R"({"hello":"world"})");
    }, {.non_blocking = true});
    router_.Get("/file", [](Request&) -> core::Result<Response> {
      // 3 MiB: larger than a socket buffer, so sendfile must wait for the socket more than once.
      static const auto file = [] {
        std::string bytes(3 << 20, '\0');
        for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
        return FileBody::FromBytes(bytes);
      }();
      Response r;
      r.SetHeader("Content-Type", "application/octet-stream");
      r.file_body = file;
      return r;
    }, {.non_blocking = true});
    router_.Get("/small-file", [](Request&) -> core::Result<Response> {
      // 4 KB (a gzip menu's size): kept in memory too, written with the head in one gather write.
      static const auto file = FileBody::FromBytes(std::string(4000, 's') + "end");
      Response r;
      r.SetHeader("Content-Type", "application/json");
      r.file_body = file;
      return r;
    }, {.non_blocking = true});
    router_.Get("/worker", [](Request& r) -> core::Result<Response> {
      return Response::Text("worker " + std::string(r.request_id));
    });
    router_.Post("/orders", [](Request& r) -> core::Result<Response> {
      auto json = ParseJsonBody(r);
      if (!json) return core::Fail(json.error());
      return Response::Json(boost::json::serialize(*json), 201);
    });
    router_.Get("/conflict", [](Request&) -> core::Result<Response> {
      throw core::ErrorException(core::Error::Conflict("order already paid"));
    });
    router_.Get("/boom", [](Request&) -> core::Result<Response> {
      throw std::runtime_error("secret database password in message");
    });
    router_.Get("/slow", [](Request&) -> core::Result<Response> {
      std::this_thread::sleep_for(300ms);
      return Response::Text("slow done");
    });
    router_.Get("/events", [this](Request&) -> core::Result<Response> {
      auto stream = EventStream::Create();
      stream_thread_ = std::thread([stream] {
        std::this_thread::sleep_for(50ms);
        stream->Send("status", "baking", "1");
        stream->Send("status", "ready\nfor pickup", "2");
        stream->Send("status", "delivered", "3");
        stream->Close();
      });
      Response response;
      response.stream = stream;
      return response;
    });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (stream_thread_.joinable()) stream_thread_.join();
  }

  void StartServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.io_threads == 0) options.io_threads = 2;
    server_ = std::make_unique<Server>(options, router_);
    server_->SetObserver([this](const CompletedRequest& c) {
      std::lock_guard lock(observed_mu_);
      observed_.push_back({std::string(c.route), c.status});
    });
    server_->SetExceptionLogger([](const Request&, std::string_view) {});
    server_->Start();
    ASSERT_NE(server_->port(), 0);
  }

  std::uint16_t port() const { return server_->port(); }

  Router router_;
  std::unique_ptr<Server> server_;
  std::thread stream_thread_;
  std::mutex observed_mu_;
  std::vector<std::pair<std::string, int>> observed_;
};

TEST_F(ServerTest, ServesInlineAndWorkerRoutesWithRequestId) {
  StartServer();
  auto r = Exchange(port(), Get("/hello"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"hello":"world"})");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("server"), "vetahut");
  EXPECT_EQ(r.Header("x-request-id").size(), 32u);

  auto w = Exchange(port(), "GET /worker HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123.x_y\r\n\r\n");
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(w.body, "worker abc-123.x_y");
  EXPECT_EQ(w.Header("x-request-id"), "abc-123.x_y");

  auto invalid = Exchange(port(), "GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-Id: bad id!\r\n\r\n");
  EXPECT_NE(invalid.Header("x-request-id"), "bad id!");
  EXPECT_EQ(invalid.Header("x-request-id").size(), 32u);
}

TEST_F(ServerTest, MalformedJsonBodyIs400Problem) {
  StartServer();
  std::string body = R"({"items": [1, 2,}")";
  auto r = Exchange(port(), "POST /orders HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  auto problem = ExpectProblem(r, 400);
  EXPECT_NE(std::string(problem.at("detail").as_string()).find("malformed JSON at byte"),
            std::string::npos);
  EXPECT_EQ(std::string(problem.at("instance").as_string()), "/orders");

  std::string ok = R"({"items":[1]})";
  auto created = Exchange(port(), "POST /orders HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                                      std::to_string(ok.size()) + "\r\n\r\n" + ok);
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(created.body, ok);
}

// A number beyond a double is read as infinity, which cannot be written back as JSON: refused.
TEST_F(ServerTest, JsonNumbersBeyondADoubleAre400) {
  StartServer();
  for (std::string body : {R"({"latitude": 1e400})", R"({"items": [{"amount": -2e308}]})"}) {
    auto r = Exchange(port(), "POST /orders HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: " +
                                  std::to_string(body.size()) + "\r\n\r\n" + body);
    auto problem = ExpectProblem(r, 400);
    EXPECT_NE(std::string(problem.at("detail").as_string()).find("out of range"), std::string::npos);
  }
}

// The parser lets bytes above 0x7F through in a target; the problem body stays valid UTF-8 JSON
// (found by fuzz/http_request_fuzz.cpp).
TEST_F(ServerTest, ProblemBodiesAreValidJsonWhateverBytesThePathHas) {
  StartServer();
  auto r = Exchange(port(), "GET /caf\xC3\x28/\xFF HTTP/1.1\r\nHost: t\r\n\r\n");
  auto problem = ExpectProblem(r, 404);  // parses: boost::json refuses invalid UTF-8
  EXPECT_EQ(std::string(problem.at("instance").as_string()), "/caf%C3(/%FF");
  EXPECT_NE(std::string(problem.at("detail").as_string()).find("\xEF\xBF\xBD"), std::string::npos);
}

TEST_F(ServerTest, UnknownPathIs404) {
  StartServer();
  auto problem = ExpectProblem(Exchange(port(), Get("/nope")), 404);
  EXPECT_EQ(std::string(problem.at("type").as_string()), "https://vetahut.dev/problems/not-found");
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  StartServer();
  auto r = Exchange(port(), "DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  ExpectProblem(r, 405);
  EXPECT_EQ(r.Header("allow"), "GET, HEAD");
}

TEST_F(ServerTest, BodyOverLimitIs413WithoutReadingIt) {
  ServerOptions options;
  options.body_limit = 1024;
  StartServer(options);
  RawConnection c(port());
  c.Send("POST /orders HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
         "Content-Length: 100000\r\n\r\n{\"a\":");
  auto r = c.Read();
  ExpectProblem(r, 413);
  EXPECT_EQ(r.Header("connection"), "close");
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  ServerOptions options;
  options.header_limit = 1024;
  StartServer(options);
  auto r = Exchange(port(), "GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4000, 'a') +
                                "\r\n\r\n");
  ExpectProblem(r, 431);
}

// The early failures (413, 431, 400, 408) happen before routing, but the problem still names the
// request: the path of its request line, or "/" when not even that could be read.
TEST_F(ServerTest, EarlyFailuresNameThePathAsInstance) {
  ServerOptions options;
  options.header_limit = 1024;
  options.body_limit = 1024;
  options.read_timeout = 300ms;
  StartServer(options);
  auto instance = [](const boost::json::object& problem) { return std::string(problem.at("instance").as_string()); };

  // 413 from Content-Length (the parser stops before the head is done) and from a chunked body.
  RawConnection declared(port());
  declared.Send("POST /orders?x=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n{");
  EXPECT_EQ(instance(ExpectProblem(declared.Read(), 413)), "/orders");
  RawConnection chunked(port());
  chunked.Send("POST /orders HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
               std::string(2048, 'a') + "\r\n0\r\n\r\n");
  EXPECT_EQ(instance(ExpectProblem(chunked.Read(), 413)), "/orders");

  // 431: the head never parsed, the request line is read from the bytes received.
  auto big = Exchange(port(), "GET /hello?q=1 HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_EQ(instance(ExpectProblem(big, 431)), "/hello");
  auto long_line = Exchange(port(), "GET /" + std::string(4000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(instance(ExpectProblem(long_line, 431)), "/");

  // 400 and 408 too.
  EXPECT_EQ(instance(ExpectProblem(Exchange(port(), "THIS IS NOT HTTP\r\n\r\n"), 400)), "/");
  EXPECT_EQ(instance(ExpectProblem(Exchange(port(), "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n"), 400)), "/hello");
  RawConnection stalled(port());
  stalled.Send("GET /worker?slow=1 HTTP/1.1\r\nHost: t\r\nX-Half");
  EXPECT_EQ(instance(ExpectProblem(stalled.Read(), 408)), "/worker");
}

TEST_F(ServerTest, ATargetThatIsNotAPathIs400AndAnAbsoluteUrlIsServed) {
  StartServer();
  auto problem = ExpectProblem(Exchange(port(), "GET ?/hello HTTP/1.1\r\nHost: t\r\n\r\n"), 400);
  EXPECT_EQ(std::string(problem.at("instance").as_string()), "/");
  auto absolute = Exchange(port(), "GET http://t/hello HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(absolute.status, 200);
  EXPECT_EQ(absolute.body, R"({"hello":"world"})");
}

// A client that resets while a file body is being sent (sendfile(2) cannot take MSG_NOSIGNAL)
// must not raise SIGPIPE in the process that embeds the server: Start() ignores it. Without that,
// this test binary dies of the signal.
TEST_F(ServerTest, ClientsResettingDuringAFileBodyDoNotKillTheProcess) {
  struct sigaction previous {};
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &default_action, &previous);  // as a program that never thought of it
  StartServer();
  const auto until = std::chrono::steady_clock::now() + 1s;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; std::chrono::steady_clock::now() < until; ++i) {
        RawConnection c(port());
        c.Send(Get("/file"));
        if ((i + t) % 2 == 0) c.Fill();  // mid-body, or before the first byte
        linger reset{.l_onoff = 1, .l_linger = 0};
        ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      }
    });
  }
  for (auto& c : clients) c.join();
  auto r = Exchange(port(), Get("/hello"));
  EXPECT_EQ(r.status, 200);
  ::sigaction(SIGPIPE, &previous, nullptr);
}

TEST_F(ServerTest, MalformedHttpIs400AndClosed) {
  StartServer();
  RawConnection c(port());
  c.Send("THIS IS NOT HTTP\r\n\r\n");
  auto r = c.Read();
  ExpectProblem(r, 400);
  EXPECT_TRUE(c.ClosedWithin(3000ms));
}

TEST_F(ServerTest, StalledClientGets408AndIsDisconnected) {
  ServerOptions options;
  options.read_timeout = 300ms;
  StartServer(options);
  RawConnection c(port());
  auto start = std::chrono::steady_clock::now();
  c.Send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Half");
  auto r = c.Read();
  auto elapsed = std::chrono::steady_clock::now() - start;
  ExpectProblem(r, 408);
  EXPECT_TRUE(c.ClosedWithin(3000ms));
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2000ms);
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  RawConnection c(port());
  c.Send(Get("/hello"));
  auto first = c.Read();
  c.Send(Get("/worker"));
  auto second = c.Read();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
  EXPECT_NE(first.Header("x-request-id"), second.Header("x-request-id"));
  EXPECT_TRUE(second.body.starts_with("worker "));
}

TEST_F(ServerTest, FileBodiesAreSentWholeWithSendfileAndKeepAlive) {
  StartServer();
  RawConnection c(port());
  for (int round = 0; round < 2; ++round) {  // the connection stays usable after a file body
    c.Send(Get("/file"));
    auto r = c.Read();
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.Header("content-length"), std::to_string(3 << 20));
    ASSERT_EQ(r.body.size(), std::size_t(3 << 20));
    bool same = true;
    for (std::size_t i = 0; i < r.body.size() && same; ++i) {
      same = r.body[i] == static_cast<char>('a' + (i * 7 + i / 4096) % 26);
    }
    EXPECT_TRUE(same) << "file body bytes differ";
  }
  c.Send("HEAD /file HTTP/1.1\r\nHost: t\r\n\r\n");
  while (c.buffer().find("\r\n\r\n") == std::string::npos) ASSERT_TRUE(c.Fill());
  EXPECT_NE(c.buffer().find("Content-Length: 3145728\r\n"), std::string::npos);
  EXPECT_TRUE(c.buffer().ends_with("\r\n\r\n"));  // no body after a HEAD
}

TEST_F(ServerTest, SmallFileBodiesGoWithTheHeadAndLargeOnesAfterItOnOneConnection) {
  StartServer();
  RawConnection c(port());
  for (const char* path : {"/small-file", "/file", "/small-file", "/small-file"}) {
    c.Send(Get(path));
    auto r = c.Read();
    ASSERT_EQ(r.status, 200) << path;
    if (std::string_view(path) == "/file") {
      EXPECT_EQ(r.body.size(), std::size_t(3 << 20));
    } else {
      EXPECT_EQ(r.Header("content-length"), "4003");
      EXPECT_EQ(r.body, std::string(4000, 's') + "end");
    }
  }
  c.Send("HEAD /small-file HTTP/1.1\r\nHost: t\r\n\r\n");
  while (c.buffer().find("\r\n\r\n") == std::string::npos) ASSERT_TRUE(c.Fill());
  EXPECT_NE(c.buffer().find("Content-Length: 4003\r\n"), std::string::npos);
  EXPECT_TRUE(c.buffer().ends_with("\r\n\r\n"));  // no body after a HEAD
}

TEST_F(ServerTest, HeadAnswersGetHeadersWithoutBody) {
  StartServer();
  RawConnection c(port());
  c.Send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  // Read the head only: a HEAD response has Content-Length but no body.
  while (c.buffer().find("\r\n\r\n") == std::string::npos) ASSERT_TRUE(c.Fill());
  EXPECT_TRUE(c.buffer().starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_NE(c.buffer().find("Content-Length: 17\r\n"), std::string::npos);
  EXPECT_TRUE(c.buffer().ends_with("\r\n\r\n"));
  c.buffer().clear();
  c.Send(Get("/hello"));
  EXPECT_EQ(c.Read().body, R"({"hello":"world"})");
}

TEST_F(ServerTest, ErrorExceptionMapsToItsStatus) {
  StartServer();
  auto problem = ExpectProblem(Exchange(port(), Get("/conflict")), 409);
  EXPECT_EQ(std::string(problem.at("detail").as_string()), "order already paid");
}

TEST_F(ServerTest, UnexpectedExceptionIs500WithoutLeakingMessage) {
  StartServer();
  auto r = Exchange(port(), Get("/boom"));
  ExpectProblem(r, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST_F(ServerTest, SseRelaysEventsSentFromAnotherThread) {
  StartServer();
  RawConnection c(port());
  c.Send(Get("/events"));
  while (c.Fill()) {
  }  // the stream ends when the handler's thread closes it
  const std::string& raw = c.buffer();
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_NE(raw.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Cache-Control: no-cache\r\n"), std::string::npos);
  EXPECT_EQ(raw.find("Content-Length"), std::string::npos);
  EXPECT_NE(raw.find("id: 1\nevent: status\ndata: baking\n\n"), std::string::npos);
  EXPECT_NE(raw.find("id: 2\nevent: status\ndata: ready\ndata: for pickup\n\n"), std::string::npos);
  EXPECT_NE(raw.find("id: 3\nevent: status\ndata: delivered\n\n"), std::string::npos);
  EXPECT_TRUE(raw.ends_with("0\r\n\r\n"));  // chunked terminator after Close()
}

TEST_F(ServerTest, StopLetsInFlightRequestFinish) {
  StartServer();
  RawConnection c(port());
  c.Send(Get("/slow"));
  std::this_thread::sleep_for(100ms);  // the handler is now sleeping on a worker
  std::thread stopper([this] { server_->Stop(); });
  auto r = c.Read();
  stopper.join();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "slow done");
  EXPECT_EQ(r.Header("connection"), "close");
}

TEST_F(ServerTest, StopClosesIdleKeepAliveConnectionsAndStreams) {
  router_.Get("/forever", [](Request&) -> core::Result<Response> {
    Response response;
    response.stream = EventStream::Create();
    return response;
  });
  StartServer();
  RawConnection idle(port());
  idle.Send(Get("/hello"));
  EXPECT_EQ(idle.Read().status, 200);
  RawConnection sse(port());
  sse.Send(Get("/forever"));
  while (sse.buffer().find("\r\n\r\n") == std::string::npos) ASSERT_TRUE(sse.Fill());
  auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms);
  EXPECT_TRUE(idle.ClosedWithin(1000ms));
  EXPECT_TRUE(sse.ClosedWithin(1000ms));
}

TEST_F(ServerTest, FullWorkerQueueAnswers503) {
  ServerOptions options;
  options.worker_threads = 1;
  options.worker_queue_limit = 1;
  StartServer(options);
  RawConnection running(port());
  running.Send(Get("/slow"));
  std::this_thread::sleep_for(100ms);  // taken by the only worker
  RawConnection queued(port());
  queued.Send(Get("/slow"));
  std::this_thread::sleep_for(100ms);  // fills the queue
  RawConnection rejected(port());
  rejected.Send(Get("/slow"));
  auto r = rejected.Read();
  ExpectProblem(r, 503);
  EXPECT_EQ(r.Header("retry-after"), "1");
  EXPECT_EQ(running.Read().status, 200);
  EXPECT_EQ(queued.Read().status, 200);
}

TEST_F(ServerTest, ObserverSeesEveryResponseWithRoutePattern) {
  StartServer();
  Exchange(port(), Get("/hello"));
  Exchange(port(), Get("/nope"));
  std::this_thread::sleep_for(50ms);
  std::lock_guard lock(observed_mu_);
  ASSERT_EQ(observed_.size(), 2u);
  EXPECT_EQ(observed_[0], (std::pair<std::string, int>{"/hello", 200}));
  EXPECT_EQ(observed_[1], (std::pair<std::string, int>{"unmatched", 404}));
}

TEST(Server, BindFailureNamesAddress) {
  Router router;
  Server first(ServerOptions{}, router);
  first.Start();
  ServerOptions options;
  options.port = first.port();
  Server second(options, router);
  try {
    second.Start();
    FAIL() << "expected bind failure";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())),
              std::string::npos);
  }
}

}  // namespace
}  // namespace vetahut::http
