#pragma once
/// Parsing JSON request bodies with size and depth limits.
#include <cstddef>

#include <boost/json/value.hpp>

#include "lib/core/result.hpp"
#include "lib/http/message.hpp"

namespace vetahut::http {

/// Limits for a JSON request body.
struct JsonLimits {
  std::size_t max_bytes = 1 << 20;  ///< larger bodies are rejected with 413
  std::size_t max_depth = 32;       ///< deeper nesting is rejected with 400
};

/// Parses the request body as JSON: 415 if a Content-Type is present and is not application/json
/// (or a +json type); 413 over max_bytes; 400 "malformed JSON at byte N" on syntax errors; 400
/// when nesting exceeds max_depth; 400 for a number beyond the range of a double (1e400); 422
/// naming the field for a control character (NUL, ESC, C1 …; tab and line breaks excepted) in
/// any string or key.
core::Result<boost::json::value> ParseJsonBody(const Request& request, JsonLimits limits = {});

/// `ParseJsonBody`, and 400 "the body must be a JSON object" for any other JSON value.
core::Result<boost::json::object> ParseJsonObject(const Request& request, JsonLimits limits = {});

}  // namespace vetahut::http
