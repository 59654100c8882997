#include "services/payment/provider.hpp"

#include <sodium.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "lib/auth/secrets.hpp"

namespace vetahut::payment {
namespace {

// The HMAC is lib/auth's (shared with the partner webhooks' Standard Webhooks signatures); this
// provider's scheme writes it in lowercase hex.
std::string HexHmacSha256(std::string_view secret, std::string_view message) {
  const std::string mac = auth::HmacSha256(secret, message);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  return std::string(hex, crypto_auth_hmacsha256_BYTES * 2);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string SignWebhook(std::string_view secret, std::string_view body, core::TimePoint at) {
  const auto t = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  const std::string signed_payload = fmt::format("{}.{}", t, body);
  return fmt::format("t={},v1={}", t, HexHmacSha256(secret, signed_payload));
}

core::Status VerifyWebhookSignature(std::string_view secret, std::string_view header, std::string_view body,
                                    core::TimePoint now, std::chrono::seconds tolerance) {
  if (secret.empty()) return core::Fail(core::Error::Internal("webhook secret is not configured"));
  // "t=…,v1=…[,v1=…]": several v1 entries appear while a secret is being rotated; any may match.
  std::optional<std::int64_t> timestamp;
  std::vector<std::string_view> signatures;
  std::string_view rest = header;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (key == "t") {
      std::int64_t t = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), t);
      // Unix seconds of this millennium: anything else is malformed (and keeps the age below
      // from overflowing).
      if (ec != std::errc() || end != value.data() + value.size() || value.empty() || t < 0 || t > 32'503'680'000) {
        return core::Fail(core::Error::Unauthenticated("the signature header has a malformed timestamp"));
      }
      timestamp = t;
    } else if (key == "v1") {
      signatures.push_back(value);
    }
  }
  if (!timestamp || signatures.empty()) {
    return core::Fail(core::Error::Unauthenticated("the signature header is missing or has no t= and v1="));
  }

  const std::string expected = HexHmacSha256(secret, fmt::format("{}.{}", *timestamp, body));
  bool matched = false;
  for (std::string_view candidate : signatures) {
    // No early exit: every candidate is compared, each in constant time.
    matched = auth::ConstantTimeEquals(expected, candidate) || matched;
  }
  if (!matched) return core::Fail(core::Error::Unauthenticated("the webhook signature does not match"));

  // Checked after the signature so an attacker learns nothing about the window from forgeries.
  const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::int64_t age = now_s - *timestamp;
  if (age > tolerance.count() || -age > tolerance.count()) {
    return core::Fail(core::Error::Unauthenticated(
        fmt::format("the webhook timestamp is outside the {} s tolerance", tolerance.count())));
  }
  return core::Ok();
}

}  // namespace vetahut::payment
