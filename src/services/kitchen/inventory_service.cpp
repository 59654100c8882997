#include "services/kitchen/inventory_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "lib/bus/cloud_event.hpp"
#include "lib/core/text_rules.hpp"
#include "lib/json/write.hpp"
#include "lib/log/log.hpp"
#include "services/kitchen/events.hpp"
#include "services/kitchen/setup_codec.hpp"

namespace vetahut::kitchen {
namespace {

namespace json = boost::json;
using core::Error;
using core::Fail;

std::string T(core::TimePoint t) { return core::FormatRfc3339(t); }

constexpr double kMaxQuantity = 1e9;

StockRow StockFromRow(const db::Row& r, const RecipeBook& book) {
  StockRow s;
  s.ingredient_id = r.Text("ingredient_id");
  s.quantity = r.Double("quantity");
  s.low_threshold = r.Double("low_threshold");
  s.low = r.Bool("low");
  s.updated_at = r.Text("updated_at");
  if (const Ingredient* i = book.FindIngredient(s.ingredient_id)) {
    s.name = i->name;
    s.unit = i->unit;
  }
  return s;
}

std::map<std::string, double> ParseConsumed(const std::string& text) {
  std::map<std::string, double> out;
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (const json::object* o = ec ? nullptr : v.if_object()) {
    for (const auto& [k, q] : *o) {
      if (q.is_number()) out[std::string(k)] = q.to_number<double>();
    }
  }
  return out;
}

}  // namespace

InventoryService::InventoryService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                                   menu::MenuClient* menu, std::function<void()> events_committed)
    : db_(db), clock_(clock), ids_(ids), menu_(menu), events_committed_(std::move(events_committed)) {}

RecipeBook InventoryService::Book() {
  std::lock_guard lock(book_mutex_);
  if (book_) return *book_;
  auto rs = db_.Query("SELECT book FROM kitchen_recipe_book WHERE id = 1");
  RecipeBook book;
  if (!rs.empty()) {
    auto parsed = ParseRecipeBookText(rs[0].Text("book"));
    if (parsed) {
      book = std::move(*parsed);
    } else {
      log::Error("the stored recipe book does not parse; counting nothing", {{"error", parsed.error().detail}});
    }
  }
  book_ = book;
  return book;
}

core::Status InventoryService::PutBook(const RecipeBook& book, const std::string& by) {
  if (auto valid = Validate(book); !valid) return valid;
  const auto now = clock_.Now();
  {
    auto tx = db_.Begin();
    tx.Exec("INSERT INTO kitchen_recipe_book (id, book, updated_at, updated_by) VALUES (1, $1, $2, $3) "
            "ON CONFLICT (id) DO UPDATE SET book = $1, updated_at = $2, updated_by = $3",
            db::Params(RecipeBookToJson(book), T(now), by));
    // Every store's auto-86 follows the new recipes at once.
    for (const auto& r : tx.Query("SELECT DISTINCT store_id FROM kitchen_stock ORDER BY store_id")) {
      RefreshAuto86(tx, r.Text("store_id"), book);
    }
    tx.Commit();
  }
  {
    std::lock_guard lock(book_mutex_);
    book_ = book;
  }
  log::Info("recipe book changed", {{"ingredients", static_cast<std::int64_t>(book.ingredients.size())}, {"by", by}});
  SyncAll();
  return core::Ok();
}

std::string InventoryService::Consume(db::Session& tx, const std::string& store_id, const std::vector<MadeItem>& items) {
  const RecipeBook book = Book();
  std::map<std::string, double> total;
  for (const auto& item : items) AddInto(total, Consumption(book, item));
  // Only what the store counts is taken (and given back on a void).
  std::map<std::string, double> taken;
  for (const auto& r : tx.Query("SELECT ingredient_id FROM kitchen_stock WHERE store_id = $1", db::Params(store_id))) {
    auto it = total.find(r.Text("ingredient_id"));
    if (it != total.end() && it->second > 0) taken[it->first] = it->second;
  }
  if (!taken.empty()) {
    std::map<std::string, double> delta;
    for (const auto& [id, q] : taken) delta[id] = -q;
    Apply(tx, store_id, delta);
  }
  json::object out;
  for (const auto& [id, q] : taken) out[id] = q;
  return json_text::Serialize(out);
}

