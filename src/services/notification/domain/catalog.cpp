#include "services/notification/domain/catalog.hpp"

#include <algorithm>

namespace vetahut::notification {

std::string_view ChannelName(Channel channel) {
  switch (channel) {
    case Channel::kEmail:
      return "email";
    case Channel::kSms:
      return "sms";
    case Channel::kInApp:
      return "in_app";
  }
  return "email";
}

std::optional<Channel> ParseChannel(std::string_view name) {
  for (Channel c : AllChannels()) {
    if (ChannelName(c) == name) return c;
  }
  return std::nullopt;
}

const std::vector<Channel>& AllChannels() {
  static const std::vector<Channel> all{Channel::kEmail, Channel::kSms, Channel::kInApp};
  return all;
}

const std::vector<std::string_view>& CommonFields() {
  static const std::vector<std::string_view> common{"RECIPIENT_NAME", "STORE_NAME", "STORE_PHONE",
                                                    "BRAND"};
  return common;
}

const std::vector<NotificationSpec>& Catalog() {
  using enum Channel;
  const std::vector<Channel> all{kEmail, kSms, kInApp};
  const std::vector<SectionSpec> order_type{{"DELIVERY", {}}, {"CARRYOUT", {}}, {"DINE_IN", {}}};
  auto with_type = [&](std::vector<SectionSpec> more) {
    more.insert(more.end(), order_type.begin(), order_type.end());
    return more;
  };
  // clang-format off
  static const std::vector<NotificationSpec> catalog{
      {.name = "order_confirmed", .urgent = true, .channels = all,
       .fields = {"ORDER_NUMBER", "PROMISED_TIME", "PROMISED_DATE", "SUBTOTAL", "DISCOUNT", "TAX", "DELIVERY_FEE", "TIP",
                  "TOTAL", "ADDRESS", "ORDER_URL"},
       .sections = with_type({{"LINES", {"QUANTITY", "NAME", "DETAILS", "LINE_TOTAL", "WITH_DETAILS"}},
                              {"HAS_DISCOUNT", {}}, {"HAS_DELIVERY_FEE", {}}, {"HAS_TIP", {}},
                              {"PAY_AT_STORE", {}}, {"PAID_BY_CARD", {}}, {"SCHEDULED", {}}})},
      {.name = "order_ready", .urgent = true, .channels = all,
       .fields = {"ORDER_NUMBER", "ORDER_URL"}, .sections = with_type({})},
      {.name = "order_out_for_delivery", .urgent = true, .channels = all,
       .fields = {"ORDER_NUMBER", "ETA_TIME", "DRIVER_NAME", "ORDER_URL"}, .sections = with_type({{"HAS_DRIVER", {}}})},
      {.name = "order_delivered", .channels = all,
       .fields = {"ORDER_NUMBER", "TOTAL", "ORDER_URL"}, .sections = with_type({})},
      {.name = "order_rejected", .urgent = true, .channels = all,
       .fields = {"ORDER_NUMBER", "REASON", "TOTAL", "ORDER_URL"}, .sections = with_type({})},
      {.name = "order_refunded", .channels = all,
       .fields = {"ORDER_NUMBER", "REFUND_TOTAL", "ORDER_URL"}, .sections = with_type({})},
      {.name = "email_verification", .urgent = true, .sensitive = true, .ignores_preferences = true,
       .channels = {kEmail}, .fields = {"LINK"}},
      {.name = "password_reset", .urgent = true, .sensitive = true, .ignores_preferences = true,
       .channels = {kEmail}, .fields = {"LINK"}},
      {.name = "low_stock", .channels = {kEmail, kInApp},
       .fields = {"INGREDIENT", "QUANTITY", "THRESHOLD", "UNIT", "AT_TIME", "INVENTORY_URL"}},
  };
  // clang-format on
  return catalog;
}

const NotificationSpec* FindNotification(std::string_view name) {
  const auto& catalog = Catalog();
  auto it = std::find_if(catalog.begin(), catalog.end(),
                         [&](const NotificationSpec& s) { return s.name == name; });
  return it == catalog.end() ? nullptr : &*it;
}

std::vector<std::string_view> PartsFor(Channel channel) {
  switch (channel) {
    case Channel::kEmail:
      return {"subject", "txt", "html"};
    case Channel::kSms:
      return {"sms"};
    case Channel::kInApp:
      return {"subject", "sms"};
  }
  return {};
}

std::string DedupeKey(std::string_view event_id, std::string_view notification, Channel channel,
                      std::string_view recipient_id) {
  std::string key;
  key.reserve(event_id.size() + notification.size() + recipient_id.size() + 10);
  key.append(event_id)
      .append("/")
      .append(notification)
      .append("/")
      .append(ChannelName(channel))
      .append("/")
      .append(recipient_id);
  return key;
}

}  // namespace vetahut::notification
