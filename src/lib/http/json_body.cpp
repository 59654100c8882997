#include "lib/http/json_body.hpp"

#include <boost/json/error.hpp>
#include <boost/json/stream_parser.hpp>
#include <fmt/format.h>

namespace vetahut::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsJsonMediaType(std::string_view content_type) {
  std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  if (EqualsIgnoreCase(media, "application/json")) return true;
  std::size_t slash = media.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view subtype = media.substr(slash + 1);
  return subtype.size() > 5 && EqualsIgnoreCase(subtype.substr(subtype.size() - 5), "+json");
}

}  // namespace

core::Result<boost::json::value> ParseJsonBody(const Request& request, JsonLimits limits) {
  if (auto type = request.Header("Content-Type"); type && !IsJsonMediaType(*type)) {
    return core::Fail({core::ErrorCode::kUnsupportedMediaType,
                       fmt::format("Content-Type must be application/json, got '{}'.", *type),
                       {}});
  }
  if (request.body.size() > limits.max_bytes) {
    return core::Fail({core::ErrorCode::kPayloadTooLarge,
                       fmt::format("JSON body is {} bytes; the limit is {}.", request.body.size(),
                                   limits.max_bytes),
                       {}});
  }
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  boost::json::stream_parser parser({}, options);
  boost::json::error_code ec;
  std::size_t consumed = parser.write_some(request.body.data(), request.body.size(), ec);
  if (!ec && consumed < request.body.size()) {
    ec = boost::json::error::extra_data;
  }
  if (!ec) parser.finish(ec);
  if (ec == boost::json::error::too_deep) {
    return core::Fail(core::Error::BadRequest(
        fmt::format("JSON nesting exceeds the maximum depth of {}.", limits.max_depth)));
  }
  if (ec) {
    return core::Fail(core::Error::BadRequest(
        fmt::format("malformed JSON at byte {}: {}", consumed, ec.message())));
  }
  return parser.release();
}

core::Result<boost::json::object> ParseJsonObject(const Request& request, JsonLimits limits) {
  auto body = ParseJsonBody(request, limits);
  if (!body) return core::Fail(body.error());
  if (!body->is_object()) return core::Fail(core::Error::BadRequest("the body must be a JSON object"));
  return std::move(body->as_object());
}

}  // namespace vetahut::http
