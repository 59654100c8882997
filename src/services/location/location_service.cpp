#include "services/location/location_service.hpp"
#include "lib/json/write.hpp"

#include <boost/json.hpp>
#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "lib/log/log.hpp"
#include "services/location/events.hpp"
#include "services/location/hours_codec.hpp"

namespace vetahut::location {

namespace json = boost::json;

namespace {

void FillStoreChanged(const Store& store, events::StoreChanged& out) {
  const auto& p = store.profile;
  out.store_id = store.id;
  out.name = p.name;
  out.currency = p.currency;
  out.locale = p.locale;
  out.time_zone = p.timezone;
  out.latitude = p.latitude;
  out.longitude = p.longitude;
  for (auto t : p.services) out.services.emplace_back(ServiceTypeName(t));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Read model

bool DirectoryEntry::AcceptingAt(core::TimePoint now) const {
  if (!record.pause) return true;
  return record.pause->until && *record.pause->until <= now;
}

OpeningHours::Status DirectoryEntry::HoursAt(ServiceType service, core::TimePoint now) const {
  auto it = hours.find(service);
  if (it == hours.end()) return {};
  return it->second.At(now);
}

OpeningHours::Status DirectoryEntry::AnyHoursAt(core::TimePoint now) const {
  OpeningHours::Status best;
  for (const auto& [service, opening] : hours) {
    auto s = opening.At(now);
    if (s.open_now) {
      if (!best.open_now || (s.closes_at && best.closes_at && *s.closes_at > *best.closes_at)) best = s;
    } else if (!best.open_now && s.next_open_at && (!best.next_open_at || *s.next_open_at < *best.next_open_at)) {
      best.next_open_at = s.next_open_at;
    }
  }
  if (best.open_now) best.next_open_at.reset();
  return best;
}

std::shared_ptr<const DirectoryEntry> StoreDirectory::Compile(StoreRecord record) {
  auto entry = std::make_shared<DirectoryEntry>();
  entry->zone = date::locate_zone(record.store.profile.timezone);
  for (const auto& [service, weekly] : record.hours) entry->hours.emplace(service, OpeningHours(entry->zone, weekly));
  entry->record = std::move(record);
  return entry;
}

void StoreDirectory::Put(StoreRecord record) {
  auto entry = Compile(std::move(record));
  std::unique_lock lock(mutex_);
  index_.Upsert(entry->record.store.id, {entry->record.store.profile.latitude, entry->record.store.profile.longitude});
  entries_[entry->record.store.id] = std::move(entry);
}

void StoreDirectory::ReplaceAll(std::vector<StoreRecord> records) {
  std::unordered_map<std::string, std::shared_ptr<const DirectoryEntry>> entries;
  StoreIndex index;
  for (auto& record : records) {
    auto entry = Compile(std::move(record));
    index.Upsert(entry->record.store.id, {entry->record.store.profile.latitude, entry->record.store.profile.longitude});
    entries[entry->record.store.id] = std::move(entry);
  }
  std::unique_lock lock(mutex_);
  entries_ = std::move(entries);
  index_ = std::move(index);
}

std::shared_ptr<const DirectoryEntry> StoreDirectory::Find(const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second;
}

std::vector<StoreDirectory::Nearby> StoreDirectory::Nearest(LatLon from, std::size_t k,
                                                            const std::function<bool(const DirectoryEntry&)>& filter) const {
  std::shared_lock lock(mutex_);
  std::vector<Nearby> out;
  auto hits = index_.Nearest(from, k, [&](const std::string& id) {
    auto it = entries_.find(id);
    return it != entries_.end() && (!filter || filter(*it->second));
  });
  for (const auto& hit : hits) out.push_back({entries_.at(hit.store_id), hit.distance_m});
  return out;
}

std::size_t StoreDirectory::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

// ---------------------------------------------------------------------------------------------
// Service

LocationService::LocationService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                                 std::function<void()> events_committed)
    : db_(db), clock_(clock), ids_(ids), events_committed_(std::move(events_committed)) {}

namespace {
std::string ChangeToken(db::Database& db) {
  auto row = db.Query("SELECT COUNT(*), COALESCE(SUM(version), 0) FROM location_stores")[0];
  return std::to_string(row.Int(0)) + "/" + std::to_string(row.Int(1));
}
}  // namespace

void LocationService::Refresh() {
  std::lock_guard lock(refresh_mutex_);
  change_token_ = ChangeToken(db_);
  directory_.ReplaceAll(repository_.LoadAll(db_));
}

void LocationService::RefreshIfChanged() {
  {
    std::lock_guard lock(refresh_mutex_);
    if (ChangeToken(db_) == change_token_) return;
  }
  Refresh();
}

core::Result<std::shared_ptr<const DirectoryEntry>> LocationService::Reload(db::Transaction& tx, const std::string& id) {
  auto record = repository_.LoadOne(tx, id);
  if (!record) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", id)));
  tx.Commit();
  if (events_committed_) events_committed_();
  directory_.Put(*record);
  return directory_.Find(id);
}

core::Result<std::shared_ptr<const DirectoryEntry>> LocationService::CreateStore(const StoreProfile& profile,
                                                                                 const std::string& traceparent) {
  if (auto valid = Validate(profile); !valid) return core::Fail(valid.error());
  Store store;
  store.id = ids_.Next("str");
  store.profile = profile;
  store.created_at = store.updated_at = clock_.Now();
  auto tx = db_.Begin();
  try {
    repository_.Insert(tx, store);
  } catch (const core::ErrorException& e) {
    if (e.error().code == core::ErrorCode::kConflict) {
      return core::Fail(core::Error::Validation({{"name", fmt::format("a store named '{}' already exists", profile.name)}}));
    }
    throw;
  }
  events::StoreCreated created;
  FillStoreChanged(store, created);
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, store.id, created, traceparent));
  return Reload(tx, store.id);
}

