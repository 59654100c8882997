#pragma once
/// The cache in Redis (`cache.url = "redis://…"`), through hiredis (synchronous, plain sockets).
/// The client library stays inside redis_cache.cpp.
#include <memory>

#include "lib/cache/cache.hpp"
#include "lib/cache/cache_url.hpp"

namespace vetahut::cache {

/// A Redis cache for `url` (kind kRedis): a pool of at most `options.pool_size` connections opened
/// on demand, each command bounded by `options.timeout`. After a failure (refused, timed out,
/// closed) calls fail at once with kUnavailable for a back-off (first_backoff doubling to
/// max_backoff); then one call tries again while the others keep failing fast, so a Redis that is
/// down costs a failed call, never a hang. The rate-limit take is a Lua script (EVALSHA, EVAL
/// when the server does not know it yet).
std::unique_ptr<Cache> MakeRedisCache(const CacheUrl& url, const CacheOptions& options);

}  // namespace vetahut::cache
