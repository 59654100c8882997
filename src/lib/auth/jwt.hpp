#pragma once
/// Access tokens: JWTs signed with EdDSA (Ed25519, RFC 8037), a key set that supports rotation,
/// and strict verification. Nothing else is accepted: the `alg` header never chooses the algorithm.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"

namespace vetahut::auth {

/// Who a token was issued to.
/// kService is a service of the chain calling another's internal routes with the service token
/// (decision 0041): never in a token, which can only name the other three.
enum class PrincipalKind { kCustomer, kStaff, kDevice, kService };

/// The token spelling of a kind: "customer" | "staff" | "device" (| "service", never in a token).
std::string_view KindName(PrincipalKind kind);

/// The claims of an access token. Times are whole seconds on the wire (sub-second parts are
/// dropped when signing).
struct Claims {
  std::string issuer;                             ///< iss
  std::string audience;                           ///< aud (a single string)
  std::string subject;                            ///< sub: account id or device id
  std::string token_id;                           ///< jti (omitted from the token when empty)
  core::TimePoint issued_at{};                    ///< iat (seconds)
  core::TimePoint not_before{};                   ///< nbf
  core::TimePoint expires_at{};                   ///< exp
  PrincipalKind kind = PrincipalKind::kCustomer;  ///< custom claim "kind"
  std::vector<std::string> roles;                 ///< custom claim "roles", e.g. ["store_manager"]
  std::vector<std::string> stores;  ///< custom claim "stores": store ids the roles apply to
                                    ///< (empty = all, only meaningful for admin)
};

/// An Ed25519 key pair with its key id. A verify-only key (another process's) has no secret.
struct SigningKey {
  std::string kid;
  std::string public_key;  ///< 32 raw bytes
  std::string secret_key;  ///< 64 raw bytes (libsodium layout: seed + public key); may be empty
  core::TimePoint created_at{};
};

/// A fresh random Ed25519 key pair; created_at is the system time (overwrite it if needed).
SigningKey GenerateSigningKey(std::string kid);

/// The keys a process signs and verifies with. Two can be active during a rotation: tokens
/// signed by either verify; new tokens use the current one. Not synchronised: build it at
/// start-up or guard it (or swap whole KeySets) when rotating at run time.
class KeySet {
 public:
  /// Adds a key, replacing one with the same kid. Throws std::invalid_argument if the kid is
  /// empty, the public key is not 32 bytes, or the secret key is neither empty nor 64 bytes.
  void Add(SigningKey key);
  /// Makes `kid` the signing key. Throws std::invalid_argument if unknown or verify-only.
  void SetCurrent(const std::string& kid);
  /// The signing key. Throws std::logic_error if none is set.
  const SigningKey& Current() const;
  /// The key with this kid, or nullptr.
  const SigningKey* Find(std::string_view kid) const;
  /// Removes a key (no-op if unknown). Removing the current key leaves no current key.
  void Remove(const std::string& kid);
  /// The public keys as a JWKS document for /.well-known/jwks.json — never the secret ("d").
  std::string JwksJson() const;
  /// Verify-only keys from a JWKS document (Ed25519 "OKP" keys; others are skipped). kBadRequest
  /// for a document that is not a JWKS or has no usable key.
  static core::Result<KeySet> FromJwks(std::string_view json);
  /// How many keys are held.
  std::size_t size() const;

 private:
  std::vector<SigningKey> keys_;
  std::string current_;
};

/// Signs claims as a compact JWT; header {"alg":"EdDSA","typ":"JWT","kid":key.kid}.
/// Throws std::invalid_argument if the key has no valid secret.
std::string SignJwt(const Claims& claims, const SigningKey& key);

/// What a verifier expects. issuer and audience must not be empty.
struct VerifyOptions {
  std::string issuer;               ///< required exact iss
  std::string audience;             ///< required exact aud
  std::chrono::seconds leeway{30};  ///< clock skew tolerated on exp and nbf
};

/// The largest token accepted, in characters; longer ones are "malformed token".
inline constexpr std::size_t kMaxTokenSize = 8 * 1024;

/// Verifies a compact JWT and returns its claims. Every failure is kUnauthenticated with a short,
/// safe detail: "malformed token", "unsupported alg '…'", "unknown key id", "bad signature",
/// "token expired", "token not yet valid", "wrong issuer", "wrong audience",
/// "missing claim '…'", "claim '…' must be …", "duplicate claim '…'".
/// Required claims: iss, aud, sub, exp, kind. Throws std::invalid_argument if options.issuer or
/// options.audience is empty (a configuration bug, not a bad token).
core::Result<Claims> VerifyJwt(std::string_view token, const KeySet& keys,
                               const VerifyOptions& options, core::TimePoint now);

}  // namespace vetahut::auth
