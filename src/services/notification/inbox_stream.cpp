#include "services/notification/inbox_stream.hpp"

#include <algorithm>

namespace vetahut::notification {

std::mutex InboxStreams::deliver_mutex_;

std::shared_ptr<InboxStreams::Follower> InboxStreams::Follow(
    const std::string& account_id, std::shared_ptr<http::EventStream> stream) {
  auto follower = std::make_shared<Follower>(Follower{std::move(stream), {}});
  std::lock_guard lock(mutex_);
  followers_[account_id].push_back(follower);
  return follower;
}

void InboxStreams::Deliver(const std::shared_ptr<Follower>& follower, std::string_view event,
                           std::string_view data, const std::string& id) {
  std::lock_guard lock(deliver_mutex_);
  if (!id.empty() && !follower->sent.insert(id).second) return;
  follower->stream->Send(event, data, id);
}

void InboxStreams::Publish(const std::string& account_id, std::string_view event,
                           std::string_view data, const std::string& id) {
  std::vector<std::shared_ptr<Follower>> targets;
  {
    std::lock_guard lock(mutex_);
    auto it = followers_.find(account_id);
    if (it == followers_.end()) return;
    targets = it->second;
  }
  for (const auto& f : targets) Deliver(f, event, data, id);
}

void InboxStreams::Keepalive() {
  std::lock_guard lock(mutex_);
  for (auto it = followers_.begin(); it != followers_.end();) {
    auto& list = it->second;
    list.erase(
        std::remove_if(list.begin(), list.end(), [](const auto& f) { return f->stream->closed(); }),
        list.end());
    for (const auto& f : list) f->stream->Comment("keepalive");
    it = list.empty() ? followers_.erase(it) : std::next(it);
  }
}

void InboxStreams::CloseAll() {
  std::lock_guard lock(mutex_);
  for (const auto& [account, list] : followers_) {
    for (const auto& f : list) f->stream->Close();
  }
  followers_.clear();
}

std::size_t InboxStreams::followers() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [account, list] : followers_) n += list.size();
  return n;
}

}  // namespace vetahut::notification
