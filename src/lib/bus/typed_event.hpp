#pragma once
/// Declares a typed event inside its struct (a service's events.hpp): where it comes from, its
/// CloudEvents type, its schema version and its codec (defined in events.cpp with
/// VETAHUT_JSON_CODEC from lib/json/codec.hpp):
///
///   struct OrderPlaced {
///     VETAHUT_EVENT(OrderPlaced, "/vetahut/order", "com.vetahut.order.placed", 1)
///     std::string order_id;
///     template <class V> void Visit(V& v) { v("order_id", order_id); }
///   };
#include <string>
#include <string_view>

#include "lib/core/result.hpp"

#define VETAHUT_EVENT(Name, source, type, version)                  \
  static constexpr std::string_view kSource = source;               \
  static constexpr std::string_view kType = type;                   \
  static constexpr int kVersion = version;                          \
  std::string ToJson() const;                                       \
  static ::vetahut::core::Result<Name> FromJson(std::string_view data);
