// The bytes a client sends, as the server reads them: Beast's request parser with the server's
// limits, then our code — target split, headers, X-Request-Id and traceparent, the early-error
// fallback (http::ParseRequest, the same code Session runs), the router's match, and the
// problem+json an error would carry. Several pipelined requests are read one after another.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>

#include "fuzz_check.hpp"
#include "lib/http/problem.hpp"
#include "lib/http/request_head.hpp"
#include "lib/http/router.hpp"

namespace {

using namespace vetahut;

// Small limits so the fuzzer reaches 413 and 431 with inputs of a few KiB.
constexpr std::size_t kHeaderLimit = 2048;
constexpr std::size_t kBodyLimit = 4096;

bool IsLowerHex32(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Patterns shaped like the platform's: literals, parameters, the same prefixes.
const http::Router& Routes() {
  static const http::Router router = [] {
    http::Router r;
    auto ok = [](http::Request&) -> core::Result<http::Response> {
      return http::Response::NoContent();
    };
    r.Get("/", ok);
    r.Get("/readyz", ok);
    r.Get("/api/v1/stores", ok);
    r.Post("/api/v1/stores", ok);
    r.Get("/api/v1/stores/{store_id}", ok);
    r.Get("/api/v1/stores/{store_id}/menu", ok);
    r.Put("/api/v1/stores/{store_id}/hours", ok);
    r.Get("/api/v1/orders/{order_id}/events", ok);
    r.Post("/api/v1/orders/{order_id}/status", ok);
    r.Post("/api/v1/auth/token", ok);
    r.Delete("/api/v1/me/addresses/{address_id}", ok);
    r.Post("/api/v1/payments/webhooks/{provider}", ok);
    return r;
  }();
  return router;
}

void CheckRequest(const http::ParsedRequest& parsed) {
  const http::Request& r = parsed.request;
  FUZZ_CHECK(!r.path.empty(), "every request names a path (a problem's instance is never empty)");
  FUZZ_CHECK(http::IsValidRequestId(r.request_id),
             "the request id is one the server would accept back");
  FUZZ_CHECK(IsLowerHex32(r.trace_id), "the trace id is 32 lowercase hex digits");
  if (parsed.status == http::ParseStatus::kComplete) {
    const std::string rebuilt = r.path + (r.target.size() > r.path.size() ? "?" + r.query : "");
    FUZZ_CHECK(rebuilt == r.target, "path and query split the target at the first '?'");
    FUZZ_CHECK(r.body.size() <= kBodyLimit, "a complete body is within the limit");
    FUZZ_CHECK(parsed.unknown_method.empty() || r.method == http::Method::kGet,
               "an unknown method routes as GET");
  }

  // What routing and an error answer do with it.
  http::Request routed = r;
  auto match = Routes().Find(routed.method, routed.path);
  for (const auto& [name, value] : match.params) FUZZ_CHECK(!name.empty(), "parameters have names");
  (void)routed.Query("limit");
  (void)routed.Query("cursor");
  (void)routed.Header("content-type");
  auto dispatched = Routes().Dispatch(routed);
  http::Response problem = dispatched
                               ? http::ProblemResponse(core::Error::BadRequest("fuzz"), routed)
                               : http::ProblemResponse(dispatched.error(), routed);
  boost::json::error_code ec;
  auto body = boost::json::parse(problem.body, ec);
  FUZZ_CHECK(!ec, "a problem body is valid JSON (UTF-8), whatever the path");
  FUZZ_CHECK(body.is_object() && body.as_object().contains("instance"),
             "a problem body has an instance");
  FUZZ_CHECK(!body.as_object().at("instance").as_string().empty(), "the instance is never empty");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 4; ++i) {  // a pipeline: the next request starts where this one ended
    http::ParsedRequest parsed = http::ParseRequest(bytes, kHeaderLimit, kBodyLimit);
    CheckRequest(parsed);
    if (parsed.status != http::ParseStatus::kComplete || !parsed.keep_alive) break;
    FUZZ_CHECK(parsed.consumed > 0 && parsed.consumed <= bytes.size(),
               "a complete request consumed its bytes");
    bytes.remove_prefix(parsed.consumed);
    if (bytes.empty()) break;
  }
  return 0;
}
