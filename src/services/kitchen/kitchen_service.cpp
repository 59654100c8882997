#include "services/kitchen/kitchen_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <functional>

#include "lib/bus/cloud_event.hpp"
#include "lib/json/write.hpp"
#include "lib/log/log.hpp"
#include "services/kitchen/events.hpp"
#include "services/kitchen/setup_codec.hpp"

namespace vetahut::kitchen {
namespace {

namespace json = boost::json;
using core::Error;
using core::Fail;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::seconds;

constexpr std::size_t kMaxEstimateUnits = 500;  // a quote's items beyond this change nothing for the kitchen
constexpr auto kSetupCacheTtl = std::chrono::seconds(10);

std::string T(core::TimePoint t) { return core::FormatRfc3339(t); }
core::TimePoint ParseOr(const std::string& text, core::TimePoint fallback) {
  auto t = core::ParseRfc3339(text);
  return t ? *t : fallback;
}
std::int64_t Micros(core::TimePoint t) { return t.time_since_epoch().count(); }

/// The units of an order as the kitchen makes them: a line of quantity 3 is three of each item.
std::vector<TicketItem> ExpandItems(const order::events::OrderConfirmed& order, const KitchenSetup& setup) {
  std::vector<TicketItem> out;
  for (const auto& line : order.lines) {
    for (std::int64_t q = 0; q < line.quantity; ++q) {
      for (const auto& item : line.items) {
        TicketItem t;
        t.index = static_cast<std::int64_t>(out.size());
        t.line = line.index;
        t.deal = line.deal_id.empty() ? "" : line.name;
        t.product_id = item.product_id;
        t.category_id = item.category_id;
        t.kind = item.kind;
        t.name = item.name;
        t.size_id = item.size_id;
        t.size_name = item.size_name;
        t.crust_id = item.crust_id;
        t.crust_name = item.crust_name;
        t.toppings = item.toppings;
        t.removed = item.removed_toppings;
        t.notes = line.notes;
        t.route = RouteOf(setup, t.key());
        out.push_back(std::move(t));
      }
    }
  }
  return out;
}

std::vector<MadeItem> MadeItems(const std::vector<TicketItem>& items) {
  std::vector<MadeItem> out;
  for (const auto& i : items) {
    MadeItem m{i.product_id, i.size_id, i.crust_id, {}};
    for (const auto& t : i.toppings) m.toppings.push_back({t.topping_id, t.portion, t.amount});
    out.push_back(std::move(m));
  }
  return out;
}

/// Items reach the kitchen: back at their first station, not started, from `now`.
void Fire(Ticket& t, core::TimePoint now) {
  t.fired_at = T(now);
  t.fired_us = Micros(now);
  for (auto& i : t.items) {
    i.step = 0;
    i.started = false;
    i.since = now;
  }
}

/// The candidate of a ticket not yet in the kitchen, as if it arrived now.
ModelTicket AsCandidate(const Ticket& t, core::TimePoint now) {
  ModelTicket m = t.model();
  m.fired_at = now;
  for (auto& i : m.items) {
    i.progress.step = 0;
    i.progress.started = false;
    i.progress.since = now;
    i.progress.handed_off = false;
  }
  return m;
}

/// Kitchen order: rush first, then arrival, then id (as the model serves them).
void SortForKitchen(std::vector<const Ticket*>& tickets) {
  std::sort(tickets.begin(), tickets.end(), [](const Ticket* a, const Ticket* b) {
    if (a->priority != b->priority) return a->priority > b->priority;
    if (a->fired_us.value_or(0) != b->fired_us.value_or(0)) return a->fired_us.value_or(0) < b->fired_us.value_or(0);
    return a->id < b->id;
  });
}

/// Whether an item shows on `station`'s screen: it is there, or in the oven just before it.
bool ItemAt(const KitchenSetup& setup, const TicketItem& item, const std::string& station) {
  if (item.voided || item.handed_off) return false;
  const ItemProgress p = item.progress();
  const std::string here = p.station();
  if (here.empty()) return false;
  if (here == station) return true;
  const Station* s = setup.FindStation(here);
  if (s && s->is_oven() && p.started && static_cast<std::size_t>(p.step + 1) < p.route.size()) {
    return p.route[p.step + 1] == station;
  }
  return false;
}

/// Each item's finished stays at each station, for the `ready` event (analytics' station times).
std::vector<events::StationTime> StationTimes(const Ticket& t, const KitchenSetup& setup) {
  std::vector<events::StationTime> out;
  for (const auto& item : t.items) {
    if (item.voided || !item.visits) continue;
    for (const auto& v : *item.visits) {
      if (!v.done) continue;
      const Station* s = setup.FindStation(v.station);
      out.push_back({item.index, item.product_id, item.kind, v.station, s ? s->name : v.station, s && s->is_oven(),
                     T(v.arrived), T(v.started.value_or(v.arrived)), T(*v.done)});
    }
  }
  return out;
}

bool IsWholeTicketView(const KitchenSetup& setup, const std::string& station) {
  if (station.empty()) return true;
  const Station* s = setup.FindStation(station);
  return s && s->kind == StationKind::kPass;
}

}  // namespace

KitchenService::KitchenService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, KitchenClients clients,
                               InventoryService& inventory, KitchenOptions options, std::function<void()> events_committed)
    : db_(db),
      clock_(clock),
      ids_(ids),
      clients_(clients),
      inventory_(inventory),
      options_(options),
      events_committed_(std::move(events_committed)) {}

