// Deliveries and drivers: a delivery per delivery order once its ticket is ready; drivers clock in
// and out and send their position; dispatch suggests runs (orders ready within a few minutes of
// each other, in about the same direction, for the nearest free driver) and sends one out, which
// hands the tickets off; the customer hears the driver's ETA (straight line at a configured
// speed: no routing engine is installable here, see decision 0022).
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <numbers>

#include "lib/bus/cloud_event.hpp"
#include "lib/log/log.hpp"
#include "services/kitchen/events.hpp"
#include "services/kitchen/kitchen_service.hpp"
#include "services/location/client.hpp"  // LatLon, GreatCircleMeters

namespace vetahut::kitchen {
namespace {

namespace json = boost::json;
using core::Error;
using core::Fail;

std::string T(core::TimePoint t) { return core::FormatRfc3339(t); }

/// Initial bearing from a to b in degrees (0 = north, clockwise).
double Bearing(location::LatLon a, location::LatLon b) {
  constexpr double kRad = std::numbers::pi / 180;
  const double phi1 = a.latitude * kRad;
  const double phi2 = b.latitude * kRad;
  const double dl = (b.longitude - a.longitude) * kRad;
  const double y = std::sin(dl) * std::cos(phi2);
  const double x = std::cos(phi1) * std::sin(phi2) - std::sin(phi1) * std::cos(phi2) * std::cos(dl);
  const double deg = std::atan2(y, x) / kRad;
  return deg < 0 ? deg + 360 : deg;
}

double AngleBetween(double a, double b) {
  const double d = std::fabs(a - b);
  return d > 180 ? 360 - d : d;
}

/// The first name, for the customer's tracker.
std::string FirstName(const std::string& name) {
  const auto space = name.find(' ');
  return space == std::string::npos ? name : name.substr(0, space);
}

}  // namespace

void KitchenService::CreateDelivery(db::Session& tx, const Ticket& t) {
  if (deliveries_.FindByOrder(tx, t.order_id)) return;
  double latitude = 0, longitude = 0;
  if (t.address) {
    json::error_code ec;
    json::value a = json::parse(*t.address, ec);
    if (const json::object* o = ec ? nullptr : a.if_object()) {
      if (const json::value* v = o->if_contains("latitude"); v && v->is_number()) latitude = v->to_number<double>();
      if (const json::value* v = o->if_contains("longitude"); v && v->is_number()) longitude = v->to_number<double>();
    }
  }
  const auto now = clock_.Now();
  Delivery d;
  d.id = ids_.Next("dlv");
  d.store_id = t.store_id;
  d.order_id = t.order_id;
  d.ticket_id = t.id;
  d.number = t.number;
  d.status = "waiting";
  d.latitude = latitude;
  d.longitude = longitude;
  d.address = t.address.value_or("{}");
  d.customer_name = t.customer_name;
  d.ready_at = T(now);
  d.promised_at = t.promised_at;
  d.created_at = d.updated_at = T(now);
  deliveries_.Insert(tx, d);
  events::DeliveryStatusChanged changed{d.id, d.order_id, d.store_id, "waiting", "", std::nullopt, "", std::nullopt, T(now)};
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, d.id, changed));
}

void KitchenService::CancelDelivery(db::Session& tx, const Ticket& t) {
  auto d = deliveries_.FindByOrder(tx, t.order_id);
  if (!d || d->status != "waiting") return;
  const auto now = clock_.Now();
  Delivery updated = *d;
  updated.status = "cancelled";
  updated.updated_at = T(now);
  if (!deliveries_.Update(tx, updated, d->status)) return;
  events::DeliveryStatusChanged changed{d->id, d->order_id, d->store_id, "cancelled", d->status, std::nullopt, "",
                                        std::nullopt, T(now)};
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, d->id, changed));
}

core::Result<std::vector<Delivery>> KitchenService::Deliveries(const std::string& store_id,
                                                               std::optional<std::string> status) {
  if (auto store = clients_.stores.GetStore(store_id); !store) return Fail(store.error());
  if (status && *status != "waiting" && *status != "out_for_delivery" && *status != "delivered" && *status != "cancelled") {
    return Fail(Error::Validation({{"status", "must be waiting, out_for_delivery, delivered or cancelled"}}));
  }
  return deliveries_.ForStore(db_, store_id, status);
}

std::optional<Delivery> KitchenService::DeliveryById(const std::string& delivery_id) {
  return deliveries_.Find(db_, delivery_id);
}

std::vector<Delivery> KitchenService::RunOf(const std::string& driver_id) { return deliveries_.OutWith(db_, driver_id); }

