#include "services/menu/events.hpp"

#include "lib/json/codec.hpp"

namespace vetahut::menu::events {

VETAHUT_JSON_CODEC(MenuPublished)
VETAHUT_JSON_CODEC(ItemAvailabilityChanged)

}  // namespace vetahut::menu::events
