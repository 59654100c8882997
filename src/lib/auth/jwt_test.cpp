#include "lib/auth/jwt.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace vetahut::auth {
namespace {

using std::chrono::seconds;

const core::TimePoint kNow = core::TimePoint(seconds(1'780'000'000));  // 2026-05-28
const VerifyOptions kOptions{.issuer = "https://id.vetahut.test", .audience = "vetahut-api"};

std::string B64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

std::string UnB64(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  EXPECT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                              text.size(), nullptr, &len, nullptr,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING),
            0);
  out.resize(len);
  return out;
}

/// Signs arbitrary header and payload JSON with a key, as an attacker holding it (or we) could.
std::string SignRaw(std::string_view header, std::string_view payload, const SigningKey& key) {
  std::string input = B64(header) + "." + B64(payload);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  return input + "." + B64(std::string_view(reinterpret_cast<const char*>(sig), sizeof sig));
}

Claims ManagerClaims() {
  Claims c;
  c.issuer = kOptions.issuer;
  c.audience = kOptions.audience;
  c.subject = "acc_01HZX";
  c.token_id = "jti-123";
  c.issued_at = kNow - seconds(60);
  c.not_before = kNow - seconds(60);
  c.expires_at = kNow + seconds(840);
  c.kind = PrincipalKind::kStaff;
  c.roles = {"store_manager", "cashier"};
  c.stores = {"st_berlin_1", "st_berlin_2"};
  return c;
}

/// A valid payload JSON for hand-built tokens; `extra` goes in front of the standard claims.
std::string Payload(std::string_view extra = "", bool with_exp = true) {
  std::string p = "{" + std::string(extra);
  p += R"("iss":"https://id.vetahut.test","aud":"vetahut-api","sub":"acc_1","kind":"customer",)";
  p += R"("roles":["customer"])";
  if (with_exp) p += ",\"exp\":" + std::to_string(1'780'000'900);
  return p + "}";
}

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    keys_.Add(GenerateSigningKey("k1"));
    keys_.SetCurrent("k1");
  }
  void ExpectRejected(std::string_view token, std::string_view detail) {
    auto result = VerifyJwt(token, keys_, kOptions, kNow);
    ASSERT_FALSE(result.has_value()) << "accepted a token that should fail with: " << detail;
    EXPECT_EQ(result.error().code, core::ErrorCode::kUnauthenticated);
    EXPECT_EQ(result.error().detail, detail);
  }
  const SigningKey& Key() const { return keys_.Current(); }

  KeySet keys_;
};

TEST_F(JwtTest, SignThenVerifyPreservesEveryClaim) {
  const Claims in = ManagerClaims();
  const std::string token = SignJwt(in, Key());
  auto out = VerifyJwt(token, keys_, kOptions, kNow);
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  EXPECT_EQ(out->issuer, in.issuer);
  EXPECT_EQ(out->audience, in.audience);
  EXPECT_EQ(out->subject, in.subject);
  EXPECT_EQ(out->token_id, in.token_id);
  EXPECT_EQ(out->issued_at, in.issued_at);
  EXPECT_EQ(out->not_before, in.not_before);
  EXPECT_EQ(out->expires_at, in.expires_at);
  EXPECT_EQ(out->kind, PrincipalKind::kStaff);
  EXPECT_EQ(out->roles, in.roles);
  EXPECT_EQ(out->stores, in.stores);
}

TEST_F(JwtTest, HeaderNamesEdDsaAndTheKeyId) {
  const std::string token = SignJwt(ManagerClaims(), Key());
  EXPECT_EQ(UnB64(token.substr(0, token.find('.'))), R"({"alg":"EdDSA","typ":"JWT","kid":"k1"})");
}

TEST(PrincipalKindName, SpellsEachKindAsInTokens) {
  EXPECT_EQ(KindName(PrincipalKind::kCustomer), "customer");
  EXPECT_EQ(KindName(PrincipalKind::kStaff), "staff");
  EXPECT_EQ(KindName(PrincipalKind::kDevice), "device");
}

