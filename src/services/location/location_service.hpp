#pragma once
/// The location service's application logic: stores (profile and status). Finder, zones,
/// hours and slots grow here.
#include <functional>
#include <string>
#include <vector>

#include "lib/bus/outbox.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "services/location/store_repository.hpp"

namespace vetahut::location {

/// A page of stores and the cursor for the next page ("" on the last page).
struct StorePage {
  std::vector<Store> stores;
  std::string next_cursor;
};

class LocationService {
 public:
  /// `events_committed` is called after a transaction that wrote events commits (wakes the relay).
  LocationService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                  std::function<void()> events_committed);

  /// Validates and stores a new store, with its `store.created` event in the same transaction.
  core::Result<Store> CreateStore(const StoreProfile& profile, const std::string& traceparent = {});
  core::Result<Store> GetStore(const std::string& id);
  core::Result<StorePage> ListStores(const std::string& cursor, int limit);
  /// Loads the demo stores if there are no stores yet; returns how many were added.
  int LoadDemoData();

 private:
  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  std::function<void()> events_committed_;
  StoreRepository stores_;
  bus::Outbox outbox_{"location"};
};

/// The JSON the API returns for a store.
std::string StoreToJson(const Store& store);

/// The SQL files under migrations/, embedded at build time (generated).
std::vector<db::Migration> Migrations();
/// Everything the module needs: its own migrations, then its outbox and inbox (versions 900+).
std::vector<db::Migration> AllMigrations();

}  // namespace vetahut::location