std::mutex& KitchenService::StoreLock(const std::string& store_id) {
  return store_locks_[std::hash<std::string>{}(store_id) % store_locks_.size()];
}

core::Status KitchenService::KnownStore(const std::string& store_id) {
  auto store = clients_.stores.GetStore(store_id);
  if (!store) return Fail(store.error());
  return core::Ok();
}

// ---------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------

KitchenSetup KitchenService::SetupFor(const std::string& store_id) {
  const auto now = clock_.Now();
  {
    std::lock_guard lock(setups_mutex_);
    auto it = setups_.find(store_id);
    if (it != setups_.end() && now - it->second.loaded < kSetupCacheTtl) return it->second.setup;
  }
  KitchenSetup setup = DefaultSetup();
  if (auto stored = repository_.FindSetup(db_, store_id)) {
    auto parsed = ParseSetupText(*stored);
    if (parsed) {
      setup = std::move(*parsed);
    } else {
      log::Error("a stored kitchen setup does not parse; using the default",
                 {{"store_id", store_id}, {"error", parsed.error().detail}});
    }
  }
  std::lock_guard lock(setups_mutex_);
  setups_[store_id] = {setup, now};
  return setup;
}

core::Result<KitchenSetup> KitchenService::PutSetup(const std::string& store_id, const KitchenSetup& setup,
                                                    const Actor& actor) {
  if (auto store = clients_.stores.GetStore(store_id); !store) return Fail(store.error());
  if (auto valid = Validate(setup); !valid) return Fail(valid.error());
  {
    auto tx = db_.Begin();
    repository_.UpsertSetup(tx, store_id, SetupToJson(setup), T(clock_.Now()), actor.subject);
    tx.Commit();
  }
  {
    std::lock_guard lock(setups_mutex_);
    setups_[store_id] = {setup, clock_.Now()};
  }
  log::Info("kitchen setup changed", {{"store_id", store_id}, {"by", actor.subject}});
  ReestimateStore(store_id);
  return setup;
}

// ---------------------------------------------------------------------------------------------
// Tickets from orders
// ---------------------------------------------------------------------------------------------

core::Status KitchenService::CreateTicket(const order::events::OrderConfirmed& order) {
  if (repository_.FindByOrder(db_, order.order_id)) return core::Ok();  // redelivered
  const KitchenSetup setup = SetupFor(order.store_id);
  const auto now = clock_.Now();
  Ticket t;
  t.id = ids_.Next("tkt");
  t.store_id = order.store_id;
  t.order_id = order.order_id;
  t.number = order.number;
  t.order_type = order.type;
  t.channel = order.channel;
  t.customer_name = order.customer_name;
  t.placed_at = order.placed_at;
  t.promised_at = order.promised_at;
  t.promised_ready_at = order.ready_by.value_or(order.promised_at);
  t.announced_at = order.promised_at;
  t.scheduled_for = order.scheduled_for;
  if (order.address) {
    t.address = json_text::Serialize(json::object{{"latitude", order.address->latitude},
                                                  {"longitude", order.address->longitude},
                                                  {"line1", order.address->line1},
                                                  {"city", order.address->city},
                                                  {"instructions", order.address->instructions}});
  }
  t.items = ExpandItems(order, setup);
  t.created_at = t.updated_at = T(now);
  const core::TimePoint promised_ready = ParseOr(t.promised_ready_at, now);

  std::lock_guard lock(StoreLock(t.store_id));
  auto tx = db_.Begin();
  if (repository_.FindByOrder(tx, order.order_id)) return core::Ok();
  const auto queue = open_.Get(tx, t.store_id);
  const core::TimePoint ready_now = ReadyIfFiredNow(setup, queue->models, AsCandidate(t, now), now);
  // An order-ahead waits until firing it now would just make its time.
  const bool fire = !t.scheduled_for || ready_now + options_.fire_tick >= promised_ready;
  if (fire) {
    Fire(t, now);
    t.status = TicketStatusOf(setup, t.progress(), true);
    t.estimated_ready_at = T(ready_now);
  } else {
    for (auto& i : t.items) i.since = now;
    t.status = TicketStatus::kScheduled;
    t.estimated_ready_at = T(promised_ready);
  }
  t.consumed = inventory_.Consume(tx, t.store_id, MadeItems(t.items));
  t.seq = repository_.NextSeq(tx, t.store_id);
  repository_.Insert(tx, t);
  events::TicketStatusChanged changed{t.id, t.order_id, t.store_id, t.number, t.order_type,
                                      std::string(TicketStatusName(t.status)), "", T(now), t.fired_at.value_or(""),
                                      t.promised_ready_at, t.estimated_ready_at};
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, t.id, changed));
  tx.Commit();
  log::Info("kitchen ticket created", {{"ticket_id", t.id},
                                       {"order_id", t.order_id},
                                       {"store_id", t.store_id},
                                       {"status", TicketStatusName(t.status)},
                                       {"items", static_cast<std::int64_t>(t.items.size())}});
  if (events_committed_) events_committed_();
  if (fire) Publish(t, setup);
  inventory_.SyncMenu(t.store_id);
  return core::Ok();
}

