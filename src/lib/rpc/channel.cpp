#include "lib/rpc/channel.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <random>
#include <thread>

#include "lib/http/client.hpp"
#include "lib/http/router.hpp"
#include "lib/log/log.hpp"

namespace vetahut::rpc {
namespace {

core::ErrorCode CodeOfStatus(int status) {
  for (auto code : {core::ErrorCode::kBadRequest, core::ErrorCode::kUnauthenticated, core::ErrorCode::kPaymentRequired,
                    core::ErrorCode::kForbidden, core::ErrorCode::kNotFound, core::ErrorCode::kMethodNotAllowed,
                    core::ErrorCode::kRequestTimeout, core::ErrorCode::kConflict, core::ErrorCode::kPreconditionFailed,
                    core::ErrorCode::kPayloadTooLarge, core::ErrorCode::kUnsupportedMediaType, core::ErrorCode::kValidation,
                    core::ErrorCode::kTooManyRequests, core::ErrorCode::kInternal, core::ErrorCode::kUnavailable}) {
    if (core::HttpStatus(code) == status) return code;
  }
  return status >= 500 ? core::ErrorCode::kUnavailable : core::ErrorCode::kBadRequest;
}

}  // namespace

std::string NewSpan(std::string_view trace_id) {
  if (trace_id.size() != 32) return {};
  thread_local std::mt19937_64 random(std::random_device{}());
  std::uint64_t span = 0;
  while (span == 0) span = random();
  return fmt::format("00-{}-{:016x}-01", trace_id, span);
}

std::vector<std::string> SplitUrls(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '/')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

core::Error ErrorFromProblem(int status, std::string_view body) {
  core::Error error{CodeOfStatus(status), fmt::format("HTTP {}", status), {}};
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  const boost::json::object* o = ec ? nullptr : v.if_object();
  if (!o) return error;
  if (const auto* detail = o->if_contains("detail"); detail && detail->is_string()) {
    error.detail = std::string(detail->get_string());
  } else if (const auto* title = o->if_contains("title"); title && title->is_string()) {
    error.detail = std::string(title->get_string());
  }
  if (const auto* errors = o->if_contains("errors"); errors && errors->is_array()) {
    for (const auto& e : errors->get_array()) {
      const auto* eo = e.if_object();
      if (!eo) continue;
      const auto* field = eo->if_contains("field");
      const auto* message = eo->if_contains("message");
      if (field && field->is_string() && message && message->is_string()) {
        error.fields.push_back({std::string(field->get_string()), std::string(message->get_string())});
      }
    }
  }
  return error;
}

bool TokenMatches(std::string_view presented, std::string_view expected) {
  if (expected.empty() || presented.size() != expected.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    diff |= static_cast<unsigned char>(presented[i] ^ expected[i]);
  }
  return diff == 0;
}

Channel::Channel(ChannelOptions options) : options_(std::move(options)) {
  if (options_.base_urls.empty()) throw std::invalid_argument("the " + options_.service + " client has no URL");
  http::ClientOptions http_options;
  http_options.connect_timeout = options_.connect_timeout;
  http_options.timeout = options_.timeout;
  http_ = std::make_unique<http::HttpClient>(http_options);
}

Channel::~Channel() = default;

core::Result<std::string> Channel::Call(std::string_view method, std::string_view body, Retry retry) {
  std::vector<http::Header> headers{{"Content-Type", "application/json"},
                                    {std::string(kServiceTokenHeader), options_.service_token},
                                    {std::string(kCallerHeader), options_.caller}};
  // The caller's trace goes on, as a new span of it.
  if (std::string traceparent = NewSpan(log::CurrentTraceId()); !traceparent.empty()) headers.push_back({"traceparent", traceparent});
  const int attempts = retry == Retry::kIdempotent ? std::max(1, options_.attempts) : 1;
  std::string last_failure;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
    const std::string& base = options_.base_urls[next_.fetch_add(1, std::memory_order_relaxed) % options_.base_urls.size()];
    const std::string url = fmt::format("{}/internal/v1/{}/{}", base, options_.service, method);
    auto response = http_->Post(url, body, headers);
    if (!response) {
      last_failure = fmt::format("{} is unreachable ({})", base, response.error().detail);
      continue;
    }
    if (response->status == 200) return std::move(response->body);
    if (response->status < 500) return core::Fail(ErrorFromProblem(response->status, response->body));
    last_failure = fmt::format("{} answered {}: {}", base, response->status,
                               ErrorFromProblem(response->status, response->body).detail);
  }
  log::Warn("service call failed", {{"service", options_.service}, {"method", method}, {"error", last_failure}});
  return core::Fail(core::Error::Unavailable(fmt::format("the {} service is unavailable: {}", options_.service, last_failure)));
}

void Expose(http::Router& router, std::string_view service, std::string_view method, Method handler) {
  router.Post(fmt::format("/internal/v1/{}/{}", service, method),
              [handler = std::move(handler)](http::Request& req) -> core::Result<http::Response> {
                auto result = handler(req.body);
                if (!result) return core::Fail(std::move(result.error()));
                return http::Response::Json(std::move(*result));
              },
              {.permission = std::string(kInternalPermission)});
}

}  // namespace vetahut::rpc
