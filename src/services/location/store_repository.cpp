#include "services/location/store_repository.hpp"

namespace vetahut::location {
namespace {

constexpr const char* kColumns =
    "id, name, address_line1, address_line2, city, region, postal_code, country, latitude, longitude, "
    "timezone, phone, services, currency, locale, accepting_orders, created_at, updated_at";

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

}  // namespace vetahut::location
