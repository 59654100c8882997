#include "services/integration/signature.hpp"

#include <fmt/format.h>

#include "lib/auth/secrets.hpp"

namespace vetahut::integration {

std::string NewWebhookSecret() { return std::string(kSecretPrefix) + auth::Base64Encode(auth::RandomBytes(32)); }

std::optional<std::string> WebhookKey(std::string_view secret) {
  if (!secret.starts_with(kSecretPrefix)) return std::nullopt;
  auto key = auth::Base64Decode(secret.substr(kSecretPrefix.size()));
  if (!key || key->size() < 24) return std::nullopt;
  return key;
}

std::string SignWebhook(std::string_view key, std::string_view id, std::int64_t timestamp, std::string_view body) {
  return "v1," + auth::Base64Encode(auth::HmacSha256(key, fmt::format("{}.{}.{}", id, timestamp, body)));
}

}  // namespace vetahut::integration
