#include "lib/auth/revocations.hpp"

#include <vector>

namespace vetahut::auth {

namespace {
std::string Key(std::string_view jti) { return "revoked:" + std::string(jti); }
}  // namespace

Revocations::Revocations(cache::Cache* cache, std::chrono::seconds leeway)
    : cache_(cache),
      leeway_(leeway),
      outage_("token revocations",
              "logouts are refused by the process that made them and written to the cache when it "
              "is back; other "
              "processes accept a token they do not know as revoked (fail open: it expires within "
              "auth.access_token_ttl_s)") {}

core::Status Revocations::Write(const std::string& jti, core::TimePoint until,
                                core::TimePoint now) {
  const auto ttl = std::chrono::ceil<std::chrono::milliseconds>(until - now);
  auto written = cache_->Set(Key(jti), "1", ttl);
  if (written) {
    outage_.Succeeded();
  } else {
    outage_.Failed(written.error());
  }
  return written;
}

void Revocations::ForgetExpired(core::TimePoint now) const {
  std::erase_if(entries_, [now](const auto& e) { return e.second.until <= now; });
}

bool Revocations::Revoke(const Claims& claims, core::TimePoint now) {
  if (claims.token_id.empty())
    return true;  // nothing to name it by (tokens we issue always have one)
  const core::TimePoint until = claims.expires_at + leeway_;
  if (until <= now) return true;  // it cannot verify any more anyway
  {
    std::lock_guard lock(mutex_);
    ForgetExpired(now);
    entries_[claims.token_id] = {until, true, cache_ != nullptr};
  }
  if (!cache_) return true;
  if (!Write(claims.token_id, until, now)) return false;
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(claims.token_id); it != entries_.end()) it->second.pending = false;
  return true;
}

bool Revocations::IsRevoked(const Claims& claims, core::TimePoint now) const {
  if (claims.token_id.empty()) return false;
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(claims.token_id); it != entries_.end() && it->second.until > now)
      return true;
  }
  if (!cache_) return false;
  auto revoked = cache_->Exists(Key(claims.token_id));
  if (!revoked) {
    outage_.Failed(revoked.error());
    return false;  // fail open (see the class comment and decision 0043)
  }
  outage_.Succeeded();
  if (*revoked) {
    // Remembered: refused here without asking again, even while the cache is down.
    std::lock_guard lock(mutex_);
    ForgetExpired(now);
    entries_.try_emplace(claims.token_id, Entry{claims.expires_at + leeway_, false, false});
  }
  return *revoked;
}

std::size_t Revocations::Sync(core::TimePoint now, std::chrono::seconds rewrite_every) {
  if (!cache_) return 0;
  std::vector<std::pair<std::string, core::TimePoint>> writes;
  {
    std::lock_guard lock(mutex_);
    ForgetExpired(now);
    const bool rewrite = now >= next_rewrite_;
    if (rewrite) next_rewrite_ = now + rewrite_every;
    for (const auto& [jti, e] : entries_) {
      if (e.pending || (rewrite && e.own)) writes.emplace_back(jti, e.until);
    }
  }
  std::size_t waiting = 0;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const auto& [jti, until] = writes[i];
    if (!Write(jti, until, now)) {
      // The cache is down again: the rest waits for the next round (a failed call costs nothing).
      std::lock_guard lock(mutex_);
      for (std::size_t j = i; j < writes.size(); ++j) {
        if (auto it = entries_.find(writes[j].first); it != entries_.end() && it->second.pending)
          ++waiting;
      }
      next_rewrite_ =
          core::TimePoint{};  // and everything again once it is back: it may have restarted empty
      return waiting;
    }
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(jti); it != entries_.end()) it->second.pending = false;
  }
  return waiting;
}

}  // namespace vetahut::auth