void InventoryService::Return(db::Session& tx, const std::string& store_id, const std::string& consumed_json) {
  auto consumed = ParseConsumed(consumed_json);
  if (!consumed.empty()) Apply(tx, store_id, consumed);
}

void InventoryService::Apply(db::Session& tx, const std::string& store_id, const std::map<std::string, double>& delta) {
  const RecipeBook book = Book();
  const auto now = clock_.Now();
  for (const auto& [ingredient_id, change] : delta) {
    auto rs = tx.Query("UPDATE kitchen_stock SET quantity = quantity + $1, updated_at = $2 "
                       "WHERE store_id = $3 AND ingredient_id = $4 RETURNING quantity, low_threshold, low",
                       db::Params(change, T(now), store_id, ingredient_id));
    if (rs.empty()) continue;
    const double quantity = rs[0].Double("quantity");
    const double threshold = rs[0].Double("low_threshold");
    const bool was_low = rs[0].Bool("low");
    const bool low = quantity <= threshold;
    if (low == was_low) continue;
    tx.Exec("UPDATE kitchen_stock SET low = $1 WHERE store_id = $2 AND ingredient_id = $3",
            db::Params(low, store_id, ingredient_id));
    if (low) {
      const Ingredient* i = book.FindIngredient(ingredient_id);
      events::LowStock event{store_id, ingredient_id, i ? i->name : ingredient_id, i ? i->unit : "", quantity, threshold, T(now)};
      outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, store_id, event));
      log::Warn("low stock", {{"store_id", store_id}, {"ingredient_id", ingredient_id}, {"quantity", quantity}});
    }
  }
  RefreshAuto86(tx, store_id, book);
}

void InventoryService::RefreshAuto86(db::Session& tx, const std::string& store_id, const RecipeBook& book) {
  std::map<std::string, double> stock;
  for (const auto& r : tx.Query("SELECT ingredient_id, quantity FROM kitchen_stock WHERE store_id = $1", db::Params(store_id))) {
    stock[r.Text("ingredient_id")] = r.Double("quantity");
  }
  std::map<std::string, std::string> short_now;
  for (const auto& s : ShortItems(book, stock)) short_now[s.item_id] = s.ingredient_id;
  std::map<std::string, bool> marked;  // item → unavailable as recorded
  for (const auto& r : tx.Query("SELECT item_id, unavailable FROM kitchen_auto86 WHERE store_id = $1", db::Params(store_id))) {
    marked[r.Text("item_id")] = r.Bool("unavailable");
  }
  const std::string now = T(clock_.Now());
  for (const auto& [item, ingredient] : short_now) {
    auto it = marked.find(item);
    if (it != marked.end() && it->second) continue;
    tx.Exec("INSERT INTO kitchen_auto86 (store_id, item_id, ingredient_id, unavailable, synced, updated_at) "
            "VALUES ($1, $2, $3, TRUE, FALSE, $4) ON CONFLICT (store_id, item_id) DO UPDATE SET ingredient_id = $3, "
            "unavailable = TRUE, synced = FALSE, updated_at = $4",
            db::Params(store_id, item, ingredient, now));
  }
  for (const auto& [item, unavailable] : marked) {
    if (!unavailable || short_now.contains(item)) continue;
    tx.Exec("UPDATE kitchen_auto86 SET unavailable = FALSE, synced = FALSE, updated_at = $1 "
            "WHERE store_id = $2 AND item_id = $3",
            db::Params(now, store_id, item));
  }
}

int InventoryService::SyncMenu(const std::string& store_id) {
  if (!menu_) return 0;
  int changed = 0;
  const RecipeBook book = Book();
  for (const auto& r : db_.Query("SELECT item_id, ingredient_id, unavailable, updated_at FROM kitchen_auto86 "
                                 "WHERE store_id = $1 AND NOT synced ORDER BY item_id",
                                 db::Params(store_id))) {
    const std::string item = r.Text("item_id");
    const bool unavailable = r.Bool("unavailable");
    const Ingredient* ingredient = book.FindIngredient(r.Text("ingredient_id"));
    const std::string reason =
        unavailable ? fmt::format("out of {}", ingredient ? ingredient->name : r.Text("ingredient_id")) : "";
    auto done = menu_->SetItemAvailability(store_id, item, !unavailable, reason);
    if (!done && done.error().code != core::ErrorCode::kNotFound) {
      log::Warn("auto-86 not applied yet; will retry", {{"store_id", store_id}, {"item_id", item}, {"error", done.error().detail}});
      continue;
    }
    // Synced unless it changed again meanwhile; rows back on the menu are finished.
    if (unavailable) {
      db_.Exec("UPDATE kitchen_auto86 SET synced = TRUE WHERE store_id = $1 AND item_id = $2 AND updated_at = $3",
               db::Params(store_id, item, r.Text("updated_at")));
    } else {
      db_.Exec("DELETE FROM kitchen_auto86 WHERE store_id = $1 AND item_id = $2 AND updated_at = $3 AND NOT unavailable",
               db::Params(store_id, item, r.Text("updated_at")));
    }
    log::Info(unavailable ? "auto-86: item off the menu" : "auto-86: item back on the menu",
              {{"store_id", store_id}, {"item_id", item}, {"reason", reason}});
    ++changed;
  }
  return changed;
}

