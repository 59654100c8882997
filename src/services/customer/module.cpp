#include "services/customer/module.hpp"

#include "lib/bus/consumer.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/db/database.hpp"
#include "lib/log/log.hpp"
#include "services/customer/account_repository.hpp"
#include "services/customer/api.hpp"
#include "services/customer/client.hpp"
#include "services/customer/events.hpp"
#include "services/customer/identity_service.hpp"
#include "services/customer/loyalty.hpp"
#include "services/location/client.hpp"
#include "services/menu/client.hpp"

namespace vetahut::customer {
namespace {

/// The customer service called directly in this process.
class InProcessCustomer final : public CustomerClient, public AuditLog {
 public:
  InProcessCustomer(db::Database& db, IdentityService& identity, LoyaltyLedger& loyalty)
      : db_(db), identity_(identity), loyalty_(loyalty) {}

  core::Status ReservePoints(const std::string& customer_id, const std::string& order_id, std::int64_t points,
                             const std::string& reward_id) override {
    auto tx = db_.Begin();
    auto held = loyalty_.Reserve(tx, customer_id, order_id, points, reward_id);
    if (held) tx.Commit();
    return held;
  }

  core::Status ReleasePoints(const std::string& order_id) override {
    auto tx = db_.Begin();
    auto released = loyalty_.Release(tx, order_id);
    if (released) tx.Commit();
    return released;
  }

  core::Result<CustomerContact> GetContact(const std::string& customer_id) override {
    // A plain read, not a transaction: the caller may be inside a transaction of its own (the
    // notification module's consumer), and on SQLite a second write transaction would wait for it.
    auto account = AccountRepository().FindById(db_, customer_id);
    if (!account || account->deleted_at) return core::Fail(core::Error::NotFound("no such account"));
    return CustomerContact{account->id, account->email.value_or(""), account->name, account->phone,
                           account->email_verified, account->marketing_consent};
  }

  core::Result<std::vector<CustomerContact>> ListStaff(const std::string& store_id, const std::string& role) override {
    std::vector<CustomerContact> out;
    for (const auto& a : AccountRepository().ListStaffWithRole(db_, store_id, role)) {
      out.push_back({a.id, a.email.value_or(""), a.name, a.phone, a.email_verified, a.marketing_consent});
    }
    return out;
  }

  void Record(const std::string& actor, const std::string& action, const std::string& target,
              const std::string& detail) override {
    identity_.Audit(actor, action, target, detail);
  }

 private:
  db::Database& db_;
  IdentityService& identity_;
  LoyaltyLedger& loyalty_;
};

class CustomerModule final : public module::Module {
 public:
  std::string_view name() const override { return "customer"; }
  std::vector<std::string> wants() const override { return {"stores", "menu"}; }
  std::vector<std::string> provides() const override { return {"customer", "auth.verifier", "audit"}; }
  std::vector<db::Migration> Migrations() const override { return AllMigrations(); }

  void Build(module::ModuleContext& ctx) override {
    IdentityOptions options;
    options.issuer = ctx.config.auth.issuer;
    options.audience = ctx.config.auth.audience;
    options.access_ttl = std::chrono::seconds(ctx.config.auth.access_token_ttl_s);
    options.refresh_ttl = std::chrono::hours(ctx.config.auth.refresh_token_ttl_h);
    identity_ = std::make_unique<IdentityService>(ctx.db, ctx.clock, ctx.ids, options, ctx.events_committed);
    identity_->LoadKeys();
    // Logouts reach every process through the cache; those it missed while down follow.
    identity_->set_cache(&ctx.cache);
    ctx.add_task({.name = "customer revocations sync", .period = std::chrono::seconds(1)}, [this] {
      identity_->SyncRevocations();
      return task::Next::Period();
    });
    stores_ = ctx.clients.Find<location::StoreDirectoryClient>("stores");
    identity_->set_store_directory(stores_);
    identity_->set_menu(ctx.clients.Find<menu::MenuClient>("menu"));
    bus::Outbox outbox("customer");
    auto& ids = ctx.ids;
    auto& clock = ctx.clock;
    loyalty_ = std::make_unique<LoyaltyLedger>(
        ctx.ids, ctx.clock, LoyaltyRules{}, [outbox, &ids, &clock](db::Session& tx, const LoyaltyEntry& e) {
          events::LoyaltyPointsChanged changed{.customer_id = e.account_id, .points = e.points, .kind = e.kind,
                                               .order_id = e.order_id};
          outbox.Add(tx, bus::MakeTypedEvent(ids, clock, e.account_id, changed));
        });
    client_ = std::make_unique<InProcessCustomer>(ctx.db, *identity_, *loyalty_);
    ctx.clients.Provide<CustomerClient>("customer", *client_);
    ctx.clients.Provide<auth::TokenVerifier>("auth.verifier", *identity_);
    ctx.clients.Provide<AuditLog>("audit", *client_);

    bus::Consumer consumer(ctx.db, "customer");
    AddLoyaltyHandlers(consumer, *loyalty_);
    ctx.bus.Subscribe(std::move(consumer).Build());
    RegisterRoutes(ctx.router, *identity_, *loyalty_, ctx.db);
  }

  /// Demo accounts for `--demo` (documented in the README; never use them outside a demo): an
  /// admin, a manager and a cook for the Midtown store, and a customer. Created once.
  void LoadDemo(module::ModuleContext& ctx) override {
    std::string midtown;
    if (auto* stores = ctx.clients.Find<location::StoreDirectoryClient>("stores")) {
      if (auto list = stores->ListStores()) {
        for (const auto& s : *list) {
          if (s.name == "Veta Hut Midtown") midtown = s.id;
        }
      }
    }
    int added = 0;
    const StaffRequest staff[] = {
        {"admin@demo.vetahut.test", "demo-admin-password", "Demo Admin", "+12125550001", {{"admin", ""}}},
        {"manager@demo.vetahut.test", "demo-manager-password", "Demo Manager", "+12125550002", {{"store_manager", midtown}}},
        {"cook@demo.vetahut.test", "demo-cook-password", "Demo Cook", "+12125550003", {{"cook", midtown}}},
        {"driver@demo.vetahut.test", "demo-driver-password", "Demo Driver", "+12125550005", {{"driver", midtown}}},
        {"cashier@demo.vetahut.test", "demo-cashier-password", "Demo Cashier", "+12125550006", {{"cashier", midtown}}},
    };
    for (const auto& s : staff) {
      if (midtown.empty() && s.roles.front().role != "admin") continue;
      if (identity_->CreateStaff("demo", s)) ++added;
    }
    if (identity_->Register({"customer@demo.vetahut.test", "demo-customer-password", "Demo Customer", "+12125550004", false})) {
      ++added;
    }
    if (added > 0) log::Info("demo staff created", {{"accounts", added}});
  }

 private:
  location::StoreDirectoryClient* stores_ = nullptr;
  std::unique_ptr<IdentityService> identity_;
  std::unique_ptr<LoyaltyLedger> loyalty_;
  std::unique_ptr<InProcessCustomer> client_;
};

}  // namespace

std::unique_ptr<module::Module> MakeModule() { return std::make_unique<CustomerModule>(); }

}  // namespace vetahut::customer
