#include "app/gateway.hpp"

#include <fmt/format.h>

#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <mutex>
#include <set>

#include "app/platform.hpp"
#include "lib/config/config.hpp"
#include "lib/http/client.hpp"
#include "lib/http/router.hpp"
#include "lib/http/stream_relay.hpp"
#include "lib/json/write.hpp"
#include "lib/log/log.hpp"
#include "lib/metrics/registry.hpp"
#include "lib/rpc/channel.hpp"

namespace vetahut::app {
namespace {

constexpr const char* kServices[] = {"location", "customer", "menu",        "payment",  "kitchen",
                                     "order",    "notification", "integration", "analytics"};

/// Routes each process answers for itself, never forwarded.
bool ProcessOwnRoute(std::string_view pattern) {
  return pattern.starts_with("/internal/") || pattern == "/healthz" || pattern == "/readyz" || pattern == "/metrics" ||
         pattern == "/api/openapi.json" || pattern.starts_with("/api/v1/admin/dead-letters") || pattern == "/bench/fixture.json" ||
         pattern == "/api/v1/home";  // the gateway answers it itself, from its upstreams
}

bool OneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (http::EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

/// Request headers that describe one hop, or that only the gateway may set.
bool DropRequestHeader(std::string_view name) {
  return OneOf(name, {"host", "connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer",
                      "transfer-encoding", "upgrade", "content-length", "expect", "x-forwarded-for", "x-forwarded-proto",
                      "x-forwarded-host", "x-request-id", "traceparent", "tracestate"}) ||
         OneOf(name, {rpc::kServiceTokenHeader, rpc::kCallerHeader});
}

/// Response headers that describe one hop, or that our server writes itself.
bool DropResponseHeader(std::string_view name) {
  return OneOf(name, {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date", "x-request-id"});
}

}  // namespace

std::vector<ServiceRoute> PublicRoutesOf(const config::Config& config, const std::vector<std::string>& services) {
  std::vector<ServiceRoute> out;
  for (const auto& service : services) {
    config::Config scratch = config;
    scratch.target = service;
    scratch.db.url = "sqlite::memory:";
    scratch.db.pool_size = 1;
    scratch.bus.url = "inproc:";
    scratch.demo = false;
    scratch.bench_fixture.clear();
    for (const char* other : kServices) {
      if (std::string* url = scratch.clients.UrlOf(other); url->empty()) *url = "http://127.0.0.1:1";
    }
    if (scratch.auth.jwks_url.empty()) scratch.auth.jwks_url = "http://127.0.0.1:1/.well-known/jwks.json";
    Platform platform(scratch);
    platform.Build();
    for (const auto& r : platform.Routes()) {
      if (ProcessOwnRoute(r.pattern)) continue;
      auto method = http::ParseMethod(r.method);
      if (!method) continue;
      out.push_back({*method, r.pattern, r.permission, service});
    }
  }
  return out;
}

/// One replica of a service.
struct Replica {
  std::string base;
  std::atomic<bool> healthy{true};
  int failed_probes = 0;  ///< in a row (the health task's thread only)
  metrics::Gauge* gauge = nullptr;
};

/// A service's replicas, picked round-robin among the healthy ones.
struct Pool {
  std::string service;
  std::vector<std::unique_ptr<Replica>> replicas;
  std::atomic<std::size_t> next{0};
  metrics::Counter* failures = nullptr;

  Replica* Pick() {
    const std::size_t n = replicas.size();
    const std::size_t start = next.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t i = 0; i < n; ++i) {
      Replica* r = replicas[(start + i) % n].get();
      if (r->healthy.load(std::memory_order_relaxed)) return r;
    }
    return nullptr;
  }
  void MarkDown(Replica& r, std::string_view why) {
    failures->Inc();
    if (r.healthy.exchange(false)) {
      r.gauge->Set(0);
      log::Warn("upstream down", {{"service", service}, {"replica", r.base}, {"error", why}});
    }
  }
};

class Gateway::Impl {
 public:
  Impl(const config::Config& config, metrics::Registry& metrics) : trust_forwarded_(config.ratelimit.trust_forwarded_for) {
    http::ClientOptions options;
    options.connect_timeout = std::chrono::milliseconds(500);
    options.timeout = std::chrono::seconds(60);
    options.max_body = 64 << 20;
    http_ = std::make_unique<http::HttpClient>(options);
    http::ClientOptions probe_options;
    probe_options.connect_timeout = std::chrono::milliseconds(300);
    probe_options.timeout = std::chrono::milliseconds(1000);
    probe_ = std::make_unique<http::HttpClient>(probe_options);
    auto& healthy = metrics.AddGauge("gateway_upstream_healthy", "1 when the replica answers its /readyz, else 0.",
                                     {"service", "replica"});
    auto& failures = metrics.AddCounter("gateway_upstream_failures_total",
                                        "Requests a replica did not answer (refused, reset, timed out) or answered 502–504.",
                                        {"service"});
    for (const char* service : kServices) {
      const std::string* urls = config.clients.UrlOf(service);
      if (urls->empty()) continue;
      auto pool = std::make_unique<Pool>();
      pool->service = service;
      pool->failures = &failures.WithLabels({service});
      for (auto& base : rpc::SplitUrls(*urls)) {
        auto r = std::make_unique<Replica>();
        r->base = base;
        r->gauge = &healthy.WithLabels({service, base});
        r->gauge->Set(1);
        pool->replicas.push_back(std::move(r));
      }
      pools_.emplace(service, std::move(pool));
    }
  }

  std::vector<std::string> Services() const {
    std::vector<std::string> out;
    for (const auto& [name, pool] : pools_) out.push_back(name);
    return out;
  }

  core::Result<http::Response> Send(const std::string& service, http::Method method, const std::string& target,
                                    const http::Request& req, std::string_view body, bool stream_route = false) {
    auto it = pools_.find(service);
    if (it == pools_.end()) return core::Fail(core::Error::Unavailable(fmt::format("the {} service is not configured", service)));
    Pool& pool = *it->second;
    std::vector<http::Header> headers;
    headers.reserve(req.headers.size() + 4);
    std::string forwarded_for;
    for (const auto& h : req.headers) {
      if (http::EqualsIgnoreCase(h.name, "x-forwarded-for") && trust_forwarded_) forwarded_for = h.value;
      if (!DropRequestHeader(h.name)) headers.push_back(h);
    }
    // The client's address last: what a service behind us takes as the client (decision 0040).
    forwarded_for = forwarded_for.empty() ? req.remote_address : forwarded_for + ", " + req.remote_address;
    headers.push_back({"X-Forwarded-For", forwarded_for});
    headers.push_back({"X-Forwarded-Proto", std::string(trust_forwarded_ ? req.Header("x-forwarded-proto").value_or("http") : "http")});
    headers.push_back({"X-Request-Id", req.request_id});
    if (std::string traceparent = rpc::NewSpan(req.trace_id); !traceparent.empty()) headers.push_back({"traceparent", traceparent});

    // A stream route, or a client asking for a stream: relayed as it comes, never waited for whole.
    const bool stream = method == http::Method::kGet &&
                        (stream_route || req.Header("accept").value_or("").find("text/event-stream") != std::string_view::npos);
    // A request the service may see twice without harm is tried on the next replica.
    const bool repeatable = method == http::Method::kGet || method == http::Method::kHead || method == http::Method::kPut ||
                            method == http::Method::kDelete || req.Header("idempotency-key").has_value();
    const std::size_t attempts = repeatable ? std::min<std::size_t>(3, pool.replicas.size()) : 1;
    std::string failure;
    for (std::size_t attempt = 0; attempt < attempts; ++attempt) {
      Replica* replica = pool.Pick();
      if (!replica) break;
      const std::string url = replica->base + target;
      if (stream) {
        auto opened = relay_.Open(url, headers);
        if (!opened) {
          pool.MarkDown(*replica, opened.error().detail);
          failure = opened.error().detail;
          continue;
        }
        std::erase_if(opened->headers, [](const http::Header& h) { return DropResponseHeader(h.name); });
        return opened;
      }
      auto answer = http_->Send(method, url, headers, body);
      if (!answer) {
        pool.MarkDown(*replica, answer.error().detail);
        failure = answer.error().detail;
        continue;
      }
      http::Response response;
      response.status = answer->status;
      for (auto& h : answer->headers) {
        if (!DropResponseHeader(h.name)) response.headers.push_back(std::move(h));
      }
      response.body = std::move(answer->body);
      return response;
    }
    if (failure.empty()) {
      return core::Fail(core::Error::Unavailable(fmt::format("the {} service is unavailable: no replica is healthy", service)));
    }
    return core::Fail(core::Error::Unavailable(fmt::format(
        "the {} service did not answer{}", service,
        repeatable ? "" : "; the request may have been carried out — send it again with the same Idempotency-Key")));
  }

  void CloseStreams() { relay_.CloseAll(); }

  void CheckHealth() {
    // Every 250 ms: a replica that is down is asked again at once (one that came back takes
    // requests within a quarter second); one that is up, every 2 s.
    const bool all = round_++ % 8 == 0;
    for (auto& [service, pool] : pools_) {
      for (auto& r : pool->replicas) {
        if (!all && r->healthy.load()) continue;
        auto answer = probe_->Get(r->base + "/readyz");
        // Down after two failed probes in a row: one slow answer on a busy machine is not an outage
        // (a refused connection on a request marks it down at once, in MarkDown).
        r->failed_probes = answer && answer->status == 200 ? 0 : r->failed_probes + 1;
        const bool ok = r->failed_probes == 0 || (r->failed_probes < 2 && r->healthy.load());
        if (ok != r->healthy.exchange(ok)) {
          r->gauge->Set(ok ? 1 : 0);
          if (ok) {
            log::Info("upstream up", {{"service", service}, {"replica", r->base}});
          } else {
            log::Warn("upstream down", {{"service", service}, {"replica", r->base},
                                        {"error", answer ? fmt::format("/readyz answered {}", answer->status) : answer.error().detail}});
          }
        }
      }
    }
  }

  void AddRoute(http::Method method, const std::string& pattern, const std::string& service) {
    routes_.Add(method, pattern, [](http::Request&) -> core::Result<http::Response> { return http::Response::NoContent(); });
    route_service_[{method, pattern}] = service;
  }
  std::string ServiceOf(http::Method method, const std::string& path) const {
    auto match = routes_.Find(method, path);
    if (!match.route) return {};
    auto it = route_service_.find({match.route->method, match.route->pattern});
    return it == route_service_.end() ? std::string() : it->second;
  }

 private:
  bool trust_forwarded_;
  std::uint64_t round_ = 0;  ///< health rounds (one task thread)
  std::map<std::string, std::unique_ptr<Pool>> pools_;
  std::unique_ptr<http::HttpClient> http_, probe_;
  http::Router routes_;  ///< the forwarded routes, to find a path's service
  std::map<std::pair<http::Method, std::string>, std::string> route_service_;
  http::StreamRelay relay_;
};

Gateway::Gateway(const config::Config& config, metrics::Registry& metrics) : impl_(std::make_unique<Impl>(config, metrics)) {}
Gateway::~Gateway() = default;

void Gateway::Register(http::Router& router, const std::vector<ServiceRoute>& routes) {
  std::set<std::pair<http::Method, std::string>> seen;
  for (const auto& r : routes) {
    if (!seen.insert({r.method, r.pattern}).second) {
      log::Warn("route served by two services; the first is used", {{"pattern", r.pattern}, {"service", r.service}});
      continue;
    }
    impl_->AddRoute(r.method, r.pattern, r.service);
    // The live routes (kitchen and notification streams, order tracking) end in /stream or /events.
    const bool stream_route = r.method == http::Method::kGet && (r.pattern.ends_with("/stream") || r.pattern.ends_with("/events"));
    router.Add(r.method, r.pattern,
               [this, service = r.service, stream_route](http::Request& req) {
                 return impl_->Send(service, req.method, req.target, req, req.body, stream_route);
               },
               {.permission = r.permission});
  }
}

core::Result<http::Response> Gateway::Forward(const std::string& service, const http::Request& request) {
  return impl_->Send(service, request.method, request.target, request, request.body);
}

core::Result<http::Response> Gateway::Fetch(const std::string& service, http::Method method, const std::string& target,
                                            const http::Request& original) {
  return impl_->Send(service, method, target, original, {});
}

void Gateway::CheckHealth() { impl_->CheckHealth(); }
void Gateway::CloseStreams() { impl_->CloseStreams(); }

std::string Gateway::ServiceOf(http::Method method, const std::string& path) const { return impl_->ServiceOf(method, path); }

// --- the first screen --------------------------------------------------------------------------

namespace {

core::Result<double> Coordinate(const http::Request& req, const char* name, double limit) {
  auto text = req.Query(name);
  if (!text) return core::Fail(core::Error::Validation({{name, "is required"}}));
  double value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || !(value >= -limit && value <= limit)) {
    return core::Fail(core::Error::Validation({{name, fmt::format("must be a number from -{0} to {0}", limit)}}));
  }
  return value;
}

/// An answer from another route, as this route's (its problem+json passes through unchanged).
http::Response PassThrough(http::Response answer) {
  std::erase_if(answer.headers, [](const http::Header& h) { return !http::EqualsIgnoreCase(h.name, "content-type"); });
  return answer;
}

}  // namespace

void RegisterHome(http::Router& router, Fetch fetch) {
  router.Get("/api/v1/home", [fetch = std::move(fetch)](http::Request& req) -> core::Result<http::Response> {
    auto lat = Coordinate(req, "lat", 90);
    auto lon = Coordinate(req, "lon", 180);
    if (!lat || !lon) {
      core::FieldErrors errors;
      if (!lat) errors.Add(lat.error().fields.front().field, lat.error().fields.front().message);
      if (!lon) errors.Add(lon.error().fields.front().field, lon.error().fields.front().message);
      return core::Fail(errors.ToError());
    }
    auto stores = fetch(http::Method::kGet, fmt::format("/api/v1/stores?lat={}&lon={}&limit=1", *lat, *lon), req);
    if (!stores) return core::Fail(std::move(stores.error()));
    if (stores->status != 200) return PassThrough(std::move(*stores));
    boost::json::error_code ec;
    boost::json::value list = boost::json::parse(stores->BodyView(), ec);
    const boost::json::array* items = nullptr;
    if (!ec && list.is_object()) {
      if (auto* i = list.get_object().if_contains("items"); i && i->is_array()) items = &i->get_array();
    }
    if (!items) return core::Fail(core::Error::Unavailable("the store list is unreadable"));
    boost::json::object home;
    if (items->empty() || !items->front().is_object()) {
      home["store"] = nullptr;
      home["status"] = nullptr;
      home["menu"] = nullptr;
      return http::Response::Json(json_text::Serialize(home));
    }
    const boost::json::object& store = items->front().get_object();
    const std::string id = store.contains("id") && store.at("id").is_string() ? std::string(store.at("id").get_string()) : "";
    boost::json::object status;
    for (const char* key : {"accepting_orders", "pause", "open_now", "closes_at", "next_open_at"}) {
      status[key] = store.contains(key) ? store.at(key) : boost::json::value(nullptr);
    }
    home["store"] = store;
    home["status"] = std::move(status);
    auto menu = fetch(http::Method::kHead, fmt::format("/api/v1/stores/{}/menu", id), req);
    if (menu && menu->status == 200 && menu->FindHeader("etag")) {
      home["menu"] = boost::json::object{{"href", fmt::format("/api/v1/stores/{}/menu", id)},
                                         {"etag", std::string(*menu->FindHeader("etag"))}};
    } else {
      // The store has no menu to show yet (or the menu service is away): the app shows the store.
      home["menu"] = nullptr;
    }
    http::Response r = http::Response::Json(json_text::Serialize(home));
    r.SetHeader("Cache-Control", "no-store");
    return r;
  }, {.permission = "public"});
}

}  // namespace vetahut::app
