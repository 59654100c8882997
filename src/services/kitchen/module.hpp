#pragma once
/// The kitchen service as a module: tickets, the kitchen stream, promise times, inventory and
/// deliveries. Needs "stores"; uses "menu" (auto-86), "location" (busy mode) and "customer"
/// (drivers' names) when present; provides "kitchen". Its settings (section [kitchen]) live here.
#include <memory>

#include "lib/config/config.hpp"
#include "lib/module/module.hpp"

namespace vetahut::kitchen {

/// Section [kitchen].
struct KitchenSettings {
  int driver_speed_kmh = 25;      ///< straight-line speed for delivery ETAs
  int batch_window_minutes = 5;   ///< deliveries ready this close together may share a run
  int batch_angle_degrees = 45;   ///< …when their directions from the store differ by at most this
  int max_run_size = 3;           ///< deliveries per suggested run
  int promise_step_seconds = 120; ///< a customer hears of a new time when it moved at least this much
};

const config::Schema<KitchenSettings>& KitchenSchema();

std::unique_ptr<module::Module> MakeModule();

}  // namespace vetahut::kitchen
