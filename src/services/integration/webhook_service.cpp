#include "services/integration/webhook_service.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "lib/core/text_rules.hpp"
#include "lib/json/write.hpp"
#include "lib/log/log.hpp"
#include "services/integration/domain/address_policy.hpp"
#include "services/integration/domain/event_filter.hpp"
#include "services/integration/domain/webhook_url.hpp"
#include "services/integration/events.hpp"
#include "services/integration/signature.hpp"

namespace vetahut::integration {
namespace {

namespace json = boost::json;
using core::Error;
using core::Fail;

core::Error NotFound(const std::string& id) { return Error::NotFound(fmt::format("no webhook subscription '{}'", id)); }

}  // namespace

std::int64_t Micros(core::TimePoint t) { return t.time_since_epoch().count(); }

std::string PartnerEnvelope(const bus::CloudEvent& event) {
  bus::CloudEvent copy = event;
  copy.traceparent.clear();
  return copy.ToJson();
}

core::Result<std::vector<std::string>> SystemResolver::Resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list);
  if (rc != 0) {
    return Fail(Error::Validation({{"url", fmt::format("host '{}' does not resolve ({})", host, gai_strerror(rc))}}));
  }
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (addrinfo* a = list; a; a = a->ai_next) {
    char text[NI_MAXHOST] = {0};
    if (getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0 &&
        seen.insert(text).second) {
      out.emplace_back(text);
    }
  }
  freeaddrinfo(list);
  if (out.empty()) return Fail(Error::Validation({{"url", fmt::format("host '{}' has no address", host)}}));
  return out;
}

WebhookService::WebhookService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                               HostResolver& resolver, std::vector<EventTypeInfo> catalog, WebhookOptions options)
    : db_(db), clock_(clock), ids_(ids), resolver_(resolver), catalog_(std::move(catalog)), options_(options) {
  std::sort(catalog_.begin(), catalog_.end(), [](const auto& a, const auto& b) { return a.type < b.type; });
  for (const auto& t : catalog_) offered_.push_back(t.type);
}

core::Status WebhookService::CheckTarget(const std::string& text) {
  auto url = ParseWebhookUrl(text);
  if (!url) return Fail(url.error());
  std::vector<std::string> addresses;
  if (url->host_is_address) {
    addresses.push_back(url->host);
  } else {
    auto resolved = resolver_.Resolve(url->host);
    if (!resolved) return Fail(resolved.error());
    addresses = std::move(*resolved);
  }
  // Every address the name has must be acceptable: the sender may dial any of them.
  for (const auto& address : addresses) {
    if (auto why = RefusalReason(address, options_.allow_private_targets)) {
      const std::string where = url->host_is_address ? "" : fmt::format("host '{}' resolves to ", url->host);
      return Fail(Error::Validation(
          {{"url", fmt::format("{}{}: partner webhooks must reach the public internet", where, *why)}}));
    }
  }
  return core::Ok();
}

core::Result<WebhookService::Created> WebhookService::Create(const SubscriptionInput& input, const std::string& actor) {
  core::FieldErrors errors;
  const std::string description =
      core::CleanText("description", input.description, {.max_chars = 200, .required = false}, errors);
  CheckEventFilters(input.event_types, offered_, errors);
  if (!errors.empty()) return Fail(errors.ToError());
  if (auto target = CheckTarget(input.url); !target) return Fail(target.error());

  SubscriptionRow s;
  s.id = ids_.Next("whk");
  s.url = input.url;
  s.description = description;
  s.event_types = input.event_types;
  s.secret = NewWebhookSecret();
  s.active = input.active;
  if (!s.active) {
    s.disabled_reason = "created disabled by " + actor;
    s.disabled_at = core::FormatRfc3339(clock_.Now());
  }
  s.created_at = core::FormatRfc3339(clock_.Now());
  s.created_by = actor;
  s.updated_at = s.created_at;
  repository_.Insert(db_, s);
  log::Info("webhook subscription created", {{"subscription", s.id}, {"by", actor}});
  Created out{s, s.secret};
  out.subscription.secret.clear();
  return out;
}

