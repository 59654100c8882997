#pragma once
/// The checks every provider makes on a card before its number leaves the process: digits only,
/// 13–19 of them, Luhn, the brand from the number, an expiry month that has not passed and a CVC
/// of the brand's length. Pure functions; the number never appears in an error message.
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"
#include "services/payment/provider.hpp"

namespace vetahut::payment {

/// A card that passed `ValidateCard`. `digits` is the number itself: pass it on to the processor
/// and let it go out of scope; keep only `brand`, `last4` and the expiry.
struct ValidatedCard {
  std::string digits;
  std::string brand;  ///< visa | mastercard | amex | discover | unknown
  std::string last4;
  int exp_month = 0;
  int exp_year = 0;
};

/// The number without spaces and dashes, or nullopt if anything else but digits remains.
std::optional<std::string> NormalizeCardNumber(std::string_view number);
/// True if the digits pass the Luhn (mod 10) check. Not digits or empty → false.
bool LuhnValid(std::string_view digits);
/// The brand from the number's prefix: visa 4…; mastercard 51–55 and 2221–2720; amex 34/37 with
/// 15 digits; discover 6011, 65, 644–649; anything else "unknown".
std::string_view CardBrand(std::string_view digits);
/// Checks all fields at once; every problem is one kValidation field error (`card.number`,
/// `card.exp_month`, `card.exp_year`, `card.cvc`). The card is valid through the end of its
/// expiry month, in UTC, by `clock`.
core::Result<ValidatedCard> ValidateCard(const CardInput& card, const core::Clock& clock);

/// What a test processor (the sandbox, the fake Stripe server) does with a card: Stripe's
/// documented test numbers, kept in this one table —
///   4000000000000002 declined · 4000000000009995 insufficient funds ·
///   4000000000000119 processing error · 4000002500003155 needs customer authentication ·
///   4242424242424242 and any other valid number approve.
enum class TestCardOutcome { kApprove, kDecline, kInsufficientFunds, kProcessingError, kRequiresAuthentication };
TestCardOutcome TestCardOutcomeOf(std::string_view digits);

}  // namespace vetahut::payment
