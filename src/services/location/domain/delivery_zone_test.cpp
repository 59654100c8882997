#include "services/location/domain/delivery_zone.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include <boost/json.hpp>

namespace vetahut::location {
namespace {

const core::Currency kUsd = *core::Currency::Find("USD");

core::Money Usd(std::int64_t cents) { return core::Money(cents, kUsd); }

// A ~1.7 km by ~2.2 km box in lower Manhattan with a small hole in its south-west part.
const std::vector<LatLon> kSquare = {
    {40.70, -74.00}, {40.70, -73.98}, {40.72, -73.98}, {40.72, -74.00}, {40.70, -74.00}};
const std::vector<LatLon> kHole = {
    {40.702, -73.998}, {40.706, -73.998}, {40.706, -73.994}, {40.702, -73.994}, {40.702, -73.998}};

DeliveryZone PolygonZone(std::vector<std::vector<LatLon>> rings, std::string name = "Downtown") {
  return DeliveryZone{.id = "z1",
                      .name = std::move(name),
                      .shape = ZoneShape::kPolygon,
                      .rings = std::move(rings),
                      .fee = Usd(399),
                      .minimum_order = Usd(1500),
                      .estimate_minutes = 35};
}

DeliveryZone RadiusZone(LatLon center, double radius_m) {
  return DeliveryZone{.id = "z2",
                      .name = "Around the store",
                      .shape = ZoneShape::kRadius,
                      .center = center,
                      .radius_m = radius_m,
                      .fee = Usd(299),
                      .minimum_order = Usd(1000),
                      .estimate_minutes = 30};
}

std::vector<core::FieldError> ErrorsOf(const core::Status& s) {
  return s ? std::vector<core::FieldError>{} : s.error().fields;
}

template <class T>
std::vector<core::FieldError> ErrorsOf(const core::Result<T>& r) {
  return r ? std::vector<core::FieldError>{} : r.error().fields;
}

bool HasError(const std::vector<core::FieldError>& errors, std::string_view field,
              std::string_view text) {
  for (const auto& e : errors) {
    if (e.field == field && e.message.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string Describe(const std::vector<core::FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.field + ": " + e.message + "\n";
  return out;
}

core::Result<std::vector<std::vector<LatLon>>> Parse(std::string_view json_text) {
  return ParseGeoJsonPolygon(boost::json::parse(json_text), "zones[0].geometry");
}

// --- containment -------------------------------------------------------------------------

TEST(DeliveryZoneContains, PolygonCentreIsInside) {
  EXPECT_TRUE(ZoneContains(PolygonZone({kSquare}), {40.71, -73.99}));
}

TEST(DeliveryZoneContains, PointExactlyOnAnEdgeOrCornerIsInside) {
  const auto zone = PolygonZone({kSquare});
  EXPECT_TRUE(ZoneContains(zone, {40.71, -73.98}));
  EXPECT_TRUE(ZoneContains(zone, {40.70, -73.99}));
  EXPECT_TRUE(ZoneContains(zone, {40.72, -74.00}));
}

TEST(DeliveryZoneContains, PointOneMetreOutsideAnEdgeIsOutside) {
  const auto zone = PolygonZone({kSquare});
  EXPECT_FALSE(ZoneContains(zone, {40.71, -73.97999}));
  EXPECT_FALSE(ZoneContains(zone, {40.72001, -73.99}));
}

TEST(DeliveryZoneContains, PointInsideAHoleIsOutside) {
  const auto zone = PolygonZone({kSquare, kHole});
  EXPECT_FALSE(ZoneContains(zone, {40.704, -73.996}));
  EXPECT_TRUE(ZoneContains(zone, {40.71, -73.99}));
  EXPECT_TRUE(ZoneContains(zone, {40.704, -73.994}));  // on the hole's edge: the zone's boundary
}

TEST(DeliveryZoneContains, ClockwiseAndUnclosedRingsAreCorrectedBeforeTesting) {
  std::vector<LatLon> clockwise(kSquare.rbegin(), kSquare.rend());
  std::vector<LatLon> unclosed(kSquare.begin(), kSquare.end() - 1);
  EXPECT_TRUE(ZoneContains(PolygonZone({clockwise}), {40.71, -73.99}));
  EXPECT_TRUE(ZoneContains(PolygonZone({unclosed}), {40.71, -73.99}));
  EXPECT_FALSE(ZoneContains(PolygonZone({clockwise}), {40.73, -73.99}));
}

TEST(DeliveryZoneContains, RadiusEdgeIsInclusiveToTheMetre) {
  const LatLon center{40.7128, -74.0060};
  const double radius = 3000;
  const auto zone = RadiusZone(center, radius);
  auto north_by = [&](double metres) {
    return LatLon{center.latitude + metres / kEarthRadiusMeters * 180 / std::numbers::pi,
                  center.longitude};
  };
  EXPECT_TRUE(ZoneContains(zone, center));
  EXPECT_TRUE(ZoneContains(zone, north_by(radius - 1)));
  EXPECT_FALSE(ZoneContains(zone, north_by(radius + 1)));
}

// --- validation --------------------------------------------------------------------------

TEST(DeliveryZoneValidate, ValidPolygonAndRadiusZonesPass) {
  EXPECT_TRUE(ValidateZone(PolygonZone({kSquare, kHole}), "zones[0]"));
  EXPECT_TRUE(ValidateZone(RadiusZone({40.7128, -74.0060}, 3000), "zones[1]"));
}

TEST(DeliveryZoneValidate, BowTieIsRejectedAsSelfIntersecting) {
  // (0,0) → (1,1) → (1,0) → (0,1): the two diagonals cross.
  const std::vector<LatLon> bow_tie = {{0, 0}, {1, 1}, {0, 1}, {1, 0}, {0, 0}};
  auto errors = ErrorsOf(ValidateZone(PolygonZone({bow_tie}), "zones[0]"));
  EXPECT_TRUE(HasError(errors, "zones[0].geometry", "intersects itself")) << Describe(errors);
  // A lopsided bow-tie has a net orientation, which `correct` may flip; it must still be caught.
  const std::vector<LatLon> lopsided = {{0, 0}, {1, 3}, {0, 1}, {3, 0}, {0, 0}};
  errors = ErrorsOf(ValidateZone(PolygonZone({lopsided}), "zones[0]"));
  EXPECT_TRUE(HasError(errors, "zones[0].geometry", "intersects itself")) << Describe(errors);
  std::vector<LatLon> reversed(lopsided.rbegin(), lopsided.rend());
  errors = ErrorsOf(ValidateZone(PolygonZone({reversed}), "zones[0]"));
  EXPECT_TRUE(HasError(errors, "zones[0].geometry", "intersects itself")) << Describe(errors);
}

TEST(DeliveryZoneValidate, ClockwiseOuterRingIsCorrectedNotRejected) {
  std::vector<LatLon> clockwise(kSquare.rbegin(), kSquare.rend());
  std::vector<LatLon> counter_clockwise_hole(kHole.rbegin(), kHole.rend());
  EXPECT_TRUE(ValidateZone(PolygonZone({clockwise}), "zones[0]"));
  EXPECT_TRUE(ValidateZone(PolygonZone({clockwise, counter_clockwise_hole}), "zones[0]"));
  EXPECT_TRUE(ValidateZone(PolygonZone({clockwise, kHole}), "zones[0]"));
}

TEST(DeliveryZoneValidate, UnclosedRingAndSpikeAreCorrectedNotRejected) {
  std::vector<LatLon> unclosed(kSquare.begin(), kSquare.end() - 1);
  EXPECT_TRUE(ValidateZone(PolygonZone({unclosed}), "zones[0]"));
  // A zero-width spike sticking out of the east edge.
  const std::vector<LatLon> spiky = {{40.70, -74.00}, {40.70, -73.98}, {40.71, -73.98},
                                     {40.71, -73.97}, {40.71, -73.98}, {40.72, -73.98},
                                     {40.72, -74.00}, {40.70, -74.00}};
  auto status = ValidateZone(PolygonZone({spiky}), "zones[0]");
  EXPECT_TRUE(status) << Describe(ErrorsOf(status));
  EXPECT_FALSE(ZoneContains(PolygonZone({spiky}), {40.71, -73.975}));
}

TEST(DeliveryZoneValidate, DegenerateRingsAreNamed) {
  auto errors = ErrorsOf(ValidateZone(PolygonZone({{{0, 0}, {1, 1}, {0, 0}}}), "zones[0]"));
  EXPECT_TRUE(HasError(errors, "zones[0].geometry.coordinates[0]", "at least 4"))
      << Describe(errors);
  errors = ErrorsOf(ValidateZone(PolygonZone({{{0, 0}, {1, 1}, {2, 2}, {0, 0}}}), "zones[0]"));
  EXPECT_FALSE(errors.empty());
  errors = ErrorsOf(ValidateZone(PolygonZone({}), "zones[0]"));
  EXPECT_TRUE(HasError(errors, "zones[0].geometry", "outer ring")) << Describe(errors);
}

TEST(DeliveryZoneValidate, HoleOutsideTheOuterRingIsRejected) {
  const std::vector<LatLon> far_hole = {
      {41.0, -74.0}, {41.1, -74.0}, {41.1, -73.9}, {41.0, -73.9}, {41.0, -74.0}};
  auto errors = ErrorsOf(ValidateZone(PolygonZone({kSquare, far_hole}), "zones[0]"));
  EXPECT_TRUE(HasError(errors, "zones[0].geometry", "outside")) << Describe(errors);
}

TEST(DeliveryZoneValidate, OutOfRangeCoordinateIsNamed) {
  auto square = kSquare;
  square[2].latitude = 200;
  auto errors = ErrorsOf(ValidateZone(PolygonZone({square}), ""));
  EXPECT_TRUE(HasError(errors, "geometry.coordinates[0][2]", "latitude")) << Describe(errors);
}

TEST(DeliveryZoneValidate, EachBadFieldIsNamed) {
  auto zone = RadiusZone({95, -74}, 49);
  zone.name = std::string(101, 'x');
  zone.fee = Usd(-1);
  zone.minimum_order = Usd(-5);
  zone.estimate_minutes = 0;
  auto errors = ErrorsOf(ValidateZone(zone, "zones[3]"));
  EXPECT_TRUE(HasError(errors, "zones[3].name", "100")) << Describe(errors);
  EXPECT_TRUE(HasError(errors, "zones[3].geometry.coordinates", "latitude")) << Describe(errors);
  EXPECT_TRUE(HasError(errors, "zones[3].radius_m", "between 50 and 100000")) << Describe(errors);
  EXPECT_TRUE(HasError(errors, "zones[3].fee", "negative")) << Describe(errors);
  EXPECT_TRUE(HasError(errors, "zones[3].minimum_order", "negative")) << Describe(errors);
  EXPECT_TRUE(HasError(errors, "zones[3].estimate_minutes", "between 1 and 240"))
      << Describe(errors);
  EXPECT_EQ(errors.size(), 6u) << Describe(errors);

  zone = RadiusZone({40, -74}, 100'001);
  zone.name = "";
  zone.estimate_minutes = 241;
  zone.minimum_order = core::Money(0, *core::Currency::Find("EUR"));
  errors = ErrorsOf(ValidateZone(zone, "zones[3]"));
  EXPECT_TRUE(HasError(errors, "zones[3].name", "required")) << Describe(errors);
  EXPECT_TRUE(HasError(errors, "zones[3].radius_m", "between")) << Describe(errors);
  EXPECT_TRUE(HasError(errors, "zones[3].estimate_minutes", "between")) << Describe(errors);
  EXPECT_TRUE(HasError(errors, "zones[3].minimum_order", "currency")) << Describe(errors);
}

TEST(DeliveryZoneValidate, RadiusBoundsAreInclusive) {
  EXPECT_TRUE(ValidateZone(RadiusZone({40, -74}, 50), ""));
  EXPECT_TRUE(ValidateZone(RadiusZone({40, -74}, 100'000), ""));
}

// --- choosing among overlapping zones ----------------------------------------------------

TEST(DeliveryZoneChoose, CheapestFeeWinsWhereZonesOverlap) {
  auto expensive = PolygonZone({kSquare}, "Expensive");
  expensive.fee = Usd(499);
  auto cheap = RadiusZone({40.71, -73.99}, 500);
  cheap.fee = Usd(199);
  const std::vector<DeliveryZone> zones = {expensive, cheap};
  EXPECT_EQ(ChooseZone(zones, {40.71, -73.99}), 1u);          // in both
  EXPECT_EQ(ChooseZone(zones, {40.719, -73.999}), 0u);        // only in the square
  EXPECT_EQ(ChooseZone(zones, {41.0, -73.0}), std::nullopt);  // in neither
  EXPECT_EQ(ChooseZone({}, {40.71, -73.99}), std::nullopt);
}

TEST(DeliveryZoneChoose, TiesBreakOnMinimumOrderThenEstimateThenNameThenListOrder) {
  auto a = PolygonZone({kSquare}, "B zone");
  auto b = PolygonZone({kSquare}, "A zone");
  const LatLon inside{40.71, -73.99};

  a.minimum_order = Usd(1000);
  b.minimum_order = Usd(2000);
  EXPECT_EQ(ChooseZone({a, b}, inside), 0u);
  EXPECT_EQ(ChooseZone({b, a}, inside), 1u);

  b.minimum_order = a.minimum_order;
  a.estimate_minutes = 45;
  b.estimate_minutes = 25;
  EXPECT_EQ(ChooseZone({a, b}, inside), 1u);

  b.estimate_minutes = a.estimate_minutes;
  EXPECT_EQ(ChooseZone({a, b}, inside), 1u);  // "A zone" < "B zone"
  EXPECT_EQ(ChooseZone({b, a}, inside), 0u);

  b.name = a.name;
  EXPECT_EQ(ChooseZone({a, b}, inside), 0u);  // identical: the earlier one
  EXPECT_EQ(ChooseZone({b, a}, inside), 0u);
}

// --- GeoJSON -----------------------------------------------------------------------------

TEST(GeoJsonPolygon, ParsesRingsAsLongitudeLatitude) {
  auto rings = Parse(R"({"type":"Polygon","coordinates":[
      [[-74.0,40.7],[-73.98,40.7],[-73.98,40.72],[-74.0,40.72],[-74.0,40.7]],
      [[-73.998,40.702],[-73.998,40.706],[-73.994,40.706],[-73.994,40.702],[-73.998,40.702]]]})");
  ASSERT_TRUE(rings) << Describe(ErrorsOf(rings));
  ASSERT_EQ(rings->size(), 2u);
  ASSERT_EQ((*rings)[0].size(), 5u);
  EXPECT_DOUBLE_EQ((*rings)[0][1].longitude, -73.98);
  EXPECT_DOUBLE_EQ((*rings)[0][1].latitude, 40.7);
  EXPECT_TRUE(ValidateZone(PolygonZone(*rings), "zones[0]"));
}

TEST(GeoJsonPolygon, AcceptsIntegersAndAnAltitude) {
  auto rings = Parse(R"({"type":"Polygon","coordinates":[[[0,0,10],[1,0,10],[1,1,10],[0,0,10]]]})");
  ASSERT_TRUE(rings) << Describe(ErrorsOf(rings));
  EXPECT_EQ((*rings)[0][1].longitude, 1.0);
}

TEST(GeoJsonPolygon, LatitudeOutOfRangeNamesTheCoordinate) {
  auto rings = Parse(R"({"type":"Polygon","coordinates":[[[0,0],[1,200],[1,1],[0,0]]]})");
  auto errors = ErrorsOf(rings);
  EXPECT_TRUE(HasError(errors, "zones[0].geometry.coordinates[0][1]", "latitude"))
      << Describe(errors);
  rings = Parse(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[181,1],[0,0]]]})");
  errors = ErrorsOf(rings);
  EXPECT_TRUE(HasError(errors, "zones[0].geometry.coordinates[0][2]", "longitude"))
      << Describe(errors);
}

TEST(GeoJsonPolygon, UnclosedRingIsRejected) {
  auto errors = ErrorsOf(Parse(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]})"));
  EXPECT_TRUE(HasError(errors, "zones[0].geometry.coordinates[0]", "closed")) << Describe(errors);
}

TEST(GeoJsonPolygon, FewerThanFourPositionsIsRejected) {
  auto errors = ErrorsOf(Parse(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})"));
  EXPECT_TRUE(HasError(errors, "zones[0].geometry.coordinates[0]", "at least 4"))
      << Describe(errors);
}

TEST(GeoJsonPolygon, WrongTypesAreNamed) {
  EXPECT_TRUE(HasError(ErrorsOf(Parse(R"([1,2])")), "zones[0].geometry", "geometry object"));
  EXPECT_TRUE(
      HasError(ErrorsOf(Parse(R"({"coordinates":[]})")), "zones[0].geometry.type", "\"Polygon\""));
  EXPECT_TRUE(HasError(ErrorsOf(Parse(R"({"type":"MultiPolygon","coordinates":[]})")),
                       "zones[0].geometry.type", "\"Polygon\""));
  EXPECT_TRUE(HasError(ErrorsOf(Parse(R"({"type":"Polygon"})")), "zones[0].geometry.coordinates",
                       "required"));
  EXPECT_TRUE(HasError(ErrorsOf(Parse(R"({"type":"Polygon","coordinates":"x"})")),
                       "zones[0].geometry.coordinates", "array"));
  EXPECT_TRUE(HasError(ErrorsOf(Parse(R"({"type":"Polygon","coordinates":[]})")),
                       "zones[0].geometry.coordinates", "outer ring"));
  EXPECT_TRUE(HasError(ErrorsOf(Parse(R"({"type":"Polygon","coordinates":[{}]})")),
                       "zones[0].geometry.coordinates[0]", "array of positions"));
  auto errors = ErrorsOf(Parse(R"({"type":"Polygon","coordinates":[[[0,0],["1",0],[1],[0,0]]]})"));
  EXPECT_TRUE(HasError(errors, "zones[0].geometry.coordinates[0][1]", "position"))
      << Describe(errors);
  EXPECT_TRUE(HasError(errors, "zones[0].geometry.coordinates[0][2]", "position"))
      << Describe(errors);
}

TEST(GeoJsonPolygon, TooManyPositionsIsRejectedWithoutListingThemAll) {
  std::string text = R"({"type":"Polygon","coordinates":[[)";
  for (std::size_t i = 0; i <= kMaxZonePositions; ++i) text += "[500,500],";
  text += "[500,500]]]}";
  auto errors = ErrorsOf(Parse(text));
  ASSERT_EQ(errors.size(), 1u) << Describe(errors);
  EXPECT_TRUE(HasError(errors, "zones[0].geometry.coordinates", "at most"));
}

TEST(GeoJsonPolygon, ManyBadPositionsAreCappedInTheErrorList) {
  std::string text = R"({"type":"Polygon","coordinates":[[)";
  for (int i = 0; i < 100; ++i) text += "[500,0],";
  text += "[500,0]]]}";
  auto errors = ErrorsOf(Parse(text));
  EXPECT_FALSE(errors.empty());
  EXPECT_LE(errors.size(), 21u);
}

TEST(GeoJsonPolygon, OutputParsesBackToTheSameRings) {
  const std::vector<std::vector<LatLon>> rings = {kSquare, kHole};
  const std::string text = PolygonToGeoJson(rings);
  EXPECT_EQ(text.rfind(R"({"type":"Polygon","coordinates":[[[-74,40.7],[-73.98,40.7],)", 0), 0u)
      << text;
  auto parsed = Parse(text);
  ASSERT_TRUE(parsed) << Describe(ErrorsOf(parsed));
  ASSERT_EQ(parsed->size(), 2u);
  for (std::size_t i = 0; i < rings.size(); ++i) {
    ASSERT_EQ((*parsed)[i].size(), rings[i].size());
    for (std::size_t j = 0; j < rings[i].size(); ++j) {
      EXPECT_EQ((*parsed)[i][j].latitude, rings[i][j].latitude);
      EXPECT_EQ((*parsed)[i][j].longitude, rings[i][j].longitude);
    }
  }
}

TEST(GeoJsonPoint, ParsesAndNamesErrors) {
  auto p = ParseGeoJsonPoint(
      boost::json::parse(R"({"type":"Point","coordinates":[-74.006,40.7128]})"), "geometry");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->latitude, 40.7128);
  EXPECT_DOUBLE_EQ(p->longitude, -74.006);
  auto bad = ParseGeoJsonPoint(boost::json::parse(R"({"type":"Point","coordinates":[-74.006,91]})"),
                               "geometry");
  EXPECT_TRUE(HasError(ErrorsOf(bad), "geometry.coordinates", "latitude"));
  bad = ParseGeoJsonPoint(boost::json::parse(R"({"type":"Polygon","coordinates":[]})"), "geometry");
  EXPECT_TRUE(HasError(ErrorsOf(bad), "geometry.type", "\"Point\""));
}

}  // namespace
}  // namespace vetahut::location
