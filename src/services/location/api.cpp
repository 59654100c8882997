#include "services/location/api.hpp"

#include "lib/core/text_rules.hpp"
#include "lib/http/page.hpp"
#include "lib/json/write.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <charconv>

#include "lib/http/json_body.hpp"
#include "services/location/hours_codec.hpp"

#include <date/tz.h>

namespace vetahut::location {
namespace {

namespace json = boost::json;

/// Reads typed fields from a JSON object, collecting one error per bad field.
class FieldReader {
 public:
  FieldReader(const json::object& obj, std::string prefix, core::FieldErrors& errors)
      : obj_(obj), prefix_(std::move(prefix)), errors_(errors) {}

  std::string Text(std::string_view key, bool required) {
    const json::value* v = obj_.if_contains(key);
    if (!v || v->is_null()) {
      if (required) errors_.Add(Name(key), "is required");
      return {};
    }
    if (!v->is_string()) {
      errors_.Add(Name(key), "must be a string");
      return {};
    }
    return std::string(v->as_string());
  }

  double Number(std::string_view key) {
    const json::value* v = obj_.if_contains(key);
    if (!v || v->is_null()) {
      errors_.Add(Name(key), "is required");
      return 0;
    }
    if (v->is_double()) return v->as_double();
    if (v->is_int64()) return double(v->as_int64());
    if (v->is_uint64()) return double(v->as_uint64());
    errors_.Add(Name(key), "must be a number");
    return 0;
  }

  const json::value* Raw(std::string_view key) const { return obj_.if_contains(key); }
  std::string Name(std::string_view key) const { return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key); }

