#pragma once
/// Events the payment service publishes (codec in events.cpp): one payload shape, a type per
/// money movement. The order saga listens to authorized/failed to continue a payment that was
/// pending; analytics and notifications to the rest.
#include <optional>
#include <string>
#include <string_view>

#include "lib/bus/typed_event.hpp"

namespace vetahut::payment::events {

inline constexpr std::string_view kSource = "/vetahut/payment";

/// The payment of one order after a change.
struct PaymentChanged {
  std::string order_id;
  std::string payment_id;
  std::string method;    ///< card | pay_at_store
  std::string status;    ///< the payment's status after the change
  std::int64_t amount = 0;  ///< minor units moved by this change (0 for a decline)
  std::string currency;
  std::string decline_code;  ///< set for failed authorizations
  /// Refunds: why, as the refunding staff member said (absent when nobody said, and from events
  /// written before it existed).
  std::optional<std::string> reason;

  template <class V>
  void Visit(V& v) {
    v("order_id", order_id);
    v("payment_id", payment_id);
    v("method", method);
    v("status", status);
    v("amount", amount);
    v("currency", currency);
    v("decline_code", decline_code);
    v("reason", reason);
  }
};

#define VETAHUT_PAYMENT_EVENT(Name, type_suffix) \
  struct Name : PaymentChanged {                  \
    VETAHUT_EVENT(Name, events::kSource, "com.vetahut.payment." type_suffix, 1) \
  };

VETAHUT_PAYMENT_EVENT(PaymentAuthorized, "authorized")  ///< the amount is held on the card
VETAHUT_PAYMENT_EVENT(PaymentPending, "pending")        ///< the processor has not decided yet
VETAHUT_PAYMENT_EVENT(PaymentFailed, "failed")          ///< the authorization was declined
VETAHUT_PAYMENT_EVENT(PaymentDue, "due")                ///< to be paid at the store
VETAHUT_PAYMENT_EVENT(PaymentCaptured, "captured")      ///< card captured or cash collected
VETAHUT_PAYMENT_EVENT(PaymentVoided, "voided")          ///< the hold was released
VETAHUT_PAYMENT_EVENT(PaymentRefunded, "refunded")      ///< money went back to the customer
/// A payment that was pending (the processor or the customer's authentication had not decided)
/// is decided now — `status` authorized or declined. Sent with the authorized/failed event; the
/// order saga waits for this one only, so settling at once costs the saga nothing.
VETAHUT_PAYMENT_EVENT(PaymentSettled, "settled")
#undef VETAHUT_PAYMENT_EVENT

}  // namespace vetahut::payment::events
