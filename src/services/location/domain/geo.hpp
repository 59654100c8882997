#pragma once
/// Points on the globe, great-circle distance, and a nearest-store index.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vetahut::location {

/// A WGS 84 position in degrees: latitude -90..90, longitude -180..180.
struct LatLon {
  double latitude = 0;
  double longitude = 0;
};

/// Mean Earth radius (IUGG), the sphere every distance here is measured on.
inline constexpr double kEarthRadiusMeters = 6'371'008.8;

/// Great-circle distance in metres (haversine, mean Earth radius 6,371,008.8 m).
double GreatCircleMeters(LatLon a, LatLon b);

/// True if both coordinates are finite and within their ranges.
bool IsValidPosition(LatLon position);

/// Nearest-neighbour index of stores: an R*-tree over 3-D unit vectors on the sphere, so the
/// nearest by chord is the nearest on the globe with no antimeridian or pole special cases.
/// Distances reported are haversine metres. Not thread-safe for writes; concurrent const reads
/// are fine. A moved-from index is empty and usable.
class StoreIndex final {
 public:
  StoreIndex();
  ~StoreIndex();
  StoreIndex(StoreIndex&&) noexcept;
  StoreIndex& operator=(StoreIndex&&) noexcept;
  StoreIndex(const StoreIndex&) = delete;
  StoreIndex& operator=(const StoreIndex&) = delete;

  /// Inserts a store, or moves it if `store_id` is already indexed. An invalid position
  /// (see `IsValidPosition`) is a programming error and throws `std::invalid_argument`.
  void Upsert(const std::string& store_id, LatLon position);
  /// Removes a store; unknown ids are ignored.
  void Remove(const std::string& store_id);
  std::size_t size() const;

  struct Hit {
    std::string store_id;
    double distance_m;
  };
  /// Up to `k` nearest stores accepted by `filter` (empty = all), nearest first; equal
  /// distances are ordered by id. Stores the filter rejects do not count towards `k`.
  std::vector<Hit> Nearest(
      LatLon from, std::size_t k,
      const std::function<bool(const std::string& store_id)>& filter = {}) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vetahut::location
