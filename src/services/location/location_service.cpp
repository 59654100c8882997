#include "services/location/location_service.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "services/location/events.hpp"

namespace vetahut::location {

namespace json = boost::json;

LocationService::LocationService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                                 std::function<void()> events_committed)
    : db_(db), clock_(clock), ids_(ids), events_committed_(std::move(events_committed)) {}

core::Result<Store> LocationService::CreateStore(const StoreProfile& profile, const std::string& traceparent) {
  if (auto valid = Validate(profile); !valid) return core::Fail(valid.error());
  Store store;
  store.id = ids_.Next("str");
  store.profile = profile;
  store.created_at = store.updated_at = clock_.Now();
  auto tx = db_.Begin();
  try {
    stores_.Insert(tx, store);
  } catch (const core::ErrorException& e) {
    if (e.error().code == core::ErrorCode::kConflict) {
      return core::Fail(core::Error::Validation({{"name", fmt::format("a store named '{}' already exists", profile.name)}}));
    }
    throw;
  }
  outbox_.Add(tx, bus::MakeEvent(ids_, clock_, events::kSource, events::kStoreCreated, store.id, StoreToJson(store),
                                 traceparent));
  tx.Commit();
  if (events_committed_) events_committed_();
  return store;
}

core::Result<Store> LocationService::GetStore(const std::string& id) {
  if (auto store = stores_.Find(db_, id)) return *store;
  return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", id)));
}

core::Result<StorePage> LocationService::ListStores(const std::string& cursor, int limit) {
  StorePage page;
  page.stores = stores_.List(db_, cursor, limit + 1);
  if (static_cast<int>(page.stores.size()) > limit) {
    page.stores.resize(limit);
    page.next_cursor = page.stores.back().id;
  }
  return page;
}

int LocationService::LoadDemoData() {
  if (stores_.Count(db_) > 0) return 0;
  const StoreProfile demo[] = {
      {"Veta Hut Midtown", {"350 5th Ave", "", "New York", "NY", "10118", "US"}, 40.748440, -73.985664,
       "America/New_York", "+12125550100", {ServiceType::kDelivery, ServiceType::kCarryout, ServiceType::kDineIn},
       "USD", "en-US"},
      {"Veta Hut Brooklyn Heights", {"120 Montague St", "", "Brooklyn", "NY", "11201", "US"}, 40.694810, -73.993700,
       "America/New_York", "+17185550142", {ServiceType::kDelivery, ServiceType::kCarryout}, "USD", "en-US"},
      {"Veta Hut Kreuzberg", {"Oranienstraße 25", "", "Berlin", "", "10999", "DE"}, 52.501190, 13.419310,
       "Europe/Berlin", "+49305550173", {ServiceType::kDelivery, ServiceType::kCarryout, ServiceType::kDineIn},
       "EUR", "de-DE"},
  };
  int added = 0;
  for (const auto& profile : demo) {
    if (CreateStore(profile)) ++added;
  }
  return added;
}

std::string StoreToJson(const Store& s) {
  const auto& p = s.profile;
  json::array services;
  for (auto t : p.services) services.emplace_back(ServiceTypeName(t));
  json::object out{
      {"id", s.id},
      {"name", p.name},
      {"address",
       {{"line1", p.address.line1},
        {"line2", p.address.line2},
        {"city", p.address.city},
        {"region", p.address.region},
        {"postal_code", p.address.postal_code},
        {"country", p.address.country}}},
      {"latitude", p.latitude},
      {"longitude", p.longitude},
      {"timezone", p.timezone},
      {"phone", p.phone},
      {"services", std::move(services)},
      {"currency", p.currency},
      {"locale", p.locale},
      {"accepting_orders", s.accepting_orders},
      {"created_at", core::FormatRfc3339(s.created_at)},
      {"updated_at", core::FormatRfc3339(s.updated_at)},
  };
  return json::serialize(out);
}

std::vector<db::Migration> AllMigrations() {
  auto all = Migrations();
  for (auto& m : bus::OutboxInboxMigrations("location", 900)) all.push_back(std::move(m));
  return all;
}

}  // namespace vetahut::location
