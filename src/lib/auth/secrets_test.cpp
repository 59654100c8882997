#include "lib/auth/secrets.hpp"

#include <gtest/gtest.h>

#include <set>

namespace vetahut::auth {
namespace {

TEST(Password, VerifiesTheRightPasswordAndRejectsAWrongOne) {
  const std::string hash = HashPassword("correct horse battery staple");
  EXPECT_TRUE(VerifyPassword(hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(hash, "correct horse battery stapler"));
  EXPECT_FALSE(VerifyPassword(hash, ""));
}

TEST(Password, HashIsArgon2idAndSaltedSoItDiffersEachTime) {
  const std::string a = HashPassword("pizza");
  const std::string b = HashPassword("pizza");
  EXPECT_TRUE(a.starts_with("$argon2id$")) << a;
  EXPECT_NE(a, b);
  EXPECT_TRUE(VerifyPassword(b, "pizza"));
}

TEST(Password, MalformedStoredHashNeverVerifies) {
  EXPECT_FALSE(VerifyPassword("", "pizza"));
  EXPECT_FALSE(VerifyPassword("pizza", "pizza"));
  EXPECT_FALSE(VerifyPassword("$argon2id$v=19$m=65536,t=2,p=1$garbage", "pizza"));
  std::string with_nul = HashPassword("pizza");
  with_nul.insert(5, 1, '\0');
  EXPECT_FALSE(VerifyPassword(with_nul, "pizza"));
  EXPECT_FALSE(VerifyPassword(std::string(200, 'a'), "pizza"));
}

TEST(Password, CurrentHashNeedsNoRehashButWeakerOrForeignOnesDo) {
  EXPECT_FALSE(PasswordNeedsRehash(HashPassword("pizza")));
  // Same algorithm, fewer passes and less memory than we use now.
  EXPECT_TRUE(
      PasswordNeedsRehash("$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
                          "cmFuZG9taGFzaHJhbmRvbWhhc2hyYW5kb21oYXNo"));
  EXPECT_TRUE(PasswordNeedsRehash("$2b$12$bcryptbcryptbcryptbcryptbcryptbcryptbcryptbcrypt"));
  EXPECT_TRUE(PasswordNeedsRehash(""));
}

TEST(OpaqueToken, HashTokenIsDeterministicLowercaseHexOf64Chars) {
  const std::string h = HashToken("refresh-token-abc");
  EXPECT_EQ(h, HashToken("refresh-token-abc"));
  EXPECT_NE(h, HashToken("refresh-token-abd"));
  ASSERT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos) << h;
  // BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte digest).
  EXPECT_EQ(HashToken(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(OpaqueToken, RandomTokensAreUniqueUrlSafeAndSizedByBytes) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string t = RandomToken();
    EXPECT_EQ(t.size(), 43u);  // 32 bytes, base64 without padding
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << t;
    EXPECT_TRUE(seen.insert(t).second) << "duplicate token " << t;
  }
  EXPECT_EQ(RandomToken(16).size(), 22u);
  EXPECT_THROW(RandomToken(0), std::invalid_argument);
}

TEST(ConstantTime, EqualsComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

TEST(Hmac, MatchesRfc4231TestCases) {
  auto hex = [](const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
      out += digits[c >> 4];
      out += digits[c & 15];
    }
    return out;
  };
  // RFC 4231 test case 2 (a short key) and 6 (a key longer than the block, hashed first).
  EXPECT_EQ(hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(HmacSha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Base64, EncodesAndDecodesRfc4648VectorsStrictly) {
  // RFC 4648 §10.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded), std::optional<std::string>(plain)) << encoded;
  }
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");  // the standard alphabet, not the URL-safe one
  for (const char* bad : {"Zg", "Zg=", "Z===", "Zm9v!", "-_8=", "Zh==", "Zm9vYg==Zg=="}) {
    EXPECT_EQ(Base64Decode(bad), std::nullopt) << bad;
  }
}

TEST(RandomBytes, AreRawAndDiffer) {
  EXPECT_EQ(RandomBytes(32).size(), 32u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
  EXPECT_TRUE(RandomBytes(0).empty());
}

}  // namespace
}  // namespace vetahut::auth
