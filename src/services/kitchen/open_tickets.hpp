#pragma once
/// A store's open tickets, kept in memory and brought up to date by reading only what changed.
///
/// Every change to a ticket takes the store's next seq in its transaction (the row of
/// kitchen_stores, which also serializes them), so "the tickets whose seq is above the one I hold"
/// is exactly what moved. A quote, a new ticket and a re-estimate need the whole open queue; read
/// from the database each time, that is every open ticket's row per order — with a long queue the
/// kitchen spent most of the database's time there. Here it is one seq read, and the rows of the
/// tickets that changed since. The whole queue is re-read every `full_reload` anyway, which
/// bounds what another replica's estimate writes (which do not move the seq) can leave stale.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/db/database.hpp"
#include "services/kitchen/domain/promise_model.hpp"
#include "services/kitchen/kitchen_repository.hpp"

namespace vetahut::kitchen {

/// One store's open tickets at a seq; immutable once built (shared by readers).
struct OpenQueue {
  std::int64_t seq = 0;
  /// Open tickets (not handed off or voided), scheduled ones included, by (fired_us or 0, id).
  std::vector<std::shared_ptr<const Ticket>> tickets;
  /// The fired, open ones as the capacity model sees them, in the same order.
  std::vector<ModelTicket> models;
};

class OpenTicketCache {
 public:
  explicit OpenTicketCache(const KitchenRepository& repository,
                           std::chrono::steady_clock::duration full_reload = std::chrono::seconds(5))
      : repository_(repository), full_reload_(full_reload) {}

  /// The store's open queue as of (at least) its current seq, read through `s`.
  std::shared_ptr<const OpenQueue> Get(db::Session& s, const std::string& store_id);

  /// A ticket's estimate as a re-estimate wrote it (SetEstimate does not move the seq): applied
  /// to the cached copy if that copy is still the version the re-estimate read (`ticket_seq`).
  struct Estimate {
    std::string ticket_id;
    std::int64_t ticket_seq = 0;
    std::string estimated_ready_at;
    std::string announced_at;
  };
  void NoteEstimates(const std::string& store_id, const std::vector<Estimate>& estimates);

  /// Forgets every store (tests, and after writes that bypass the seq).
  void Clear();

 private:
  struct Entry {
    std::shared_ptr<const OpenQueue> queue;
    std::chrono::steady_clock::time_point loaded;  ///< of the last full read
  };
  const KitchenRepository& repository_;
  const std::chrono::steady_clock::duration full_reload_;
  std::mutex mutex_;
  std::map<std::string, Entry> stores_;
};

}  // namespace vetahut::kitchen
