#pragma once
/// What other services (order, kitchen) ask of the location service. In the all-in-one process
/// this is `LocationService` itself; in distributed mode an HTTP client implements it.
#include <optional>
#include <string>

#include "lib/core/money.hpp"
#include "lib/core/result.hpp"
#include "services/location/domain/geo.hpp"
#include "services/location/domain/store_profile.hpp"

namespace vetahut::location {

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
};

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
  /// Gives the order's slot back (cancellation, rejected payment). Unknown order: nothing to do.
  virtual core::Status ReleaseSlot(const std::string& order_id) = 0;
};

}  // namespace vetahut::location
