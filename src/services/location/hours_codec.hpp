#pragma once
/// Opening hours and delivery zones as the API (and the database) write them in JSON.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "lib/core/result.hpp"
#include "services/location/domain/delivery_zone.hpp"
#include "services/location/domain/opening_hours.hpp"
#include "services/location/domain/store_profile.hpp"

namespace vetahut::location {

/// Hours per service the store offers.
using ServiceHours = std::map<ServiceType, WeeklyHours>;

/// Parses a service name ("delivery", "carryout", "dine_in").
std::optional<ServiceType> ParseServiceType(std::string_view name);

/// {"delivery": {"weekly": [{"day": "friday", "open": "17:00", "close": "02:00"}],
///               "special_days": [{"from": "2026-12-24", "to": "2026-12-26", "closed": true},
///                                {"date": "2026-12-31", "spans": [{"open": "12:00", "close": "18:00"}]}]},
///  "carryout": {…}}
/// A close at or before the open runs past midnight. `to` before `from` is "end before start".
/// Every problem is a field error (`delivery.weekly[2].day`, `carryout.special_days[0].to`).
core::Result<ServiceHours> ParseServiceHours(const boost::json::value& body, const std::vector<ServiceType>& offered);
std::string ServiceHoursToJson(const ServiceHours& hours);

/// {"zones": [{"name": "Core", "geometry": {GeoJSON Polygon}, "fee": {"amount": 299, "currency": "USD"},
///             "minimum_order": {"amount": 1000, "currency": "USD"}, "estimate_minutes": 30},
///            {"name": "Outer ring", "center": {"latitude": …, "longitude": …}, "radius_m": 5000, …}]}
/// Money is in the store's currency. Names must be unique within the store.
core::Result<std::vector<DeliveryZone>> ParseZones(const boost::json::value& body, const core::Currency& currency);
std::string ZoneToJson(const DeliveryZone& zone);

}  // namespace vetahut::location
