#pragma once
/// Events the menu service publishes (codec in events.cpp).
#include <optional>
#include <string>
#include <string_view>

#include "lib/bus/typed_event.hpp"

namespace vetahut::menu::events {

inline constexpr std::string_view kSource = "/vetahut/menu";

/// A menu version became the market's live menu.
struct MenuPublished {
  VETAHUT_EVENT(MenuPublished, events::kSource, "com.vetahut.menu.published", 1)
  std::string market;
  std::string version_id;
  std::string published_by;  ///< an actor id, or "schedule"

  template <class V>
  void Visit(V& v) {
    v("market", market);
    v("version_id", version_id);
    v("published_by", published_by);
  }
};

/// An item was switched off ("86") or on at a store.
struct ItemAvailabilityChanged {
  VETAHUT_EVENT(ItemAvailabilityChanged, events::kSource, "com.vetahut.menu.item_availability_changed", 1)
  std::string store_id;
  std::string item_id;
  bool available = true;
  std::string reason;
  std::optional<std::string> until;  ///< RFC 3339: back on by itself then

  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("item_id", item_id);
    v("available", available);
    v("reason", reason);
    v("until", until);
  }
};

}  // namespace vetahut::menu::events
