#include "lib/cache/memory_cache.hpp"

#include <algorithm>

namespace vetahut::cache {

namespace {
constexpr std::size_t kSweepEvery = 1024;  // writes between sweeps of expired entries
}

MemoryCache::MemoryCache(const core::Clock& clock) : clock_(clock) {}
MemoryCache::~MemoryCache() = default;

core::Result<ratelimit::Decision> MemoryCache::TakeRate(std::string_view key,
                                                        const ratelimit::Policy& policy,
                                                        ratelimit::Micros now) {
  return limiter_.Take(key, policy, now);
}

MemoryCache::Entry* MemoryCache::Live(std::string_view key, core::TimePoint now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.expires_at <= now) {
    entries_.erase(it);
    return nullptr;
  }
  return &it->second;
}

void MemoryCache::Put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
                      core::TimePoint now) {
  if (++since_sweep_ >= kSweepEvery) {
    since_sweep_ = 0;
    std::erase_if(entries_, [now](const auto& e) { return e.second.expires_at <= now; });
  }
  Entry entry{std::string(value), now + std::chrono::duration_cast<std::chrono::microseconds>(ttl)};
  if (auto it = entries_.find(key); it != entries_.end()) {
    it->second = std::move(entry);
  } else {
    entries_.emplace(std::string(key), std::move(entry));
  }
}

core::Result<bool> MemoryCache::SetIfAbsent(std::string_view key, std::string_view value,
                                            std::chrono::milliseconds ttl) {
  const auto now = clock_.Now();
  std::lock_guard lock(mutex_);
  if (Live(key, now)) return false;
  Put(key, value, ttl, now);
  return true;
}

core::Status MemoryCache::Set(std::string_view key, std::string_view value,
                              std::chrono::milliseconds ttl) {
  const auto now = clock_.Now();
  std::lock_guard lock(mutex_);
  Put(key, value, ttl, now);
  return core::Ok();
}

core::Result<bool> MemoryCache::Exists(std::string_view key) {
  const auto now = clock_.Now();
  std::lock_guard lock(mutex_);
  return Live(key, now) != nullptr;
}

core::Status MemoryCache::Delete(std::string_view key) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) entries_.erase(it);
  return core::Ok();
}

core::Result<bool> MemoryCache::DeleteIfValue(std::string_view key, std::string_view value) {
  const auto now = clock_.Now();
  std::lock_guard lock(mutex_);
  Entry* entry = Live(key, now);
  if (!entry || entry->value != value) return false;
  entries_.erase(entries_.find(key));
  return true;
}

std::size_t MemoryCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace vetahut::cache
