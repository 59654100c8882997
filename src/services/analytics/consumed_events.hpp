#pragma once
/// The events the analytics module consumes — one list, used to subscribe, to refold a stored
/// event on a rebuild, and to instantiate the fold. Every order, payment, kitchen and delivery
/// event; not the customer service's (personal data and one-time secrets) nor the menu's and
/// locations' (no sale in them).
#include "services/kitchen/events.hpp"
#include "services/order/events.hpp"
#include "services/payment/events.hpp"

// X(event type) for each consumed event.
#define VETAHUT_ANALYTICS_CONSUMED_EVENTS(X)            \
  X(::vetahut::order::events::OrderPlaced)              \
  X(::vetahut::order::events::OrderConfirmed)           \
  X(::vetahut::order::events::OrderStatusChanged)       \
  X(::vetahut::order::events::OrderCompleted)           \
  X(::vetahut::order::events::OrderCancelled)           \
  X(::vetahut::order::events::OrderRejected)            \
  X(::vetahut::order::events::OrderRefunded)            \
  X(::vetahut::payment::events::PaymentAuthorized)      \
  X(::vetahut::payment::events::PaymentPending)         \
  X(::vetahut::payment::events::PaymentFailed)          \
  X(::vetahut::payment::events::PaymentDue)             \
  X(::vetahut::payment::events::PaymentCaptured)        \
  X(::vetahut::payment::events::PaymentVoided)          \
  X(::vetahut::payment::events::PaymentRefunded)        \
  X(::vetahut::payment::events::PaymentSettled)         \
  X(::vetahut::kitchen::events::TicketStatusChanged)    \
  X(::vetahut::kitchen::events::PromiseChanged)         \
  X(::vetahut::kitchen::events::DeliveryStatusChanged)  \
  X(::vetahut::kitchen::events::LowStock)
