#include "services/customer/remote.hpp"

#include "lib/log/log.hpp"
#include "lib/rpc/typed.hpp"
#include "services/customer/module.hpp"

namespace vetahut::customer {
namespace {

struct CustomerArgs {
  std::string customer_id, order_id, reward_id, store_id, role;
  std::int64_t points = 0;
  template <class V>
  void Visit(V& v) {
    v("customer_id", customer_id);
    v("order_id", order_id);
    v("points", points);
    v("reward_id", reward_id);
    v("store_id", store_id);
    v("role", role);
  }
};

struct StaffAnswer {
  std::vector<CustomerContact> items;
  template <class V>
  void Visit(V& v) {
    v("items", items);
  }
};

struct AuditArgs {
  std::string actor, action, target, detail;
  template <class V>
  void Visit(V& v) {
    v("actor", actor);
    v("action", action);
    v("target", target);
    v("detail", detail);
  }
};

class RemoteCustomer final : public CustomerClient {
 public:
  explicit RemoteCustomer(rpc::ChannelOptions options) : channel_(std::move(options)) {}
  core::Status ReservePoints(const std::string& customer_id, const std::string& order_id, std::int64_t points,
                             const std::string& reward_id) override {
    CustomerArgs args{.customer_id = customer_id, .order_id = order_id, .reward_id = reward_id, .points = points};
    return rpc::CallStatus(channel_, "reserve-points", args, rpc::Retry::kIdempotent);
  }
  core::Status ReleasePoints(const std::string& order_id) override {
    return rpc::CallStatus(channel_, "release-points", CustomerArgs{.order_id = order_id}, rpc::Retry::kIdempotent);
  }
  core::Result<CustomerContact> GetContact(const std::string& customer_id) override {
    return rpc::Call<CustomerContact>(channel_, "get-contact", CustomerArgs{.customer_id = customer_id}, rpc::Retry::kIdempotent);
  }
  core::Result<std::vector<CustomerContact>> ListStaff(const std::string& store_id, const std::string& role) override {
    auto answer = rpc::Call<StaffAnswer>(channel_, "list-staff", CustomerArgs{.store_id = store_id, .role = role},
                                         rpc::Retry::kIdempotent);
    if (!answer) return core::Fail(std::move(answer.error()));
    return std::move(answer->items);
  }

 private:
  rpc::Channel channel_;
};

class RemoteAuditLog final : public AuditLog {
 public:
  explicit RemoteAuditLog(rpc::ChannelOptions options) : channel_(std::move(options)) {}
  void Record(const std::string& actor, const std::string& action, const std::string& target, const std::string& detail) override {
    // Sent once: a repeated entry would be a second record of one action.
    if (auto sent = rpc::CallStatus(channel_, "audit", AuditArgs{actor, action, target, detail}, rpc::Retry::kOnce); !sent) {
      log::Warn("staff action not written to the audit log", {{"actor", actor}, {"action", action}, {"target", target},
                                                               {"status", detail}, {"error", sent.error().detail}});
    }
  }

 private:
  rpc::Channel channel_;
};

}  // namespace

void ServeClient(http::Router& router, CustomerClient& client) {
  rpc::Serve<CustomerArgs>(router, "customer", "reserve-points", [&client](const CustomerArgs& a) {
    return client.ReservePoints(a.customer_id, a.order_id, a.points, a.reward_id);
  });
  rpc::Serve<CustomerArgs>(router, "customer", "release-points", [&client](const CustomerArgs& a) { return client.ReleasePoints(a.order_id); });
  rpc::Serve<CustomerArgs>(router, "customer", "get-contact", [&client](const CustomerArgs& a) { return client.GetContact(a.customer_id); });
  rpc::Serve<CustomerArgs>(router, "customer", "list-staff", [&client](const CustomerArgs& a) -> core::Result<StaffAnswer> {
    auto staff = client.ListStaff(a.store_id, a.role);
    if (!staff) return core::Fail(std::move(staff.error()));
    return StaffAnswer{std::move(*staff)};
  });
}

void ServeAudit(http::Router& router, AuditLog& audit) {
  rpc::Serve<AuditArgs>(router, "customer", "audit", [&audit](const AuditArgs& a) -> core::Status {
    audit.Record(a.actor, a.action, a.target, a.detail);
    return core::Ok();
  });
}

std::shared_ptr<CustomerClient> RemoteClient(rpc::ChannelOptions options) {
  return std::make_shared<RemoteCustomer>(std::move(options));
}
std::shared_ptr<AuditLog> RemoteAudit(rpc::ChannelOptions options) { return std::make_shared<RemoteAuditLog>(std::move(options)); }

}  // namespace vetahut::customer
