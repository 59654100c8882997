#pragma once
/// HTTP routes of the order service: place, read, track (SSE), cancel, move, refund, store lists.
#include "lib/http/router.hpp"
#include "services/order/order_service.hpp"
#include "services/payment/payment_service.hpp"

namespace vetahut::order {

void RegisterRoutes(http::Router& router, OrderService& orders, payment::PaymentService& payments);

}  // namespace vetahut::order