core::Status KitchenService::AfterCreate(const std::string& store_id) {
  std::lock_guard lock(marked_mutex_);
  marked_.insert(store_id);
  return core::Ok();
}

int KitchenService::ReestimateMarked() {
  std::set<std::string> stores;
  {
    std::lock_guard lock(marked_mutex_);
    stores.swap(marked_);
  }
  int changed = 0;
  for (const auto& store_id : stores) {
    try {
      changed += ReestimateStore(store_id);
    } catch (const std::exception& e) {
      log::Warn("kitchen re-estimate failed", {{"store_id", store_id}, {"error", e.what()}});
    }
  }
  return changed;
}

core::Status KitchenService::VoidForOrder(const std::string& order_id, const std::string& reason) {
  auto found = repository_.FindByOrder(db_, order_id);
  if (!found || !found->open()) return core::Ok();
  const KitchenSetup setup = SetupFor(found->store_id);
  {
    std::lock_guard lock(StoreLock(found->store_id));
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto t = repository_.Find(db_, found->id);
      if (!t || !t->open()) break;
      const std::int64_t as_read = t->bumps;
      const TicketStatus previous = t->status;
      const auto now = clock_.Now();
      t->status = TicketStatus::kVoided;
      t->voided_at = T(now);
      t->void_reason = reason;
      for (auto& i : t->items) i.voided = true;
      t->bumps += 1;
      const std::string consumed = t->consumed;
      t->consumed = "{}";
      if (Save(*t, as_read, previous, setup, [&](db::Transaction& tx) {
            inventory_.Return(tx, t->store_id, consumed);
            CancelDelivery(tx, *t);
          })) {
        log::Info("kitchen ticket voided", {{"ticket_id", t->id}, {"order_id", order_id}, {"reason", reason}});
        break;
      }
    }
  }
  inventory_.SyncMenu(found->store_id);
  ReestimateStore(found->store_id);
  return core::Ok();
}

core::Status KitchenService::CompleteForOrder(const std::string& order_id) {
  auto found = repository_.FindByOrder(db_, order_id);
  if (!found || !found->open()) return core::Ok();
  const KitchenSetup setup = SetupFor(found->store_id);
  std::lock_guard lock(StoreLock(found->store_id));
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto t = repository_.Find(db_, found->id);
    if (!t || !t->open()) return core::Ok();
    const std::int64_t as_read = t->bumps;
    const TicketStatus previous = t->status;
    const auto now = clock_.Now();
    t->status = TicketStatus::kHandedOff;
    t->handed_off_at = T(now);
    if (!t->ready_at) t->ready_at = T(now);
    for (auto& i : t->items) i.handed_off = true;
    t->bumps += 1;
    if (Save(*t, as_read, previous, setup)) return core::Ok();
  }
  return Fail(Error::Unavailable("the ticket kept changing; retrying"));
}

// ---------------------------------------------------------------------------------------------
// Screens
// ---------------------------------------------------------------------------------------------

core::Result<Ticket> KitchenService::Get(const std::string& ticket_id) {
  auto t = repository_.Find(db_, ticket_id);
  if (!t) return Fail(Error::NotFound(fmt::format("ticket '{}' does not exist", ticket_id)));
  return std::move(*t);
}

core::Result<std::vector<Ticket>> KitchenService::List(const std::string& store_id, const std::string& station,
                                                       std::optional<TicketStatus> status) {
  if (auto store = clients_.stores.GetStore(store_id); !store) return Fail(store.error());
  const KitchenSetup setup = SetupFor(store_id);
  if (!station.empty() && !setup.FindStation(station)) {
    return Fail(Error::Validation({{"station", fmt::format("is not a station of this kitchen ({})", station)}}));
  }
  if (status && (*status == TicketStatus::kHandedOff || *status == TicketStatus::kVoided)) {
    return repository_.WithStatus(db_, store_id, *status, 100);
  }
  const auto queue = open_.Get(db_, store_id);
  std::vector<const Ticket*> order;
  for (const auto& ticket : queue->tickets) {
    const Ticket& t = *ticket;
    if (status ? t.status != *status : t.status == TicketStatus::kScheduled) continue;
    if (!IsWholeTicketView(setup, station) &&
        std::none_of(t.items.begin(), t.items.end(), [&](const TicketItem& i) { return ItemAt(setup, i, station); })) {
      continue;
    }
    order.push_back(&t);
  }
  SortForKitchen(order);
  std::vector<Ticket> out;
  for (const Ticket* t : order) out.push_back(*t);
  return out;
}