core::Result<std::vector<SuggestedRun>> KitchenService::SuggestRuns(const std::string& store_id) {
  auto store = clients_.stores.GetStore(store_id);
  if (!store) return Fail(store.error());
  const location::LatLon origin{store->latitude, store->longitude};
  auto waiting = deliveries_.ForStore(db_, store_id, std::string("waiting"));
  // Free drivers on shift, nearest to the store first (a driver without a position yet is
  // assumed at the store: they just clocked in there).
  auto drivers = Drivers(store_id);
  if (!drivers) return Fail(drivers.error());
  std::vector<std::pair<double, Driver>> free;
  for (const auto& d : *drivers) {
    if (!d.on_shift || d.on_run) continue;
    const double distance = d.latitude && d.longitude
                                ? location::GreatCircleMeters(origin, {*d.latitude, *d.longitude})
                                : 0.0;
    free.emplace_back(distance, d);
  }
  std::stable_sort(free.begin(), free.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  std::vector<bool> taken(waiting.size(), false);
  std::vector<SuggestedRun> runs;
  std::size_t next_driver = 0;
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    if (taken[i]) continue;
    taken[i] = true;
    SuggestedRun run;
    run.delivery_ids.push_back(waiting[i].id);
    run.bearing_degrees = Bearing(origin, {waiting[i].latitude, waiting[i].longitude});
    const auto first_ready = core::ParseRfc3339(waiting[i].ready_at);
    for (std::size_t j = i + 1; j < waiting.size() && static_cast<int>(run.delivery_ids.size()) < options_.max_run_size; ++j) {
      if (taken[j]) continue;
      const auto ready = core::ParseRfc3339(waiting[j].ready_at);
      if (!first_ready || !ready || *ready - *first_ready > options_.batch_window) continue;
      const double bearing = Bearing(origin, {waiting[j].latitude, waiting[j].longitude});
      if (AngleBetween(bearing, run.bearing_degrees) > options_.batch_angle_degrees) continue;
      taken[j] = true;
      run.delivery_ids.push_back(waiting[j].id);
    }
    if (next_driver < free.size()) {
      run.driver_id = free[next_driver].second.driver_id;
      run.driver_name = free[next_driver].second.name;
      run.driver_distance_m = free[next_driver].first;
      ++next_driver;
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

std::optional<core::TimePoint> KitchenService::EtaFor(const Delivery& d, const Driver& driver) const {
  if (!driver.latitude || !driver.longitude) return std::nullopt;
  const double meters = location::GreatCircleMeters({*driver.latitude, *driver.longitude}, {d.latitude, d.longitude});
  const double seconds = meters / (options_.driver_speed_kmh * 1000.0 / 3600.0);
  return clock_.Now() + std::chrono::seconds(static_cast<std::int64_t>(std::ceil(seconds)));
}

core::Result<std::vector<Delivery>> KitchenService::Dispatch(const std::string& delivery_id,
                                                             const std::vector<std::string>& with,
                                                             const std::string& driver_id, const Actor& actor) {
  auto first = deliveries_.Find(db_, delivery_id);
  if (!first) return Fail(Error::NotFound(fmt::format("delivery '{}' does not exist", delivery_id)));
  if (with.size() + 1 > 10) return Fail(Error::Validation({{"with", "a run takes at most 10 deliveries"}}));
  auto driver = deliveries_.FindDriver(db_, driver_id);
  if (!driver || !driver->on_shift || driver->store_id != first->store_id) {
    return Fail(Error::Conflict("the driver is not on shift at this store: they clock in first"));
  }
  auto store = clients_.stores.GetStore(first->store_id);
  if (!store) return Fail(store.error());
  if (!driver->latitude) {  // just clocked in: at the store
    driver->latitude = store->latitude;
    driver->longitude = store->longitude;
  }
  const KitchenSetup setup = SetupFor(first->store_id);
  std::vector<std::string> ids{delivery_id};
  for (const auto& id : with) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  std::vector<Delivery> sent;
  std::vector<Ticket> handed;
  {
    std::lock_guard lock(StoreLock(first->store_id));
    const auto now = clock_.Now();
    const std::string run_id = ids_.Next("run");
    auto tx = db_.Begin();
    for (std::size_t k = 0; k < ids.size(); ++k) {
      auto d = deliveries_.Find(tx, ids[k]);
      const std::string field = k == 0 ? "delivery_id" : fmt::format("with[{}]", k - 1);
      if (!d) return Fail(Error::Validation({{field, fmt::format("delivery '{}' does not exist", ids[k])}}));
      if (d->store_id != first->store_id) return Fail(Error::Validation({{field, "belongs to another store"}}));
      if (d->status != "waiting") {
        return Fail(Error::Conflict(fmt::format("delivery of order #{} is {}, not waiting", d->number, d->status)));
      }
      Delivery updated = *d;
      updated.status = "out_for_delivery";
      updated.driver_id = driver->driver_id;
      updated.driver_name = driver->name;
      updated.run_id = run_id;
      updated.dispatched_at = T(now);
      // Drops in run order: each ETA adds the legs before it.
      const Delivery* previous = sent.empty() ? nullptr : &sent.back();
      Driver from = *driver;
      if (previous) {
        from.latitude = previous->latitude;
        from.longitude = previous->longitude;
      }
      auto eta = EtaFor(updated, from);
      if (eta && previous && previous->eta) {
        if (auto before = core::ParseRfc3339(*previous->eta)) *eta += *before - now;
      }
      if (eta) updated.eta = T(*eta);
      updated.updated_at = T(now);
      if (!deliveries_.Update(tx, updated, "waiting")) return Fail(Error::Conflict("the run is changing right now; try again"));
      events::DeliveryStatusChanged changed{updated.id, updated.order_id, updated.store_id, "out_for_delivery", "waiting",
                                            updated.driver_id, FirstName(updated.driver_name), updated.eta, T(now)};
      outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, updated.id, changed));
      if (updated.eta) {
        outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, updated.order_id,
                                            events::PromiseChanged{updated.order_id, updated.store_id, *updated.eta, "driver"}));
      }
      // The ticket leaves the kitchen with the driver.
      auto t = repository_.Find(tx, updated.ticket_id);
      if (t && t->open()) {
        const TicketStatus previous_status = t->status;
        const std::int64_t as_read = t->bumps;
        t->status = TicketStatus::kHandedOff;
        t->handed_off_at = T(now);
        for (auto& i : t->items) i.handed_off = true;
        t->bumps += 1;
        t->seq = repository_.NextSeq(tx, t->store_id);
        t->updated_at = T(now);
        if (!repository_.Update(tx, *t, as_read)) return Fail(Error::Conflict("the run is changing right now; try again"));
        events::TicketStatusChanged ticket_changed{t->id, t->order_id, t->store_id, t->number, t->order_type,
                                                   "handed_off", std::string(TicketStatusName(previous_status)), T(now),
                                                   t->fired_at.value_or(""), t->promised_ready_at, t->estimated_ready_at};
        outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, t->id, ticket_changed));
        handed.push_back(std::move(*t));
      }
      sent.push_back(std::move(updated));
    }
    tx.Commit();
    if (events_committed_) events_committed_();
    for (const auto& t : handed) Publish(t, setup);
  }
  log::Info("delivery run dispatched", {{"run_id", sent.front().run_id.value_or("")},
                                        {"driver_id", driver->driver_id},
                                        {"deliveries", static_cast<std::int64_t>(sent.size())},
                                        {"by", actor.subject}});
  return sent;
}

