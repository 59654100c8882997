#include "services/kitchen/module.hpp"

#include "lib/bus/consumer.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/json/codec.hpp"
#include "lib/log/log.hpp"
#include "lib/metrics/registry.hpp"
#include "services/kitchen/api.hpp"
#include "services/kitchen/kitchen_service.hpp"
#include "services/order/events.hpp"

namespace vetahut::kitchen {
namespace {

/// A change of a store's screens, as one replica tells the others.
struct StreamNotice {
  std::string store_id;
  std::int64_t seq = 0;
  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("seq", seq);
  }
};

}  // namespace

const config::Schema<KitchenSettings>& KitchenSchema() {
  static const config::Schema<KitchenSettings> schema = [] {
    config::Schema<KitchenSettings> s("kitchen");
    s.Int("driver_speed_kmh", "straight-line speed of a driver, for delivery ETAs", 1, 200, &KitchenSettings::driver_speed_kmh)
        .Int("batch_window_minutes", "deliveries ready this many minutes apart may share a run", 0, 60,
             &KitchenSettings::batch_window_minutes)
        .Int("batch_angle_degrees", "deliveries whose directions differ by at most this may share a run", 0, 180,
             &KitchenSettings::batch_angle_degrees)
        .Int("max_run_size", "deliveries per suggested run", 1, 10, &KitchenSettings::max_run_size)
        .Int("promise_step_seconds", "a customer hears of a new ready time when it moved at least this much", 30, 3600,
             &KitchenSettings::promise_step_seconds);
    return s;
  }();
  return schema;
}

namespace {

class KitchenModule final : public module::Module {
 public:
  std::string_view name() const override { return "kitchen"; }
  std::vector<std::string> needs() const override { return {"stores"}; }
  std::vector<std::string> wants() const override { return {"menu", "location", "customer"}; }
  std::vector<std::string> provides() const override { return {"kitchen"}; }
  std::optional<config::SectionSpec> config_section() const override { return KitchenSchema().spec(); }

  core::Status Configure(const config::Config& config) override {
    auto settings = config.Settings(KitchenSchema());
    if (!settings) return core::Fail(settings.error());
    settings_ = *settings;
    return core::Ok();
  }

  std::vector<db::Migration> Migrations() const override { return AllMigrations(); }

