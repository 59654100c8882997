#pragma once
/// Events the menu service publishes (codec in events.cpp).
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/result.hpp"

namespace vetahut::menu::events {

inline constexpr std::string_view kSource = "/vetahut/menu";

/// A menu version became the market's live menu.
struct MenuPublished {
  static constexpr std::string_view kSource = events::kSource;
  static constexpr std::string_view kType = "com.vetahut.menu.published";
  static constexpr int kVersion = 1;
  std::string market;
  std::string version_id;
  std::string published_by;  ///< an actor id, or "schedule"

  template <class V>
  void Visit(V& v) {
    v("market", market);
    v("version_id", version_id);
    v("published_by", published_by);
  }
  std::string ToJson() const;
  static core::Result<MenuPublished> FromJson(std::string_view data);
};

/// An item was switched off ("86") or on at a store.
struct ItemAvailabilityChanged {
  static constexpr std::string_view kSource = events::kSource;
  static constexpr std::string_view kType = "com.vetahut.menu.item_availability_changed";
  static constexpr int kVersion = 1;
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
  std::string ToJson() const;
  static core::Result<ItemAvailabilityChanged> FromJson(std::string_view data);
};

}  // namespace vetahut::menu::events
