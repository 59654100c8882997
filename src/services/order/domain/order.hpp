#pragma once
/// An order as the order service stores it.
#include <cstdint>
#include <optional>
#include <string>

#include "services/order/domain/order_status.hpp"

namespace vetahut::order {

struct Order {
  std::string id;
  std::string store_id;
  std::optional<std::string> customer_id;
  std::string placed_by;
  std::string customer_name;
  std::string contact_email;  ///< a guest's (decision 0028); "" for accounts, kiosks and POS
  std::string contact_phone;  ///< a guest's, E.164
  std::optional<std::string> tracking_key;  ///< the unguessable key of /api/v1/tracking/{key}
  std::string channel = "web";  ///< web | kiosk | pos
  std::int64_t number = 0;
  std::string business_date;
  OrderType type = OrderType::kCarryout;
  OrderStatus status = OrderStatus::kPendingPayment;
  std::string currency;
  std::int64_t subtotal = 0, discount_total = 0, tax_total = 0, delivery_fee = 0, tip = 0, total = 0;
  std::int64_t loyalty_basis = 0;
  std::string reward_id;
  std::int64_t reward_points = 0;
  std::string payment_method;
  std::string payment_token;
  std::int64_t cash_tendered = 0;  ///< cash handed over at the counter (decision 0033); 0 = none
  std::string cashier_name;        ///< the staff member who took a counter order ("" for a till or online)
  std::optional<std::string> scheduled_for;
  std::string promised_at;
  std::string ready_by;  ///< when the kitchen must have it ready: promised_at less the delivery leg
  std::optional<std::string> address;  ///< JSON
  std::string quote;                   ///< the priced cart's JSON as the customer saw it
  std::string lines = "[]";            ///< JSON array of events::Line: what to make
  std::string request_hash;
  std::string reason;
  std::string saga_step;
  std::int64_t saga_attempts = 0;
  std::int64_t saga_next_at = 0;      ///< unix µs
  std::int64_t payment_deadline = 0;  ///< unix µs: a payment still pending then is voided
  std::string created_at;
  std::string updated_at;
};

}  // namespace vetahut::order
