#pragma once
/// The HTTP/1.1 server: Beast I/O threads, a bounded worker pool for blocking handlers, SSE.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "lib/http/message.hpp"
#include "lib/http/problem.hpp"
#include "lib/http/router.hpp"

namespace vetahut::http {

namespace detail {
class ServerCore;
}  // namespace detail

/// Server configuration.
struct ServerOptions {
  std::string host = "127.0.0.1";                ///< address to bind
  std::uint16_t port = 0;                        ///< 0 = any free port (see Server::port())
  int io_threads = 0;                            ///< I/O threads; 0 = hardware cores
  int worker_threads = 8;                        ///< threads running blocking handlers
  std::size_t worker_queue_limit = 1024;         ///< queued requests beyond this get 503
  std::size_t header_limit = 16 * 1024;          ///< bytes of request line + headers (else 431)
  std::size_t body_limit = 1 << 20;              ///< request body bytes (else 413)
  std::chrono::milliseconds read_timeout{15000};   ///< to finish reading a started request (408)
  std::chrono::milliseconds write_timeout{15000};  ///< to write one response or event batch
  std::chrono::milliseconds idle_timeout{60000};   ///< keep-alive connection without a request
  std::chrono::milliseconds drain_timeout{10000};  ///< Stop() waits this long for in-flight work
};

/// One finished exchange, reported to the observer (metrics, access logs).
struct CompletedRequest {
  std::string_view method;
  std::string_view route;  ///< route pattern or "unmatched"
  int status;
  std::chrono::nanoseconds duration;
  const Request* request;
};

/// Serves a Router over HTTP/1.1 with keep-alive. The router must outlive the server.
class Server final {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();  ///< stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Called once per response (including 404/405/408/413/503), from any thread. Set before Start.
  void SetObserver(std::function<void(const CompletedRequest&)> observer);
  /// Receives the message of unexpected handler exceptions (default: stderr). Set before Start.
  void SetExceptionLogger(ExceptionLogger logger);
  /// Binds (throws std::runtime_error naming host:port and the reason) and starts the threads.
  /// Also makes the process ignore SIGPIPE if it has no handler for it, so a client that resets
  /// mid-response ends its connection, never the process.
  void Start();
  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// Graceful: stops accepting, lets in-flight requests finish (up to drain_timeout), closes idle
  /// keep-alive connections and SSE streams, joins threads. Idempotent.
  void Stop();
  /// Start() if needed, block until SIGINT or SIGTERM, then Stop().
  void RunUntilSignal();

 private:
  std::unique_ptr<detail::ServerCore> impl_;
};

}  // namespace vetahut::http