 private:
  const json::object& obj_;
  std::string prefix_;
  core::FieldErrors& errors_;
};

core::Result<StoreProfile> ParseStoreProfile(const json::value& body) {
  const json::object* obj = body.if_object();
  if (!obj) return core::Fail(core::Error::BadRequest("the body must be a JSON object"));
  core::FieldErrors errors;
  FieldReader r(*obj, "", errors);
  StoreProfile p;
  p.name = r.Text("name", true);
  if (const json::value* a = r.Raw("address"); a && a->is_object()) {
    FieldReader ar(a->as_object(), "address", errors);
    p.address.line1 = ar.Text("line1", true);
    p.address.line2 = ar.Text("line2", false);
    p.address.city = ar.Text("city", true);
    p.address.region = ar.Text("region", false);
    p.address.postal_code = ar.Text("postal_code", true);
    p.address.country = ar.Text("country", true);
  } else {
    errors.Add("address", a ? "must be an object" : "is required");
  }
  p.latitude = r.Number("latitude");
  p.longitude = r.Number("longitude");
  p.timezone = r.Text("timezone", true);
  p.phone = r.Text("phone", true);
  p.currency = r.Text("currency", true);
  p.locale = r.Text("locale", true);
  if (const json::value* s = r.Raw("services"); s && s->is_array()) {
    const auto& arr = s->as_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const json::string* name = arr[i].if_string();
      bool known = false;
      for (auto t : {ServiceType::kDelivery, ServiceType::kCarryout, ServiceType::kDineIn}) {
        if (name && *name == ServiceTypeName(t)) {
          p.services.push_back(t);
          known = true;
        }
      }
      if (!known) errors.Add(fmt::format("services[{}]", i), "must be one of delivery, carryout, dine_in");
    }
  } else {
    errors.Add("services", s ? "must be an array" : "is required");
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  // Surrounding white space is not part of a name or an address line.
  for (std::string* text : {&p.name, &p.address.line1, &p.address.line2, &p.address.city, &p.address.region,
                            &p.address.postal_code}) {
    core::FieldErrors ignored;  // Validate reports what is wrong with the text itself
    if (auto clean = core::CleanText("", *text, {.max_chars = 1000, .required = false}, ignored); ignored.empty()) {
      *text = std::move(clean);
    }
  }
  // The domain rules (ranges, zones, codes, text) add their own field errors.
  if (auto valid = Validate(p); !valid) return core::Fail(valid.error());
  return p;
}

core::Result<int> ParseLimit(const http::Request& req, int fallback, int max) {
  auto page = http::ParsePage(req, fallback, max);
  if (!page) return core::Fail(page.error());
  return page->limit;
}

/// Reads ?lat=&lon= (both required when `required`), checking ranges; nullopt when both absent.
core::Result<std::optional<LatLon>> ParsePoint(const http::Request& req, bool required) {
  auto lat = req.Query("lat");
  auto lon = req.Query("lon");
  if (!lat && !lon && !required) return std::optional<LatLon>();
  core::FieldErrors errors;
  auto number = [&](const std::optional<std::string>& text, std::string_view name, double bound, double& out) {
    if (!text) {
      errors.Add(std::string(name), "is required");
      return;
    }
    char* end = nullptr;
    out = std::strtod(text->c_str(), &end);
    if (text->empty() || end != text->c_str() + text->size() || !std::isfinite(out)) {
      errors.Add(std::string(name), "must be a number");
    } else if (out < -bound || out > bound) {
      errors.Add(std::string(name), fmt::format("must be between {} and {}", -bound, bound));
    }
  };
  LatLon point;
  number(lat, "lat", 90, point.latitude);
  number(lon, "lon", 180, point.longitude);
  if (!errors.empty()) return core::Fail(errors.ToError());
  return std::optional<LatLon>(point);
}

core::Result<ServiceType> ParseServiceParam(const http::Request& req, std::string_view name, bool required) {
  auto text = req.Query(name);
  if (!text) {
    if (required) return core::Fail(core::Error::Validation({{std::string(name), "is required: delivery, carryout or dine_in"}}));
    return core::Fail(core::Error::NotFound(""));  // absent: callers check with Query first
  }
  auto service = ParseServiceType(*text);
  if (!service) return core::Fail(core::Error::Validation({{std::string(name), "must be delivery, carryout or dine_in"}}));
  return *service;
}

http::Response EntryResponse(const DirectoryEntry& entry, const LocationService& service, int status = 200) {
  return http::Response::Json(StoreToJson(entry, service.clock().Now()), status);
}

json::value MoneyJson(const core::Money& m) {
  return json::object{{"amount", m.amount()}, {"currency", m.currency().code()}};
}

}  // namespace

