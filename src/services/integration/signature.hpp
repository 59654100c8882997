#pragma once
/// Standard Webhooks signatures (https://www.standardwebhooks.com, symmetric scheme v1): the
/// secret is "whsec_" + base64 of random key bytes, and a delivery carries
/// `webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vetahut::integration {

/// The prefix of a serialized secret.
inline constexpr std::string_view kSecretPrefix = "whsec_";

/// A new secret: "whsec_" + base64 of 32 random bytes (the specification asks for 24 to 64).
std::string NewWebhookSecret();

/// The key bytes of a "whsec_…" secret; nullopt when it lacks the prefix, is not strict base64
/// or its key is shorter than 24 bytes.
std::optional<std::string> WebhookKey(std::string_view secret);

/// The `webhook-signature` header value for one delivery: "v1," + base64 HMAC-SHA256 with `key`
/// of "<id>.<timestamp>.<body>".
std::string SignWebhook(std::string_view key, std::string_view id, std::int64_t timestamp, std::string_view body);

}  // namespace vetahut::integration
