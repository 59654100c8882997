#include "lib/auth/secrets.hpp"

#include <sodium.h>

#include <stdexcept>

#include "lib/auth/sodium_support.hpp"

namespace vetahut::auth {
namespace {

// Interactive limits: 64 MiB and 2 passes. MODERATE (256 MiB, ~4x slower) would let a handful of
// concurrent logins exhaust a small gateway host; login throttling covers online guessing.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

// libsodium reads stored hashes as NUL-terminated C strings of fewer than STRBYTES characters.
bool ToStoredHash(std::string_view text, std::string& out) {
  if (text.empty() || text.size() >= crypto_pwhash_STRBYTES ||
      text.find('\0') != std::string_view::npos) {
    return false;
  }
  out.assign(text);
  return true;
}

}  // namespace

std::string HashPassword(std::string_view password) {
  detail::EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view stored_hash, std::string_view password) {
  detail::EnsureSodium();
  std::string hash;
  if (!ToStoredHash(stored_hash, hash)) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view stored_hash) {
  detail::EnsureSodium();
  std::string hash;
  if (!ToStoredHash(stored_hash, hash)) return true;
  // 0: argon2id with our limits; 1: other limits or argon2i; -1: not a hash libsodium knows.
  return crypto_pwhash_str_needs_rehash(hash.c_str(), kOpsLimit, kMemLimit) != 0;
}

std::string RandomToken(std::size_t bytes) {
  if (bytes == 0) throw std::invalid_argument("RandomToken: bytes must be positive");
  detail::EnsureSodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string token = detail::Base64UrlEncode(raw);
  sodium_memzero(raw.data(), raw.size());
  return token;
}

std::string HashToken(std::string_view token) {
  detail::EnsureSodium();
  unsigned char digest[32];  // BLAKE2b-256
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, sizeof digest * 2);
}

std::string RandomBytes(std::size_t bytes) {
  detail::EnsureSodium();
  std::string raw(bytes, '\0');
  if (bytes > 0) randombytes_buf(raw.data(), raw.size());
  return raw;
}

std::string HmacSha256(std::string_view key, std::string_view message) {
  detail::EnsureSodium();
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof(state));
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::string Base64Encode(std::string_view bytes) { return detail::Base64Encode(bytes); }

std::optional<std::string> Base64Decode(std::string_view text) { return detail::Base64Decode(text); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace vetahut::auth
