#include "app/platform.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/json.hpp>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "lib/auth/caller.hpp"
#include "lib/auth/policy.hpp"
#include "lib/auth/verifier.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/bus/outbox.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "lib/http/page.hpp"
#include "lib/http/problem.hpp"
#include "lib/http/router.hpp"
#include "lib/http/server.hpp"
#include "lib/json/write.hpp"
#include "lib/log/log.hpp"
#include "lib/metrics/http_metrics.hpp"
#include "lib/metrics/registry.hpp"
#include "lib/module/module.hpp"
#include "lib/task/periodic_task.hpp"
#include "services/analytics/module.hpp"
#include "services/customer/identity_service.hpp"
#include "services/customer/module.hpp"
#include "services/integration/module.hpp"
#include "services/kitchen/module.hpp"
#include "services/location/http_client.hpp"
#include "services/location/module.hpp"
#include "services/menu/module.hpp"
#include "services/notification/module.hpp"
#include "services/order/module.hpp"
#include "services/payment/module.hpp"

namespace vetahut::app {

std::vector<std::unique_ptr<module::Module>> AllModules() {
  std::vector<std::unique_ptr<module::Module>> all;
  all.push_back(location::MakeModule());
  all.push_back(customer::MakeModule());
  all.push_back(menu::MakeModule());
  all.push_back(payment::MakeModule());
  all.push_back(kitchen::MakeModule());
  all.push_back(order::MakeModule());
  all.push_back(notification::MakeModule());
  all.push_back(integration::MakeModule());
  all.push_back(analytics::MakeModule());
  return all;
}

std::vector<config::SectionSpec> ModuleSections() {
  std::vector<config::SectionSpec> out;
  for (const auto& m : AllModules()) {
    if (auto section = m->config_section()) out.push_back(*section);
  }
  return out;
}

core::Result<config::Config> LoadConfig(const std::optional<std::string>& path,
                                        const std::map<std::string, std::string>& env) {
  return config::Load(path, env, ModuleSections());
}

core::Result<config::Config> LoadConfigFromString(std::string_view toml, std::string_view origin,
                                                  const std::map<std::string, std::string>& env) {
  return config::LoadFromString(toml, origin, env, ModuleSections());
}

core::Result<std::vector<std::string>> ModulesForTarget(const std::string& target) {
  std::vector<std::string> available;
  for (const auto& m : AllModules()) available.emplace_back(m->name());
  if (target == "all") return available;
  std::vector<std::string> chosen;
  std::string_view rest = target;
  while (true) {
    const auto comma = rest.find(',');
    const std::string name(rest.substr(0, comma));
    if (std::find(available.begin(), available.end(), name) == available.end()) {
      return core::Fail(core::Error::BadRequest(fmt::format(
          "--target {}: '{}' is not a module of this build; available: all, {}", target, name, fmt::join(available, ", "))));
    }
    if (std::find(chosen.begin(), chosen.end(), name) == chosen.end()) chosen.push_back(name);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return chosen;
}

namespace {

std::unique_ptr<db::Database> OpenDatabase(const config::Config& config) {
  const std::string& url = config.db.url;
  // A relative SQLite path lives under the data directory unless it already names it.
  if (url.starts_with("sqlite:") && url != "sqlite::memory:") {
    std::filesystem::path path(url.substr(7));
    std::filesystem::create_directories(path.has_parent_path() ? path.parent_path() : ".");
  }
  db::DatabaseOptions options;
  options.pool_size = static_cast<std::size_t>(config.db.pool_size);
  return db::Database::Open(url, options);
}

/// The target's modules, configured, in an order where each comes after the modules whose
/// clients it needs or wants.
std::vector<std::unique_ptr<module::Module>> SelectModules(const config::Config& config) {
  auto names = ModulesForTarget(config.target);
  if (!names) throw std::runtime_error(names.error().detail);
  std::vector<std::unique_ptr<module::Module>> selected;
  for (auto& m : AllModules()) {
    if (std::find(names->begin(), names->end(), std::string(m->name())) == names->end()) continue;
    if (auto s = m->Configure(config); !s) throw std::runtime_error(s.error().detail);
    selected.push_back(std::move(m));
  }
  std::map<std::string, module::Module*> provider;
  for (const auto& m : selected) {
    for (const auto& client : m->provides()) provider[client] = m.get();
  }
  std::vector<std::unique_ptr<module::Module>> ordered;
  std::set<module::Module*> placed;
  while (ordered.size() < selected.size()) {
    bool progress = false;
    for (auto& m : selected) {
      if (!m || placed.contains(m.get())) continue;
      bool ready = true;
      auto deps = m->needs();
      for (const auto& w : m->wants()) deps.push_back(w);
      for (const auto& client : deps) {
        auto it = provider.find(client);
        if (it != provider.end() && it->second != m.get() && !placed.contains(it->second)) ready = false;
      }
      if (!ready) continue;
      placed.insert(m.get());
      ordered.push_back(std::move(m));
      progress = true;
    }
    if (!progress) throw std::logic_error("the modules' needs form a cycle");
  }
  return ordered;
}

std::vector<db::Migration> MigrationsOf(const std::vector<std::unique_ptr<module::Module>>& modules) {
  std::vector<db::Migration> all = bus::BusMigrations();
  for (const auto& m : modules) {
    for (auto& migration : m->Migrations()) all.push_back(std::move(migration));
  }
  return all;
}

/// Where a client lives when no module of this process provides it.
std::string RemoteHint(const std::string& client) {
  if (client == "stores") return "set clients.location to the location service's URL";
  if (client == "auth.verifier") return "set auth.jwks_url to the customer service's /.well-known/jwks.json";
  return "HTTP clients for it come with the distributed mode";
}

}  // namespace

std::vector<std::string> RunMigrations(const config::Config& config) {
  auto database = OpenDatabase(config);
  return db::Migrate(*database, MigrationsOf(SelectModules(config))).applied;
}

std::string AddUser(const config::Config& config, const NewUser& user) {
  auto database = OpenDatabase(config);
  auto migrations = bus::BusMigrations();
  for (auto& m : customer::AllMigrations()) migrations.push_back(std::move(m));
  db::Migrate(*database, migrations);
  if (!user.store_id.empty()) {
    // The command line runs no location module; the app, which knows every table, checks the store.
    bool known = false;
    try {
      known = !database->Query("SELECT 1 AS found FROM location_stores WHERE id = $1", db::Params(user.store_id)).empty();
    } catch (const core::ErrorException&) {
      throw std::runtime_error("--store: this database has no stores yet; start the platform and create the store first");
    }
    if (!known) throw std::runtime_error(fmt::format("--store: store '{}' does not exist", user.store_id));
  }
  core::IdGenerator ids(core::SystemClock::Instance());
  customer::IdentityService identity(*database, core::SystemClock::Instance(), ids, {}, nullptr);
  auto account = identity.CreateStaff("cli", {user.email, user.password, user.name, user.phone, {{user.role, user.store_id}}});
  if (!account) {
    std::string why = account.error().detail;
    for (const auto& f : account.error().fields) why += fmt::format("\n  {}: {}", f.field, f.message);
    throw std::runtime_error(why);
  }
  return account->id;
}

struct Platform::Parts {
  config::Config config;
  std::unique_ptr<db::Database> database;
  std::unique_ptr<bus::EventBus> bus;
  std::vector<std::unique_ptr<bus::OutboxRelay>> relays;
  core::IdGenerator ids{core::SystemClock::Instance()};
  metrics::Registry registry;
  std::unique_ptr<metrics::HttpMetrics> http_metrics;
  http::Router router;
  module::ClientRegistry clients;
  std::vector<std::unique_ptr<module::Module>> modules;
  std::vector<std::unique_ptr<task::PeriodicTask>> tasks;
  std::size_t modules_built = 0;  ///< the first N modules finished Build (only they are stopped)
  std::unique_ptr<http::Server> server;
  bool built = false;
  bool started = false;
};

Platform::Platform(config::Config config) : parts_(std::make_unique<Parts>()) {
  parts_->config = std::move(config);
}

Platform::~Platform() { Stop(); }

void Platform::Build() {
  auto& p = *parts_;
  if (p.built) return;
  p.modules = SelectModules(p.config);
  p.database = OpenDatabase(p.config);
  for (const auto& name : db::Migrate(*p.database, MigrationsOf(p.modules)).applied) {
    log::Info("migration applied", {{"migration", name}});
  }
  p.bus = bus::OpenBus(p.config.bus.url, *p.database, bus::InProcessBusOptions{.max_attempts = p.config.bus.max_attempts});

  // Clients no module here provides come from services elsewhere, where the configuration says.
  std::set<std::string> provided;
  for (const auto& m : p.modules) {
    for (const auto& c : m->provides()) provided.insert(c);
  }
  auto remote = [&](const std::string& client) {
    if (client == "stores" && !p.config.clients.location.empty()) {
      p.clients.ProvideRemote<location::StoreDirectoryClient>(
          client, std::make_shared<location::HttpStoreDirectory>(p.config.clients.location, core::SystemClock::Instance()));
    } else if (client == "auth.verifier" && !p.config.auth.jwks_url.empty()) {
      p.clients.ProvideRemote<auth::TokenVerifier>(
          client, std::make_shared<auth::JwksVerifier>(p.config.auth.jwks_url,
                                                       auth::VerifyOptions{p.config.auth.issuer, p.config.auth.audience},
                                                       core::SystemClock::Instance()));
    }
    return p.clients.Has(client);
  };
  for (const auto& m : p.modules) {
    for (const auto& client : m->needs()) {
      if (provided.contains(client) || p.clients.Has(client) || remote(client)) continue;
      throw std::runtime_error(fmt::format("module {} needs the '{}' client, which no module of --target {} provides: "
                                           "add its module to --target, or {}",
                                           m->name(), client, p.config.target, RemoteHint(client)));
    }
    for (const auto& client : m->wants()) {
      if (!provided.contains(client) && !p.clients.Has(client)) remote(client);
    }
  }
  // Every process checks tokens: with the customer module's keys, or the keys it publishes.
  if (!provided.contains("auth.verifier") && !remote("auth.verifier")) {
    throw std::runtime_error(fmt::format("--target {} cannot verify access tokens without the customer module: {}",
                                         p.config.target, RemoteHint("auth.verifier")));
  }

  // Routes. Authentication and authorization first: every route declares its permission, the
  // policy (lib/auth/policy.cpp, docs/rbac.md) decides, store-scoped by the {store_id} parameter.
  p.router.Use([&p](http::Request& req, const http::Next& next) -> core::Result<http::Response> {
    log::Context context(req.request_id, req.trace_id);
    const std::string permission = req.route ? req.route->permission : std::string();
    if (auto header = req.Header("authorization"); header && header->starts_with("Bearer ")) {
      auth::Claims claims;
      auto principal = p.clients.Get<auth::TokenVerifier>("auth.verifier").Authenticate(header->substr(7), &claims);
      if (!principal) {
        if (permission != auth::kPublic) return core::Fail(principal.error());
      } else {
        auth::SetCaller(req, {*principal, claims});
      }
    }
    const auth::Caller* caller = auth::CallerOf(req);
    if (auto allowed = auth::Authorize(caller ? &caller->principal : nullptr, permission, req.PathParam("store_id")); !allowed) {
      if (caller && allowed.error().code == core::ErrorCode::kForbidden) {
        log::Warn("forbidden", {{"subject", caller->principal.subject}, {"permission", permission}, {"path", req.path}});
      }
      return core::Fail(allowed.error());
    }
    auto result = next(req);
    // Staff and device actions that change something are written to the audit log (the customer
    // service's; a process without it writes the entry to its log).
    if (caller && caller->principal.kind != auth::PrincipalKind::kCustomer && req.method != http::Method::kGet &&
        req.method != http::Method::kHead && result && result->status < 400) {
      const std::string action = fmt::format("{} {}", http::MethodName(req.method), req.route->pattern);
      if (auto* audit = p.clients.Find<customer::AuditLog>("audit")) {
        audit->Record(caller->principal.subject, action, req.path, std::to_string(result->status));
      } else {
        log::Info("staff action", {{"actor", caller->principal.subject}, {"action", action}, {"target", req.path},
                                   {"status", result->status}});
      }
    }
    return result;
  });
  p.router.Get("/healthz", [](http::Request&) -> core::Result<http::Response> {
    return http::Response::Json(R"({"status":"ok"})");
  }, {.permission = "public", .non_blocking = true});
  p.router.Get("/readyz", [&p](http::Request&) -> core::Result<http::Response> {
    if (!p.database->Ping()) return core::Fail(core::Error::Unavailable("the database is not reachable"));
    return http::Response::Json(R"({"status":"ready","checks":{"database":"ok"}})");
  }, {.permission = "public"});
  p.router.Get("/metrics", [&p](http::Request&) -> core::Result<http::Response> {
    return http::Response::Text(p.registry.Expose(), std::string(metrics::kExpositionContentType));
  }, {.permission = "public"});
  // Dead letters of this process's consumers: list, and re-drive one exactly once.
  p.router.Get("/api/v1/admin/dead-letters", [&p](http::Request& req) -> core::Result<http::Response> {
    auto page = http::ParsePage(req, 50, 500);
    if (!page) return core::Fail(page.error());
    const std::string consumer = req.Query("consumer").value_or("");
    if (consumer.size() > 64 || !std::all_of(consumer.begin(), consumer.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; })) {
      return core::Fail(core::Error::Validation({{"consumer", "must be a module name like customer"}}));
    }
    boost::json::array items;
    for (const auto& d : p.bus->DeadLetters(consumer, page->limit)) {
      items.push_back(boost::json::object{{"id", d.consumer + ":" + d.event_id},
                                          {"consumer", d.consumer},
                                          {"event_id", d.event_id},
                                          {"type", d.type},
                                          {"error", d.error},
                                          {"attempts", d.attempts},
                                          {"failed_at", d.failed_at},
                                          {"event", boost::json::parse(d.envelope)}});
    }
    return http::Response::Json(json_text::Serialize(boost::json::object{{"items", std::move(items)}}));
  }, {.permission = "dead_letters:manage"});
  p.router.Post("/api/v1/admin/dead-letters/{dead_letter_id}/redrive", [&p](http::Request& req) -> core::Result<http::Response> {
    const std::string id(req.PathParam("dead_letter_id"));
    const auto colon = id.find(':');
    if (colon == std::string::npos) {
      return core::Fail(core::Error::NotFound(fmt::format("no dead letter '{}' (ids look like consumer:event_id)", id)));
    }
    if (auto s = p.bus->Redrive(id.substr(0, colon), id.substr(colon + 1)); !s) return core::Fail(s.error());
    return http::Response::Json(json_text::Serialize(boost::json::object{{"id", id}, {"status", "redriven"}}), 202);
  }, {.permission = "dead_letters:manage"});

  // The modules, each with its outbox relay.
  bus::RelayOptions relay_options;
  relay_options.idle_interval = p.config.bus.relay_interval;
  std::vector<module::ModuleContext> contexts;
  contexts.reserve(p.modules.size());  // modules may keep a reference to theirs
  for (auto& m : p.modules) {
    p.relays.push_back(std::make_unique<bus::OutboxRelay>(*p.database, *p.bus, std::string(m->name()), relay_options));
    bus::OutboxRelay* relay = p.relays.back().get();
    contexts.push_back({p.config, *p.database, *p.bus, core::SystemClock::Instance(), p.ids, p.registry, p.router,
                        p.clients, [relay] { relay->Notify(); },
                        [&p](task::TaskOptions options, task::PeriodicTask::Round round) -> task::PeriodicTask& {
                          p.tasks.push_back(std::make_unique<task::PeriodicTask>(std::move(options), std::move(round)));
                          return *p.tasks.back();
                        }});
    m->Build(contexts.back());
    ++p.modules_built;
  }
  if (p.config.demo) {
    for (std::size_t i = 0; i < p.modules.size(); ++i) p.modules[i]->LoadDemo(contexts[i]);
  }
  if (!p.config.bench_fixture.empty()) {
    std::ifstream in(p.config.bench_fixture, std::ios::binary);
    if (!in) throw std::runtime_error("app.bench_fixture: cannot read " + p.config.bench_fixture);
    auto bytes = std::make_shared<const std::string>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    p.router.Get("/bench/fixture.json", [bytes](http::Request&) -> core::Result<http::Response> {
      http::Response r;
      r.SetHeader("Content-Type", "application/json");
      r.shared_body = bytes;
      return r;
    }, {.permission = "public", .non_blocking = true});
  }
  // A route without a permission, or with one the policy does not know, is a bug: stop here.
  for (const auto& route : p.router.Routes()) {
    if (route.permission != auth::kPublic && route.permission != auth::kAuthenticated && !auth::FindRule(route.permission)) {
      throw std::logic_error(fmt::format("route {} {} declares no known permission ('{}')", http::MethodName(route.method),
                                         route.pattern, route.permission));
    }
  }

  // Metrics the platform keeps for every module.
  p.http_metrics = std::make_unique<metrics::HttpMetrics>(p.registry);
  auto& outbox_pending = p.registry.AddGauge("outbox_pending_events", "Events committed but not yet published.", {"module"});
  auto& outbox_lag = p.registry.AddGauge("outbox_lag_seconds", "Age of the oldest unpublished event.", {"module"});
  auto& queue_depth = p.registry.AddGauge("bus_queue_depth", "Events waiting in a consuming module's queue.", {"consumer"});
  auto& queue_age = p.registry.AddGauge("bus_queue_oldest_seconds", "How long the oldest event of a queue has waited.", {"consumer"});
  auto& dead_letters = p.registry.AddGauge("bus_dead_letters", "Events a consumer gave up on, waiting for a re-drive.", {"consumer"});
  auto& handled = p.registry.AddCounter("bus_events_handled_total", "Events a consumer acknowledged.", {"consumer"});
  auto& failures = p.registry.AddCounter("bus_event_failures_total", "Failed attempts to handle an event.", {"consumer"});
  auto& up = p.registry.AddGauge("vetahut_build_info", "Build information; always 1.", {"version", "target"});
  up.WithLabels({VETAHUT_VERSION, p.config.target}).Set(1);
  p.registry.OnCollect([&p, &outbox_pending, &outbox_lag] {
    for (const auto& relay : p.relays) {
      try {
        outbox_pending.WithLabels({relay->module()}).Set(double(relay->Pending()));
        outbox_lag.WithLabels({relay->module()}).Set(relay->OldestPendingAgeSeconds());
      } catch (const std::exception& e) {
        log::Warn("outbox metrics unavailable", {{"error", e.what()}});
      }
    }
  });
  p.registry.OnCollect([&p, &queue_depth, &queue_age, &dead_letters, &handled, &failures] {
    try {
      for (const auto& s : p.bus->Stats()) {
        queue_depth.WithLabels({s.consumer}).Set(double(s.depth));
        queue_age.WithLabels({s.consumer}).Set(s.oldest_age_seconds);
        dead_letters.WithLabels({s.consumer}).Set(double(s.dead_letters));
        auto& h = handled.WithLabels({s.consumer});
        h.Inc(double(s.handled) - h.Value());
        auto& f = failures.WithLabels({s.consumer});
        f.Inc(double(s.failed_attempts) - f.Value());
      }
    } catch (const std::exception& e) {
      log::Warn("bus metrics unavailable", {{"error", e.what()}});
    }
  });
  p.built = true;
}

void Platform::Start() {
  auto& p = *parts_;
  Build();
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
  p.bus->Start();
  for (auto& t : p.tasks) t->Start();
  p.server->Start();
  p.started = true;
  for (auto& m : p.modules) m->Start();
  std::vector<std::string> names;
  for (const auto& m : p.modules) names.emplace_back(m->name());
  log::Info("listening", {{"url", url()},
                          {"target", p.config.target},
                          {"modules", fmt::format("{}", fmt::join(names, ","))},
                          {"db", p.database->engine() == db::Engine::kSqlite ? "sqlite" : "postgres"}});
}

std::string Platform::url() const {
  const auto& host = parts_->config.server.host;
  const bool v6 = host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", host, v6 ? "]" : "", parts_->server ? parts_->server->port() : 0);
}

std::vector<RouteDescription> Platform::Routes() const {
  std::vector<RouteDescription> out;
  for (const auto& route : parts_->router.Routes()) {
    out.push_back({std::string(http::MethodName(route.method)), route.pattern, route.permission});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Platform::RoutesWithPermissions() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : Routes()) out.emplace_back(r.method + " " + r.pattern, r.permission);
  return out;
}

void Platform::RunUntilSignal() {
  parts_->server->RunUntilSignal();
  log::Info("shutting down");
  Stop();
}

void Platform::Stop() {
  auto& p = *parts_;
  // Open event streams would hold the drain.
  for (std::size_t i = 0; i < p.modules_built; ++i) p.modules[i]->CloseStreams();
  if (p.server) p.server->Stop();
  for (std::size_t i = 0; i < p.modules_built; ++i) p.modules[i]->Stop();
  for (auto& t : p.tasks) t->Stop();
  for (auto& relay : p.relays) relay->Stop();
  if (p.bus) p.bus->Stop();
}

}  // namespace vetahut::app
