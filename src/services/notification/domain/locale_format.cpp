#include "services/notification/domain/locale_format.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "lib/core/money.hpp"

namespace vetahut::notification {
namespace {

constexpr std::string_view kNbsp = "\u00A0";

struct Symbols {
  std::string_view currency;
  std::string_view en, es, de;
};

// CLDR's symbols in each language for the currencies the platform's markets use; others show
// their ISO code.
constexpr std::array<Symbols, 8> kSymbols{{
    {"USD", "$", "US$", "$"},
    {"EUR", "€", "€", "€"},
    {"GBP", "£", "GBP", "£"},
    {"CAD", "CA$", "CA$", "CA$"},
    {"MXN", "MX$", "MXN", "MX$"},
    {"JPY", "¥", "JPY", "¥"},
    {"CHF", "CHF", "CHF", "CHF"},
    {"AUD", "A$", "AUD", "AU$"},
}};

std::string_view SymbolOf(std::string_view currency, std::string_view language) {
  for (const auto& s : kSymbols) {
    if (s.currency != currency) continue;
    if (language == "es") return s.es;
    if (language == "de") return s.de;
    return s.en;
  }
  return currency;
}

/// Groups the digits of `integer` with `separator` every three, from the right, when it has at
/// least `min_digits` digits (Spanish leaves four-digit numbers ungrouped).
std::string Group(std::string integer, std::string_view separator, std::size_t min_digits) {
  if (integer.size() < min_digits) return integer;
  std::string out;
  const std::size_t first = integer.size() % 3 == 0 ? 3 : integer.size() % 3;
  out.append(integer, 0, first);
  for (std::size_t i = first; i < integer.size(); i += 3)
    out.append(separator).append(integer, i, 3);
  return out;
}

struct NumberStyle {
  std::string_view group;
  std::string_view decimal;
  std::size_t min_grouping_digits;
};

NumberStyle StyleOf(std::string_view language) {
  if (language == "de") return {".", ",", 4};
  if (language == "es") return {".", ",", 5};
  return {",", ".", 4};
}

constexpr std::array<std::string_view, 12> kMonthsEn{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 12> kMonthsEs{
    "enero", "febrero", "marzo",      "abril",   "mayo",      "junio",
    "julio", "agosto",  "septiembre", "octubre", "noviembre", "diciembre"};
constexpr std::array<std::string_view, 12> kMonthsDe{
    "Januar", "Februar", "März",      "April",   "Mai",      "Juni",
    "Juli",   "August",  "September", "Oktober", "November", "Dezember"};
constexpr std::array<std::string_view, 7> kDaysEn{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                  "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 7> kDaysEs{"domingo", "lunes",   "martes", "miércoles",
                                                  "jueves",  "viernes", "sábado"};
constexpr std::array<std::string_view, 7> kDaysDe{"Sonntag",    "Montag",  "Dienstag", "Mittwoch",
                                                  "Donnerstag", "Freitag", "Samstag"};

date::local_time<std::chrono::minutes> LocalMinutes(core::TimePoint at,
                                                    const date::time_zone* zone) {
  const auto local = zone ? zone->to_local(at)
                          : date::local_time<core::TimePoint::duration>(at.time_since_epoch());
  return date::floor<std::chrono::minutes>(local);
}

}  // namespace

std::string LanguageOf(std::string_view locale) {
  std::string out;
  for (char c : locale.substr(0, locale.find_first_of("-_")))
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsLocaleTag(std::string_view locale) {
  auto alpha = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
  };
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const auto dash = locale.find('-');
  const std::string_view language = locale.substr(0, dash);
  if (language.size() < 2 || language.size() > 3 || !alpha(language)) return false;
  if (dash == std::string_view::npos) return true;
  const std::string_view region = locale.substr(dash + 1);
  return (region.size() == 2 && alpha(region)) || (region.size() == 3 && digits(region));
}

std::string FormatMoney(std::int64_t minor, std::string_view currency, std::string_view language) {
  const auto known = core::Currency::Find(currency);
  const int exponent = known ? known->exponent() : 2;
  const NumberStyle style = StyleOf(language);
  const bool negative = minor < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::uint64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  std::string number =
      Group(std::to_string(magnitude / scale), style.group, style.min_grouping_digits);
  if (exponent > 0) number += fmt::format("{}{:0{}}", style.decimal, magnitude % scale, exponent);
  const std::string_view symbol = SymbolOf(currency, language);
  const std::string sign = negative ? "-" : "";
  if (language == "es" || language == "de")
    return fmt::format("{}{}{}{}", sign, number, kNbsp, symbol);
  // English puts a symbol first and a code first with a space: "$1.00", "CHF 1.00".
  const bool code = symbol.size() == 3 && std::all_of(symbol.begin(), symbol.end(),
                                                      [](char c) { return c >= 'A' && c <= 'Z'; });
  return fmt::format("{}{}{}{}", sign, symbol, code ? std::string(kNbsp) : "", number);
}

std::string FormatNumber(double value, int max_decimals, std::string_view language) {
  const NumberStyle style = StyleOf(language);
  std::string text = fmt::format("{:.{}f}", std::fabs(value), max_decimals);
  std::string integer = text.substr(0, text.find('.'));
  std::string fraction = text.find('.') == std::string::npos ? "" : text.substr(text.find('.') + 1);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  std::string out = (value < 0 && (integer != "0" || !fraction.empty()) ? "-" : "") +
                    Group(integer, style.group, style.min_grouping_digits);
  if (!fraction.empty()) out += std::string(style.decimal) + fraction;
  return out;
}

std::string FormatTime(core::TimePoint at, const date::time_zone* zone, std::string_view language) {
  const auto local = LocalMinutes(at, zone);
  const auto day = date::floor<date::days>(local);
  const auto minutes = (local - day).count();
  const int hour = static_cast<int>(minutes / 60), minute = static_cast<int>(minutes % 60);
  if (language == "es" || language == "de") return fmt::format("{:02}:{:02}", hour, minute);
  const int h12 = hour % 12 == 0 ? 12 : hour % 12;
  return fmt::format("{}:{:02} {}", h12, minute, hour < 12 ? "AM" : "PM");
}

std::string FormatDate(core::TimePoint at, const date::time_zone* zone, std::string_view language) {
  const auto day = date::floor<date::days>(LocalMinutes(at, zone));
  const date::year_month_day ymd{day};
  const unsigned weekday = date::weekday{day}.c_encoding();
  const unsigned month = static_cast<unsigned>(ymd.month()) - 1;
  const unsigned d = static_cast<unsigned>(ymd.day());
  if (language == "es") return fmt::format("{}, {} de {}", kDaysEs[weekday], d, kMonthsEs[month]);
  if (language == "de") return fmt::format("{}, {}. {}", kDaysDe[weekday], d, kMonthsDe[month]);
  return fmt::format("{}, {} {}", kDaysEn[weekday], kMonthsEn[month], d);
}

const date::time_zone* FindZone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

}  // namespace vetahut::notification
