#pragma once
/// The load generator's event loop: one thread, libcurl's multi interface, timers. Requests start
/// when their timer fires; each carries the instant it was *meant* to be sent, so what a response
/// reports as latency includes any wait for the generator or for a free connection (the
/// coordinated-omission rule). Server-Sent Events streams are held open beside the short requests
/// and do not take one of their connections.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vetahut::loadgen {

using Clock = std::chrono::steady_clock;
using Time = Clock::time_point;

struct HttpRequest {
  std::string method = "GET";        ///< GET, POST, PUT
  std::string path;                  ///< "/api/v1/stores?…", appended to the base URL
  std::vector<std::string> headers;  ///< "Name: value"
  std::string body;
};

struct HttpResponse {
  int status = 0;               ///< 0: no HTTP answer (see transport_error)
  std::string transport_error;  ///< "timeout", "connect", … when status is 0
  std::string body;
  std::string etag;   ///< the ETag header, if any
  Time intended{};    ///< when the request was meant to go (the schedule)
  Time sent{};        ///< when it was handed to the connection
  Time first_byte{};  ///< streams: when the first event arrived
  Time done{};
  /// Latency as the schedule sees it: answer (or, for streams, first event) − intended send.
  std::chrono::microseconds Latency() const;
};

class HttpEngine final {
 public:
  /// `base_url` like "http://127.0.0.1:8080"; at most `connections` short requests in flight.
  HttpEngine(std::string base_url, int connections, std::chrono::milliseconds timeout);
  ~HttpEngine();
  HttpEngine(const HttpEngine&) = delete;
  HttpEngine& operator=(const HttpEngine&) = delete;

  /// Runs `fn` on the loop at `at` (or as soon as possible when `at` has passed).
  void At(Time at, std::function<void()> fn);
  /// Sends `request`, meant to go at `intended`; `done` runs on the loop with the answer.
  void Send(HttpRequest request, Time intended, std::function<void(HttpResponse&)> done);
  /// Opens an SSE stream: `on_event(event, data)` for each event (return false to hang up);
  /// `done` when it ends (by the server, by `on_event`, or after `timeout`).
  void Stream(HttpRequest request, Time intended, std::chrono::milliseconds timeout,
              std::function<bool(std::string_view event, std::string_view data)> on_event,
              std::function<void(HttpResponse&)> done);

  /// Runs until nothing is scheduled or in flight, or until `deadline` (then everything in
  /// flight is abandoned and reported as "abandoned at the deadline").
  void Run(Time deadline);

  /// Requests answered late because the generator itself was behind: send − intended.
  const std::vector<std::int64_t>& SendLagMicros() const { return send_lag_us_; }
  void ClearSendLag() { send_lag_us_.clear(); }

  struct Transfer;  ///< one request in flight (internal; public for libcurl's C callbacks)

 private:
  struct Timer;
  void Start(std::unique_ptr<Transfer> t);
  void Finish(Transfer* t, int curl_code);
  void StartWaiting();

  std::string base_url_;
  int connections_;
  std::chrono::milliseconds timeout_;
  void* multi_;
  int short_in_flight_ = 0;
  std::uint64_t timer_seq_ = 0;
  std::vector<Timer> timers_;  // a heap
  std::vector<std::unique_ptr<Transfer>>
      waiting_;  // FIFO of short requests waiting for a connection
  std::size_t waiting_head_ = 0;
  std::vector<std::unique_ptr<Transfer>> running_;
  std::vector<std::int64_t> send_lag_us_;
  bool stopped_ = false;  // past the deadline: nothing new starts
};

}  // namespace vetahut::loadgen
