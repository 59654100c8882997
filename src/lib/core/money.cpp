#include "lib/core/money.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <compare>
#include <stdexcept>
#include <vector>

namespace vetahut::core {
namespace {

__extension__ using Int128 = __int128;

struct CurrencyInfo {
  const char* code;
  int exponent;
};

// Active ISO-4217 codes with their minor units (ISO 4217 list one, 2024).
constexpr CurrencyInfo kCurrencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2},
    {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHF", 2}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CRC", 2},
    {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2},
    {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2},
    {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2},
    {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2},
    {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0},
    {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2},
    {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2},
    {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2},
    {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2},
    {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2},
    {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2},
    {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2},
    {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYU", 2}, {"UZS", 2}, {"VES", 2},
    {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2},
    {"ZAR", 2}, {"ZMW", 2}, {"ZWL", 2},
};

std::int64_t CheckedAdd(std::int64_t a, std::int64_t b) {
  std::int64_t out;
  if (__builtin_add_overflow(a, b, &out)) throw std::overflow_error("money amount overflows int64");
  return out;
}

std::int64_t CheckedMul(std::int64_t a, std::int64_t b) {
  std::int64_t out;
  if (__builtin_mul_overflow(a, b, &out)) throw std::overflow_error("money amount overflows int64");
  return out;
}

std::int64_t Pow10(int exponent) {
  std::int64_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= 10;
  return p;
}

}  // namespace

std::optional<Currency> Currency::Find(std::string_view code) {
  if (code.size() != 3) return std::nullopt;
  for (const auto& info : kCurrencies) {
    if (code == info.code) return Currency({info.code[0], info.code[1], info.code[2]}, info.exponent);
  }
  return std::nullopt;
}

Result<Currency> Currency::Parse(std::string_view code, std::string_view field) {
  if (auto currency = Find(code)) return *currency;
  return Fail(Error::Validation(
      {{std::string(field), fmt::format("'{}' is not an ISO-4217 currency code", code)}}));
}

std::int64_t DivideRounded(std::int64_t numerator, std::int64_t denominator, Rounding rounding) {
  if (denominator <= 0) throw std::domain_error("DivideRounded needs a positive denominator");
  std::int64_t quotient = numerator / denominator;  // truncates toward zero
  std::int64_t remainder = numerator % denominator;
  if (remainder == 0) return quotient;
  const std::int64_t sign = numerator < 0 ? -1 : 1;
  // Compare 2*|remainder| with the denominator without overflowing.
  const std::uint64_t abs_rem = remainder < 0 ? std::uint64_t(-(remainder + 1)) + 1 : std::uint64_t(remainder);
  const std::uint64_t twice = abs_rem * 2;
  const std::uint64_t den = std::uint64_t(denominator);
  bool away = false;
  switch (rounding) {
    case Rounding::kDown: away = false; break;
    case Rounding::kUp: away = true; break;
    case Rounding::kHalfUp: away = twice >= den; break;
    case Rounding::kHalfEven:
      away = twice > den || (twice == den && (quotient % 2 != 0));
      break;
  }
  return away ? CheckedAdd(quotient, sign) : quotient;
}

void Money::RequireSameCurrency(const Money& other) const {
  if (!(currency_ == other.currency_)) {
    throw std::domain_error(fmt::format("money currency mismatch: {} vs {}", currency_.code(),
                                        other.currency_.code()));
  }
}

Money Money::operator+(const Money& other) const {
  RequireSameCurrency(other);
  return Money(CheckedAdd(amount_, other.amount_), currency_);
}

Money Money::operator-(const Money& other) const {
  RequireSameCurrency(other);
  return Money(CheckedAdd(amount_, CheckedMul(other.amount_, -1)), currency_);
}

Money Money::operator-() const { return Money(CheckedMul(amount_, -1), currency_); }

Money Money::operator*(std::int64_t factor) const {
  return Money(CheckedMul(amount_, factor), currency_);
}

