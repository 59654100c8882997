#pragma once
/// The CloudEvents 1.0 envelope every event on the bus travels in (JSON structured mode).
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/core/result.hpp"

namespace vetahut::bus {

/// One event. `data` holds the payload as JSON text; `type` is "com.vetahut.<area>.<what>".
struct CloudEvent {
  std::string id;               ///< unique per event (a ULID); consumers dedupe on it
  std::string source;           ///< the producing service, e.g. "/vetahut/order"
  std::string type;             ///< e.g. "com.vetahut.order.confirmed"
  std::string subject;          ///< the entity it is about, e.g. the order id (optional)
  core::TimePoint time{};       ///< when the change happened (UTC)
  std::string datacontenttype = "application/json";
  std::string data = "{}";      ///< JSON text
  std::string traceparent;      ///< W3C trace context of the request that caused it (optional)
  std::string dataschema;       ///< the payload's schema and version, e.g. "urn:vetahut:com.vetahut.order.confirmed:1"

  /// The structured-mode JSON envelope (`specversion` "1.0").
  std::string ToJson() const;
  /// Parses and validates an envelope: specversion 1.0, non-empty id, source and type, a valid
  /// time; a malformed envelope is a kBadRequest error naming the attribute.
  static core::Result<CloudEvent> FromJson(std::string_view json);
};

/// Builds an event with a fresh id and the current time.
CloudEvent MakeEvent(core::IdGenerator& ids, const core::Clock& clock, std::string source, std::string type,
                     std::string subject, std::string data_json, std::string traceparent = {});

/// The `dataschema` of a typed event: "urn:vetahut:<type>:<version>".
std::string SchemaUrn(std::string_view type, int version);

/// Builds an event from a typed payload (a struct of a service's events.hpp, with kSource, kType,
/// kVersion and ToJson()): its type, source and dataschema come from the struct.
template <class E>
CloudEvent MakeTypedEvent(core::IdGenerator& ids, const core::Clock& clock, std::string subject, const E& payload,
                          std::string traceparent = {}) {
  CloudEvent e = MakeEvent(ids, clock, std::string(E::kSource), std::string(E::kType), std::move(subject),
                           payload.ToJson(), std::move(traceparent));
  e.dataschema = SchemaUrn(E::kType, E::kVersion);
  return e;
}

/// The version in a `dataschema` written by SchemaUrn for `type`: 1 when empty (events written
/// before versions were recorded); nullopt when it names another type or is malformed.
std::optional<int> SchemaVersion(std::string_view dataschema, std::string_view type);

/// AMQP topic matching on dot-separated words: `*` is one word, `#` zero or more words.
bool TopicMatches(std::string_view pattern, std::string_view type);

}  // namespace vetahut::bus
