#pragma once
/// Money as integer minor units plus an ISO-4217 currency. No floating point anywhere.
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::core {

/// An ISO-4217 currency code known to the platform, with its number of minor-unit digits.
class Currency {
 public:
  /// The currency for a three-letter code, or nullopt if the code is not a known ISO-4217 code.
  static std::optional<Currency> Find(std::string_view code);
  /// Like `Find`, but an unknown code is a validation error naming `field`.
  static Result<Currency> Parse(std::string_view code, std::string_view field = "currency");

  std::string_view code() const { return {code_.data(), 3}; }
  /// Digits after the decimal point (USD 2, JPY 0, BHD 3).
  int exponent() const { return exponent_; }
  bool operator==(const Currency& other) const {
    // Three compares, inline: money arithmetic checks the currency on every operation.
    return code_[0] == other.code_[0] && code_[1] == other.code_[1] && code_[2] == other.code_[2];
  }

 private:
  Currency(std::array<char, 3> code, int exponent) : code_(code), exponent_(exponent) {}
  std::array<char, 3> code_;
  int exponent_;
};

/// How a division that is not exact is rounded.
enum class Rounding {
  kHalfUp,    ///< .5 away from zero (receipts, most tax authorities)
  kHalfEven,  ///< .5 to the even neighbour (banker's rounding)
  kDown,      ///< toward zero
  kUp,        ///< away from zero
};

/// Divides `numerator` by `denominator` (> 0) with the given rounding; throws on overflow.
std::int64_t DivideRounded(std::int64_t numerator, std::int64_t denominator, Rounding rounding);

/// An amount of money: minor units (cents) and a currency. Arithmetic across currencies or that
/// overflows int64 is a programming error and throws `std::domain_error`/`std::overflow_error`.
class Money {
 public:
  Money(std::int64_t minor_units, Currency currency) : amount_(minor_units), currency_(currency) {}
  static Money Zero(Currency currency) { return Money(0, currency); }

  std::int64_t amount() const { return amount_; }
  Currency currency() const { return currency_; }
  bool IsZero() const { return amount_ == 0; }
  bool IsNegative() const { return amount_ < 0; }

  Money operator+(const Money& other) const;
  Money operator-(const Money& other) const;
  Money operator-() const;
  Money& operator+=(const Money& other) { return *this = *this + other; }
  Money& operator-=(const Money& other) { return *this = *this - other; }
  /// Multiplies by an integer quantity.
  Money operator*(std::int64_t factor) const;
  /// Multiplies by numerator/denominator (e.g. a rate in basis points / 10000), rounded.
  Money MultiplyRatio(std::int64_t numerator, std::int64_t denominator, Rounding rounding) const;
  /// Splits into `parts` amounts that differ by at most one minor unit and sum exactly to this.
  std::vector<Money> Allocate(int parts) const;

  /// Compares amounts of the same currency (throws on mismatch).
  std::strong_ordering operator<=>(const Money& other) const;
  bool operator==(const Money& other) const;

  /// "12.99 USD", "-0.05 EUR", "1500 JPY".
  std::string ToString() const;
  /// Parses a decimal string like "12.99" in `currency`; too many decimals or junk is an error.
  static Result<Money> Parse(std::string_view decimal, Currency currency);

 private:
  void RequireSameCurrency(const Money& other) const;
  std::int64_t amount_;
  Currency currency_;
};

/// Money as plain data, for structs that must be default-constructible (event payloads, client
/// results): minor units and the currency code. Convert with Money() once the code is checked.
struct MoneyAmount {
  std::int64_t amount = 0;
  std::string currency;  ///< ISO-4217 code

  static MoneyAmount Of(const Money& money) { return {money.amount(), std::string(money.currency().code())}; }
  /// The Money; throws std::domain_error for an unknown currency (decoders check it first).
  Money ToMoney() const;
  bool operator==(const MoneyAmount&) const = default;
};

}  // namespace vetahut::core
