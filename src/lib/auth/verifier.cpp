#include "lib/auth/verifier.hpp"

#include <fmt/format.h>

#include "lib/http/client.hpp"
#include "lib/log/log.hpp"

namespace vetahut::auth {

JwksVerifier::JwksVerifier(std::string url, VerifyOptions options, const core::Clock& clock, cache::Cache* revocations,
                           std::chrono::seconds refresh)
    : url_(std::move(url)),
      options_(std::move(options)),
      clock_(clock),
      refresh_(refresh),
      http_(std::make_unique<http::HttpClient>(http::ClientOptions{.connect_timeout = std::chrono::milliseconds(1000),
                                                                   .timeout = std::chrono::milliseconds(3000),
                                                                   .max_body = 256 * 1024})),
      revocations_(revocations, options_.leeway) {}

JwksVerifier::~JwksVerifier() = default;

core::Status JwksVerifier::Refresh(bool unknown_kid) const {
  const auto now = clock_.Now();
  {
    std::lock_guard lock(mutex_);
    const auto age = now - fetched_at_;
    if (keys_ && (unknown_kid ? age < std::chrono::seconds(10) : age < refresh_)) return core::Ok();
  }
  auto response = http_->Get(url_);
  if (!response || response->status != 200) {
    const std::string why = response ? fmt::format("status {}", response->status) : response.error().detail;
    log::Warn("signing keys could not be fetched", {{"url", url_}, {"error", why}});
    std::lock_guard lock(mutex_);
    if (keys_) return core::Ok();  // keep verifying with the keys we have
    return core::Fail(core::Error::Unavailable("the signing keys are not available yet (" + why + ")"));
  }
  auto set = KeySet::FromJwks(response->body);
  std::lock_guard lock(mutex_);
  fetched_at_ = now;
  if (!set) {
    log::Warn("signing keys unreadable", {{"url", url_}, {"error", set.error().detail}});
    if (keys_) return core::Ok();
    return core::Fail(core::Error::Unavailable("the signing keys are unreadable"));
  }
  keys_ = std::make_shared<const KeySet>(std::move(*set));
  return core::Ok();
}

core::Result<Principal> JwksVerifier::Authenticate(std::string_view bearer_token, Claims* claims_out) const {
  if (auto s = Refresh(false); !s) return core::Fail(s.error());
  std::shared_ptr<const KeySet> keys;
  {
    std::lock_guard lock(mutex_);
    keys = keys_;
  }
  auto claims = VerifyJwt(bearer_token, *keys, options_, clock_.Now());
  if (!claims && claims.error().detail == "unknown key id") {
    // A key rotated after our last fetch: look again (rate-limited), then retry once.
    if (auto s = Refresh(true); !s) return core::Fail(s.error());
    std::lock_guard lock(mutex_);
    keys = keys_;
    claims = VerifyJwt(bearer_token, *keys, options_, clock_.Now());
  }
  if (!claims) return core::Fail(claims.error());
  if (revocations_.IsRevoked(*claims, clock_.Now())) return core::Fail(core::Error::Unauthenticated("token revoked"));
  if (claims_out) *claims_out = *claims;
  return PrincipalFromClaims(*claims);
}

}  // namespace vetahut::auth