TEST_F(JwtTest, DeviceKindRoundTrips) {
  Claims in = ManagerClaims();
  in.kind = PrincipalKind::kDevice;
  in.roles = {"cook"};
  in.stores = {"st_1"};
  auto out = VerifyJwt(SignJwt(in, Key()), keys_, kOptions, kNow);
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  EXPECT_EQ(out->kind, PrincipalKind::kDevice);
}

TEST_F(JwtTest, JwksListsBothKeysDuringRotationAndNeverASecret) {
  keys_.Add(GenerateSigningKey("k2"));
  const std::string jwks = keys_.JwksJson();
  EXPECT_NE(jwks.find(R"("kid":"k1")"), std::string::npos) << jwks;
  EXPECT_NE(jwks.find(R"("kid":"k2")"), std::string::npos) << jwks;
  EXPECT_NE(jwks.find(R"("x":")" + B64(keys_.Find("k1")->public_key) + "\""), std::string::npos);
  EXPECT_NE(jwks.find(R"("kty":"OKP","crv":"Ed25519")"), std::string::npos) << jwks;
  EXPECT_NE(jwks.find(R"("alg":"EdDSA")"), std::string::npos) << jwks;
  EXPECT_EQ(jwks.find(R"("d")"), std::string::npos) << jwks;
  for (const char* kid : {"k1", "k2"}) {
    const SigningKey* key = keys_.Find(kid);
    EXPECT_EQ(jwks.find(B64(key->secret_key)), std::string::npos);
    EXPECT_EQ(jwks.find(B64(key->secret_key.substr(0, 32))), std::string::npos);  // the seed
  }
}

TEST_F(JwtTest, OldKeyVerifiesDuringRotationAndIsUnknownAfterRemoval) {
  const std::string old_token = SignJwt(ManagerClaims(), Key());
  keys_.Add(GenerateSigningKey("k2"));
  keys_.SetCurrent("k2");
  EXPECT_EQ(keys_.size(), 2u);
  const std::string new_token = SignJwt(ManagerClaims(), keys_.Current());
  EXPECT_TRUE(VerifyJwt(old_token, keys_, kOptions, kNow).has_value());
  EXPECT_TRUE(VerifyJwt(new_token, keys_, kOptions, kNow).has_value());

  keys_.Remove("k1");
  EXPECT_EQ(keys_.size(), 1u);
  ExpectRejected(old_token, "unknown key id");
  EXPECT_TRUE(VerifyJwt(new_token, keys_, kOptions, kNow).has_value());
}

TEST(KeySet, RejectsBadKeysAndUnknownCurrent) {
  KeySet keys;
  EXPECT_THROW(keys.Current(), std::logic_error);
  EXPECT_THROW(keys.SetCurrent("nope"), std::invalid_argument);
  EXPECT_THROW(keys.Add(SigningKey{.kid = "k", .public_key = "short"}), std::invalid_argument);
  SigningKey key = GenerateSigningKey("k");
  key.secret_key.clear();  // verify-only
  keys.Add(key);
  EXPECT_THROW(keys.SetCurrent("k"), std::invalid_argument);
  keys.Add(GenerateSigningKey("k"));  // replaces, same kid
  EXPECT_EQ(keys.size(), 1u);
  keys.SetCurrent("k");
  keys.Remove("k");
  EXPECT_THROW(keys.Current(), std::logic_error);
}

TEST_F(JwtTest, AlgNoneWithEmptySignatureIsRefused) {
  const std::string token = B64(R"({"alg":"none","typ":"JWT"})") + "." + B64(Payload()) + ".";
  ExpectRejected(token, "unsupported alg 'none'");
}

TEST_F(JwtTest, Hs256TokenKeyedWithThePublicKeyIsRefused) {
  // Algorithm confusion: a verifier that lets the header pick HMAC would use the (public)
  // verification key as the HMAC secret and accept this.
  const std::string input = B64(R"({"alg":"HS256","typ":"JWT","kid":"k1"})") + "." + B64(Payload());
  ASSERT_EQ(Key().public_key.size(), crypto_auth_hmacsha256_KEYBYTES);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                         reinterpret_cast<const unsigned char*>(Key().public_key.data()));
  const std::string token =
      input + "." + B64(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
  ExpectRejected(token, "unsupported alg 'HS256'");
}

