#include "lib/module/module.hpp"

namespace vetahut::module {

void ClientRegistry::Put(const std::string& name, std::type_index type, void* client, std::shared_ptr<void> owned) {
  if (entries_.contains(name)) throw std::logic_error("client '" + name + "' is provided twice");
  entries_.emplace(name, Entry{type, client, std::move(owned)});
}

bool ClientRegistry::IsRemote(const std::string& name) const {
  auto it = entries_.find(name);
  return it != entries_.end() && it->second.owned != nullptr;
}

void* ClientRegistry::Lookup(const std::string& name, std::type_index type) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) return nullptr;
  if (it->second.type != type) throw std::logic_error("client '" + name + "' has another interface than asked for");
  return it->second.client;
}

}  // namespace vetahut::module
