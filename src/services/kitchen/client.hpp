#pragma once
/// What other services ask of the kitchen service, in plain values: when would an order be ready
/// if it were placed now (the order service's ASAP promise for quotes and placement). In the
/// all-in-one process the kitchen module implements it directly.
#include <cstdint>
#include <string>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"

namespace vetahut::kitchen {

/// One product to make, as the menu priced it.
struct EstimateItem {
  std::string product_id;
  std::string category_id;
  std::string kind;  ///< pizza | side | drink | dessert | other
  std::string size_id;
  int quantity = 1;
  template <class V>
  void Visit(V& v) {
    v("product_id", product_id);
    v("category_id", category_id);
    v("kind", kind);
    v("size_id", size_id);
    v("quantity", quantity);
  }
};

struct EstimateRequest {
  std::string store_id;
  std::string order_type;  ///< delivery | carryout | dine_in
  std::vector<EstimateItem> items;
  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("order_type", order_type);
    v("items", items);
  }
};

/// The kitchen's answer for an ASAP order.
struct KitchenEstimate {
  core::TimePoint ready_at{};  ///< when it would be ready if it reached the kitchen now
  int prep_seconds = 0;        ///< its own time in an empty kitchen
  int wait_seconds = 0;        ///< ready_at − now: prep plus the queue ahead of it
  bool busy = false;           ///< the wait is past the store's busy threshold
  template <class V>
  void Visit(V& v) {
    v("ready_at", ready_at);
    v("prep_seconds", prep_seconds);
    v("wait_seconds", wait_seconds);
    v("busy", busy);
  }
};

class KitchenClient {
 public:
  virtual ~KitchenClient() = default;
  /// kNotFound for an unknown store; kValidation when the request has no items or too many.
  virtual core::Result<KitchenEstimate> Estimate(const EstimateRequest& request) = 0;
};

}  // namespace vetahut::kitchen