TEST_F(JwtTest, Rs256AndOddAlgNamesAreRefusedWithoutEchoingJunk) {
  ExpectRejected(SignRaw(R"({"alg":"RS256","kid":"k1"})", Payload(), Key()),
                 "unsupported alg 'RS256'");
  ExpectRejected(SignRaw(R"({"alg":"ed<script>","kid":"k1"})", Payload(), Key()),
                 "unsupported alg 'ed?script?'");
}

TEST_F(JwtTest, ExpiredTokenIsRefusedBeyondTheLeeway) {
  Claims c = ManagerClaims();
  c.expires_at = kNow - seconds(31);
  ExpectRejected(SignJwt(c, Key()), "token expired");
  c.expires_at = kNow - seconds(29);  // within the 30 s leeway
  EXPECT_TRUE(VerifyJwt(SignJwt(c, Key()), keys_, kOptions, kNow).has_value());
}

TEST_F(JwtTest, NotYetValidTokenIsRefusedBeyondTheLeeway) {
  Claims c = ManagerClaims();
  c.not_before = kNow + seconds(31);
  ExpectRejected(SignJwt(c, Key()), "token not yet valid");
  c.not_before = kNow + seconds(29);
  EXPECT_TRUE(VerifyJwt(SignJwt(c, Key()), keys_, kOptions, kNow).has_value());
}

TEST_F(JwtTest, WrongIssuerIsRefused) {
  Claims c = ManagerClaims();
  c.issuer = "https://evil.test";
  ExpectRejected(SignJwt(c, Key()), "wrong issuer");
}

TEST_F(JwtTest, WrongAudienceIsRefused) {
  Claims c = ManagerClaims();
  c.audience = "vetahut-admin";
  ExpectRejected(SignJwt(c, Key()), "wrong audience");
}

TEST_F(JwtTest, PayloadTamperedAfterSigningIsRefused) {
  Claims c = ManagerClaims();
  c.roles = {"cashier"};
  const std::string token = SignJwt(c, Key());
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = token.find('.', dot1 + 1);
  std::string payload = UnB64(token.substr(dot1 + 1, dot2 - dot1 - 1));
  const std::size_t at = payload.find(R"(["cashier"])");
  ASSERT_NE(at, std::string::npos) << payload;
  payload.replace(at, 11, R"(["admin"])");
  const std::string forged = token.substr(0, dot1 + 1) + B64(payload) + token.substr(dot2);
  ExpectRejected(forged, "bad signature");
}

TEST_F(JwtTest, SignatureFromAnotherKeyWithTheSameKidIsRefused) {
  const SigningKey impostor = GenerateSigningKey("k1");
  ExpectRejected(SignJwt(ManagerClaims(), impostor), "bad signature");
}

TEST_F(JwtTest, TruncatedTokensAreMalformed) {
  const std::string token = SignJwt(ManagerClaims(), Key());
  ExpectRejected(token.substr(0, token.size() - 4), "malformed token");  // short signature
  ExpectRejected(token.substr(0, token.rfind('.')), "malformed token");  // no signature part
  ExpectRejected(token.substr(0, token.size() / 3), "malformed token");
  ExpectRejected("", "malformed token");
}

TEST_F(JwtTest, ThreePartsWithInvalidBase64AreMalformed) {
  ExpectRejected("eyJ!!!.eyJhIjoxfQ.c2ln", "malformed token");
  const std::string token = SignJwt(ManagerClaims(), Key());
  std::string padded = token + "==";
  ExpectRejected(padded, "malformed token");
  std::string std_alphabet = token;
  std_alphabet[token.find('.') + 2] = '+';
  ExpectRejected(std_alphabet, "malformed token");
  ExpectRejected("a.b.c.d", "malformed token");
}

TEST_F(JwtTest, TokenOver8KiBIsMalformedEvenIfSigned) {
  Claims c = ManagerClaims();
  c.stores.assign(600, "st_0123456789");
  const std::string token = SignJwt(c, Key());
  ASSERT_GT(token.size(), kMaxTokenSize);
  ExpectRejected(token, "malformed token");
}

