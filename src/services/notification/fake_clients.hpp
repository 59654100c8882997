#pragma once
/// Stand-ins for the clients the notification service needs (header-only, for its tests and its
/// benchmark): one store in Chicago, and customers and managers held in memory.
#include <map>
#include <string>
#include <vector>

#include "services/customer/client.hpp"
#include "services/location/client.hpp"

namespace vetahut::notification::testing {

/// One store, "Veta Hut Loop" in America/Chicago, under `id`; any other id is kNotFound.
class OneStore final : public location::StoreDirectoryClient {
 public:
  explicit OneStore(std::string id) : id_(std::move(id)) {}
  core::Result<location::StoreSummary> GetStore(const std::string& id) override {
    if (id != id_) return core::Fail(core::Error::NotFound("store '" + id + "' does not exist"));
    return location::StoreSummary{
        id_, "Veta Hut Loop", "USD", "en-US", "America/Chicago", "+13125550100", 41.88, -87.63, {}};
  }
  core::Result<std::vector<location::StoreSummary>> ListStores() override {
    return std::vector{*GetStore(id_)};
  }

 private:
  std::string id_;
};

/// Contacts by account id; `managers` are every store's store_managers; `down` fails every call.
class InMemoryCustomers final : public customer::CustomerClient {
 public:
  std::map<std::string, customer::CustomerContact> contacts;
  std::vector<customer::CustomerContact> managers;
  bool down = false;

  core::Status ReservePoints(const std::string&, const std::string&, std::int64_t,
                             const std::string&) override {
    return core::Ok();
  }
  core::Status ReleasePoints(const std::string&) override { return core::Ok(); }
  core::Result<customer::CustomerContact> GetContact(const std::string& id) override {
    if (down) return core::Fail(core::Error::Unavailable("customer service down"));
    auto it = contacts.find(id);
    if (it == contacts.end()) return core::Fail(core::Error::NotFound("no such account"));
    return it->second;
  }
  core::Result<std::vector<customer::CustomerContact>> ListStaff(const std::string&,
                                                                 const std::string& role) override {
    if (down) return core::Fail(core::Error::Unavailable("customer service down"));
    if (role != "store_manager") return std::vector<customer::CustomerContact>{};
    return managers;
  }
};

}  // namespace vetahut::notification::testing
