#include "lib/http/server.hpp"

#include <sys/sendfile.h>

#include "lib/http/beast_request.hpp"
#include "lib/http/request_head.hpp"
#include "lib/http/sse.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <fmt/format.h>

namespace vetahut::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReadChunk = 8192;
constexpr std::chrono::milliseconds kMaxLinger{2000};
constexpr std::string_view kUnmatched = "unmatched";

void AppendNumber(std::string& out, std::uint64_t value, int base = 10) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, base);
  out.append(buf, end);
}

// A client going away is normal operation, not an error worth a log line or a response.
bool IsDisconnect(const beast::error_code& ec) {
  return ec == net::error::eof || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message || ec == net::error::connection_reset ||
         ec == net::error::connection_aborted || ec == net::error::broken_pipe ||
         ec == net::error::operation_aborted || ec == net::error::bad_descriptor ||
         ec == net::error::not_connected;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// A write to a connection the peer has reset raises SIGPIPE, whose default action ends the whole
// process. Asio sends with MSG_NOSIGNAL, but sendfile(2) has no such flag, and TLS libraries
// under the HTTP client write with write(2). So the process ignores SIGPIPE (each write then
// fails with EPIPE, which ends that connection only) — unless the program installed a handler of
// its own, which we leave alone. main() does the same at start-up; this covers every other
// program that embeds a Server (tests, tools).
void IgnoreSigpipe() {
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, nullptr);
  }
}

// A fixed-size pool running blocking handlers, with a bounded queue so overload becomes 503s
// instead of unbounded latency.
class WorkerPool {
 public:
  explicit WorkerPool(std::size_t queue_limit) : queue_limit_(queue_limit) {}
  ~WorkerPool() { Shutdown(); }

  void Start(int threads) {
    for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Loop(); });
  }

  bool TrySubmit(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      if (stopping_ || queue_.size() >= queue_limit_) return false;
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return true;
  }

  // Runs what is already queued, then joins.
  void Shutdown() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

 private:
  void Loop() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();  // tasks catch their own exceptions (Session::Execute)
    }
  }

  std::size_t queue_limit_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

class Session;

namespace detail {
class ServerCore {
 public:
  ServerCore(ServerOptions o, const Router& r)
      : options(std::move(o)), router(r), pool(options.worker_queue_limit) {}

  void Start();
  void Stop();
  void Accept();
  void Register(Session* session, std::weak_ptr<Session> weak);
  void Unregister(Session* session);

  ServerOptions options;
  const Router& router;
  std::function<void(const CompletedRequest&)> observer;
  ExceptionLogger exception_logger;
  std::atomic<bool> stopping{false};

  std::mutex sessions_mu;
  std::condition_variable sessions_cv;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  WorkerPool pool;
  // Declared after everything sessions reference: contexts are destroyed first, and with them
  // any session still owned by a pending handler.
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;
  std::vector<std::thread> threads;
  std::size_t next_context = 0;
  std::uint16_t bound_port = 0;
  std::mutex lifecycle_mu;
  bool started = false;
  bool stopped = false;
};
}  // namespace detail

// One connection: read -> handle (inline or on the worker pool) -> write, repeated while the
// connection is kept alive; or, for an SSE response, a relay of the stream until it ends.
// Every handler runs on the connection's io_context, which has a single thread, so the state
// below needs no locks; workers hand results back with net::post.
class Session final : public std::enable_shared_from_this<Session> {
 public:
  Session(detail::ServerCore& server, tcp::socket socket)
      : server_(server), socket_(std::move(socket)), timer_(socket_.get_executor()) {
    beast::error_code ec;
    auto endpoint = socket_.remote_endpoint(ec);
    if (!ec) remote_address_ = endpoint.address().to_string();
  }

  ~Session() {
    if (stream_) stream_->SetNotifier({});
    server_.Unregister(this);
  }

  void Start() {
    server_.Register(this, weak_from_this());
    net::dispatch(socket_.get_executor(), beast::bind_front_handler(&Session::ReadNext,
                                                                    shared_from_this()));
  }

