#include "lib/http/problem.hpp"
#include "lib/json/write.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace vetahut::http {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), or 0.
std::size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(0);
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return n;
}

// Texts in a problem may quote what the client sent (a path, a parameter): a JSON body must be
// UTF-8, so each byte that does not start a well-formed sequence becomes U+FFFD.
std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t n = Utf8SequenceLength(text);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, n));
      text.remove_prefix(n);
    }
  }
  return out;
}

// `instance` is a URI reference: the path as received, with any byte outside visible ASCII (which
// the HTTP parser lets through in a target) percent-encoded.
std::string InstanceOf(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    if (c > 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

Response Build(int status, std::string_view slug, std::string_view title, std::string_view detail,
               const std::vector<core::FieldError>& fields, const Request& request) {
  boost::json::object body;
  body["type"] = fmt::format("{}{}", kProblemTypeBase, slug);
  body["title"] = title;
  body["status"] = status;
  body["detail"] = ValidUtf8(detail);
  body["instance"] = InstanceOf(request.path);
  body["request_id"] = request.request_id;
  if (!fields.empty()) {
    boost::json::array errors;
    errors.reserve(fields.size());
    for (const auto& f : fields) {
      errors.push_back(
          boost::json::object{{"field", ValidUtf8(f.field)}, {"message", ValidUtf8(f.message)}});
    }
    body["errors"] = std::move(errors);
  }
  Response response;
  response.status = status;
  response.headers.push_back({"Content-Type", "application/problem+json"});
  response.headers.push_back({"X-Request-Id", request.request_id});
  if (status == 405 && !request.allowed_methods.empty()) {
    std::string allow;
    for (Method m : request.allowed_methods) {
      if (!allow.empty()) allow += ", ";
      allow += MethodName(m);
    }
    response.headers.push_back({"Allow", std::move(allow)});
  }
  response.body = json_text::Serialize(body);
  return response;
}

}  // namespace

Response ProblemResponse(const core::Error& error, const Request& request) {
  return Build(core::HttpStatus(error.code), core::Slug(error.code), core::Title(error.code),
               error.detail, error.fields, request);
}

Response ProblemResponse(int status, std::string_view slug, std::string_view title,
                         std::string_view detail, const Request& request) {
  return Build(status, slug, title, detail, {}, request);
}

Response OAuthErrorResponse(int status, std::string_view error, std::string_view description,
                            const Request& request) {
  // RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ).
  std::string safe;
  safe.reserve(description.size());
  for (char c : description) {
    if (c == '"') {
      safe.push_back('\'');
    } else if (c >= 0x20 && c <= 0x7e && c != '\\') {
      safe.push_back(c);
    }
  }
  boost::json::object body;
  body["error"] = error;
  if (!safe.empty()) body["error_description"] = safe;
  body["request_id"] = request.request_id;
  Response response;
  response.status = status;
  response.headers.push_back({"Content-Type", "application/json"});
  response.headers.push_back({"Cache-Control", "no-store"});
  response.headers.push_back({"Pragma", "no-cache"});
  response.headers.push_back({"X-Request-Id", request.request_id});
  response.body = boost::json::serialize(body);
  return response;
}

Response ProblemFromException(std::exception_ptr error, const Request& request,
                              const ExceptionLogger& log) {
  std::string what;
  try {
    std::rethrow_exception(error);
  } catch (const core::ErrorException& e) {
    return ProblemResponse(e.error(), request);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "non-standard exception";
  }
  if (log) {
    log(request, what);
  } else {
    fmt::print(stderr, "unhandled exception in {} {} (request_id={}): {}\n",
               MethodName(request.method), request.path, request.request_id, what);
  }
  return ProblemResponse(core::Error::Internal("An unexpected error occurred."), request);
}

}  // namespace vetahut::http
