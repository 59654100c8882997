#pragma once
/// HTTP routes of the customer service: registration, the OAuth2 token endpoint, JWKS, the
/// customer's own profile, and staff/device administration.
#include "lib/http/router.hpp"
#include "services/customer/identity_service.hpp"
#include "services/customer/loyalty.hpp"

namespace vetahut::customer {

void RegisterRoutes(http::Router& router, IdentityService& identity, LoyaltyLedger& loyalty, db::Database& db);

}  // namespace vetahut::customer