core::Result<Ticket> KitchenService::Bump(const std::string& ticket_id, const std::string& station,
                                          std::optional<std::int64_t> item_index, const Actor& actor) {
  auto found = Get(ticket_id);
  if (!found) return found;
  const KitchenSetup setup = SetupFor(found->store_id);
  const Station* at = station.empty() ? nullptr : setup.FindStation(station);
  if (!station.empty() && !at) {
    return Fail(Error::Validation({{"station", fmt::format("is not a station of this kitchen ({})", station)}}));
  }
  bool became_ready = false;
  {
    std::lock_guard lock(StoreLock(found->store_id));
    for (int attempt = 0;; ++attempt) {
      if (attempt == 3) return Fail(Error::Conflict("the ticket is changing right now; try again"));
      auto t = repository_.Find(db_, ticket_id);
      if (!t) return Fail(Error::NotFound(fmt::format("ticket '{}' does not exist", ticket_id)));
      if (t->status == TicketStatus::kVoided) {
        return Fail(Error::Conflict(fmt::format("ticket #{} was voided ({}): take it off the line", t->number, t->void_reason)));
      }
      if (t->status == TicketStatus::kHandedOff) {
        return Fail(Error::Conflict(fmt::format("ticket #{} was already handed off", t->number)));
      }
      if (t->status == TicketStatus::kScheduled) {
        return Fail(Error::Conflict(fmt::format("ticket #{} is an order-ahead that has not reached the kitchen yet", t->number)));
      }
      const auto now = clock_.Now();
      const std::int64_t as_read = t->bumps;
      const TicketStatus previous = t->status;
      const std::string items_before = ItemsToJson(t->items);
      if (at && at->kind == StationKind::kPass) {
        // The expo pass hands a ready ticket over.
        if (t->status != TicketStatus::kReady) {
          return Fail(Error::Conflict(fmt::format("ticket #{} is not ready yet ({})", t->number, TicketStatusName(t->status))));
        }
        if (t->order_type == "delivery") {
          return Fail(Error::Conflict(fmt::format("ticket #{} is a delivery: it leaves with its driver (dispatch it)", t->number)));
        }
        t->status = TicketStatus::kHandedOff;
        t->handed_off_at = T(now);
        for (auto& i : t->items) i.handed_off = true;
      } else if (item_index) {
        auto item = std::find_if(t->items.begin(), t->items.end(), [&](const TicketItem& i) { return i.index == *item_index; });
        if (item == t->items.end() || item->voided) {
          return Fail(Error::Validation({{"item", fmt::format("ticket #{} has no item {}", t->number, *item_index)}}));
        }
        auto moved = kitchen::Bump(setup, item->progress(), station, now);
        if (!moved) return Fail(moved.error());
        item->set_progress(*moved);
      } else {
        int moved_items = 0;
        for (auto& item : t->items) {
          if (item.voided || item.handed_off) continue;
          if (!station.empty() && !ItemAt(setup, item, station)) continue;
          if (station.empty() && StatusOf(setup, item.progress()) == ItemStatus::kReady) continue;
          auto moved = kitchen::Bump(setup, item.progress(), station, now);
          if (!moved) continue;
          item.set_progress(*moved);
          ++moved_items;
        }
        if (moved_items == 0) {
          return Fail(Error::Conflict(station.empty() ? fmt::format("ticket #{} has nothing left to bump", t->number)
                                                      : fmt::format("ticket #{} has no item at {}", t->number, station)));
        }
      }
      if (t->status != TicketStatus::kHandedOff) t->status = TicketStatusOf(setup, t->progress(), true);
      became_ready = t->status == TicketStatus::kReady && previous != TicketStatus::kReady;
      if (became_ready) t->ready_at = T(now);
      t->bumps += 1;
      BumpRow bump{t->bumps, station, item_index, items_before, std::string(TicketStatusName(previous)), T(now)};
      if (Save(*t, as_read, previous, setup, [&](db::Transaction& tx) {
            repository_.InsertBump(tx, t->id, bump, actor.subject);
            if (became_ready && t->order_type == "delivery") CreateDelivery(tx, *t);
          })) {
        if (became_ready) ObserveReady(*t);
        found = std::move(*t);
        break;
      }
    }
  }
  ReestimateStore(found->store_id);
  return found;
}

core::Result<Ticket> KitchenService::Recall(const std::string& ticket_id, const Actor& actor) {
  auto found = Get(ticket_id);
  if (!found) return found;
  const KitchenSetup setup = SetupFor(found->store_id);
  {
    std::lock_guard lock(StoreLock(found->store_id));
    auto t = repository_.Find(db_, ticket_id);
    if (!t) return Fail(Error::NotFound(fmt::format("ticket '{}' does not exist", ticket_id)));
    if (t->status == TicketStatus::kVoided) return Fail(Error::Conflict(fmt::format("ticket #{} was voided", t->number)));
    if (t->status == TicketStatus::kHandedOff && t->order_type == "delivery") {
      return Fail(Error::Conflict(fmt::format("ticket #{} is out with its driver", t->number)));
    }
    auto last = repository_.LastBump(db_, ticket_id);
    if (!last) return Fail(Error::Conflict(fmt::format("ticket #{} has no bump to recall", t->number)));
    if (auto delivery = deliveries_.FindByOrder(db_, t->order_id); delivery && delivery->status != "waiting" &&
                                                                  delivery->status != "cancelled") {
      return Fail(Error::Conflict(fmt::format("ticket #{} is out with its driver", t->number)));
    }
    auto items = ItemsFromJson(last->items_before);
    auto status = ParseTicketStatus(last->status_before);
    if (!items || !status) return Fail(Error::Internal("a stored bump is unreadable"));
    const std::int64_t as_read = t->bumps;
    const TicketStatus previous = t->status;
    t->items = std::move(*items);
    t->status = *status;
    if (t->status != TicketStatus::kHandedOff) t->handed_off_at.reset();
    if (t->status != TicketStatus::kReady && t->status != TicketStatus::kHandedOff) t->ready_at.reset();
    t->bumps += 1;
    const bool unready = previous == TicketStatus::kReady && t->status != TicketStatus::kReady;
    if (!Save(*t, as_read, previous, setup, [&](db::Transaction& tx) {
          repository_.MarkRecalled(tx, t->id, last->bump_no);
          if (unready) CancelDelivery(tx, *t);
        })) {
      return Fail(Error::Conflict("the ticket is changing right now; try again"));
    }
    log::Info("kitchen bump recalled", {{"ticket_id", t->id}, {"by", actor.subject}, {"status", TicketStatusName(t->status)}});
    found = std::move(*t);
  }
  ReestimateStore(found->store_id);
  return found;
}

