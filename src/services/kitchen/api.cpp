#include "services/kitchen/api.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>

#include "lib/auth/caller.hpp"
#include "lib/auth/policy.hpp"
#include "lib/core/text_rules.hpp"
#include "lib/http/json_body.hpp"
#include "lib/http/page.hpp"
#include "lib/http/sse.hpp"
#include "lib/json/reader.hpp"
#include "lib/json/write.hpp"
#include "services/kitchen/setup_codec.hpp"

namespace vetahut::kitchen {
namespace {

namespace json = boost::json;
using core::Error;
using core::Fail;
using http::Request;
using http::Response;
using json_read::Obj;
using Reply = core::Result<Response>;

core::Result<json::object> Body(const Request& req, std::size_t max_bytes = 16 * 1024) {
  return http::ParseJsonObject(req, {.max_bytes = max_bytes, .max_depth = 12});
}

const auth::Caller& CallerOf(const Request& req) {
  const auth::Caller* caller = auth::CallerOf(req);
  if (!caller) throw core::ErrorException(Error::Unauthenticated("authentication required"));
  return *caller;
}

Actor ActorOf(const Request& req) { return {CallerOf(req).principal.subject}; }

/// A route about one ticket or delivery (no {store_id}): the caller must hold `permission` for its store.
core::Status ForStore(const Request& req, std::string_view permission, const std::string& store_id) {
  return auth::Authorize(&CallerOf(req).principal, permission, store_id);
}

bool HasRole(const Request& req, std::string_view role) {
  const auto& roles = CallerOf(req).principal.roles;
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string StationParam(const Request& req) { return std::string(req.Query("station").value_or("")); }

/// One page of a list in its own order: after the item whose id is the cursor (a cursor that is
/// no longer in the list — the ticket left the kitchen — starts over), at most `limit` items;
/// `next_cursor` when the page is full.
template <class T, class Id>
std::pair<std::vector<T>, std::string> PageOf(std::vector<T> all, const http::PageRequest& page, Id id_of) {
  std::size_t start = 0;
  if (!page.cursor.empty()) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (id_of(all[i]) == page.cursor) start = i + 1;
    }
  }
  std::vector<T> out;
  for (std::size_t i = start; i < all.size() && out.size() < static_cast<std::size_t>(page.limit); ++i) {
    out.push_back(std::move(all[i]));
  }
  std::string next = out.size() == static_cast<std::size_t>(page.limit) && start + out.size() < all.size()
                         ? id_of(out.back())
                         : std::string();
  return std::make_pair(std::move(out), std::move(next));
}

std::string TicketsJson(KitchenService& kitchen, const std::vector<Ticket>& tickets, const std::string& store_id,
                        const std::string& station, const std::string& next_cursor) {
  const KitchenSetup setup = kitchen.SetupFor(store_id);
  std::string out = R"({"tickets":[)";
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    if (i) out += ",";
    out += kitchen.TicketJson(tickets[i], setup, station);
  }
  return out + "],\"next_cursor\":" + (next_cursor.empty() ? "null" : json_text::Serialize(json::value(next_cursor))) + "}";
}

json::object StockJson(const StockRow& s) {
  return {{"ingredient_id", s.ingredient_id}, {"name", s.name},   {"unit", s.unit},
          {"quantity", s.quantity},           {"low_threshold", s.low_threshold}, {"low", s.low},
          {"updated_at", s.updated_at}};
}

json::object DeliveryJson(const Delivery& d) {
  json::value address = json::parse(d.address.empty() ? "{}" : d.address);
  const std::string maps = fmt::format("https://www.google.com/maps/dir/?api=1&destination={:.6f},{:.6f}", d.latitude, d.longitude);
  auto opt = [](const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); };
  return {{"id", d.id},
          {"store_id", d.store_id},
          {"order_id", d.order_id},
          {"ticket_id", d.ticket_id},
          {"number", d.number},
          {"status", d.status},
          {"address", std::move(address)},
          {"latitude", d.latitude},
          {"longitude", d.longitude},
          {"maps_url", maps},
          {"customer_name", d.customer_name},
          {"driver_id", opt(d.driver_id)},
          {"driver_name", d.driver_name},
          {"run_id", opt(d.run_id)},
          {"ready_at", d.ready_at},
          {"promised_at", d.promised_at},
          {"dispatched_at", opt(d.dispatched_at)},
          {"delivered_at", opt(d.delivered_at)},
          {"eta", opt(d.eta)}};
}

