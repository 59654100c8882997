#pragma once
/// A store's profile as customers and staff see it, and the rules a valid one follows.
#include <string>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"

namespace vetahut::location {

/// What a store offers.
enum class ServiceType { kDelivery, kCarryout, kDineIn };
std::string_view ServiceTypeName(ServiceType type);

struct PostalAddress {
  std::string line1;
  std::string line2;
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country;  ///< ISO 3166-1 alpha-2, e.g. "US"
};

/// A store as created by an admin. Pure data plus validation; no storage concerns.
struct StoreProfile {
  std::string name;
  PostalAddress address;
  double latitude = 0;
  double longitude = 0;
  std::string timezone;  ///< IANA zone, e.g. "America/New_York"
  std::string phone;     ///< E.164, e.g. "+12125550100"
  std::vector<ServiceType> services;
  std::string currency;  ///< ISO-4217
  std::string locale;    ///< BCP-47 language[-REGION], e.g. "en-US"
};

/// A stored store.
struct Store {
  std::string id;
  StoreProfile profile;
  bool accepting_orders = true;
  core::TimePoint created_at{};
  core::TimePoint updated_at{};
};

/// Every rule a profile breaks, each naming its field (`address.city`, `services[1]`, …).
core::Status Validate(const StoreProfile& profile);

/// True if `name` is an IANA time zone known to this machine's zone database.
bool IsKnownTimeZone(const std::string& name);

}  // namespace vetahut::location
