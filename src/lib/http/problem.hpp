#pragma once
/// RFC 9457 problem+json: the single place that turns errors into HTTP responses.
#include <exception>
#include <functional>
#include <string_view>

#include "lib/core/error.hpp"
#include "lib/http/message.hpp"

namespace vetahut::http {

/// Base URI of problem `type`s; the code's slug is appended.
inline constexpr std::string_view kProblemTypeBase = "https://vetahut.dev/problems/";

/// application/problem+json for an Error: type, title, status, detail, instance (request path),
/// request_id and, when present, errors [{field, message}]. Sets X-Request-Id, and `Allow` on a
/// 405 whose request carries allowed methods. The body is always valid UTF-8 JSON: texts that
/// quote the client are repaired (U+FFFD), and bytes of the path outside visible ASCII are
/// percent-encoded in `instance`.
Response ProblemResponse(const core::Error& error, const Request& request);

/// The same shape for a status that has no ErrorCode (e.g. 431).
Response ProblemResponse(int status, std::string_view slug, std::string_view title,
                         std::string_view detail, const Request& request);

/// An OAuth 2.0 error (RFC 6749 §5.2), the one deliberate exception to problem+json: what token
/// endpoints answer, because OAuth client libraries read only this shape. `status` is 400 (401
/// for invalid_client, 429 for throttling); body {"error", "error_description", "request_id"}
/// with the description reduced to the characters RFC 6749 allows (printable ASCII; a double
/// quote becomes a single one, a backslash is dropped); Content-Type application/json,
/// Cache-Control no-store, Pragma no-cache, X-Request-Id.
Response OAuthErrorResponse(int status, std::string_view error, std::string_view description,
                            const Request& request);

/// Receives unexpected exceptions (what() text) for logging; never shown to clients.
using ExceptionLogger = std::function<void(const Request& request, std::string_view what)>;

/// core::ErrorException -> its Error; anything else -> 500 with a generic detail (the message is
/// passed to `log` if given, else written to stderr — never to the client).
Response ProblemFromException(std::exception_ptr error, const Request& request,
                              const ExceptionLogger& log = {});

}  // namespace vetahut::http
