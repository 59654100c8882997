// End-to-end identity through the real `vetahut serve`: register → token → refresh → logout, the
// token endpoint's RFC 6749 error answers, and every forged or misused token refused with the
// right 401/403 (on SQLite or PostgreSQL).
#include <sodium.h>

#include "lib/auth/jwt.hpp"
#include "serve_process.hpp"

namespace {

using namespace vetahut::testing;
namespace json = boost::json;
using vetahut::http::ClientResponse;
using vetahut::http::Header;
using vetahut::http::Method;

std::string B64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string B64Standard(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string Unhex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  std::size_t len = 0;
  sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr);
  out.resize(len);
  return out;
}

/// An RFC 6749 §5.2 error from the token endpoint: the status, the JSON shape OAuth client
/// libraries read, no caching, and the request id for support.
json::object ExpectOAuthError(const ClientResponse& r, int status, std::string_view error) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type").value_or(""), "application/json") << r.body;
  EXPECT_EQ(r.Header("cache-control").value_or(""), "no-store");
  EXPECT_EQ(r.Header("pragma").value_or(""), "no-cache");
  if (status == 401) {
    EXPECT_EQ(r.Header("www-authenticate").value_or(""), R"(Basic realm="vetahut")");
  }
  json::object o;
  try {
    o = json::parse(r.body).as_object();
  } catch (const std::exception&) {
    ADD_FAILURE() << "not a JSON object: " << r.body;
    return o;
  }
  EXPECT_EQ(o.at("error").as_string(), error) << r.body;
  const std::string description(o.at("error_description").as_string());
  EXPECT_FALSE(description.empty());
  for (char c : description) EXPECT_TRUE(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') << r.body;
  EXPECT_EQ(o.at("request_id").as_string(), r.Header("x-request-id").value_or("")) << r.body;
  EXPECT_FALSE(o.contains("type")) << "not problem+json: " << r.body;
  return o;
}

class IdentityE2E : public PlatformTest {
 protected:
  std::string DbUrl() const {
    for (const auto& [k, v] : env_) {
      if (k == "VETAHUT_DB_URL") return v;
    }
    // A chain: the customer service's schema, through the role that owns it.
    for (const auto& [k, v] : admin_env_) {
      if (k == "VETAHUT_DB_URL") return v;
    }
    return "sqlite:" + (data_dir_ / "vetahut.db").string();
  }

  /// The server's current signing key, read the way only someone with database access could.
  vetahut::auth::SigningKey ServerKey() {
    auto db = vetahut::db::Database::Open(DbUrl());
    auto row = db->Query("SELECT kid, public_key, secret_key FROM customer_signing_keys WHERE retired_at IS NULL "
                         "ORDER BY created_at DESC, kid DESC")[0];
    return {row.Text(0), Unhex(row.Text(1)), Unhex(row.Text(2)), {}};
  }

  vetahut::auth::Claims AdminClaims() {
    vetahut::auth::Claims c;
    c.issuer = "vetahut";
    c.audience = "vetahut-api";
    c.subject = "stf_forged";
    c.token_id = "jti-forged";
    const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    c.issued_at = c.not_before = now;
    c.expires_at = now + std::chrono::minutes(10);
    c.kind = vetahut::auth::PrincipalKind::kStaff;
    c.roles = {"admin"};
    return c;
  }

  ClientResponse GetWith(const std::string& url, const std::string& token) {
    auto r = client_.Get(url, {{"Authorization", "Bearer " + token}});
    EXPECT_TRUE(r);
    return r ? *r : ClientResponse{};
  }

  std::string Register(const std::string& url, const std::string& email) {
    auto r = client_.Post(url + "/api/v1/auth/register",
                          R"({"email":")" + email + R"(","password":"pizza-lover-123","name":"Pat","phone":"+13125550100"})",
                          {{"Content-Type", "application/json"}});
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "");
    return r ? std::string(json::parse(r->body).at("id").as_string()) : "";
  }
};

