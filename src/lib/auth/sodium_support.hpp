#pragma once
/// Internal to lib/auth: libsodium initialisation and base64url, shared by jwt.cpp and secrets.cpp.
/// Not a public header: it exists so that no public header needs <sodium.h>.
#include <optional>
#include <string>
#include <string_view>

namespace vetahut::auth::detail {

/// Calls sodium_init() once per process (thread-safe); throws std::runtime_error if it fails.
void EnsureSodium();

/// Base64url without padding (RFC 4648 §5, as JOSE uses it).
std::string Base64UrlEncode(std::string_view bytes);

/// Base64 with the standard alphabet and padding (RFC 4648 §4).
std::string Base64Encode(std::string_view bytes);

/// Strict standard base64 with padding: nullopt as for Base64UrlDecode.
std::optional<std::string> Base64Decode(std::string_view text);

/// Strict base64url-without-padding decoding: nullopt on any character outside the alphabet,
/// on padding, on an impossible length and on non-zero trailing bits (libsodium checks these).
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace vetahut::auth::detail
