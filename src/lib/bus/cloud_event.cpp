#include "lib/bus/cloud_event.hpp"

#include "lib/log/log.hpp"
#include "lib/json/write.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <vector>

namespace vetahut::bus {

namespace json = boost::json;

std::string CloudEvent::ToJson() const {
  json::object envelope;
  envelope["specversion"] = "1.0";
  envelope["id"] = id;
  envelope["source"] = source;
  envelope["type"] = type;
  if (!subject.empty()) envelope["subject"] = subject;
  envelope["time"] = core::FormatRfc3339(time);
  envelope["datacontenttype"] = datacontenttype;
  json::error_code ec;
  json::value parsed = json::parse(data, ec);
  if (ec) {
    envelope["data"] = data;  // not JSON: carried as a string, never lost
  } else {
    envelope["data"] = std::move(parsed);
  }
  if (!traceparent.empty()) envelope["traceparent"] = traceparent;
  if (!dataschema.empty()) envelope["dataschema"] = dataschema;
  return json_text::Serialize(envelope);
}

core::Result<CloudEvent> CloudEvent::FromJson(std::string_view text) {
  auto bad = [](std::string why) { return core::Fail(core::Error::BadRequest("CloudEvent: " + why)); };
  json::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec) return bad("envelope is not valid JSON");
  const json::object* obj = parsed.if_object();
  if (!obj) return bad("envelope is not a JSON object");
  auto text_of = [&](std::string_view key) -> const json::string* {
    const json::value* v = obj->if_contains(key);
    return v ? v->if_string() : nullptr;
  };
  const auto* spec = text_of("specversion");
  if (!spec || *spec != "1.0") return bad("specversion must be \"1.0\"");
  CloudEvent event;
  for (auto [key, out] : {std::pair{"id", &event.id}, std::pair{"source", &event.source},
                          std::pair{"type", &event.type}}) {
    const auto* v = text_of(key);
    if (!v || v->empty()) return bad(fmt::format("'{}' is required and must be a non-empty string", key));
    *out = std::string(*v);
  }
  if (const auto* v = text_of("subject")) event.subject = std::string(*v);
  if (const auto* v = text_of("traceparent")) event.traceparent = std::string(*v);
  if (const auto* v = text_of("dataschema")) event.dataschema = std::string(*v);
  if (const auto* v = text_of("datacontenttype")) event.datacontenttype = std::string(*v);
  if (const auto* v = text_of("time")) {
    auto t = core::ParseRfc3339(std::string_view(v->data(), v->size()));
    if (!t) return bad("'time' is not RFC 3339");
    event.time = *t;
  }
  if (const json::value* d = obj->if_contains("data")) {
    event.data = json_text::Serialize(*d);
  } else {
    event.data = "null";
  }
  return event;
}

CloudEvent MakeEvent(core::IdGenerator& ids, const core::Clock& clock, std::string source, std::string type,
                     std::string subject, std::string data_json, std::string traceparent) {
  CloudEvent e;
  e.id = ids.Next();
  e.source = std::move(source);
  e.type = std::move(type);
  e.subject = std::move(subject);
  e.time = clock.Now();
  e.data = std::move(data_json);
  e.traceparent = std::move(traceparent);
  if (e.traceparent.empty() && !log::CurrentTraceId().empty()) {
    // Written while handling a request or an event: the event continues its trace, as a child
    // span named after the event (so its parent id is stable however often it is re-published).
    const std::uint64_t span = std::hash<std::string>{}(e.id) | 1;  // never all zeros
    e.traceparent = fmt::format("00-{}-{:016x}-01", log::CurrentTraceId(), span);
  }
  return e;
}

namespace {
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

bool Match(const std::vector<std::string_view>& p, std::size_t pi, const std::vector<std::string_view>& t,
           std::size_t ti) {
  if (pi == p.size()) return ti == t.size();
  if (p[pi] == "#") {
    for (std::size_t skip = ti; skip <= t.size(); ++skip) {
      if (Match(p, pi + 1, t, skip)) return true;
    }
    return false;
  }
  if (ti == t.size()) return false;
  if (p[pi] == "*" || p[pi] == t[ti]) return Match(p, pi + 1, t, ti + 1);
  return false;
}
}  // namespace

std::string SchemaUrn(std::string_view type, int version) { return fmt::format("urn:vetahut:{}:{}", type, version); }

std::optional<int> SchemaVersion(std::string_view dataschema, std::string_view type) {
  if (dataschema.empty()) return 1;
  const std::string prefix = fmt::format("urn:vetahut:{}:", type);
  if (!dataschema.starts_with(prefix)) return std::nullopt;
  const std::string_view digits = dataschema.substr(prefix.size());
  int version = 0;
  if (digits.empty() || digits.size() > 6) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    version = version * 10 + (c - '0');
  }
  return version;
}

bool TopicMatches(std::string_view pattern, std::string_view type) {
  return Match(Words(pattern), 0, Words(type), 0);
}

}  // namespace vetahut::bus
