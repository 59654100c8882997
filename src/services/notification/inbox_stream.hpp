#pragma once
/// The in-app streams: each signed-in person's open SSE connections. The sender publishes an
/// item here once it is in their list (after the commit); a connection opened with Last-Event-ID
/// first gets what it missed from the list, then live items, each once.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "lib/http/sse.hpp"

namespace vetahut::notification {

class InboxStreams {
 public:
  struct Follower {
    std::shared_ptr<http::EventStream> stream;
    std::set<std::string> sent;  ///< item ids already on this stream (replay and live race)
  };

  std::shared_ptr<Follower> Follow(const std::string& account_id,
                                   std::shared_ptr<http::EventStream> stream);
  /// Sends `event` (`data`, SSE id `id`) to a follower unless it already has `id`.
  static void Deliver(const std::shared_ptr<Follower>& follower, std::string_view event,
                      std::string_view data, const std::string& id);
  /// To every follower of `account_id`.
  void Publish(const std::string& account_id, std::string_view event, std::string_view data,
               const std::string& id);
  /// A comment to every stream (proxies keep idle connections), and forgets closed ones.
  void Keepalive();
  /// Ends every stream (shutdown): clients reconnect with Last-Event-ID.
  void CloseAll();
  std::size_t followers() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::shared_ptr<Follower>>> followers_;
  static std::mutex deliver_mutex_;
};

}  // namespace vetahut::notification
