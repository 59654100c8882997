#include "services/location/domain/delivery_zone.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <tuple>

#include <boost/geometry.hpp>
#include <boost/json/value.hpp>

namespace vetahut::location {

namespace bg = boost::geometry;
namespace json = boost::json;

namespace {

// x = longitude, y = latitude; counter-clockwise outer rings as RFC 7946 recommends.
using PlanePoint = bg::model::d2::point_xy<double>;
using PlanePolygon = bg::model::polygon<PlanePoint, /*ClockWise=*/false, /*Closed=*/true>;

// One bad export can carry thousands of bad positions; the first few are enough to act on.
constexpr std::size_t kMaxCoordinateErrors = 20;

std::string Field(std::string_view prefix, std::string_view name) {
  if (prefix.empty()) return std::string(name);
  if (name.empty()) return std::string(prefix);
  return fmt::format("{}.{}", prefix, name);
}

// Boost.JSON is used only through its header-inline accessors here (no object::find, no
// as_*() that throw), so this library does not have to link the compiled Boost::json.
const json::value* Member(const json::object& object, std::string_view key) {
  for (const auto& member : object) {
    if (std::string_view(member.key().data(), member.key().size()) == key) return &member.value();
  }
  return nullptr;
}

std::optional<double> NumberOf(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
      return static_cast<double>(v.get_int64());
    case json::kind::uint64:
      return static_cast<double>(v.get_uint64());
    case json::kind::double_:
      return v.get_double();
    default:
      return std::nullopt;
  }
}

void CheckRange(core::FieldErrors& errors, const std::string& field, LatLon p) {
  if (!std::isfinite(p.longitude) || p.longitude < -180 || p.longitude > 180) {
    errors.Add(field, "longitude must be between -180 and 180");
  }
  if (!std::isfinite(p.latitude) || p.latitude < -90 || p.latitude > 90) {
    errors.Add(field, "latitude must be between -90 and 90");
  }
}

// A GeoJSON position: [longitude, latitude] with an optional altitude, which we ignore.
std::optional<LatLon> ParsePosition(core::FieldErrors& errors, const std::string& field,
                                    const json::value& v) {
  const json::array* position = v.if_array();
  std::optional<double> lon, lat;
  if (position && (position->size() == 2 || position->size() == 3)) {
    lon = NumberOf((*position)[0]);
    lat = NumberOf((*position)[1]);
    if (position->size() == 3 && !NumberOf((*position)[2])) lon.reset();
  }
  if (!lon || !lat) {
    errors.Add(field, "must be a position [longitude, latitude]");
    return std::nullopt;
  }
  const LatLon p{*lat, *lon};
  const std::size_t before = errors.list().size();
  CheckRange(errors, field, p);
  if (errors.list().size() != before) return std::nullopt;
  return p;
}

// The object's "type" must be `expected`; returns the object on success.
const json::object* GeometryOfType(core::FieldErrors& errors, const json::value& geometry,
                                   std::string_view prefix, std::string_view expected) {
  const json::object* object = geometry.if_object();
  if (!object) {
    errors.Add(Field(prefix, ""), "must be a GeoJSON geometry object");
    return nullptr;
  }
  const json::value* type = Member(*object, "type");
  const json::string* type_text = type ? type->if_string() : nullptr;
  if (!type_text || std::string_view(type_text->data(), type_text->size()) != expected) {
    errors.Add(Field(prefix, "type"), fmt::format("must be \"{}\"", expected));
    return nullptr;
  }
  return object;
}

PlanePolygon ToPlanePolygon(const std::vector<std::vector<LatLon>>& rings) {
  PlanePolygon polygon;
  for (std::size_t i = 0; i < rings.size(); ++i) {
    auto& ring = i == 0 ? polygon.outer() : polygon.inners().emplace_back();
    ring.reserve(rings[i].size() + 1);
    for (const LatLon& p : rings[i]) ring.emplace_back(p.longitude, p.latitude);
  }
  // Admins draw zones by hand and exports disagree on orientation: fix what has one obvious
  // fix (orientation, a missing closing position, zero-width spikes) instead of rejecting it.
  bg::correct(polygon);
  bg::remove_spikes(polygon);
  bg::correct(polygon);
  return polygon;
}

std::string_view ValidityMessage(bg::validity_failure_type failure) {
  switch (failure) {
    case bg::failure_self_intersections:
      return "the polygon intersects itself";
    case bg::failure_few_points:
      return "a ring needs at least 3 distinct corners";
    case bg::failure_wrong_topological_dimension:
      return "the polygon has no area";
    case bg::failure_spikes:
      return "the polygon has a spike";
    case bg::failure_interior_rings_outside:
      return "a hole lies outside the outer ring";
    case bg::failure_nested_interior_rings:
      return "a hole lies inside another hole";
    case bg::failure_disconnected_interior:
      return "the holes cut the polygon into pieces";
    case bg::failure_intersecting_interiors:
      return "holes overlap each other";
    case bg::failure_invalid_coordinate:
      return "a coordinate is not a number";
    default:
      return "the polygon is not valid";
  }
}

void ValidatePolygon(core::FieldErrors& errors, const DeliveryZone& zone, std::string_view prefix) {
  if (zone.rings.empty()) {
    errors.Add(Field(prefix, "geometry"), "must have an outer ring");
    return;
  }
  const std::size_t before = errors.list().size();
  std::size_t positions = 0;
  for (std::size_t i = 0; i < zone.rings.size(); ++i) {
    const auto& ring = zone.rings[i];
    positions += ring.size();
    const bool closed = ring.size() > 1 && ring.front().latitude == ring.back().latitude &&
                        ring.front().longitude == ring.back().longitude;
    if (ring.size() - (closed ? 1 : 0) < 3) {
      errors.Add(Field(prefix, fmt::format("geometry.coordinates[{}]", i)),
                 "must have at least 4 positions");
    }
    for (std::size_t j = 0; j < ring.size(); ++j) {
      if (!IsValidPosition(ring[j])) {
        CheckRange(errors, Field(prefix, fmt::format("geometry.coordinates[{}][{}]", i, j)),
                   ring[j]);
      }
    }
  }
  if (positions > kMaxZonePositions) {
    errors.Add(Field(prefix, "geometry.coordinates"),
               fmt::format("must have at most {} positions in all rings", kMaxZonePositions));
  }
  // Topology of garbage coordinates would only add noise to the errors above.
  if (errors.list().size() != before) return;

  const PlanePolygon polygon = ToPlanePolygon(zone.rings);
  bg::validity_failure_type failure = bg::no_failure;
  if (!bg::is_valid(polygon, failure)) {
    // Orientation was just corrected, so a ring still "wrongly oriented" has no net area: a
    // symmetric bow-tie (which is_valid reports this way before its self-intersection) or a
    // collapsed ring.
    if (failure == bg::failure_wrong_orientation) {
      failure = bg::intersects(polygon) ? bg::failure_self_intersections
                                        : bg::failure_wrong_topological_dimension;
    }
    errors.Add(Field(prefix, "geometry"), std::string(ValidityMessage(failure)));
  } else if (!(bg::area(polygon) > 0)) {
    errors.Add(Field(prefix, "geometry"), "the polygon has no area");
  }
}

}  // namespace

