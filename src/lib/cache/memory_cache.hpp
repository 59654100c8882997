#pragma once
/// The cache in this process's memory (`cache.url = "memory:"`, the default): what the all-in-one
/// needs, and the reference the Redis cache is tested against. Never fails.
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lib/cache/cache.hpp"

namespace vetahut::cache {

class MemoryCache final : public Cache {
 public:
  /// Expiry follows `clock` (tests move it by hand).
  explicit MemoryCache(const core::Clock& clock);
  ~MemoryCache() override;

  core::Result<ratelimit::Decision> TakeRate(std::string_view key, const ratelimit::Policy& policy,
                                             ratelimit::Micros now) override;
  core::Result<bool> SetIfAbsent(std::string_view key, std::string_view value,
                                 std::chrono::milliseconds ttl) override;
  core::Status Set(std::string_view key, std::string_view value,
                   std::chrono::milliseconds ttl) override;
  core::Result<bool> Exists(std::string_view key) override;
  core::Status Delete(std::string_view key) override;
  core::Result<bool> DeleteIfValue(std::string_view key, std::string_view value) override;
  std::string Describe() const override { return "memory:"; }
  bool Shared() const override { return false; }
  CacheStats Stats() const override { return {}; }

  /// Entries held, expired ones not yet swept included (tests).
  std::size_t size() const;

 private:
  struct Entry {
    std::string value;
    core::TimePoint expires_at;
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  /// The live entry under `key`, or nullptr (an expired one is erased). Holds mutex_.
  Entry* Live(std::string_view key, core::TimePoint now);
  void Put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
           core::TimePoint now);

  const core::Clock& clock_;
  ratelimit::Limiter limiter_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> entries_;
  std::size_t since_sweep_ = 0;
};

}  // namespace vetahut::cache
