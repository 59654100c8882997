#pragma once
/// Inventory: the chain's recipe book, stock per store, adjustments with who and why, low-stock
/// events once per crossing, and auto-86 — the menu items stock can no longer make are switched
/// off through the menu client and back on when stock returns. Tickets consume stock in their own
/// transaction (Consume) and a void gives it back (Return); the menu is told after the commit
/// (SyncMenu), and again by a periodic task until it has heard (the kitchen_auto86 rows record
/// what the menu should say and whether it does).
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/bus/outbox.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "services/kitchen/domain/inventory.hpp"
#include "services/menu/client.hpp"

namespace vetahut::kitchen {

/// One ingredient at one store.
struct StockRow {
  std::string ingredient_id;
  std::string name;
  std::string unit;
  double quantity = 0;
  double low_threshold = 0;
  bool low = false;
  std::string updated_at;
};

/// A change to a store's stock a person made.
struct Adjustment {
  std::string ingredient_id;
  std::string kind;  ///< received | waste | count
  double quantity = 0;  ///< received/waste: how much (> 0); count: how much there is (≥ 0)
  std::string reason;
};

struct AdjustmentRow {
  std::string id;
  std::string ingredient_id;
  std::string kind;
  double delta = 0;
  double quantity_after = 0;
  std::string reason;
  std::string by;
  std::string at;
};

/// A store's low-stock threshold for one ingredient (PATCH inventory).
struct ThresholdChange {
  std::string ingredient_id;
  double low_threshold = 0;
};

class InventoryService {
 public:
  InventoryService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, menu::MenuClient* menu,
                   std::function<void()> events_committed);

  RecipeBook Book();
  core::Status PutBook(const RecipeBook& book, const std::string& by);

  /// Takes what `items` consume from the store's stock inside `tx` (ingredients the store does not
  /// count are skipped); low_stock events and auto-86 rows go into the same transaction. Returns
  /// what was taken, as JSON {ingredient_id: quantity}.
  std::string Consume(db::Session& tx, const std::string& store_id, const std::vector<MadeItem>& items);
  /// Gives back what Consume took (a voided ticket).
  void Return(db::Session& tx, const std::string& store_id, const std::string& consumed_json);
  /// Tells the menu what the auto-86 rows say and it does not know yet; returns how many changed.
  int SyncMenu(const std::string& store_id);
  /// SyncMenu for every store with unsynced rows (the periodic task).
  int SyncAll();

  std::vector<StockRow> Stock(const std::string& store_id);
  /// Sets thresholds; kValidation naming `levels[i].…` for unknown ingredients or bad numbers.
  core::Result<std::vector<StockRow>> SetThresholds(const std::string& store_id, const std::vector<ThresholdChange>& changes,
                                                    const std::string& by);
  core::Result<StockRow> Adjust(const std::string& store_id, const Adjustment& adjustment, const std::string& by);
  std::vector<AdjustmentRow> Adjustments(const std::string& store_id, int limit, const std::string& cursor);
  /// Per store counting stock: how many ingredients are at or under their low-stock threshold.
  std::map<std::string, int> LowCounts();
  /// Items switched off by the kitchen at a store now (item id → ingredient).
  std::map<std::string, std::string> AutoUnavailable(const std::string& store_id);

  /// Demo: the demo recipe book if there is none, and opening stock for each store without any.
  void LoadDemo(const std::vector<std::string>& store_ids);

 private:
  /// Applies `delta` per ingredient inside `tx`, with low-stock crossings and auto-86 rows.
  void Apply(db::Session& tx, const std::string& store_id, const std::map<std::string, double>& delta);
  void RefreshAuto86(db::Session& tx, const std::string& store_id, const RecipeBook& book);

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  menu::MenuClient* menu_;
  std::function<void()> events_committed_;
  bus::Outbox outbox_{"kitchen"};
  std::mutex book_mutex_;
  std::optional<RecipeBook> book_;
};

}  // namespace vetahut::kitchen
