#pragma once
/// Events the location service publishes (CloudEvents `type` values and their `source`).
namespace vetahut::location::events {

inline constexpr const char* kSource = "/vetahut/location";
/// A store was created; data: the store as the API returns it.
inline constexpr const char* kStoreCreated = "com.vetahut.store.created";
/// A store started or stopped accepting orders; data: {store_id, accepting_orders, reason}.
inline constexpr const char* kStoreStatusChanged = "com.vetahut.store.status_changed";

}  // namespace vetahut::location::events