core::Result<std::shared_ptr<const DirectoryEntry>> LocationService::UpdateStore(const std::string& id, const StoreProfile& profile) {
  if (auto valid = Validate(profile); !valid) return core::Fail(valid.error());
  auto tx = db_.Begin();
  auto current = repository_.LoadOne(tx, id);
  if (!current) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", id)));
  Store store = current->store;
  store.profile = profile;
  store.updated_at = clock_.Now();
  try {
    repository_.UpdateProfile(tx, store);
  } catch (const core::ErrorException& e) {
    if (e.error().code == core::ErrorCode::kConflict) {
      return core::Fail(core::Error::Validation({{"name", fmt::format("a store named '{}' already exists", profile.name)}}));
    }
    throw;
  }
  // Hours of services the store no longer offers go with them.
  auto hours = current->hours;
  for (auto it = hours.begin(); it != hours.end();) {
    if (std::find(profile.services.begin(), profile.services.end(), it->first) == profile.services.end()) {
      it = hours.erase(it);
    } else {
      ++it;
    }
  }
  if (hours.size() != current->hours.size()) repository_.ReplaceHours(tx, id, "all", ServiceHoursToJson(hours));
  events::StoreUpdated updated;
  FillStoreChanged(store, updated);
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, store.id, updated));
  return Reload(tx, id);
}

core::Result<std::shared_ptr<const DirectoryEntry>> LocationService::GetStore(const std::string& id) const {
  if (auto entry = directory_.Find(id)) return entry;
  return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", id)));
}

core::Result<StorePage> LocationService::ListStores(const std::string& cursor, int limit) const {
  StorePage page;
  auto stores = repository_.List(db_, cursor, limit + 1);
  for (const auto& s : stores) {
    if (static_cast<int>(page.stores.size()) == limit) {
      page.next_cursor = page.stores.back()->record.store.id;
      break;
    }
    if (auto entry = directory_.Find(s.id)) page.stores.push_back(entry);
  }
  return page;
}

std::vector<StoreDirectory::Nearby> LocationService::FindStores(const FindQuery& q) const {
  const auto now = clock_.Now();
  return directory_.Nearest(q.from, std::size_t(q.limit), [&](const DirectoryEntry& e) {
    const auto& services = e.record.store.profile.services;
    if (q.service && std::find(services.begin(), services.end(), *q.service) == services.end()) return false;
    if (q.open_now_only) {
      const bool open = q.service ? e.HoursAt(*q.service, now).open_now : e.AnyHoursAt(now).open_now;
      if (!open || !e.AcceptingAt(now)) return false;
    }
    return true;
  });
}

core::Result<std::shared_ptr<const DirectoryEntry>> LocationService::SetHours(const std::string& id,
                                                                              std::map<ServiceType, WeeklyHours> hours) {
  auto tx = db_.Begin();
  auto current = repository_.LoadOne(tx, id);
  if (!current) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", id)));
  repository_.ReplaceHours(tx, id, "all", ServiceHoursToJson(hours));
  return Reload(tx, id);
}

