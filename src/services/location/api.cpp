#include "services/location/api.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <charconv>

#include "lib/http/json_body.hpp"

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
  // The domain rules (ranges, zones, codes) add their own field errors.
  if (auto valid = Validate(p); !valid) return core::Fail(valid.error());
  return p;
}

core::Result<int> ParseLimit(const http::Request& req) {
  auto text = req.Query("limit");
  if (!text) return 20;
  int limit = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || p != text->data() + text->size() || limit < 1 || limit > 100) {
    return core::Fail(core::Error::Validation({{"limit", "must be an integer from 1 to 100"}}));
  }
  return limit;
}

}  // namespace

void RegisterRoutes(http::Router& router, LocationService& service) {
  router.Post(
      "/api/v1/stores",
      [&service](http::Request& req) -> core::Result<http::Response> {
        auto body = http::ParseJsonBody(req);
        if (!body) return core::Fail(body.error());
        auto profile = ParseStoreProfile(*body);
        if (!profile) return core::Fail(profile.error());
        auto traceparent = req.Header("traceparent");
        auto store = service.CreateStore(*profile, traceparent ? std::string(*traceparent) : std::string());
        if (!store) return core::Fail(store.error());
        auto response = http::Response::Json(StoreToJson(*store), 201);
        response.SetHeader("Location", "/api/v1/stores/" + store->id);
        return response;
      },
      {.permission = kPermStoresWrite});

  router.Get("/api/v1/stores/{store_id}", [&service](http::Request& req) -> core::Result<http::Response> {
    auto store = service.GetStore(std::string(req.PathParam("store_id")));
    if (!store) return core::Fail(store.error());
    return http::Response::Json(StoreToJson(*store));
  });

  router.Get("/api/v1/stores", [&service](http::Request& req) -> core::Result<http::Response> {
    auto limit = ParseLimit(req);
    if (!limit) return core::Fail(limit.error());
    auto page = service.ListStores(req.Query("cursor").value_or(""), *limit);
    if (!page) return core::Fail(page.error());
    std::string body = "{\"items\":[";
    for (std::size_t i = 0; i < page->stores.size(); ++i) {
      if (i) body += ',';
      body += StoreToJson(page->stores[i]);
    }
    body += "],\"next_cursor\":";
    body += page->next_cursor.empty() ? "null" : json::serialize(json::value(page->next_cursor));
    body += '}';
    return http::Response::Json(std::move(body));
  });
}

}  // namespace vetahut::location
