#pragma once
/// The menu service: versions per market (draft → publish, optionally scheduled), per-store
/// tax settings, prices and the "86" list, the pre-serialized public menu per store and locale,
/// and the pricing of carts (MenuClient). Published state lives in memory (reloaded when another
/// replica changes it). Stores are known through the location service's StoreDirectoryClient.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "lib/bus/outbox.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "lib/http/message.hpp"
#include "services/location/client.hpp"
#include "services/menu/client.hpp"
#include "services/menu/domain/catalog.hpp"
#include "services/menu/domain/pricing.hpp"
#include "services/menu/domain/store_context.hpp"
#include "services/menu/menu_repository.hpp"

namespace date {
class time_zone;
}

namespace vetahut::menu {

/// What the menu needs to know about a store (from the location service), resolved.
struct StoreInfo {
  std::string store_id;
  std::string currency;  ///< the store's market
  std::string locale;    ///< language, e.g. "en"
  const date::time_zone* zone = nullptr;
};

struct VersionInfo {
  std::string id;
  std::string market;
  std::string status;  ///< draft | scheduled | published | superseded
  std::string created_by;
  core::TimePoint created_at{};
  std::optional<core::TimePoint> publish_at;
  std::optional<core::TimePoint> published_at;
};

/// A pre-serialized menu: JSON, its gzip, and a strong ETag of the JSON; each body also in an
/// in-memory file so the server can send it with sendfile(2).
struct MenuSnapshot {
  std::string etag;
  std::string json;
  std::string gzip;
  std::shared_ptr<const http::FileBody> json_file;
  std::shared_ptr<const http::FileBody> gzip_file;
};

class MenuService final : public MenuClient {
 public:
  MenuService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, location::StoreDirectoryClient& stores,
              std::function<void()> events_committed);

  /// Loads published menus, settings, prices and the 86 list into memory.
  void Load();
  /// Reloads when another replica changed something (a cheap change token is compared first).
  void RefreshIfChanged();

  /// Replaces the market's draft with a validated catalog (admin JSON form).
  core::Result<VersionInfo> SaveDraft(const std::string& market, const boost::json::value& catalog, const std::string& actor);
  core::Result<std::string> DraftJson(const std::string& market) const;
  /// The published catalog in the same admin JSON form: where an editor starts a new draft.
  core::Result<std::string> LiveJson(const std::string& market) const;
  /// Publishes the draft now, or schedules it (`at` in the future). Emits menu.published.
  core::Result<VersionInfo> Publish(const std::string& market, std::optional<core::TimePoint> at, const std::string& actor);
  /// Publishes scheduled versions whose time has come; returns how many.
  int PublishDue();
  std::vector<VersionInfo> Versions(const std::string& market) const;
  /// A page of the market's versions, newest first, after the version `cursor` ("" = the
  /// newest); 404 for a market that is not an ISO-4217 currency.
  core::Result<std::vector<VersionInfo>> ListVersions(const std::string& market, int limit, const std::string& cursor) const;

  /// The "86" switch: makes a product, topping, crust or deal (un)available at one store.
  core::Status SetAvailability(const std::string& store_id, const std::string& item_id, bool available,
                               const std::string& reason, std::optional<core::TimePoint> until);
  /// A store's price for a product size or topping size (`kind` product|topping); nullopt amount = remove.
  core::Status SetPrice(const std::string& store_id, const std::string& kind, const std::string& item_id,
                        const std::string& size_id, std::optional<std::int64_t> amount);
  core::Status SetTaxSettings(const std::string& store_id, TaxMode mode, std::map<std::string, std::int64_t, std::less<>> rates);

  /// The store's menu in `locale` (its own locale when empty), built once and cached until
  /// something it depends on changes (and at least every quarter hour, for dayparts).
  core::Result<std::shared_ptr<const MenuSnapshot>> StoreMenu(const std::string& store_id, const std::string& locale);

  /// A cart priced by the engine, with its API JSON.
  struct QuotedCart {
    QuoteRequest request;
    PriceQuote quote;
    std::string json;
  };
  /// Prices a cart (the body of POST /api/v1/quotes or /orders) for a store at the current time.
  core::Result<QuotedCart> QuoteCart(const std::string& store_id, const boost::json::value& body,
                                     std::optional<core::Money> delivery_fee, Channel channel);

  // MenuClient
  core::Result<PricedCart> PriceCart(const CartPricing& cart) override;
  core::Status SetItemAvailability(const std::string& store_id, const std::string& item_id, bool available,
                                   const std::string& reason) override;
  bool IsMenuItem(const std::string& item_id) const override;

  const core::Clock& clock() const { return clock_; }

 private:
  struct State;
  core::Result<StoreMenuContext> ContextFor(const State& state, const StoreInfo& info) const;
  std::shared_ptr<const State> Snapshot() const;
  /// The catalog a store serves (its market's published version): 404 unknown store, 409 none yet.
  core::Result<std::shared_ptr<const Catalog>> PublishedCatalogFor(const std::string& store_id);
  void Invalidate();
  /// The store as the menu needs it, from a short cache in front of the location service.
  std::optional<StoreInfo> FindStore(const std::string& store_id);

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  location::StoreDirectoryClient& stores_;
  MenuRepository repository_;
  std::shared_mutex stores_mutex_;
  std::map<std::string, std::pair<core::TimePoint, StoreInfo>> store_cache_;
  std::function<void()> events_committed_;
  bus::Outbox outbox_{"menu"};

  mutable std::shared_mutex state_mutex_;
  std::shared_ptr<const State> state_;
  std::string change_token_;
  std::mutex cache_mutex_;
  std::map<std::string, std::shared_ptr<const MenuSnapshot>> cache_;  ///< "store|locale|quarter"
};

/// Gzip (RFC 1952) of `data`, for Content-Encoding: gzip.
std::string Gzip(std::string_view data);

/// The menu module's SQL migrations (generated) and everything it needs (plus outbox/inbox).
std::vector<db::Migration> Migrations();
std::vector<db::Migration> AllMigrations();

}  // namespace vetahut::menu