core::Result<std::shared_ptr<const DirectoryEntry>> LocationService::SetZones(const std::string& id, std::vector<DeliveryZone> zones) {
  auto tx = db_.Begin();
  auto current = repository_.LoadOne(tx, id);
  if (!current) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", id)));
  const auto& services = current->store.profile.services;
  if (!zones.empty() && std::find(services.begin(), services.end(), ServiceType::kDelivery) == services.end()) {
    return core::Fail(core::Error::Validation({{"zones", "the store does not offer delivery"}}));
  }
  for (auto& zone : zones) zone.id = ids_.Next("zon");
  repository_.ReplaceZones(tx, id, zones);
  return Reload(tx, id);
}

core::Result<std::shared_ptr<const DirectoryEntry>> LocationService::SetSlotRules(const std::string& id, const SlotRules& rules) {
  if (auto valid = ValidateSlotRules(rules, ""); !valid) return core::Fail(valid.error());
  auto tx = db_.Begin();
  if (!repository_.LoadOne(tx, id)) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", id)));
  repository_.UpdateSlotRules(tx, id, rules);
  return Reload(tx, id);
}

void LocationService::EmitStatusChanged(db::Transaction& tx, const StoreRecord& record, const std::string& cause) {
  events::StoreStatusChanged changed;
  changed.store_id = record.store.id;
  changed.accepting_orders = !record.pause.has_value();
  changed.cause = cause;
  if (record.pause) {
    changed.reason = record.pause->reason;
    if (record.pause->until) changed.resume_at = core::FormatRfc3339(*record.pause->until);
  }
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, record.store.id, changed));
}

core::Result<std::shared_ptr<const DirectoryEntry>> LocationService::PauseStore(const std::string& id, const std::string& reason,
                                                                                std::optional<core::TimePoint> until) {
  core::FieldErrors errors;
  if (reason.empty()) errors.Add("reason", "is required, e.g. \"kitchen overloaded\"");
  if (reason.size() > 200) errors.Add("reason", "must be at most 200 characters");
  const auto now = clock_.Now();
  if (until && *until <= now) errors.Add("resume_at", "end before start: must be in the future");
  if (until && *until > now + std::chrono::hours(24 * 30)) errors.Add("resume_at", "must be within 30 days");
  if (!errors.empty()) return core::Fail(errors.ToError());
  auto tx = db_.Begin();
  auto current = repository_.LoadOne(tx, id);
  if (!current) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", id)));
  Pause pause{reason, until};
  repository_.UpdatePause(tx, id, pause, now);
  current->pause = pause;
  EmitStatusChanged(tx, *current, "paused");
  return Reload(tx, id);
}

core::Result<std::shared_ptr<const DirectoryEntry>> LocationService::ResumeStore(const std::string& id) {
  auto tx = db_.Begin();
  auto current = repository_.LoadOne(tx, id);
  if (!current) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", id)));
  if (!current->pause) {
    tx.Rollback();
    return directory_.Find(id);  // already accepting: nothing changes, no event
  }
  repository_.UpdatePause(tx, id, std::nullopt, clock_.Now());
  current->pause.reset();
  EmitStatusChanged(tx, *current, "resumed");
  return Reload(tx, id);
}

core::Status LocationService::SetBusy(const std::string& store_id, const std::string& reason, core::TimePoint until) {
  auto paused = PauseStore(store_id, reason, until);
  if (!paused) return core::Fail(paused.error());
  return core::Ok();
}

core::Status LocationService::ClearBusy(const std::string& store_id, const std::string& reason) {
  {
    auto tx = db_.Begin();
    auto current = repository_.LoadOne(tx, store_id);
    if (!current) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
    if (!current->pause || current->pause->reason != reason) return core::Ok();  // not (or no longer) that pause
    repository_.UpdatePause(tx, store_id, std::nullopt, clock_.Now());
    current->pause.reset();
    EmitStatusChanged(tx, *current, "resumed");
    if (auto reloaded = Reload(tx, store_id); !reloaded) return core::Fail(reloaded.error());
  }
  return core::Ok();
}

