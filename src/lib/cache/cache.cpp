#include "lib/cache/cache.hpp"

#include <stdexcept>

#include "lib/cache/cache_url.hpp"
#include "lib/cache/memory_cache.hpp"
#include "lib/cache/redis_cache.hpp"
#include "lib/log/log.hpp"

namespace vetahut::cache {

std::unique_ptr<Cache> OpenCache(const std::string& url, const CacheOptions& options,
                                 const core::Clock& clock) {
  auto parsed = ParseCacheUrl(url);
  if (!parsed) throw std::invalid_argument("cache.url: " + parsed.error().detail);
  if (parsed->kind == CacheUrl::Kind::kMemory) return std::make_unique<MemoryCache>(clock);
  return MakeRedisCache(*parsed, options);
}

OutageLog::OutageLog(std::string use, std::string fallback)
    : use_(std::move(use)), fallback_(std::move(fallback)) {}

bool OutageLog::Failed(const core::Error& error) {
  if (down_.exchange(true)) return false;
  log::Warn("the cache is unavailable",
            {{"use", use_}, {"meanwhile", fallback_}, {"error", error.detail}});
  return true;
}

void OutageLog::Succeeded() {
  if (!down_.load(std::memory_order_relaxed)) return;
  if (down_.exchange(false)) log::Info("the cache is back", {{"use", use_}});
}

bool OutageLog::down() const { return down_.load(std::memory_order_relaxed); }

}  // namespace vetahut::cache
