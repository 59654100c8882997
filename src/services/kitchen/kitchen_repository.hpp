#pragma once
/// The kitchen service's SQL for tickets, bumps, setups and the per-store stream sequence. Rows
/// map by column name.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/db/database.hpp"
#include "services/kitchen/ticket_record.hpp"

namespace vetahut::kitchen {

/// One bump as stored (for recall).
struct BumpRow {
  std::int64_t bump_no = 0;
  std::string station;
  std::optional<std::int64_t> item_index;
  std::string items_before;
  std::string status_before;
  std::string at;
};

class KitchenRepository {
 public:
  std::optional<Ticket> Find(db::Session& s, const std::string& ticket_id) const;
  std::optional<Ticket> FindByOrder(db::Session& s, const std::string& order_id) const;
  /// Open tickets (not handed off or voided), scheduled ones included, oldest first.
  std::vector<Ticket> Open(db::Session& s, const std::string& store_id) const;
  /// The store's tickets of one status, newest first (handed-off and voided ones too).
  std::vector<Ticket> WithStatus(db::Session& s, const std::string& store_id, TicketStatus status, int limit) const;
  /// Stores with a scheduled ticket, and stores with any open ticket.
  std::vector<std::string> StoresWithScheduled(db::Session& s) const;
  std::vector<std::string> StoresWithOpen(db::Session& s) const;

  void Insert(db::Session& tx, const Ticket& t) const;
  /// Writes the ticket if nobody bumped it since it was read (`bumps` as read); false otherwise.
  bool Update(db::Session& tx, const Ticket& t, std::int64_t bumps_as_read) const;
  /// Sets a ticket's estimate (and the promise last announced) without touching anything else.
  void SetEstimate(db::Session& tx, const std::string& ticket_id, const std::string& estimated_ready_at,
                   const std::string& announced_at) const;

  /// The store's next stream sequence number (its row serializes the store's kitchen writes).
  std::int64_t NextSeq(db::Session& tx, const std::string& store_id) const;
  std::int64_t CurrentSeq(db::Session& s, const std::string& store_id) const;
  /// Ids of the store's tickets changed after `seq` (what a screen missed while away).
  std::vector<std::string> ChangedSince(db::Session& s, const std::string& store_id, std::int64_t seq) const;
  /// The store's tickets changed after `seq`, whole (closed ones too: the cache drops them).
  std::vector<Ticket> ChangedTickets(db::Session& s, const std::string& store_id, std::int64_t seq) const;
  bool BusyPaused(db::Session& s, const std::string& store_id) const;
  void SetBusyPaused(db::Session& s, const std::string& store_id, bool paused) const;

  void InsertBump(db::Session& tx, const std::string& ticket_id, const BumpRow& bump, const std::string& by) const;
  std::optional<BumpRow> LastBump(db::Session& s, const std::string& ticket_id) const;
  void MarkRecalled(db::Session& tx, const std::string& ticket_id, std::int64_t bump_no) const;

  std::optional<std::string> FindSetup(db::Session& s, const std::string& store_id) const;
  void UpsertSetup(db::Session& tx, const std::string& store_id, const std::string& setup_json, const std::string& at,
                   const std::string& by) const;
};

}  // namespace vetahut::kitchen