json::object DriverJson(const Driver& d) {
  auto opt = [](const auto& v) { return v ? json::value(*v) : json::value(nullptr); };
  return {{"driver_id", d.driver_id}, {"store_id", d.store_id},       {"name", d.name},
          {"on_shift", d.on_shift},   {"on_run", d.on_run},           {"shift_started_at", opt(d.shift_started_at)},
          {"latitude", opt(d.latitude)}, {"longitude", opt(d.longitude)}, {"location_at", opt(d.location_at)}};
}

std::string DeliveriesJson(const std::vector<Delivery>& list) {
  json::array items;
  for (const auto& d : list) items.push_back(DeliveryJson(d));
  return json_text::Serialize(json::object{{"deliveries", std::move(items)}});
}

}  // namespace

void RegisterRoutes(http::Router& router, KitchenService& kitchen) {
  InventoryService& inventory = kitchen.inventory();

  // --- tickets and the kitchen stream ---
  router.Get("/api/v1/stores/{store_id}/kitchen/tickets", [&kitchen](Request& req) -> Reply {
    const std::string store_id(req.PathParam("store_id"));
    std::optional<TicketStatus> status;
    if (auto s = req.Query("status"); s && !s->empty()) {
      status = ParseTicketStatus(*s);
      if (!status) {
        return Fail(Error::Validation(
            {{"status", "must be scheduled, queued, making, in_oven, ready, handed_off or voided"}}));
      }
    }
    auto page = http::ParsePage(req, 200, 500);
    if (!page) return Fail(page.error());
    auto list = kitchen.List(store_id, StationParam(req), status);
    if (!list) return Fail(list.error());
    auto shown = PageOf(std::move(*list), *page, [](const Ticket& t) { return t.id; });
    return Response::Json(TicketsJson(kitchen, shown.first, store_id, StationParam(req), shown.second));
  }, {.permission = "kitchen:read"});

  router.Get("/api/v1/stores/{store_id}/kitchen/stream", [&kitchen](Request& req) -> Reply {
    std::int64_t last = 0;
    if (auto header = req.Header("last-event-id"); header && !header->empty()) {
      auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), last);
      if (ec != std::errc() || end != header->data() + header->size() || last < 0) {
        return Fail(Error::BadRequest("Last-Event-ID must be an event id from this stream (a number)"));
      }
    }
    Response r;
    r.stream = http::EventStream::Create(1024);
    if (auto followed = kitchen.Follow(std::string(req.PathParam("store_id")), StationParam(req), last, r.stream);
        !followed) {
      return Fail(followed.error());
    }
    return r;
  }, {.permission = "kitchen:read"});

  router.Get("/api/v1/kitchen/tickets/{ticket_id}", [&kitchen](Request& req) -> Reply {
    auto t = kitchen.Get(std::string(req.PathParam("ticket_id")));
    if (!t) return Fail(t.error());
    if (auto allowed = ForStore(req, "kitchen:read", t->store_id); !allowed) return Fail(allowed.error());
    return Response::Json(kitchen.TicketJson(*t, kitchen.SetupFor(t->store_id), StationParam(req)));
  }, {.permission = "kitchen:tickets"});

  router.Post("/api/v1/kitchen/tickets/{ticket_id}/bump", [&kitchen](Request& req) -> Reply {
    auto t = kitchen.Get(std::string(req.PathParam("ticket_id")));
    if (!t) return Fail(t.error());
    if (auto allowed = ForStore(req, "kitchen:bump", t->store_id); !allowed) return Fail(allowed.error());
    std::string station;
    std::optional<std::int64_t> item;
    if (!req.body.empty()) {
      auto body = Body(req);
      if (!body) return Fail(body.error());
      core::FieldErrors errors;
      const json::value doc(std::move(*body));  // the reader keeps a pointer into it
      auto o = Obj::Open(doc, "", errors, {"station", "item"});
      if (o) {
        o->Str("station", station);
        o->OptInt64("item", item);
      }
      if (item && *item < 0) errors.Add("item", "must be an item index from the ticket (0 or more)");
      if (!errors.empty()) return Fail(errors.ToError());
    }
    auto bumped = kitchen.Bump(t->id, station, item, ActorOf(req));
    if (!bumped) return Fail(bumped.error());
    return Response::Json(kitchen.TicketJson(*bumped, kitchen.SetupFor(bumped->store_id), station));
  }, {.permission = "kitchen:tickets"});

  router.Post("/api/v1/kitchen/tickets/{ticket_id}/recall", [&kitchen](Request& req) -> Reply {
    auto t = kitchen.Get(std::string(req.PathParam("ticket_id")));
    if (!t) return Fail(t.error());
    if (auto allowed = ForStore(req, "kitchen:bump", t->store_id); !allowed) return Fail(allowed.error());
    auto recalled = kitchen.Recall(t->id, ActorOf(req));
    if (!recalled) return Fail(recalled.error());
    return Response::Json(kitchen.TicketJson(*recalled, kitchen.SetupFor(recalled->store_id), ""));
  }, {.permission = "kitchen:tickets"});

  router.Post("/api/v1/kitchen/tickets/{ticket_id}/priority", [&kitchen](Request& req) -> Reply {
    auto t = kitchen.Get(std::string(req.PathParam("ticket_id")));
    if (!t) return Fail(t.error());
    if (auto allowed = ForStore(req, "kitchen:bump", t->store_id); !allowed) return Fail(allowed.error());
    auto body = Body(req);
    if (!body) return Fail(body.error());
    core::FieldErrors errors;
    std::string priority;
    const json::value doc(std::move(*body));  // the reader keeps a pointer into it
    if (auto o = Obj::Open(doc, "", errors, {"priority"})) o->Str("priority", priority, true);
    if (errors.empty() && priority != "rush" && priority != "normal") errors.Add("priority", "must be rush or normal");
    if (!errors.empty()) return Fail(errors.ToError());
    auto changed = kitchen.SetPriority(t->id, priority == "rush", ActorOf(req));
    if (!changed) return Fail(changed.error());
    return Response::Json(kitchen.TicketJson(*changed, kitchen.SetupFor(changed->store_id), ""));
  }, {.permission = "kitchen:tickets"});

  // --- setup and load ---
  router.Get("/api/v1/stores/{store_id}/kitchen/setup", [&kitchen](Request& req) -> Reply {
    if (auto known = kitchen.KnownStore(std::string(req.PathParam("store_id"))); !known) return Fail(known.error());
    return Response::Json(SetupToJson(kitchen.SetupFor(std::string(req.PathParam("store_id")))));
  }, {.permission = "kitchen:read"});

  router.Put("/api/v1/stores/{store_id}/kitchen/setup", [&kitchen](Request& req) -> Reply {
    auto body = Body(req, 64 * 1024);
    if (!body) return Fail(body.error());
    auto setup = ParseSetup(json::value(std::move(*body)));
    if (!setup) return Fail(setup.error());
    auto saved = kitchen.PutSetup(std::string(req.PathParam("store_id")), *setup, ActorOf(req));
    if (!saved) return Fail(saved.error());
    return Response::Json(SetupToJson(*saved));
  }, {.permission = "kitchen:setup"});

  router.Get("/api/v1/stores/{store_id}/kitchen/load", [&kitchen](Request& req) -> Reply {
    auto load = kitchen.LoadOf(std::string(req.PathParam("store_id")));
    if (!load) return Fail(load.error());
    json::array stations;
    for (const auto& s : load->stations) {
      stations.push_back(json::object{{"station", s.station_id},
                                      {"waiting", s.items_waiting},
                                      {"in_work", s.items_in_work},
                                      {"utilization", s.utilization}});
    }
    return Response::Json(json_text::Serialize(json::object{{"stations", std::move(stations)},
                                                            {"asap_wait_minutes", (load->asap_wait_seconds + 59) / 60},
                                                            {"busy", load->busy}}));
  }, {.permission = "kitchen:read"});

  // --- inventory ---
  router.Get("/api/v1/stores/{store_id}/inventory", [&kitchen, &inventory](Request& req) -> Reply {
    const std::string store_id(req.PathParam("store_id"));
    if (auto known = kitchen.KnownStore(store_id); !known) return Fail(known.error());
    json::array items;
    for (const auto& s : inventory.Stock(store_id)) items.push_back(StockJson(s));
    json::array off;
    for (const auto& [item, ingredient] : inventory.AutoUnavailable(store_id)) {
      off.push_back(json::object{{"item_id", item}, {"ingredient_id", ingredient}});
    }
    return Response::Json(json_text::Serialize(json::object{{"items", std::move(items)}, {"auto_86", std::move(off)}}));
  }, {.permission = "inventory:read"});

  router.Patch("/api/v1/stores/{store_id}/inventory", [&kitchen, &inventory](Request& req) -> Reply {
    if (auto known = kitchen.KnownStore(std::string(req.PathParam("store_id"))); !known) return Fail(known.error());
    auto body = Body(req, 64 * 1024);
    if (!body) return Fail(body.error());
    core::FieldErrors errors;
    std::vector<ThresholdChange> changes;
    const json::value doc(std::move(*body));  // the reader keeps a pointer into it
    if (auto o = Obj::Open(doc, "", errors, {"levels"})) {
      if (!o->Has("levels")) errors.Add("levels", "is required: [{\"ingredient_id\", \"low_threshold\"}]");
      o->Objects("levels", changes, {"ingredient_id", "low_threshold"}, [](const Obj& l, ThresholdChange& c) {
        l.Str("ingredient_id", c.ingredient_id, true);
        l.Number("low_threshold", c.low_threshold, true, 0, 1e9);
      });
      if (changes.size() > 500) errors.Add("levels", "at most 500 at once");
    }
    if (!errors.empty()) return Fail(errors.ToError());
    auto stock = inventory.SetThresholds(std::string(req.PathParam("store_id")), changes, ActorOf(req).subject);
    if (!stock) return Fail(stock.error());
    json::array items;
    for (const auto& s : *stock) items.push_back(StockJson(s));
    return Response::Json(json_text::Serialize(json::object{{"items", std::move(items)}}));
  }, {.permission = "inventory:setup"});

  router.Post("/api/v1/stores/{store_id}/inventory/adjustments", [&kitchen, &inventory](Request& req) -> Reply {
    if (auto known = kitchen.KnownStore(std::string(req.PathParam("store_id"))); !known) return Fail(known.error());
    auto body = Body(req);
    if (!body) return Fail(body.error());
    core::FieldErrors errors;
    Adjustment a;
    const json::value doc(std::move(*body));  // the reader keeps a pointer into it
    if (auto o = Obj::Open(doc, "", errors, {"ingredient_id", "kind", "quantity", "reason"})) {
      o->Str("ingredient_id", a.ingredient_id, true);
      o->Str("kind", a.kind, true);
      o->Number("quantity", a.quantity, true, -1e18, 1e18);  // the service says what is allowed, with the kind
      o->Str("reason", a.reason);
    }
    if (!errors.empty()) return Fail(errors.ToError());
    auto row = inventory.Adjust(std::string(req.PathParam("store_id")), a, ActorOf(req).subject);
    if (!row) return Fail(row.error());
    return Response::Json(json_text::Serialize(StockJson(*row)), 201);
  }, {.permission = "inventory:adjust"});

  router.Get("/api/v1/stores/{store_id}/inventory/adjustments", [&kitchen, &inventory](Request& req) -> Reply {
    if (auto known = kitchen.KnownStore(std::string(req.PathParam("store_id"))); !known) return Fail(known.error());
    auto page = http::ParsePage(req, 50, 200);
    if (!page) return Fail(page.error());
    auto rows = inventory.Adjustments(std::string(req.PathParam("store_id")), page->limit, page->cursor);
    std::string items;
    for (const auto& r : rows) {
      if (!items.empty()) items += ",";
      items += json_text::Serialize(json::object{{"id", r.id},         {"ingredient_id", r.ingredient_id},
                                                 {"kind", r.kind},     {"delta", r.delta},
                                                 {"quantity_after", r.quantity_after}, {"reason", r.reason},
                                                 {"by", r.by},         {"at", r.at}});
    }
    return Response::Json(http::PageJson("[" + items + "]", rows.size(), page->limit, rows.empty() ? "" : rows.back().id));
  }, {.permission = "inventory:read"});

  router.Get("/api/v1/kitchen/recipes", [&inventory](Request&) -> Reply {
    return Response::Json(RecipeBookToJson(inventory.Book()));
  }, {.permission = "recipes:read"});

  router.Put("/api/v1/kitchen/recipes", [&inventory](Request& req) -> Reply {
    auto body = Body(req, 1024 * 1024);
    if (!body) return Fail(body.error());
    auto book = ParseRecipeBook(json::value(std::move(*body)));
    if (!book) return Fail(book.error());
    if (auto put = inventory.PutBook(*book, ActorOf(req).subject); !put) return Fail(put.error());
    return Response::Json(RecipeBookToJson(inventory.Book()));
  }, {.permission = "recipes:write"});

  // --- deliveries and drivers ---
  router.Get("/api/v1/stores/{store_id}/deliveries", [&kitchen](Request& req) -> Reply {
    const std::string store_id(req.PathParam("store_id"));
    std::optional<std::string> status;
    if (auto s = req.Query("status"); s && !s->empty()) status = std::string(*s);
    auto list = kitchen.Deliveries(store_id, status);
    if (!list) return Fail(list.error());
    auto runs = kitchen.SuggestRuns(store_id);
    if (!runs) return Fail(runs.error());
    json::array items;
    for (const auto& d : *list) items.push_back(DeliveryJson(d));
    json::array suggested;
    for (const auto& r : *runs) {
      suggested.push_back(json::object{{"delivery_ids", json::value_from(r.delivery_ids)},
                                       {"driver_id", r.driver_id ? json::value(*r.driver_id) : json::value(nullptr)},
                                       {"driver_name", r.driver_name},
                                       {"driver_distance_m", r.driver_distance_m},
                                       {"bearing_degrees", r.bearing_degrees}});
    }
    return Response::Json(json_text::Serialize(
        json::object{{"deliveries", std::move(items)}, {"suggested_runs", std::move(suggested)}}));
  }, {.permission = "deliveries:read"});

  router.Get("/api/v1/stores/{store_id}/drivers", [&kitchen](Request& req) -> Reply {
    auto page = http::ParsePage(req, 100, 500);
    if (!page) return Fail(page.error());
    auto drivers = kitchen.Drivers(std::string(req.PathParam("store_id")));
    if (!drivers) return Fail(drivers.error());
    auto shown = PageOf(std::move(*drivers), *page, [](const Driver& d) { return d.driver_id; });
    json::array items;
    for (const auto& d : shown.first) items.push_back(DriverJson(d));
    return Response::Json(json_text::Serialize(json::object{
        {"drivers", std::move(items)}, {"next_cursor", shown.second.empty() ? json::value(nullptr) : json::value(shown.second)}}));
  }, {.permission = "deliveries:read"});

  router.Post("/api/v1/deliveries/{delivery_id}/dispatch", [&kitchen](Request& req) -> Reply {
    auto d = kitchen.DeliveryById(std::string(req.PathParam("delivery_id")));
    if (!d) return Fail(Error::NotFound(fmt::format("delivery '{}' does not exist", req.PathParam("delivery_id"))));
    if (auto allowed = ForStore(req, "deliveries:manage", d->store_id); !allowed) return Fail(allowed.error());
    std::string driver_id;
    std::vector<std::string> with;
    if (!req.body.empty()) {
      auto body = Body(req);
      if (!body) return Fail(body.error());
      core::FieldErrors errors;
      const json::value doc(std::move(*body));  // the reader keeps a pointer into it
      if (auto o = Obj::Open(doc, "", errors, {"driver_id", "with"})) {
        o->Str("driver_id", driver_id);
        o->Strings("with", with);
      }
      if (!errors.empty()) return Fail(errors.ToError());
    }
    // A driver takes a run for themself; a manager sends one with a driver.
    const bool manager = HasRole(req, auth::kRoleStoreManager) || HasRole(req, auth::kRoleAdmin);
    const std::string self = CallerOf(req).principal.subject;
    if (driver_id.empty()) {
      if (!HasRole(req, auth::kRoleDriver)) return Fail(Error::Validation({{"driver_id", "is required: who takes the run"}}));
      driver_id = self;
    } else if (driver_id != self && !manager) {
      return Fail(Error::Forbidden("a driver dispatches runs to themself only"));
    }
    auto sent = kitchen.Dispatch(d->id, with, driver_id, ActorOf(req));
    if (!sent) return Fail(sent.error());
    return Response::Json(DeliveriesJson(*sent));
  }, {.permission = "deliveries:work"});

  router.Post("/api/v1/deliveries/{delivery_id}/delivered", [&kitchen](Request& req) -> Reply {
    auto d = kitchen.DeliveryById(std::string(req.PathParam("delivery_id")));
    if (!d) return Fail(Error::NotFound(fmt::format("delivery '{}' does not exist", req.PathParam("delivery_id"))));
    if (auto allowed = ForStore(req, "deliveries:manage", d->store_id); !allowed) return Fail(allowed.error());
    const bool manager = HasRole(req, auth::kRoleStoreManager) || HasRole(req, auth::kRoleAdmin);
    auto done = kitchen.Delivered(d->id, ActorOf(req), !manager);
    if (!done) return Fail(done.error());
    return Response::Json(json_text::Serialize(DeliveryJson(*done)));
  }, {.permission = "deliveries:work"});

  router.Get("/api/v1/drivers/me", [&kitchen](Request& req) -> Reply {
    const std::string self = CallerOf(req).principal.subject;
    auto driver = kitchen.GetDriver(self);
    json::object out;
    if (driver) {
      out = DriverJson(*driver);
    } else {
      out = json::object{{"driver_id", self}, {"on_shift", false}, {"on_run", false}};
    }
    json::array run;
    for (const auto& d : kitchen.RunOf(self)) run.push_back(DeliveryJson(d));
    out["run"] = std::move(run);
    return Response::Json(json_text::Serialize(out));
  }, {.permission = "drivers:self"});

  router.Post("/api/v1/drivers/me/clock-in", [&kitchen](Request& req) -> Reply {
    auto body = Body(req);
    if (!body) return Fail(body.error());
    core::FieldErrors errors;
    std::string store_id;
    const json::value doc(std::move(*body));  // the reader keeps a pointer into it
    if (auto o = Obj::Open(doc, "", errors, {"store_id"})) o->Str("store_id", store_id, true);
    if (!errors.empty()) return Fail(errors.ToError());
    if (auto allowed = ForStore(req, "deliveries:manage", store_id); !allowed) return Fail(allowed.error());
    auto driver = kitchen.ClockIn(CallerOf(req).principal.subject, store_id);
    if (!driver) return Fail(driver.error());
    return Response::Json(json_text::Serialize(DriverJson(*driver)));
  }, {.permission = "drivers:self"});

  router.Post("/api/v1/drivers/me/clock-out", [&kitchen](Request& req) -> Reply {
    auto driver = kitchen.ClockOut(CallerOf(req).principal.subject);
    if (!driver) return Fail(driver.error());
    return Response::Json(json_text::Serialize(DriverJson(*driver)));
  }, {.permission = "drivers:self"});

  router.Post("/api/v1/drivers/me/location", [&kitchen](Request& req) -> Reply {
    auto body = Body(req, 4096);
    if (!body) return Fail(body.error());
    core::FieldErrors errors;
    double latitude = 0, longitude = 0;
    const json::value doc(std::move(*body));  // the reader keeps a pointer into it
    if (auto o = Obj::Open(doc, "", errors, {"latitude", "longitude", "accuracy_m"})) {
      o->Number("latitude", latitude, true, -90, 90);
      o->Number("longitude", longitude, true, -180, 180);
      double accuracy = 0;
      o->Number("accuracy_m", accuracy, false, 0, 100000);
    }
    if (!errors.empty()) return Fail(errors.ToError());
    auto driver = kitchen.DriverLocation(CallerOf(req).principal.subject, latitude, longitude);
    if (!driver) return Fail(driver.error());
    return Response::Json(json_text::Serialize(DriverJson(*driver)));
  }, {.permission = "drivers:self"});
}

}  // namespace vetahut::kitchen
