#include "services/menu/menu_repository.hpp"

#include "services/menu/menu_service.hpp"

namespace vetahut::menu {
namespace {

constexpr const char* kSelectPublished = "SELECT id, market, catalog FROM menu_versions WHERE status = 'published'";
constexpr const char* kSelectSettings = "SELECT store_id, tax_mode, tax_rates FROM menu_store_settings";
constexpr const char* kSelectPrices = "SELECT store_id, kind, item_id, size_id, amount FROM menu_price_overrides";
constexpr const char* kSelectUnavailable = "SELECT store_id, item_id, reason, until_at FROM menu_unavailable";
constexpr const char* kChangeToken =
    "SELECT (SELECT COUNT(*) FROM menu_versions WHERE status = 'published') AS published, "
    "(SELECT COALESCE(MAX(published_at), '') FROM menu_versions) AS last_published, "
    "(SELECT COUNT(*) FROM menu_unavailable) AS unavailable, "
    "(SELECT COALESCE(MAX(updated_at), '') FROM menu_unavailable) AS unavailable_at, "
    "(SELECT COUNT(*) FROM menu_price_overrides) AS prices, "
    "(SELECT COALESCE(SUM(amount), 0) FROM menu_price_overrides) AS price_sum, "
    "(SELECT COALESCE(MAX(updated_at), '') FROM menu_store_settings) AS settings_at";
constexpr const char* kVersionColumns = "id, market, status, created_by, created_at, publish_at, published_at";
constexpr const char* kInsertDraft =
    "INSERT INTO menu_versions (id, market, status, catalog, created_by, created_at, updated_at) "
    "VALUES ($1, $2, 'draft', $3, $4, $5, $5)";
constexpr const char* kUpdateDraft = "UPDATE menu_versions SET catalog = $2, created_by = $3, updated_at = $4 WHERE id = $1";
constexpr const char* kSelectDraftCatalog = "SELECT catalog FROM menu_versions WHERE market = $1 AND status = 'draft'";
constexpr const char* kSelectLiveCatalog = "SELECT catalog FROM menu_versions WHERE market = $1 AND status = 'published'";
constexpr const char* kSchedule =
    "UPDATE menu_versions SET status = 'scheduled', publish_at = $2, updated_at = $3 WHERE id = $1";
constexpr const char* kSupersede =
    "UPDATE menu_versions SET status = 'superseded', updated_at = $2 WHERE market = $1 AND status = 'published'";
constexpr const char* kPublish =
    "UPDATE menu_versions SET status = 'published', published_at = $2, updated_at = $2 WHERE id = $1";
constexpr const char* kSelectDue =
    "SELECT id, market FROM menu_versions WHERE status = 'scheduled' AND publish_at <= $1 ORDER BY publish_at";
constexpr const char* kClaimScheduled = "UPDATE menu_versions SET status = 'publishing' WHERE id = $1 AND status = 'scheduled'";
constexpr const char* kDeleteUnavailable = "DELETE FROM menu_unavailable WHERE store_id = $1 AND item_id = $2";
constexpr const char* kUpsertUnavailable =
    "INSERT INTO menu_unavailable (store_id, item_id, reason, until_at, updated_at) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (store_id, item_id) DO UPDATE SET reason = $3, until_at = $4, updated_at = $5";
constexpr const char* kUpsertPrice =
    "INSERT INTO menu_price_overrides (store_id, kind, item_id, size_id, amount) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (store_id, kind, item_id, size_id) DO UPDATE SET amount = $5";
constexpr const char* kDeletePrice =
    "DELETE FROM menu_price_overrides WHERE store_id = $1 AND kind = $2 AND item_id = $3 AND size_id = $4";
constexpr const char* kUpsertSettings =
    "INSERT INTO menu_store_settings (store_id, tax_mode, tax_rates, updated_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (store_id) DO UPDATE SET tax_mode = $2, tax_rates = $3, updated_at = $4";

std::string T(core::TimePoint t) { return core::FormatRfc3339(t); }

std::optional<core::TimePoint> OptT(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return core::ParseRfc3339(*s);
}

VersionInfo VersionFromRow(const db::Row& r) {
  return {r.Text("id"),
          r.Text("market"),
          r.Text("status"),
          r.Text("created_by"),
          core::ParseRfc3339(r.Text("created_at")).value_or(core::TimePoint{}),
          OptT(r.OptText("publish_at")),
          OptT(r.OptText("published_at"))};
}

}  // namespace

std::vector<MenuRepository::PublishedRow> MenuRepository::Published(db::Session& s) const {
  std::vector<PublishedRow> out;
  for (const auto& r : s.Query(kSelectPublished)) out.push_back({r.Text("id"), r.Text("market"), r.Text("catalog")});
  return out;
}

std::vector<MenuRepository::StoreSettingsRow> MenuRepository::StoreSettings(db::Session& s) const {
  std::vector<StoreSettingsRow> out;
  for (const auto& r : s.Query(kSelectSettings)) out.push_back({r.Text("store_id"), r.Text("tax_mode"), r.Text("tax_rates")});
  return out;
}

std::vector<MenuRepository::PriceRow> MenuRepository::PriceOverrides(db::Session& s) const {
  std::vector<PriceRow> out;
  for (const auto& r : s.Query(kSelectPrices)) {
    out.push_back({r.Text("store_id"), r.Text("kind"), r.Text("item_id"), r.Text("size_id"), r.Int("amount")});
  }
  return out;
}

std::vector<MenuRepository::UnavailableRow> MenuRepository::Unavailable(db::Session& s) const {
  std::vector<UnavailableRow> out;
  for (const auto& r : s.Query(kSelectUnavailable)) {
    out.push_back({r.Text("store_id"), r.Text("item_id"), r.Text("reason"), r.OptText("until_at")});
  }
  return out;
}

std::string MenuRepository::ChangeToken(db::Session& s) const {
  auto r = s.Query(kChangeToken)[0];
  std::string token;
  for (const char* column : {"published", "last_published", "unavailable", "unavailable_at", "prices", "price_sum",
                             "settings_at"}) {
    token += r.Text(column) + "|";
  }
  return token;
}

std::optional<VersionInfo> MenuRepository::Draft(db::Session& s, const std::string& market) const {
  auto rows = s.Query(std::string("SELECT ") + kVersionColumns + " FROM menu_versions WHERE market = $1 AND status = 'draft'",
                      db::Params(market));
  if (rows.empty()) return std::nullopt;
  return VersionFromRow(rows[0]);
}

std::optional<std::string> MenuRepository::DraftCatalog(db::Session& s, const std::string& market) const {
  auto rows = s.Query(kSelectDraftCatalog, db::Params(market));
  if (rows.empty()) return std::nullopt;
  return rows[0].Text("catalog");
}

std::optional<std::string> MenuRepository::LiveCatalog(db::Session& s, const std::string& market) const {
  auto rows = s.Query(kSelectLiveCatalog, db::Params(market));
  if (rows.empty()) return std::nullopt;
  return rows[0].Text("catalog");
}

void MenuRepository::InsertDraft(db::Session& tx, const VersionInfo& v, const std::string& catalog_json) const {
  tx.Exec(kInsertDraft, db::Params(v.id, v.market, catalog_json, v.created_by, T(v.created_at)));
}

void MenuRepository::UpdateDraft(db::Session& tx, const VersionInfo& v, const std::string& catalog_json,
                                 core::TimePoint now) const {
  tx.Exec(kUpdateDraft, db::Params(v.id, catalog_json, v.created_by, T(now)));
}

void MenuRepository::Schedule(db::Session& tx, const std::string& version_id, core::TimePoint at, core::TimePoint now) const {
  tx.Exec(kSchedule, db::Params(version_id, T(at), T(now)));
}

void MenuRepository::MakeLive(db::Session& tx, const std::string& version_id, const std::string& market,
                              core::TimePoint now) const {
  tx.Exec(kSupersede, db::Params(market, T(now)));
  tx.Exec(kPublish, db::Params(version_id, T(now)));
}

std::vector<MenuRepository::ScheduledRow> MenuRepository::DueScheduled(db::Session& s, core::TimePoint now) const {
  std::vector<ScheduledRow> out;
  for (const auto& r : s.Query(kSelectDue, db::Params(T(now)))) out.push_back({r.Text("id"), r.Text("market")});
  return out;
}

bool MenuRepository::ClaimScheduled(db::Session& tx, const std::string& version_id) const {
  return tx.Exec(kClaimScheduled, db::Params(version_id)) == 1;
}

std::vector<VersionInfo> MenuRepository::Versions(db::Session& s, const std::string& market, int limit,
                                                  const std::string& after_id) const {
  std::vector<VersionInfo> out;
  std::string sql = std::string("SELECT ") + kVersionColumns + " FROM menu_versions WHERE market = $1";
  auto params = db::Params(market, limit);
  if (!after_id.empty()) {
    // After the cursor's version in the list's order (an unknown cursor: an empty page).
    sql += " AND (created_at, id) < (SELECT created_at, id FROM menu_versions WHERE id = $3)";
    params.push_back(after_id);
  }
  for (const auto& r : s.Query(sql + " ORDER BY created_at DESC, id DESC LIMIT $2", params)) {
    out.push_back(VersionFromRow(r));
  }
  return out;
}

std::int64_t MenuRepository::DeleteUnavailable(db::Session& tx, const std::string& store_id, const std::string& item_id) const {
  return tx.Exec(kDeleteUnavailable, db::Params(store_id, item_id));
}

void MenuRepository::UpsertUnavailable(db::Session& tx, const UnavailableRow& row, core::TimePoint now) const {
  tx.Exec(kUpsertUnavailable, db::Params(row.store_id, row.item_id, row.reason, row.until, T(now)));
}

void MenuRepository::UpsertPrice(db::Session& tx, const PriceRow& row) const {
  tx.Exec(kUpsertPrice, db::Params(row.store_id, row.kind, row.item_id, row.size_id, row.amount));
}

void MenuRepository::DeletePrice(db::Session& tx, const std::string& store_id, const std::string& kind,
                                 const std::string& item_id, const std::string& size_id) const {
  tx.Exec(kDeletePrice, db::Params(store_id, kind, item_id, size_id));
}

void MenuRepository::UpsertStoreSettings(db::Session& tx, const StoreSettingsRow& row, core::TimePoint now) const {
  tx.Exec(kUpsertSettings, db::Params(row.store_id, row.tax_mode, row.tax_rates_json, T(now)));
}

}  // namespace vetahut::menu
