#include "services/analytics/lake.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <system_error>

#include "lib/core/clock.hpp"
#include "lib/db/database.hpp"
#include "lib/log/log.hpp"
#include "services/analytics/avro_file.hpp"

namespace vetahut::analytics {
namespace {

namespace fs = std::filesystem;

/// One dataset: the table it exports, the columns that date and place a row, its row order and
/// its fields (each the column of the same name).
struct Dataset {
  std::string name;
  std::string table;
  std::string date_column;
  std::string order_by;
  std::vector<AvroField> fields;
};

AvroField S(std::string name, bool nullable = false) { return {std::move(name), AvroType::kString, nullable, ""}; }
AvroField L(std::string name, bool nullable = false) { return {std::move(name), AvroType::kLong, nullable, ""}; }
AvroField D(std::string name, bool nullable = false) { return {std::move(name), AvroType::kDouble, nullable, ""}; }
AvroField B(std::string name) { return {std::move(name), AvroType::kBoolean, false, ""}; }

const std::vector<Dataset>& AllDatasets() {
  static const std::vector<Dataset> all = {
      {"events", "analytics_events", "local_date", "time_us, event_id",
       {S("event_id"), S("type"), S("source"), S("subject"), S("time"), L("time_us"), S("dataschema"), S("traceparent"),
        S("store_id"), S("order_id", true), S("local_date"), {"data", AvroType::kString, false, "the event's JSON payload"}}},
      {"orders", "analytics_orders", "business_date", "placed_us, order_id",
       {S("order_id"), S("store_id"), L("number"), S("business_date"), L("local_hour"), S("channel"), S("order_type"),
        S("customer_id", true), B("guest"), S("placed_at"), L("placed_us"), S("promised_at"), L("promised_us"), B("scheduled"),
        S("payment_method"), S("currency"), L("subtotal"), L("discount"), L("tax"), L("delivery_fee"), L("tip"), L("total"),
        L("units"), L("captured"), L("refunded"), S("final_status"), S("final_status_at")}},
      {"order_lines", "analytics_order_lines", "business_date", "order_id, line_index",
       {S("order_id"), L("line_index"), S("store_id"), S("business_date"), S("product_id"), S("product_name"), S("category_id"),
        B("deal"), S("size"), S("crust"), S("toppings"), L("quantity"), S("currency"), L("gross"), L("discount"), L("revenue"),
        L("tax")}},
      {"order_statuses", "analytics_order_statuses", "local_date", "at_us, event_id",
       {S("event_id"), S("order_id"), S("store_id"), S("local_date"), S("status"), S("previous_status"), S("reason"), S("at"),
        L("at_us")}},
      {"payments", "analytics_payments", "local_date", "at_us, event_id",
       {S("event_id"), S("order_id"), S("payment_id"), S("kind"), S("method"), S("status"), L("amount"), S("currency"),
        S("decline_code"), S("at"), L("at_us"), S("store_id"), S("local_date")}},
      {"tickets", "analytics_tickets", "local_date", "first_seen_us, ticket_id",
       {S("ticket_id"), S("order_id"), S("store_id"), L("number"), S("order_type"), S("local_date"), L("local_hour"),
        S("status"), L("status_us"), L("first_seen_us"), L("fired_us", true), L("queued_us", true), L("making_us", true),
        L("in_oven_us", true), L("ready_us", true), L("handed_off_us", true), L("voided_us", true),
        L("promised_ready_us", true), B("promise_from_ready"), L("promise_seen_us"), S("fired_at", true), S("ready_at", true),
        S("promised_ready_at", true), D("wait_s", true), D("make_s", true), D("bake_s", true), D("prep_s", true),
        D("late_s", true)}},
      {"station_times", "analytics_station_times", "local_date", "arrived_us, ticket_id, item_index, visit_no",
       {S("ticket_id"), L("item_index"), L("visit_no"), S("store_id"), S("order_id"), S("order_type"), S("local_date"),
        L("local_hour"), S("product_id"), S("kind"), S("station"), S("station_name"), B("oven"), L("arrived_us"),
        L("started_us"), L("done_us"), D("wait_s"), D("work_s"), D("total_s"), S("event_id"), L("event_us")}},
      {"deliveries", "analytics_deliveries", "local_date", "first_seen_us, delivery_id",
       {S("delivery_id"), S("order_id"), S("store_id"), S("driver_id", true), L("driver_seen_us"), S("local_date"),
        L("local_hour"), S("status"), L("status_us"), L("first_seen_us"), L("waiting_us", true), L("assigned_us", true),
        L("dispatched_us", true), L("delivered_us", true), L("cancelled_us", true), L("eta_us", true),
        S("dispatched_at", true), S("delivered_at", true), D("to_door_s", true), D("eta_error_s", true)}},
  };
  return all;
}

std::string SelectOf(const Dataset& d) {
  std::string columns;
  for (const auto& f : d.fields) columns += (columns.empty() ? "" : ", ") + f.name;
  return fmt::format("SELECT {} FROM {} WHERE store_id = $1 AND {} = $2 ORDER BY {}", columns, d.table, d.date_column,
                     d.order_by);
}

/// "part-00012.avro" → 12; anything else → nullopt.
std::optional<int> PartIndex(const std::string& file_name) {
  if (file_name.size() != 15 || !file_name.starts_with("part-") || !file_name.ends_with(".avro")) return std::nullopt;
  int n = 0;
  for (char c : file_name.substr(5, 5)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

void SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);  // the renames are durable once the directory is
  ::close(fd);
}

constexpr const char* kUpsertPartition =
    "INSERT INTO analytics_lake_partitions (dataset, store_id, local_date, row_count, parts, exported_at) VALUES ($1, $2, $3, "
    "$4, $5, $6) ON CONFLICT (dataset, store_id, local_date) DO UPDATE SET row_count = excluded.row_count, parts = "
    "excluded.parts, exported_at = excluded.exported_at";
constexpr const char* kUpsertWatermark =
    "INSERT INTO analytics_lake_watermarks (store_id, exported_through, updated_at) VALUES ($1, $2, $3) ON CONFLICT (store_id) "
    "DO UPDATE SET exported_through = excluded.exported_through, updated_at = excluded.updated_at";

}  // namespace

LakeExporter::LakeExporter(db::Database& db, const core::Clock& clock, LakeOptions options)
    : db_(db), clock_(clock), options_(std::move(options)) {}

std::vector<std::string> LakeExporter::Datasets() {
  std::vector<std::string> names;
  for (const auto& d : AllDatasets()) names.push_back(d.name);
  return names;
}

std::vector<LakeExporter::StoreRow> LakeExporter::Stores(const std::optional<std::string>& only) {
  std::vector<StoreRow> out;
  const auto rows = only ? db_.Query("SELECT store_id, time_zone FROM analytics_stores WHERE store_id = $1", db::Params(*only))
                         : db_.Query("SELECT store_id, time_zone FROM analytics_stores ORDER BY store_id");
  for (const auto& r : rows) {
    const std::string id = r.Text("store_id");
    if (!IsPlainId(id)) {
      log::Warn("analytics lake: a store id cannot name a folder; its days are not exported", {{"store_id", id}});
      continue;
    }
    out.push_back({id, r.Text("time_zone")});
  }
  return out;
}

DayNumber LakeExporter::LastClosedDay(const StoreClock& clock) const {
  const auto now = clock_.Now();
  const DayNumber today = clock.LocalDay(now);
  return now >= clock.StartOf(today) + options_.delay ? today - 1 : today - 2;
}

std::optional<DayNumber> LakeExporter::Watermark(const std::string& store_id) {
  if (auto rs = db_.Query("SELECT exported_through FROM analytics_lake_watermarks WHERE store_id = $1", db::Params(store_id));
      !rs.empty()) {
    return ParseDate(rs[0].Text("exported_through"));
  }
  const auto first = db_.Query(
      "SELECT MIN(d) AS first FROM (SELECT MIN(local_date) AS d FROM analytics_events WHERE store_id = $1 UNION ALL "
      "SELECT MIN(business_date) AS d FROM analytics_orders WHERE store_id = $1 UNION ALL "
      "SELECT MIN(local_date) AS d FROM analytics_tickets WHERE store_id = $1) firsts",
      db::Params(store_id));
  if (first.empty() || first[0].IsNull("first")) return std::nullopt;
  auto day = ParseDate(first[0].Text("first"));
  if (!day) return std::nullopt;
  return *day - 1;
}

PartitionWritten LakeExporter::WritePartition(const std::string& dataset_name, const std::string& store_id, DayNumber day) {
  const auto& all = AllDatasets();
  const auto it = std::find_if(all.begin(), all.end(), [&](const Dataset& d) { return d.name == dataset_name; });
  if (it == all.end()) throw std::logic_error("no lake dataset " + dataset_name);
  const Dataset& dataset = *it;
  PartitionWritten written{dataset.name, store_id, FormatDate(day), 0, {}};
  const auto rows = db_.Query(SelectOf(dataset), db::Params(store_id, written.date));
  const fs::path relative = fs::path(dataset.name) / ("date=" + written.date) / ("store=" + store_id);
  const fs::path dir = options_.dir / relative;

  std::size_t parts = 0;
  if (!rows.empty()) {
    fs::create_directories(dir);
    const auto per_part = static_cast<std::size_t>(std::max<std::int64_t>(1, options_.rows_per_part));
    parts = (rows.size() + per_part - 1) / per_part;
    for (std::size_t part = 0; part < parts; ++part) {
      const std::string name = fmt::format("part-{:05}.avro", part);
      // Readers (Spark, Hive, DuckDB globs) skip dot-files: a temporary file is never read as data.
      const fs::path temp = dir / fmt::format(".{}.{}.tmp", name, ::getpid());
      AvroFileWriter writer(temp, dataset.name, dataset.fields, options_.codec);
      for (std::size_t i = part * per_part; i < std::min(rows.size(), (part + 1) * per_part); ++i) writer.Append(rows[i]);
      writer.Close();
      fs::rename(temp, dir / name);
      written.files.push_back((relative / name).string());
    }
    SyncDirectory(dir);
  }
  // Parts beyond this export's (an earlier export had more rows) go; a day without rows has none.
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      auto index = PartIndex(entry.path().filename().string());
      if (index && static_cast<std::size_t>(*index) >= parts) fs::remove(entry.path());
    }
    if (parts == 0) {
      fs::remove(dir, ec);  // only if empty
      fs::remove(dir.parent_path(), ec);
    }
  }
  written.rows = static_cast<std::int64_t>(rows.size());
  if (parts > 0) {
    if (options_.on_written) options_.on_written(written);
    db_.Exec(kUpsertPartition, db::Params(dataset.name, store_id, written.date, written.rows, static_cast<std::int64_t>(parts),
                                          core::FormatRfc3339(clock_.Now())));
  } else {
    db_.Exec("DELETE FROM analytics_lake_partitions WHERE dataset = $1 AND store_id = $2 AND local_date = $3",
             db::Params(dataset.name, store_id, written.date));
  }
  return written;
}

