#include "services/menu/domain/store_context.hpp"

namespace vetahut::menu {

bool IsEightySixed(const StoreMenuContext& store, std::string_view id, core::TimePoint now) {
  if (store.unavailable.empty()) return false;
  auto it = store.unavailable.find(id);
  if (it == store.unavailable.end()) return false;
  return !it->second.until || now < *it->second.until;
}

}  // namespace vetahut::menu
