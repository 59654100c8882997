#pragma once
/// What other services ask of the order service, in plain values. Most of what they need comes
/// with the order events (events.hpp); this is for reading one order on demand (a kitchen
/// screen's recall, a notification re-sent later). In the all-in-one process the order module
/// implements it directly.
#include <cstdint>
#include <optional>
#include <string>

#include "lib/core/money.hpp"
#include "lib/core/result.hpp"

namespace vetahut::order {

/// An order at a glance.
struct OrderSummary {
  std::string id;
  std::string store_id;
  std::optional<std::string> customer_id;
  std::int64_t number = 0;
  std::string business_date;
  std::string type;    ///< delivery | carryout | dine_in
  std::string status;  ///< pending_payment | confirmed | preparing | baking | ready | …
  core::MoneyAmount total;
  std::string promised_at;
  std::string created_at;
  template <class V>
  void Visit(V& v) {
    v("id", id);
    v("store_id", store_id);
    v("customer_id", customer_id);
    v("number", number);
    v("business_date", business_date);
    v("type", type);
    v("status", status);
    v("total", total);
    v("promised_at", promised_at);
    v("created_at", created_at);
  }
};

class OrderClient {
 public:
  virtual ~OrderClient() = default;
  /// kNotFound for an unknown order.
  virtual core::Result<OrderSummary> GetOrder(const std::string& order_id) = 0;
};

}  // namespace vetahut::order
