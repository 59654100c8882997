#include "services/order/events.hpp"

#include "lib/json/codec.hpp"

namespace vetahut::order::events {

VETAHUT_JSON_CODEC(OrderPlaced)
VETAHUT_JSON_CODEC(OrderConfirmed)
VETAHUT_JSON_CODEC(OrderStatusChanged)
VETAHUT_JSON_CODEC(OrderCompleted)
VETAHUT_JSON_CODEC(OrderCancelled)
VETAHUT_JSON_CODEC(OrderRejected)
VETAHUT_JSON_CODEC(OrderRefunded)

std::string LinesToJson(const std::vector<Line>& lines) { return json_codec::EncodeValue(lines); }

core::Result<std::vector<Line>> LinesFromJson(std::string_view json) {
  return json_codec::DecodeValue<std::vector<Line>>(json, "lines");
}

}  // namespace vetahut::order::events
