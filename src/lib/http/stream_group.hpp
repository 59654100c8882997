#pragma once
/// Live streams grouped by what they follow (an order, a store's kitchen): register, look up a
/// key's followers to send to, keep idle connections alive, forget closed ones, end all at
/// shutdown. `Follower` is any struct with a `std::shared_ptr<EventStream> stream` member.
#include <algorithm>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/http/sse.hpp"

namespace vetahut::http {

template <class Follower>
class StreamGroup {
 public:
  std::shared_ptr<Follower> Add(const std::string& key, Follower follower) {
    auto f = std::make_shared<Follower>(std::move(follower));
    std::lock_guard lock(mutex_);
    followers_[key].push_back(f);
    return f;
  }

  /// The followers of `key` now (a copy: send to them without holding the group's lock).
  std::vector<std::shared_ptr<Follower>> Of(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = followers_.find(key);
    return it == followers_.end() ? std::vector<std::shared_ptr<Follower>>{} : it->second;
  }

  /// Every key followed now.
  std::vector<std::string> Keys() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    out.reserve(followers_.size());
    for (const auto& [key, list] : followers_) out.push_back(key);
    return out;
  }

  /// A comment to every stream (proxies keep idle connections) and forgets streams whose client
  /// has gone.
  void Keepalive() {
    std::lock_guard lock(mutex_);
    for (auto it = followers_.begin(); it != followers_.end();) {
      auto& list = it->second;
      list.erase(std::remove_if(list.begin(), list.end(), [](const auto& f) { return f->stream->closed(); }), list.end());
      for (const auto& f : list) f->stream->Comment("keepalive");
      it = list.empty() ? followers_.erase(it) : std::next(it);
    }
  }

  /// Ends every stream (shutdown): clients reconnect, to another replica if need be.
  void CloseAll() {
    std::lock_guard lock(mutex_);
    for (const auto& [key, list] : followers_) {
      for (const auto& f : list) f->stream->Close();
    }
    followers_.clear();
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [key, list] : followers_) n += list.size();
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::shared_ptr<Follower>>> followers_;
};

}  // namespace vetahut::http