int LocationService::ResumeDue() {
  int resumed = 0;
  for (const auto& id : repository_.DueToResume(db_, clock_.Now())) {
    auto tx = db_.Begin();
    auto current = repository_.LoadOne(tx, id);
    // Re-check inside the transaction: another replica may have resumed it already.
    if (!current || !current->pause || !current->pause->until || *current->pause->until > clock_.Now()) continue;
    repository_.UpdatePause(tx, id, std::nullopt, clock_.Now());
    current->pause.reset();
    EmitStatusChanged(tx, *current, "resume_at reached");
    if (Reload(tx, id)) ++resumed;
  }
  return resumed;
}

core::Result<std::vector<SlotView>> LocationService::Slots(const std::string& id, date::year_month_day day,
                                                           ServiceType service) const {
  auto entry = directory_.Find(id);
  if (!entry) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", id)));
  const auto& services = entry->record.store.profile.services;
  if (std::find(services.begin(), services.end(), service) == services.end()) {
    return core::Fail(core::Error::Validation({{"type", fmt::format("the store does not offer {}", ServiceTypeName(service))}}));
  }
  std::vector<SlotView> out;
  auto hours = entry->hours.find(service);
  if (hours == entry->hours.end()) return out;
  const auto now = clock_.Now();
  auto slots = SlotsForDay(hours->second, entry->zone, day, entry->record.slot_rules, now);
  if (slots.empty()) return out;
  auto usage = repository_.SlotUsage(db_, id, slots.front().start, slots.back().end);
  for (const auto& slot : slots) {
    auto used = usage.find(core::FormatRfc3339(slot.start));
    const int left = entry->record.slot_rules.capacity - (used == usage.end() ? 0 : used->second);
    out.push_back({slot, std::max(0, left)});
  }
  return out;
}

core::Result<DeliveryQuote> LocationService::CheckDelivery(const std::string& store_id, LatLon point) {
  auto entry = directory_.Find(store_id);
  if (!entry) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
  DeliveryQuote quote;
  quote.distance_m = GreatCircleMeters({entry->record.store.profile.latitude, entry->record.store.profile.longitude}, point);
  auto chosen = ChooseZone(entry->record.zones, point);
  if (!chosen) return quote;
  const auto& zone = entry->record.zones[*chosen];
  quote.deliverable = true;
  quote.zone_id = zone.id;
  quote.zone_name = zone.name;
  quote.fee = zone.fee;
  quote.minimum_order = zone.minimum_order;
  quote.estimate_minutes = zone.estimate_minutes;
  return quote;
}

core::Result<StoreAvailability> LocationService::Availability(const std::string& store_id, ServiceType service) {
  auto entry = directory_.Find(store_id);
  if (!entry) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
  const auto now = clock_.Now();
  StoreAvailability out;
  out.accepting_orders = entry->AcceptingAt(now);
  if (!out.accepting_orders) out.pause_reason = entry->record.pause->reason;
  auto status = entry->HoursAt(service, now);
  out.open_now = status.open_now;
  out.next_open_at = status.next_open_at;
  return out;
}

core::Result<SlotReservation> LocationService::ReserveSlot(const std::string& store_id, ServiceType service,
                                                           core::TimePoint slot_start, const std::string& order_id) {
  if (order_id.empty() || order_id.size() > 64) {
    return core::Fail(core::Error::Validation({{"order_id", "is required (at most 64 characters)"}}));
  }
  auto entry = directory_.Find(store_id);
  if (!entry) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
  auto hours = entry->hours.find(service);
  std::optional<TimeSlot> slot;
  if (hours != entry->hours.end()) {
    slot = FindSlot(hours->second, entry->zone, entry->record.slot_rules, clock_.Now(), slot_start);
  }
  if (!slot) {
    return core::Fail(core::Error::Validation({{"slot_start", "is not an open slot of this store for this service"}}));
  }
  if (!entry->AcceptingAt(clock_.Now())) {
    return core::Fail(core::Error::Conflict(fmt::format("the store is not accepting orders: {}", entry->record.pause->reason)));
  }
  const std::string key = core::FormatRfc3339(slot->start);
  auto tx = db_.Begin();
  if (auto existing = repository_.FindReservation(tx, order_id)) {
    if (existing->store_id != store_id || existing->slot_start != key) {
      return core::Fail(core::Error::Conflict("the order already holds another slot; release it first"));
    }
    return SlotReservation{order_id, store_id, service, slot->start, slot->end};
  }
  if (!repository_.TakeSlotCapacity(tx, store_id, key, entry->record.slot_rules.capacity)) {
    return core::Fail(core::Error::Conflict("the slot is full"));
  }
  repository_.InsertReservation(tx, {order_id, store_id, key, std::string(ServiceTypeName(service))}, clock_.Now());
  tx.Commit();
  return SlotReservation{order_id, store_id, service, slot->start, slot->end};
}

