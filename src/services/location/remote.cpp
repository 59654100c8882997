#include "services/location/remote.hpp"

#include "lib/rpc/typed.hpp"

namespace vetahut::location {
namespace {

core::Result<ServiceType> ParseService(const std::string& name) {
  for (auto type : {ServiceType::kDelivery, ServiceType::kCarryout, ServiceType::kDineIn}) {
    if (ServiceTypeName(type) == name) return type;
  }
  return core::Fail(core::Error::Validation({{"service", "must be delivery, carryout or dine_in"}}));
}

std::optional<core::MoneyAmount> Amount(const std::optional<core::Money>& money) {
  if (!money) return std::nullopt;
  return core::MoneyAmount::Of(*money);
}
std::optional<core::Money> ToMoney(const std::optional<core::MoneyAmount>& amount) {
  if (!amount) return std::nullopt;
  return amount->ToMoney();
}

struct StoreArgs {
  std::string store_id;
  std::string service;  ///< delivery | carryout | dine_in, where the call has one
  double latitude = 0, longitude = 0;
  std::optional<core::TimePoint> at;  ///< slot start, or busy until
  std::string order_id, reason;
  template <class V>
  void Visit(V& v) {
    v("store_id", store_id);
    v("service", service);
    v("latitude", latitude);
    v("longitude", longitude);
    v("at", at);
    v("order_id", order_id);
    v("reason", reason);
  }
};

struct DeliveryAnswer {
  bool deliverable = false;
  std::string zone_id, zone_name;
  std::optional<core::MoneyAmount> fee, minimum_order;
  int estimate_minutes = 0;
  double distance_m = 0;
  template <class V>
  void Visit(V& v) {
    v("deliverable", deliverable);
    v("zone_id", zone_id);
    v("zone_name", zone_name);
    v("fee", fee);
    v("minimum_order", minimum_order);
    v("estimate_minutes", estimate_minutes);
    v("distance_m", distance_m);
  }
};

struct SlotAnswer {
  std::string order_id, store_id, service;
  core::TimePoint slot_start{}, slot_end{};
  template <class V>
  void Visit(V& v) {
    v("order_id", order_id);
    v("store_id", store_id);
    v("service", service);
    v("slot_start", slot_start);
    v("slot_end", slot_end);
  }
};

SlotAnswer ToAnswer(const SlotReservation& s) {
  return {s.order_id, s.store_id, std::string(ServiceTypeName(s.service)), s.slot_start, s.slot_end};
}

core::Result<SlotReservation> FromAnswer(core::Result<SlotAnswer> answer) {
  if (!answer) return core::Fail(std::move(answer.error()));
  auto service = ParseService(answer->service);
  if (!service) return core::Fail(core::Error::Unavailable("the location service sent an unknown service type"));
  return SlotReservation{answer->order_id, answer->store_id, *service, answer->slot_start, answer->slot_end};
}

class RemoteLocation final : public LocationClient {
 public:
  explicit RemoteLocation(rpc::ChannelOptions options) : channel_(std::move(options)) {}

