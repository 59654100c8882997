#include "services/menu/module.hpp"

#include <boost/json.hpp>

#include "lib/log/log.hpp"
#include "services/location/client.hpp"
#include "services/menu/api.hpp"
#include "services/menu/catalog_json.hpp"
#include "services/menu/menu_service.hpp"

namespace vetahut::menu {
namespace {

class MenuModule final : public module::Module {
 public:
  std::string_view name() const override { return "menu"; }
  std::vector<std::string> needs() const override { return {"stores"}; }
  std::vector<std::string> provides() const override { return {"menu"}; }
  std::vector<db::Migration> Migrations() const override { return AllMigrations(); }

  void Build(module::ModuleContext& ctx) override {
    stores_ = &ctx.clients.Get<location::StoreDirectoryClient>("stores");
    service_ = std::make_unique<MenuService>(ctx.db, ctx.clock, ctx.ids, *stores_, ctx.events_committed);
    service_->Load();
    ctx.clients.Provide<MenuClient>("menu", *service_);
    RegisterRoutes(ctx.router, *service_, !ctx.clients.IsRemote("stores"));
    // Scheduled menus publish here; other replicas' changes show up on reload.
    ctx.add_task({.name = "menu refresh", .period = std::chrono::seconds(5)}, [this] {
      if (int published = service_->PublishDue(); published > 0) log::Info("scheduled menus published", {{"count", published}});
      service_->RefreshIfChanged();
      return task::Next::Period();
    });
  }

  /// The demo menu: the same pizza menu for the USD and EUR markets (EUR prices reuse the USD
  /// minor units), with sales tax for the New York stores and VAT for Berlin.
  void LoadDemo(module::ModuleContext&) override {
    int published = 0;
    for (const char* market : {"USD", "EUR"}) {
      if (!service_->Versions(market).empty()) continue;
      auto doc = boost::json::parse(DemoMenuJson());
      doc.as_object()["currency"] = market;
      if (!service_->SaveDraft(market, doc, "demo") || !service_->Publish(market, std::nullopt, "demo")) {
        log::Error("demo menu rejected", {{"market", market}});
        continue;
      }
      ++published;
    }
    if (published == 0) return;
    if (auto stores = stores_->ListStores()) {
      for (const auto& store : *stores) {
        if (store.currency == "EUR") {
          service_->SetTaxSettings(store.id, TaxMode::kInclusive, {{"food", 7000}, {"beverage", 19000}});
        } else {
          service_->SetTaxSettings(store.id, TaxMode::kExclusive, {{"food", 8875}, {"beverage", 8875}});
        }
      }
    }
    log::Info("demo menu published", {{"markets", published}});
  }

 private:
  location::StoreDirectoryClient* stores_ = nullptr;
  std::unique_ptr<MenuService> service_;
};

}  // namespace

std::unique_ptr<module::Module> MakeModule() { return std::make_unique<MenuModule>(); }

}  // namespace vetahut::menu
