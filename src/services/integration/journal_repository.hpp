#pragma once
/// The sales journal's tables: its facts (sales, refunds) and the journals made from them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/db/database.hpp"
#include "services/integration/domain/sales_journal.hpp"

namespace vetahut::integration {

/// A sale as order.confirmed describes it (completion comes later).
struct ConfirmedSale {
  SaleRecord sale;   ///< completed_at empty
  std::string store_id;
};

/// A refund as payment.refunded describes it.
struct NewRefund {
  RefundRecord refund;
  std::int64_t refunded_us = 0;
};

/// The journal of a store and day, as last made.
struct JournalRow {
  std::string store_id;
  std::string business_date;
  std::string currency;
  bool closed = false;
  std::int64_t revision = 0;
  std::string json_sha256;
  std::string csv_sha256;
  std::int64_t orders = 0;
  std::int64_t net_total = 0;
  std::string generated_at;
  std::string generated_by;
  std::string event_id;
};

/// A fact no closed journal has counted yet.
struct OpenFact {
  std::string store_id;
  std::int64_t at_us = 0;
};

class JournalRepository {
 public:
  /// Records a confirmed order's amounts (a redelivery or a later completion keeps what is there).
  void UpsertSale(db::Session& tx, const ConfirmedSale& s) const;
  /// Marks an order completed; a completion seen before its confirmation leaves a placeholder the
  /// confirmation fills in (journals count only confirmed ones).
  void Complete(db::Session& tx, const std::string& order_id, const std::string& store_id, const std::string& at,
                std::int64_t at_us) const;
  /// Records a refund once (by event id); its store comes from the order's sale row.
  void InsertRefund(db::Session& tx, const NewRefund& r) const;

  /// Completed, confirmed sales of a store in [from_us, to_us).
  std::vector<SaleRecord> Sales(db::Session& s, const std::string& store_id, std::int64_t from_us, std::int64_t to_us) const;
  std::vector<RefundRecord> Refunds(db::Session& s, const std::string& store_id, std::int64_t from_us,
                                    std::int64_t to_us) const;
  /// Facts of a store in [from_us, to_us) now counted by the closed journal of `business_date`.
  void MarkJournaled(db::Session& tx, const std::string& store_id, std::int64_t from_us, std::int64_t to_us,
                     const std::string& business_date) const;
  /// Facts no closed journal has counted, oldest first (at most `limit`).
  std::vector<OpenFact> OpenFacts(db::Session& s, int limit) const;

  std::optional<JournalRow> FindJournal(db::Session& s, const std::string& store_id, const std::string& business_date) const;
  void SaveJournal(db::Session& tx, const JournalRow& j) const;
  /// Journals newest day first; `store_id` "" = every store. Cursor: "<business_date>_<store_id>" of the last row.
  std::vector<JournalRow> Journals(db::Session& s, const std::string& store_id, int limit,
                                   const std::optional<std::pair<std::string, std::string>>& after) const;
};

}  // namespace vetahut::integration
