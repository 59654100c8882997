#pragma once
/// The kitchen screens' live streams: per store, optionally per station. Every change a screen
/// must see has the store's next sequence number (its SSE id); a screen (re)connecting gets a
/// snapshot at the current number, then each later change once, in order (the service publishes
/// under the store's lock, in sequence order, after the commit).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

#include "lib/http/sse.hpp"
#include "lib/http/stream_group.hpp"

namespace vetahut::kitchen {

class KitchenStreams {
 public:
  struct Follower {
    std::shared_ptr<http::EventStream> stream;
    std::string station;    ///< "" = every station
    std::int64_t seen = 0;  ///< the last sequence number it has
  };

  /// Registers a stream that already has everything up to `seen` (its snapshot).
  std::shared_ptr<Follower> Follow(const std::string& store_id, std::shared_ptr<http::EventStream> stream,
                                   std::string station, std::int64_t seen);
  /// Change `seq` of `store_id`: `render(station)` gives the event data for followers of that
  /// station, called once per station followed.
  void Publish(const std::string& store_id, std::int64_t seq, std::string_view event,
               const std::function<std::string(const std::string& station)>& render);
  /// The lowest sequence number a follower of `store_id` has seen; nullopt with no follower.
  std::optional<std::int64_t> OldestSeen(const std::string& store_id) const;
  /// A comment to every stream (proxies keep idle connections) and forgets closed ones.
  void Keepalive();
  /// Ends every stream (shutdown): screens reconnect and get a fresh snapshot.
  void CloseAll();
  std::size_t followers() const;

 private:
  http::StreamGroup<Follower> group_;
};

}  // namespace vetahut::kitchen
