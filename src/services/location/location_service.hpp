#pragma once
/// The location service's application logic: stores, finder, delivery zones, opening hours,
/// order-ahead slots and busy mode. Reads come from an in-memory directory (with an R-tree);
/// writes go to the database first, then refresh the directory.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/bus/outbox.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "services/location/client.hpp"
#include "services/location/store_repository.hpp"

namespace vetahut::location {

/// One store as the read side sees it: its record and its hours compiled for its zone.
struct DirectoryEntry {
  StoreRecord record;
  const date::time_zone* zone = nullptr;
  std::map<ServiceType, OpeningHours> hours;

  /// Accepting orders at `now`: not paused, or the pause has run out.
  bool AcceptingAt(core::TimePoint now) const;
  /// The opening-hours status of one service (closed if the store has no hours for it).
  OpeningHours::Status HoursAt(ServiceType service, core::TimePoint now) const;
  /// Open for any service it offers.
  OpeningHours::Status AnyHoursAt(core::TimePoint now) const;
};

/// The in-memory read model: thread-safe, replaced entry by entry (copy-on-write).
class StoreDirectory {
 public:
  void Put(StoreRecord record);
  void ReplaceAll(std::vector<StoreRecord> records);
  std::shared_ptr<const DirectoryEntry> Find(const std::string& id) const;
  struct Nearby {
    std::shared_ptr<const DirectoryEntry> entry;
    double distance_m;
  };
  std::vector<Nearby> Nearest(LatLon from, std::size_t k,
                              const std::function<bool(const DirectoryEntry&)>& filter) const;
  std::size_t size() const;

 private:
  static std::shared_ptr<const DirectoryEntry> Compile(StoreRecord record);
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const DirectoryEntry>> entries_;
  StoreIndex index_;
};

/// A page of stores and the cursor for the next page ("" on the last page).
struct StorePage {
  std::vector<std::shared_ptr<const DirectoryEntry>> stores;
  std::string next_cursor;
};

/// Finder filters.
struct FindQuery {
  LatLon from;
  int limit = 10;
  std::optional<ServiceType> service;
  bool open_now_only = false;
};

struct SlotView {
  TimeSlot slot;
  int capacity_left = 0;
};

class LocationService final : public LocationClient {
 public:
  /// `events_committed` is called after a transaction that wrote events commits (wakes the relay).
  LocationService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                  std::function<void()> events_committed);

  /// Loads the directory from the database (at start).
  void Refresh();
  /// Reloads when another replica changed a store (a cheap change token is compared first).
  void RefreshIfChanged();

  core::Result<std::shared_ptr<const DirectoryEntry>> CreateStore(const StoreProfile& profile, const std::string& traceparent = {});
  core::Result<std::shared_ptr<const DirectoryEntry>> UpdateStore(const std::string& id, const StoreProfile& profile);
  core::Result<std::shared_ptr<const DirectoryEntry>> GetStore(const std::string& id) const;
  core::Result<StorePage> ListStores(const std::string& cursor, int limit) const;
  std::vector<StoreDirectory::Nearby> FindStores(const FindQuery& query) const;

  core::Result<std::shared_ptr<const DirectoryEntry>> SetHours(const std::string& id, std::map<ServiceType, WeeklyHours> hours);
  core::Result<std::shared_ptr<const DirectoryEntry>> SetZones(const std::string& id, std::vector<DeliveryZone> zones);
  core::Result<std::shared_ptr<const DirectoryEntry>> SetSlotRules(const std::string& id, const SlotRules& rules);

  /// Busy mode. `until` (optional) must be in the future; the store resumes by itself then.
  core::Result<std::shared_ptr<const DirectoryEntry>> PauseStore(const std::string& id, const std::string& reason,
                                                                 std::optional<core::TimePoint> until);
  core::Result<std::shared_ptr<const DirectoryEntry>> ResumeStore(const std::string& id);
  /// Resumes every store whose pause ran out (with its status_changed event); returns how many.
  int ResumeDue();

  /// The day's slots (store-local `date`) for a service with the capacity left in each.
  core::Result<std::vector<SlotView>> Slots(const std::string& id, date::year_month_day date, ServiceType service) const;

  // LocationClient
  core::Result<DeliveryQuote> CheckDelivery(const std::string& store_id, LatLon point) override;
  core::Result<StoreAvailability> Availability(const std::string& store_id, ServiceType service) override;
  core::Result<SlotReservation> ReserveSlot(const std::string& store_id, ServiceType service, core::TimePoint slot_start,
                                            const std::string& order_id) override;
  core::Result<SlotReservation> CheckSlot(const std::string& store_id, ServiceType service,
                                          core::TimePoint slot_start) override;
  core::Status ReleaseSlot(const std::string& order_id) override;
  core::Status SetBusy(const std::string& store_id, const std::string& reason, core::TimePoint until) override;
  core::Status ClearBusy(const std::string& store_id, const std::string& reason) override;

  /// Loads the demo stores (with hours, zones and slots) if there are no stores yet.
  int LoadDemoData();
  const core::Clock& clock() const { return clock_; }

 private:
  core::Result<std::shared_ptr<const DirectoryEntry>> Reload(db::Transaction& tx, const std::string& id);
  void EmitStatusChanged(db::Transaction& tx, const StoreRecord& record, const std::string& cause);

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  std::function<void()> events_committed_;
  StoreRepository repository_;
  StoreDirectory directory_;
  bus::Outbox outbox_{"location"};
  std::mutex refresh_mutex_;
  std::string change_token_;
};

/// The JSON the API returns for a store, with its live status at `now`.
std::string StoreToJson(const DirectoryEntry& entry, core::TimePoint now, std::optional<double> distance_m = std::nullopt);

/// The SQL files under migrations/, embedded at build time (generated).
std::vector<db::Migration> Migrations();
/// Everything the module needs: its own migrations, then its outbox and inbox (versions 900+).
std::vector<db::Migration> AllMigrations();

}  // namespace vetahut::location
