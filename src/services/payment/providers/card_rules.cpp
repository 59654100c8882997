#include "services/payment/providers/card_rules.hpp"

#include <algorithm>
#include <chrono>

namespace vetahut::payment {
namespace {

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The first `n` digits as a number (the caller checked the length).
int Prefix(std::string_view digits, std::size_t n) {
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) value = value * 10 + (digits[i] - '0');
  return value;
}

}  // namespace

std::optional<std::string> NormalizeCardNumber(std::string_view number) {
  std::string digits;
  digits.reserve(number.size());
  for (char c : number) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits.push_back(c);
  }
  return digits;
}

bool LuhnValid(std::string_view digits) {
  if (digits.empty() || !AllDigits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::string_view CardBrand(std::string_view digits) {
  if (digits.empty() || !AllDigits(digits)) return "unknown";
  if (digits[0] == '4') return "visa";
  if (digits.size() >= 2) {
    const int two = Prefix(digits, 2);
    if (two >= 51 && two <= 55) return "mastercard";
    if ((two == 34 || two == 37) && digits.size() == 15) return "amex";
    if (two == 65) return "discover";
  }
  if (digits.size() >= 3) {
    const int three = Prefix(digits, 3);
    if (three >= 644 && three <= 649) return "discover";
  }
  if (digits.size() >= 4) {
    const int four = Prefix(digits, 4);
    if (four >= 2221 && four <= 2720) return "mastercard";
    if (four == 6011) return "discover";
  }
  return "unknown";
}

core::Result<ValidatedCard> ValidateCard(const CardInput& card, const core::Clock& clock) {
  core::FieldErrors errors;
  ValidatedCard out;

  // Messages describe the problem only: the number, even a wrong one, is never echoed.
  auto digits = NormalizeCardNumber(card.number);
  if (!digits || digits->empty()) {
    errors.Add("card.number", "must contain only digits, spaces and dashes");
  } else if (digits->size() < 13 || digits->size() > 19) {
    errors.Add("card.number", "must have 13 to 19 digits");
  } else if (!LuhnValid(*digits)) {
    errors.Add("card.number", "is not a valid card number");
  } else {
    out.brand = std::string(CardBrand(*digits));
    out.last4 = digits->substr(digits->size() - 4);
    out.digits = std::move(*digits);
  }

  const auto today = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(clock.Now()));
  const int this_year = static_cast<int>(today.year());
  const int this_month = static_cast<int>(static_cast<unsigned>(today.month()));
  const bool month_ok = card.exp_month >= 1 && card.exp_month <= 12;
  const bool year_ok = card.exp_year >= 1000 && card.exp_year <= 9999;
  if (!month_ok) errors.Add("card.exp_month", "must be 1 to 12");
  if (!year_ok) {
    errors.Add("card.exp_year", "must have four digits");
  } else if (card.exp_year < this_year) {
    errors.Add("card.exp_year", "the card has expired");
  } else if (month_ok && card.exp_year == this_year && card.exp_month < this_month) {
    errors.Add("card.exp_month", "the card has expired");
  }
  out.exp_month = card.exp_month;
  out.exp_year = card.exp_year;

  // With a bad number the brand is unknown, so either length passes rather than adding a guess.
  const bool cvc_digits = !card.cvc.empty() && AllDigits(card.cvc);
  if (out.brand.empty()) {
    if (!cvc_digits || card.cvc.size() < 3 || card.cvc.size() > 4) errors.Add("card.cvc", "must be 3 or 4 digits");
  } else if (out.brand == "amex") {
    if (!cvc_digits || card.cvc.size() != 4) errors.Add("card.cvc", "must be 4 digits for amex");
  } else if (!cvc_digits || card.cvc.size() != 3) {
    errors.Add("card.cvc", "must be 3 digits");
  }

  if (!errors.empty()) return core::Fail(errors.ToError());
  return out;
}

TestCardOutcome TestCardOutcomeOf(std::string_view digits) {
  if (digits == "4000000000000002") return TestCardOutcome::kDecline;
  if (digits == "4000000000009995") return TestCardOutcome::kInsufficientFunds;
  if (digits == "4000000000000119") return TestCardOutcome::kProcessingError;
  if (digits == "4000002500003155") return TestCardOutcome::kRequiresAuthentication;
  return TestCardOutcome::kApprove;
}

}  // namespace vetahut::payment
