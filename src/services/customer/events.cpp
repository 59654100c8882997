#include "services/customer/events.hpp"

#include "lib/json/codec.hpp"

namespace vetahut::customer::events {

VETAHUT_JSON_CODEC(CustomerRegistered)
VETAHUT_JSON_CODEC(EmailVerificationRequested)
VETAHUT_JSON_CODEC(PasswordResetRequested)
VETAHUT_JSON_CODEC(CustomerDeleted)
VETAHUT_JSON_CODEC(LoyaltyPointsChanged)

}  // namespace vetahut::customer::events