core::Result<Ticket> KitchenService::SetPriority(const std::string& ticket_id, bool rush, const Actor& actor) {
  auto found = Get(ticket_id);
  if (!found) return found;
  const KitchenSetup setup = SetupFor(found->store_id);
  {
    std::lock_guard lock(StoreLock(found->store_id));
    auto t = repository_.Find(db_, ticket_id);
    if (!t) return Fail(Error::NotFound(fmt::format("ticket '{}' does not exist", ticket_id)));
    if (!t->open()) return Fail(Error::Conflict(fmt::format("ticket #{} has left the kitchen", t->number)));
    if (t->priority == (rush ? 1 : 0)) return std::move(*t);
    const std::int64_t as_read = t->bumps;
    t->priority = rush ? 1 : 0;
    t->bumps += 1;
    if (!Save(*t, as_read, t->status, setup)) return Fail(Error::Conflict("the ticket is changing right now; try again"));
    log::Info("kitchen ticket priority", {{"ticket_id", t->id}, {"rush", rush}, {"by", actor.subject}});
    found = std::move(*t);
  }
  ReestimateStore(found->store_id);
  return found;
}

bool KitchenService::Save(Ticket& t, std::int64_t bumps_as_read, TicketStatus previous, const KitchenSetup& setup,
                          const std::function<void(db::Transaction&)>& extra) {
  const auto now = clock_.Now();
  t.updated_at = T(now);
  auto tx = db_.Begin();
  t.seq = repository_.NextSeq(tx, t.store_id);
  if (!repository_.Update(tx, t, bumps_as_read)) return false;
  if (extra) extra(tx);
  if (t.status != previous) {
    events::TicketStatusChanged changed{t.id, t.order_id, t.store_id, t.number, t.order_type,
                                        std::string(TicketStatusName(t.status)), std::string(TicketStatusName(previous)),
                                        T(now), t.fired_at.value_or(""), t.promised_ready_at, t.estimated_ready_at};
    if (t.status == TicketStatus::kReady) changed.stations = StationTimes(t, setup);
    outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, t.id, changed));
  }
  tx.Commit();
  if (t.status != previous && events_committed_) events_committed_();
  Publish(t, setup);
  return true;
}

void KitchenService::Publish(const Ticket& t, const KitchenSetup& setup) {
  PublishLocal(t, setup);
  if (stream_notifier_) stream_notifier_(t.store_id, t.seq);
}

void KitchenService::StreamChangedElsewhere(const std::string& store_id, std::int64_t seq) {
  const auto seen = streams_.OldestSeen(store_id);
  if (!seen || *seen >= seq) return;
  std::vector<Ticket> changed;
  for (const auto& id : repository_.ChangedSince(db_, store_id, *seen)) {
    if (auto ticket = repository_.Find(db_, id)) changed.push_back(std::move(*ticket));
  }
  std::sort(changed.begin(), changed.end(), [](const Ticket& a, const Ticket& b) { return a.seq < b.seq; });
  const KitchenSetup setup = SetupFor(store_id);
  for (const auto& ticket : changed) PublishLocal(ticket, setup);
}

void KitchenService::PublishLocal(const Ticket& t, const KitchenSetup& setup) {
  if (streams_.followers() == 0) return;
  const auto queue = open_.Get(db_, t.store_id);
  streams_.Publish(t.store_id, t.seq, "ticket", [&](const std::string& station) {
    return fmt::format(R"({{"seq":{},"ticket":{},"all_day":{}}})", t.seq, TicketJson(t, setup, station),
                       AllDayJson(queue->tickets, setup, station));
  });
}

void KitchenService::ObserveReady(const Ticket& t) {
  if (!t.ready_at) return;
  const auto ready = core::ParseRfc3339(*t.ready_at);
  const auto promised = core::ParseRfc3339(t.promised_ready_at);
  if (!ready || !promised) return;
  const double error = std::chrono::duration<double>(*ready - *promised).count();
  std::lock_guard lock(metrics_mutex_);
  if (readiness_errors_.size() < 100000) readiness_errors_.emplace_back(t.store_id, error);
}

