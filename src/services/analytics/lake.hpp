#pragma once
/// The data lake: every event and fact exported as Avro object container files, partitioned
///   <dir>/<dataset>/date=YYYY-MM-DD/store=<store_id>/part-NNNNN.avro
/// by the store-local day. A partition is written whole each time (same rows in the same order
/// for the same facts: re-running a day is idempotent), each file to a temporary name, synced and
/// renamed into place, then parts left over from a longer earlier export are removed. Closed days
/// are exported in order after each store's watermark (stored, so a crash resumes where it
/// stopped); an exported day whose facts changed since is marked by the fold and written again.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/analytics/domain/local_time.hpp"
#include "services/analytics/domain/report_query.hpp"

namespace vetahut::core {
class Clock;
}
namespace vetahut::db {
class Database;
}

namespace vetahut::analytics {

/// One partition as written.
struct PartitionWritten {
  std::string dataset;
  std::string store_id;
  std::string date;
  std::int64_t rows = 0;
  std::vector<std::string> files;  ///< relative to the lake's root
};

struct LakeOptions {
  std::filesystem::path dir;              ///< the lake's root
  std::string codec = "deflate";          ///< deflate | snappy | null
  std::int64_t rows_per_part = 1000000;   ///< a partition with more rows gets more parts
  std::chrono::minutes delay{60};         ///< a day is closed this long after the store's midnight
  int max_days_per_round = 31;            ///< days one export round writes at most
  /// Told of every partition written with rows (metrics).
  std::function<void(const PartitionWritten&)> on_written;
};

struct ExportRound {
  std::vector<PartitionWritten> written;
  int days = 0;       ///< store-days exported
  bool more = false;  ///< closed days are still waiting (the next round continues)
};

class LakeExporter {
 public:
  LakeExporter(db::Database& db, const core::Clock& clock, LakeOptions options);

  /// The datasets, in the order they are written: events, orders, order_lines, order_statuses,
  /// payments, tickets, deliveries.
  static std::vector<std::string> Datasets();

  /// Writes one store's day: every dataset's partition (a dataset without rows that day has none).
  std::vector<PartitionWritten> ExportDay(const std::string& store_id, DayNumber day);
  /// Exports, per store, the closed days after its watermark (advancing it day by day) and the
  /// exported days marked as changed — at most max_days_per_round store-days.
  ExportRound ExportDue();
  /// Exports the days of `period` for one store or every store known, whatever the watermark
  /// (an admin's re-export; an open day is exported as it is now).
  ExportRound ExportPeriod(const std::optional<std::string>& store_id, const Period& period);

  /// Per store with a watermark, how many closed days are not exported yet (for /metrics).
  std::vector<std::pair<std::string, std::int64_t>> DaysBehind();

  const LakeOptions& options() const { return options_; }

 private:
  struct StoreRow {
    std::string store_id;
    std::string time_zone;
  };
  std::vector<StoreRow> Stores(const std::optional<std::string>& only = std::nullopt);
  /// The last closed day of a store now.
  DayNumber LastClosedDay(const StoreClock& clock) const;
  /// The day after which a store's export continues: its watermark, or the day before its first event.
  std::optional<DayNumber> Watermark(const std::string& store_id);
  PartitionWritten WritePartition(const std::string& dataset, const std::string& store_id, DayNumber day);

  db::Database& db_;
  const core::Clock& clock_;
  LakeOptions options_;
  std::mutex mutex_;  // one export at a time (the periodic task and an admin's request)
};

}  // namespace vetahut::analytics