  // Graceful stop: idle connections close now, streams end, in-flight exchanges finish and then
  // close (Reply sends Connection: close once the server is stopping).
  void Shutdown() {
    switch (state_) {
      case State::kIdle:
      case State::kLingering: Close(); break;
      case State::kStreaming:
        if (stream_) stream_->Close();
        break;
      default: break;
    }
  }

  void ForceClose() { Close(); }

  /// Thread-safe: runs Shutdown (or, with `force`, ForceClose) on the connection's thread.
  void PostShutdown(bool force) {
    net::post(socket_.get_executor(), [self = shared_from_this(), force] {
      if (force) {
        self->ForceClose();
      } else {
        self->Shutdown();
      }
    });
  }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kStreaming, kLingering, kClosed };

  // --- deadlines -------------------------------------------------------------------------------
  // One timer per connection enforces read, write and idle deadlines. Moving the deadline later
  // (the common case on a busy keep-alive connection) only updates a field; the timer is re-armed
  // when it fires or when the deadline moves earlier. On expiry the socket's operations are
  // cancelled (not the socket closed), so a 408 can still be written.
  void SetDeadline(std::chrono::milliseconds d) {
    deadline_ = SteadyClock::now() + d;
    timed_out_ = false;
    if (!timer_armed_ || deadline_ < timer_.expiry()) {
      timer_armed_ = true;
      timer_.expires_at(deadline_);
      timer_.async_wait(beast::bind_front_handler(&Session::OnTimer, shared_from_this()));
    }
  }

  void ClearDeadline() { deadline_ = SteadyClock::time_point::max(); }

  void OnTimer(beast::error_code ec) {
    if (ec) return;  // re-armed earlier or closed
    timer_armed_ = false;
    if (state_ == State::kClosed || deadline_ == SteadyClock::time_point::max()) return;
    if (SteadyClock::now() >= deadline_) {
      timed_out_ = true;
      ClearDeadline();
      beast::error_code ignored;
      socket_.cancel(ignored);
      return;
    }
    timer_armed_ = true;
    timer_.expires_at(deadline_);
    timer_.async_wait(beast::bind_front_handler(&Session::OnTimer, shared_from_this()));
  }

  // --- reading ---------------------------------------------------------------------------------
  void ReadNext() {
    if (state_ == State::kClosed) return;
    state_ = State::kIdle;
    if (server_.stopping.load(std::memory_order_relaxed)) {
      Close();
      return;
    }
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(server_.options.header_limit, UINT32_MAX)));
    parser_->body_limit(server_.options.body_limit);
    if (buffer_.size() > 0) {  // pipelined request already buffered
      ReadHeader();
      return;
    }
    // Waiting for the first byte is "idle"; a started request must finish within read_timeout.
    SetDeadline(first_request_ ? server_.options.read_timeout : server_.options.idle_timeout);
    socket_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
  }

  void OnFirstBytes(beast::error_code ec, std::size_t n) {
    if (state_ == State::kClosed) return;
    if (ec) {  // idle timeout, client closed, or stop: nothing to answer
      Close();
      return;
    }
    buffer_.commit(n);
    ReadHeader();
  }

  void ReadHeader() {
    state_ = State::kReading;
    first_request_ = false;
    start_ = SteadyClock::now();
    SetDeadline(server_.options.read_timeout);
    bhttp::async_read_header(socket_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (state_ == State::kClosed) return;
    if (ec) {
      FailRead(ec);
      return;
    }
    auto& msg = parser_->get();
    if (auto length = parser_->content_length(); length && *length > server_.options.body_limit) {
      FailEarly(core::Error{core::ErrorCode::kPayloadTooLarge,
                            fmt::format("The request body exceeds {} bytes.",
                                        server_.options.body_limit),
                            {}});
      return;
    }
    if (parser_->is_done()) {
      HandleRequest();
      return;
    }
    auto expect = msg[bhttp::field::expect];
    if (EqualsIgnoreCase(std::string_view(expect.data(), expect.size()), "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      SetDeadline(server_.options.write_timeout);
      net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code wec, std::size_t) {
                         if (self->state_ == State::kClosed) return;
                         if (wec) {
                           self->Close();
                           return;
                         }
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    SetDeadline(server_.options.read_timeout);
    bhttp::async_read(socket_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, std::size_t) {
    if (state_ == State::kClosed) return;
    if (ec) {
      FailRead(ec);
      return;
    }
    HandleRequest();
  }

  void FailRead(beast::error_code ec) {
    ClearDeadline();
    if (timed_out_) {
      FailEarly(core::Error{core::ErrorCode::kRequestTimeout,
                            "The request was not received completely in time.",
                            {}});
    } else if (ec == bhttp::error::header_limit) {
      PrepareErrorRequest();
      ReplyAndLinger(ProblemResponse(431, "request-header-fields-too-large",
                                     "Request Header Fields Too Large",
                                     fmt::format("The request headers exceed {} bytes.",
                                                 server_.options.header_limit),
                                     request_));
    } else if (ec == bhttp::error::body_limit) {
      FailEarly(core::Error{core::ErrorCode::kPayloadTooLarge,
                            fmt::format("The request body exceeds {} bytes.",
                                        server_.options.body_limit),
                            {}});
    } else if (IsDisconnect(ec)) {
      Close();
    } else {
      FailEarly(core::Error::BadRequest(fmt::format("Malformed HTTP request: {}.", ec.message())));
    }
  }

  // --- handling --------------------------------------------------------------------------------
  bool FillRequest(detail::BeastRequest& msg) {
    const bool acceptable = detail::FillRequest(msg, request_, unknown_method_);
    request_.remote_address = remote_address_;
    return acceptable;
  }

  void HandleRequest() {
    state_ = State::kHandling;
    ClearDeadline();
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    http10_ = msg.version() == 10;
    if (!FillRequest(msg)) {
      FailEarly(core::Error::BadRequest("The request target must be a path (/…), an absolute URL or *."));
      return;
    }
    is_head_ = unknown_method_.empty() && request_.method == Method::kHead;
    close_after_ = false;
    linger_ = false;

    if (!unknown_method_.empty()) {
      request_.allowed_methods = server_.router.AllowedMethods(request_.path);
      core::Error error =
          request_.allowed_methods.empty()
              ? core::Error::NotFound(fmt::format("No route for {}.", request_.path))
              : core::Error{core::ErrorCode::kMethodNotAllowed,
                            fmt::format("Method {} is not allowed on {}.", unknown_method_,
                                        request_.path),
                            {}};
      Reply(ProblemResponse(error, request_));
      return;
    }

    match_ = server_.router.Find(request_.method, request_.path);
    route_ = match_.route;
    if (match_.route == nullptr || match_.route->non_blocking) {
      Reply(Execute());
      return;
    }
    auto self = shared_from_this();
    bool queued = server_.pool.TrySubmit([self] {
      Response response = self->Execute();
      net::post(self->socket_.get_executor(),
                [self, response = std::move(response)]() mutable {
                  self->Reply(std::move(response));
                });
    });
    if (!queued) {
      Response busy =
          ProblemResponse(core::Error::Unavailable("The server is busy; retry shortly."), request_);
      busy.SetHeader("Retry-After", "1");
      Reply(std::move(busy));
    }
  }

  // Runs on an I/O thread (non-blocking routes, 404/405) or a worker.
  Response Execute() {
    try {
      auto result = server_.router.Dispatch(request_, std::move(match_));
      if (result) return std::move(*result);
      return ProblemResponse(result.error(), request_);
    } catch (...) {
      return ProblemFromException(std::current_exception(), request_, server_.exception_logger);
    }
  }

  // Errors found before a request was fully read: answer, then close the connection.
  void PrepareErrorRequest() {
    route_ = nullptr;
    is_head_ = false;
    const auto unparsed = buffer_.data();
    const std::string_view raw(static_cast<const char*>(unparsed.data()), unparsed.size());
    detail::FillErrorRequest(parser_ ? &*parser_ : nullptr, raw.substr(0, server_.options.header_limit),
                             request_, unknown_method_);
    request_.remote_address = remote_address_;
  }

  void FailEarly(const core::Error& error) {
    PrepareErrorRequest();
    ReplyAndLinger(ProblemResponse(error, request_));
  }

  void ReplyAndLinger(Response response) {
    state_ = State::kHandling;
    close_after_ = true;
    linger_ = true;
    Reply(std::move(response));
  }

  // --- writing ---------------------------------------------------------------------------------
  void Reply(Response response) {
    if (state_ == State::kClosed) return;  // the client left while the handler ran
    response_ = std::move(response);
    if (response_.stream) {
      StartStream();
      return;
    }
    state_ = State::kWriting;
    closing_ = close_after_ || !keep_alive_ || server_.stopping.load(std::memory_order_relaxed);
    SerializeHead(closing_);
    if (response_.file_body && !is_head_ && response_.file_body->in_memory().empty()) {
      // Head first, then the file straight from the page cache into the socket.
      SetDeadline(server_.options.write_timeout);
      net::async_write(socket_, net::buffer(head_),
                       beast::bind_front_handler(&Session::OnHeadWritten, shared_from_this()));
      return;
    }
    std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::const_buffer{}};
    if (!is_head_) {
      // A small file body goes with the head in one gather write (FileBody::in_memory).
      const std::string_view body = response_.file_body ? response_.file_body->in_memory() : response_.BodyView();
      buffers[1] = net::const_buffer(body.data(), body.size());
    }
    SetDeadline(server_.options.write_timeout);
    net::async_write(socket_, buffers,
                     beast::bind_front_handler(&Session::OnWritten, shared_from_this()));
  }

  void AppendStatusLine(int status) {
    head_.append("HTTP/1.1 ");
    AppendNumber(head_, static_cast<std::uint64_t>(status));
    head_.push_back(' ');
    auto reason = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(status)));
    head_.append(reason.data(), reason.size());
    head_.append("\r\n");
  }

  // Appends the handler's headers except those the server owns; returns whether X-Request-Id was
  // among them.
  bool AppendHandlerHeaders(bool streaming) {
    bool has_request_id = false;
    for (const auto& h : response_.headers) {
      if (EqualsIgnoreCase(h.name, "Content-Length") ||
          EqualsIgnoreCase(h.name, "Transfer-Encoding") || EqualsIgnoreCase(h.name, "Connection") ||
          (streaming && EqualsIgnoreCase(h.name, "Content-Type")) || HasLineBreak(h.name) ||
          HasLineBreak(h.value)) {
        continue;
      }
      if (EqualsIgnoreCase(h.name, "X-Request-Id")) has_request_id = true;
      head_.append(h.name).append(": ").append(h.value).append("\r\n");
    }
    return has_request_id;
  }

  void SerializeHead(bool close) {
    head_.clear();
    int status = response_.status;
    AppendStatusLine(status);
    if (!AppendHandlerHeaders(false)) {
      head_.append("X-Request-Id: ").append(request_.request_id).append("\r\n");
    }
    head_.append("Server: vetahut\r\n");
    if (status >= 200 && status != 204 && status != 304) {
      head_.append("Content-Length: ");
      AppendNumber(head_, response_.BodySize());
      head_.append("\r\n");
    }
    if (close) {
      head_.append("Connection: close\r\n");
    } else if (http10_) {
      head_.append("Connection: keep-alive\r\n");
    }
    head_.append("\r\n");
  }

  void OnHeadWritten(beast::error_code ec, std::size_t) {
    if (state_ == State::kClosed) return;
    if (ec) {
      OnWritten(ec, 0);
      return;
    }
    file_offset_ = 0;
    if (!native_non_blocking_) {  // once per connection: each call is an ioctl(2)
      beast::error_code nb;
      socket_.native_non_blocking(true, nb);
      native_non_blocking_ = !nb;
    }
    SendFileChunk();
  }

  // sendfile(2) until done or the socket is full; then wait until it is writable again. A reset
  // peer makes it fail with EPIPE or ECONNRESET (SIGPIPE is ignored, see IgnoreSigpipe): that is
  // a disconnect, and OnWritten closes this connection without a word.
  void SendFileChunk() {
    if (state_ == State::kClosed) return;
    const FileBody& file = *response_.file_body;
    while (static_cast<std::size_t>(file_offset_) < file.size()) {
      const ssize_t n = ::sendfile(socket_.native_handle(), file.fd(), &file_offset_,
                                   file.size() - static_cast<std::size_t>(file_offset_));
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](beast::error_code wait_ec) {
          if (wait_ec) {
            self->OnWritten(wait_ec, 0);
          } else {
            self->SendFileChunk();
          }
        });
        return;
      }
      OnWritten(n == 0 ? beast::error_code(net::error::eof) : beast::error_code(errno, beast::system_category()), 0);
      return;
    }
    OnWritten({}, file.size());
  }

  void OnWritten(beast::error_code ec, std::size_t) {
    if (state_ == State::kClosed) return;
    ClearDeadline();
    Report(response_.status);
    if (ec) {  // write timeout or the client left
      Close();
      return;
    }
    if (closing_) {
      if (linger_) {
        LingeringClose();
      } else {
        CloseGracefully();
      }
      return;
    }
    ReadNext();
  }

  void Report(int status) {
    if (!server_.observer) return;
    std::string_view method = unknown_method_.empty() ? MethodName(request_.method)
                                                      : std::string_view(unknown_method_);
    std::string_view route = route_ != nullptr ? std::string_view(route_->pattern) : kUnmatched;
    server_.observer(CompletedRequest{method, route, status, SteadyClock::now() - start_,
                                      &request_});
  }

  // --- server-sent events ----------------------------------------------------------------------
  void StartStream() {
    state_ = State::kStreaming;
    stream_ = response_.stream;
    chunked_ = !http10_;
    head_.clear();
    AppendStatusLine(response_.status);
    if (!AppendHandlerHeaders(true)) {
      head_.append("X-Request-Id: ").append(request_.request_id).append("\r\n");
    }
    head_.append(
        "Server: vetahut\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "Connection: keep-alive\r\n");
    if (chunked_) head_.append("Transfer-Encoding: chunked\r\n");
    head_.append("\r\n");
    out_ = head_;
    stream_finished_ = false;
    writing_ = false;

    std::weak_ptr<Session> weak = weak_from_this();
    auto executor = socket_.get_executor();
    stream_->SetNotifier([weak, executor] {
      net::post(executor, [weak] {
        if (auto self = weak.lock()) self->PumpStream();
      });
    });
    // The client sends nothing more on an SSE connection; a completed read means it left.
    socket_.async_read_some(net::buffer(discard_),
                            beast::bind_front_handler(&Session::OnStreamClientRead,
                                                      shared_from_this()));
    PumpStream();
  }

  void PumpStream() {
    if (state_ != State::kStreaming || writing_ || stream_finished_) return;
    chunk_.clear();
    bool closed = stream_->Drain(chunk_);
    if (!chunk_.empty()) {
      if (chunked_) {
        AppendNumber(out_, chunk_.size(), 16);
        out_.append("\r\n").append(chunk_).append("\r\n");
      } else {
        out_.append(chunk_);
      }
    }
    if (closed) {
      if (chunked_) out_.append("0\r\n\r\n");
      stream_finished_ = true;
    }
    if (out_.empty()) return;
    writing_ = true;
    SetDeadline(server_.options.write_timeout);
    net::async_write(socket_, net::buffer(out_),
                     beast::bind_front_handler(&Session::OnStreamWritten, shared_from_this()));
  }

  void OnStreamWritten(beast::error_code ec, std::size_t) {
    writing_ = false;
    out_.clear();
    if (state_ == State::kClosed) return;
    ClearDeadline();
    if (ec) {
      stream_->Disconnect();
      Report(response_.status);
      Close();
      return;
    }
    if (stream_finished_) {
      Report(response_.status);
      CloseGracefully();
      return;
    }
    PumpStream();
  }

  void OnStreamClientRead(beast::error_code ec, std::size_t) {
    if (state_ != State::kStreaming) return;
    if (!ec) {
      socket_.async_read_some(net::buffer(discard_),
                              beast::bind_front_handler(&Session::OnStreamClientRead,
                                                        shared_from_this()));
      return;
    }
    if (timed_out_ || writing_) return;  // a write is pending; its completion handles the close
    stream_->Disconnect();
    Report(response_.status);
    Close();
  }

  // --- closing ---------------------------------------------------------------------------------
  void CloseGracefully() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    Close();
  }

  // After an error answered before the request was read completely, keep reading (and
  // discarding) briefly so closing with unread data does not reset the connection before the
  // client has read the response.
  void LingeringClose() {
    state_ = State::kLingering;
    if (server_.stopping.load(std::memory_order_relaxed)) {
      CloseGracefully();
      return;
    }
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    SetDeadline(std::min(server_.options.read_timeout, kMaxLinger));
    DiscardInput();
  }

  void DiscardInput() {
    socket_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (self->state_ == State::kClosed) return;
                              if (ec) {
                                self->Close();
                                return;
                              }
                              self->DiscardInput();
                            });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
    if (stream_) {
      stream_->SetNotifier({});
      stream_->Disconnect();
    }
  }

  detail::ServerCore& server_;
  tcp::socket socket_;
  net::steady_timer timer_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
  bool timer_armed_ = false;
  bool timed_out_ = false;

  State state_ = State::kIdle;
  bool first_request_ = true;
  bool keep_alive_ = false;
  bool http10_ = false;
  bool is_head_ = false;
  off_t file_offset_ = 0;
  bool native_non_blocking_ = false;  ///< set on the socket once, for sendfile(2)
  bool close_after_ = false;
  bool closing_ = false;
  bool linger_ = false;
  std::string remote_address_;
  std::string unknown_method_;

  beast::flat_buffer buffer_;
  std::optional<detail::BeastRequestParser> parser_;
  Request request_;
  Router::Match match_;
  const RouteInfo* route_ = nullptr;
  Response response_;
  std::string head_;
  SteadyClock::time_point start_ = SteadyClock::now();

  std::shared_ptr<EventStream> stream_;
  bool chunked_ = true;
  bool writing_ = false;
  bool stream_finished_ = false;
  std::string out_;
  std::string chunk_;
  std::array<char, 512> discard_{};
};

