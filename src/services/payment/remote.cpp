#include "services/payment/remote.hpp"

#include "lib/rpc/typed.hpp"

namespace vetahut::payment {
namespace {

struct PaymentArgs {
  std::string order_id, token, owner, key, reason;
  std::optional<core::MoneyAmount> amount;
  template <class V>
  void Visit(V& v) {
    v("order_id", order_id);
    v("token", token);
    v("owner", owner);
    v("amount", amount);
    v("key", key);
    v("reason", reason);
  }
};

struct OutcomeAnswer {
  std::string status;  ///< authorized | pending | declined
  std::string decline_code, message;
  template <class V>
  void Visit(V& v) {
    v("status", status);
    v("decline_code", decline_code);
    v("message", message);
  }
};

OutcomeAnswer ToAnswer(const AuthorizationOutcome& o) {
  const char* status = o.status == AuthorizationStatus::kAuthorized ? "authorized"
                       : o.status == AuthorizationStatus::kPending  ? "pending"
                                                                     : "declined";
  return {status, o.decline_code, o.message};
}

core::Result<AuthorizationOutcome> FromAnswer(core::Result<OutcomeAnswer> answer) {
  if (!answer) return core::Fail(std::move(answer.error()));
  AuthorizationOutcome out{AuthorizationStatus::kDeclined, answer->decline_code, answer->message};
  if (answer->status == "authorized") {
    out.status = AuthorizationStatus::kAuthorized;
  } else if (answer->status == "pending") {
    out.status = AuthorizationStatus::kPending;
  } else if (answer->status != "declined") {
    return core::Fail(core::Error::Unavailable("the payment service sent an unknown authorization status"));
  }
  return out;
}

core::Result<core::Money> RequiredMoney(const std::optional<core::MoneyAmount>& amount) {
  if (!amount) return core::Fail(core::Error::Validation({{"amount", "is required"}}));
  if (!core::Currency::Find(amount->currency)) return core::Fail(core::Error::Validation({{"amount.currency", "is not an ISO-4217 code"}}));
  return amount->ToMoney();
}

class RemotePayment final : public PaymentClient {
 public:
  explicit RemotePayment(rpc::ChannelOptions options) : channel_(std::move(options)) {}

  core::Result<CardTokenInfo> FindToken(const std::string& token, const std::string& owner) override {
    return rpc::Call<CardTokenInfo>(channel_, "find-token", PaymentArgs{.token = token, .owner = owner}, rpc::Retry::kIdempotent);
  }
  core::Result<AuthorizationOutcome> Authorize(const std::string& order_id, const std::string& token,
                                               const core::Money& amount) override {
    PaymentArgs args{.order_id = order_id, .token = token, .amount = core::MoneyAmount::Of(amount)};
    return FromAnswer(rpc::Call<OutcomeAnswer>(channel_, "authorize", args, rpc::Retry::kIdempotent));
  }
  core::Status PayAtStore(const std::string& order_id, const core::Money& amount) override {
    PaymentArgs args{.order_id = order_id, .amount = core::MoneyAmount::Of(amount)};
    return rpc::CallStatus(channel_, "pay-at-store", args, rpc::Retry::kIdempotent);
  }
  core::Result<AuthorizationOutcome> CheckPending(const std::string& order_id) override {
    return FromAnswer(rpc::Call<OutcomeAnswer>(channel_, "check-pending", PaymentArgs{.order_id = order_id}, rpc::Retry::kIdempotent));
  }
  core::Status Capture(const std::string& order_id, const core::Money& amount) override {
    PaymentArgs args{.order_id = order_id, .amount = core::MoneyAmount::Of(amount)};
    return rpc::CallStatus(channel_, "capture", args, rpc::Retry::kIdempotent);
  }
  core::Status Void(const std::string& order_id) override {
    return rpc::CallStatus(channel_, "void", PaymentArgs{.order_id = order_id}, rpc::Retry::kIdempotent);
  }
  core::Result<PaymentView> Refund(const std::string& order_id, const core::Money& amount, const std::string& key,
                                   const std::string& reason) override {
    PaymentArgs args{.order_id = order_id, .key = key, .reason = reason, .amount = core::MoneyAmount::Of(amount)};
    return rpc::Call<PaymentView>(channel_, "refund", args, rpc::Retry::kIdempotent);
  }
  core::Result<PaymentView> Get(const std::string& order_id) override {
    return rpc::Call<PaymentView>(channel_, "get", PaymentArgs{.order_id = order_id}, rpc::Retry::kIdempotent);
  }

 private:
  rpc::Channel channel_;
};

}  // namespace

void ServeClient(http::Router& router, PaymentClient& client) {
  rpc::Serve<PaymentArgs>(router, "payment", "find-token", [&client](const PaymentArgs& a) { return client.FindToken(a.token, a.owner); });
  rpc::Serve<PaymentArgs>(router, "payment", "authorize", [&client](const PaymentArgs& a) -> core::Result<OutcomeAnswer> {
    auto amount = RequiredMoney(a.amount);
    if (!amount) return core::Fail(std::move(amount.error()));
    auto outcome = client.Authorize(a.order_id, a.token, *amount);
    if (!outcome) return core::Fail(std::move(outcome.error()));
    return ToAnswer(*outcome);
  });
  rpc::Serve<PaymentArgs>(router, "payment", "pay-at-store", [&client](const PaymentArgs& a) -> core::Status {
    auto amount = RequiredMoney(a.amount);
    if (!amount) return core::Fail(std::move(amount.error()));
    return client.PayAtStore(a.order_id, *amount);
  });
  rpc::Serve<PaymentArgs>(router, "payment", "check-pending", [&client](const PaymentArgs& a) -> core::Result<OutcomeAnswer> {
    auto outcome = client.CheckPending(a.order_id);
    if (!outcome) return core::Fail(std::move(outcome.error()));
    return ToAnswer(*outcome);
  });
  rpc::Serve<PaymentArgs>(router, "payment", "capture", [&client](const PaymentArgs& a) -> core::Status {
    auto amount = RequiredMoney(a.amount);
    if (!amount) return core::Fail(std::move(amount.error()));
    return client.Capture(a.order_id, *amount);
  });
  rpc::Serve<PaymentArgs>(router, "payment", "void", [&client](const PaymentArgs& a) { return client.Void(a.order_id); });
  rpc::Serve<PaymentArgs>(router, "payment", "refund", [&client](const PaymentArgs& a) -> core::Result<PaymentView> {
    auto amount = RequiredMoney(a.amount);
    if (!amount) return core::Fail(std::move(amount.error()));
    return client.Refund(a.order_id, *amount, a.key, a.reason);
  });
  rpc::Serve<PaymentArgs>(router, "payment", "get", [&client](const PaymentArgs& a) { return client.Get(a.order_id); });
}

std::shared_ptr<PaymentClient> RemoteClient(rpc::ChannelOptions options) {
  return std::make_shared<RemotePayment>(std::move(options));
}

}  // namespace vetahut::payment
