#pragma once
/// Password hashing (argon2id) and opaque tokens (refresh, verification, reset, device secrets).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vetahut::auth {

/// Hashes a password with argon2id (libsodium crypto_pwhash_str_alg, ALG_ARGON2ID13) at
/// OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE (2 passes, 64 MiB): ~0.1 s per login on our
/// hardware and bounded memory; see docs/rbac.md. The result is a self-describing
/// "$argon2id$v=19$m=65536,t=2,p=1$…" string with a random salt. Throws std::runtime_error if
/// the memory cannot be allocated.
std::string HashPassword(std::string_view password);

/// True if `password` matches `stored_hash` (constant-time inside libsodium); false for a wrong
/// password and for a malformed or unsupported hash.
bool VerifyPassword(std::string_view stored_hash, std::string_view password);

/// True if the hash was not made with the current algorithm and limits (or is malformed): rehash
/// it with HashPassword after the next successful VerifyPassword.
bool PasswordNeedsRehash(std::string_view stored_hash);

/// A random opaque token: `bytes` random bytes (CSPRNG), base64url without padding.
/// Throws std::invalid_argument if bytes is 0.
std::string RandomToken(std::size_t bytes = 32);

/// What we store for an opaque token: lowercase hex of BLAKE2b-256 (64 characters) — never the
/// token itself. Tokens are high-entropy, so no salt or slow hash is needed.
std::string HashToken(std::string_view token);

/// Compares in time that depends only on the lengths (the length itself is not secret).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

/// `bytes` random bytes (CSPRNG), raw: for keys that are serialized by their user.
std::string RandomBytes(std::size_t bytes);

/// HMAC-SHA256 of `message` keyed with `key` (any length): the 32 raw bytes. Webhook signatures
/// are built on it (the payment provider's hex form, the Standard Webhooks base64 form).
std::string HmacSha256(std::string_view key, std::string_view message);

/// Base64 with the standard alphabet and '=' padding (RFC 4648 §4).
std::string Base64Encode(std::string_view bytes);

/// Strict standard base64 with padding: nullopt on a character outside the alphabet, a missing
/// or misplaced '=', an impossible length or non-zero trailing bits.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace vetahut::auth
