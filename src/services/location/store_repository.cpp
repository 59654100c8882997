#include "services/location/store_repository.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "services/location/hours_codec.hpp"

namespace vetahut::location {
namespace {

constexpr const char* kColumns =
    "id, name, address_line1, address_line2, city, region, postal_code, country, latitude, longitude, "
    "timezone, phone, services, currency, locale, accepting_orders, created_at, updated_at, "
    "slot_length_minutes, slot_lead_minutes, slot_capacity, paused_reason, paused_until, version";

constexpr const char* kUpdateProfile =
    "UPDATE location_stores SET name = $2, address_line1 = $3, address_line2 = $4, city = $5, region = $6, "
    "postal_code = $7, country = $8, latitude = $9, longitude = $10, timezone = $11, phone = $12, services = $13, "
    "currency = $14, locale = $15, updated_at = $16, version = version + 1 WHERE id = $1";

constexpr const char* kInsert =
    "INSERT INTO location_stores (id, name, address_line1, address_line2, city, region, postal_code, country, "
    "latitude, longitude, timezone, phone, services, currency, locale, accepting_orders, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";

std::string JoinServices(const std::vector<ServiceType>& services) {
  std::string out;
  for (auto s : services) {
    if (!out.empty()) out += ',';
    out += ServiceTypeName(s);
  }
  return out;
}

std::vector<ServiceType> SplitServices(const std::string& text) {
  std::vector<ServiceType> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    std::string word = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    for (auto t : {ServiceType::kDelivery, ServiceType::kCarryout, ServiceType::kDineIn}) {
      if (ServiceTypeName(t) == word) out.push_back(t);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Store FromRow(const db::Row& r) {
  Store s;
  s.id = r.Text(0);
  s.profile.name = r.Text(1);
  s.profile.address = {r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7)};
  s.profile.latitude = r.Double(8);
  s.profile.longitude = r.Double(9);
  s.profile.timezone = r.Text(10);
  s.profile.phone = r.Text(11);
  s.profile.services = SplitServices(r.Text(12));
  s.profile.currency = r.Text(13);
  s.profile.locale = r.Text(14);
  s.accepting_orders = r.Bool(15);
  s.created_at = core::ParseRfc3339(r.Text(16)).value_or(core::TimePoint{});
  s.updated_at = core::ParseRfc3339(r.Text(17)).value_or(core::TimePoint{});
  return s;
}

StoreRecord RecordFromRow(const db::Row& r) {
  StoreRecord record;
  record.store = FromRow(r);
  record.slot_rules.length = std::chrono::minutes(r.Int(18));
  record.slot_rules.lead_time = std::chrono::minutes(r.Int(19));
  record.slot_rules.capacity = int(r.Int(20));
  if (auto reason = r.OptText(21)) {
    Pause pause{*reason, std::nullopt};
    if (auto until = r.OptText(22)) pause.until = core::ParseRfc3339(*until);
    record.pause = pause;
  }
  record.version = r.Int(23);
  return record;
}

void LoadHoursAndZones(db::Session& session, StoreRecord& record) {
  const auto currency = core::Currency::Find(record.store.profile.currency).value_or(*core::Currency::Find("USD"));
  auto hours = session.Query("SELECT hours FROM location_store_hours WHERE store_id = $1 AND service = 'all'",
                             db::Params(record.store.id));
  if (!hours.empty()) {
    auto parsed = ParseServiceHours(boost::json::parse(hours[0].Text(0)),
                                    {ServiceType::kDelivery, ServiceType::kCarryout, ServiceType::kDineIn});
    if (!parsed) {
      throw core::ErrorException(core::Error::Internal(fmt::format("stored hours of {} are unreadable", record.store.id)));
    }
    record.hours = std::move(*parsed);
  }
  auto zones = session.Query(
      "SELECT id, name, shape, geometry, center_latitude, center_longitude, radius_m, fee, minimum_order, "
      "estimate_minutes FROM location_zones WHERE store_id = $1 ORDER BY name",
      db::Params(record.store.id));
  for (const auto& z : zones) {
    DeliveryZone zone{.fee = core::Money(z.Int(7), currency), .minimum_order = core::Money(z.Int(8), currency)};
    zone.id = z.Text(0);
    zone.name = z.Text(1);
    zone.shape = z.Text(2) == "polygon" ? ZoneShape::kPolygon : ZoneShape::kRadius;
    if (zone.shape == ZoneShape::kPolygon) {
      auto rings = ParseGeoJsonPolygon(boost::json::parse(z.Text(3)), "geometry");
      if (!rings) throw core::ErrorException(core::Error::Internal("stored zone geometry is unreadable: " + zone.id));
      zone.rings = std::move(*rings);
    }
    zone.center = {z.Double(4), z.Double(5)};
    zone.radius_m = z.Double(6);
    zone.estimate_minutes = int(z.Int(9));
    record.zones.push_back(std::move(zone));
  }
}

}  // namespace

void StoreRepository::Insert(db::Session& tx, const Store& s) const {
  const auto& p = s.profile;
  tx.Exec(kInsert, db::Params(s.id, p.name, p.address.line1, p.address.line2, p.address.city, p.address.region,
                              p.address.postal_code, p.address.country, p.latitude, p.longitude, p.timezone,
                              p.phone, JoinServices(p.services), p.currency, p.locale, s.accepting_orders,
                              core::FormatRfc3339(s.created_at), core::FormatRfc3339(s.updated_at)));
}

std::optional<Store> StoreRepository::Find(db::Session& session, const std::string& id) const {
  auto rows = session.Query(std::string("SELECT ") + kColumns + " FROM location_stores WHERE id = $1", db::Params(id));
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

std::optional<Store> StoreRepository::Find(db::Database& database, const std::string& id) const {
  auto rows = database.Query(std::string("SELECT ") + kColumns + " FROM location_stores WHERE id = $1", db::Params(id));
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

std::vector<Store> StoreRepository::List(db::Database& database, const std::string& after_id, int limit) const {
  auto rows = database.Query(
      std::string("SELECT ") + kColumns + " FROM location_stores WHERE id > $1 ORDER BY id LIMIT $2",
      db::Params(after_id, limit));
  std::vector<Store> out;
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

std::int64_t StoreRepository::Count(db::Database& database) const {
  return database.Query("SELECT COUNT(*) FROM location_stores")[0].Int(0);
}

void StoreRepository::UpdateProfile(db::Session& tx, const Store& s) const {
  const auto& p = s.profile;
  tx.Exec(kUpdateProfile, db::Params(s.id, p.name, p.address.line1, p.address.line2, p.address.city, p.address.region,
                                     p.address.postal_code, p.address.country, p.latitude, p.longitude, p.timezone,
                                     p.phone, JoinServices(p.services), p.currency, p.locale,
                                     core::FormatRfc3339(s.updated_at)));
}

std::vector<StoreRecord> StoreRepository::LoadAll(db::Database& database) const {
  // One transaction so hours and zones match the stores they belong to.
  auto tx = database.Begin();
  std::vector<StoreRecord> out;
  for (const auto& row : tx.Query(std::string("SELECT ") + kColumns + " FROM location_stores ORDER BY id")) {
    out.push_back(RecordFromRow(row));
  }
  for (auto& record : out) LoadHoursAndZones(tx, record);
  tx.Commit();
  return out;
}

std::optional<StoreRecord> StoreRepository::LoadOne(db::Session& session, const std::string& id) const {
  auto rows = session.Query(std::string("SELECT ") + kColumns + " FROM location_stores WHERE id = $1", db::Params(id));
  if (rows.empty()) return std::nullopt;
  StoreRecord record = RecordFromRow(rows[0]);
  LoadHoursAndZones(session, record);
  return record;
}

void StoreRepository::ReplaceHours(db::Session& tx, const std::string& store_id, const std::string& service,
                                   const std::string& hours_json) const {
  tx.Exec("DELETE FROM location_store_hours WHERE store_id = $1 AND service = $2", db::Params(store_id, service));
  tx.Exec("INSERT INTO location_store_hours (store_id, service, hours) VALUES ($1, $2, $3)",
          db::Params(store_id, service, hours_json));
  tx.Exec("UPDATE location_stores SET version = version + 1 WHERE id = $1", db::Params(store_id));
}

void StoreRepository::ReplaceZones(db::Session& tx, const std::string& store_id, const std::vector<DeliveryZone>& zones) const {
  tx.Exec("DELETE FROM location_zones WHERE store_id = $1", db::Params(store_id));
  for (const auto& z : zones) {
    tx.Exec("INSERT INTO location_zones (id, store_id, name, shape, geometry, center_latitude, center_longitude, "
            "radius_m, fee, minimum_order, estimate_minutes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            db::Params(z.id, store_id, z.name, z.shape == ZoneShape::kPolygon ? "polygon" : "radius",
                       z.shape == ZoneShape::kPolygon ? PolygonToGeoJson(z.rings) : std::string(), z.center.latitude,
                       z.center.longitude, z.radius_m, z.fee.amount(), z.minimum_order.amount(), z.estimate_minutes));
  }
  tx.Exec("UPDATE location_stores SET version = version + 1 WHERE id = $1", db::Params(store_id));
}

void StoreRepository::UpdateSlotRules(db::Session& tx, const std::string& store_id, const SlotRules& rules) const {
  tx.Exec("UPDATE location_stores SET slot_length_minutes = $2, slot_lead_minutes = $3, slot_capacity = $4, "
          "version = version + 1 WHERE id = $1",
          db::Params(store_id, rules.length.count(), rules.lead_time.count(), rules.capacity));
}

void StoreRepository::UpdatePause(db::Session& tx, const std::string& store_id, const std::optional<Pause>& pause,
                                  core::TimePoint now) const {
  std::optional<std::string> reason, until;
  if (pause) {
    reason = pause->reason;
    if (pause->until) until = core::FormatRfc3339(*pause->until);
  }
  tx.Exec("UPDATE location_stores SET paused_reason = $2, paused_until = $3, accepting_orders = $4, updated_at = $5, "
          "version = version + 1 WHERE id = $1",
          db::Params(store_id, reason, until, !pause.has_value(), core::FormatRfc3339(now)));
}

std::vector<std::string> StoreRepository::DueToResume(db::Database& database, core::TimePoint now) const {
  // RFC 3339 UTC strings of one fixed width sort like the instants they name.
  std::vector<std::string> out;
  for (const auto& r : database.Query("SELECT id FROM location_stores WHERE paused_until IS NOT NULL AND paused_until <= $1",
                                      db::Params(core::FormatRfc3339(now)))) {
    out.push_back(r.Text(0));
  }
  return out;
}

std::map<std::string, int> StoreRepository::SlotUsage(db::Database& database, const std::string& store_id,
                                                      core::TimePoint from, core::TimePoint to) const {
  std::map<std::string, int> out;
  for (const auto& r : database.Query("SELECT slot_start, used FROM location_slot_usage WHERE store_id = $1 AND "
                                      "slot_start >= $2 AND slot_start < $3",
                                      db::Params(store_id, core::FormatRfc3339(from), core::FormatRfc3339(to)))) {
    out[r.Text(0)] = int(r.Int(1));
  }
  return out;
}

bool StoreRepository::TakeSlotCapacity(db::Session& tx, const std::string& store_id, const std::string& slot_start,
                                       int capacity) const {
  tx.Exec("INSERT INTO location_slot_usage (store_id, slot_start, used) VALUES ($1, $2, 0) "
          "ON CONFLICT (store_id, slot_start) DO NOTHING",
          db::Params(store_id, slot_start));
  // The conditional update is the atomic step: PostgreSQL re-checks `used < capacity` after
  // waiting for a concurrent holder of the row lock; SQLite writers are serialized.
  return tx.Exec("UPDATE location_slot_usage SET used = used + 1 WHERE store_id = $1 AND slot_start = $2 AND used < $3",
                 db::Params(store_id, slot_start, capacity)) == 1;
}

void StoreRepository::GiveBackSlotCapacity(db::Session& tx, const std::string& store_id, const std::string& slot_start) const {
  tx.Exec("UPDATE location_slot_usage SET used = used - 1 WHERE store_id = $1 AND slot_start = $2 AND used > 0",
          db::Params(store_id, slot_start));
}

std::optional<StoreRepository::Reservation> StoreRepository::FindReservation(db::Session& tx, const std::string& order_id) const {
  auto rows = tx.Query("SELECT order_id, store_id, slot_start, service FROM location_slot_reservations WHERE order_id = $1",
                       db::Params(order_id));
  if (rows.empty()) return std::nullopt;
  return Reservation{rows[0].Text(0), rows[0].Text(1), rows[0].Text(2), rows[0].Text(3)};
}

void StoreRepository::InsertReservation(db::Session& tx, const Reservation& r, core::TimePoint now) const {
  tx.Exec("INSERT INTO location_slot_reservations (order_id, store_id, slot_start, service, created_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          db::Params(r.order_id, r.store_id, r.slot_start, r.service, core::FormatRfc3339(now)));
}

void StoreRepository::DeleteReservation(db::Session& tx, const std::string& order_id) const {
  tx.Exec("DELETE FROM location_slot_reservations WHERE order_id = $1", db::Params(order_id));
}

}  // namespace vetahut::location
