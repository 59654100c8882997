#pragma once
/// The analytics service as a module: facts from the order, payment, kitchen and delivery events
/// (its own queue), the reports API, and the Avro data lake. Needs "stores" (each store's time
/// zone); provides no client. Its settings (section [analytics]) live here.
#include <cstdint>
#include <memory>
#include <string>

#include "lib/config/config.hpp"
#include "lib/db/migrations.hpp"
#include "lib/module/module.hpp"

namespace vetahut::analytics {

/// Section [analytics].
struct AnalyticsSettings {
  std::string lake_dir;                     ///< the lake's root; empty = <app.data_dir>/lake
  bool lake_export = true;                  ///< export closed days periodically
  int lake_interval_s = 300;                ///< between export rounds
  int lake_delay_minutes = 60;              ///< a day is closed this long after the store's midnight
  std::string lake_codec = "deflate";       ///< Avro block codec: deflate | snappy | null
  std::int64_t lake_rows_per_part = 1000000;  ///< rows per file of a partition
  int max_report_days = 366;                ///< the longest period a report may span
};

const config::Schema<AnalyticsSettings>& AnalyticsSchema();

/// The module's migrations with its inbox (and unused outbox, as every module has).
std::vector<db::Migration> AllMigrations();

std::unique_ptr<module::Module> MakeModule();

}  // namespace vetahut::analytics