int InventoryService::SyncAll() {
  int changed = 0;
  for (const auto& r : db_.Query("SELECT DISTINCT store_id FROM kitchen_auto86 WHERE NOT synced ORDER BY store_id")) {
    changed += SyncMenu(r.Text("store_id"));
  }
  return changed;
}

std::vector<StockRow> InventoryService::Stock(const std::string& store_id) {
  const RecipeBook book = Book();
  std::vector<StockRow> out;
  for (const auto& r : db_.Query("SELECT ingredient_id, quantity, low_threshold, low, updated_at FROM kitchen_stock "
                                 "WHERE store_id = $1 ORDER BY ingredient_id",
                                 db::Params(store_id))) {
    out.push_back(StockFromRow(r, book));
  }
  return out;
}

core::Result<std::vector<StockRow>> InventoryService::SetThresholds(const std::string& store_id,
                                                                    const std::vector<ThresholdChange>& changes,
                                                                    const std::string& by) {
  const RecipeBook book = Book();
  core::FieldErrors errors;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (!book.FindIngredient(changes[i].ingredient_id)) {
      errors.Add(fmt::format("levels[{}].ingredient_id", i), "is not an ingredient of the recipe book");
    }
    if (!std::isfinite(changes[i].low_threshold) || changes[i].low_threshold < 0 || changes[i].low_threshold > kMaxQuantity) {
      errors.Add(fmt::format("levels[{}].low_threshold", i), "must be a number from 0 to 1000000000");
    }
  }
  if (!errors.empty()) return Fail(errors.ToError());
  const auto now = clock_.Now();
  auto tx = db_.Begin();
  for (const auto& c : changes) {
    // A store starts counting an ingredient when it first sets its threshold.
    tx.Exec("INSERT INTO kitchen_stock (store_id, ingredient_id, quantity, low_threshold, low, updated_at) "
            "VALUES ($1, $2, 0, $3, FALSE, $4) ON CONFLICT (store_id, ingredient_id) DO UPDATE SET low_threshold = $3, "
            "updated_at = $4",
            db::Params(store_id, c.ingredient_id, c.low_threshold, T(now)));
    Apply(tx, store_id, {{c.ingredient_id, 0.0}});
  }
  tx.Commit();
  if (events_committed_) events_committed_();
  log::Info("stock thresholds changed", {{"store_id", store_id}, {"count", static_cast<std::int64_t>(changes.size())}, {"by", by}});
  SyncMenu(store_id);
  return Stock(store_id);
}

