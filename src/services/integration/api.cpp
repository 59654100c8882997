#include "services/integration/api.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>

#include "lib/auth/caller.hpp"
#include "lib/http/json_body.hpp"
#include "lib/http/page.hpp"
#include "lib/json/reader.hpp"
#include "lib/json/write.hpp"

namespace vetahut::integration {
namespace {

namespace json = boost::json;
using core::Error;
using core::Fail;
using http::Request;
using http::Response;
using json_read::Obj;
using Reply = core::Result<Response>;

/// Bodies are small: a URL, a description, some types.
core::Result<json::object> Body(const Request& req) { return http::ParseJsonObject(req, {.max_bytes = 16 * 1024, .max_depth = 8}); }

std::string ActorOf(const Request& req) {
  const auth::Caller* caller = auth::CallerOf(req);
  if (!caller) throw core::ErrorException(Error::Unauthenticated("authentication required"));
  return caller->principal.subject;
}

json::value Opt(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }
json::value Opt(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object SubscriptionJson(const SubscriptionRow& s) {
  json::array types;
  for (const auto& t : s.event_types) types.emplace_back(t);
  std::optional<std::string> failing_since;
  if (s.failing_since_us) failing_since = core::FormatRfc3339(core::TimePoint(std::chrono::microseconds(*s.failing_since_us)));
  return {{"id", s.id},
          {"url", s.url},
          {"description", s.description},
          {"event_types", std::move(types)},
          {"active", s.active},
          {"disabled_reason", s.active ? json::value(nullptr) : json::value(s.disabled_reason)},
          {"disabled_at", Opt(s.disabled_at)},
          {"failure_streak", s.failure_streak},
          {"failing_since", Opt(failing_since)},
          {"pending_deliveries", s.pending},
          {"created_at", s.created_at},
          {"created_by", s.created_by},
          {"updated_at", s.updated_at}};
}

json::object DeliveryJson(const DeliveryRow& d) {
  std::optional<std::string> next;
  if (d.status == "pending") next = core::FormatRfc3339(core::TimePoint(std::chrono::microseconds(d.next_attempt_us)));
  return {{"id", std::to_string(d.seq)},
          {"event_id", d.event_id},
          {"event_type", d.event_type},
          {"origin", d.origin},
          {"status", d.status},
          {"attempts", d.attempts},
          {"next_attempt_at", Opt(next)},
          {"last_attempt_at", Opt(d.last_attempt_at)},
          {"last_status", Opt(d.last_status)},
          {"last_error", d.last_error.empty() ? json::value(nullptr) : json::value(d.last_error)},
          {"last_response", d.last_response.empty() ? json::value(nullptr) : json::value(d.last_response)},
          {"last_duration_ms", Opt(d.last_duration_ms)},
          {"created_at", d.created_at},
          {"finished_at", Opt(d.finished_at)}};
}

json::object JournalJsonRow(const JournalRow& j) {
  return {{"store_id", j.store_id},
          {"business_date", j.business_date},
          {"currency", j.currency},
          {"closed", j.closed},
          {"revision", j.revision},
          {"orders", j.orders},
          {"net_total", json::object{{"amount", j.net_total}, {"currency", j.currency}}},
          {"generated_at", j.generated_at},
          {"generated_by", j.generated_by},
          {"event_id", j.event_id},
          {"files", json::object{{"json", json::object{{"path", fmt::format("/api/v1/admin/exports/sales-journals/{}/{}?format=json", j.store_id, j.business_date)},
                                                      {"sha256", j.json_sha256}}},
                                 {"csv", json::object{{"path", fmt::format("/api/v1/admin/exports/sales-journals/{}/{}?format=csv", j.store_id, j.business_date)},
                                                     {"sha256", j.csv_sha256}}}}}};
}

std::string Page(const json::array& items, std::size_t count, int limit, const std::string& last) {
  return http::PageJson(json_text::Serialize(items), count, limit, last);
}

/// Reads the fields of a subscription body; `creating` requires url and event_types.
void ReadSubscription(const Obj& o, bool creating, SubscriptionInput& in, SubscriptionPatch& patch) {
  if (creating || o.Has("url")) {
    std::string url;
    if (o.Str("url", url, creating)) {
      in.url = url;
      patch.url = url;
    }
  }
  if (o.Has("description")) {
    std::string description;
    if (o.Str("description", description)) {
      in.description = description;
      patch.description = description;
    }
  }
  if (creating || o.Has("event_types")) {
    std::vector<std::string> types;
    o.Strings("event_types", types, creating);
    in.event_types = types;
    if (o.Has("event_types")) patch.event_types = types;
  }
  if (o.Has("active")) {
    bool active = true;
    o.Bool("active", active);
    in.active = active;
    patch.active = active;
  }
}

/// The id of a delivery page's cursor: a sequence number.
core::Result<std::optional<std::int64_t>> SeqCursor(const std::string& cursor) {
  if (cursor.empty()) return std::optional<std::int64_t>();
  std::int64_t seq = 0;
  auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), seq);
  if (ec != std::errc() || end != cursor.data() + cursor.size() || seq < 1) {
    return Fail(Error::Validation({{"cursor", "must be the next_cursor of an earlier page"}}));
  }
  return std::optional<std::int64_t>(seq);
}

}  // namespace

