#pragma once
/// What the server takes from the bytes of a request before routing — the target, the headers,
/// the request and trace ids, and for errors found before the request was read completely, the
/// path a problem's `instance` names — as pure functions, so tests and fuzzers run exactly the
/// server's code without a socket. No Asio or Beast in here.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "lib/http/message.hpp"

namespace vetahut::http {

/// True for an incoming X-Request-Id the server keeps: 1..128 characters of [A-Za-z0-9._-].
bool IsValidRequestId(std::string_view id);

/// The trace id (32 lowercase hex digits, not all zero) of a valid W3C `traceparent` header,
/// else nullopt.
std::optional<std::string_view> TraceIdFromTraceparent(std::string_view traceparent);

/// Sets `request_id` and `trace_id` from the request's X-Request-Id and traceparent headers when
/// they are valid, else to new random 32-hex ids.
void AssignRequestIds(Request& request);

/// Sets `target`, and `path` and `query` (split at the first '?'), from a raw request target in
/// origin form ("/a/b?x=1"), absolute form ("http://host/a/b?x=1": scheme and authority are
/// dropped) or "*". Anything else is not a request target (RFC 9112 §3.2): returns false and sets
/// "/", and the server answers 400.
bool SetTarget(Request& request, std::string_view target);

/// The path of the request line at the start of `raw` ("GET /a/b?x=1 HTTP/1.1\r\n…" → "/a/b"),
/// when that line is complete and well formed (token, target of visible ASCII, "HTTP/"), else "".
/// For errors answered before the head could be parsed (431), whose `instance` names the path.
std::string_view RequestLinePath(std::string_view raw);

/// How far one request got through the server's parser.
enum class ParseStatus {
  kComplete,        ///< head and body read: the server routes it
  kIncomplete,      ///< the bytes end before the request does (the server waits, then 408)
  kHeaderTooLarge,  ///< 431
  kBodyTooLarge,    ///< 413
  kMalformed,       ///< 400 (also a complete request whose target is not a path, a URL or "*")
};

/// A request as the server has it after parsing (or failing to parse) its bytes.
struct ParsedRequest {
  ParseStatus status = ParseStatus::kIncomplete;
  /// Filled as for routing when complete; otherwise as for the error answer: whatever the parser
  /// got, and `path` is never empty (the request line's path, else "/").
  Request request;
  std::string unknown_method;  ///< the method name when it is not one the platform routes
  std::size_t consumed = 0;    ///< bytes of `bytes` that belong to this request (when complete)
  bool keep_alive = false;     ///< when complete: the connection may carry another request
};

/// Parses one HTTP/1.x request at the start of `bytes` with the server's parser and limits, and
/// fills the Request the way the server does. The server runs the same steps on its socket.
ParsedRequest ParseRequest(std::string_view bytes, std::size_t header_limit,
                           std::size_t body_limit);

}  // namespace vetahut::http
