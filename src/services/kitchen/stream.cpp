#include "services/kitchen/stream.hpp"

#include <algorithm>

namespace vetahut::kitchen {

std::shared_ptr<KitchenStreams::Follower> KitchenStreams::Follow(const std::string& store_id,
                                                                 std::shared_ptr<http::EventStream> stream,
                                                                 std::string station, std::int64_t seen) {
  auto follower = std::make_shared<Follower>(Follower{std::move(stream), std::move(station), seen});
  std::lock_guard lock(mutex_);
  followers_[store_id].push_back(follower);
  return follower;
}

void KitchenStreams::Publish(const std::string& store_id, std::int64_t seq, std::string_view event,
                             const std::function<std::string(const std::string& station)>& render) {
  std::vector<std::shared_ptr<Follower>> targets;
  {
    std::lock_guard lock(mutex_);
    auto it = followers_.find(store_id);
    if (it == followers_.end()) return;
    targets = it->second;
  }
  std::map<std::string, std::string> rendered;
  const std::string id = std::to_string(seq);
  for (const auto& f : targets) {
    if (seq <= f->seen || f->stream->closed()) continue;
    auto [it, fresh] = rendered.try_emplace(f->station);
    if (fresh) it->second = render(f->station);
    f->seen = seq;
    f->stream->Send(event, it->second, id);
  }
}

void KitchenStreams::Keepalive() {
  std::lock_guard lock(mutex_);
  for (auto it = followers_.begin(); it != followers_.end();) {
    auto& list = it->second;
    list.erase(std::remove_if(list.begin(), list.end(), [](const auto& f) { return f->stream->closed(); }), list.end());
    for (const auto& f : list) f->stream->Comment("keepalive");
    it = list.empty() ? followers_.erase(it) : std::next(it);
  }
}

void KitchenStreams::CloseAll() {
  std::lock_guard lock(mutex_);
  for (const auto& [store, list] : followers_) {
    for (const auto& f : list) f->stream->Close();
  }
  followers_.clear();
}

std::size_t KitchenStreams::followers() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [store, list] : followers_) n += list.size();
  return n;
}

}  // namespace vetahut::kitchen