std::vector<PartitionWritten> LakeExporter::ExportDay(const std::string& store_id, DayNumber day) {
  std::vector<PartitionWritten> out;
  for (const auto& d : AllDatasets()) {
    auto written = WritePartition(d.name, store_id, day);
    if (written.rows > 0) out.push_back(std::move(written));
  }
  return out;
}

ExportRound LakeExporter::ExportDue() {
  std::lock_guard lock(mutex_);
  ExportRound round;
  auto take = [&](std::vector<PartitionWritten> written) {
    for (auto& w : written) round.written.push_back(std::move(w));
    ++round.days;
  };
  for (const auto& store : Stores()) {
    const StoreClock clock(store.time_zone);
    const auto watermark = Watermark(store.store_id);
    if (!watermark) continue;  // nothing happened at this store yet
    // Exported days whose facts changed since: the mark goes first, so a change during the export marks it again.
    for (const auto& row : db_.Query("SELECT local_date FROM analytics_lake_dirty WHERE store_id = $1 ORDER BY local_date",
                                     db::Params(store.store_id))) {
      if (round.days >= options_.max_days_per_round) {
        round.more = true;
        return round;
      }
      const std::string date = row.Text("local_date");
      db_.Exec("DELETE FROM analytics_lake_dirty WHERE store_id = $1 AND local_date = $2", db::Params(store.store_id, date));
      if (auto day = ParseDate(date); day && *day <= *watermark) take(ExportDay(store.store_id, *day));
    }
    const DayNumber last = LastClosedDay(clock);
    for (DayNumber day = *watermark + 1; day <= last; ++day) {
      if (round.days >= options_.max_days_per_round) {
        round.more = true;
        return round;
      }
      take(ExportDay(store.store_id, day));
      db_.Exec(kUpsertWatermark, db::Params(store.store_id, FormatDate(day), core::FormatRfc3339(clock_.Now())));
    }
  }
  return round;
}

ExportRound LakeExporter::ExportPeriod(const std::optional<std::string>& store_id, const Period& period) {
  std::lock_guard lock(mutex_);
  ExportRound round;
  for (const auto& store : Stores(store_id)) {
    for (DayNumber day = period.from; day <= period.to; ++day) {
      for (auto& w : ExportDay(store.store_id, day)) round.written.push_back(std::move(w));
      ++round.days;
    }
  }
  return round;
}

std::vector<std::pair<std::string, std::int64_t>> LakeExporter::DaysBehind() {
  // One query, whatever the size of the chain (this runs on every scrape of /metrics); a store
  // exported never yet has no watermark and is not listed.
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& r : db_.Query("SELECT s.store_id AS store_id, s.time_zone AS time_zone, w.exported_through AS through FROM "
                                 "analytics_stores s JOIN analytics_lake_watermarks w ON w.store_id = s.store_id")) {
    const auto through = ParseDate(r.Text("through"));
    if (!through) continue;
    const DayNumber last = LastClosedDay(StoreClock(r.Text("time_zone")));
    out.emplace_back(r.Text("store_id"), std::max<std::int64_t>(0, last - *through));
  }
  return out;
}

}  // namespace vetahut::analytics
