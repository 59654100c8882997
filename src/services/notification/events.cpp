#include "services/notification/events.hpp"

#include "lib/json/codec.hpp"

namespace vetahut::notification::events {

VETAHUT_JSON_CODEC(NotificationSent)
VETAHUT_JSON_CODEC(NotificationFailed)

}  // namespace vetahut::notification::events
