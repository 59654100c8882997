#pragma once
/// The order service as a module: quotes, placement, the saga, tracking. Needs "location",
/// "stores", "menu", "payment" and "customer"; provides "order". Its settings (section [order])
/// live here.
#include <memory>

#include "lib/config/config.hpp"
#include "lib/module/module.hpp"

namespace vetahut::order {

/// Section [order].
struct OrderSettings {
  int payment_timeout_s = 600;  ///< a payment pending longer is voided and the order rejected
  int prep_minutes = 20;        ///< ASAP promise: now + prep (+ delivery estimate)
  int saga_lease_s = 15;        ///< a crashed saga runner's hold on an order expires after this
};

const config::Schema<OrderSettings>& OrderSchema();

std::unique_ptr<module::Module> MakeModule();

}  // namespace vetahut::order
