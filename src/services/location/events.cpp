#include "services/location/events.hpp"

#include "lib/json/codec.hpp"

namespace vetahut::location::events {

VETAHUT_JSON_CODEC(StoreCreated)
VETAHUT_JSON_CODEC(StoreUpdated)
VETAHUT_JSON_CODEC(StoreStatusChanged)

}  // namespace vetahut::location::events