  core::Result<DeliveryQuote> CheckDelivery(const std::string& store_id, LatLon point) override {
    StoreArgs args{.store_id = store_id, .latitude = point.latitude, .longitude = point.longitude};
    auto answer = rpc::Call<DeliveryAnswer>(channel_, "check-delivery", args, rpc::Retry::kIdempotent);
    if (!answer) return core::Fail(std::move(answer.error()));
    return DeliveryQuote{answer->deliverable, answer->zone_id, answer->zone_name, ToMoney(answer->fee),
                         ToMoney(answer->minimum_order), answer->estimate_minutes, answer->distance_m};
  }
  core::Result<StoreAvailability> Availability(const std::string& store_id, ServiceType service) override {
    StoreArgs args{.store_id = store_id, .service = std::string(ServiceTypeName(service))};
    return rpc::Call<StoreAvailability>(channel_, "availability", args, rpc::Retry::kIdempotent);
  }
  core::Result<SlotReservation> ReserveSlot(const std::string& store_id, ServiceType service, core::TimePoint slot_start,
                                            const std::string& order_id) override {
    // Idempotent per order: reserving again returns the same reservation.
    StoreArgs args{.store_id = store_id, .service = std::string(ServiceTypeName(service)), .at = slot_start, .order_id = order_id};
    return FromAnswer(rpc::Call<SlotAnswer>(channel_, "reserve-slot", args, rpc::Retry::kIdempotent));
  }
  core::Result<SlotReservation> CheckSlot(const std::string& store_id, ServiceType service, core::TimePoint slot_start) override {
    StoreArgs args{.store_id = store_id, .service = std::string(ServiceTypeName(service)), .at = slot_start};
    return FromAnswer(rpc::Call<SlotAnswer>(channel_, "check-slot", args, rpc::Retry::kIdempotent));
  }
  core::Status ReleaseSlot(const std::string& order_id) override {
    return rpc::CallStatus(channel_, "release-slot", StoreArgs{.order_id = order_id}, rpc::Retry::kIdempotent);
  }
  core::Status SetBusy(const std::string& store_id, const std::string& reason, core::TimePoint until) override {
    return rpc::CallStatus(channel_, "set-busy", StoreArgs{.store_id = store_id, .at = until, .reason = reason},
                           rpc::Retry::kIdempotent);
  }
  core::Status ClearBusy(const std::string& store_id, const std::string& reason) override {
    return rpc::CallStatus(channel_, "clear-busy", StoreArgs{.store_id = store_id, .reason = reason}, rpc::Retry::kIdempotent);
  }

 private:
  rpc::Channel channel_;
};

core::Result<core::TimePoint> Required(const std::optional<core::TimePoint>& at) {
  if (!at) return core::Fail(core::Error::Validation({{"at", "is required"}}));
  return *at;
}

}  // namespace

void ServeClient(http::Router& router, LocationClient& client) {
  rpc::Serve<StoreArgs>(router, "location", "check-delivery", [&client](const StoreArgs& a) -> core::Result<DeliveryAnswer> {
    auto quote = client.CheckDelivery(a.store_id, LatLon{a.latitude, a.longitude});
    if (!quote) return core::Fail(std::move(quote.error()));
    return DeliveryAnswer{quote->deliverable, quote->zone_id, quote->zone_name, Amount(quote->fee),
                          Amount(quote->minimum_order), quote->estimate_minutes, quote->distance_m};
  });
  rpc::Serve<StoreArgs>(router, "location", "availability", [&client](const StoreArgs& a) -> core::Result<StoreAvailability> {
    auto service = ParseService(a.service);
    if (!service) return core::Fail(std::move(service.error()));
    return client.Availability(a.store_id, *service);
  });
  rpc::Serve<StoreArgs>(router, "location", "reserve-slot", [&client](const StoreArgs& a) -> core::Result<SlotAnswer> {
    auto service = ParseService(a.service);
    if (!service) return core::Fail(std::move(service.error()));
    auto at = Required(a.at);
    if (!at) return core::Fail(std::move(at.error()));
    auto slot = client.ReserveSlot(a.store_id, *service, *at, a.order_id);
    if (!slot) return core::Fail(std::move(slot.error()));
    return ToAnswer(*slot);
  });
  rpc::Serve<StoreArgs>(router, "location", "check-slot", [&client](const StoreArgs& a) -> core::Result<SlotAnswer> {
    auto service = ParseService(a.service);
    if (!service) return core::Fail(std::move(service.error()));
    auto at = Required(a.at);
    if (!at) return core::Fail(std::move(at.error()));
    auto slot = client.CheckSlot(a.store_id, *service, *at);
    if (!slot) return core::Fail(std::move(slot.error()));
    return ToAnswer(*slot);
  });
  rpc::Serve<StoreArgs>(router, "location", "release-slot", [&client](const StoreArgs& a) { return client.ReleaseSlot(a.order_id); });
  rpc::Serve<StoreArgs>(router, "location", "set-busy", [&client](const StoreArgs& a) -> core::Status {
    auto at = Required(a.at);
    if (!at) return core::Fail(std::move(at.error()));
    return client.SetBusy(a.store_id, a.reason, *at);
  });
  rpc::Serve<StoreArgs>(router, "location", "clear-busy", [&client](const StoreArgs& a) { return client.ClearBusy(a.store_id, a.reason); });
}

std::shared_ptr<LocationClient> RemoteClient(rpc::ChannelOptions options) {
  return std::make_shared<RemoteLocation>(std::move(options));
}

}  // namespace vetahut::location