std::string KitchenService::TicketJson(const Ticket& t, const KitchenSetup& setup, const std::string& station) const {
  const bool whole = IsWholeTicketView(setup, station);
  json::array items;
  bool at_station = false;
  for (const auto& i : t.items) {
    if (i.voided && t.status != TicketStatus::kVoided) continue;
    const bool here = whole || ItemAt(setup, i, station);
    if (!here) continue;
    at_station = true;
    const ItemProgress p = i.progress();
    json::array toppings;
    for (const auto& top : i.toppings) {
      toppings.push_back(json::object{{"topping_id", top.topping_id}, {"name", top.name}, {"portion", top.portion}, {"amount", top.amount}});
    }
    const std::string where = p.station();
    json::object item{{"index", i.index},
                      {"line", i.line},
                      {"deal", i.deal},
                      {"product_id", i.product_id},
                      {"name", i.name},
                      {"kind", i.kind},
                      {"size", i.size_name},
                      {"crust", i.crust_name},
                      {"toppings", std::move(toppings)},
                      {"removed", json::value_from(i.removed)},
                      {"notes", i.notes},
                      {"station", where},
                      {"status", ItemStatusName(StatusOf(setup, p))},
                      {"since", T(i.since)}};
    if (const Station* s = where.empty() ? nullptr : setup.FindStation(where); s && s->is_oven() && p.started) {
      item["out_at"] = T(i.since + seconds(s->bake_seconds));
    }
    items.push_back(std::move(item));
  }
  const Lateness lateness = setup.LatenessFor(t.order_type);
  json::object out{{"id", t.id},
                   {"order_id", t.order_id},
                   {"store_id", t.store_id},
                   {"number", t.number},
                   {"order_type", t.order_type},
                   {"channel", t.channel},
                   {"customer_name", t.customer_name},
                   {"status", TicketStatusName(t.status)},
                   {"priority", t.priority > 0 ? "rush" : "normal"},
                   {"placed_at", t.placed_at},
                   {"fired_at", t.fired_at ? json::value(*t.fired_at) : json::value(nullptr)},
                   {"scheduled_for", t.scheduled_for ? json::value(*t.scheduled_for) : json::value(nullptr)},
                   {"promised_ready_at", t.promised_ready_at},
                   {"estimated_ready_at", t.estimated_ready_at},
                   {"ready_at", t.ready_at ? json::value(*t.ready_at) : json::value(nullptr)},
                   {"lateness", json::object{{"warning_seconds", lateness.warning_seconds}, {"late_seconds", lateness.late_seconds}}},
                   {"at_station", t.open() && t.status != TicketStatus::kScheduled && at_station},
                   {"items", std::move(items)}};
  if (t.voided_at) out["void_reason"] = t.void_reason;
  return json_text::Serialize(out);
}

std::string KitchenService::AllDayJson(const std::vector<std::shared_ptr<const Ticket>>& open, const KitchenSetup& setup,
                                       const std::string& station) const {
  std::vector<NamedItem> named;
  for (const auto& t : open) {
    if (t->status == TicketStatus::kScheduled) continue;
    for (const auto& i : t->items) named.push_back({i.name, i.size_name, nullptr});
  }
  // NamedItem points at progress values that must outlive AllDay.
  std::vector<ItemProgress> progress;
  progress.reserve(named.size());
  std::size_t k = 0;
  for (const auto& t : open) {
    if (t->status == TicketStatus::kScheduled) continue;
    for (const auto& i : t->items) {
      progress.push_back(i.progress());
      named[k++].progress = &progress.back();
    }
  }
  const auto counts = AllDay(setup, named);
  auto list = [](const std::vector<AllDayCount>& rows) {
    json::array out;
    for (const auto& r : rows) out.push_back(json::object{{"name", r.name}, {"size", r.size}, {"count", r.count}});
    return out;
  };
  if (!IsWholeTicketView(setup, station)) {
    auto it = counts.find(station);
    return json_text::Serialize(it == counts.end() ? json::array{} : list(it->second));
  }
  json::object by_station;
  for (const auto& s : setup.stations) {
    auto it = counts.find(s.id);
    by_station[s.id] = it == counts.end() ? json::array{} : list(it->second);
  }
  return json_text::Serialize(by_station);
}

core::Status KitchenService::Follow(const std::string& store_id, const std::string& station, std::int64_t last_event_id,
                                    std::shared_ptr<http::EventStream> stream) {
  auto store = clients_.stores.GetStore(store_id);
  if (!store) return Fail(store.error());
  const KitchenSetup setup = SetupFor(store_id);
  if (!station.empty() && !setup.FindStation(station)) {
    return Fail(Error::Validation({{"station", fmt::format("is not a station of this kitchen ({})", station)}}));
  }
  std::lock_guard lock(StoreLock(store_id));
  // The queue is at least as new as its seq: changes after it reach the screen again on the
  // stream, which screens apply as upserts.
  const auto queue = open_.Get(db_, store_id);
  const std::int64_t seq = queue->seq;
  std::vector<const Ticket*> shown;
  for (const auto& ticket : queue->tickets) {
    const Ticket& t = *ticket;
    if (t.status == TicketStatus::kScheduled) continue;
    if (!IsWholeTicketView(setup, station) &&
        std::none_of(t.items.begin(), t.items.end(), [&](const TicketItem& i) { return ItemAt(setup, i, station); })) {
      continue;
    }
    shown.push_back(&t);
  }
  SortForKitchen(shown);
  std::string tickets = "[";
  for (std::size_t i = 0; i < shown.size(); ++i) {
    if (i) tickets += ",";
    tickets += TicketJson(*shown[i], setup, station);
  }
  tickets += "]";
  json::array changed;
  if (last_event_id > 0 && last_event_id < seq) {
    for (const auto& id : repository_.ChangedSince(db_, store_id, last_event_id)) changed.push_back(json::value(id));
  }
  json::array stations;
  for (const auto& s : setup.stations) {
    stations.push_back(json::object{{"id", s.id}, {"name", s.name}, {"kind", StationKindName(s.kind)}});
  }
  const std::string snapshot =
      fmt::format(R"({{"seq":{},"store_id":{},"station":{},"server_time":"{}","stations":{},"tickets":{},"all_day":{},)"
                  R"("changed_since_last":{}}})",
                  seq, json_text::Serialize(json::value(store_id)), json_text::Serialize(json::value(station)),
                  T(clock_.Now()), json_text::Serialize(stations), tickets, AllDayJson(queue->tickets, setup, station),
                  json_text::Serialize(changed));
  stream->Send("snapshot", snapshot, std::to_string(seq));
  streams_.Follow(store_id, std::move(stream), station, seq);
  return core::Ok();
}