TEST_F(JwtTest, DuplicateExpClaimIsRefused) {
  // Signed by the real key: a parser keeping the first "exp" sees an expired token, one keeping
  // the last sees a valid one. Neither reading may win.
  const std::string token =
      SignRaw(R"({"alg":"EdDSA","kid":"k1"})", Payload(R"("exp":1000,)"), Key());
  ExpectRejected(token, "duplicate claim 'exp'");
}

TEST_F(JwtTest, DuplicateAlgHeaderIsRefused) {
  const std::string token = SignRaw(R"({"alg":"none","alg":"EdDSA","kid":"k1"})", Payload(), Key());
  ExpectRejected(token, "malformed token: duplicate key in header");
}

TEST_F(JwtTest, MissingExpIsRefused) {
  ExpectRejected(SignRaw(R"({"alg":"EdDSA","kid":"k1"})", Payload("", false), Key()),
                 "missing claim 'exp'");
}

TEST_F(JwtTest, ClaimsOfTheWrongTypeAreRefused) {
  const std::string header = R"({"alg":"EdDSA","kid":"k1"})";
  ExpectRejected(
      SignRaw(
          header,
          R"({"iss":"https://id.vetahut.test","aud":"vetahut-api","sub":"a","kind":"customer","exp":"soon"})",
          Key()),
      "claim 'exp' must be an integer (seconds)");
  ExpectRejected(SignRaw(header, Payload(R"("nbf":1.5,)"), Key()),
                 "claim 'nbf' must be an integer (seconds)");
  ExpectRejected(
      SignRaw(
          header,
          R"({"iss":"https://id.vetahut.test","aud":["vetahut-api"],"sub":"a","kind":"customer","exp":1780000900})",
          Key()),
      "claim 'aud' must be a string");
  ExpectRejected(
      SignRaw(
          header,
          R"({"iss":"https://id.vetahut.test","aud":"vetahut-api","sub":"a","kind":"customer","roles":"admin","exp":1780000900})",
          Key()),
      "claim 'roles' must be an array of strings");
  ExpectRejected(
      SignRaw(
          header,
          R"({"iss":"https://id.vetahut.test","aud":"vetahut-api","sub":"a","kind":"root","exp":1780000900})",
          Key()),
      "claim 'kind' must be customer, staff or device");
  // A signed token can never make its bearer a service of the chain (decision 0041).
  ExpectRejected(
      SignRaw(
          header,
          R"({"iss":"https://id.vetahut.test","aud":"vetahut-api","sub":"a","kind":"service","exp":1780000900})",
          Key()),
      "claim 'kind' must be customer, staff or device");
  ExpectRejected(SignRaw(header, Payload(R"("iat":9999999999999999999,)"), Key()),
                 "claim 'iat' is out of range");
}

TEST_F(JwtTest, UnknownKidAndCritHeaderAreRefused) {
  ExpectRejected(SignRaw(R"({"alg":"EdDSA","kid":"k9"})", Payload(), Key()), "unknown key id");
  ExpectRejected(SignRaw(R"({"alg":"EdDSA"})", Payload(), Key()), "missing header 'kid'");
  ExpectRejected(SignRaw(R"({"alg":"EdDSA","kid":"k1","crit":["b64"]})", Payload(), Key()),
                 "unsupported header 'crit'");
}

TEST_F(JwtTest, HandBuiltTokenWithValidClaimsVerifies) {
  // Guards the attack tests above: the same payload passes when nothing is wrong with it.
  auto claims =
      VerifyJwt(SignRaw(R"({"alg":"EdDSA","kid":"k1"})", Payload(), Key()), keys_, kOptions, kNow);
  ASSERT_TRUE(claims.has_value()) << claims.error().detail;
  EXPECT_EQ(claims->roles, std::vector<std::string>{"customer"});
}

TEST_F(JwtTest, EmptyExpectedIssuerIsAConfigurationError) {
  EXPECT_THROW((void)VerifyJwt(SignJwt(ManagerClaims(), Key()), keys_, VerifyOptions{}, kNow),
               std::invalid_argument);
}

}  // namespace
}  // namespace vetahut::auth
