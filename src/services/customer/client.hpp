#pragma once
/// What other services ask of the customer service, in plain values: loyalty points held for an
/// order's reward (the order saga) and how to reach a customer or a store's staff (notifications). Token checks go
/// through `auth::TokenVerifier`, which the customer module offers too.
#include <cstdint>
#include <string>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::customer {

/// How to reach a customer.
struct CustomerContact {
  std::string customer_id;
  std::string email;
  std::string name;
  std::string phone;   ///< E.164, may be empty
  bool email_verified = false;
  bool marketing_consent = false;
  template <class V>
  void Visit(V& v) {
    v("customer_id", customer_id);
    v("email", email);
    v("name", name);
    v("phone", phone);
    v("email_verified", email_verified);
    v("marketing_consent", marketing_consent);
  }
};

class CustomerClient {
 public:
  virtual ~CustomerClient() = default;
  /// Holds `points` of `customer_id` for `reward_id` on `order_id`. Idempotent per order. Too few
  /// points → kValidation on `reward_id`.
  virtual core::Status ReservePoints(const std::string& customer_id, const std::string& order_id, std::int64_t points,
                                     const std::string& reward_id) = 0;
  /// Gives an order's held points back (cancelled, rejected). Idempotent; nothing held → Ok.
  virtual core::Status ReleasePoints(const std::string& order_id) = 0;
  /// kNotFound for an unknown or erased account.
  virtual core::Result<CustomerContact> GetContact(const std::string& customer_id) = 0;
  /// How to reach the staff holding `role` ("store_manager", …) for `store_id`, including those
  /// holding it for every store; erased accounts are left out. Ordered by account id.
  virtual core::Result<std::vector<CustomerContact>> ListStaff(const std::string& store_id, const std::string& role) = 0;
};

}  // namespace vetahut::customer
