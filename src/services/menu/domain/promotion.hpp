#pragma once
/// When a promotion may apply, and why not: the conditions that do not depend on which lines
/// it discounts (validity window, channel, days and hours, use limits, minimum subtotal).
#include <optional>
#include <string>

#include "lib/core/clock.hpp"
#include "lib/core/money.hpp"
#include "services/menu/domain/catalog.hpp"

namespace vetahut::menu {

/// Why a coupon did not apply: a stable machine code and a sentence for the customer.
/// Codes: unknown_code, not_yet_valid, expired, wrong_channel, wrong_day, wrong_time,
/// customer_limit_reached, usage_limit_reached, minimum_not_met, no_eligible_items,
/// not_combinable.
struct CouponRejection {
  std::string code;
  std::string message;
  bool operator==(const CouponRejection&) const = default;
};

/// The facts a promotion is checked against.
struct PromotionContext {
  core::TimePoint now{};
  LocalTime local_time;
  Channel channel = Channel::kWeb;
  int uses_by_customer = 0;
  int uses_total = 0;
  core::Money subtotal;  ///< cart lines before discounts
  std::string_view locale = "en";
  std::string_view fallback_locale = "en";
};

/// nullopt if `promotion` may apply in `context`, else the first reason it may not, checked in
/// the order of the codes above (e.g. `{minimum_not_met, "Spend 5.00 USD more to use PIZZA20"}`).
std::optional<CouponRejection> CheckPromotion(const Promotion& promotion,
                                              const PromotionContext& context);

/// The name customers know a promotion by: its code if it has one, else its localized name.
std::string PromotionLabel(const Promotion& promotion, std::string_view locale,
                           std::string_view fallback_locale);

}  // namespace vetahut::menu