void RegisterRoutes(http::Router& router, LocationService& service) {
  using http::Request;
  using http::Response;
  using Reply = core::Result<Response>;

  router.Post(
      "/api/v1/stores",
      [&service](Request& req) -> Reply {
        auto body = http::ParseJsonBody(req);
        if (!body) return core::Fail(body.error());
        auto profile = ParseStoreProfile(*body);
        if (!profile) return core::Fail(profile.error());
        auto traceparent = req.Header("traceparent");
        auto store = service.CreateStore(*profile, traceparent ? std::string(*traceparent) : std::string());
        if (!store) return core::Fail(store.error());
        auto response = EntryResponse(**store, service, 201);
        response.SetHeader("Location", "/api/v1/stores/" + (*store)->record.store.id);
        return response;
      },
      {.permission = kPermStoresWrite});

  router.Patch(
      "/api/v1/stores/{store_id}",
      [&service](Request& req) -> Reply {
        auto current = service.GetStore(std::string(req.PathParam("store_id")));
        if (!current) return core::Fail(current.error());
        auto body = http::ParseJsonBody(req);
        if (!body) return core::Fail(body.error());
        const json::object* patch = body->if_object();
        if (!patch) return core::Fail(core::Error::BadRequest("the body must be a JSON object"));
        // Merge the given top-level fields over the current profile, then validate the whole.
        json::object merged = json::parse(StoreToJson(**current, service.clock().Now())).as_object();
        core::FieldErrors unknown;
        for (const auto& [key, value] : *patch) {
          static const std::string_view kEditable[] = {"name", "address", "latitude", "longitude", "timezone",
                                                       "phone", "services", "currency", "locale"};
          if (std::find(std::begin(kEditable), std::end(kEditable), std::string_view(key)) == std::end(kEditable)) {
            unknown.Add(std::string(key), "is not an editable field");
          } else {
            merged[key] = value;
          }
        }
        if (!unknown.empty()) return core::Fail(unknown.ToError());
        auto profile = ParseStoreProfile(merged);
        if (!profile) return core::Fail(profile.error());
        auto updated = service.UpdateStore((*current)->record.store.id, *profile);
        if (!updated) return core::Fail(updated.error());
        return EntryResponse(**updated, service);
      },
      {.permission = kPermStoresWrite});

  router.Get("/api/v1/stores/{store_id}", [&service](Request& req) -> Reply {
    auto store = service.GetStore(std::string(req.PathParam("store_id")));
    if (!store) return core::Fail(store.error());
    return EntryResponse(**store, service);
  }, {.permission = "public"});

  router.Get("/api/v1/stores", [&service](Request& req) -> Reply {
    auto point = ParsePoint(req, false);
    if (!point) return core::Fail(point.error());
    const auto now = service.clock().Now();
    std::string body = "{\"items\":[";
    if (*point) {
      // The store finder: nearest first, optionally only those offering a service / open now.
      auto limit = ParseLimit(req, 5, 50);
      if (!limit) return core::Fail(limit.error());
      FindQuery query{.from = **point, .limit = *limit};
      if (req.Query("service")) {
        auto s = ParseServiceParam(req, "service", true);
        if (!s) return core::Fail(s.error());
        query.service = *s;
      }
      if (auto open = req.Query("open_now")) {
        if (*open != "true" && *open != "false") {
          return core::Fail(core::Error::Validation({{"open_now", "must be true or false"}}));
        }
        query.open_now_only = *open == "true";
      }
      auto found = service.FindStores(query);
      for (std::size_t i = 0; i < found.size(); ++i) {
        if (i) body += ',';
        body += StoreToJson(*found[i].entry, now, found[i].distance_m);
      }
      body += "],\"next_cursor\":null}";
      return Response::Json(std::move(body));
    }
    auto limit = ParseLimit(req, 20, 100);
    if (!limit) return core::Fail(limit.error());
    auto cursor = http::ParsePage(req, *limit, 100);
    if (!cursor) return core::Fail(cursor.error());
    auto page = service.ListStores(cursor->cursor, *limit);
    if (!page) return core::Fail(page.error());
    for (std::size_t i = 0; i < page->stores.size(); ++i) {
      if (i) body += ',';
      body += StoreToJson(*page->stores[i], now);
    }
    body += "],\"next_cursor\":";
    body += page->next_cursor.empty() ? "null" : json_text::Serialize(json::value(page->next_cursor));
    body += '}';
    return Response::Json(std::move(body));
  }, {.permission = "public"});

  router.Get("/api/v1/stores/{store_id}/hours", [&service](Request& req) -> Reply {
    auto store = service.GetStore(std::string(req.PathParam("store_id")));
    if (!store) return core::Fail(store.error());
    return Response::Json(ServiceHoursToJson((*store)->record.hours));
  }, {.permission = "public"});

  router.Put(
      "/api/v1/stores/{store_id}/hours",
      [&service](Request& req) -> Reply {
        auto store = service.GetStore(std::string(req.PathParam("store_id")));
        if (!store) return core::Fail(store.error());
        auto body = http::ParseJsonBody(req);
        if (!body) return core::Fail(body.error());
        auto hours = ParseServiceHours(*body, (*store)->record.store.profile.services);
        if (!hours) return core::Fail(hours.error());
        auto updated = service.SetHours((*store)->record.store.id, std::move(*hours));
        if (!updated) return core::Fail(updated.error());
        return Response::Json(ServiceHoursToJson((*updated)->record.hours));
      },
      {.permission = kPermStoresHours});

  router.Get("/api/v1/stores/{store_id}/zones", [&service](Request& req) -> Reply {
    auto store = service.GetStore(std::string(req.PathParam("store_id")));
    if (!store) return core::Fail(store.error());
    std::string body = "{\"zones\":[";
    for (std::size_t i = 0; i < (*store)->record.zones.size(); ++i) {
      if (i) body += ',';
      body += ZoneToJson((*store)->record.zones[i]);
    }
    return Response::Json(body + "]}");
  }, {.permission = "public"});

  router.Put(
      "/api/v1/stores/{store_id}/zones",
      [&service](Request& req) -> Reply {
        auto store = service.GetStore(std::string(req.PathParam("store_id")));
        if (!store) return core::Fail(store.error());
        auto body = http::ParseJsonBody(req, {.max_bytes = 512 * 1024, .max_depth = 8});
        if (!body) return core::Fail(body.error());
        auto zones = ParseZones(*body, *core::Currency::Find((*store)->record.store.profile.currency));
        if (!zones) return core::Fail(zones.error());
        auto updated = service.SetZones((*store)->record.store.id, std::move(*zones));
        if (!updated) return core::Fail(updated.error());
        std::string out = "{\"zones\":[";
        for (std::size_t i = 0; i < (*updated)->record.zones.size(); ++i) {
          if (i) out += ',';
          out += ZoneToJson((*updated)->record.zones[i]);
        }
        return Response::Json(out + "]}");
      },
      {.permission = kPermStoresZones});

  router.Put(
      "/api/v1/stores/{store_id}/slot-rules",
      [&service](Request& req) -> Reply {
        auto body = http::ParseJsonBody(req);
        if (!body) return core::Fail(body.error());
        const json::object* o = body->if_object();
        if (!o) return core::Fail(core::Error::BadRequest("the body must be a JSON object"));
        core::FieldErrors errors;
        SlotRules rules;
        auto integer = [&](std::string_view key, std::int64_t& out) {
          const json::value* v = o->if_contains(key);
          if (!v || !v->is_int64()) {
            errors.Add(std::string(key), "is required as an integer");
          } else {
            out = v->as_int64();
          }
        };
        std::int64_t length = 0, lead = 0, capacity = 0;
        integer("length_minutes", length);
        integer("lead_time_minutes", lead);
        integer("capacity", capacity);
        if (!errors.empty()) return core::Fail(errors.ToError());
        rules.length = std::chrono::minutes(std::clamp<std::int64_t>(length, -1, 100000));
        rules.lead_time = std::chrono::minutes(std::clamp<std::int64_t>(lead, -1, 100000));
        rules.capacity = int(std::clamp<std::int64_t>(capacity, -1, 1000000));
        auto updated = service.SetSlotRules(std::string(req.PathParam("store_id")), rules);
        if (!updated) return core::Fail(updated.error());
        return EntryResponse(**updated, service);
      },
      {.permission = kPermStoresHours});

  router.Post(
      "/api/v1/stores/{store_id}/pause",
      [&service](Request& req) -> Reply {
        auto body = http::ParseJsonBody(req);
        if (!body) return core::Fail(body.error());
        const json::object* o = body->if_object();
        if (!o) return core::Fail(core::Error::BadRequest("the body must be a JSON object"));
        std::string reason;
        if (const json::value* r = o->if_contains("reason"); r && r->is_string()) reason = std::string(r->as_string());
        std::optional<core::TimePoint> until;
        if (const json::value* r = o->if_contains("resume_at"); r && !r->is_null()) {
          const json::string* text = r->if_string();
          if (text) until = core::ParseRfc3339(std::string_view(text->data(), text->size()));
          if (!until) return core::Fail(core::Error::Validation({{"resume_at", "must be an RFC 3339 time"}}));
        }
        if (const json::value* m = o->if_contains("minutes"); m && !m->is_null()) {
          if (until) return core::Fail(core::Error::Validation({{"minutes", "give resume_at or minutes, not both"}}));
          if (!m->is_int64() || m->as_int64() < 1 || m->as_int64() > 24 * 60) {
            return core::Fail(core::Error::Validation({{"minutes", "must be an integer from 1 to 1440"}}));
          }
          until = service.clock().Now() + std::chrono::minutes(m->as_int64());
        }
        auto updated = service.PauseStore(std::string(req.PathParam("store_id")), reason, until);
        if (!updated) return core::Fail(updated.error());
        return EntryResponse(**updated, service);
      },
      {.permission = kPermStoresPause});

  router.Post(
      "/api/v1/stores/{store_id}/resume",
      [&service](Request& req) -> Reply {
        auto updated = service.ResumeStore(std::string(req.PathParam("store_id")));
        if (!updated) return core::Fail(updated.error());
        return EntryResponse(**updated, service);
      },
      {.permission = kPermStoresPause});

  router.Get("/api/v1/stores/{store_id}/delivery-check", [&service](Request& req) -> Reply {
    auto point = ParsePoint(req, true);
    if (!point) return core::Fail(point.error());
    auto quote = service.CheckDelivery(std::string(req.PathParam("store_id")), **point);
    if (!quote) return core::Fail(quote.error());
    json::object out{{"store_id", std::string(req.PathParam("store_id"))},
                     {"deliverable", quote->deliverable},
                     {"distance_m", std::round(quote->distance_m * 10) / 10}};
    if (quote->deliverable) {
      out["zone"] = {{"id", quote->zone_id}, {"name", quote->zone_name}};
      out["fee"] = MoneyJson(*quote->fee);
      out["minimum_order"] = MoneyJson(*quote->minimum_order);
      out["estimated_minutes"] = quote->estimate_minutes;
    }
    return Response::Json(json_text::Serialize(out));
  }, {.permission = "public"});

  router.Get("/api/v1/stores/{store_id}/slots", [&service](Request& req) -> Reply {
    core::FieldErrors errors;
    auto date_text = req.Query("date");
    std::optional<date::year_month_day> day;
    if (date_text) {
      unsigned y = 0, m = 0, d = 0;
      if (date_text->size() == 10 && std::sscanf(date_text->c_str(), "%4u-%2u-%2u", &y, &m, &d) == 3) {
        date::year_month_day ymd{date::year(int(y)), date::month(m), date::day(d)};
        if (ymd.ok()) day = ymd;
      }
      if (!day) errors.Add("date", "must be a date YYYY-MM-DD");
    }
    auto type = ParseServiceParam(req, "type", true);
    if (!type) {
      for (const auto& f : type.error().fields) errors.Add(f.field, f.message);
    }
    if (!errors.empty()) return core::Fail(errors.ToError());
    auto store = service.GetStore(std::string(req.PathParam("store_id")));
    if (!store) return core::Fail(store.error());
    if (!day) {
      day = date::year_month_day(date::floor<date::days>((*store)->zone->to_local(service.clock().Now())));
    }
    auto slots = service.Slots((*store)->record.store.id, *day, *type);
    if (!slots) return core::Fail(slots.error());
    json::array items;
    for (const auto& s : *slots) {
      items.push_back(json::object{{"start", core::FormatRfc3339(s.slot.start)},
                                   {"end", core::FormatRfc3339(s.slot.end)},
                                   {"capacity_left", s.capacity_left},
                                   {"available", s.capacity_left > 0}});
    }
    return Response::Json(json_text::Serialize(json::object{{"store_id", (*store)->record.store.id},
                                                       {"date", fmt::format("{:04}-{:02}-{:02}", int(day->year()), unsigned(day->month()), unsigned(day->day()))},
                                                       {"type", ServiceTypeName(*type)},
                                                       {"slots", std::move(items)}}));
  }, {.permission = "public"});
}

}  // namespace vetahut::location
