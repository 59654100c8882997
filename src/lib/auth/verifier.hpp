#pragma once
/// Checking bearer tokens: the interface the authentication middleware calls, and a verifier for
/// processes that do not run the customer service (they fetch its public keys over HTTP).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "lib/auth/jwt.hpp"
#include "lib/auth/policy.hpp"
#include "lib/auth/revocations.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"

namespace vetahut::http {
class HttpClient;
}

namespace vetahut::auth {

/// Verifies an access token and says who it belongs to. Every failure is kUnauthenticated.
class TokenVerifier {
 public:
  virtual ~TokenVerifier() = default;
  virtual core::Result<Principal> Authenticate(std::string_view bearer_token, Claims* claims_out = nullptr) const = 0;
};

/// Verifies with the keys of a JWKS document fetched from `url` (the customer service's
/// /.well-known/jwks.json). The keys are fetched at the first token, refetched every `refresh`,
/// and at once (at most every 10 s) when a token names a key id the set does not have, so a key
/// rotation reaches every process without a restart. Tokens revoked by logout are refused when
/// the customer service recorded them in the shared cache (`revocations`; null: none seen —
/// an access token lives at most auth.access_token_ttl_s); while the cache is down the check
/// fails open (docs/decisions/0043-redis-cache.md).
class JwksVerifier final : public TokenVerifier {
 public:
  JwksVerifier(std::string url, VerifyOptions options, const core::Clock& clock, cache::Cache* revocations,
               std::chrono::seconds refresh = std::chrono::minutes(10));
  ~JwksVerifier() override;
  core::Result<Principal> Authenticate(std::string_view bearer_token, Claims* claims_out = nullptr) const override;

 private:
  /// Fetches the key set unless it is fresh (or, with `unknown_kid`, unless fetched < 10 s ago).
  core::Status Refresh(bool unknown_kid) const;

  std::string url_;
  VerifyOptions options_;
  const core::Clock& clock_;
  std::chrono::seconds refresh_;
  std::unique_ptr<http::HttpClient> http_;
  Revocations revocations_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const KeySet> keys_;
  mutable core::TimePoint fetched_at_{};
};

}  // namespace vetahut::auth
