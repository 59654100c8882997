#pragma once
/// Events the customer service publishes (codec in events.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lib/bus/typed_event.hpp"

namespace vetahut::customer::events {

inline constexpr std::string_view kSource = "/vetahut/customer";

/// A customer signed up.
struct CustomerRegistered {
  VETAHUT_EVENT(CustomerRegistered, events::kSource, "com.vetahut.customer.registered", 1)
  std::string customer_id;
  std::string email;
  std::string name;
  bool marketing_consent = false;
  template <class V>
  void Visit(V& v) {
    v("customer_id", customer_id);
    v("email", email);
    v("name", name);
    v("marketing_consent", marketing_consent);
  }
};

/// A verification link to send (the only place the raw token appears).
struct EmailVerificationRequested {
  VETAHUT_EVENT(EmailVerificationRequested, events::kSource, "com.vetahut.customer.email_verification_requested", 1)
  std::string customer_id;
  std::string email;
  std::string name;
  std::string verify_url;  ///< relative to the web app, e.g. "/verify-email?token=…"
  template <class V>
  void Visit(V& v) {
    v("customer_id", customer_id);
    v("email", email);
    v("name", name);
    v("verify_url", verify_url);
  }
};

/// A password reset link to send.
struct PasswordResetRequested {
  VETAHUT_EVENT(PasswordResetRequested, events::kSource, "com.vetahut.customer.password_reset_requested", 1)
  std::string customer_id;
  std::string email;
  std::string name;
  std::string reset_url;  ///< relative to the web app, e.g. "/reset-password?token=…"
  template <class V>
  void Visit(V& v) {
    v("customer_id", customer_id);
    v("email", email);
    v("name", name);
    v("reset_url", reset_url);
  }
};

/// A customer erased their account: forget their personal data.
struct CustomerDeleted {
  VETAHUT_EVENT(CustomerDeleted, events::kSource, "com.vetahut.customer.deleted", 1)
  std::string customer_id;
  template <class V>
  void Visit(V& v) {
    v("customer_id", customer_id);
  }
};

/// A row of the loyalty ledger.
struct LoyaltyPointsChanged {
  VETAHUT_EVENT(LoyaltyPointsChanged, events::kSource, "com.vetahut.loyalty.points_changed", 1)
  std::string customer_id;
  std::int64_t points = 0;  ///< + earned/released/credited, − reserved/debited
  std::string kind;         ///< earn | reserve | release | adjust
  std::string order_id;     ///< "" for adjustments
  template <class V>
  void Visit(V& v) {
    v("customer_id", customer_id);
    v("points", points);
    v("kind", kind);
    v("order_id", order_id);
  }
};

}  // namespace vetahut::customer::events
