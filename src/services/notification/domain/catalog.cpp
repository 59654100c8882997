#include "services/notification/domain/catalog.hpp"

#include <algorithm>

namespace vetahut::notification {

std::string_view ChannelName(Channel channel) {
  switch (channel) {
    case Channel::kEmail: return "email";
    case Channel::kSms: return "sms";
    case Channel::kInApp: return "in_app";
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
  static const std::vector<std::string_view> common{"RECIPIENT_NAME", "STORE_NAME", "STORE_PHONE", "BRAND"};
  return common;
}

const std::vector<NotificationSpec>& Catalog() {
  const std::vector<Channel> all{Channel::kEmail, Channel::kSms, Channel::kInApp};
  static const std::vector<NotificationSpec> catalog{
      {"order_confirmed", Category::kTransactional, true, false, false, all,
       {"ORDER_NUMBER", "PROMISED_TIME", "PROMISED_DATE", "SUBTOTAL", "DISCOUNT", "TAX", "DELIVERY_FEE",
        "TIP", "TOTAL", "ADDRESS", "ORDER_URL"},
       {{"LINES", {"QUANTITY", "NAME", "DETAILS", "LINE_TOTAL", "WITH_DETAILS"}},
        {"DELIVERY", {}},
        {"CARRYOUT", {}},
        {"DINE_IN", {}},
        {"HAS_DISCOUNT", {}},
        {"HAS_DELIVERY_FEE", {}},
        {"HAS_TIP", {}},
        {"PAY_AT_STORE", {}},
        {"PAID_BY_CARD", {}},
        {"SCHEDULED", {}}}},
      {"order_ready", Category::kTransactional, true, false, false, all,
       {"ORDER_NUMBER", "ORDER_URL"},
       {{"CARRYOUT", {}}, {"DINE_IN", {}}}},
      {"order_out_for_delivery", Category::kTransactional, true, false, false, all,
       {"ORDER_NUMBER", "ETA_TIME", "DRIVER_NAME", "ORDER_URL"},
       {{"HAS_DRIVER", {}}}},
      {"order_delivered", Category::kTransactional, false, false, false, all, {"ORDER_NUMBER", "TOTAL", "ORDER_URL"}, {}},
      {"order_rejected", Category::kTransactional, true, false, false, all, {"ORDER_NUMBER", "REASON", "TOTAL"}, {}},
      {"order_refunded", Category::kTransactional, false, false, false, all, {"ORDER_NUMBER", "REFUND_TOTAL"}, {}},
      {"email_verification", Category::kTransactional, true, true, true, {Channel::kEmail}, {"LINK"}, {}},
      {"password_reset", Category::kTransactional, true, true, true, {Channel::kEmail}, {"LINK"}, {}},
      {"low_stock", Category::kTransactional, false, false, false, {Channel::kEmail, Channel::kInApp},
       {"INGREDIENT", "QUANTITY", "THRESHOLD", "UNIT", "AT_TIME", "INVENTORY_URL"},
       {}},
  };
  return catalog;
}

const NotificationSpec* FindNotification(std::string_view name) {
  const auto& catalog = Catalog();
  auto it = std::find_if(catalog.begin(), catalog.end(), [&](const NotificationSpec& s) { return s.name == name; });
  return it == catalog.end() ? nullptr : &*it;
}

std::vector<std::string_view> PartsFor(Channel channel) {
  switch (channel) {
    case Channel::kEmail: return {"subject", "txt", "html"};
    case Channel::kSms: return {"sms"};
    case Channel::kInApp: return {"subject", "sms"};
  }
  return {};
}

std::string DedupeKey(std::string_view event_id, std::string_view notification, Channel channel,
                      std::string_view recipient_id) {
  std::string key;
  key.reserve(event_id.size() + notification.size() + recipient_id.size() + 10);
  key.append(event_id).append("/").append(notification).append("/").append(ChannelName(channel)).append("/").append(
      recipient_id);
  return key;
}

}  // namespace vetahut::notification
