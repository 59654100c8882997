#include "services/order/tracker.hpp"

namespace vetahut::order {

std::mutex OrderTracker::deliver_mutex_;

std::shared_ptr<OrderTracker::Follower> OrderTracker::Follow(const std::string& order_id,
                                                             std::shared_ptr<http::EventStream> stream,
                                                             std::int64_t seen) {
  return group_.Add(order_id, Follower{std::move(stream), seen});
}

void OrderTracker::Deliver(const std::shared_ptr<Follower>& follower, const TrackedEvent& event) {
  std::lock_guard lock(deliver_mutex_);
  if (event.seq <= follower->seen) return;
  follower->seen = event.seq;
  follower->stream->Send("status", event.data, std::to_string(event.seq));
  if (event.last) follower->stream->Close();
}

void OrderTracker::Publish(const std::string& order_id, const TrackedEvent& event) {
  for (const auto& f : group_.Of(order_id)) Deliver(f, event);
}

void OrderTracker::Keepalive() { group_.Keepalive(); }

void OrderTracker::CloseAll() { group_.CloseAll(); }

std::size_t OrderTracker::followers() const { return group_.size(); }

}  // namespace vetahut::order