core::Result<StockRow> InventoryService::Adjust(const std::string& store_id, const Adjustment& a, const std::string& by) {
  const RecipeBook book = Book();
  core::FieldErrors errors;
  if (!book.FindIngredient(a.ingredient_id)) errors.Add("ingredient_id", "is not an ingredient of the recipe book");
  if (a.kind != "received" && a.kind != "waste" && a.kind != "count") errors.Add("kind", "must be received, waste or count");
  if (!std::isfinite(a.quantity) || a.quantity < 0 || a.quantity > kMaxQuantity ||
      (a.kind != "count" && a.quantity == 0)) {
    errors.Add("quantity", a.kind == "count" ? "must be a number from 0 to 1000000000 (what is there now)"
                                             : "must be a number above 0 and at most 1000000000");
  }
  std::string reason = core::CleanText("reason", a.reason, {.max_chars = 200, .required = false}, errors);
  if (reason.empty() && a.kind == "waste") errors.Add("reason", "is required for waste (burnt, dropped, expired…)");
  if (!errors.empty()) return Fail(errors.ToError());
  const auto now = clock_.Now();
  auto tx = db_.Begin();
  auto current = tx.Query("SELECT quantity FROM kitchen_stock WHERE store_id = $1 AND ingredient_id = $2",
                          db::Params(store_id, a.ingredient_id));
  if (current.empty()) {
    tx.Exec("INSERT INTO kitchen_stock (store_id, ingredient_id, quantity, low_threshold, low, updated_at) "
            "VALUES ($1, $2, 0, 0, FALSE, $3)",
            db::Params(store_id, a.ingredient_id, T(now)));
  }
  const double before = current.empty() ? 0 : current[0].Double("quantity");
  double delta = a.quantity;
  if (a.kind == "waste") delta = -a.quantity;
  if (a.kind == "count") delta = a.quantity - before;
  Apply(tx, store_id, {{a.ingredient_id, delta}});
  tx.Exec("INSERT INTO kitchen_adjustments (id, store_id, ingredient_id, kind, delta, quantity_after, reason, by_subject, at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          db::Params(ids_.Next("adj"), store_id, a.ingredient_id, a.kind, delta, before + delta, reason, by, T(now)));
  tx.Commit();
  if (events_committed_) events_committed_();
  log::Info("stock adjusted", {{"store_id", store_id}, {"ingredient_id", a.ingredient_id}, {"kind", a.kind}, {"delta", delta}, {"by", by}});
  SyncMenu(store_id);
  for (auto& row : Stock(store_id)) {
    if (row.ingredient_id == a.ingredient_id) return row;
  }
  return Fail(Error::Internal("the adjusted stock row vanished"));
}

std::vector<AdjustmentRow> InventoryService::Adjustments(const std::string& store_id, int limit, const std::string& cursor) {
  std::vector<AdjustmentRow> out;
  const std::string sql =
      "SELECT id, ingredient_id, kind, delta, quantity_after, reason, by_subject, at FROM kitchen_adjustments "
      "WHERE store_id = $1 AND ($2 = '' OR id < $2) ORDER BY id DESC LIMIT $3";
  for (const auto& r : db_.Query(sql, db::Params(store_id, cursor, limit))) {
    out.push_back({r.Text("id"), r.Text("ingredient_id"), r.Text("kind"), r.Double("delta"), r.Double("quantity_after"),
                   r.Text("reason"), r.Text("by_subject"), r.Text("at")});
  }
  return out;
}

std::map<std::string, int> InventoryService::LowCounts() {
  std::map<std::string, int> out;
  for (const auto& r : db_.Query("SELECT store_id, SUM(CASE WHEN low THEN 1 ELSE 0 END) AS n FROM kitchen_stock "
                                 "GROUP BY store_id ORDER BY store_id")) {
    out[r.Text("store_id")] = static_cast<int>(r.Int("n"));
  }
  return out;
}

std::map<std::string, std::string> InventoryService::AutoUnavailable(const std::string& store_id) {
  std::map<std::string, std::string> out;
  for (const auto& r : db_.Query("SELECT item_id, ingredient_id FROM kitchen_auto86 WHERE store_id = $1 AND unavailable",
                                 db::Params(store_id))) {
    out[r.Text("item_id")] = r.Text("ingredient_id");
  }
  return out;
}

void InventoryService::LoadDemo(const std::vector<std::string>& store_ids) {
  if (db_.Query("SELECT id FROM kitchen_recipe_book WHERE id = 1").empty()) {
    if (auto put = PutBook(DemoRecipeBook(), "demo"); !put) {
      log::Error("the demo recipe book does not validate", {{"error", put.error().detail}});
      return;
    }
  }
  const RecipeBook book = Book();
  const auto stock = DemoStock(book);
  const auto now = T(clock_.Now());
  for (const auto& store_id : store_ids) {
    auto tx = db_.Begin();
    if (!tx.Query("SELECT ingredient_id FROM kitchen_stock WHERE store_id = $1 LIMIT 1", db::Params(store_id)).empty()) {
      continue;
    }
    for (const auto& s : stock) {
      tx.Exec("INSERT INTO kitchen_stock (store_id, ingredient_id, quantity, low_threshold, low, updated_at) "
              "VALUES ($1, $2, $3, $4, FALSE, $5)",
              db::Params(store_id, s.ingredient_id, s.quantity, s.low_threshold, now));
    }
    tx.Commit();
  }
}

}  // namespace vetahut::kitchen
