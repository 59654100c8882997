#pragma once
/// Events the notification service publishes (codec in events.cpp): a message left for its
/// recipient, or was given up. Partner webhooks and analytics may follow them; no body, address
/// or link is in them.
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/bus/typed_event.hpp"

namespace vetahut::notification::events {

inline constexpr std::string_view kSource = "/vetahut/notification";

/// What a delivery event says about it.
struct DeliveryPayload {
  std::string delivery_id;
  std::string notification;  ///< order_confirmed, order_ready, …
  std::string channel;       ///< email | sms | in_app
  std::string recipient_id;
  std::string event_id;  ///< the event that caused it
  std::string order_id;  ///< "" when not about an order
  std::string store_id;
  std::int64_t attempts = 0;
  std::string at;  ///< RFC 3339
  template <class V>
  void Visit(V& v) {
    v("delivery_id", delivery_id);
    v("notification", notification);
    v("channel", channel);
    v("recipient_id", recipient_id);
    v("event_id", event_id);
    v("order_id", order_id);
    v("store_id", store_id);
    v("attempts", attempts);
    v("at", at);
  }
};

/// The provider accepted the message (or the in-app list has it).
struct NotificationSent : DeliveryPayload {
  VETAHUT_EVENT(NotificationSent, events::kSource, "com.vetahut.notification.sent", 1)
  std::string provider;     ///< smtp | file | twilio | in_app
  std::string provider_id;  ///< the provider's message id
  template <class V>
  void Visit(V& v) {
    DeliveryPayload::Visit(v);
    v("provider", provider);
    v("provider_id", provider_id);
  }
};

/// The message was given up (dead): too many failures, a permanent refusal, or the throttle.
struct NotificationFailed : DeliveryPayload {
  VETAHUT_EVENT(NotificationFailed, events::kSource, "com.vetahut.notification.failed", 1)
  std::string error;
  template <class V>
  void Visit(V& v) {
    DeliveryPayload::Visit(v);
    v("error", error);
  }
};

}  // namespace vetahut::notification::events
