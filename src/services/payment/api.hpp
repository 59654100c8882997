#pragma once
/// HTTP routes of the payment service: card tokens and provider callbacks.
#include "lib/http/router.hpp"
#include "services/payment/payment_service.hpp"

namespace vetahut::payment {

void RegisterRoutes(http::Router& router, PaymentService& payments);

}  // namespace vetahut::payment
