#include "services/order/module.hpp"

#include "lib/bus/consumer.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/json/codec.hpp"
#include "lib/log/log.hpp"
#include "lib/metrics/registry.hpp"
#include "services/order/api.hpp"
#include "services/order/order_service.hpp"
#include "services/kitchen/events.hpp"
#include "services/payment/events.hpp"

namespace vetahut::order {
namespace {

/// A tracked change, as one replica tells the others (decision 0042).
struct TrackedNotice {
  std::string order_id;
  std::int64_t seq = 0;
  std::string status;
  std::string data;
  bool last = false;
  template <class V>
  void Visit(V& v) {
    v("order_id", order_id);
    v("seq", seq);
    v("status", status);
    v("data", data);
    v("last", last);
  }
};

}  // namespace

const config::Schema<OrderSettings>& OrderSchema() {
  static const config::Schema<OrderSettings> schema = [] {
    config::Schema<OrderSettings> s("order");
    s.Int("payment_timeout_s", "seconds a payment may stay pending before it is voided and the order rejected", 1,
          86400, &OrderSettings::payment_timeout_s)
        .Int("prep_minutes", "minutes from order to ready, for ASAP promise times", 1, 240, &OrderSettings::prep_minutes)
        .Int("saga_lease_s", "seconds after which a crashed runner's hold on an order saga expires", 1, 600,
             &OrderSettings::saga_lease_s);
    return s;
  }();
  return schema;
}

namespace {

class OrderModule final : public module::Module {
 public:
  std::string_view name() const override { return "order"; }
  std::vector<std::string> needs() const override {
    return {"location", "stores", "menu", "payment", "customer", "kitchen"};
  }
  std::vector<std::string> provides() const override { return {"order"}; }
  std::optional<config::SectionSpec> config_section() const override { return OrderSchema().spec(); }

  core::Status Configure(const config::Config& config) override {
    auto settings = config.Settings(OrderSchema());
    if (!settings) return core::Fail(settings.error());
    settings_ = *settings;
    return core::Ok();
  }

  std::vector<db::Migration> Migrations() const override { return AllMigrations(); }