  void Build(module::ModuleContext& ctx) override {
    inventory_ = std::make_unique<InventoryService>(ctx.db, ctx.clock, ctx.ids, ctx.clients.Find<menu::MenuClient>("menu"),
                                                    ctx.events_committed);
    KitchenOptions options;
    options.driver_speed_kmh = settings_.driver_speed_kmh;
    options.batch_window = std::chrono::minutes(settings_.batch_window_minutes);
    options.batch_angle_degrees = settings_.batch_angle_degrees;
    options.max_run_size = settings_.max_run_size;
    options.promise_step = std::chrono::seconds(settings_.promise_step_seconds);
    KitchenClients clients{ctx.clients.Get<location::StoreDirectoryClient>("stores"),
                           ctx.clients.Find<location::LocationClient>("location"),
                           ctx.clients.Find<customer::CustomerClient>("customer")};
    service_ = std::make_unique<KitchenService>(ctx.db, ctx.clock, ctx.ids, clients, *inventory_, options, ctx.events_committed);
    ctx.clients.Provide<KitchenClient>("kitchen", *service_);

    // The kitchen follows the order's life: a confirmed order becomes a ticket; a cancelled or
    // rejected one leaves every screen; one the counter handed over leaves the kitchen.
    bus::Consumer consumer(ctx.db, "kitchen");
    consumer.OnEach<order::events::OrderConfirmed>([this](const order::events::OrderConfirmed& e, const bus::CloudEvent&) {
      auto created = service_->CreateTicket(e);
      if (!created) return created;
      return service_->AfterCreate(e.store_id);
    });
    consumer.OnEach<order::events::OrderCancelled>([this](const order::events::OrderCancelled& e, const bus::CloudEvent&) {
      return service_->VoidForOrder(e.order_id, e.reason.empty() ? "cancelled" : e.reason);
    });
    consumer.OnEach<order::events::OrderRejected>([this](const order::events::OrderRejected& e, const bus::CloudEvent&) {
      return service_->VoidForOrder(e.order_id, e.reason.empty() ? "rejected" : e.reason);
    });
    consumer.OnEach<order::events::OrderCompleted>([this](const order::events::OrderCompleted& e, const bus::CloudEvent&) {
      return service_->CompleteForOrder(e.order_id);
    });
    ctx.bus.Subscribe(std::move(consumer).Build());

    RegisterRoutes(ctx.router, *service_);
    ctx.add_task({.name = "kitchen fire order-aheads", .period = std::chrono::seconds(5)}, [this] {
      service_->FireDue();
      return task::Next::Period();
    });
    // New tickets: busy mode and the metrics see them within a second, whatever the burst.
    ctx.add_task({.name = "kitchen re-estimate new tickets", .period = std::chrono::milliseconds(500)}, [this] {
      service_->ReestimateMarked();
      return task::Next::Period();
    });
    ctx.add_task({.name = "kitchen re-estimate", .period = std::chrono::seconds(10)}, [this] {
      service_->Reestimate();
      return task::Next::Period();
    });
    ctx.add_task({.name = "kitchen auto-86 sync", .period = std::chrono::seconds(15)}, [this] {
      inventory_->SyncAll();
      return task::Next::Period();
    });
    // Screens on every replica: each change committed here is told to the others over the bus,
    // and theirs to us (decision 0042).
    service_->SetStreamNotifier([&bus = ctx.bus](const std::string& store_id, std::int64_t seq) {
      bus.Broadcast("kitchen.stream", json_codec::Encode(StreamNotice{store_id, seq}));
    });
    ctx.bus.Listen("kitchen.stream", [this](const std::string& body) {
      auto notice = json_codec::Decode<StreamNotice>(body);
      if (!notice) {
        log::Warn("unreadable kitchen stream notice", {{"error", notice.error().detail}});
        return;
      }
      service_->StreamChangedElsewhere(notice->store_id, notice->seq);
    });
    ctx.add_task({.name = "kitchen stream keepalive", .period = std::chrono::seconds(5)}, [this] {
      service_->streams().Keepalive();
      return task::Next::Period();
    });

    auto& queue = ctx.metrics.AddGauge("kitchen_station_queue_items",
                                       "Items waiting at a station (not started), per store and station.",
                                       {"store", "station"});
    auto& utilization = ctx.metrics.AddGauge(
        "kitchen_station_utilization", "Share of a station's people or oven places in use (0..1), per store and station.",
        {"store", "station"});
    auto& readiness = ctx.metrics.AddHistogram(
        "kitchen_ready_minus_promised_seconds",
        "When tickets were ready against when the customer was promised (negative = early), per store.",
        {-900, -600, -300, -120, -60, 0, 60, 120, 300, 600, 900, 1800}, {"store"});
    auto& low = ctx.metrics.AddGauge("kitchen_low_stock_ingredients",
                                     "Ingredients at or under their low-stock threshold, per store.", {"store"});
    ctx.metrics.OnCollect([this, &low] {
      try {
        for (const auto& [store, count] : inventory_->LowCounts()) low.WithLabels({store}).Set(count);
      } catch (const std::exception& e) {
        log::Warn("kitchen stock metrics unavailable", {{"error", e.what()}});
      }
    });
    ctx.metrics.OnCollect([this, &queue, &utilization, &readiness] {
      for (const auto& [store, load] : service_->StationLoads()) {
        queue.WithLabels({store, load.station_id}).Set(load.items_waiting);
        utilization.WithLabels({store, load.station_id}).Set(load.utilization);
      }
      for (const auto& [store, seconds] : service_->TakeReadinessErrors()) readiness.WithLabels({store}).Observe(seconds);
    });
  }

  void LoadDemo(module::ModuleContext& ctx) override {
    auto stores = ctx.clients.Get<location::StoreDirectoryClient>("stores").ListStores();
    if (!stores) {
      log::Warn("kitchen demo data skipped: no store list", {{"error", stores.error().detail}});
      return;
    }
    std::vector<std::string> ids;
    for (const auto& s : *stores) ids.push_back(s.id);
    inventory_->LoadDemo(ids);
    log::Info("kitchen demo data loaded", {{"stores", static_cast<std::int64_t>(ids.size())}});
  }

  void CloseStreams() override { service_->streams().CloseAll(); }

 private:
  KitchenSettings settings_;
  std::unique_ptr<InventoryService> inventory_;
  std::unique_ptr<KitchenService> service_;
};

}  // namespace

std::unique_ptr<module::Module> MakeModule() { return std::make_unique<KitchenModule>(); }

}  // namespace vetahut::kitchen
