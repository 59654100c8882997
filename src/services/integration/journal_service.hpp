#pragma once
/// The ERP export (decision 0027): a daily sales journal per store and business day — completed
/// orders by the day they were handed over, refunds by the day they were given — written as JSON
/// and CSV into the exports folder (atomically) and pushed to the webhooks that subscribe to
/// com.vetahut.integration.sales_journal. The same facts always give the same bytes.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/bus/cloud_event.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/core/result.hpp"
#include "lib/db/database.hpp"
#include "services/integration/journal_repository.hpp"
#include "services/integration/webhook_service.hpp"
#include "services/location/client.hpp"
#include "services/order/events.hpp"
#include "services/payment/events.hpp"

namespace vetahut::integration {

/// The journal settings (section [integration]).
struct JournalOptions {
  std::string exports_dir;                 ///< journals go to <exports_dir>/sales-journals/<store>/<date>.{json,csv}
  std::chrono::minutes grace{60};          ///< a day is closed this long after local midnight
  std::size_t max_payload_bytes = 262144;  ///< larger journals are pushed without the journal itself (a link)
};

/// A journal as made, with where its files are.
struct ProducedJournal {
  JournalRow row;
  SalesJournal journal;
  std::string json_path;
  std::string csv_path;
  bool changed = false;  ///< its bytes differ from the last run's (a new revision, pushed)
};

/// A journal file's bytes.
struct JournalFile {
  std::string content_type;
  std::string file_name;
  std::string bytes;
};

class JournalService {
 public:
  JournalService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                 location::StoreDirectoryClient& stores, WebhookService& webhooks, JournalOptions options);

  // The facts, in the consumer's transaction.
  void RecordConfirmed(db::Session& tx, const order::events::OrderConfirmed& e);
  void RecordCompleted(db::Session& tx, const order::events::OrderCompleted& e, const bus::CloudEvent& event);
  void RecordRefund(db::Session& tx, const payment::events::PaymentRefunded& e, const bus::CloudEvent& event);

  /// Makes (or makes again) the journal of `store_id` for `business_date` (YYYY-MM-DD in the
  /// store's zone). kValidation naming store_id or business_date for an unknown store, a malformed
  /// date or a day that has not begun there; a day still running gives a journal with closed false.
  core::Result<ProducedJournal> Produce(const std::string& store_id, const std::string& business_date,
                                        const std::string& by);
  /// The periodic job: makes the journal of every day that holds facts no closed journal counted
  /// once the day has ended in its store's zone (plus the grace). Returns journals made.
  int CloseDays();

  core::Result<JournalRow> Get(const std::string& store_id, const std::string& business_date);
  std::vector<JournalRow> List(const std::string& store_id, int limit,
                               const std::optional<std::pair<std::string, std::string>>& after);
  /// A journal's file ("json" or "csv"): kNotFound when never made, or when this process's exports
  /// folder lacks it (another replica's disk): make it again.
  core::Result<JournalFile> Read(const std::string& store_id, const std::string& business_date, const std::string& format);

  /// Where a journal's file lives.
  std::string PathOf(const std::string& store_id, const std::string& business_date, const std::string& extension) const;

 private:
  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  location::StoreDirectoryClient& stores_;
  WebhookService& webhooks_;
  JournalOptions options_;
  JournalRepository repository_;
  std::mutex produce_mutex_;  // one run per process at a time: no two revisions pushed for one change
};

/// Lowercase hex SHA-256.
std::string Sha256Hex(std::string_view bytes);

/// Writes `bytes` to `path` so a reader sees the old file or the new one, never a part: a temporary
/// file beside it, fsync, rename, fsync of the folder. Throws on I/O failure.
void WriteFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace vetahut::integration
