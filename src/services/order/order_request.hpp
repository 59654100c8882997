#pragma once
/// The fields of a quote or an order that the order service reads itself (the cart is read by the
/// menu's pricing): one parser for both, so a quote judges its input as placement would.
#include <optional>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"
#include "services/location/client.hpp"
#include "services/order/domain/order_status.hpp"

namespace vetahut::order {

/// What a request asks for besides its cart.
struct OrderRequest {
  std::string store_id;
  OrderType type = OrderType::kCarryout;
  std::optional<location::LatLon> point;        ///< delivery: where to
  std::optional<std::string> address_json;      ///< delivery: the address object as sent
  std::optional<core::TimePoint> scheduled_for; ///< order-ahead slot start; nullopt = ASAP
  std::string payment_method;                   ///< placement: card | pay_at_store
  std::string payment_token;                    ///< placement, card
  /// Placement at the counter, pay_at_store: cash handed over now (decision 0033).
  std::optional<std::int64_t> cash_tendered;
  std::string tendered_currency;
  /// Placement at the counter: the account the order is for (a phone order) and the name on the
  /// ticket — `customer: {"id"?, "name"?}`.
  std::optional<std::string> customer_id;
  std::string customer_name;
  bool for_customer = false;                    ///< `customer` was sent
  bool wants_reward = false;                    ///< a reward_id was sent
  std::vector<std::string> notes;               ///< per cart line (items, then deals); "" = none
};

/// Who a guest's order is for (decision 0028): the name on the ticket, and how to reach them.
struct GuestContact {
  std::string name;
  std::string email;  ///< normalized (core::NormalizeEmail)
  std::string phone;  ///< E.164
};

/// Reads `contact` {name, email, phone} of a guest's order and checks that a guest pays by card.
/// Every problem comes back at once as kValidation naming its field (contact.email, …).
core::Result<GuestContact> ParseGuestContact(const boost::json::object& body);

/// Reads and checks the request's own fields. `placement` also requires `payment`. Every problem
/// comes back at once as kValidation naming its field.
core::Result<OrderRequest> ParseOrderRequest(const boost::json::object& body, bool placement);

}  // namespace vetahut::order
