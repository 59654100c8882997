#pragma once
/// Live order tracking: the SSE streams following each order. The order service publishes every
/// committed status change here; a client that reconnects with Last-Event-ID gets what it missed
/// from the order's event history first (see OrderService::Track), then live events, each once.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/http/sse.hpp"
#include "lib/http/stream_group.hpp"

namespace vetahut::order {

/// One stored order event, as trackers see it.
struct TrackedEvent {
  std::int64_t seq = 0;  ///< SSE id
  std::string status;
  std::string data;  ///< JSON
  bool last = false; ///< nothing follows for trackers: the stream ends after it
};

class OrderTracker {
 public:
  /// A follower that has seen everything up to `seen` (its Last-Event-ID).
  struct Follower {
    std::shared_ptr<http::EventStream> stream;
    std::int64_t seen = 0;
  };

  /// Registers a stream; events with seq ≤ `seen` are never sent to it.
  std::shared_ptr<Follower> Follow(const std::string& order_id, std::shared_ptr<http::EventStream> stream,
                                   std::int64_t seen);
  /// Sends `event` to the follower if it is new to it (history replay and live events race).
  static void Deliver(const std::shared_ptr<Follower>& follower, const TrackedEvent& event);
  /// A committed change of `order_id`: to every follower of it.
  void Publish(const std::string& order_id, const TrackedEvent& event);
  /// The followers of `order_id` now.
  std::vector<std::shared_ptr<Follower>> FollowersOf(const std::string& order_id) const { return group_.Of(order_id); }
  /// Every order followed in this process now.
  std::vector<std::string> Followed() const { return group_.Keys(); }
  /// A comment to every stream (keeps proxies from closing idle connections) and forgets
  /// streams whose client has gone.
  void Keepalive();
  /// Ends every stream (shutdown): clients reconnect with Last-Event-ID to another replica.
  void CloseAll();
  std::size_t followers() const;

 private:
  http::StreamGroup<Follower> group_;
  static std::mutex deliver_mutex_;
};

}  // namespace vetahut::order
