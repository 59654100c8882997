#pragma once
/// Delivery zones: the areas a store delivers to, their fee and minimum, and which one serves
/// a customer's address.
#include <boost/json/fwd.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/money.hpp"
#include "lib/core/result.hpp"
#include "services/location/domain/geo.hpp"

namespace vetahut::location {

/// How a zone's area is given.
enum class ZoneShape { kPolygon, kRadius };

/// One delivery area of a store. Polygons are planar in longitude/latitude (RFC 7946); a zone
/// must not cross the antimeridian (split it into two zones, as RFC 7946 asks).
struct DeliveryZone {
  std::string id;
  std::string name;
  ZoneShape shape = ZoneShape::kPolygon;
  std::vector<std::vector<LatLon>> rings;  ///< polygon: outer ring first, then holes; closed
  LatLon center{};                         ///< radius zone: the centre
  double radius_m = 0;                     ///< radius zone: great-circle radius in metres
  core::Money fee;                         ///< delivery fee the customer pays
  core::Money minimum_order;               ///< smallest order subtotal delivered
  int estimate_minutes = 30;               ///< typical delivery time quoted to customers
};

/// At most this many positions in all rings of one polygon (keeps containment tests cheap).
inline constexpr std::size_t kMaxZonePositions = 10'000;

/// Parses a GeoJSON "Polygon" geometry object (RFC 7946: `coordinates` are rings of
/// [longitude, latitude(, altitude)] positions, each closed with at least 4 positions) into
/// rings of `LatLon`. Errors name the field under `prefix`, e.g.
/// `zones[0].geometry.coordinates[0][3]`. Orientation is not checked here (see `ValidateZone`).
/// Only header-inline parts of Boost.JSON are used, so callers need not link Boost::json for it.
core::Result<std::vector<std::vector<LatLon>>> ParseGeoJsonPolygon(
    const boost::json::value& geometry, std::string_view prefix);

/// Parses a GeoJSON "Point" geometry object (the centre of a radius zone; the radius is given
/// separately). Errors name the field under `prefix` like `ParseGeoJsonPolygon`.
core::Result<LatLon> ParseGeoJsonPoint(const boost::json::value& geometry, std::string_view prefix);

/// A GeoJSON "Polygon" geometry object as compact JSON text, coordinates as [lon,lat] with the
/// shortest decimal that round-trips. Rings are written as given.
std::string PolygonToGeoJson(const std::vector<std::vector<LatLon>>& rings);

/// Every rule a zone breaks, each naming its field under `prefix` (`name`, `geometry`,
/// `geometry.coordinates[i][j]`, `radius_m`, `fee`, `minimum_order`, `estimate_minutes`).
/// Ring orientation, a missing closing position and spikes are corrected, not rejected; a
/// polygon that intersects itself, holes outside the outer ring and the like are rejected.
core::Status ValidateZone(const DeliveryZone& zone, std::string_view prefix);

/// True if the point is inside the zone or exactly on its boundary. Polygons: planar in
/// lon/lat, holes excluded, after the same corrections as `ValidateZone`. Radius zones:
/// great-circle distance from the centre ≤ radius_m.
bool ZoneContains(const DeliveryZone& zone, LatLon point);

/// The index of the zone that serves `point`, or nullopt if no zone contains it. When zones
/// overlap the customer gets the cheapest: lowest fee, then lowest minimum order, then shortest
/// estimate, then name, then the earlier zone in the list. All zones must share one currency
/// (comparing fees in different currencies throws `std::domain_error`).
std::optional<std::size_t> ChooseZone(const std::vector<DeliveryZone>& zones, LatLon point);

}  // namespace vetahut::location
