#include "services/notification/api.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "lib/auth/caller.hpp"
#include "lib/http/json_body.hpp"
#include "lib/http/page.hpp"
#include "lib/http/sse.hpp"
#include "lib/json/reader.hpp"

namespace vetahut::notification {
namespace {

namespace json = boost::json;
using core::Error;
using core::Fail;
using http::Request;
using http::Response;
using json_read::Obj;
using Reply = core::Result<Response>;

const std::string& SubjectOf(const Request& req) {
  const auth::Caller* caller = auth::CallerOf(req);
  if (!caller) throw core::ErrorException(Error::Unauthenticated("authentication required"));
  return caller->principal.subject;
}

/// A ChannelSet object: only email, sms and in_app, each true or false; absent ones keep `out`'s.
void ReadChannels(const Obj& parent, std::string_view key, ChannelSet& out) {
  const json::value* v = parent.Get(key, false);
  if (!v) return;
  auto o = Obj::Open(*v, parent.F(key), parent.errors(), {"email", "sms", "in_app"});
  if (!o) return;
  o->Bool("email", out.email);
  o->Bool("sms", out.sms);
  o->Bool("in_app", out.in_app);
}

/// The preference document over `current`: fields absent keep their value; null clears the
/// locale (platform default) and the quiet hours (none).
core::Result<Preferences> ParsePreferences(const Request& req, Preferences current) {
  auto body = http::ParseJsonObject(req, {.max_bytes = 4096, .max_depth = 4});
  if (!body) return Fail(body.error());
  const json::value doc(std::move(*body));  // the reader keeps a pointer into it
  core::FieldErrors errors;
  auto o = Obj::Open(doc, "", errors, {"locale", "channels", "marketing", "quiet_hours"});
  if (!o) return Fail(errors.ToError());
  if (const json::value* locale = doc.as_object().if_contains("locale")) {
    if (locale->is_null()) {
      current.locale.clear();
    } else if (!locale->is_string()) {
      errors.Add("locale",
                 "must be a language tag such as \"en\" or \"es-MX\", or null for the default");
    } else {
      current.locale = std::string(locale->get_string());
      if (current.locale.empty())
        errors.Add("locale",
                   "must be a language tag such as \"en\" or \"es-MX\", or null for the default");
    }
  }
  ReadChannels(*o, "channels", current.transactional);
  ReadChannels(*o, "marketing", current.marketing);
  if (const json::value* quiet = doc.as_object().if_contains("quiet_hours")) {
    if (quiet->is_null()) {
      current.quiet_hours.reset();
    } else if (auto q = Obj::Open(*quiet, "quiet_hours", errors, {"start", "end"})) {
      std::string start, end;
      const bool has_start = q->Str("start", start, true);
      const bool has_end = q->Str("end", end, true);
      const auto start_minute = ParseClock(start);
      const auto end_minute = ParseClock(end);
      if (has_start && !start_minute)
        errors.Add("quiet_hours.start", "must be a time of day HH:MM, from 00:00 to 23:59");
      if (has_end && !end_minute)
        errors.Add("quiet_hours.end", "must be a time of day HH:MM, from 00:00 to 23:59");
      if (start_minute && end_minute) current.quiet_hours = QuietHours{*start_minute, *end_minute};
    }
  }
  if (!errors.empty()) return Fail(errors.ToError());
  return current;
}

std::string ItemsJson(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]";
}

}  // namespace

