#include "services/kitchen/events.hpp"

#include "lib/json/codec.hpp"

namespace vetahut::kitchen::events {

VETAHUT_JSON_CODEC(TicketStatusChanged)
VETAHUT_JSON_CODEC(PromiseChanged)
VETAHUT_JSON_CODEC(DeliveryStatusChanged)
VETAHUT_JSON_CODEC(LowStock)

}  // namespace vetahut::kitchen::events
