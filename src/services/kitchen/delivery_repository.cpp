#include "services/kitchen/delivery_repository.hpp"

#include <fmt/format.h>

namespace vetahut::kitchen {
namespace {

constexpr const char* kColumns =
    "id, store_id, order_id, ticket_id, number, status, latitude, longitude, address, customer_name, driver_id, "
    "driver_name, run_id, ready_at, promised_at, dispatched_at, delivered_at, eta, created_at, updated_at";
constexpr const char* kDriverColumns =
    "driver_id, store_id, name, on_shift, shift_started_at, latitude, longitude, location_at, updated_at";

Delivery FromRow(const db::Row& r) {
  Delivery d;
  d.id = r.Text("id");
  d.store_id = r.Text("store_id");
  d.order_id = r.Text("order_id");
  d.ticket_id = r.Text("ticket_id");
  d.number = r.Int("number");
  d.status = r.Text("status");
  d.latitude = r.Double("latitude");
  d.longitude = r.Double("longitude");
  d.address = r.Text("address");
  d.customer_name = r.Text("customer_name");
  d.driver_id = r.OptText("driver_id");
  d.driver_name = r.Text("driver_name");
  d.run_id = r.OptText("run_id");
  d.ready_at = r.Text("ready_at");
  d.promised_at = r.Text("promised_at");
  d.dispatched_at = r.OptText("dispatched_at");
  d.delivered_at = r.OptText("delivered_at");
  d.eta = r.OptText("eta");
  d.created_at = r.Text("created_at");
  d.updated_at = r.Text("updated_at");
  return d;
}

Driver DriverFromRow(const db::Row& r) {
  Driver d;
  d.driver_id = r.Text("driver_id");
  d.store_id = r.Text("store_id");
  d.name = r.Text("name");
  d.on_shift = r.Bool("on_shift");
  d.shift_started_at = r.OptText("shift_started_at");
  d.latitude = r.OptDouble("latitude");
  d.longitude = r.OptDouble("longitude");
  d.location_at = r.OptText("location_at");
  d.updated_at = r.Text("updated_at");
  return d;
}

std::vector<Delivery> ToDeliveries(const db::ResultSet& rs) {
  std::vector<Delivery> out;
  for (const auto& r : rs) out.push_back(FromRow(r));
  return out;
}

}  // namespace

std::optional<Delivery> DeliveryRepository::Find(db::Session& s, const std::string& delivery_id) const {
  auto rs = s.Query(fmt::format("SELECT {} FROM kitchen_deliveries WHERE id = $1", kColumns), db::Params(delivery_id));
  if (rs.empty()) return std::nullopt;
  return FromRow(rs[0]);
}

std::optional<Delivery> DeliveryRepository::FindByOrder(db::Session& s, const std::string& order_id) const {
  auto rs = s.Query(fmt::format("SELECT {} FROM kitchen_deliveries WHERE order_id = $1", kColumns), db::Params(order_id));
  if (rs.empty()) return std::nullopt;
  return FromRow(rs[0]);
}

std::vector<Delivery> DeliveryRepository::ForStore(db::Session& s, const std::string& store_id,
                                                   const std::optional<std::string>& status) const {
  if (status) {
    return ToDeliveries(s.Query(fmt::format("SELECT {} FROM kitchen_deliveries WHERE store_id = $1 AND status = $2 "
                                            "ORDER BY ready_at, id LIMIT 200",
                                            kColumns),
                                db::Params(store_id, *status)));
  }
  auto open = ToDeliveries(s.Query(fmt::format("SELECT {} FROM kitchen_deliveries WHERE store_id = $1 AND status IN "
                                               "('waiting', 'out_for_delivery') ORDER BY ready_at, id",
                                               kColumns),
                                   db::Params(store_id)));
  auto done = ToDeliveries(s.Query(fmt::format("SELECT {} FROM kitchen_deliveries WHERE store_id = $1 AND status IN "
                                               "('delivered', 'cancelled') ORDER BY updated_at DESC, id DESC LIMIT 50",
                                               kColumns),
                                   db::Params(store_id)));
  open.insert(open.end(), done.rbegin(), done.rend());
  return open;
}

std::vector<Delivery> DeliveryRepository::OutWith(db::Session& s, const std::string& driver_id) const {
  return ToDeliveries(s.Query(fmt::format("SELECT {} FROM kitchen_deliveries WHERE driver_id = $1 AND status = "
                                          "'out_for_delivery' ORDER BY dispatched_at, id",
                                          kColumns),
                              db::Params(driver_id)));
}

void DeliveryRepository::Insert(db::Session& tx, const Delivery& d) const {
  tx.Exec(fmt::format("INSERT INTO kitchen_deliveries ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                      "$13, $14, $15, $16, $17, $18, $19, $20)",
                      kColumns),
          db::Params(d.id, d.store_id, d.order_id, d.ticket_id, d.number, d.status, d.latitude, d.longitude, d.address,
                     d.customer_name, d.driver_id, d.driver_name, d.run_id, d.ready_at, d.promised_at, d.dispatched_at,
                     d.delivered_at, d.eta, d.created_at, d.updated_at));
}

