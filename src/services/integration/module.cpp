#include "services/integration/module.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <mutex>
#include <set>

#include "lib/bus/consumer.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/bus/outbox.hpp"
#include "lib/log/log.hpp"
#include "lib/metrics/registry.hpp"
#include "migrations/integration.hpp"
#include "services/integration/api.hpp"
#include "services/integration/events.hpp"
#include "services/integration/journal_service.hpp"
#include "services/integration/webhook_sender.hpp"
#include "services/integration/webhook_service.hpp"
#include "services/customer/events.hpp"
#include "services/kitchen/events.hpp"
#include "services/location/client.hpp"
#include "services/location/events.hpp"
#include "services/menu/events.hpp"
#include "services/order/events.hpp"
#include "services/payment/events.hpp"

namespace vetahut::integration {

const config::Schema<IntegrationSettings>& IntegrationSchema() {
  static const config::Schema<IntegrationSettings> schema = [] {
    using S = IntegrationSettings;
    config::Schema<S> s("integration");
    s.Bool("allow_private_targets", "let partner webhook URLs reach loopback, private and link-local addresses (tests only)",
           &S::allow_private_targets)
        .String("exports_dir", "folder for the sales journals (\"\" = <app.data_dir>/exports)", &S::exports_dir)
        .Int("timeout_ms", "milliseconds one webhook delivery attempt may take", 100, 120000, &S::timeout_ms)
        .Int("retry_first_ms", "milliseconds before a delivery's second attempt; doubles each time, ±20 % jitter", 10,
             3600000, &S::retry_first_ms)
        .Int("retry_max_ms", "the longest wait between two attempts of a delivery, in milliseconds", 10, 86400000,
             &S::retry_max_ms)
        .Int("max_attempts", "attempts per delivery before it is given up and the next one goes", 1, 100,
             &S::max_attempts)
        .Int("disable_after_failures", "failed attempts in a row that disable a subscription (with disable_after_s)", 1,
             100000, &S::disable_after_failures)
        .Int("disable_after_s", "seconds a subscription must have failed continuously before it is disabled", 0,
             30 * 86400, &S::disable_after_s)
        .Int("senders", "subscriptions delivered to at the same time by this process", 1, 32, &S::senders)
        .Int("event_log_days", "days events are kept for replay and finished deliveries in the log", 1, 3650,
             &S::event_log_days)
        .Int("replay_limit", "events one replay may queue", 1, 1000000, &S::replay_limit)
        .Int("journal_grace_minutes", "minutes after a store's local midnight before its day's journal is made", 0,
             24 * 60, &S::journal_grace_minutes)
        .Int("max_payload_bytes", "journals larger than this are pushed to webhooks as a link, not inline", 1024,
             16 << 20, &S::max_payload_bytes);
    return s;
  }();
  return schema;
}

namespace {

class IntegrationModule final : public module::Module {
 public:
  std::string_view name() const override { return "integration"; }
  std::vector<std::string> needs() const override { return {"stores"}; }
  std::optional<config::SectionSpec> config_section() const override { return IntegrationSchema().spec(); }

  core::Status Configure(const config::Config& config) override {
    auto settings = config.Settings(IntegrationSchema());
    if (!settings) return core::Fail(settings.error());
    settings_ = *settings;
    if (settings_.retry_max_ms < settings_.retry_first_ms) {
      return core::Fail(core::Error::BadRequest("configuration key integration.retry_max_ms: must be at least "
                                                "integration.retry_first_ms"));
    }
    exports_dir_ = settings_.exports_dir.empty() ? (std::filesystem::path(config.data_dir) / "exports").string()
                                                 : settings_.exports_dir;
    return core::Ok();
  }

  std::vector<db::Migration> Migrations() const override {
    auto all = integration::Migrations();
    for (auto& m : bus::OutboxInboxMigrations("integration", 900)) all.push_back(std::move(m));
    return all;
  }