core::Result<SubscriptionRow> WebhookService::Get(const std::string& id) {
  auto s = repository_.Find(db_, id);
  if (!s) return Fail(NotFound(id));
  s->secret.clear();
  return *s;
}

std::vector<SubscriptionRow> WebhookService::List(int limit, const std::string& after_id) {
  auto list = repository_.List(db_, limit, after_id);
  for (auto& s : list) s.secret.clear();
  return list;
}

core::Result<SubscriptionRow> WebhookService::Update(const std::string& id, const SubscriptionPatch& patch,
                                                     const std::string& actor) {
  core::FieldErrors errors;
  std::optional<std::string> description;
  if (patch.description) {
    description = core::CleanText("description", *patch.description, {.max_chars = 200, .required = false}, errors);
  }
  if (patch.event_types) CheckEventFilters(*patch.event_types, offered_, errors);
  if (!errors.empty()) return Fail(errors.ToError());
  if (patch.url) {
    if (auto target = CheckTarget(*patch.url); !target) return Fail(target.error());
  }
  const auto now = clock_.Now();
  auto tx = db_.Begin();
  auto s = repository_.Find(tx, id);
  if (!s) return Fail(NotFound(id));
  if (patch.url) s->url = *patch.url;
  if (description) s->description = *description;
  if (patch.event_types) s->event_types = *patch.event_types;
  const bool enabling = patch.active && *patch.active && !s->active;
  const bool disabling = patch.active && !*patch.active && s->active;
  if (enabling) {
    s->active = true;
    s->disabled_reason.clear();
    s->disabled_at.reset();
  } else if (disabling) {
    s->active = false;
    s->disabled_reason = "disabled by " + actor;
    s->disabled_at = core::FormatRfc3339(now);
  }
  s->updated_at = core::FormatRfc3339(now);
  repository_.Update(tx, *s);
  if (enabling) {
    repository_.SetStreak(tx, id, 0, std::nullopt);
    repository_.RetryPendingNow(tx, id, Micros(now));
  }
  tx.Commit();
  if (enabling) Wake();
  log::Info("webhook subscription changed", {{"subscription", id}, {"by", actor}});
  return Get(id);
}

core::Status WebhookService::Delete(const std::string& id) {
  auto tx = db_.Begin();
  if (!repository_.Delete(tx, id)) return Fail(NotFound(id));
  tx.Commit();
  return core::Ok();
}

core::Result<DeliveryRow> WebhookService::SendTest(const std::string& id, const std::string& actor) {
  auto tx = db_.Begin();
  auto s = repository_.Find(tx, id);
  if (!s) return Fail(NotFound(id));
  if (!s->active) {
    return Fail(Error::Conflict(fmt::format("webhook subscription {} is disabled ({}): re-enable it to test it", id,
                                            s->disabled_reason)));
  }
  json::object data{{"subscription_id", id},
                    {"message", "A test delivery from veta_hut: this endpoint receives signed CloudEvents."},
                    {"requested_by", actor}};
  bus::CloudEvent event = bus::MakeEvent(ids_, clock_, std::string(events::kSource), std::string(events::kTestType), id,
                                         json_text::Serialize(data));
  const auto now = clock_.Now();
  const auto seq =
      repository_.LogEvent(tx, event.id, event.type, Micros(event.time), PartnerEnvelope(event), std::nullopt, Micros(now));
  const std::int64_t delivery =
      repository_.Enqueue(tx, id, {*seq, event.id, event.type, "test"}, Micros(now), core::FormatRfc3339(now));
  tx.Commit();
  Wake();
  return *repository_.Delivery(db_, id, delivery);
}