bool DeliveryRepository::Update(db::Session& tx, const Delivery& d, const std::string& status_as_read) const {
  return tx.Exec("UPDATE kitchen_deliveries SET status = $1, driver_id = $2, driver_name = $3, run_id = $4, "
                 "dispatched_at = $5, delivered_at = $6, eta = $7, updated_at = $8 WHERE id = $9 AND status = $10",
                 db::Params(d.status, d.driver_id, d.driver_name, d.run_id, d.dispatched_at, d.delivered_at, d.eta,
                            d.updated_at, d.id, status_as_read)) == 1;
}

std::optional<Driver> DeliveryRepository::FindDriver(db::Session& s, const std::string& driver_id) const {
  auto rs = s.Query(fmt::format("SELECT {} FROM kitchen_drivers WHERE driver_id = $1", kDriverColumns), db::Params(driver_id));
  if (rs.empty()) return std::nullopt;
  return DriverFromRow(rs[0]);
}

std::vector<Driver> DeliveryRepository::DriversOf(db::Session& s, const std::string& store_id) const {
  std::vector<Driver> out;
  for (const auto& r : s.Query(fmt::format("SELECT {} FROM kitchen_drivers WHERE store_id = $1 ORDER BY name, driver_id",
                                           kDriverColumns),
                               db::Params(store_id))) {
    out.push_back(DriverFromRow(r));
  }
  return out;
}

void DeliveryRepository::UpsertDriver(db::Session& tx, const Driver& d) const {
  tx.Exec(fmt::format("INSERT INTO kitchen_drivers ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                      "ON CONFLICT (driver_id) DO UPDATE SET store_id = $2, name = $3, on_shift = $4, "
                      "shift_started_at = $5, latitude = $6, longitude = $7, location_at = $8, updated_at = $9",
                      kDriverColumns),
          db::Params(d.driver_id, d.store_id, d.name, d.on_shift, d.shift_started_at, d.latitude, d.longitude,
                     d.location_at, d.updated_at));
}

void DeliveryRepository::OpenShift(db::Session& tx, const std::string& id, const std::string& driver_id,
                                   const std::string& store_id, const std::string& at) const {
  tx.Exec("INSERT INTO kitchen_shifts (id, driver_id, store_id, clock_in, clock_out) VALUES ($1, $2, $3, $4, NULL)",
          db::Params(id, driver_id, store_id, at));
}

void DeliveryRepository::CloseShift(db::Session& tx, const std::string& driver_id, const std::string& at) const {
  tx.Exec("UPDATE kitchen_shifts SET clock_out = $1 WHERE driver_id = $2 AND clock_out IS NULL", db::Params(at, driver_id));
}

}  // namespace vetahut::kitchen
