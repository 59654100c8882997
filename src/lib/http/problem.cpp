#include "lib/http/problem.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace vetahut::http {
namespace {

Response Build(int status, std::string_view slug, std::string_view title, std::string_view detail,
               const std::vector<core::FieldError>& fields, const Request& request) {
  boost::json::object body;
  body["type"] = fmt::format("{}{}", kProblemTypeBase, slug);
  body["title"] = title;
  body["status"] = status;
  body["detail"] = detail;
  body["instance"] = request.path;
  body["request_id"] = request.request_id;
  if (!fields.empty()) {
    boost::json::array errors;
    errors.reserve(fields.size());
    for (const auto& f : fields) {
      errors.push_back(boost::json::object{{"field", f.field}, {"message", f.message}});
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
  response.body = boost::json::serialize(body);
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