  void Build(module::ModuleContext& ctx) override {
    OrderOptions options;
    options.payment_timeout = std::chrono::seconds(settings_.payment_timeout_s);
    options.prep_time = std::chrono::minutes(settings_.prep_minutes);
    options.saga_lease = std::chrono::seconds(settings_.saga_lease_s);
    auto& placed = ctx.metrics.AddCounter("orders_placed_total", "Orders stored, by sales channel and order type.",
                                          {"channel", "type"});
    options.placed = [&placed](const Order& o) { placed.WithLabels({o.channel, std::string(TypeName(o.type))}).Inc(); };
    OrderClients clients{ctx.clients.Get<location::LocationClient>("location"),
                         ctx.clients.Get<location::StoreDirectoryClient>("stores"), ctx.clients.Get<menu::MenuClient>("menu"),
                         ctx.clients.Get<payment::PaymentClient>("payment"),
                         ctx.clients.Get<customer::CustomerClient>("customer"),
                         &ctx.clients.Get<kitchen::KitchenClient>("kitchen")};
    service_ = std::make_unique<OrderService>(ctx.db, ctx.clock, ctx.ids, clients, options, ctx.events_committed);
    service_->set_cache(&ctx.cache);  // in-flight markers of placements, seen by every replica
    ctx.clients.Provide<OrderClient>("order", *service_);

    // A payment that was pending is settled (a provider callback): continue the order's saga.
    bus::Consumer consumer(ctx.db, "order");
    consumer.OnEach<payment::events::PaymentSettled>([this](const payment::events::PaymentSettled& e, const bus::CloudEvent&) {
      service_->PaymentSettled(e.order_id);
      return core::Status(core::Ok());
    });
    // The order follows its kitchen ticket and its delivery (decision 0019), and its trackers hear
    // every new time the kitchen or the driver gives.
    consumer.OnEach<kitchen::events::TicketStatusChanged>(
        [this](const kitchen::events::TicketStatusChanged& e, const bus::CloudEvent&) -> core::Status {
          std::optional<OrderStatus> target;
          if (e.status == "making") target = OrderStatus::kPreparing;
          if (e.status == "in_oven") target = OrderStatus::kBaking;
          if (e.status == "ready") target = OrderStatus::kReady;
          if (e.status == "handed_off" && e.order_type == "carryout") target = OrderStatus::kPickedUp;
          if (e.status == "handed_off" && e.order_type == "dine_in") target = OrderStatus::kServed;
          if (!target) return core::Ok();  // queued, scheduled, voided; a delivery leaves with its driver
          return service_->FollowKitchen(e.order_id, *target, "kitchen");
        });
    consumer.OnEach<kitchen::events::DeliveryStatusChanged>(
        [this](const kitchen::events::DeliveryStatusChanged& e, const bus::CloudEvent&) -> core::Status {
          if (e.status == "out_for_delivery") return service_->FollowKitchen(e.order_id, OrderStatus::kOutForDelivery, "driver");
          if (e.status == "delivered") return service_->FollowKitchen(e.order_id, OrderStatus::kDelivered, "driver");
          return core::Ok();
        });
    consumer.OnEach<kitchen::events::PromiseChanged>(
        [this](const kitchen::events::PromiseChanged& e, const bus::CloudEvent&) {
          return service_->UpdatePromise(e.order_id, e.promised_at, e.cause);
        });
    // Each effect is a few statements and a commit of its own; orders are independent (and two
    // replicas on RabbitMQ already handle them at once): four at a time, one order's events in
    // order. On a promotion night one lane fell 3,500 events behind the kitchen (issue 18).
    consumer.Lanes(4);
    ctx.bus.Subscribe(std::move(consumer).Build());

    // Trackers on every replica: each change committed here is told to the others over the bus,
    // and theirs to us; the order's history fills what a lost notice leaves out.
    service_->SetTrackedNotifier([&bus = ctx.bus](const std::string& order_id, const TrackedEvent& e) {
      bus.Broadcast("order.tracked", json_codec::Encode(TrackedNotice{order_id, e.seq, e.status, e.data, e.last}));
    });
    ctx.bus.Listen("order.tracked", [this](const std::string& body) {
      auto notice = json_codec::Decode<TrackedNotice>(body);
      if (!notice) {
        log::Warn("unreadable tracking notice", {{"error", notice.error().detail}});
        return;
      }
      service_->DeliverTracked(notice->order_id, {notice->seq, notice->status, notice->data, notice->last});
    });

    RegisterRoutes(ctx.router, *service_);
    ctx.add_task({.name = "order tracking keepalive", .period = std::chrono::seconds(5)}, [this, catch_up = 0]() mutable {
      service_->tracker().Keepalive();
      // Every 15 s, trackers catch up from the database (a notice lost while the broker was away).
      if (++catch_up % 3 == 0) service_->CatchUpTrackers();
      return task::Next::Period();
    });
    auto& backlog = ctx.metrics.AddGauge("order_saga_backlog",
                                         "Orders whose saga has a step to run (retries, pending payments, recovery).", {});
    auto& open = ctx.metrics.AddGauge("order_open_orders", "Orders not yet finished, by status.", {"status"});
    auto& oldest = ctx.metrics.AddGauge("order_oldest_open_seconds",
                                        "How long the oldest unfinished order has been in its status.", {"status"});
    ctx.metrics.OnCollect([this, &backlog, &open, &oldest, &clock = ctx.clock] {
      try {
        backlog.WithLabels({}).Set(double(service_->SagaBacklog()));
        // Every open status is written each time, so a status that emptied reads 0, not its last value.
        for (const char* status : {"pending_payment", "confirmed", "preparing", "baking", "ready", "out_for_delivery"}) {
          open.WithLabels({status}).Set(0);
          oldest.WithLabels({status}).Set(0);
        }
        const auto now = clock.Now();
        for (const auto& s : service_->OpenByStatus()) {
          open.WithLabels({s.status}).Set(double(s.count));
          if (auto since = core::ParseRfc3339(s.oldest_updated_at)) {
            oldest.WithLabels({s.status}).Set(std::chrono::duration<double>(now - *since).count());
          }
        }
      } catch (const std::exception& e) {
        log::Warn("order metrics unavailable", {{"error", e.what()}});
      }
    });
  }

  void Start() override { service_->Start(); }  // resumes sagas a crash interrupted
  void CloseStreams() override { service_->tracker().CloseAll(); }
  void Stop() override { service_->Stop(); }

 private:
  OrderSettings settings_;
  std::unique_ptr<OrderService> service_;
};

}  // namespace

std::unique_ptr<module::Module> MakeModule() { return std::make_unique<OrderModule>(); }

}  // namespace vetahut::order