core::Result<SlotReservation> LocationService::CheckSlot(const std::string& store_id, ServiceType service,
                                                         core::TimePoint slot_start) {
  auto entry = directory_.Find(store_id);
  if (!entry) return core::Fail(core::Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
  auto hours = entry->hours.find(service);
  std::optional<TimeSlot> slot;
  if (hours != entry->hours.end()) {
    slot = FindSlot(hours->second, entry->zone, entry->record.slot_rules, clock_.Now(), slot_start);
  }
  if (!slot) {
    return core::Fail(core::Error::Validation({{"slot_start", "is not an open slot of this store for this service"}}));
  }
  if (!entry->AcceptingAt(clock_.Now())) {
    return core::Fail(core::Error::Conflict(fmt::format("the store is not accepting orders: {}", entry->record.pause->reason)));
  }
  auto usage = repository_.SlotUsage(db_, store_id, slot->start, slot->end);
  auto used = usage.find(core::FormatRfc3339(slot->start));
  if (used != usage.end() && used->second >= entry->record.slot_rules.capacity) {
    return core::Fail(core::Error::Conflict("the slot is full"));
  }
  return SlotReservation{"", store_id, service, slot->start, slot->end};
}

core::Status LocationService::ReleaseSlot(const std::string& order_id) {
  auto tx = db_.Begin();
  auto existing = repository_.FindReservation(tx, order_id);
  if (!existing) return core::Ok();
  repository_.GiveBackSlotCapacity(tx, existing->store_id, existing->slot_start);
  repository_.DeleteReservation(tx, order_id);
  tx.Commit();
  return core::Ok();
}

// ---------------------------------------------------------------------------------------------
// JSON

namespace {

json::value TimeOrNull(const std::optional<core::TimePoint>& t) {
  return t ? json::value(core::FormatRfc3339(*t)) : json::value(nullptr);
}

json::object HoursStatusJson(const OpeningHours::Status& s) {
  return json::object{{"open_now", s.open_now}, {"closes_at", TimeOrNull(s.closes_at)}, {"next_open_at", TimeOrNull(s.next_open_at)}};
}

}  // namespace

std::string StoreToJson(const DirectoryEntry& entry, core::TimePoint now, std::optional<double> distance_m) {
  const auto& s = entry.record.store;
  const auto& p = s.profile;
  json::array services;
  json::object per_service;
  for (auto t : p.services) {
    services.emplace_back(ServiceTypeName(t));
    if (entry.zone) per_service[ServiceTypeName(t)] = HoursStatusJson(entry.HoursAt(t, now));
  }
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
      {"created_at", core::FormatRfc3339(s.created_at)},
      {"updated_at", core::FormatRfc3339(s.updated_at)},
  };
  const bool accepting = entry.AcceptingAt(now);
  out["accepting_orders"] = accepting;
  out["pause"] = accepting ? json::value(nullptr)
                           : json::value(json::object{{"reason", entry.record.pause->reason},
                                                      {"resume_at", TimeOrNull(entry.record.pause->until)}});
  if (entry.zone) {
    auto any = entry.AnyHoursAt(now);
    out["open_now"] = any.open_now;
    out["closes_at"] = TimeOrNull(any.closes_at);
    out["next_open_at"] = TimeOrNull(any.next_open_at);
    out["hours_status"] = std::move(per_service);
  }
  out["slot_rules"] = {{"length_minutes", entry.record.slot_rules.length.count()},
                       {"lead_time_minutes", entry.record.slot_rules.lead_time.count()},
                       {"capacity", entry.record.slot_rules.capacity}};
  if (distance_m) out["distance_m"] = std::round(*distance_m * 10) / 10;
  return json_text::Serialize(out);
}

std::vector<db::Migration> AllMigrations() {
  auto all = Migrations();
  for (auto& m : bus::OutboxInboxMigrations("location", 900)) all.push_back(std::move(m));
  return all;
}

}  // namespace vetahut::location
