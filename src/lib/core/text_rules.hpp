#pragma once
/// Shapes of identifiers the platform accepts from outside, shared by every service's validation.
#include <algorithm>
#include <string_view>

namespace vetahut::core {

/// An E.164 phone number: '+', a non-zero digit, 7 to 15 digits in all ("+12125550100").
inline bool IsE164Phone(std::string_view s) {
  return s.size() >= 8 && s.size() <= 16 && s[0] == '+' && s[1] != '0' &&
         std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// An ISO 3166-1 alpha-2 country code ("US", "DE").
inline bool IsCountryCode(std::string_view s) {
  return s.size() == 2 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace vetahut::core
