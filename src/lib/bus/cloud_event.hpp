#pragma once
/// The CloudEvents 1.0 envelope every event on the bus travels in (JSON structured mode).
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

  /// The structured-mode JSON envelope (`specversion` "1.0").
  std::string ToJson() const;
  /// Parses and validates an envelope: specversion 1.0, non-empty id, source and type, a valid
  /// time; a malformed envelope is a kBadRequest error naming the attribute.
  static core::Result<CloudEvent> FromJson(std::string_view json);
};

/// Builds an event with a fresh id and the current time.
CloudEvent MakeEvent(core::IdGenerator& ids, const core::Clock& clock, std::string source, std::string type,
                     std::string subject, std::string data_json, std::string traceparent = {});

/// AMQP topic matching on dot-separated words: `*` is one word, `#` zero or more words.
bool TopicMatches(std::string_view pattern, std::string_view type);

}  // namespace vetahut::bus
