#pragma once
/// Money, numbers, dates and times as a reader of a language expects them, in the store's time
/// zone: "$1,234.56" and "7:45 PM" in English, "1234,56 US$" and "19:45" in Spanish,
/// "1.234,56 $" and "19:45" in German. The rules are CLDR's for en, es and de; another language
/// is formatted as English (the templates fall back to English too).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"

namespace date {
class time_zone;
}

namespace vetahut::notification {

/// The language of a BCP-47 locale, lower-case: "es-MX" → "es", "DE" → "de".
std::string LanguageOf(std::string_view locale);

/// True for "en", "es", "en-US", "es-419"…: a language of two or three letters, then optionally
/// a region of two letters or three digits.
bool IsLocaleTag(std::string_view locale);

/// `minor` units of `currency` (ISO-4217; its digits from core::Currency) in `language`.
std::string FormatMoney(std::int64_t minor, std::string_view currency, std::string_view language);

/// A decimal number with up to `max_decimals` digits (trailing zeros dropped): "1,5" in de.
std::string FormatNumber(double value, int max_decimals, std::string_view language);

/// The time of day at `at` in `zone` (nullptr = UTC): "7:45 PM" (en), "19:45" (es, de).
std::string FormatTime(core::TimePoint at, const date::time_zone* zone, std::string_view language);

/// The day at `at` in `zone`: "Tuesday, March 3" (en), "martes, 3 de marzo" (es), "Dienstag, 3.
/// März" (de).
std::string FormatDate(core::TimePoint at, const date::time_zone* zone, std::string_view language);

/// The zone for an IANA name, or nullptr (UTC) when the name is empty or unknown.
const date::time_zone* FindZone(std::string_view name);

}  // namespace vetahut::notification