Money Money::MultiplyRatio(std::int64_t numerator, std::int64_t denominator,
                           Rounding rounding) const {
  Int128 product = static_cast<Int128>(amount_) * numerator;
  if (denominator <= 0) throw std::domain_error("MultiplyRatio needs a positive denominator");
  Int128 quotient = product / denominator;
  Int128 remainder = product % denominator;
  if (remainder != 0) {
    const Int128 abs_rem = remainder < 0 ? -remainder : remainder;
    const int sign = product < 0 ? -1 : 1;
    bool away = false;
    switch (rounding) {
      case Rounding::kDown: away = false; break;
      case Rounding::kUp: away = true; break;
      case Rounding::kHalfUp: away = abs_rem * 2 >= denominator; break;
      case Rounding::kHalfEven:
        away = abs_rem * 2 > denominator || (abs_rem * 2 == denominator && quotient % 2 != 0);
        break;
    }
    if (away) quotient += sign;
  }
  if (quotient > INT64_MAX || quotient < INT64_MIN) {
    throw std::overflow_error("money amount overflows int64");
  }
  return Money(static_cast<std::int64_t>(quotient), currency_);
}

std::vector<Money> Money::Allocate(int parts) const {
  if (parts <= 0) throw std::domain_error("Allocate needs at least one part");
  std::vector<Money> out;
  out.reserve(parts);
  const std::int64_t base = amount_ / parts;
  std::int64_t leftover = amount_ % parts;  // same sign as amount_
  const std::int64_t step = leftover < 0 ? -1 : 1;
  for (int i = 0; i < parts; ++i) {
    std::int64_t share = base;
    if (leftover != 0) {
      share += step;
      leftover -= step;
    }
    out.emplace_back(share, currency_);
  }
  return out;
}

std::strong_ordering Money::operator<=>(const Money& other) const {
  RequireSameCurrency(other);
  return amount_ <=> other.amount_;
}

bool Money::operator==(const Money& other) const {
  return currency_ == other.currency_ && amount_ == other.amount_;
}

std::string Money::ToString() const {
  const int exp = currency_.exponent();
  const bool negative = amount_ < 0;
  const std::uint64_t magnitude =
      negative ? std::uint64_t(-(amount_ + 1)) + 1 : std::uint64_t(amount_);
  if (exp == 0) {
    return fmt::format("{}{} {}", negative ? "-" : "", magnitude, currency_.code());
  }
  const std::uint64_t scale = std::uint64_t(Pow10(exp));
  return fmt::format("{}{}.{:0{}} {}", negative ? "-" : "", magnitude / scale, magnitude % scale,
                     exp, currency_.code());
}

Result<Money> Money::Parse(std::string_view text, Currency currency) {
  auto invalid = [&](std::string why) {
    return Fail(Error::Validation({{"amount", fmt::format("'{}' {}", text, why)}}));
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() || !std::all_of(whole.begin(), whole.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      !std::all_of(frac.begin(), frac.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      (dot != std::string_view::npos && frac.empty())) {
    return invalid("is not a decimal amount");
  }
  if (static_cast<int>(frac.size()) > currency.exponent()) {
    return invalid(fmt::format("has more than {} decimals for {}", currency.exponent(), currency.code()));
  }
  std::int64_t units = 0;
  auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), units);
  if (ec != std::errc() || p != whole.data() + whole.size()) return invalid("is out of range");
  std::int64_t fraction = 0;
  if (!frac.empty()) std::from_chars(frac.data(), frac.data() + frac.size(), fraction);
  fraction *= Pow10(currency.exponent() - static_cast<int>(frac.size()));
  std::int64_t minor;
  if (__builtin_mul_overflow(units, Pow10(currency.exponent()), &minor) ||
      __builtin_add_overflow(minor, fraction, &minor)) {
    return invalid("is out of range");
  }
  return Money(negative ? -minor : minor, currency);
}

Money MoneyAmount::ToMoney() const {
  auto code = Currency::Find(currency);
  if (!code) throw std::domain_error("unknown currency '" + currency + "'");
  return Money(amount, *code);
}

}  // namespace vetahut::core