core::Result<Delivery> KitchenService::Delivered(const std::string& delivery_id, const Actor& actor, bool by_driver) {
  auto d = deliveries_.Find(db_, delivery_id);
  if (!d) return Fail(Error::NotFound(fmt::format("delivery '{}' does not exist", delivery_id)));
  if (by_driver && d->driver_id != actor.subject) {
    return Fail(Error::Forbidden("only the driver who took this delivery (or a manager) can mark it delivered"));
  }
  if (d->status != "out_for_delivery") {
    return Fail(Error::Conflict(fmt::format("delivery of order #{} is {}, not out for delivery", d->number, d->status)));
  }
  const auto now = clock_.Now();
  Delivery updated = *d;
  updated.status = "delivered";
  updated.delivered_at = T(now);
  updated.updated_at = T(now);
  auto tx = db_.Begin();
  if (!deliveries_.Update(tx, updated, "out_for_delivery")) return Fail(Error::Conflict("the delivery is changing right now"));
  events::DeliveryStatusChanged changed{updated.id, updated.order_id, updated.store_id, "delivered", "out_for_delivery",
                                        updated.driver_id, FirstName(updated.driver_name), updated.eta, T(now)};
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, updated.id, changed));
  tx.Commit();
  if (events_committed_) events_committed_();
  log::Info("delivered", {{"delivery_id", updated.id}, {"order_id", updated.order_id}, {"by", actor.subject}});
  return updated;
}