core::Result<std::int64_t> WebhookService::Replay(const std::string& id, core::TimePoint from, core::TimePoint to) {
  if (from >= to) return Fail(Error::Validation({{"to", "must be after from"}}));
  auto tx = db_.Begin();
  auto s = repository_.Find(tx, id);
  if (!s) return Fail(NotFound(id));
  std::vector<LoggedEvent> chosen;
  // Read in pages so a busy range cannot pull the whole log into memory at once.
  constexpr int kPage = 1000;
  std::int64_t after_seq = 0;
  while (true) {
    auto page = repository_.EventsBetween(tx, Micros(from), Micros(to), after_seq, kPage);
    for (const auto& e : page) {
      if (e.type == events::kTestType || !AnyFilterMatches(s->event_types, e.type)) continue;
      chosen.push_back(e);
      if (static_cast<int>(chosen.size()) > options_.replay_limit) {
        return Fail(Error::Validation(
            {{"from", fmt::format("the range holds more than {} events this subscription selects: replay a shorter one",
                                  options_.replay_limit)}}));
      }
    }
    if (static_cast<int>(page.size()) < kPage) break;
    after_seq = page.back().seq;
  }
  const auto now = clock_.Now();
  for (const auto& e : chosen) {
    repository_.Enqueue(tx, id, {e.seq, e.event_id, e.type, "replay"}, Micros(now), core::FormatRfc3339(now));
  }
  tx.Commit();
  if (!chosen.empty()) Wake();
  log::Info("webhook replay queued", {{"subscription", id}, {"events", static_cast<std::int64_t>(chosen.size())}});
  return static_cast<std::int64_t>(chosen.size());
}

core::Result<std::vector<DeliveryRow>> WebhookService::Deliveries(const std::string& id, const std::string& status,
                                                                  int limit, std::optional<std::int64_t> before_seq) {
  if (!repository_.Find(db_, id)) return Fail(NotFound(id));
  return repository_.Deliveries(db_, id, status.empty() ? std::nullopt : std::optional<std::string>(status), limit,
                                before_seq);
}

int WebhookService::Record(db::Session& tx, const bus::CloudEvent& event) {
  const auto now = clock_.Now();
  std::optional<std::string> customer_id;
  json::error_code ec;
  const json::value data = json::parse(event.data, ec);
  if (const json::object* o = ec ? nullptr : data.if_object()) {
    if (const json::value* c = o->if_contains("customer_id"); c && c->is_string() && !c->as_string().empty()) {
      customer_id = std::string(c->as_string());
    }
  }
  const auto seq =
      repository_.LogEvent(tx, event.id, event.type, Micros(event.time), PartnerEnvelope(event), customer_id, Micros(now));
  if (!seq) return 0;  // logged (and queued) before
  int queued = 0;
  for (const auto& s : repository_.Active(tx)) {
    if (!AnyFilterMatches(s.event_types, event.type)) continue;
    repository_.Enqueue(tx, s.id, {*seq, event.id, event.type, "live"}, Micros(now), core::FormatRfc3339(now));
    ++queued;
  }
  return queued;
}

void WebhookService::EraseCustomer(db::Session& tx, const std::string& customer_id) {
  const auto erased = repository_.EraseCustomer(tx, customer_id, "not sent: the customer erased their account",
                                                core::FormatRfc3339(clock_.Now()));
  log::Info("customer's events forgotten by the integration log", {{"customer_id", customer_id}, {"events", erased}});
}

void WebhookService::Wake() {
  if (wake_) wake_();
}

std::int64_t WebhookService::Purge() {
  const auto cutoff = clock_.Now() - std::chrono::hours(24) * options_.event_log_days;
  auto tx = db_.Begin();
  const std::int64_t removed = repository_.Purge(tx, core::FormatRfc3339(cutoff), Micros(cutoff));
  tx.Commit();
  if (removed > 0) log::Info("webhook log purged", {{"rows", removed}, {"before", core::FormatRfc3339(cutoff)}});
  return removed;
}

}  // namespace vetahut::integration
