// Demo data for `vetahut serve --demo`: three stores in two time zones, with hours (one of them
// past midnight on weekends), holiday closures, delivery zones (polygon and radius) and slots.
#include <boost/json.hpp>

#include "lib/log/log.hpp"
#include "services/location/hours_codec.hpp"
#include "services/location/location_service.hpp"

namespace vetahut::location {
namespace {

constexpr const char* kNewYorkHours = R"({
  "delivery": {"weekly": [
      {"day": "sunday", "open": "11:00", "close": "23:00"}, {"day": "monday", "open": "11:00", "close": "23:00"},
      {"day": "tuesday", "open": "11:00", "close": "23:00"}, {"day": "wednesday", "open": "11:00", "close": "23:00"},
      {"day": "thursday", "open": "11:00", "close": "23:00"}, {"day": "friday", "open": "11:00", "close": "02:00"},
      {"day": "saturday", "open": "11:00", "close": "02:00"}],
    "special_days": [{"date": "2026-11-26", "closed": true, "note": "Thanksgiving"},
                     {"date": "2026-12-24", "spans": [{"open": "11:00", "close": "18:00"}], "note": "Christmas Eve"},
                     {"date": "2026-12-25", "closed": true, "note": "Christmas Day"}]},
  "carryout": {"weekly": [
      {"day": "sunday", "open": "10:30", "close": "23:00"}, {"day": "monday", "open": "10:30", "close": "23:00"},
      {"day": "tuesday", "open": "10:30", "close": "23:00"}, {"day": "wednesday", "open": "10:30", "close": "23:00"},
      {"day": "thursday", "open": "10:30", "close": "23:00"}, {"day": "friday", "open": "10:30", "close": "02:00"},
      {"day": "saturday", "open": "10:30", "close": "02:00"}],
    "special_days": [{"date": "2026-11-26", "closed": true, "note": "Thanksgiving"},
                     {"date": "2026-12-25", "closed": true, "note": "Christmas Day"}]}
})";

constexpr const char* kBerlinHours = R"({
  "delivery": {"weekly": [
      {"day": "monday", "open": "11:30", "close": "22:30"}, {"day": "tuesday", "open": "11:30", "close": "22:30"},
      {"day": "wednesday", "open": "11:30", "close": "22:30"}, {"day": "thursday", "open": "11:30", "close": "22:30"},
      {"day": "friday", "open": "11:30", "close": "01:00"}, {"day": "saturday", "open": "12:00", "close": "01:00"},
      {"day": "sunday", "open": "12:00", "close": "22:00"}],
    "special_days": [{"from": "2026-12-24", "to": "2026-12-26", "closed": true, "note": "Weihnachten"}]},
  "carryout": {"weekly": [
      {"day": "monday", "open": "11:30", "close": "22:30"}, {"day": "tuesday", "open": "11:30", "close": "22:30"},
      {"day": "wednesday", "open": "11:30", "close": "22:30"}, {"day": "thursday", "open": "11:30", "close": "22:30"},
      {"day": "friday", "open": "11:30", "close": "01:00"}, {"day": "saturday", "open": "12:00", "close": "01:00"},
      {"day": "sunday", "open": "12:00", "close": "22:00"}]},
  "dine_in": {"weekly": [
      {"day": "monday", "open": "12:00", "close": "22:00"}, {"day": "tuesday", "open": "12:00", "close": "22:00"},
      {"day": "wednesday", "open": "12:00", "close": "22:00"}, {"day": "thursday", "open": "12:00", "close": "22:00"},
      {"day": "friday", "open": "12:00", "close": "23:30"}, {"day": "saturday", "open": "12:00", "close": "23:30"}]}
})";

