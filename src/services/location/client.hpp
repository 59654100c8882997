#pragma once
/// What other services ask of the location service, in plain values. In the all-in-one process
/// the implementation is `LocationService` itself; in distributed mode an HTTP client implements
/// the same interfaces (http_client.hpp).
#include <optional>
#include <string>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/money.hpp"
#include "lib/core/result.hpp"
#include "services/location/domain/geo.hpp"
#include "services/location/domain/store_profile.hpp"

namespace vetahut::location {

/// What any service needs to know about a store: who it is, its market and its clock.
struct StoreSummary {
  std::string id;
  std::string name;
  std::string currency;   ///< ISO-4217: the store's market
  std::string locale;     ///< BCP-47, e.g. "en-US"
  std::string time_zone;  ///< IANA, e.g. "America/New_York"
  std::string phone;      ///< E.164
  double latitude = 0;
  double longitude = 0;
  std::vector<ServiceType> services;
};

/// Read access to the stores (menu, order, kitchen, notification, analytics).
class StoreDirectoryClient {
 public:
  virtual ~StoreDirectoryClient() = default;
  /// kNotFound naming the id for an unknown store.
  virtual core::Result<StoreSummary> GetStore(const std::string& store_id) = 0;
  /// Every store (demo set-up, per-store jobs), in a stable order.
  virtual core::Result<std::vector<StoreSummary>> ListStores() = 0;
};

/// Whether and how a store delivers to a point.
struct DeliveryQuote {
  bool deliverable = false;
  std::string zone_id;
  std::string zone_name;
  std::optional<core::Money> fee;
  std::optional<core::Money> minimum_order;
  int estimate_minutes = 0;
  double distance_m = 0;
};

/// A slot held for an order.
struct SlotReservation {
  std::string order_id;
  std::string store_id;
  ServiceType service = ServiceType::kCarryout;
  core::TimePoint slot_start{};
  core::TimePoint slot_end{};
};

/// What the order service needs to know about a store right now.
struct StoreAvailability {
  bool accepting_orders = false;  ///< not paused
  bool open_now = false;          ///< for the asked service
  std::string pause_reason;
  std::optional<core::TimePoint> next_open_at;
  template <class V>
  void Visit(V& v) {
    v("accepting_orders", accepting_orders);
    v("open_now", open_now);
    v("pause_reason", pause_reason);
    v("next_open_at", next_open_at);
  }
};

/// What the order service asks of the location service while it places an order.
class LocationClient {
 public:
  virtual ~LocationClient() = default;
  virtual core::Result<DeliveryQuote> CheckDelivery(const std::string& store_id, LatLon point) = 0;
  virtual core::Result<StoreAvailability> Availability(const std::string& store_id, ServiceType service) = 0;
  /// Holds one unit of the slot starting at `slot_start` for `order_id`, atomically: when two
  /// orders race for the last unit exactly one wins; the other gets kConflict ("slot is full").
  /// Reserving again for the same order returns the existing reservation (idempotent).
  /// A start that is not one of the store's slots for that service is kValidation on `slot_start`.
  virtual core::Result<SlotReservation> ReserveSlot(const std::string& store_id, ServiceType service,
                                                    core::TimePoint slot_start, const std::string& order_id) = 0;
  /// Whether an order could take the slot starting at `slot_start` now, without holding it (a
  /// quote): the same kValidation on `slot_start` and kConflict ("full", "not accepting") as
  /// ReserveSlot, and the slot when it could.
  virtual core::Result<SlotReservation> CheckSlot(const std::string& store_id, ServiceType service,
                                                  core::TimePoint slot_start) = 0;
  /// Gives the order's slot back (cancellation, rejected payment). Unknown order: nothing to do.
  virtual core::Status ReleaseSlot(const std::string& order_id) = 0;
  /// Busy mode set by another service (the kitchen, when its queue is too long): the store takes
  /// no orders until `until` or ClearBusy. kNotFound for an unknown store.
  virtual core::Status SetBusy(const std::string& store_id, const std::string& reason, core::TimePoint until) = 0;
  /// Ends a pause made with `reason`; a pause for another reason (a manager's) stays.
  virtual core::Status ClearBusy(const std::string& store_id, const std::string& reason) = 0;
};

}  // namespace vetahut::location
