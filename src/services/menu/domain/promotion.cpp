#include "services/menu/domain/promotion.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vetahut::menu {
namespace {

std::string_view ChannelName(Channel channel) {
  switch (channel) {
    case Channel::kWeb:
      return "web";
    case Channel::kKiosk:
      return "kiosk";
    case Channel::kPos:
      return "pos";
  }
  return "unknown";
}

CouponRejection Reject(std::string code, std::string message) {
  return {std::move(code), std::move(message)};
}

}  // namespace

std::string PromotionLabel(const Promotion& promotion, std::string_view locale,
                           std::string_view fallback_locale) {
  if (!promotion.code.empty()) return promotion.code;
  return std::string(Text(promotion.name, locale, fallback_locale));
}

std::optional<CouponRejection> CheckPromotion(const Promotion& promotion,
                                              const PromotionContext& context) {
  const std::string label = PromotionLabel(promotion, context.locale, context.fallback_locale);
  if (promotion.valid_from && context.now < *promotion.valid_from) {
    return Reject("not_yet_valid", fmt::format("{} starts on {}", label,
                                               core::FormatRfc3339(*promotion.valid_from)));
  }
  if (promotion.valid_until && context.now >= *promotion.valid_until) {
    return Reject("expired", fmt::format("{} expired on {}", label,
                                         core::FormatRfc3339(*promotion.valid_until)));
  }
  if (!promotion.channels.empty() && std::find(promotion.channels.begin(), promotion.channels.end(),
                                               context.channel) == promotion.channels.end()) {
    return Reject("wrong_channel",
                  fmt::format("{} cannot be used on {}", label, ChannelName(context.channel)));
  }
  if (!IsAvailableAt(promotion.local_hours, context.local_time)) {
    const auto& windows = promotion.local_hours.windows;
    const bool right_day = std::any_of(windows.begin(), windows.end(), [&](const DaypartWindow& w) {
      return w.weekday == context.local_time.weekday;
    });
    if (!right_day) return Reject("wrong_day", fmt::format("{} is not valid today", label));
    return Reject("wrong_time", fmt::format("{} is not valid at this time of day", label));
  }
  if (promotion.max_uses_per_customer &&
      context.uses_by_customer >= *promotion.max_uses_per_customer) {
    return Reject("customer_limit_reached", fmt::format("You have already used {} {} time(s)",
                                                        label, *promotion.max_uses_per_customer));
  }
  if (promotion.max_uses_total && context.uses_total >= *promotion.max_uses_total) {
    return Reject("usage_limit_reached", fmt::format("{} has been fully redeemed", label));
  }
  const core::Money minimum(promotion.minimum_subtotal, context.subtotal.currency());
  if (context.subtotal < minimum) {
    return Reject("minimum_not_met", fmt::format("Spend {} more to use {}",
                                                 (minimum - context.subtotal).ToString(), label));
  }
  return std::nullopt;
}

}  // namespace vetahut::menu
