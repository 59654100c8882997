#include "services/location/hours_codec.hpp"
#include "lib/json/write.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <set>

namespace vetahut::location {
namespace json = boost::json;

namespace {

constexpr std::string_view kDays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

std::optional<date::year_month_day> ParseDate(std::string_view text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  y = std::stoi(std::string(text.substr(0, 4)));
  m = unsigned(std::stoi(std::string(text.substr(5, 2))));
  d = unsigned(std::stoi(std::string(text.substr(8, 2))));
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string FormatDate(date::year_month_day ymd) {
  return fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
}

const json::string* StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

/// Reads {"open": "HH:MM", "close": "HH:MM"} into minutes.
std::optional<std::pair<int, int>> ReadSpan(const json::value& v, const std::string& field, core::FieldErrors& errors) {
  const json::object* o = v.if_object();
  if (!o) {
    errors.Add(field, "must be an object with open and close");
    return std::nullopt;
  }
  std::optional<int> open, close;
  for (auto [key, out] : {std::pair{"open", &open}, std::pair{"close", &close}}) {
    const json::string* s = StringAt(*o, key);
    if (!s) {
      errors.Add(field + "." + key, "is required as \"HH:MM\"");
      continue;
    }
    *out = ParseTimeOfDay(std::string_view(s->data(), s->size()));
    if (!*out) errors.Add(field + "." + key, fmt::format("'{}' is not a time of day HH:MM", std::string_view(*s)));
  }
  if (!open || !close) return std::nullopt;
  return std::pair{*open, *close};
}

/// Parsed hours plus, for each parsed special day, the index of the JSON entry it came from (a
/// from..to range becomes several days), so validation errors can name the entry the client sent.
struct ParsedHours {
  WeeklyHours hours;
  std::vector<std::size_t> special_origin;
};

ParsedHours ParseWeekly(const json::value& v, const std::string& prefix, core::FieldErrors& errors) {
  ParsedHours parsed;
  WeeklyHours& hours = parsed.hours;
  const json::object* o = v.if_object();
  if (!o) {
    errors.Add(prefix, "must be an object with weekly and special_days");
    return parsed;
  }
  for (const auto& [key, value] : *o) {
    if (key != "weekly" && key != "special_days") errors.Add(prefix + "." + std::string(key), "is not a known field");
  }
  if (const json::value* weekly = o->if_contains("weekly")) {
    if (!weekly->is_array()) {
      errors.Add(prefix + ".weekly", "must be an array");
    } else {
      const auto& arr = weekly->as_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const std::string field = fmt::format("{}.weekly[{}]", prefix, i);
        const json::object* span = arr[i].if_object();
        int weekday = -1;
        if (span) {
          if (const json::string* day = StringAt(*span, "day")) {
            for (int d = 0; d < 7; ++d) {
              if (*day == kDays[d]) weekday = d;
            }
          }
          if (weekday < 0) errors.Add(field + ".day", "must be a day name like \"monday\"");
        }
        auto minutes = ReadSpan(arr[i], field, errors);
        if (minutes && weekday >= 0) hours.spans.push_back({weekday, minutes->first, minutes->second});
      }
    }
  }
  if (const json::value* special = o->if_contains("special_days")) {
    if (!special->is_array()) {
      errors.Add(prefix + ".special_days", "must be an array");
    } else {
      const auto& arr = special->as_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const std::string field = fmt::format("{}.special_days[{}]", prefix, i);
        const json::object* day = arr[i].if_object();
        if (!day) {
          errors.Add(field, "must be an object");
          continue;
        }
        // One date, or a from..to range (inclusive).
        std::optional<date::year_month_day> from, to;
        if (const json::string* d = StringAt(*day, "date")) {
          from = to = ParseDate(*d);
          if (!from) errors.Add(field + ".date", "must be a date YYYY-MM-DD");
        } else {
          const json::string* f = StringAt(*day, "from");
          const json::string* t = StringAt(*day, "to");
          from = f ? ParseDate(*f) : std::nullopt;
          to = t ? ParseDate(*t) : std::nullopt;
          if (!from) errors.Add(field + ".from", "must be a date YYYY-MM-DD (or give date)");
          if (!to) errors.Add(field + ".to", "must be a date YYYY-MM-DD (or give date)");
          if (from && to && date::sys_days(*to) < date::sys_days(*from)) {
            errors.Add(field + ".to", "end before start: must not be before from");
            to.reset();
          }
          if (from && to && (date::sys_days(*to) - date::sys_days(*from)).count() > 366) {
            errors.Add(field + ".to", "a range covers at most 366 days");
            to.reset();
          }
        }
        bool closed = false;
        if (const json::value* c = day->if_contains("closed")) {
          if (!c->is_bool()) {
            errors.Add(field + ".closed", "must be true or false");
          } else {
            closed = c->as_bool();
          }
        }
        std::vector<std::pair<int, int>> spans;
        if (const json::value* s = day->if_contains("spans")) {
          if (!s->is_array()) {
            errors.Add(field + ".spans", "must be an array");
          } else {
            for (std::size_t j = 0; j < s->as_array().size(); ++j) {
              if (auto m = ReadSpan(s->as_array()[j], fmt::format("{}.spans[{}]", field, j), errors)) spans.push_back(*m);
            }
          }
        }
        if (!closed && spans.empty() && !day->if_contains("spans")) errors.Add(field, "needs closed: true or spans");
        std::string note;
        if (const json::string* n = StringAt(*day, "note")) note = std::string(*n).substr(0, 200);
        if (from && to) {
          for (auto d = date::sys_days(*from); d <= date::sys_days(*to); d += date::days(1)) {
            hours.special_days.push_back({date::year_month_day(d), closed, spans, note});
            parsed.special_origin.push_back(i);
          }
        }
      }
    }
  }
  return parsed;
}

/// Renames a domain field ("delivery.spans[2].open", "delivery.special_days[5]") to the JSON the
/// client sent ("delivery.weekly[2].open", "delivery.special_days[1]").
std::string ClientField(const std::string& field, const std::string& prefix, const std::vector<std::size_t>& origin) {
  std::string out = field;
  const std::string spans = prefix + ".spans[";
  if (out.starts_with(spans)) out = prefix + ".weekly[" + out.substr(spans.size());
  const std::string special = prefix + ".special_days[";
  if (out.starts_with(special)) {
    const auto close = out.find(']', special.size());
    const std::size_t k = std::stoul(out.substr(special.size(), close - special.size()));
    if (k < origin.size()) out = special + std::to_string(origin[k]) + out.substr(close);
  }
  return out;
}

json::array SpansToJson(const std::vector<std::pair<int, int>>& spans) {
  json::array out;
  for (const auto& [open, close] : spans) out.push_back(json::object{{"open", FormatTimeOfDay(open)}, {"close", FormatTimeOfDay(close)}});
  return out;
}

}  // namespace

