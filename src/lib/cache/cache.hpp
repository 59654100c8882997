#pragma once
/// The cache (`cache.url`): short-lived state the processes of a chain share — rate-limit cells,
/// revoked access tokens, in-flight markers of idempotent requests. In this process (`memory:`,
/// the all-in-one) or in Redis (`redis://…`, every replica sees the same state).
///
/// The cache is never the only copy of anything, and a cache that is down answers at once with
/// kUnavailable instead of hanging: each use decides what to do then (docs/decisions/0043).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"
#include "lib/ratelimit/gcra.hpp"

namespace vetahut::cache {

/// What operators see of a cache (metrics, /readyz).
struct CacheStats {
  std::uint64_t failures = 0;  ///< calls answered kUnavailable since start
  bool reachable = true;       ///< false while a remote cache is considered down
};

/// Shared short-lived state. Thread-safe. Every failure is a value: kUnavailable (the server is
/// down, slow or refused the command) — never an exception, never a wait beyond the timeout.
class Cache {
 public:
  virtual ~Cache() = default;

  /// GCRA (lib/ratelimit): decides one request for `key` under `policy` at `now` (µs since the
  /// epoch) and stores the key's new TAT when allowed, atomically for every process sharing the
  /// cache. The Decision is the in-process limiter's for the same TAT.
  virtual core::Result<ratelimit::Decision> TakeRate(std::string_view key,
                                                     const ratelimit::Policy& policy,
                                                     ratelimit::Micros now) = 0;
  /// Stores `value` under `key` for `ttl` unless the key exists; true if it was stored.
  virtual core::Result<bool> SetIfAbsent(std::string_view key, std::string_view value,
                                         std::chrono::milliseconds ttl) = 0;
  /// Stores `value` under `key` for `ttl`, replacing what was there.
  virtual core::Status Set(std::string_view key, std::string_view value,
                           std::chrono::milliseconds ttl) = 0;
  /// Whether `key` is there (and not expired).
  virtual core::Result<bool> Exists(std::string_view key) = 0;
  /// Removes `key`; nothing happens when it is not there.
  virtual core::Status Delete(std::string_view key) = 0;
  /// Removes `key` only while it holds `value` (a marker is released by whoever set it, not by a
  /// later owner after it expired); true if it was removed.
  virtual core::Result<bool> DeleteIfValue(std::string_view key, std::string_view value) = 0;

  /// "memory:" or the Redis URL without credentials.
  virtual std::string Describe() const = 0;
  /// True when processes share it (Redis); false for one process's memory.
  virtual bool Shared() const = 0;
  virtual CacheStats Stats() const = 0;
};

/// The Redis cache's settings (section [cache]).
struct CacheOptions {
  int pool_size = 4;                             ///< connections per process, at most
  std::chrono::milliseconds timeout{200};        ///< to connect, and for each command's reply
  std::chrono::milliseconds first_backoff{100};  ///< after a failure, calls fail at once this long…
  std::chrono::milliseconds max_backoff{5000};  ///< …doubling up to this, until a call succeeds
  std::string key_prefix = "vetahut:";  ///< before every key (several platforms may share a server)
};

/// The cache `url` names (`memory:` or `redis://…`). Throws std::invalid_argument for a URL
/// ParseCacheUrl refuses (the configuration checks it first). Does not connect: a Redis that is
/// down at start-up is a cache that is down, not a process that cannot start.
std::unique_ptr<Cache> OpenCache(const std::string& url, const CacheOptions& options,
                                 const core::Clock& clock);

/// Logs the start and the end of an outage of one use of the cache — once each, not per call:
/// "rate limits: the cache is unavailable; each process limits on its own" … "rate limits: the
/// cache is back". Thread-safe and cheap on success (one relaxed atomic load).
class OutageLog {
 public:
  /// `use`: what uses the cache ("rate limits"); `fallback`: what happens instead while it is down.
  OutageLog(std::string use, std::string fallback);
  /// A call failed: the first failure since the last success is logged at warn with `error`.
  /// True if this call started the outage.
  bool Failed(const core::Error& error);
  /// A call succeeded: the first success after failures is logged at info.
  void Succeeded();
  bool down() const;

 private:
  std::string use_;
  std::string fallback_;
  std::atomic<bool> down_{false};
};

}  // namespace vetahut::cache
