#pragma once
/// Service-to-service calls (decision 0041): a service's client interface (`client.hpp`) over
/// HTTP, for processes that do not run that service.
///
/// Wire: `POST /internal/v1/{service}/{method}` with a JSON body of the call's arguments; 200
/// answers the result as JSON; an expected failure answers the usual problem+json and comes back
/// as the same `core::Error` (code, detail, field errors). Calls carry the chain's service token
/// (`X-Vetahut-Service-Token`, config `clients.service_token`), the caller's name and the
/// request's W3C `traceparent`. Routes under `/internal/` answer only to that token; the gateway
/// never forwards them.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::http {
class HttpClient;
class Router;
}  // namespace vetahut::http

namespace vetahut::rpc {

/// The header that carries the service token.
inline constexpr std::string_view kServiceTokenHeader = "X-Vetahut-Service-Token";
/// The header that names the calling service (logs and metrics only: the token is the proof).
inline constexpr std::string_view kCallerHeader = "X-Vetahut-Caller";
/// The permission of every internal route: only a caller with the service token has it.
inline constexpr std::string_view kInternalPermission = "internal";

/// Whether a call may be sent again after a failure that may have reached the service.
enum class Retry {
  kIdempotent,  ///< reads, and writes keyed so a repeat changes nothing: retried on another replica
  kOnce,        ///< sent once; a network failure is kUnavailable for the caller to handle
};

struct ChannelOptions {
  std::string service;                ///< "menu": the path segment and the name in errors
  std::vector<std::string> base_urls;  ///< replicas, e.g. http://127.0.0.1:8102 (round-robin)
  std::string service_token;          ///< the chain's shared secret
  std::string caller;                 ///< this process's target, for the callee's logs
  std::chrono::milliseconds timeout{5000};         ///< deadline of one attempt
  std::chrono::milliseconds connect_timeout{500};  ///< a replica that does not accept by then is skipped
  int attempts = 3;                                ///< for Retry::kIdempotent, over the replicas
};

/// A comma-separated list of base URLs ("http://a:1, http://b:2/") as a list, trailing '/' dropped.
std::vector<std::string> SplitUrls(std::string_view list);

/// The calls to one service. Thread-safe; connections are pooled and kept alive.
class Channel {
 public:
  explicit Channel(ChannelOptions options);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  /// Sends `body` (JSON) to `method`; the result's JSON, or the callee's error. The service
  /// unreachable, timing out or answering 5xx after every attempt → kUnavailable naming it.
  core::Result<std::string> Call(std::string_view method, std::string_view body, Retry retry);

  const std::string& service() const { return options_.service; }

 private:
  ChannelOptions options_;
  std::unique_ptr<http::HttpClient> http_;
  std::atomic<std::size_t> next_{0};
};

/// A method's implementation on the serving side: the arguments' JSON in, the result's JSON out.
using Method = std::function<core::Result<std::string>(std::string_view body)>;

/// Registers `POST /internal/v1/{service}/{method}` (permission "internal").
void Expose(http::Router& router, std::string_view service, std::string_view method, Method handler);

/// The error a problem+json body describes (status → code, detail, field errors); a body that is
/// not problem+json still gives the status's code.
core::Error ErrorFromProblem(int status, std::string_view body);

/// A W3C traceparent for a new span of trace `trace_id` (32 hex digits); "" for another length.
std::string NewSpan(std::string_view trace_id);

/// True when `presented` equals `expected` (compared in constant time; an empty `expected` never matches).
bool TokenMatches(std::string_view presented, std::string_view expected);

}  // namespace vetahut::rpc