std::optional<ServiceType> ParseServiceType(std::string_view name) {
  for (auto t : {ServiceType::kDelivery, ServiceType::kCarryout, ServiceType::kDineIn}) {
    if (ServiceTypeName(t) == name) return t;
  }
  return std::nullopt;
}

core::Result<ServiceHours> ParseServiceHours(const json::value& body, const std::vector<ServiceType>& offered) {
  const json::object* o = body.if_object();
  if (!o) return core::Fail(core::Error::BadRequest("the body must be a JSON object keyed by service"));
  core::FieldErrors errors;
  ServiceHours out;
  for (const auto& [key, value] : *o) {
    const std::string name(key);
    auto service = ParseServiceType(name);
    if (!service) {
      errors.Add(name, "is not a service (delivery, carryout, dine_in)");
      continue;
    }
    if (std::find(offered.begin(), offered.end(), *service) == offered.end()) {
      errors.Add(name, "is not a service this store offers");
      continue;
    }
    const bool clean_before = errors.empty();
    auto parsed = ParseWeekly(value, name, errors);
    // Rules across spans only make sense once every span parsed.
    if (!clean_before || !errors.empty()) continue;
    if (auto valid = ValidateHours(parsed.hours, name); !valid) {
      for (const auto& f : valid.error().fields) errors.Add(ClientField(f.field, name, parsed.special_origin), f.message);
    }
    out[*service] = std::move(parsed.hours);
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return out;
}

std::string ServiceHoursToJson(const ServiceHours& hours) {
  json::object out;
  for (const auto& [service, weekly] : hours) {
    json::array spans;
    for (const auto& s : weekly.spans) {
      spans.push_back(json::object{{"day", kDays[s.weekday]}, {"open", FormatTimeOfDay(s.open_minute)}, {"close", FormatTimeOfDay(s.close_minute)}});
    }
    json::array special;
    for (const auto& d : weekly.special_days) {
      json::object day{{"date", FormatDate(d.date)}};
      if (d.closed) {
        day["closed"] = true;
      } else {
        day["spans"] = SpansToJson(d.spans);
      }
      if (!d.note.empty()) day["note"] = d.note;
      special.push_back(std::move(day));
    }
    out[ServiceTypeName(service)] = json::object{{"weekly", std::move(spans)}, {"special_days", std::move(special)}};
  }
  return json_text::Serialize(out);
}

core::Result<std::vector<DeliveryZone>> ParseZones(const json::value& body, const core::Currency& currency) {
  const json::object* o = body.if_object();
  const json::value* zones_value = o ? o->if_contains("zones") : nullptr;
  if (!zones_value || !zones_value->is_array()) {
    return core::Fail(core::Error::Validation({{"zones", "is required as an array of zones"}}));
  }
  core::FieldErrors errors;
  std::vector<DeliveryZone> zones;
  std::set<std::string> names;
  const auto& arr = zones_value->as_array();
  if (arr.size() > 50) errors.Add("zones", "at most 50 zones per store");
  for (std::size_t i = 0; i < arr.size() && i < 50; ++i) {
    const std::string field = fmt::format("zones[{}]", i);
    const json::object* z = arr[i].if_object();
    if (!z) {
      errors.Add(field, "must be an object");
      continue;
    }
    DeliveryZone zone{.fee = core::Money::Zero(currency), .minimum_order = core::Money::Zero(currency)};
    if (const json::string* n = StringAt(*z, "name")) zone.name = std::string(*n);
    if (!zone.name.empty() && !names.insert(zone.name).second) errors.Add(field + ".name", "is used by another zone");
    // Money as everywhere in the API: {"amount": minor units, "currency": the store's currency}.
    auto money = [&](std::string_view key, core::Money& out) {
      const std::string name = field + "." + std::string(key);
      const json::value* v = z->if_contains(key);
      const json::object* m = v ? v->if_object() : nullptr;
      const json::value* amount = m ? m->if_contains("amount") : nullptr;
      const json::string* code = m ? StringAt(*m, "currency") : nullptr;
      if (!amount || !amount->is_int64() || !code) {
        errors.Add(name, "must be {\"amount\": minor units, \"currency\": code}");
      } else if (*code != currency.code()) {
        errors.Add(name + ".currency", fmt::format("must be the store's currency {}", currency.code()));
      } else {
        out = core::Money(amount->as_int64(), currency);
      }
    };
    money("fee", zone.fee);
    money("minimum_order", zone.minimum_order);
    if (const json::value* e = z->if_contains("estimate_minutes")) {
      if (!e->is_int64()) {
        errors.Add(field + ".estimate_minutes", "must be an integer");
      } else {
        zone.estimate_minutes = int(std::clamp<std::int64_t>(e->as_int64(), -1, 100000));
      }
    }
    const json::value* geometry = z->if_contains("geometry");
    const json::value* center = z->if_contains("center");
    if (geometry && center) {
      errors.Add(field, "has both geometry and center: a zone is a polygon or a radius");
      continue;
    }
    if (geometry) {
      zone.shape = ZoneShape::kPolygon;
      auto rings = ParseGeoJsonPolygon(*geometry, field + ".geometry");
      if (!rings) {
        for (const auto& f : rings.error().fields) errors.Add(f.field, f.message);
        continue;
      }
      zone.rings = std::move(*rings);
    } else if (center) {
      zone.shape = ZoneShape::kRadius;
      const json::object* c = center->if_object();
      auto number = [&](const json::object* obj, std::string_view key, const std::string& name, double& out) {
        const json::value* v = obj ? obj->if_contains(key) : nullptr;
        if (!v || !(v->is_double() || v->is_int64())) {
          errors.Add(name, "must be a number");
          return false;
        }
        out = v->is_double() ? v->as_double() : double(v->as_int64());
        return true;
      };
      number(c, "latitude", field + ".center.latitude", zone.center.latitude);
      number(c, "longitude", field + ".center.longitude", zone.center.longitude);
      number(z, "radius_m", field + ".radius_m", zone.radius_m);
    } else {
      errors.Add(field + ".geometry", "is required (a GeoJSON Polygon), or give center and radius_m");
      continue;
    }
    if (auto valid = ValidateZone(zone, field); !valid) {
      for (const auto& f : valid.error().fields) errors.Add(f.field, f.message);
    }
    zones.push_back(std::move(zone));
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return zones;
}

std::string ZoneToJson(const DeliveryZone& zone) {
  json::object out{{"id", zone.id}, {"name", zone.name},
                   {"fee", {{"amount", zone.fee.amount()}, {"currency", zone.fee.currency().code()}}},
                   {"minimum_order", {{"amount", zone.minimum_order.amount()}, {"currency", zone.minimum_order.currency().code()}}},
                   {"estimate_minutes", zone.estimate_minutes}};
  if (zone.shape == ZoneShape::kPolygon) {
    out["geometry"] = json::parse(PolygonToGeoJson(zone.rings));
  } else {
    out["center"] = {{"latitude", zone.center.latitude}, {"longitude", zone.center.longitude}};
    out["radius_m"] = zone.radius_m;
  }
  return json_text::Serialize(out);
}

}  // namespace vetahut::location
