#include "services/location/module.hpp"

#include "lib/log/log.hpp"
#include "services/location/api.hpp"
#include "services/location/location_service.hpp"

namespace vetahut::location {
namespace {

/// The store directory read straight from the in-process service.
class InProcessStoreDirectory final : public StoreDirectoryClient {
 public:
  explicit InProcessStoreDirectory(LocationService& service) : service_(service) {}

  core::Result<StoreSummary> GetStore(const std::string& store_id) override {
    auto entry = service_.GetStore(store_id);
    if (!entry) return core::Fail(entry.error());
    return Summary((*entry)->record.store);
  }

  core::Result<std::vector<StoreSummary>> ListStores() override {
    std::vector<StoreSummary> out;
    std::string cursor;
    while (true) {
      auto page = service_.ListStores(cursor, 100);
      if (!page) return core::Fail(page.error());
      for (const auto& entry : page->stores) out.push_back(Summary(entry->record.store));
      if (page->next_cursor.empty()) return out;
      cursor = page->next_cursor;
    }
  }

 private:
  static StoreSummary Summary(const Store& store) {
    const auto& p = store.profile;
    return {store.id, p.name, p.currency, p.locale, p.timezone, p.phone, p.latitude, p.longitude, p.services};
  }
  LocationService& service_;
};

class LocationModule final : public module::Module {
 public:
  std::string_view name() const override { return "location"; }
  std::vector<std::string> provides() const override { return {"location", "stores"}; }
  std::vector<db::Migration> Migrations() const override { return AllMigrations(); }

  void Build(module::ModuleContext& ctx) override {
    service_ = std::make_unique<LocationService>(ctx.db, ctx.clock, ctx.ids, ctx.events_committed);
    service_->Refresh();
    directory_ = std::make_unique<InProcessStoreDirectory>(*service_);
    ctx.clients.Provide<LocationClient>("location", *service_);
    ctx.clients.Provide<StoreDirectoryClient>("stores", *directory_);
    RegisterRoutes(ctx.router, *service_);
    // Busy-mode pauses end here; other replicas' writes show up on reload.
    ctx.add_task({.name = "location refresh", .period = std::chrono::seconds(5)}, [this] {
      if (int resumed = service_->ResumeDue(); resumed > 0) log::Info("stores resumed", {{"count", resumed}});
      service_->RefreshIfChanged();
      return task::Next::Period();
    });
  }

  void LoadDemo(module::ModuleContext&) override {
    const int added = service_->LoadDemoData();
    if (added > 0) log::Info("demo data loaded", {{"stores", added}});
  }

 private:
  std::unique_ptr<LocationService> service_;
  std::unique_ptr<InProcessStoreDirectory> directory_;
};

}  // namespace

std::unique_ptr<module::Module> MakeModule() { return std::make_unique<LocationModule>(); }

}  // namespace vetahut::location
