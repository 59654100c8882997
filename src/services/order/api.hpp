#pragma once
/// HTTP routes of the order service: quote, place, read, track (SSE), cancel, move, refund, store lists.
#include "lib/http/router.hpp"
#include "services/order/order_service.hpp"

namespace vetahut::order {

void RegisterRoutes(http::Router& router, OrderService& orders);

}  // namespace vetahut::order
