#include "lib/core/money.hpp"
#include "lib/core/text_rules.hpp"
#include "services/location/domain/store_profile.hpp"


#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace vetahut::location {

std::string_view ServiceTypeName(ServiceType type) {
  switch (type) {
    case ServiceType::kDelivery: return "delivery";
    case ServiceType::kCarryout: return "carryout";
    case ServiceType::kDineIn: return "dine_in";
  }
  return "delivery";
}

bool IsKnownTimeZone(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string::npos) {
    return false;
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+')) {
      return false;
    }
  }
  if (name == "UTC") return true;
  std::error_code ec;
  return std::filesystem::is_regular_file("/usr/share/zoneinfo/" + name, ec);
}

namespace {

bool IsUpperAlpha(const std::string& s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool IsLocale(const std::string& s) {
  // language ("en") or language-REGION ("en-US", "es-MX").
  auto lower2 = [](std::string_view v) {
    return v.size() == 2 && std::all_of(v.begin(), v.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  };
  if (s.size() == 2) return lower2(s);
  return s.size() == 5 && s[2] == '-' && lower2(std::string_view(s).substr(0, 2)) && IsUpperAlpha(s.substr(3), 2);
}

/// The shared text rules (valid UTF-8, one line, no control characters, at most `max` characters).
void CheckText(core::FieldErrors& errors, const std::string& field, const std::string& value, std::size_t max,
               bool required = true) {
  core::CleanText(field, value, {.max_chars = max, .required = required}, errors);
}

}  // namespace

core::Status Validate(const StoreProfile& p) {
  core::FieldErrors errors;
  CheckText(errors, "name", p.name, 100);
  CheckText(errors, "address.line1", p.address.line1, 200);
  CheckText(errors, "address.line2", p.address.line2, 200, false);
  CheckText(errors, "address.city", p.address.city, 100);
  CheckText(errors, "address.region", p.address.region, 100, false);
  CheckText(errors, "address.postal_code", p.address.postal_code, 20);
  if (!core::IsCountryCode(p.address.country)) errors.Add("address.country", "must be an ISO 3166-1 alpha-2 code like \"US\"");
  if (!std::isfinite(p.latitude) || p.latitude < -90 || p.latitude > 90) {
    errors.Add("latitude", "must be between -90 and 90");
  }
  if (!std::isfinite(p.longitude) || p.longitude < -180 || p.longitude > 180) {
    errors.Add("longitude", "must be between -180 and 180");
  }
  if (!IsKnownTimeZone(p.timezone)) errors.Add("timezone", fmt::format("'{}' is not a known IANA time zone", p.timezone));
  if (!core::IsE164Phone(p.phone)) errors.Add("phone", "must be an E.164 number like +12125550100");
  if (p.services.empty()) errors.Add("services", "must offer at least one of delivery, carryout, dine_in");
  for (std::size_t i = 0; i < p.services.size(); ++i) {
    if (std::count(p.services.begin(), p.services.end(), p.services[i]) > 1) {
      errors.Add(fmt::format("services[{}]", i), "is listed twice");
    }
  }
  if (!core::Currency::Find(p.currency)) errors.Add("currency", fmt::format("'{}' is not an ISO-4217 currency code", p.currency));
  if (!IsLocale(p.locale)) errors.Add("locale", "must be a language tag like \"en\" or \"en-US\"");
  if (!errors.empty()) return core::Fail(errors.ToError());
  return core::Ok();
}

}  // namespace vetahut::location