// ---------------------------------------------------------------------------------------------
// The model: estimates, firing, re-estimates, busy mode
// ---------------------------------------------------------------------------------------------

core::Result<KitchenEstimate> KitchenService::Estimate(const EstimateRequest& request) {
  auto store = clients_.stores.GetStore(request.store_id);
  if (!store) return Fail(store.error());
  if (request.items.empty()) return Fail(Error::Validation({{"items", "must have at least one item"}}));
  const KitchenSetup setup = SetupFor(request.store_id);
  const auto now = clock_.Now();
  ModelTicket candidate;
  candidate.id = "~estimate";
  candidate.fired_at = now;
  for (const auto& item : request.items) {
    ItemKey key{item.product_id, item.category_id, item.kind, item.size_id};
    const auto route = RouteOf(setup, key);
    for (int q = 0; q < std::max(1, item.quantity) && candidate.items.size() < kMaxEstimateUnits; ++q) {
      ModelItem m;
      m.key = key;
      m.progress.route = route;
      m.progress.since = now;
      candidate.items.push_back(std::move(m));
    }
  }
  const auto queue = open_.Get(db_, request.store_id);
  KitchenEstimate out;
  out.ready_at = ReadyIfFiredNow(setup, queue->models, candidate, now);
  out.prep_seconds = static_cast<int>(duration_cast<seconds>(PrepTime(setup, candidate)).count());
  out.wait_seconds = static_cast<int>(duration_cast<seconds>(out.ready_at - now).count());
  out.busy = out.wait_seconds > setup.busy_wait_minutes * 60;
  return out;
}

core::Result<KitchenService::Load> KitchenService::LoadOf(const std::string& store_id) {
  auto store = clients_.stores.GetStore(store_id);
  if (!store) return Fail(store.error());
  const KitchenSetup setup = SetupFor(store_id);
  const auto now = clock_.Now();
  const auto queue = open_.Get(db_, store_id);
  Load load;
  load.stations = Simulate(setup, queue->models, now).stations;
  auto estimate = Estimate({store_id, "carryout", {{"", "pizzas", "pizza", "large", 1}}});
  if (estimate) {
    load.asap_wait_seconds = estimate->wait_seconds;
    load.busy = estimate->busy;
  }
  return load;
}

int KitchenService::FireDue() {
  int fired = 0;
  for (const auto& store_id : repository_.StoresWithScheduled(db_)) {
    const KitchenSetup setup = SetupFor(store_id);
    {
      std::lock_guard lock(StoreLock(store_id));
      const auto queue = open_.Get(db_, store_id);
      auto models = queue->models;
      std::vector<Ticket> scheduled;
      for (const auto& t : queue->tickets) {
        if (t->status == TicketStatus::kScheduled) scheduled.push_back(*t);
      }
      std::sort(scheduled.begin(), scheduled.end(),
                [](const Ticket& a, const Ticket& b) { return a.promised_ready_at < b.promised_ready_at; });
      for (Ticket& ticket : scheduled) {
        Ticket* t = &ticket;
        const auto now = clock_.Now();
        const core::TimePoint ready = ReadyIfFiredNow(setup, models, AsCandidate(*t, now), now);
        if (ready + options_.fire_tick < ParseOr(t->promised_ready_at, now)) continue;
        const std::int64_t as_read = t->bumps;
        Fire(*t, now);
        t->status = TicketStatusOf(setup, t->progress(), true);
        t->estimated_ready_at = T(ready);
        t->bumps += 1;
        if (Save(*t, as_read, TicketStatus::kScheduled, setup)) {
          models.push_back(t->model());
          ++fired;
          log::Info("kitchen fired an order-ahead",
                    {{"ticket_id", t->id}, {"order_id", t->order_id}, {"promised_ready_at", t->promised_ready_at}});
        }
      }
    }
  }
  return fired;
}