  void Build(module::ModuleContext& ctx) override {
    // Every offered type is logged for replay and fanned out in the consumer's transaction, so a
    // redelivered event (the inbox) queues nothing twice. Customer account events (e-mail, phone,
    // verification and reset links) are not offered: partners get orders, payments, the kitchen,
    // the menu and stores.
    bus::Consumer consumer(ctx.db, "integration");
    std::vector<EventTypeInfo> catalog;
    auto offer = [&]<class E>(std::string description) {
      catalog.push_back({std::string(E::kType), std::move(description)});
      consumer.On<E>([this](db::Transaction& tx, const E& e, const bus::CloudEvent& event) -> core::Status {
        Facts(tx, e, event);
        if (webhooks_->Record(tx, event) > 0) webhooks_->Wake();
        return core::Ok();
      });
    };
    using namespace order::events;
    offer.operator()<OrderPlaced>("an order was stored; its payment is being settled");
    offer.operator()<OrderConfirmed>("an order is paid or to be paid at the store: lines, totals, tax, promised time");
    offer.operator()<OrderStatusChanged>("an order moved from one status to another (every move)");
    offer.operator()<OrderCompleted>("an order was handed over: delivered, picked up or served");
    offer.operator()<OrderCancelled>("an order was cancelled");
    offer.operator()<OrderRejected>("an order was rejected (payment declined or timed out, slot lost)");
    offer.operator()<OrderRefunded>("a completed order was refunded in full");
    using namespace payment::events;
    offer.operator()<PaymentAuthorized>("a card payment's amount is held");
    offer.operator()<PaymentPending>("a payment waits for the processor or the customer's authentication");
    offer.operator()<PaymentFailed>("a card authorization was declined");
    offer.operator()<PaymentDue>("an order is to be paid at the store");
    offer.operator()<PaymentCaptured>("a card was captured or cash collected");
    offer.operator()<PaymentVoided>("a card hold was released");
    offer.operator()<PaymentRefunded>("money went back to the customer (each refund, partial ones too)");
    using namespace kitchen::events;
    offer.operator()<TicketStatusChanged>("a kitchen ticket moved: queued, making, in the oven, ready, handed off, voided");
    offer.operator()<PromiseChanged>("the time a customer should expect their order changed");
    offer.operator()<DeliveryStatusChanged>("a delivery moved: waiting, assigned, out for delivery, delivered, cancelled");
    offer.operator()<LowStock>("an ingredient fell to its low-stock threshold at a store");
    offer.operator()<menu::events::MenuPublished>("a menu version became a market's live menu");
    offer.operator()<menu::events::ItemAvailabilityChanged>("an item was switched off (86) or on at a store");
    offer.operator()<location::events::StoreCreated>("a store was created");
    offer.operator()<location::events::StoreUpdated>("a store's profile changed");
    offer.operator()<location::events::StoreStatusChanged>("a store started or stopped accepting orders");
    // Not offered, but heard: an erased account's events leave the log (decision 0026).
    consumer.On<customer::events::CustomerDeleted>(
        [this](db::Transaction& tx, const customer::events::CustomerDeleted& e, const bus::CloudEvent&) -> core::Status {
          webhooks_->EraseCustomer(tx, e.customer_id);
          return core::Ok();
        });
    catalog.push_back({std::string(events::kSalesJournalType),
                       "a store's daily sales journal was made or changed (the JSON journal, or a link to it)"});

    WebhookOptions options;
    options.allow_private_targets = settings_.allow_private_targets;
    options.retry.first_retry = std::chrono::milliseconds(settings_.retry_first_ms);
    options.retry.max_retry = std::chrono::milliseconds(settings_.retry_max_ms);
    options.retry.max_attempts = settings_.max_attempts;
    options.retry.disable_after_failures = settings_.disable_after_failures;
    options.retry.disable_after = std::chrono::seconds(settings_.disable_after_s);
    options.timeout = std::chrono::milliseconds(settings_.timeout_ms);
    options.event_log_days = settings_.event_log_days;
    options.replay_limit = settings_.replay_limit;
    webhooks_ = std::make_unique<WebhookService>(ctx.db, ctx.clock, ctx.ids, resolver_, std::move(catalog), options);
    JournalOptions journal_options;
    journal_options.exports_dir = exports_dir_;
    journal_options.grace = std::chrono::minutes(settings_.journal_grace_minutes);
    journal_options.max_payload_bytes = static_cast<std::size_t>(settings_.max_payload_bytes);
    journals_ = std::make_unique<JournalService>(ctx.db, ctx.clock, ctx.ids, ctx.clients.Get<location::StoreDirectoryClient>("stores"),
                                                 *webhooks_, journal_options);
    ctx.bus.Subscribe(std::move(consumer).Build());

    auto& deliveries = ctx.metrics.AddCounter(
        "integration_webhook_deliveries_total",
        "Webhook delivery attempts by outcome: delivered, retried (failed, tried again later), given_up.", {"outcome"});
    auto& attempt_seconds = ctx.metrics.AddHistogram("integration_webhook_attempt_seconds",
                                                     "How long one webhook delivery attempt took.",
                                                     metrics::LatencyBuckets(), {});
    SenderObserver observer;
    observer.attempt = [&deliveries, &attempt_seconds](std::string_view outcome, double seconds) {
      deliveries.WithLabels({std::string(outcome)}).Inc();
      attempt_seconds.Get().Observe(seconds);
    };
    sender_ = std::make_unique<WebhookSender>(ctx.db, ctx.clock, *webhooks_, ctx.ids.Next("snd"), std::move(observer));
    for (int i = 0; i < settings_.senders; ++i) {
      senders_.push_back(&ctx.add_task(
          {.name = fmt::format("integration webhook sender {}", i + 1), .period = std::chrono::seconds(1), .run_at_start = true},
          [this, i] { return sender_->Round(i + 1); }));
    }
    webhooks_->SetWake([this] {
      sender_->Woken();
      for (auto* task : senders_) task->Notify();
    });
    ctx.add_task({.name = "integration sales journals", .period = std::chrono::seconds(60), .run_at_start = true}, [this] {
      journals_->CloseDays();
      return task::Next::Period();
    });
    ctx.add_task({.name = "integration event log purge", .period = std::chrono::hours(1)}, [this] {
      webhooks_->Purge();
      return task::Next::Period();
    });

    RegisterRoutes(ctx.router, *webhooks_, *journals_);

    auto& depth = ctx.metrics.AddGauge("integration_webhook_queue_depth",
                                       "Deliveries waiting (due or retrying later), per subscription; a deleted one drops to 0.", {"subscription"});
    ctx.metrics.OnCollect([this, &depth, &db = ctx.db] {
      try {
        std::set<std::string> now_seen;
        for (const auto& [subscription, count] : webhooks_->repository().Depths(db)) {
          depth.WithLabels({subscription}).Set(static_cast<double>(count));
          now_seen.insert(subscription);
        }
        std::lock_guard lock(depth_mutex_);
        for (const auto& gone : depth_seen_) {
          if (!now_seen.contains(gone)) depth.WithLabels({gone}).Set(0);
        }
        depth_seen_.insert(now_seen.begin(), now_seen.end());
      } catch (const std::exception& e) {
        log::Warn("integration metrics unavailable", {{"error", e.what()}});
      }
    });
  }

 private:
  /// What the sales journal keeps of an event, beside the event log.
  template <class E>
  void Facts(db::Transaction& tx, const E& e, const bus::CloudEvent& event) {
    if constexpr (std::is_same_v<E, order::events::OrderConfirmed>) journals_->RecordConfirmed(tx, e);
    if constexpr (std::is_same_v<E, order::events::OrderCompleted>) journals_->RecordCompleted(tx, e, event);
    if constexpr (std::is_same_v<E, payment::events::PaymentRefunded>) journals_->RecordRefund(tx, e, event);
    (void)tx;
    (void)e;
    (void)event;
  }

  IntegrationSettings settings_;
  std::string exports_dir_;
  SystemResolver resolver_;
  std::unique_ptr<WebhookService> webhooks_;
  std::unique_ptr<JournalService> journals_;
  std::unique_ptr<WebhookSender> sender_;
  std::vector<task::PeriodicTask*> senders_;
  std::mutex depth_mutex_;
  std::set<std::string> depth_seen_;
};

}  // namespace

std::unique_ptr<module::Module> MakeModule() { return std::make_unique<IntegrationModule>(); }

}  // namespace vetahut::integration
