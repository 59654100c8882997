#pragma once
/// The menu service as a module: catalog versions per market, store prices, tax and the 86
/// switch, the cached public menu. Needs "stores"; provides "menu" (MenuClient).
#include <memory>

#include "lib/module/module.hpp"

namespace vetahut::menu {

std::unique_ptr<module::Module> MakeModule();

}  // namespace vetahut::menu
