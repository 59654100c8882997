#include "app/platform.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <fstream>

#include "lib/bus/event_bus.hpp"
#include "lib/bus/outbox.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "lib/http/problem.hpp"
#include "lib/http/router.hpp"
#include "lib/http/server.hpp"
#include "lib/log/log.hpp"
#include "lib/metrics/http_metrics.hpp"
#include "lib/metrics/registry.hpp"
#include "services/location/api.hpp"
#include "services/location/location_service.hpp"

namespace vetahut::app {
namespace {

std::vector<db::Migration> AllModuleMigrations() {
  std::vector<db::Migration> all = bus::BusMigrations();
  for (auto& m : location::AllMigrations()) all.push_back(std::move(m));
  return all;
}

std::unique_ptr<db::Database> OpenDatabase(const config::Config& config) {
  std::string url = config.db.url;
  // A relative SQLite path lives under the data directory unless it already names it.
  if (url.starts_with("sqlite:") && url != "sqlite::memory:") {
    std::filesystem::path path(url.substr(7));
    std::filesystem::create_directories(path.has_parent_path() ? path.parent_path() : ".");
  }
  db::DatabaseOptions options;
  options.pool_size = static_cast<std::size_t>(config.db.pool_size);
  return db::Database::Open(url, options);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// Until the identity service lands, routes that declare a permission need the bootstrap admin
/// token (docs/decisions/0007-bootstrap-admin-token.md). The check is one place, so wiring real
/// tokens in later changes nothing else.
std::string LoadOrCreateAdminToken(const std::string& configured, const std::string& data_dir) {
  if (!configured.empty()) return configured;
  const std::filesystem::path path = std::filesystem::path(data_dir) / "admin-token";
  std::filesystem::create_directories(data_dir);
  if (std::filesystem::exists(path)) {
    std::ifstream in(path);
    std::string token;
    std::getline(in, token);
    if (token.size() >= 32) return token;
  }
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  std::ofstream(path) << hex << "\n";
  ::chmod(path.c_str(), 0600);
  return hex;
}

/// Runs a task every `period` on its own thread until destroyed; a failing round is logged.
class Ticker {
 public:
  Ticker(std::chrono::milliseconds period, std::function<void()> task) : thread_([this, period, task] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
      lock.unlock();
      try {
        task();
      } catch (const std::exception& e) {
        log::Warn("periodic task failed", {{"error", e.what()}});
      }
      lock.lock();
    }
  }) {}
  ~Ticker() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

std::vector<std::string> RunMigrations(const config::Config& config) {
  auto database = OpenDatabase(config);
  return db::Migrate(*database, AllModuleMigrations()).applied;
}

struct Platform::Parts {
  config::Config config;
  std::unique_ptr<db::Database> database;
  std::unique_ptr<bus::EventBus> bus;
  std::vector<std::unique_ptr<bus::OutboxRelay>> relays;
  core::IdGenerator ids{core::SystemClock::Instance()};
  metrics::Registry registry;
  std::unique_ptr<metrics::HttpMetrics> http_metrics;
  std::unique_ptr<location::LocationService> location;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::string admin_token;
  std::unique_ptr<Ticker> ticker;
};

Platform::Platform(config::Config config) : parts_(std::make_unique<Parts>()) {
  parts_->config = std::move(config);
}

Platform::~Platform() { Stop(); }

void Platform::Start() {
  auto& p = *parts_;
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  p.database = OpenDatabase(p.config);
  auto applied = db::Migrate(*p.database, AllModuleMigrations()).applied;
  for (const auto& name : applied) log::Info("migration applied", {{"migration", name}});

  p.bus = bus::OpenBus(p.config.bus.url, p.database.get());
  bus::RelayOptions relay_options;
  relay_options.idle_interval = p.config.bus.relay_interval;
  p.relays.push_back(std::make_unique<bus::OutboxRelay>(*p.database, *p.bus, "location", relay_options));
  bus::OutboxRelay* location_relay = p.relays.back().get();

  p.location = std::make_unique<location::LocationService>(*p.database, core::SystemClock::Instance(), p.ids,
                                                           [location_relay] { location_relay->Notify(); });
  p.location->Refresh();
  if (p.config.demo) {
    const int added = p.location->LoadDemoData();
    if (added > 0) log::Info("demo data loaded", {{"stores", added}});
  }
  p.admin_token = LoadOrCreateAdminToken(p.config.admin_token, p.config.data_dir);

  // Metrics.
  p.http_metrics = std::make_unique<metrics::HttpMetrics>(p.registry);
  auto& outbox_pending = p.registry.AddGauge("outbox_pending_events", "Events committed but not yet published.", {"module"});
  auto& outbox_lag = p.registry.AddGauge("outbox_lag_seconds", "Age of the oldest unpublished event.", {"module"});
  auto& up = p.registry.AddGauge("vetahut_build_info", "Build information; always 1.", {"version", "target"});
  up.WithLabels({VETAHUT_VERSION, p.config.target}).Set(1);
  p.registry.OnCollect([&p, &outbox_pending, &outbox_lag] {
    for (const auto& relay : p.relays) {
      try {
        outbox_pending.WithLabels({"location"}).Set(double(relay->Pending()));
        outbox_lag.WithLabels({"location"}).Set(relay->OldestPendingAgeSeconds());
      } catch (const std::exception& e) {
        log::Warn("outbox metrics unavailable", {{"error", e.what()}});
      }
    }
  });

  // Routes. Authentication first: a route's declared permission is checked before its handler.
  p.router.Use([&p](http::Request& req, const http::Next& next) -> core::Result<http::Response> {
    if (req.route && !req.route->permission.empty()) {
      auto header = req.Header("authorization");
      if (!header || !header->starts_with("Bearer ")) {
        return core::Fail(core::Error::Unauthenticated("this endpoint needs a bearer token"));
      }
      if (!ConstantTimeEquals(header->substr(7), p.admin_token)) {
        return core::Fail(core::Error::Unauthenticated("the bearer token is not valid"));
      }
    }
    log::Context context(req.request_id, req.trace_id);
    return next(req);
  });
  p.router.Get("/healthz", [](http::Request&) -> core::Result<http::Response> {
    return http::Response::Json(R"({"status":"ok"})");
  }, {.non_blocking = true});
  p.router.Get("/readyz", [&p](http::Request&) -> core::Result<http::Response> {
    if (!p.database->Ping()) return core::Fail(core::Error::Unavailable("the database is not reachable"));
    return http::Response::Json(R"({"status":"ready","checks":{"database":"ok"}})");
  });
  p.router.Get("/metrics", [&p](http::Request&) -> core::Result<http::Response> {
    return http::Response::Text(p.registry.Expose(), std::string(metrics::kExpositionContentType));
  });
  location::RegisterRoutes(p.router, *p.location);
  if (!p.config.bench_fixture.empty()) {
    std::ifstream in(p.config.bench_fixture, std::ios::binary);
    if (!in) throw std::runtime_error("app.bench_fixture: cannot read " + p.config.bench_fixture);
    auto bytes = std::make_shared<const std::string>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    p.router.Get("/bench/fixture.json", [bytes](http::Request&) -> core::Result<http::Response> {
      return http::Response::Json(*bytes);
    }, {.non_blocking = true});
  }

  http::ServerOptions options;
  options.host = p.config.server.host;
  options.port = p.config.server.port;
  options.io_threads = p.config.server.io_threads;
  options.worker_threads = p.config.server.worker_threads;
  options.worker_queue_limit = static_cast<std::size_t>(p.config.server.worker_queue_limit);
  options.header_limit = static_cast<std::size_t>(p.config.server.header_limit_bytes);
  options.body_limit = static_cast<std::size_t>(p.config.server.body_limit_bytes);
  options.read_timeout = p.config.server.read_timeout;
  options.write_timeout = p.config.server.write_timeout;
  options.idle_timeout = p.config.server.idle_timeout;
  options.drain_timeout = p.config.server.drain_timeout;
  p.server = std::make_unique<http::Server>(options, p.router);
  p.server->SetObserver([&p](const http::CompletedRequest& done) {
    p.http_metrics->Record(done.method, done.route, done.status, done.duration);
    if (done.status >= 500) {
      log::Context context(done.request ? done.request->request_id : "", done.request ? done.request->trace_id : "");
      log::Error("request failed", {{"method", done.method}, {"route", done.route}, {"status", done.status}});
    }
  });
  p.server->SetExceptionLogger([](const http::Request& req, std::string_view what) {
    log::Context context(req.request_id, req.trace_id);
    log::Error("handler threw", {{"path", req.path}, {"error", what}});
  });
  for (auto& relay : p.relays) relay->Start();
  p.ticker = std::make_unique<Ticker>(std::chrono::seconds(5), [&p] {
    // Busy-mode pauses with a resume time end here; other replicas' writes show up on reload.
    if (int resumed = p.location->ResumeDue(); resumed > 0) log::Info("stores resumed", {{"count", resumed}});
    p.location->RefreshIfChanged();
  });
  p.server->Start();
  log::Info("listening", {{"url", url()}, {"target", p.config.target}, {"db", p.database->engine() == db::Engine::kSqlite ? "sqlite" : "postgres"}});
}

std::string Platform::url() const {
  const auto& host = parts_->config.server.host;
  const bool v6 = host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", host, v6 ? "]" : "", parts_->server ? parts_->server->port() : 0);
}

void Platform::RunUntilSignal() {
  parts_->server->RunUntilSignal();
  log::Info("shutting down");
  Stop();
}

void Platform::Stop() {
  auto& p = *parts_;
  if (p.server) p.server->Stop();
  p.ticker.reset();
  for (auto& relay : p.relays) relay->Stop();
}

}  // namespace vetahut::app
