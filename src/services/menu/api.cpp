#include "services/menu/api.hpp"
#include "lib/json/write.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "lib/auth/caller.hpp"
#include "lib/core/text_rules.hpp"
#include "lib/http/json_body.hpp"
#include "lib/http/page.hpp"

namespace vetahut::menu {
namespace {

namespace json = boost::json;
using http::Request;
using http::Response;
using Reply = core::Result<Response>;

core::Result<json::object> ObjectBody(const Request& req, std::size_t max_bytes = 64 * 1024) {
  return http::ParseJsonObject(req, {.max_bytes = max_bytes, .max_depth = 16});
}

std::string Actor(const Request& req) {
  const auth::Caller* caller = auth::CallerOf(req);
  return caller ? caller->principal.subject : "anonymous";
}

std::optional<std::string> OptionalTime(const json::object& o, std::string_view key, core::FieldErrors& errors,
                                        std::optional<core::TimePoint>& out) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  const json::string* s = v->if_string();
  if (s) out = core::ParseRfc3339(std::string_view(s->data(), s->size()));
  if (!out) errors.Add(std::string(key), "must be an RFC 3339 time");
  return std::nullopt;
}

json::value VersionJson(const VersionInfo& v) {
  auto t = [](const std::optional<core::TimePoint>& x) { return x ? json::value(core::FormatRfc3339(*x)) : json::value(nullptr); };
  return json::object{{"id", v.id},
                      {"market", v.market},
                      {"status", v.status},
                      {"created_by", v.created_by},
                      {"created_at", core::FormatRfc3339(v.created_at)},
                      {"publish_at", t(v.publish_at)},
                      {"published_at", t(v.published_at)}};
}

/// True if `header` (an If-None-Match value) lists `etag` or is "*".
bool Matches(std::string_view header, std::string_view etag) {
  if (header == "*") return true;
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto comma = header.find(',', pos);
    auto item = header.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == etag) return true;  // strong comparison; a weak W/ tag never matches a strong one
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

bool AcceptsGzip(const Request& req) {
  auto ae = req.Header("accept-encoding");
  if (!ae) return false;
  const auto at = ae->find("gzip");
  if (at == std::string_view::npos) return false;
  auto rest = ae->substr(at + 4);
  // "gzip;q=0" declines it.
  return !(rest.starts_with(";q=0") && !rest.starts_with(";q=0."));
}

}  // namespace