// --- ServerCore ------------------------------------------------------------------------------

void detail::ServerCore::Register(Session* session, std::weak_ptr<Session> weak) {
  std::lock_guard lock(sessions_mu);
  sessions.emplace(session, std::move(weak));
}

void detail::ServerCore::Unregister(Session* session) {
  {
    std::lock_guard lock(sessions_mu);
    sessions.erase(session);
  }
  sessions_cv.notify_all();
}

void detail::ServerCore::Start() {
  std::lock_guard lock(lifecycle_mu);
  if (started) throw std::logic_error("Server::Start called twice");
  IgnoreSigpipe();
  int io_threads = options.io_threads > 0
                       ? options.io_threads
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  for (int i = 0; i < io_threads; ++i) {
    // One thread per context: handlers of a connection never run concurrently, so no strands.
    contexts.push_back(std::make_unique<net::io_context>(1));
  }
  try {
    beast::error_code ec;
    auto address = net::ip::make_address(options.host, ec);
    tcp::endpoint endpoint;
    if (!ec) {
      endpoint = tcp::endpoint(address, options.port);
    } else {
      tcp::resolver resolver(*contexts[0]);
      endpoint = *resolver.resolve(options.host, std::to_string(options.port)).begin();
    }
    acceptor.emplace(*contexts[0]);
    acceptor->open(endpoint.protocol());
    acceptor->set_option(net::socket_base::reuse_address(true));
    acceptor->bind(endpoint);
    acceptor->listen(net::socket_base::max_listen_connections);
    bound_port = acceptor->local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    acceptor.reset();
    contexts.clear();
    throw std::runtime_error(
        fmt::format("cannot listen on {}:{}: {}", options.host, options.port, e.code().message()));
  }
  accept_retry.emplace(*contexts[0]);
  pool.Start(options.worker_threads);
  for (auto& context : contexts) guards.push_back(net::make_work_guard(*context));
  Accept();
  for (auto& context : contexts) {
    threads.emplace_back([ctx = context.get()] {
      while (true) {
        try {
          ctx->run();
          return;
        } catch (const std::exception& e) {
          // A bug escaped a handler; keep serving the other connections.
          fmt::print(stderr, "http: exception on I/O thread: {}\n", e.what());
        }
      }
    });
  }
  started = true;
}