core::Result<std::vector<std::vector<LatLon>>> ParseGeoJsonPolygon(const json::value& geometry,
                                                                   std::string_view prefix) {
  core::FieldErrors errors;
  const json::object* object = GeometryOfType(errors, geometry, prefix, "Polygon");
  if (!object) return core::Fail(errors.ToError());
  const json::value* coordinates = Member(*object, "coordinates");
  const json::array* ring_array = coordinates ? coordinates->if_array() : nullptr;
  if (!ring_array) {
    errors.Add(Field(prefix, "coordinates"),
               coordinates ? "must be an array of linear rings" : "is required");
    return core::Fail(errors.ToError());
  }
  if (ring_array->empty()) {
    errors.Add(Field(prefix, "coordinates"), "must have an outer ring");
    return core::Fail(errors.ToError());
  }
  std::size_t total_positions = 0;
  for (const json::value& ring : *ring_array) {
    if (const json::array* positions = ring.if_array()) total_positions += positions->size();
  }
  if (total_positions > kMaxZonePositions) {
    errors.Add(Field(prefix, "coordinates"),
               fmt::format("must have at most {} positions in all rings", kMaxZonePositions));
    return core::Fail(errors.ToError());
  }

  std::vector<std::vector<LatLon>> rings;
  rings.reserve(ring_array->size());
  for (std::size_t i = 0; i < ring_array->size() && errors.list().size() < kMaxCoordinateErrors;
       ++i) {
    const std::string ring_field = Field(prefix, fmt::format("coordinates[{}]", i));
    const json::array* positions = (*ring_array)[i].if_array();
    if (!positions) {
      errors.Add(ring_field, "must be an array of positions");
      continue;
    }
    auto& ring = rings.emplace_back();
    ring.reserve(positions->size());
    bool all_parsed = true;
    for (std::size_t j = 0; j < positions->size() && errors.list().size() < kMaxCoordinateErrors;
         ++j) {
      auto p = ParsePosition(errors, fmt::format("{}[{}]", ring_field, j), (*positions)[j]);
      if (p) ring.push_back(*p);
      all_parsed = all_parsed && p.has_value();
    }
    if (positions->size() < 4) {
      errors.Add(ring_field, "must have at least 4 positions");
    } else if (all_parsed && (ring.front().latitude != ring.back().latitude ||
                              ring.front().longitude != ring.back().longitude)) {
      errors.Add(ring_field, "must be closed: the last position must equal the first");
    }
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return rings;
}

core::Result<LatLon> ParseGeoJsonPoint(const json::value& geometry, std::string_view prefix) {
  core::FieldErrors errors;
  const json::object* object = GeometryOfType(errors, geometry, prefix, "Point");
  if (!object) return core::Fail(errors.ToError());
  const json::value* coordinates = Member(*object, "coordinates");
  if (!coordinates) {
    errors.Add(Field(prefix, "coordinates"), "is required");
    return core::Fail(errors.ToError());
  }
  auto p = ParsePosition(errors, Field(prefix, "coordinates"), *coordinates);
  if (!p) return core::Fail(errors.ToError());
  return *p;
}

std::string PolygonToGeoJson(const std::vector<std::vector<LatLon>>& rings) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, R"({{"type":"Polygon","coordinates":[)");
  for (std::size_t i = 0; i < rings.size(); ++i) {
    fmt::format_to(it, "{}[", i ? "," : "");
    for (std::size_t j = 0; j < rings[i].size(); ++j) {
      // fmt's default for double is the shortest text that parses back to the same value.
      fmt::format_to(it, "{}[{},{}]", j ? "," : "", rings[i][j].longitude, rings[i][j].latitude);
    }
    fmt::format_to(it, "]");
  }
  fmt::format_to(it, "]}}");
  return fmt::to_string(out);
}

