#include "app/platform.hpp"
#include "lib/json/write.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <fstream>
#include <boost/json.hpp>

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
#include "lib/auth/caller.hpp"
#include "lib/auth/policy.hpp"
#include "services/customer/api.hpp"
#include "services/customer/identity_service.hpp"
#include "services/customer/loyalty.hpp"
#include "services/location/api.hpp"
#include "services/menu/api.hpp"
#include "services/menu/catalog_json.hpp"
#include "services/menu/menu_service.hpp"
#include "services/location/location_service.hpp"
#include "services/order/api.hpp"
#include "services/order/order_service.hpp"
#include "services/payment/api.hpp"
#include "services/payment/payment_service.hpp"
#include "services/payment/providers/sandbox.hpp"
#include "services/payment/providers/stripe.hpp"

namespace vetahut::app {
namespace {

std::vector<db::Migration> AllModuleMigrations() {
  std::vector<db::Migration> all = bus::BusMigrations();
  for (auto& m : location::AllMigrations()) all.push_back(std::move(m));
  for (auto& m : customer::AllMigrations()) all.push_back(std::move(m));
  for (auto& m : menu::AllMigrations()) all.push_back(std::move(m));
  for (auto& m : payment::AllMigrations()) all.push_back(std::move(m));
  for (auto& m : payment::SandboxMigrations()) all.push_back(std::move(m));
  for (auto& m : order::AllMigrations()) all.push_back(std::move(m));
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

/// Demo accounts for `--demo` (documented in the README; never use them outside a demo): an
/// admin, a manager and a cook for the Midtown store, and a customer. Created once.
int LoadDemoAccounts(customer::IdentityService& identity, location::LocationService& stores) {
  std::string midtown;
  if (auto page = stores.ListStores("", 100)) {
    for (const auto& entry : page->stores) {
      if (entry->record.store.profile.name == "Veta Hut Midtown") midtown = entry->record.store.id;
    }
  }
  int added = 0;
  const customer::StaffRequest staff[] = {
      {"admin@demo.vetahut.test", "demo-admin-password", "Demo Admin", "+12125550001", {{"admin", ""}}},
      {"manager@demo.vetahut.test", "demo-manager-password", "Demo Manager", "+12125550002", {{"store_manager", midtown}}},
      {"cook@demo.vetahut.test", "demo-cook-password", "Demo Cook", "+12125550003", {{"cook", midtown}}},
  };
  for (const auto& s : staff) {
    if (midtown.empty() && s.roles.front().role != "admin") continue;
    if (identity.CreateStaff("demo", s)) ++added;
  }
  if (identity.Register({"customer@demo.vetahut.test", "demo-customer-password", "Demo Customer", "+12125550004", false})) ++added;
  return added;
}

/// Demo menu for `--demo`: the same pizza menu published for the USD and EUR markets (EUR prices
/// reuse the USD minor units), with sales tax for the New York stores and VAT for Berlin.
int LoadDemoMenu(menu::MenuService& menus, location::LocationService& stores) {
  int published = 0;
  for (const char* market : {"USD", "EUR"}) {
    if (!menus.Versions(market).empty()) continue;
    auto doc = boost::json::parse(menu::DemoMenuJson());
    doc.as_object()["currency"] = market;
    if (!menus.SaveDraft(market, doc, "demo") || !menus.Publish(market, std::nullopt, "demo")) {
      log::Error("demo menu rejected", {{"market", market}});
      continue;
    }
    ++published;
  }
  if (published == 0) return 0;
  if (auto page = stores.ListStores("", 100)) {
    for (const auto& entry : page->stores) {
      const auto& profile = entry->record.store.profile;
      if (profile.currency == "EUR") {
        menus.SetTaxSettings(entry->record.store.id, menu::TaxMode::kInclusive, {{"food", 7000}, {"beverage", 19000}});
      } else {
        menus.SetTaxSettings(entry->record.store.id, menu::TaxMode::kExclusive, {{"food", 8875}, {"beverage", 8875}});
      }
    }
  }
  return published;
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

std::string AddUser(const config::Config& config, const NewUser& user) {
  auto database = OpenDatabase(config);
  db::Migrate(*database, AllModuleMigrations());
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

void StartOrders(Platform::Parts& p, bus::OutboxRelay* order_relay, bus::OutboxRelay* payment_relay);

struct Platform::Parts {
  config::Config config;
  std::unique_ptr<db::Database> database;
  std::unique_ptr<bus::EventBus> bus;
  std::vector<std::unique_ptr<bus::OutboxRelay>> relays;
  core::IdGenerator ids{core::SystemClock::Instance()};
  metrics::Registry registry;
  std::unique_ptr<metrics::HttpMetrics> http_metrics;
  std::unique_ptr<location::LocationService> location;
  std::unique_ptr<menu::MenuService> menu;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<customer::IdentityService> identity;
  std::unique_ptr<customer::LoyaltyLedger> loyalty;
  std::unique_ptr<payment::PaymentProvider> provider;
  std::unique_ptr<payment::PaymentService> payments;
  std::unique_ptr<order::OrderService> orders;
  std::unique_ptr<Ticker> ticker;
};

Platform::Platform(config::Config config) : parts_(std::make_unique<Parts>()) {
  parts_->config = std::move(config);
}

Platform::~Platform() { Stop(); }

void Platform::Start() {
  auto& p = *parts_;
  p.database = OpenDatabase(p.config);
  auto applied = db::Migrate(*p.database, AllModuleMigrations()).applied;
  for (const auto& name : applied) log::Info("migration applied", {{"migration", name}});

  p.bus = bus::OpenBus(p.config.bus.url, *p.database);
  bus::RelayOptions relay_options;
  relay_options.idle_interval = p.config.bus.relay_interval;
  // --target picks the services this process runs (all, or one). Every process authenticates
  // tokens with the signing keys in the customer tables, so service targets share the database
  // with the customer service for now (docs/decisions/0011-service-targets.md).
  const bool all = p.config.target == "all";
  const bool run_location = all || p.config.target == "location";
  const bool run_customer = all || p.config.target == "customer";
  const bool run_menu = all || p.config.target == "menu";
  bus::OutboxRelay* location_relay = nullptr;
  bus::OutboxRelay* customer_relay = nullptr;
  if (run_location) {
    p.relays.push_back(std::make_unique<bus::OutboxRelay>(*p.database, *p.bus, "location", relay_options));
    location_relay = p.relays.back().get();
  }
  if (run_customer) {
    p.relays.push_back(std::make_unique<bus::OutboxRelay>(*p.database, *p.bus, "customer", relay_options));
    customer_relay = p.relays.back().get();
  }
  bus::OutboxRelay* menu_relay = nullptr;
  if (run_menu) {
    p.relays.push_back(std::make_unique<bus::OutboxRelay>(*p.database, *p.bus, "menu", relay_options));
    menu_relay = p.relays.back().get();
  }
  // Orders and payments run together (the saga calls the payment service in-process); see
  // docs/decisions/0015-order-saga.md.
  const bool run_order = all || p.config.target == "order" || p.config.target == "payment";
  bus::OutboxRelay* order_relay = nullptr;
  bus::OutboxRelay* payment_relay = nullptr;
  if (run_order) {
    p.relays.push_back(std::make_unique<bus::OutboxRelay>(*p.database, *p.bus, "order", relay_options));
    order_relay = p.relays.back().get();
    p.relays.push_back(std::make_unique<bus::OutboxRelay>(*p.database, *p.bus, "payment", relay_options));
    payment_relay = p.relays.back().get();
  }

  customer::IdentityOptions identity_options;
  identity_options.issuer = p.config.auth.issuer;
  identity_options.audience = p.config.auth.audience;
  identity_options.access_ttl = std::chrono::seconds(p.config.auth.access_token_ttl_s);
  identity_options.refresh_ttl = std::chrono::hours(p.config.auth.refresh_token_ttl_h);
  p.identity = std::make_unique<customer::IdentityService>(*p.database, core::SystemClock::Instance(), p.ids,
                                                           identity_options, [customer_relay] {
                                                             if (customer_relay) customer_relay->Notify();
                                                           });
  p.identity->LoadKeys();
  bus::Outbox customer_outbox("customer");
  p.loyalty = std::make_unique<customer::LoyaltyLedger>(
      p.ids, core::SystemClock::Instance(), customer::LoyaltyRules{},
      [&p, customer_outbox](db::Session& tx, const customer::LoyaltyEntry& e) {
        customer_outbox.Add(tx, bus::MakeEvent(p.ids, core::SystemClock::Instance(), "/vetahut/customer",
                                               "com.vetahut.loyalty.points_changed", e.account_id,
                                               json_text::Serialize(boost::json::object{
                                                   {"customer_id", e.account_id}, {"points", e.points},
                                                   {"kind", e.kind}, {"order_id", e.order_id}})));
      });
  if (run_customer) p.bus->Subscribe(customer::LoyaltyConsumer(*p.database, *p.loyalty));

  p.location = std::make_unique<location::LocationService>(*p.database, core::SystemClock::Instance(), p.ids,
                                                           [location_relay] {
                                                             if (location_relay) location_relay->Notify();
                                                           });
  p.location->Refresh();
  p.menu = std::make_unique<menu::MenuService>(
      *p.database, core::SystemClock::Instance(), p.ids,
      [&p](const std::string& store_id) -> std::optional<menu::StoreInfo> {
        auto store = p.location->GetStore(store_id);
        if (!store) return std::nullopt;
        const auto& profile = (*store)->record.store.profile;
        return menu::StoreInfo{store_id, profile.currency, profile.locale.substr(0, 2), (*store)->zone};
      },
      [menu_relay] {
        if (menu_relay) menu_relay->Notify();
      });
  p.menu->Load();
  if (run_order) StartOrders(p, order_relay, payment_relay);
  if (p.config.demo && run_location) {
    const int added = p.location->LoadDemoData();
    if (added > 0) log::Info("demo data loaded", {{"stores", added}});
  }
  if (p.config.demo && run_menu) {
    const int added = LoadDemoMenu(*p.menu, *p.location);
    if (added > 0) log::Info("demo menu published", {{"markets", added}});
  }
  if (p.config.demo && run_customer) {
    const int added = LoadDemoAccounts(*p.identity, *p.location);
    if (added > 0) log::Info("demo staff created", {{"accounts", added}});
  }

  // Metrics.
  p.http_metrics = std::make_unique<metrics::HttpMetrics>(p.registry);
  auto& outbox_pending = p.registry.AddGauge("outbox_pending_events", "Events committed but not yet published.", {"module"});
  auto& outbox_lag = p.registry.AddGauge("outbox_lag_seconds", "Age of the oldest unpublished event.", {"module"});
  auto& up = p.registry.AddGauge("vetahut_build_info", "Build information; always 1.", {"version", "target"});
  up.WithLabels({VETAHUT_VERSION, p.config.target}).Set(1);
  auto& saga_backlog = p.registry.AddGauge("order_saga_backlog", "Orders whose saga has a step to run (retries, pending payments, recovery).", {});
  p.registry.OnCollect([&p, &saga_backlog] {
    if (!p.orders) return;
    try {
      saga_backlog.WithLabels({}).Set(double(p.orders->SagaBacklog()));
    } catch (const std::exception& e) {
      log::Warn("order metrics unavailable", {{"error", e.what()}});
    }
  });
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

  // Routes. Authentication and authorization first: every route declares its permission, the
  // policy (lib/auth/policy.cpp, docs/rbac.md) decides, store-scoped by the {store_id} parameter.
  p.router.Use([&p](http::Request& req, const http::Next& next) -> core::Result<http::Response> {
    log::Context context(req.request_id, req.trace_id);
    const std::string permission = req.route ? req.route->permission : std::string();
    if (auto header = req.Header("authorization"); header && header->starts_with("Bearer ")) {
      auth::Claims claims;
      auto principal = p.identity->Authenticate(header->substr(7), &claims);
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
    // Staff and device actions that change something are written to the audit log.
    if (caller && caller->principal.kind != auth::PrincipalKind::kCustomer && req.method != http::Method::kGet &&
        req.method != http::Method::kHead && result && result->status < 400) {
      p.identity->Audit(caller->principal.subject, fmt::format("{} {}", http::MethodName(req.method), req.route->pattern),
                        req.path, std::to_string(result->status));
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
  if (run_location) location::RegisterRoutes(p.router, *p.location);
  if (run_customer) customer::RegisterRoutes(p.router, *p.identity, *p.loyalty, *p.database);
  if (run_menu) menu::RegisterRoutes(p.router, *p.menu, *p.location);
  if (run_order) {
    payment::RegisterRoutes(p.router, *p.payments);
    order::RegisterRoutes(p.router, *p.orders, *p.payments);
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
  p.ticker = std::make_unique<Ticker>(std::chrono::seconds(5), [&p, run_location, run_menu] {
    // Busy-mode pauses end and scheduled menus publish here; other replicas' writes show up on reload.
    if (run_location) {
      if (int resumed = p.location->ResumeDue(); resumed > 0) log::Info("stores resumed", {{"count", resumed}});
    }
    p.location->RefreshIfChanged();
    if (p.orders) p.orders->tracker().Keepalive();
    if (run_menu) {
      if (int published = p.menu->PublishDue(); published > 0) log::Info("scheduled menus published", {{"count", published}});
      p.menu->RefreshIfChanged();
    }
  });
  p.server->Start();
  if (p.orders) p.orders->Start();  // resumes sagas a crash interrupted
  log::Info("listening", {{"url", url()}, {"target", p.config.target}, {"db", p.database->engine() == db::Engine::kSqlite ? "sqlite" : "postgres"}});
}

/// The payment provider, the payment service and the order service with its saga.
void StartOrders(Platform::Parts& p, bus::OutboxRelay* order_relay, bus::OutboxRelay* payment_relay) {
  const auto& pc = p.config.payment;
  if (pc.provider == "stripe") {
    if (pc.webhook_secret.empty()) throw std::runtime_error("payment.webhook_secret is required with payment.provider = stripe");
    payment::StripeOptions options;
    options.api_base = pc.stripe_api_base;
    options.secret_key = pc.stripe_secret_key;
    options.webhook_secret = pc.webhook_secret;
    p.provider = std::make_unique<payment::StripeProvider>(options, core::SystemClock::Instance());
  } else {
    payment::SandboxOptions options;
    options.latency = std::chrono::milliseconds(pc.sandbox_latency_ms);
    options.webhook_url = pc.sandbox_webhook_url;
    // The sandbox moves no money; without a configured secret its callbacks are signed with a
    // per-database random one (callbacks then only make sense to this deployment).
    options.webhook_secret = pc.webhook_secret.empty() ? "sandbox-" + p.ids.Next() : pc.webhook_secret;
    p.provider = std::make_unique<payment::SandboxProvider>(*p.database, core::SystemClock::Instance(), p.ids, options);
  }
  p.payments = std::make_unique<payment::PaymentService>(*p.database, core::SystemClock::Instance(), p.ids, *p.provider,
                                                         [payment_relay] {
                                                           if (payment_relay) payment_relay->Notify();
                                                         });
  order::LoyaltyPort loyalty;
  loyalty.reserve = [&p](const std::string& customer, const std::string& order_id, std::int64_t points,
                         const std::string& reward) -> core::Status {
    auto tx = p.database->Begin();
    auto held = p.loyalty->Reserve(tx, customer, order_id, points, reward);
    if (held) tx.Commit();
    return held;
  };
  loyalty.release = [&p](const std::string& order_id) -> core::Status {
    auto tx = p.database->Begin();
    auto released = p.loyalty->Release(tx, order_id);
    if (released) tx.Commit();
    return released;
  };
  order::OrderOptions options;
  options.payment_timeout = std::chrono::seconds(p.config.order.payment_timeout_s);
  options.prep_time = std::chrono::minutes(p.config.order.prep_minutes);
  options.saga_lease = std::chrono::seconds(p.config.order.saga_lease_s);
  p.orders = std::make_unique<order::OrderService>(
      *p.database, core::SystemClock::Instance(), p.ids, *p.location,
      [&p](const std::string& store_id) -> std::optional<order::StoreFacts> {
        auto store = p.location->GetStore(store_id);
        if (!store) return std::nullopt;
        return order::StoreFacts{(*store)->record.store.profile.currency, (*store)->zone};
      },
      [&p](const std::string& store_id, const boost::json::value& body, std::optional<core::Money> fee,
           menu::Channel channel) { return p.menu->PriceCart(store_id, body, fee, channel); },
      *p.payments, std::move(loyalty), options, [order_relay] {
        if (order_relay) order_relay->Notify();
      });
  p.payments->SetSettledListener([&p](const std::string& order_id) { p.orders->PaymentSettled(order_id); });
}

std::string Platform::url() const {
  const auto& host = parts_->config.server.host;
  const bool v6 = host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", host, v6 ? "]" : "", parts_->server ? parts_->server->port() : 0);
}

std::vector<std::pair<std::string, std::string>> Platform::RoutesWithPermissions() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& route : parts_->router.Routes()) {
    out.emplace_back(fmt::format("{} {}", http::MethodName(route.method), route.pattern), route.permission);
  }
  return out;
}

void Platform::RunUntilSignal() {
  parts_->server->RunUntilSignal();
  log::Info("shutting down");
  Stop();
}

void Platform::Stop() {
  auto& p = *parts_;
  if (p.orders) p.orders->tracker().CloseAll();  // open event streams would hold the drain
  if (p.server) p.server->Stop();
  if (p.orders) p.orders->Stop();
  p.ticker.reset();
  for (auto& relay : p.relays) relay->Stop();
  if (p.bus) p.bus->Stop();
}

}  // namespace vetahut::app