core::Result<Driver> KitchenService::ClockIn(const std::string& driver_id, const std::string& store_id) {
  auto store = clients_.stores.GetStore(store_id);
  if (!store) return Fail(store.error());
  const auto now = clock_.Now();
  auto existing = deliveries_.FindDriver(db_, driver_id);
  if (existing && existing->on_shift) {
    if (existing->store_id == store_id) return GetDriver(driver_id);
    return Fail(Error::Conflict("already on shift at another store: clock out there first"));
  }
  Driver d = existing.value_or(Driver{});
  d.driver_id = driver_id;
  d.store_id = store_id;
  if (d.name.empty() && clients_.customers) {
    if (auto contact = clients_.customers->GetContact(driver_id)) d.name = contact->name;
  }
  if (d.name.empty()) d.name = "Driver";
  d.on_shift = true;
  d.shift_started_at = T(now);
  d.latitude = store->latitude;  // clocking in happens at the store
  d.longitude = store->longitude;
  d.location_at = T(now);
  d.updated_at = T(now);
  auto tx = db_.Begin();
  deliveries_.UpsertDriver(tx, d);
  deliveries_.OpenShift(tx, ids_.Next("shf"), driver_id, store_id, T(now));
  tx.Commit();
  log::Info("driver clocked in", {{"driver_id", driver_id}, {"store_id", store_id}});
  return GetDriver(driver_id);
}

core::Result<Driver> KitchenService::ClockOut(const std::string& driver_id) {
  auto d = deliveries_.FindDriver(db_, driver_id);
  if (!d || !d->on_shift) return Fail(Error::Conflict("not on shift"));
  if (!deliveries_.OutWith(db_, driver_id).empty()) {
    return Fail(Error::Conflict("deliveries are still out with this driver: mark them delivered first"));
  }
  const auto now = clock_.Now();
  d->on_shift = false;
  d->shift_started_at.reset();
  d->updated_at = T(now);
  auto tx = db_.Begin();
  deliveries_.UpsertDriver(tx, *d);
  deliveries_.CloseShift(tx, driver_id, T(now));
  tx.Commit();
  log::Info("driver clocked out", {{"driver_id", driver_id}});
  return GetDriver(driver_id);
}

core::Result<Driver> KitchenService::DriverLocation(const std::string& driver_id, double latitude, double longitude) {
  if (!location::IsValidPosition({latitude, longitude})) {
    return Fail(Error::Validation({{"latitude", "must be a position: latitude -90..90, longitude -180..180"}}));
  }
  auto d = deliveries_.FindDriver(db_, driver_id);
  if (!d || !d->on_shift) return Fail(Error::Conflict("not on shift: clock in first"));
  const auto now = clock_.Now();
  d->latitude = latitude;
  d->longitude = longitude;
  d->location_at = T(now);
  d->updated_at = T(now);
  auto tx = db_.Begin();
  deliveries_.UpsertDriver(tx, *d);
  // The customers on this run hear a new arrival time when it moved enough (next drop first; the
  // ones after it follow from the same position: the driver goes there next).
  bool announced = false;
  std::optional<core::TimePoint> previous_eta;
  Driver from = *d;
  for (auto& delivery : deliveries_.OutWith(tx, driver_id)) {
    auto eta = EtaFor(delivery, from);
    if (!eta) break;
    if (previous_eta) *eta += *previous_eta - now;
    previous_eta = eta;
    from.latitude = delivery.latitude;
    from.longitude = delivery.longitude;
    const auto old = delivery.eta ? core::ParseRfc3339(*delivery.eta) : std::nullopt;
    if (old && std::chrono::abs(*eta - *old) < std::chrono::seconds(60)) continue;
    Delivery updated = delivery;
    updated.eta = T(*eta);
    updated.updated_at = T(now);
    if (!deliveries_.Update(tx, updated, "out_for_delivery")) continue;
    outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, updated.order_id,
                                        events::PromiseChanged{updated.order_id, updated.store_id, *updated.eta, "driver"}));
    announced = true;
  }
  tx.Commit();
  if (announced && events_committed_) events_committed_();
  return GetDriver(driver_id);
}

core::Result<Driver> KitchenService::GetDriver(const std::string& driver_id) {
  auto d = deliveries_.FindDriver(db_, driver_id);
  if (!d) return Fail(Error::NotFound("this driver has never clocked in"));
  d->on_run = !deliveries_.OutWith(db_, driver_id).empty();
  return std::move(*d);
}

core::Result<std::vector<Driver>> KitchenService::Drivers(const std::string& store_id) {
  if (auto store = clients_.stores.GetStore(store_id); !store) return Fail(store.error());
  auto drivers = deliveries_.DriversOf(db_, store_id);
  for (auto& d : drivers) d.on_run = !deliveries_.OutWith(db_, d.driver_id).empty();
  return drivers;
}

}  // namespace vetahut::kitchen