constexpr const char* kMidtownZones = R"({"zones": [
  {"name": "Midtown core", "fee": {"amount": 299, "currency": "USD"}, "minimum_order": {"amount": 1500, "currency": "USD"},
   "estimate_minutes": 25,
   "geometry": {"type": "Polygon", "coordinates": [[[-74.0010, 40.7420], [-73.9720, 40.7420], [-73.9720, 40.7620],
                                                   [-74.0010, 40.7620], [-74.0010, 40.7420]]]}},
  {"name": "Manhattan 4 km", "fee": {"amount": 499, "currency": "USD"}, "minimum_order": {"amount": 2000, "currency": "USD"},
   "estimate_minutes": 40, "center": {"latitude": 40.748440, "longitude": -73.985664}, "radius_m": 4000}]})";

constexpr const char* kBrooklynZones = R"({"zones": [
  {"name": "Brooklyn 3 km", "fee": {"amount": 349, "currency": "USD"}, "minimum_order": {"amount": 1500, "currency": "USD"},
   "estimate_minutes": 35, "center": {"latitude": 40.694810, "longitude": -73.993700}, "radius_m": 3000}]})";

constexpr const char* kKreuzbergZones = R"({"zones": [
  {"name": "Kreuzberg", "fee": {"amount": 199, "currency": "EUR"}, "minimum_order": {"amount": 1200, "currency": "EUR"},
   "estimate_minutes": 30,
   "geometry": {"type": "Polygon", "coordinates": [[[13.3850, 52.4860], [13.4470, 52.4860], [13.4470, 52.5080],
                                                   [13.3850, 52.5080], [13.3850, 52.4860]]]}},
  {"name": "Berlin 6 km", "fee": {"amount": 399, "currency": "EUR"}, "minimum_order": {"amount": 1500, "currency": "EUR"},
   "estimate_minutes": 45, "center": {"latitude": 52.501190, "longitude": 13.419310}, "radius_m": 6000}]})";

}  // namespace

int LocationService::LoadDemoData() {
  if (repository_.Count(db_) > 0) return 0;
  struct Demo {
    StoreProfile profile;
    const char* hours;
    const char* zones;
  };
  const Demo demo[] = {
      {{"Veta Hut Midtown", {"350 5th Ave", "", "New York", "NY", "10118", "US"}, 40.748440, -73.985664,
        "America/New_York", "+12125550100", {ServiceType::kDelivery, ServiceType::kCarryout}, "USD", "en-US"},
       kNewYorkHours, kMidtownZones},
      {{"Veta Hut Brooklyn Heights", {"120 Montague St", "", "Brooklyn", "NY", "11201", "US"}, 40.694810, -73.993700,
        "America/New_York", "+17185550142", {ServiceType::kDelivery, ServiceType::kCarryout}, "USD", "en-US"},
       kNewYorkHours, kBrooklynZones},
      {{"Veta Hut Kreuzberg", {"Oranienstraße 25", "", "Berlin", "", "10999", "DE"}, 52.501190, 13.419310,
        "Europe/Berlin", "+49305550173", {ServiceType::kDelivery, ServiceType::kCarryout, ServiceType::kDineIn},
        "EUR", "de-DE"},
       kBerlinHours, kKreuzbergZones},
  };
  int added = 0;
  for (const auto& d : demo) {
    auto store = CreateStore(d.profile);
    if (!store) {
      log::Error("demo store rejected", {{"name", d.profile.name}, {"error", store.error().detail}});
      continue;
    }
    const std::string id = (*store)->record.store.id;
    auto hours = ParseServiceHours(boost::json::parse(d.hours), d.profile.services);
    auto zones = ParseZones(boost::json::parse(d.zones), *core::Currency::Find(d.profile.currency));
    if (!hours || !zones) {
      log::Error("demo data invalid", {{"name", d.profile.name},
                                        {"error", !hours ? hours.error().fields.front().field : zones.error().fields.front().field}});
      continue;
    }
    SetHours(id, std::move(*hours));
    SetZones(id, std::move(*zones));
    ++added;
  }
  return added;
}

}  // namespace vetahut::location
