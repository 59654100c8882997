#include "services/analytics/module.hpp"

#include <filesystem>

#include "lib/bus/event_bus.hpp"
#include "lib/bus/outbox.hpp"
#include "lib/db/database.hpp"
#include "lib/log/log.hpp"
#include "lib/metrics/registry.hpp"
#include "migrations/analytics.hpp"
#include "services/analytics/api.hpp"
#include "services/analytics/cashier_report.hpp"
#include "services/analytics/fact_folder.hpp"
#include "services/analytics/lake.hpp"
#include "services/analytics/reports.hpp"

namespace vetahut::analytics {

const config::Schema<AnalyticsSettings>& AnalyticsSchema() {
  static const config::Schema<AnalyticsSettings> schema = [] {
    config::Schema<AnalyticsSettings> s("analytics");
    s.String("lake_dir", "the data lake's folder (Avro files); empty = <app.data_dir>/lake", &AnalyticsSettings::lake_dir)
        .Bool("lake_export", "export each closed day to the lake periodically", &AnalyticsSettings::lake_export)
        .Int("lake_interval_s", "seconds between lake export rounds", 5, 86400, &AnalyticsSettings::lake_interval_s)
        .Int("lake_delay_minutes", "a store's day is closed (exported) this many minutes after its local midnight", 0, 1440,
             &AnalyticsSettings::lake_delay_minutes)
        .OneOf("lake_codec", "Avro block compression: deflate, snappy or null", {"deflate", "snappy", "null"},
               &AnalyticsSettings::lake_codec)
        .Int("lake_rows_per_part", "rows per Avro file of a partition", 1000, 100000000, &AnalyticsSettings::lake_rows_per_part)
        .Int("max_report_days", "the longest period a report may span, in days", 1, 3660, &AnalyticsSettings::max_report_days);
    return s;
  }();
  return schema;
}

std::vector<db::Migration> AllMigrations() {
  auto all = Migrations();
  for (auto& m : bus::OutboxInboxMigrations("analytics", 900)) all.push_back(std::move(m));
  return all;
}

namespace {

class AnalyticsModule final : public module::Module {
 public:
  std::string_view name() const override { return "analytics"; }
  std::vector<std::string> needs() const override { return {"stores"}; }
  std::optional<config::SectionSpec> config_section() const override { return AnalyticsSchema().spec(); }

  core::Status Configure(const config::Config& config) override {
    auto settings = config.Settings(AnalyticsSchema());
    if (!settings) return core::Fail(settings.error());
    settings_ = *settings;
    return core::Ok();
  }

  std::vector<db::Migration> Migrations() const override { return AllMigrations(); }

  void Build(module::ModuleContext& ctx) override {
    facts_ = std::make_unique<FactFolder>(ctx.db, ctx.clock, ctx.clients.Get<location::StoreDirectoryClient>("stores"));
    reports_ = std::make_unique<ReportService>(ctx.db, settings_.max_report_days);
    LakeOptions lake;
    lake.dir = settings_.lake_dir.empty() ? std::filesystem::path(ctx.config.data_dir) / "lake"
                                          : std::filesystem::path(settings_.lake_dir);
    lake.codec = settings_.lake_codec;
    lake.rows_per_part = settings_.lake_rows_per_part;
    lake.delay = std::chrono::minutes(settings_.lake_delay_minutes);
    auto& rows = ctx.metrics.AddCounter("analytics_lake_rows_written_total", "Rows written to the data lake, per dataset.",
                                        {"dataset"});
    lake.on_written = [&rows](const PartitionWritten& w) { rows.WithLabels({w.dataset}).Inc(static_cast<double>(w.rows)); };
    lake_ = std::make_unique<LakeExporter>(ctx.db, ctx.clock, lake);

    // Every consumed event is recorded and folded in the transaction of its inbox record.
    auto& folded = ctx.metrics.AddCounter("analytics_events_folded_total",
                                          "Events the analytics module recorded and folded into facts, per event type.",
                                          {"type"});
    ctx.bus.Subscribe(FactSubscription(ctx.db, *facts_, [&folded](std::string_view type) {
      folded.WithLabels({type}).Inc();
    }));

    RegisterRoutes(ctx.router, *facts_, *reports_, *lake_);
    cashiers_ = std::make_unique<CashierReports>(ctx.db, settings_.max_report_days);
    RegisterCashierRoutes(ctx.router, *cashiers_);

    auto& behind = ctx.metrics.AddGauge("analytics_lake_days_behind",
                                        "Closed days of a store not yet exported to the data lake.", {"store"});
    if (settings_.lake_export) {
      ctx.add_task({.name = "analytics lake export", .period = std::chrono::seconds(settings_.lake_interval_s)},
                   [this] {
                     const auto round = lake_->ExportDue();
                     if (round.days > 0) {
                       log::Info("analytics lake exported", {{"days", round.days},
                                                             {"partitions", static_cast<std::int64_t>(round.written.size())},
                                                             {"more", round.more}});
                     }
                     return round.more ? task::Next::Again() : task::Next::Period();
                   });
    }
    ctx.metrics.OnCollect([this, &behind] {
      try {
        for (const auto& [store, days] : lake_->DaysBehind()) behind.WithLabels({store}).Set(static_cast<double>(days));
      } catch (const std::exception& e) {
        log::Warn("analytics lake metrics unavailable", {{"error", e.what()}});
      }
    });
  }

 private:
  AnalyticsSettings settings_;
  std::unique_ptr<FactFolder> facts_;
  std::unique_ptr<ReportService> reports_;
  std::unique_ptr<CashierReports> cashiers_;
  std::unique_ptr<LakeExporter> lake_;
};

}  // namespace

std::unique_ptr<module::Module> MakeModule() { return std::make_unique<AnalyticsModule>(); }

}  // namespace vetahut::analytics