void RegisterRoutes(http::Router& router, MenuService& menu, bool menu_reads_inline) {
  router.Get("/api/v1/stores/{store_id}/menu", [&menu](Request& req) -> Reply {
    auto locale = req.Query("locale").value_or("");
    if (locale.size() > 10) return core::Fail(core::Error::Validation({{"locale", "must be a language tag like en or es-MX"}}));
    auto snapshot = menu.StoreMenu(std::string(req.PathParam("store_id")), locale);
    if (!snapshot) return core::Fail(snapshot.error());
    const auto& s = **snapshot;
    Response r;
    r.SetHeader("ETag", s.etag);
    r.SetHeader("Vary", "Accept-Encoding");
    r.SetHeader("Cache-Control", "public, max-age=0, must-revalidate");
    if (auto inm = req.Header("if-none-match"); inm && Matches(*inm, s.etag)) {
      r.status = 304;
      return r;
    }
    r.SetHeader("Content-Type", "application/json");
    // Zero-copy: the server sends the cached snapshot's in-memory file with sendfile(2).
    if (AcceptsGzip(req)) {
      r.SetHeader("Content-Encoding", "gzip");
      r.file_body = s.gzip_file;
    } else {
      r.file_body = s.json_file;
    }
    return r;
  }, {.permission = "public", .non_blocking = menu_reads_inline});

  router.Get("/api/v1/menu/{market}/draft", [&menu](Request& req) -> Reply {
    auto draft = menu.DraftJson(std::string(req.PathParam("market")));
    if (!draft) return core::Fail(draft.error());
    return Response::Json(std::move(*draft));
  }, {.permission = "menu:write"});

  router.Get("/api/v1/menu/{market}/live", [&menu](Request& req) -> Reply {
    auto live = menu.LiveJson(std::string(req.PathParam("market")));
    if (!live) return core::Fail(live.error());
    return Response::Json(std::move(*live));
  }, {.permission = "menu:write"});

  router.Put("/api/v1/menu/{market}/draft", [&menu](Request& req) -> Reply {
    auto body = http::ParseJsonBody(req, {.max_bytes = 4 << 20, .max_depth = 32});
    if (!body) return core::Fail(body.error());
    auto version = menu.SaveDraft(std::string(req.PathParam("market")), *body, Actor(req));
    if (!version) return core::Fail(version.error());
    return Response::Json(json_text::Serialize(VersionJson(*version)));
  }, {.permission = "menu:write"});

  router.Post("/api/v1/menu/{market}/publish", [&menu](Request& req) -> Reply {
    core::FieldErrors errors;
    std::optional<core::TimePoint> at;
    if (!req.body.empty()) {
      auto body = ObjectBody(req);
      if (!body) return core::Fail(body.error());
      OptionalTime(*body, "publish_at", errors, at);
    }
    if (!errors.empty()) return core::Fail(errors.ToError());
    auto version = menu.Publish(std::string(req.PathParam("market")), at, Actor(req));
    if (!version) return core::Fail(version.error());
    return Response::Json(json_text::Serialize(VersionJson(*version)));
  }, {.permission = "menu:write"});

  router.Get("/api/v1/menu/{market}/versions", [&menu](Request& req) -> Reply {
    auto page = http::ParsePage(req, 50, 200);
    if (!page) return core::Fail(page.error());
    auto versions = menu.ListVersions(std::string(req.PathParam("market")), page->limit, page->cursor);
    if (!versions) return core::Fail(versions.error());
    json::array items;
    for (const auto& v : *versions) items.push_back(VersionJson(v));
    return Response::Json(http::PageJson(json_text::Serialize(items), versions->size(), page->limit,
                                         versions->empty() ? "" : versions->back().id));
  }, {.permission = "menu:write"});

  router.Put("/api/v1/stores/{store_id}/availability/{item_id}", [&menu](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    core::FieldErrors errors;
    const json::value* available = body->if_contains("available");
    if (!available || !available->is_bool()) errors.Add("available", "is required: true or false");
    std::string reason;
    if (const json::value* r = body->if_contains("reason"); r && !r->is_null()) {
      if (r->is_string()) {
        reason = core::CleanText("reason", r->as_string(), {.max_chars = 200, .required = false}, errors);
      } else {
        errors.Add("reason", "must be a string");
      }
    }
    std::optional<core::TimePoint> until;
    OptionalTime(*body, "until", errors, until);
    if (!errors.empty()) return core::Fail(errors.ToError());
    if (auto s = menu.SetAvailability(std::string(req.PathParam("store_id")), std::string(req.PathParam("item_id")),
                                      available->as_bool(), reason, until);
        !s) {
      return core::Fail(s.error());
    }
    return Response::NoContent();
  }, {.permission = "menu:availability"});

  router.Put("/api/v1/stores/{store_id}/prices/{item_id}", [&menu](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    core::FieldErrors errors;
    auto text = [&](std::string_view key) {
      const json::value* v = body->if_contains(key);
      if (!v || !v->is_string()) {
        errors.Add(std::string(key), "is required");
        return std::string();
      }
      return std::string(v->as_string());
    };
    const std::string kind = text("kind");
    const std::string size = text("size");
    std::optional<std::int64_t> amount;
    const json::value* price = body->if_contains("price");
    if (!price) {
      errors.Add("price", "is required: {\"amount\": minor units, \"currency\": code}, or null to remove");
    } else if (!price->is_null()) {
      const json::object* p = price->if_object();
      const json::value* a = p ? p->if_contains("amount") : nullptr;
      if (!a || !a->is_int64()) {
        errors.Add("price.amount", "must be an integer amount in minor units");
      } else {
        amount = a->as_int64();
      }
    }
    if (!errors.empty()) return core::Fail(errors.ToError());
    if (auto s = menu.SetPrice(std::string(req.PathParam("store_id")), kind, std::string(req.PathParam("item_id")), size, amount);
        !s) {
      return core::Fail(s.error());
    }
    return Response::NoContent();
  }, {.permission = "menu:prices"});

  router.Put("/api/v1/stores/{store_id}/tax", [&menu](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    core::FieldErrors errors;
    const json::value* mode = body->if_contains("mode");
    if (!mode || !mode->is_string() || (mode->as_string() != "inclusive" && mode->as_string() != "exclusive")) {
      errors.Add("mode", "must be inclusive (VAT) or exclusive (sales tax)");
    }
    std::map<std::string, std::int64_t, std::less<>> rates;
    const json::value* r = body->if_contains("rates");
    if (!r || !r->is_object()) {
      errors.Add("rates", "is required: {\"food\": 8875, …} in 1/1000 of a percent");
    } else {
      for (const auto& [k, v] : r->as_object()) {
        if (!v.is_int64()) {
          errors.Add("rates." + std::string(k), "must be an integer (1/1000 of a percent)");
        } else {
          rates[std::string(k)] = v.as_int64();
        }
      }
    }
    if (!errors.empty()) return core::Fail(errors.ToError());
    if (auto s = menu.SetTaxSettings(std::string(req.PathParam("store_id")),
                                     mode->as_string() == "inclusive" ? TaxMode::kInclusive : TaxMode::kExclusive,
                                     std::move(rates));
        !s) {
      return core::Fail(s.error());
    }
    return Response::NoContent();
  }, {.permission = "menu:tax"});
}

}  // namespace vetahut::menu
