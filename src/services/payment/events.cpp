#include "services/payment/events.hpp"

#include "lib/json/codec.hpp"

namespace vetahut::payment::events {

VETAHUT_JSON_CODEC(PaymentAuthorized)
VETAHUT_JSON_CODEC(PaymentPending)
VETAHUT_JSON_CODEC(PaymentFailed)
VETAHUT_JSON_CODEC(PaymentDue)
VETAHUT_JSON_CODEC(PaymentCaptured)
VETAHUT_JSON_CODEC(PaymentVoided)
VETAHUT_JSON_CODEC(PaymentRefunded)
VETAHUT_JSON_CODEC(PaymentSettled)

}  // namespace vetahut::payment::events