core::Status ValidateZone(const DeliveryZone& zone, std::string_view prefix) {
  core::FieldErrors errors;
  if (zone.name.empty()) {
    errors.Add(Field(prefix, "name"), "is required");
  } else if (zone.name.size() > 100) {
    errors.Add(Field(prefix, "name"), "must be at most 100 characters");
  }
  switch (zone.shape) {
    case ZoneShape::kPolygon:
      ValidatePolygon(errors, zone, prefix);
      break;
    case ZoneShape::kRadius:
      CheckRange(errors, Field(prefix, "geometry.coordinates"), zone.center);
      if (!std::isfinite(zone.radius_m) || zone.radius_m < 50 || zone.radius_m > 100'000) {
        errors.Add(Field(prefix, "radius_m"), "must be between 50 and 100000 metres");
      }
      break;
  }
  if (zone.fee.IsNegative()) errors.Add(Field(prefix, "fee"), "must not be negative");
  if (zone.minimum_order.IsNegative())
    errors.Add(Field(prefix, "minimum_order"), "must not be negative");
  if (!(zone.minimum_order.currency() == zone.fee.currency())) {
    errors.Add(Field(prefix, "minimum_order"), "must be in the same currency as fee");
  }
  if (zone.estimate_minutes < 1 || zone.estimate_minutes > 240) {
    errors.Add(Field(prefix, "estimate_minutes"), "must be between 1 and 240");
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  return core::Ok();
}

bool ZoneContains(const DeliveryZone& zone, LatLon point) {
  if (!IsValidPosition(point)) return false;
  switch (zone.shape) {
    case ZoneShape::kPolygon:
      if (zone.rings.empty()) return false;
      // covered_by, not within: an address exactly on the boundary is served.
      return bg::covered_by(PlanePoint(point.longitude, point.latitude),
                            ToPlanePolygon(zone.rings));
    case ZoneShape::kRadius:
      return GreatCircleMeters(zone.center, point) <= zone.radius_m;
  }
  return false;
}

std::optional<std::size_t> ChooseZone(const std::vector<DeliveryZone>& zones, LatLon point) {
  std::optional<std::size_t> best;
  auto key = [&](std::size_t i) {
    const DeliveryZone& z = zones[i];
    return std::tie(z.fee, z.minimum_order, z.estimate_minutes, z.name);
  };
  for (std::size_t i = 0; i < zones.size(); ++i) {
    // Strictly less, so among equals the earlier zone wins.
    if (ZoneContains(zones[i], point) && (!best || key(i) < key(*best))) best = i;
  }
  return best;
}

}  // namespace vetahut::location