TEST_F(IdentityE2E, RegisterTokenRefreshLogout) {
  ServeProcess serve(data_dir_, env_);
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();

  const std::string id = Register(url, "pat@example.com");
  auto dup = client_.Post(url + "/api/v1/auth/register",
                          R"({"email":"PAT@example.com","password":"pizza-lover-123","name":"Pat","phone":"+13125550100"})",
                          {{"Content-Type", "application/json"}});
  ASSERT_TRUE(dup);
  ExpectProblem(*dup, 409);
  auto weak = client_.Post(url + "/api/v1/auth/register", R"({"email":"x@example.com","password":"short","name":"X","phone":"1"})",
                           {{"Content-Type", "application/json"}});
  ASSERT_TRUE(weak);
  ExpectProblem(*weak, 422);
  EXPECT_NE(weak->body.find("\"field\":\"password\""), std::string::npos);

  auto token = client_.Post(url + "/api/v1/auth/token", "grant_type=password&username=pat%40example.com&password=pizza-lover-123",
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(token);
  ASSERT_EQ(token->status, 200) << token->body;
  EXPECT_EQ(token->Header("cache-control").value_or(""), "no-store");
  EXPECT_EQ(token->Header("pragma").value_or(""), "no-cache");
  auto grant = json::parse(token->body).as_object();
  EXPECT_EQ(grant.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(grant.at("expires_in").as_int64(), 900);
  std::string access(grant.at("access_token").as_string());
  std::string refresh(grant.at("refresh_token").as_string());

  auto me = GetWith(url + "/api/v1/me", access);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json::parse(me.body).at("id").as_string(), id);

  auto jwks = client_.Get(url + "/.well-known/jwks.json");
  ASSERT_TRUE(jwks);
  auto key = json::parse(jwks->body).at("keys").as_array().at(0).as_object();
  EXPECT_EQ(key.at("kty").as_string(), "OKP");
  EXPECT_EQ(key.at("crv").as_string(), "Ed25519");
  EXPECT_FALSE(key.contains("d"));

  auto rotated = client_.Post(url + "/api/v1/auth/token", R"({"grant_type":"refresh_token","refresh_token":")" + refresh + "\"}",
                              {{"Content-Type", "application/json"}});
  ASSERT_TRUE(rotated);
  ASSERT_EQ(rotated->status, 200) << rotated->body;
  std::string access2(json::parse(rotated->body).at("access_token").as_string());
  std::string refresh2(json::parse(rotated->body).at("refresh_token").as_string());
  EXPECT_NE(refresh2, refresh);

  auto logout = client_.Post(url + "/api/v1/auth/logout", R"({"refresh_token":")" + refresh2 + "\"}",
                             {{"Authorization", "Bearer " + access2}, {"Content-Type", "application/json"}});
  ASSERT_TRUE(logout);
  EXPECT_EQ(logout->status, 204) << logout->body;
  ExpectProblem(GetWith(url + "/api/v1/me", access2), 401);
  auto after = client_.Post(url + "/api/v1/auth/token", R"({"grant_type":"refresh_token","refresh_token":")" + refresh2 + "\"}",
                            {{"Content-Type", "application/json"}});
  ASSERT_TRUE(after);
  ExpectOAuthError(*after, 400, "invalid_grant");

  // Same answer for a wrong password and an unknown email.
  auto wrong = client_.Post(url + "/api/v1/auth/token", "grant_type=password&username=pat%40example.com&password=nope-nope-nope",
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  auto unknown = client_.Post(url + "/api/v1/auth/token", "grant_type=password&username=who%40example.com&password=nope-nope-nope",
                              {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(wrong && unknown);
  EXPECT_EQ(ExpectOAuthError(*wrong, 400, "invalid_grant").at("error_description"),
            ExpectOAuthError(*unknown, 400, "invalid_grant").at("error_description"));
}

TEST_F(IdentityE2E, AReusedRefreshTokenEndsTheWholeLogin) {
  ServeProcess serve(data_dir_, env_);
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  Register(url, "sam@example.com");
  auto first = client_.Post(url + "/api/v1/auth/token", "grant_type=password&username=sam%40example.com&password=pizza-lover-123",
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(first && first->status == 200);
  const std::string r1(json::parse(first->body).at("refresh_token").as_string());
  auto refresh = [&](const std::string& token) {
    return client_.Post(url + "/api/v1/auth/token", "grant_type=refresh_token&refresh_token=" + token,
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  };
  auto second = refresh(r1);
  ASSERT_TRUE(second && second->status == 200);
  const std::string r2(json::parse(second->body).at("refresh_token").as_string());
  auto replay = refresh(r1);  // a stolen copy of the first token
  ASSERT_TRUE(replay);
  ExpectOAuthError(*replay, 400, "invalid_grant");
  auto legit = refresh(r2);  // the family is gone for the legitimate holder too
  ASSERT_TRUE(legit);
  ExpectOAuthError(*legit, 400, "invalid_grant");
}

// RFC 6749 §5.2: each way a token request can be wrong gets the code an OAuth client library
// expects, and nothing but the token endpoint changed shape (registration stays problem+json).
TEST_F(IdentityE2E, TokenEndpointErrorsFollowRfc6749) {
  ServeProcess serve(data_dir_, env_);
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  Register(url, "kim@example.com");
  const std::string token_url = url + "/api/v1/auth/token";
  const std::vector<Header> form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  auto post = [&](const std::string& body, std::vector<Header> headers) {
    auto r = client_.Post(token_url, body, headers);
    EXPECT_TRUE(r) << r.error().detail;
    return r ? *r : ClientResponse{};
  };

  // invalid_request: the request itself is wrong.
  ExpectOAuthError(post("grant_type=password&username=kim%40example.com&password=pizza-lover-123", {{"Content-Type", "text/plain"}}),
                   400, "invalid_request");
  ExpectOAuthError(post(R"({"grant_type": "password", "username": )", {{"Content-Type", "application/json"}}), 400,
                   "invalid_request");
  ExpectOAuthError(post(R"({"grant_type": "password", "username": 7, "password": "x"})", {{"Content-Type", "application/json"}}),
                   400, "invalid_request");
  auto no_grant = ExpectOAuthError(post("username=kim%40example.com&password=pizza-lover-123", form), 400, "invalid_request");
  EXPECT_NE(no_grant.at("error_description").as_string().find("grant_type"), std::string::npos);
  ExpectOAuthError(post("grant_type=password&password=pizza-lover-123", form), 400, "invalid_request");
  ExpectOAuthError(post("grant_type=refresh_token", form), 400, "invalid_request");
  ExpectOAuthError(post("grant_type=password&username=kim%40example.com&password=a&password=pizza-lover-123", form), 400,
                   "invalid_request");  // RFC 6749 §3.2: no parameter twice

  // unsupported_grant_type, invalid_scope, invalid_grant.
  ExpectOAuthError(post("grant_type=authorization_code&code=x", form), 400, "unsupported_grant_type");
  ExpectOAuthError(post("grant_type=password&username=kim%40example.com&password=pizza-lover-123&scope=a%20%20b", form), 400,
                   "invalid_scope");
  ExpectOAuthError(post("grant_type=refresh_token&refresh_token=not-a-token", form), 400, "invalid_grant");
  auto scoped = post("grant_type=password&username=kim%40example.com&password=pizza-lover-123&scope=customer", form);
  EXPECT_EQ(scoped.status, 200) << scoped.body;

  // invalid_client (401 with a Basic challenge): no, malformed, unknown or doubled client credentials.
  ExpectOAuthError(post("grant_type=client_credentials", form), 401, "invalid_client");
  ExpectOAuthError(post("grant_type=client_credentials&client_id=dev_x", form), 401, "invalid_client");
  auto with_basic = [&](const std::string& basic64) {
    std::vector<Header> h = form;
    h.push_back({"Authorization", "Basic " + basic64});
    return h;
  };
  ExpectOAuthError(post("grant_type=client_credentials", with_basic("%%%not-base64")), 401, "invalid_client");
  ExpectOAuthError(post("grant_type=client_credentials", with_basic(B64Standard("no-colon"))), 401, "invalid_client");
  ExpectOAuthError(post("grant_type=client_credentials", with_basic(B64Standard("dev_unknown:secret"))), 401, "invalid_client");
  ExpectOAuthError(post("grant_type=client_credentials&client_secret=other", with_basic(B64Standard("dev_unknown:secret"))), 400,
                   "invalid_request");

  // Login throttling: after 5 failures the next attempt waits — still 429 with Retry-After (RFC
  // 6749 has no code for it), with the body in the RFC 6749 shape.
  for (int i = 0; i < 5; ++i) {
    ExpectOAuthError(post("grant_type=password&username=kim%40example.com&password=wrong-wrong-wrong", form), 400, "invalid_grant");
  }
  auto throttled = post("grant_type=password&username=kim%40example.com&password=pizza-lover-123", form);
  ExpectOAuthError(throttled, 429, "slow_down");
  const std::string retry_after(throttled.Header("retry-after").value_or(""));
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GT(std::stoi(retry_after), 0);

  // Everything else keeps problem+json.
  auto bad_register = client_.Post(url + "/api/v1/auth/register", R"({"email": "x"})", {{"Content-Type", "application/json"}});
  ASSERT_TRUE(bad_register);
  ExpectProblem(*bad_register, 422);
}

TEST_F(IdentityE2E, ForgedAndMisusedTokensAreRefused) {
  ServeProcess serve(data_dir_, env_, {"--demo"});
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  const std::string staff_route = url + "/api/v1/admin/users";
  const auto key = ServerKey();

  // A correctly signed admin token works: the forgeries below differ only in what they break.
  const std::string genuine = vetahut::auth::SignJwt(AdminClaims(), key);
  EXPECT_EQ(GetWith(staff_route, genuine).status, 200);

  const std::string payload = B64(R"({"iss":"vetahut","aud":"vetahut-api","sub":"stf_x","kind":"staff","roles":["admin"],"exp":4102444800})");
  // alg: none
  ExpectProblem(GetWith(staff_route, B64(R"({"alg":"none","typ":"JWT"})") + "." + payload + "."), 401);
  // HS256 "signed" with the public key (the classic key-confusion attack), raw and as published.
  for (const std::string& secret : {key.public_key, B64(key.public_key)}) {
    const std::string signing_input = B64(R"({"alg":"HS256","typ":"JWT","kid":")" + key.kid + "\"}") + "." + payload;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
    crypto_auth_hmacsha256_final(&st, mac);
    ExpectProblem(GetWith(staff_route, signing_input + "." + B64(std::string(reinterpret_cast<char*>(mac), sizeof mac))), 401);
  }
  // Expired, not yet valid, wrong issuer, wrong audience — each signed with the real key.
  auto expired = AdminClaims();
  expired.expires_at = expired.issued_at - std::chrono::minutes(5);
  auto early = AdminClaims();
  early.not_before = early.issued_at + std::chrono::minutes(5);
  auto issuer = AdminClaims();
  issuer.issuer = "evil-corp";
  auto audience = AdminClaims();
  audience.audience = "another-api";
  for (const auto& [claims, detail] : {std::pair{expired, "token expired"}, std::pair{early, "token not yet valid"},
                                       std::pair{issuer, "wrong issuer"}, std::pair{audience, "wrong audience"}}) {
    auto r = GetWith(staff_route, vetahut::auth::SignJwt(claims, key));
    ExpectProblem(r, 401);
    EXPECT_NE(r.body.find(detail), std::string::npos) << r.body;
  }
  // A customer's real token with its payload swapped for an admin's: the signature no longer fits.
  Register(url, "mallory@example.com");
  auto customer = client_.Post(url + "/api/v1/auth/token", "grant_type=password&username=mallory%40example.com&password=pizza-lover-123",
                               {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(customer && customer->status == 200);
  const std::string customer_token(json::parse(customer->body).at("access_token").as_string());
  const auto dot1 = customer_token.find('.');
  const auto dot2 = customer_token.rfind('.');
  const std::string tampered = customer_token.substr(0, dot1 + 1) + payload + customer_token.substr(dot2);
  ExpectProblem(GetWith(staff_route, tampered), 401);

  // A customer calling a staff route: authenticated, but forbidden.
  ExpectProblem(GetWith(staff_route, customer_token), 403);

  // The demo store manager runs Midtown only.
  std::string midtown, brooklyn;
  const json::value stores = json::parse(client_.Get(url + "/api/v1/stores?limit=10")->body);
  for (const auto& s : stores.at("items").as_array()) {
    if (s.at("name").as_string() == "Veta Hut Midtown") midtown = std::string(s.at("id").as_string());
    if (s.at("name").as_string() == "Veta Hut Brooklyn Heights") brooklyn = std::string(s.at("id").as_string());
  }
  ASSERT_FALSE(midtown.empty() || brooklyn.empty());
  const std::string manager = TokenFor(url, "manager@demo.vetahut.test", "demo-manager-password");
  const std::vector<Header> as_manager = {{"Authorization", "Bearer " + manager}, {"Content-Type", "application/json"}};
  auto own = client_.Post(url + "/api/v1/stores/" + midtown + "/pause", R"({"reason":"short-staffed","minutes":5})", as_manager);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << own->body;
  auto other = client_.Post(url + "/api/v1/stores/" + brooklyn + "/pause", R"({"reason":"sabotage","minutes":5})", as_manager);
  ASSERT_TRUE(other);
  ExpectProblem(*other, 403);
  auto create = client_.Post(url + "/api/v1/stores", "{}", as_manager);  // admin only
  ASSERT_TRUE(create);
  ExpectProblem(*create, 403);

  // A kitchen display registered for Midtown switches busy mode there and nowhere else.
  auto device = client_.Post(url + "/api/v1/admin/devices", R"({"name":"Midtown KDS","type":"kds","store_id":")" + midtown + "\"}",
                             Admin(url));
  ASSERT_TRUE(device && device->status == 201) << (device ? device->body : "");
  const auto creds = json::parse(device->body).as_object();
  const std::string basic = std::string(creds.at("client_id").as_string()) + ":" + std::string(creds.at("client_secret").as_string());
  std::string basic64(sodium_base64_encoded_len(basic.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(basic64.data(), basic64.size(), reinterpret_cast<const unsigned char*>(basic.data()), basic.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  basic64.resize(std::strlen(basic64.c_str()));
  auto device_grant = client_.Post(url + "/api/v1/auth/token", "grant_type=client_credentials",
                                   {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Basic " + basic64}});
  ASSERT_TRUE(device_grant && device_grant->status == 200) << (device_grant ? device_grant->body : "");
  const std::string kds(json::parse(device_grant->body).at("access_token").as_string());
  const std::vector<Header> as_kds = {{"Authorization", "Bearer " + kds}, {"Content-Type", "application/json"}};
  auto kds_own = client_.Post(url + "/api/v1/stores/" + midtown + "/resume", "", as_kds);
  ASSERT_TRUE(kds_own);
  EXPECT_EQ(kds_own->status, 200) << kds_own->body;
  auto kds_other = client_.Post(url + "/api/v1/stores/" + brooklyn + "/pause", R"({"reason":"x","minutes":5})", as_kds);
  ASSERT_TRUE(kds_other);
  ExpectProblem(*kds_other, 403);
  auto bad_secret = client_.Post(url + "/api/v1/auth/token",
                                 "grant_type=client_credentials&client_id=" + std::string(creds.at("client_id").as_string()) +
                                     "&client_secret=wrong",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(bad_secret);
  ExpectOAuthError(*bad_secret, 401, "invalid_client");

  // Staff actions were audited; the device secret never was.
  auto audit = client_.Get(url + "/api/v1/admin/audit", {{"Authorization", "Bearer " + genuine}});
  ASSERT_TRUE(audit);
  EXPECT_NE(audit->body.find("device.register"), std::string::npos) << audit->body;
  EXPECT_NE(audit->body.find("/pause"), std::string::npos) << audit->body;
  EXPECT_EQ(audit->body.find(std::string(creds.at("client_secret").as_string())), std::string::npos);
}

TEST_F(IdentityE2E, ProfileAddressesExportAndDeletion) {
  ServeProcess serve(data_dir_, env_);
  const std::string url = serve.WaitForUrl();
  ASSERT_FALSE(url.empty()) << serve.Log();
  Register(url, "robin@example.com");
  const std::string token = TokenFor(url, "robin@example.com", "pizza-lover-123");
  const std::vector<Header> me = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  auto patched = client_.Send(Method::kPatch, url + "/api/v1/me", me, R"({"name":"Robin","marketing_consent":true})");
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->status, 200) << patched->body;
  auto bad_patch = client_.Send(Method::kPatch, url + "/api/v1/me", me, R"({"email":"new@example.com"})");
  ASSERT_TRUE(bad_patch);
  ExpectProblem(*bad_patch, 422);
  auto address = client_.Post(url + "/api/v1/me/addresses",
                              R"({"label":"Home","line1":"350 5th Ave","city":"New York","postal_code":"10118","country":"US","latitude":40.7484,"longitude":-73.9857})",
                              me);
  ASSERT_TRUE(address);
  EXPECT_EQ(address->status, 201) << address->body;
  auto loyalty = client_.Get(url + "/api/v1/me/loyalty", me);
  ASSERT_TRUE(loyalty);
  EXPECT_EQ(json::parse(loyalty->body).at("balance").as_int64(), 0) << loyalty->body;
  auto exported = client_.Get(url + "/api/v1/me/export", me);
  ASSERT_TRUE(exported);
  ASSERT_EQ(exported->status, 200);
  auto doc = json::parse(exported->body);
  EXPECT_EQ(doc.at("account").at("name").as_string(), "Robin");
  EXPECT_EQ(doc.at("addresses").as_array().size(), 1u);
  auto deleted = client_.Send(Method::kDelete, url + "/api/v1/me", me);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  ExpectProblem(GetWith(url + "/api/v1/me", token), 404);
  auto login = client_.Post(url + "/api/v1/auth/token", "grant_type=password&username=robin%40example.com&password=pizza-lover-123",
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(login);
  ExpectOAuthError(*login, 400, "invalid_grant");
}

}  // namespace
