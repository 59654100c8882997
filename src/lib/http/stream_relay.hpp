#pragma once
/// Relays another server's event stream (text/event-stream) to one of our clients as the bytes
/// arrive, without buffering: the gateway's pass-through for the tracking and kitchen streams.
/// One thread drives every relayed stream (libcurl multi), so a thousand open trackers cost a
/// thousand sockets, not a thousand threads.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "lib/core/result.hpp"
#include "lib/http/message.hpp"

namespace vetahut::http {

struct StreamRelayOptions {
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds head_timeout{10000};  ///< until the upstream answers its status line and headers
  std::size_t max_body = 64 << 20;                 ///< a non-stream answer larger than this fails
};

class StreamRelay {
 public:
  explicit StreamRelay(StreamRelayOptions options = {});
  ~StreamRelay();  ///< ends every relayed stream
  StreamRelay(const StreamRelay&) = delete;
  StreamRelay& operator=(const StreamRelay&) = delete;

  /// GETs `url` with `headers`. A 200 text/event-stream answer comes back as a Response whose
  /// `stream` carries the upstream's bytes until either side ends (the upstream's headers kept);
  /// any other answer (401, 404, …) comes back whole, as an ordinary Response. The upstream
  /// unreachable or silent past head_timeout → kUnavailable.
  core::Result<Response> Open(const std::string& url, const std::vector<Header>& headers);

  /// Ends every stream being relayed now (shutdown); returns once they are closed.
  void CloseAll();
  /// Streams being relayed now.
  std::size_t active() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vetahut::http
