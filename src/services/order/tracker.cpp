#include "services/order/tracker.hpp"

#include <algorithm>
#include <string_view>

namespace vetahut::order {

std::mutex OrderTracker::deliver_mutex_;

std::shared_ptr<OrderTracker::Follower> OrderTracker::Follow(const std::string& order_id,
                                                             std::shared_ptr<http::EventStream> stream,
                                                             std::int64_t seen) {
  auto follower = std::make_shared<Follower>(Follower{std::move(stream), seen});
  std::lock_guard lock(mutex_);
  followers_[order_id].push_back(follower);
  return follower;
}

void OrderTracker::Deliver(const std::shared_ptr<Follower>& follower, const TrackedEvent& event) {
  std::lock_guard lock(deliver_mutex_);
  if (event.seq <= follower->seen) return;
  follower->seen = event.seq;
  follower->stream->Send("status", event.data, std::to_string(event.seq));
  if (event.last) follower->stream->Close();
}

void OrderTracker::Publish(const std::string& order_id, const TrackedEvent& event) {
  std::vector<std::shared_ptr<Follower>> targets;
  {
    std::lock_guard lock(mutex_);
    auto it = followers_.find(order_id);
    if (it == followers_.end()) return;
    targets = it->second;
  }
  for (const auto& f : targets) Deliver(f, event);
}

void OrderTracker::Keepalive() {
  std::lock_guard lock(mutex_);
  for (auto it = followers_.begin(); it != followers_.end();) {
    auto& list = it->second;
    list.erase(std::remove_if(list.begin(), list.end(), [](const auto& f) { return f->stream->closed(); }), list.end());
    for (const auto& f : list) f->stream->Comment("keepalive");
    it = list.empty() ? followers_.erase(it) : std::next(it);
  }
}

void OrderTracker::CloseAll() {
  std::lock_guard lock(mutex_);
  for (const auto& [id, list] : followers_) {
    for (const auto& f : list) f->stream->Close();
  }
  followers_.clear();
}

std::size_t OrderTracker::followers() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, list] : followers_) n += list.size();
  return n;
}

}  // namespace vetahut::order
