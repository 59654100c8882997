#include "lib/http/json_body.hpp"

#include <cmath>

#include <boost/json/error.hpp>
#include <boost/json/stream_parser.hpp>
#include <fmt/format.h>

#include "lib/core/text_rules.hpp"

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

// Boost.JSON reads a number beyond the range of a double (1e400) as ±infinity, which it then
// writes back as `Infinity` — not JSON. Such a number is refused like a syntax error, so nothing
// downstream stores or echoes a value that cannot be written back.
bool HasNonFiniteNumber(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_: return !std::isfinite(v.get_double());
    case boost::json::kind::array:
      for (const auto& item : v.get_array()) {
        if (HasNonFiniteNumber(item)) return true;
      }
      return false;
    case boost::json::kind::object:
      for (const auto& [key, item] : v.get_object()) {
        if (HasNonFiniteNumber(item)) return true;
      }
      return false;
    default: return false;
  }
}

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// No text from outside carries NUL, escape sequences or other control characters, in any field of
// any body (the parser has already refused invalid UTF-8). Tabs and line breaks pass here; fields
// that must be one line refuse them with core::CleanText.
void FindControlCharacters(const boost::json::value& v, const std::string& path, core::FieldErrors& errors) {
  if (errors.list().size() >= 10) return;
  switch (v.kind()) {
    case boost::json::kind::string:
      if (auto c = core::FindControlCharacter(v.get_string(), /*multiline=*/true)) {
        errors.Add(path.empty() ? "body" : path,
                   fmt::format("must not contain control characters (U+{:04X})", std::uint32_t(*c)));
      }
      break;
    case boost::json::kind::array: {
      const auto& array = v.get_array();
      for (std::size_t i = 0; i < array.size(); ++i) FindControlCharacters(array[i], fmt::format("{}[{}]", path, i), errors);
      break;
    }
    case boost::json::kind::object:
      for (const auto& [key, item] : v.get_object()) {
        if (auto c = core::FindControlCharacter(key, /*multiline=*/false)) {
          // The key itself is not echoed: it is the part that holds the control character.
          errors.Add(path.empty() ? "body" : path,
                     fmt::format("has a key with control characters (U+{:04X})", std::uint32_t(*c)));
          continue;
        }
        FindControlCharacters(item, Join(path, key), errors);
      }
      break;
    default: break;
  }
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
  boost::json::value value = parser.release();
  if (HasNonFiniteNumber(value)) {
    return core::Fail(core::Error::BadRequest("a JSON number is out of range (beyond a double)"));
  }
  core::FieldErrors controls;
  FindControlCharacters(value, "", controls);
  if (!controls.empty()) return core::Fail(controls.ToError());
  return value;
}

core::Result<boost::json::object> ParseJsonObject(const Request& request, JsonLimits limits) {
  auto body = ParseJsonBody(request, limits);
  if (!body) return core::Fail(body.error());
  if (!body->is_object()) return core::Fail(core::Error::BadRequest("the body must be a JSON object"));
  return std::move(body->as_object());
}

}  // namespace vetahut::http
