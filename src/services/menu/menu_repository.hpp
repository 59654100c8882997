#pragma once
/// The menu service's SQL: versions per market, per-store settings, prices and the 86 list.
/// Rows map to plain structs by column name.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/db/database.hpp"

namespace vetahut::menu {

struct VersionInfo;

class MenuRepository {
 public:
  struct PublishedRow {
    std::string version_id;
    std::string market;
    std::string catalog_json;
  };
  struct StoreSettingsRow {
    std::string store_id;
    std::string tax_mode;  ///< inclusive | exclusive
    std::string tax_rates_json;
  };
  struct PriceRow {
    std::string store_id;
    std::string kind;  ///< product | topping
    std::string item_id;
    std::string size_id;
    std::int64_t amount = 0;
  };
  struct UnavailableRow {
    std::string store_id;
    std::string item_id;
    std::string reason;
    std::optional<std::string> until;  ///< RFC 3339
  };
  struct ScheduledRow {
    std::string version_id;
    std::string market;
  };

  std::vector<PublishedRow> Published(db::Session& s) const;
  std::vector<StoreSettingsRow> StoreSettings(db::Session& s) const;
  std::vector<PriceRow> PriceOverrides(db::Session& s) const;
  std::vector<UnavailableRow> Unavailable(db::Session& s) const;
  /// Changes when anything the read side holds changed (another replica's write): a cheap query.
  std::string ChangeToken(db::Session& s) const;

  std::optional<VersionInfo> Draft(db::Session& s, const std::string& market) const;
  std::optional<std::string> DraftCatalog(db::Session& s, const std::string& market) const;
  /// The catalog of the market's published version (the one stores' menus are built from).
  std::optional<std::string> LiveCatalog(db::Session& s, const std::string& market) const;
  void InsertDraft(db::Session& tx, const VersionInfo& v, const std::string& catalog_json) const;
  void UpdateDraft(db::Session& tx, const VersionInfo& v, const std::string& catalog_json, core::TimePoint now) const;
  void Schedule(db::Session& tx, const std::string& version_id, core::TimePoint at, core::TimePoint now) const;
  /// The version becomes the market's live menu; the one before is superseded.
  void MakeLive(db::Session& tx, const std::string& version_id, const std::string& market, core::TimePoint now) const;
  std::vector<ScheduledRow> DueScheduled(db::Session& s, core::TimePoint now) const;
  /// Takes a due scheduled version for publishing; false if another replica already did.
  bool ClaimScheduled(db::Session& tx, const std::string& version_id) const;
  /// The market's versions, newest first: `limit` after the version `after_id` ("" = the newest).
  std::vector<VersionInfo> Versions(db::Session& s, const std::string& market, int limit,
                                    const std::string& after_id = "") const;

  /// 1 if the item was unavailable (and now is not), else 0.
  std::int64_t DeleteUnavailable(db::Session& tx, const std::string& store_id, const std::string& item_id) const;
  void UpsertUnavailable(db::Session& tx, const UnavailableRow& row, core::TimePoint now) const;
  void UpsertPrice(db::Session& tx, const PriceRow& row) const;
  void DeletePrice(db::Session& tx, const std::string& store_id, const std::string& kind, const std::string& item_id,
                   const std::string& size_id) const;
  void UpsertStoreSettings(db::Session& tx, const StoreSettingsRow& row, core::TimePoint now) const;
};

}  // namespace vetahut::menu
