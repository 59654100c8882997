#pragma once
/// What other services ask of the payment service, in plain values: the order saga's money
/// steps. Every operation is idempotent per order (a retried or resumed step asks the processor
/// again with the same key and never moves money twice). In the all-in-one process the payment
/// module implements it directly.
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/money.hpp"
#include "lib/core/result.hpp"

namespace vetahut::payment {

/// A card token as it may be kept: never a card number.
/// The owner of card tokens a guest made (POST /api/v1/guest/payments/tokens, decision 0028):
/// only a guest's placement (POST /api/v1/guest/orders) may pay with them.
inline constexpr std::string_view kGuestOwner = "guest";

struct CardTokenInfo {
  std::string token;
  std::string brand;  ///< visa | mastercard | amex | discover | unknown
  std::string last4;
  int exp_month = 0;
  int exp_year = 0;
  template <class V>
  void Visit(V& v) {
    v("token", token);
    v("brand", brand);
    v("last4", last4);
    v("exp_month", exp_month);
    v("exp_year", exp_year);
  }
};

/// What an authorization came to.
enum class AuthorizationStatus {
  kAuthorized,  ///< the amount is held on the card
  kPending,     ///< the processor has not decided (a callback or CheckPending tells later)
  kDeclined,    ///< refused: `decline_code` says why
};

struct AuthorizationOutcome {
  AuthorizationStatus status = AuthorizationStatus::kAuthorized;
  std::string decline_code;  ///< card_declined | insufficient_funds | processing_error | expired_card | incorrect_cvc …
  std::string message;
};

/// A payment as the API shows it (no card number exists to show).
struct PaymentView {
  std::string id;
  std::string order_id;
  std::string method;  ///< card | pay_at_store
  std::string provider;
  std::string brand;
  std::string last4;
  std::string reference;
  std::string currency;
  std::int64_t amount = 0;  ///< what the order asked for
  std::int64_t authorized = 0;
  std::int64_t captured = 0;
  std::int64_t voided = 0;
  std::int64_t refunded = 0;
  std::string status;  ///< pending | authorized | declined | captured | voided | refunded | partially_refunded | due
  std::string decline_code;
  template <class V>
  void Visit(V& v) {
    v("id", id);
    v("order_id", order_id);
    v("method", method);
    v("provider", provider);
    v("brand", brand);
    v("last4", last4);
    v("reference", reference);
    v("currency", currency);
    v("amount", amount);
    v("authorized", authorized);
    v("captured", captured);
    v("voided", voided);
    v("refunded", refunded);
    v("status", status);
    v("decline_code", decline_code);
  }
};

class PaymentClient {
 public:
  virtual ~PaymentClient() = default;
  /// A token `owner` (the subject that created it) may pay with now: its own, not used by another
  /// order unless saved, not expired. Anything else — unknown, someone else's, used, expired — is
  /// the same kValidation on `payment.token`, which never says whose a token was.
  virtual core::Result<CardTokenInfo> FindToken(const std::string& token, const std::string& owner) = 0;
  /// Holds the order's amount on the card, using the token up (a saved card's stays usable).
  /// Declines are outcomes, not errors; a token another order used meanwhile is a decline
  /// (`token_used`); kUnavailable means the processor could not be reached — retry, it is safe.
  virtual core::Result<AuthorizationOutcome> Authorize(const std::string& order_id, const std::string& token,
                                                       const core::Money& amount) = 0;
  /// The order is paid at the store: a payment "due" with nothing held.
  virtual core::Status PayAtStore(const std::string& order_id, const core::Money& amount) = 0;
  /// Asks the processor about a pending authorization and records what it says.
  virtual core::Result<AuthorizationOutcome> CheckPending(const std::string& order_id) = 0;
  /// Order completed: captures the hold (the rest of a larger hold is released) or records the
  /// cash collected.
  virtual core::Status Capture(const std::string& order_id, const core::Money& amount) = 0;
  /// Order cancelled or rejected before capture: releases the hold. Nothing held → Ok; already
  /// captured → kConflict (refund instead); no payment → kNotFound.
  virtual core::Status Void(const std::string& order_id) = 0;
  /// Returns `amount` (≤ captured − refunded) to the customer; `key` makes it idempotent; the
  /// `reason` ("" for none) travels with payment.refunded.
  virtual core::Result<PaymentView> Refund(const std::string& order_id, const core::Money& amount,
                                           const std::string& key, const std::string& reason) = 0;
  virtual core::Result<PaymentView> Get(const std::string& order_id) = 0;
};

}  // namespace vetahut::payment
