// Access tokens through auth::VerifyJwt with a fixed key set, as the authentication middleware
// calls it. The first byte picks the mode:
//   even: the rest is a token as a client would send it (forged, truncated, re-encoded…);
//   odd:  the rest is "<header JSON>\n<payload JSON>", which this target signs with the key set's
//         key, so the fuzzer reaches the claim checks behind the signature.
// Properties: never a crash or an exception; a token accepted was signed by a key of the set (an
// independent Ed25519 check over the bytes before the last '.'); its claims are within issuer,
// audience, exp and nbf; and re-signing the accepted claims gives a token accepted with the
// same claims.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "lib/auth/jwt.hpp"

namespace {

using namespace vetahut;

const core::TimePoint kNow = core::TimePoint(std::chrono::seconds(1'780'000'000));  // 2026-05-28
const auth::VerifyOptions kOptions{.issuer = "vetahut", .audience = "vetahut-api"};

// Deterministic keys, so the seed corpus can hold tokens they signed (kid "fuzz-1", "fuzz-2").
auth::SigningKey KeyFromSeed(std::string kid, std::string_view seed32) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(seed32.data()));
  return {std::move(kid),
          std::string(reinterpret_cast<char*>(pk), sizeof pk),
          std::string(reinterpret_cast<char*>(sk), sizeof sk),
          {}};
}

const auth::KeySet& Keys() {
  static const auth::KeySet keys = [] {
    FUZZ_CHECK(sodium_init() >= 0, "libsodium initialises");
    auth::KeySet k;
    k.Add(KeyFromSeed("fuzz-1", "vetahut fuzz signing key seed 01"));
    k.Add(KeyFromSeed("fuzz-2", "vetahut fuzz signing key seed 02"));
    k.SetCurrent("fuzz-1");
    return k;
  }();
  return keys;
}

std::string Base64Url(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string Sign(std::string_view header, std::string_view payload) {
  std::string input = Base64Url(header) + "." + Base64Url(payload);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(),
                       reinterpret_cast<const unsigned char*>(Keys().Current().secret_key.data()));
  return input + "." + Base64Url(std::string_view(reinterpret_cast<char*>(sig), sizeof sig));
}

// Independent of VerifyJwt: does some key of the set sign the bytes before the last '.'?
bool SignedByTheKeySet(std::string_view token) {
  const std::size_t dot = token.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view b64 = token.substr(dot + 1);
  unsigned char sig[crypto_sign_BYTES + 8];
  std::size_t len = 0;
  if (sodium_base642bin(sig, sizeof sig, b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != crypto_sign_BYTES) {
    return false;
  }
  const std::string_view input = token.substr(0, dot);
  for (const char* kid : {"fuzz-1", "fuzz-2"}) {
    const auth::SigningKey* key = Keys().Find(kid);
    if (crypto_sign_verify_detached(
            sig, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
            reinterpret_cast<const unsigned char*>(key->public_key.data())) == 0) {
      return true;
    }
  }
  return false;
}

void CheckAccepted(const std::string& token, const auth::Claims& claims) {
  FUZZ_CHECK(SignedByTheKeySet(token), "an accepted token was signed by a key of the set");
  FUZZ_CHECK(claims.issuer == kOptions.issuer && claims.audience == kOptions.audience,
             "issuer and audience as required");
  FUZZ_CHECK(kNow < claims.expires_at + kOptions.leeway, "not expired");
  FUZZ_CHECK(claims.not_before <= kNow + kOptions.leeway, "already valid");
  FUZZ_CHECK(!claims.subject.empty(), "a subject");

  auto again = auth::VerifyJwt(auth::SignJwt(claims, Keys().Current()), Keys(), kOptions, kNow);
  FUZZ_CHECK(again.has_value(), "re-signed claims verify");
  FUZZ_CHECK(again->subject == claims.subject && again->token_id == claims.token_id &&
                 again->kind == claims.kind && again->roles == claims.roles &&
                 again->stores == claims.stores && again->expires_at == claims.expires_at &&
                 again->not_before == claims.not_before && again->issued_at == claims.issued_at,
             "re-signed claims read back the same");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token;
  if (data[0] % 2 == 0) {
    token.assign(rest);
  } else {
    const std::size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) return 0;
    token = Sign(rest.substr(0, newline), rest.substr(newline + 1));
  }
  auto claims = auth::VerifyJwt(token, Keys(), kOptions, kNow);
  if (!claims) {
    FUZZ_CHECK(claims.error().code == core::ErrorCode::kUnauthenticated,
               "a refused token is a 401");
    FUZZ_CHECK(!claims.error().detail.empty(), "a refusal says why");
    return 0;
  }
  CheckAccepted(token, *claims);
  return 0;
}