void detail::ServerCore::Accept() {
  net::io_context& target = *contexts[next_context++ % contexts.size()];
  acceptor->async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
    if (ec) {
      // Typically out of file descriptors: back off instead of spinning.
      accept_retry->expires_after(std::chrono::milliseconds(50));
      accept_retry->async_wait([this](beast::error_code wec) {
        if (!wec && acceptor->is_open()) Accept();
      });
      return;
    }
    if (stopping.load()) return;
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Session>(*this, std::move(socket))->Start();
    Accept();
  });
}

void detail::ServerCore::Stop() {
  {
    std::lock_guard lock(lifecycle_mu);
    if (!started || stopped) return;
    stopped = true;
  }
  stopping.store(true);
  net::post(*contexts[0], [this] {
    beast::error_code ignored;
    acceptor->close(ignored);
    accept_retry->cancel();
  });

  auto for_each_session = [this](auto action) {
    std::vector<std::shared_ptr<Session>> alive;
    {
      std::lock_guard lock(sessions_mu);
      for (auto& [ptr, weak] : sessions) {
        if (auto s = weak.lock()) alive.push_back(std::move(s));
      }
    }
    for (auto& s : alive) action(s);
  };
  // Sessions only touch their state on their own thread, so the stop request is posted there.
  for_each_session([](const std::shared_ptr<Session>& s) { s->PostShutdown(false); });

  std::unique_lock lock(sessions_mu);
  if (!sessions_cv.wait_for(lock, options.drain_timeout, [this] { return sessions.empty(); })) {
    lock.unlock();
    for_each_session([](const std::shared_ptr<Session>& s) { s->PostShutdown(true); });
    lock.lock();
    sessions_cv.wait_for(lock, std::chrono::seconds(1), [this] { return sessions.empty(); });
  }
  lock.unlock();

  pool.Shutdown();
  guards.clear();
  for (auto& context : contexts) context->stop();
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
  threads.clear();
}

// --- Server ------------------------------------------------------------------------------------

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<detail::ServerCore>(std::move(options), router)) {}

Server::~Server() { Stop(); }

void Server::SetObserver(std::function<void(const CompletedRequest&)> observer) {
  impl_->observer = std::move(observer);
}

void Server::SetExceptionLogger(ExceptionLogger logger) {
  impl_->exception_logger = std::move(logger);
}

void Server::Start() { impl_->Start(); }

std::uint16_t Server::port() const { return impl_->bound_port; }

void Server::Stop() { impl_->Stop(); }

void Server::RunUntilSignal() {
  {
    std::unique_lock lock(impl_->lifecycle_mu);
    bool started = impl_->started;
    lock.unlock();
    if (!started) Start();
  }
  net::io_context signals_context(1);
  net::signal_set signals(signals_context, SIGINT, SIGTERM);
  signals.async_wait([](beast::error_code, int) {});
  signals_context.run();
  Stop();
}

}  // namespace vetahut::http
