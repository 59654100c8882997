#pragma once
/// Access tokens revoked before they expire (logout), as every process sees them: the customer
/// service records a revocation here and in the cache, every verifier — the customer service's
/// own and the JWKS verifier of every other process — asks (decision 0043).
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "lib/auth/jwt.hpp"
#include "lib/cache/cache.hpp"
#include "lib/core/clock.hpp"

namespace vetahut::auth {

/// Revoked token ids (jti), each kept until its token could no longer verify (exp + the
/// verifiers' leeway): in this process, and in the cache under "revoked:<jti>" for the others.
///
/// When the cache fails:
///   - a revocation is still refused by this process, kept as pending and written by Sync once
///     the cache answers again;
///   - a check fails open — a token nobody here knows as revoked is accepted, logged once per
///     outage — since access tokens live minutes and the refresh token's family is revoked
///     durably in the database (the session cannot be extended). Revoked tokens this process
///     has seen before stay refused.
/// Thread-safe.
class Revocations {
 public:
  /// `cache` may be null: this process only (the command line's identity service).
  explicit Revocations(cache::Cache* cache, std::chrono::seconds leeway = VerifyOptions{}.leeway);

  /// Revokes the token of `claims` until it expires. False if the cache did not take it yet
  /// (Sync writes it later); this process refuses the token either way.
  bool Revoke(const Claims& claims, core::TimePoint now);
  /// Whether the token of `claims` was revoked, here or by another process.
  bool IsRevoked(const Claims& claims, core::TimePoint now) const;
  /// Writes the revocations the cache has not taken yet and forgets expired ones; every
  /// `rewrite_every` also writes again every revocation made here, so a Redis that restarted
  /// empty learns them again. Returns how many are still waiting for the cache.
  std::size_t Sync(core::TimePoint now,
                   std::chrono::seconds rewrite_every = std::chrono::seconds(30));

 private:
  struct Entry {
    core::TimePoint until;  ///< the token cannot verify after this: the revocation can be forgotten
    bool own = false;       ///< revoked by this process (so it keeps the cache told)
    bool pending = false;   ///< not in the cache yet
  };
  /// Stores `jti` until `until` in the cache. Ok when it took it.
  core::Status Write(const std::string& jti, core::TimePoint until, core::TimePoint now);
  void ForgetExpired(core::TimePoint now) const;  // holds mutex_

  cache::Cache* cache_;
  std::chrono::seconds leeway_;
  mutable cache::OutageLog outage_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, Entry> entries_;
  core::TimePoint next_rewrite_{};
};

}  // namespace vetahut::auth
