#include "services/kitchen/stream.hpp"

namespace vetahut::kitchen {

std::shared_ptr<KitchenStreams::Follower> KitchenStreams::Follow(const std::string& store_id,
                                                                 std::shared_ptr<http::EventStream> stream,
                                                                 std::string station, std::int64_t seen) {
  return group_.Add(store_id, Follower{std::move(stream), std::move(station), seen});
}

void KitchenStreams::Publish(const std::string& store_id, std::int64_t seq, std::string_view event,
                             const std::function<std::string(const std::string& station)>& render) {
  std::map<std::string, std::string> rendered;  // one rendering per station followed
  const std::string id = std::to_string(seq);
  for (const auto& f : group_.Of(store_id)) {
    if (seq <= f->seen || f->stream->closed()) continue;
    auto [it, fresh] = rendered.try_emplace(f->station);
    if (fresh) it->second = render(f->station);
    f->seen = seq;
    f->stream->Send(event, it->second, id);
  }
}

std::optional<std::int64_t> KitchenStreams::OldestSeen(const std::string& store_id) const {
  std::optional<std::int64_t> oldest;
  for (const auto& f : group_.Of(store_id)) {
    if (f->stream->closed()) continue;
    if (!oldest || f->seen < *oldest) oldest = f->seen;
  }
  return oldest;
}

void KitchenStreams::Keepalive() { group_.Keepalive(); }

void KitchenStreams::CloseAll() { group_.CloseAll(); }

std::size_t KitchenStreams::followers() const { return group_.size(); }

}  // namespace vetahut::kitchen
