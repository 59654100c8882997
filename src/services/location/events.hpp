#pragma once
/// Events the location service publishes: typed payloads with their CloudEvents type and schema
/// version (codec in events.cpp). Consumers handle these structs, never string literals.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/bus/typed_event.hpp"

namespace vetahut::location::events {

inline constexpr std::string_view kSource = "/vetahut/location";

/// A store was created or its profile changed.
struct StoreChanged {
  std::string store_id;
  std::string name;
  std::string currency;
  std::string locale;
  std::string time_zone;
  double latitude = 0;
  double longitude = 0;
  std::vector<std::string> services;  ///< delivery | carryout | dine_in

  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("name", name);
    v("currency", currency);
    v("locale", locale);
    v("time_zone", time_zone);
    v("latitude", latitude);
    v("longitude", longitude);
    v("services", services);
  }
};

struct StoreCreated : StoreChanged {
  VETAHUT_EVENT(StoreCreated, events::kSource, "com.vetahut.store.created", 1)
};

struct StoreUpdated : StoreChanged {
  VETAHUT_EVENT(StoreUpdated, events::kSource, "com.vetahut.store.updated", 1)
};

/// A store started or stopped accepting orders (busy mode).
struct StoreStatusChanged {
  VETAHUT_EVENT(StoreStatusChanged, events::kSource, "com.vetahut.store.status_changed", 1)
  std::string store_id;
  bool accepting_orders = true;
  std::string cause;                     ///< paused | resumed | resume_at reached
  std::optional<std::string> reason;     ///< why it is paused
  std::optional<std::string> resume_at;  ///< RFC 3339, when a pause ends by itself

  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("accepting_orders", accepting_orders);
    v("cause", cause);
    v("reason", reason);
    v("resume_at", resume_at);
  }
};

}  // namespace vetahut::location::events