void RegisterRoutes(http::Router& router, NotificationService& service) {
  // --- the signed-in person's in-app list ---
  router.Get("/api/v1/me/notifications",
             [&service](Request& req) -> Reply {
               auto page = http::ParsePage(req, 50, 200);
               if (!page) return Fail(page.error());
               bool unread_only = false;
               if (auto unread = req.Query("unread"); unread && !unread->empty()) {
                 if (*unread != "true" && *unread != "false")
                   return Fail(Error::Validation({{"unread", "must be true or false"}}));
                 unread_only = *unread == "true";
               }
               const std::string& me = SubjectOf(req);
               auto items = service.ListInbox(me, page->limit, page->cursor, unread_only);
               if (!items) return Fail(items.error());
               std::vector<std::string> rendered;
               for (const auto& item : *items)
                 rendered.push_back(NotificationService::InboxItemJson(item));
               std::string body = http::PageJson(ItemsJson(rendered), items->size(), page->limit,
                                                 items->empty() ? "" : items->back().id);
               body.pop_back();
               body += fmt::format(",\"unread\":{}}}", service.Unread(me));
               return Response::Json(std::move(body));
             },
             {.permission = "notifications:self"});

  router.Get("/api/v1/me/notifications/stream",
             [&service](Request& req) -> Reply {
               std::string last(req.Header("last-event-id").value_or(""));
               if (!last.empty() &&
                   (last.size() > 64 ||
                    last.find_first_not_of(
                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
                        std::string::npos)) {
                 return Fail(
                     Error::BadRequest("Last-Event-ID must be a notification id from this stream"));
               }
               Response r;
               r.stream = http::EventStream::Create(256);
               service.Follow(SubjectOf(req), r.stream, last);
               return r;
             },
             {.permission = "notifications:self"});

  router.Post("/api/v1/me/notifications/{notification_id}/read",
              [&service](Request& req) -> Reply {
                auto item =
                    service.MarkRead(SubjectOf(req), std::string(req.PathParam("notification_id")));
                if (!item) return Fail(item.error());
                return Response::Json(NotificationService::InboxItemJson(*item));
              },
              {.permission = "notifications:self"});

  // --- preferences ---
  router.Get(
      "/api/v1/me/notification-preferences",
      [&service](Request& req) -> Reply {
        return Response::Json(service.PreferencesJson(service.GetPreferences(SubjectOf(req))));
      },
      {.permission = "notifications:self"});

  router.Put("/api/v1/me/notification-preferences",
             [&service](Request& req) -> Reply {
               const std::string& me = SubjectOf(req);
               auto wanted = ParsePreferences(req, service.GetPreferences(me));
               if (!wanted) return Fail(wanted.error());
               auto stored = service.PutPreferences(me, *wanted);
               if (!stored) return Fail(stored.error());
               return Response::Json(service.PreferencesJson(*stored));
             },
             {.permission = "notifications:self"});

  // --- the delivery log ---
  router.Get("/api/v1/admin/notifications",
             [&service](Request& req) -> Reply {
               auto page = http::ParsePage(req, 50, 500);
               if (!page) return Fail(page.error());
               core::FieldErrors errors;
               std::string status(req.Query("status").value_or(""));
               std::string channel(req.Query("channel").value_or(""));
               static const std::vector<std::string> kStatuses{"queued", "sending", "sent",
                                                               "failed", "dead"};
               if (!status.empty() &&
                   std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end()) {
                 errors.Add("status", "must be queued, sending, sent, failed or dead");
               }
               if (!channel.empty() && !ParseChannel(channel))
                 errors.Add("channel", "must be email, sms or in_app");
               if (!errors.empty()) return Fail(errors.ToError());
               auto list = service.ListDeliveries(status, channel, page->limit, page->cursor);
               if (!list) return Fail(list.error());
               std::vector<std::string> rendered;
               for (const auto& d : *list) rendered.push_back(NotificationService::DeliveryJson(d));
               return Response::Json(http::PageJson(ItemsJson(rendered), list->size(), page->limit,
                                                    list->empty() ? "" : list->back().id));
             },
             {.permission = "notifications:admin"});

  router.Post("/api/v1/admin/notifications/{delivery_id}/retry",
              [&service](Request& req) -> Reply {
                auto retried = service.Retry(std::string(req.PathParam("delivery_id")));
                if (!retried) return Fail(retried.error());
                return Response::Json(NotificationService::DeliveryJson(*retried));
              },
              {.permission = "notifications:admin"});
}

}  // namespace vetahut::notification
