#pragma once
/// SQL for the location service: stores, hours, zones, slot capacity, busy mode.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/db/database.hpp"
#include "services/location/domain/delivery_zone.hpp"
#include "services/location/domain/opening_hours.hpp"
#include "services/location/domain/store_profile.hpp"
#include "services/location/domain/time_slots.hpp"

namespace vetahut::location {

/// Busy mode: the store is not accepting orders until resumed (by hand, or at `until`).
struct Pause {
  std::string reason;
  std::optional<core::TimePoint> until;
};

/// Everything the location service keeps about one store.
struct StoreRecord {
  Store store;
  SlotRules slot_rules;
  std::optional<Pause> pause;
  std::map<ServiceType, WeeklyHours> hours;
  std::vector<DeliveryZone> zones;
  std::int64_t version = 1;
};

class StoreRepository {
 public:
  void Insert(db::Session& tx, const Store& store) const;
  void UpdateProfile(db::Session& tx, const Store& store) const;
  std::optional<Store> Find(db::Session& session, const std::string& id) const;
  std::optional<Store> Find(db::Database& database, const std::string& id) const;
  /// Stores ordered by id, starting after `after_id` (a cursor), at most `limit`.
  std::vector<Store> List(db::Database& database, const std::string& after_id, int limit) const;
  std::int64_t Count(db::Database& database) const;

  /// Every store with its hours, zones, slot rules and pause: the read model is built from this.
  std::vector<StoreRecord> LoadAll(db::Database& database) const;
  std::optional<StoreRecord> LoadOne(db::Session& session, const std::string& id) const;

  void ReplaceHours(db::Session& tx, const std::string& store_id, const std::string& service, const std::string& hours_json) const;
  void ReplaceZones(db::Session& tx, const std::string& store_id, const std::vector<DeliveryZone>& zones) const;
  void UpdateSlotRules(db::Session& tx, const std::string& store_id, const SlotRules& rules) const;
  /// Sets or clears busy mode; bumps the store's version.
  void UpdatePause(db::Session& tx, const std::string& store_id, const std::optional<Pause>& pause, core::TimePoint now) const;
  /// Stores whose pause has an `until` at or before `now`.
  std::vector<std::string> DueToResume(db::Database& database, core::TimePoint now) const;

  /// Capacity used per slot start (RFC 3339) for a store between two instants.
  std::map<std::string, int> SlotUsage(db::Database& database, const std::string& store_id, core::TimePoint from, core::TimePoint to) const;
  /// Takes one unit of the slot if fewer than `capacity` are used; false when full. Atomic.
  bool TakeSlotCapacity(db::Session& tx, const std::string& store_id, const std::string& slot_start, int capacity) const;
  void GiveBackSlotCapacity(db::Session& tx, const std::string& store_id, const std::string& slot_start) const;
  struct Reservation {
    std::string order_id;
    std::string store_id;
    std::string slot_start;
    std::string service;
  };
  std::optional<Reservation> FindReservation(db::Session& tx, const std::string& order_id) const;
  void InsertReservation(db::Session& tx, const Reservation& r, core::TimePoint now) const;
  void DeleteReservation(db::Session& tx, const std::string& order_id) const;
};

}  // namespace vetahut::location