int KitchenService::Reestimate() {
  int changed = 0;
  std::vector<std::string> stores = repository_.StoresWithOpen(db_);
  {
    // Stores whose queue emptied still need their loads (and busy mode) brought back to zero.
    std::lock_guard lock(metrics_mutex_);
    for (const auto& [store, loads] : loads_) {
      if (std::find(stores.begin(), stores.end(), store) == stores.end()) stores.push_back(store);
    }
  }
  for (const auto& store_id : stores) {
    try {
      changed += ReestimateStore(store_id);
    } catch (const std::exception& e) {
      log::Warn("kitchen re-estimate failed", {{"store_id", store_id}, {"error", e.what()}});
    }
  }
  return changed;
}

int KitchenService::ReestimateStore(const std::string& store_id) {
  const KitchenSetup setup = SetupFor(store_id);
  const auto now = clock_.Now();
  const auto queue = open_.Get(db_, store_id);
  const Forecast forecast = Simulate(setup, queue->models, now);
  int changed = 0;
  std::vector<OpenTicketCache::Estimate> written;
  auto tx = db_.Begin();
  for (const auto& ticket : queue->tickets) {
    const Ticket& t = *ticket;
    if (t.status == TicketStatus::kScheduled || t.status == TicketStatus::kReady || !t.open()) continue;
    auto it = forecast.ready_at.find(t.id);
    if (it == forecast.ready_at.end()) continue;
    const core::TimePoint estimate = it->second;
    const core::TimePoint promised_ready = ParseOr(t.promised_ready_at, now);
    const core::TimePoint promised = ParseOr(t.promised_at, now);
    const auto leg = std::max(microseconds(0), duration_cast<microseconds>(promised - promised_ready));
    const core::TimePoint promise_now = estimate + leg;
    const core::TimePoint announced = ParseOr(t.announced_at, promised);
    std::string announced_at = t.announced_at;
    if (std::chrono::abs(promise_now - announced) >= options_.promise_step) {
      announced_at = T(promise_now);
      events::PromiseChanged event{t.order_id, t.store_id, announced_at, "kitchen"};
      outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, t.order_id, event));
      ++changed;
    }
    // The estimate is stored when it moved by a step that matters to a screen (30 s), not at
    // every re-estimate: a store's open tickets would otherwise be rewritten twice a second.
    const std::string estimated = T(estimate);
    const auto stored = core::ParseRfc3339(t.estimated_ready_at);
    const bool moved = !stored || std::chrono::abs(estimate - *stored) >= std::chrono::seconds(30);
    if (moved || announced_at != t.announced_at) {
      repository_.SetEstimate(tx, t.id, estimated, announced_at);
      written.push_back({t.id, t.seq, estimated, announced_at});
    }
  }
  if (!written.empty()) {
    tx.Commit();
    open_.NoteEstimates(store_id, written);
    if (changed > 0 && events_committed_) events_committed_();
  } else {
    tx.Rollback();
  }
  {
    std::lock_guard lock(metrics_mutex_);
    loads_[store_id] = forecast.stations;
  }
  if (setup.auto_busy) {
    auto estimate = Estimate({store_id, "carryout", {{"", "pizzas", "pizza", "large", 1}}});
    if (estimate) BusyMode(store_id, setup, estimate->wait_seconds);
  }
  return changed;
}

void KitchenService::BusyMode(const std::string& store_id, const KitchenSetup& setup, int asap_wait_seconds) {
  if (!clients_.locations) return;
  const std::string reason = "kitchen busy";
  const int threshold = setup.busy_wait_minutes * 60;
  const bool paused = repository_.BusyPaused(db_, store_id);
  if (!paused && asap_wait_seconds > threshold) {
    const auto until = clock_.Now() + std::chrono::minutes(15);
    if (auto done = clients_.locations->SetBusy(store_id, reason, until); !done) {
      log::Warn("kitchen could not pause a busy store", {{"store_id", store_id}, {"error", done.error().detail}});
      return;
    }
    repository_.SetBusyPaused(db_, store_id, true);
    log::Warn("kitchen paused a busy store",
              {{"store_id", store_id}, {"wait_minutes", asap_wait_seconds / 60}, {"threshold_minutes", setup.busy_wait_minutes}});
  } else if (paused && asap_wait_seconds * 5 < threshold * 4) {
    if (auto done = clients_.locations->ClearBusy(store_id, reason); !done) {
      log::Warn("kitchen could not resume a store", {{"store_id", store_id}, {"error", done.error().detail}});
      return;
    }
    repository_.SetBusyPaused(db_, store_id, false);
    log::Info("kitchen resumed a store", {{"store_id", store_id}, {"wait_minutes", asap_wait_seconds / 60}});
  }
}

std::vector<std::pair<std::string, StationLoad>> KitchenService::StationLoads() {
  std::lock_guard lock(metrics_mutex_);
  std::vector<std::pair<std::string, StationLoad>> out;
  for (const auto& [store, loads] : loads_) {
    for (const auto& l : loads) out.emplace_back(store, l);
  }
  return out;
}

std::vector<std::pair<std::string, double>> KitchenService::TakeReadinessErrors() {
  std::lock_guard lock(metrics_mutex_);
  return std::exchange(readiness_errors_, {});
}

std::vector<db::Migration> AllMigrations() {
  auto all = Migrations();
  for (auto& m : bus::OutboxInboxMigrations("kitchen", 900)) all.push_back(std::move(m));
  return all;
}

}  // namespace vetahut::kitchen
