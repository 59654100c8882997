#pragma once
/// The location service as a module: stores, geo search, delivery zones, hours, slots, busy mode.
/// Provides "location" (LocationClient) and "stores" (StoreDirectoryClient).
#include <memory>

#include "lib/module/module.hpp"

namespace vetahut::location {

std::unique_ptr<module::Module> MakeModule();

}  // namespace vetahut::location