void RegisterRoutes(http::Router& router, WebhookService& webhooks, JournalService& journals) {
  router.Get("/api/v1/admin/webhook-event-types", [&webhooks](Request&) -> Reply {
    json::array items;
    for (const auto& t : webhooks.catalog()) items.push_back(json::object{{"type", t.type}, {"description", t.description}});
    return Response::Json(json_text::Serialize(json::object{{"items", std::move(items)}}));
  }, {.permission = "webhooks:manage"});

  router.Get("/api/v1/admin/webhooks", [&webhooks](Request& req) -> Reply {
    auto page = http::ParsePage(req, 50, 200);
    if (!page) return Fail(page.error());
    const auto list = webhooks.List(page->limit, page->cursor);
    json::array items;
    for (const auto& s : list) items.push_back(SubscriptionJson(s));
    return Response::Json(Page(items, list.size(), page->limit, list.empty() ? "" : list.back().id));
  }, {.permission = "webhooks:manage"});

  router.Post("/api/v1/admin/webhooks", [&webhooks](Request& req) -> Reply {
    auto body = Body(req);
    if (!body) return Fail(body.error());
    const json::value doc(std::move(*body));
    core::FieldErrors errors;
    SubscriptionInput in;
    SubscriptionPatch unused;
    if (auto o = Obj::Open(doc, "", errors, {"url", "description", "event_types", "active"})) {
      ReadSubscription(*o, true, in, unused);
    }
    if (!errors.empty()) return Fail(errors.ToError());
    auto created = webhooks.Create(in, ActorOf(req));
    if (!created) return Fail(created.error());
    json::object out = SubscriptionJson(created->subscription);
    out["secret"] = created->secret;  // the only time it is shown
    auto r = Response::Json(json_text::Serialize(out), 201);
    r.SetHeader("Location", "/api/v1/admin/webhooks/" + created->subscription.id);
    return r;
  }, {.permission = "webhooks:manage"});

  router.Get("/api/v1/admin/webhooks/{webhook_id}", [&webhooks](Request& req) -> Reply {
    auto s = webhooks.Get(std::string(req.PathParam("webhook_id")));
    if (!s) return Fail(s.error());
    return Response::Json(json_text::Serialize(SubscriptionJson(*s)));
  }, {.permission = "webhooks:manage"});

  router.Patch("/api/v1/admin/webhooks/{webhook_id}", [&webhooks](Request& req) -> Reply {
    auto body = Body(req);
    if (!body) return Fail(body.error());
    const json::value doc(std::move(*body));
    core::FieldErrors errors;
    SubscriptionInput unused;
    SubscriptionPatch patch;
    if (auto o = Obj::Open(doc, "", errors, {"url", "description", "event_types", "active"})) {
      ReadSubscription(*o, false, unused, patch);
      if (doc.as_object().empty()) errors.Add("body", "must change at least one of url, description, event_types, active");
    }
    if (!errors.empty()) return Fail(errors.ToError());
    auto s = webhooks.Update(std::string(req.PathParam("webhook_id")), patch, ActorOf(req));
    if (!s) return Fail(s.error());
    return Response::Json(json_text::Serialize(SubscriptionJson(*s)));
  }, {.permission = "webhooks:manage"});

  router.Delete("/api/v1/admin/webhooks/{webhook_id}", [&webhooks](Request& req) -> Reply {
    if (auto s = webhooks.Delete(std::string(req.PathParam("webhook_id"))); !s) return Fail(s.error());
    return Response::NoContent();
  }, {.permission = "webhooks:manage"});

  router.Post("/api/v1/admin/webhooks/{webhook_id}/test", [&webhooks](Request& req) -> Reply {
    auto d = webhooks.SendTest(std::string(req.PathParam("webhook_id")), ActorOf(req));
    if (!d) return Fail(d.error());
    return Response::Json(json_text::Serialize(DeliveryJson(*d)), 202);
  }, {.permission = "webhooks:manage"});

  router.Post("/api/v1/admin/webhooks/{webhook_id}/replay", [&webhooks](Request& req) -> Reply {
    auto body = Body(req);
    if (!body) return Fail(body.error());
    const json::value doc(std::move(*body));
    core::FieldErrors errors;
    std::optional<core::TimePoint> from, to;
    if (auto o = Obj::Open(doc, "", errors, {"from", "to"})) {
      o->Time("from", from);
      o->Time("to", to);
      if (!o->Has("from")) errors.Add("from", "is required");
      if (!o->Has("to")) errors.Add("to", "is required");
    }
    if (!errors.empty()) return Fail(errors.ToError());
    auto queued = webhooks.Replay(std::string(req.PathParam("webhook_id")), *from, *to);
    if (!queued) return Fail(queued.error());
    return Response::Json(json_text::Serialize(json::object{{"queued", *queued}}), 202);
  }, {.permission = "webhooks:manage"});

  router.Get("/api/v1/admin/webhooks/{webhook_id}/deliveries", [&webhooks](Request& req) -> Reply {
    auto page = http::ParsePage(req, 50, 200);
    if (!page) return Fail(page.error());
    auto before = SeqCursor(page->cursor);
    if (!before) return Fail(before.error());
    const std::string status(req.Query("status").value_or(""));
    if (!status.empty() && status != "pending" && status != "delivered" && status != "failed") {
      return Fail(Error::Validation({{"status", "must be pending, delivered or failed"}}));
    }
    auto list = webhooks.Deliveries(std::string(req.PathParam("webhook_id")), status, page->limit, *before);
    if (!list) return Fail(list.error());
    json::array items;
    for (const auto& d : *list) items.push_back(DeliveryJson(d));
    return Response::Json(Page(items, list->size(), page->limit, list->empty() ? "" : std::to_string(list->back().seq)));
  }, {.permission = "webhooks:manage"});

  // --- the sales journal ---
  router.Post("/api/v1/admin/exports/sales-journal", [&journals](Request& req) -> Reply {
    auto body = Body(req);
    if (!body) return Fail(body.error());
    const json::value doc(std::move(*body));
    core::FieldErrors errors;
    std::string store_id, business_date;
    if (auto o = Obj::Open(doc, "", errors, {"store_id", "business_date"})) {
      o->Str("store_id", store_id, true);
      o->Str("business_date", business_date, true);
    }
    if (!errors.empty()) return Fail(errors.ToError());
    auto produced = journals.Produce(store_id, business_date, ActorOf(req));
    if (!produced) return Fail(produced.error());
    json::object out = JournalJsonRow(produced->row);
    out["changed"] = produced->changed;
    return Response::Json(json_text::Serialize(out), produced->changed ? 201 : 200);
  }, {.permission = "exports:manage"});

  router.Get("/api/v1/admin/exports/sales-journals", [&journals](Request& req) -> Reply {
    auto page = http::ParsePage(req, 50, 200);
    if (!page) return Fail(page.error());
    std::optional<std::pair<std::string, std::string>> after;
    if (!page->cursor.empty()) {
      const auto sep = page->cursor.find('_');
      if (sep != 10) return Fail(Error::Validation({{"cursor", "must be the next_cursor of an earlier page"}}));
      after = std::make_pair(page->cursor.substr(0, sep), page->cursor.substr(sep + 1));
    }
    const std::string store_id(req.Query("store_id").value_or(""));
    const auto list = journals.List(store_id, page->limit, after);
    json::array items;
    for (const auto& j : list) items.push_back(JournalJsonRow(j));
    return Response::Json(Page(items, list.size(), page->limit,
                               list.empty() ? "" : list.back().business_date + "_" + list.back().store_id));
  }, {.permission = "exports:manage"});

  router.Get("/api/v1/admin/exports/sales-journals/{store_id}/{business_date}", [&journals](Request& req) -> Reply {
    const std::string format(req.Query("format").value_or("json"));
    if (format != "json" && format != "csv") return Fail(Error::Validation({{"format", "must be json or csv"}}));
    auto file = journals.Read(std::string(req.PathParam("store_id")), std::string(req.PathParam("business_date")), format);
    if (!file) return Fail(file.error());
    auto r = Response::Text(std::move(file->bytes), file->content_type);
    r.SetHeader("Content-Disposition", "attachment; filename=\"" + file->file_name + "\"");
    return r;
  }, {.permission = "exports:manage"});
}

}  // namespace vetahut::integration
