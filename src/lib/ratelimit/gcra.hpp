#pragma once
/// Rate limits with GCRA (the generic cell rate algorithm): per key, one number — the theoretical
/// arrival time (TAT) — instead of a window of counters. A policy of `quota` requests per `window`
/// lets a client spend the whole quota at once and then one request every window/quota; each
/// decision says what the IETF RateLimit headers tell the client (remaining quota, seconds until
/// it is whole again) and, when refused, how long to wait (Retry-After).
///
/// `Decide` is the pure rule; `Limiter` keeps the TATs of many keys in memory (sharded, expired
/// keys swept) for one process. A store shared by several gateways (Redis) applies the same rule.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vetahut::ratelimit {

using Micros = std::int64_t;

/// `quota` requests per `window`, named for the RateLimit-Policy header.
struct Policy {
  std::string name;
  std::int64_t quota = 0;
  std::chrono::seconds window{60};
};

/// One request's verdict.
struct Decision {
  bool allowed = false;
  Micros tat = 0;               ///< the key's new TAT (unchanged when refused)
  std::int64_t remaining = 0;   ///< requests still allowed at once
  std::int64_t reset_s = 0;     ///< seconds until the full quota is back
  std::int64_t retry_after_s = 0;  ///< refused: seconds until one request is allowed again (≥ 1)
};

/// A policy in the rule's units: its window and one request's share of it (window / quota, at
/// least 1 µs; GCRA's emission interval).
struct Cells {
  Micros window = 0;
  Micros interval = 0;
};
Cells CellsOf(const Policy& policy);

/// The GCRA rule: `tat` is the key's stored TAT (0 for a new key), `now` the current time. A
/// request is allowed while max(tat, now) + interval stays within one window of now; then that is
/// the new TAT. A shared store (lib/cache's Redis script) applies exactly this test atomically and
/// hands back the TAT it found, so the Decision always comes from here.
Decision Decide(const Policy& policy, Micros tat, Micros now);

/// The response headers of a decision (draft-ietf-httpapi-ratelimit-headers):
///   RateLimit-Policy: "name";q=600;w=60
///   RateLimit: "name";r=599;t=1
std::string PolicyHeader(const Policy& policy);
std::string RateLimitHeader(const Policy& policy, const Decision& decision);

/// TATs of many keys in this process: thread-safe, memory bounded by sweeping keys whose TAT has
/// passed (their quota is whole again, so forgetting them changes nothing).
class Limiter {
 public:
  Limiter();
  ~Limiter();
  Limiter(const Limiter&) = delete;
  Limiter& operator=(const Limiter&) = delete;

  /// Decides for `key` under `policy` at `now` and stores the new TAT when allowed.
  Decision Take(std::string_view key, const Policy& policy, Micros now);
  /// Keys held (tests, metrics).
  std::size_t size() const;

 private:
  struct Shard;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace vetahut::ratelimit
