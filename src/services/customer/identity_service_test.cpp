// Identity on a real database (SQLite or PostgreSQL, from VETAHUT_TEST_DB_URL): registration,
// the token grants with rotation and reuse detection, throttling, one-time tokens, key rotation,
// export and erasure.
#include "services/customer/identity_service.hpp"
#include "services/customer/account_repository.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <algorithm>
#include <filesystem>

#include "lib/auth/secrets.hpp"
#include "lib/db/migrations.hpp"
#include "lib/db/test_database.hpp"
#include "services/menu/client.hpp"

namespace vetahut::customer {
namespace {

using namespace std::chrono;

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::OpenTestDatabase();
    ASSERT_TRUE(db_);
    for (const char* t : {"customer_loyalty_ledger", "customer_loyalty_balances", "customer_loyalty_inbox",
                          "customer_addresses", "customer_favourites", "customer_staff_roles", "customer_devices",
                          "customer_refresh_tokens", "customer_one_time_tokens", "customer_signing_keys",
                          "customer_login_throttle", "customer_audit_log", "customer_outbox_lease", "customer_outbox",
                          "customer_inbox", "customer_provisioning_codes", "customer_accounts"}) {
      db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
    }
    db_->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
              "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
    db_->Exec("DELETE FROM schema_migrations WHERE module = 'customer'");
    db::Migrate(*db_, AllMigrations());
    identity_ = std::make_unique<IdentityService>(*db_, clock_, ids_, IdentityOptions{}, nullptr);
    identity_->LoadKeys();
  }

  void TearDown() override {
    // The loyalty tests in this binary create their own tables; leave none of ours in their way.
    if (db_) {
      for (const char* t : {"customer_loyalty_ledger", "customer_loyalty_balances", "customer_loyalty_inbox"}) {
        db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
      }
    }
  }

  Account RegisterAlice() {
    auto a = identity_->Register({"Alice@Example.com", "correct-horse-battery", "Alice", "+12125550123", true});
    EXPECT_TRUE(a) << (a ? "" : a.error().detail);
    return *a;
  }

  std::int64_t Outbox(const std::string& type) {
    return db_->Query("SELECT COUNT(*) FROM customer_outbox WHERE type = $1", db::Params(type))[0].Int(0);
  }

  core::ManualClock clock_{*core::ParseRfc3339("2026-11-24T12:00:00Z")};
  core::IdGenerator ids_{clock_};
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<IdentityService> identity_;
};

TEST_F(IdentityTest, RegistrationValidatesEveryFieldAndStoresAHash) {
  auto bad = identity_->Register({"not-an-email", "short", "", "555-0100", false});
  ASSERT_FALSE(bad);
  std::vector<std::string> fields;
  for (const auto& f : bad.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"email", "password", "name", "phone"}));

  Account alice = RegisterAlice();
  EXPECT_EQ(*alice.email, "alice@example.com");
  auto stored = db_->Query("SELECT password_hash FROM customer_accounts WHERE id = $1", db::Params(alice.id));
  EXPECT_TRUE(stored[0].Text(0).starts_with("$argon2id$"));
  EXPECT_EQ(stored[0].Text(0).find("correct-horse-battery"), std::string::npos);
  auto again = identity_->Register({"ALICE@example.com", "another-password", "Alice 2", "+12125550124", false});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(Outbox("com.vetahut.customer.registered"), 1);
  EXPECT_EQ(Outbox("com.vetahut.customer.email_verification_requested"), 1);
}

TEST_F(IdentityTest, WrongPasswordAndUnknownEmailLookTheSame) {
  RegisterAlice();
  auto wrong = identity_->PasswordGrant("alice@example.com", "wrong-password", "10.0.0.1");
  auto unknown = identity_->PasswordGrant("nobody@example.com", "wrong-password", "10.0.0.2");
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().code, core::ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().code, unknown.error().code);
  EXPECT_EQ(wrong.error().detail, unknown.error().detail);
  auto ok = identity_->PasswordGrant("ALICE@example.com", "correct-horse-battery", "10.0.0.1");
  ASSERT_TRUE(ok);
  auto principal = identity_->Authenticate(ok->access_token);
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->roles, (std::vector<std::string>{"customer"}));
}

TEST_F(IdentityTest, RepeatedFailuresBackOffThenLockOut) {
  RegisterAlice();
  for (int i = 0; i < 5; ++i) {
    if (i > 0) clock_.Advance(seconds(40));  // spread out: no lock until the fifth failure
    EXPECT_EQ(identity_->PasswordGrant("alice@example.com", "nope-nope-nope", "10.0.0.9").error().code,
              core::ErrorCode::kUnauthenticated);
  }
  // Five failures: the next attempt must wait, even with the right password.
  auto throttled = identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.10");
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.error().code, core::ErrorCode::kTooManyRequests);
  clock_.Advance(seconds(2));
  EXPECT_TRUE(identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.10"));  // success resets
  for (int i = 0; i < 10; ++i) {
    identity_->PasswordGrant("alice@example.com", "nope-nope-nope", "10.0.0.11");
    clock_.Advance(minutes(1));
  }
  auto locked = identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.12");
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, core::ErrorCode::kTooManyRequests);
  clock_.Advance(minutes(16));
  EXPECT_TRUE(identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.12"));
}

TEST_F(IdentityTest, RefreshTokensRotateAndReuseRevokesTheFamily) {
  RegisterAlice();
  auto first = identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.1");
  ASSERT_TRUE(first);
  auto second = identity_->RefreshGrant(first->refresh_token);
  ASSERT_TRUE(second);
  EXPECT_NE(second->refresh_token, first->refresh_token);
  // An attacker replays the first (already rotated) token: the whole login ends.
  auto replay = identity_->RefreshGrant(first->refresh_token);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code, core::ErrorCode::kUnauthenticated);
  EXPECT_NE(replay.error().detail.find("reused"), std::string::npos);
  auto legit = identity_->RefreshGrant(second->refresh_token);
  ASSERT_FALSE(legit);  // the legitimate holder's newer token is revoked too
  // The stored value is a hash, never the token.
  EXPECT_TRUE(db_->Query("SELECT 1 FROM customer_refresh_tokens WHERE token_hash = $1", db::Params(first->refresh_token)).empty());
  EXPECT_FALSE(db_->Query("SELECT 1 FROM customer_refresh_tokens WHERE token_hash = $1",
                          db::Params(auth::HashToken(first->refresh_token))).empty());
}

TEST_F(IdentityTest, LogoutRevokesTheAccessTokenAndTheRefreshFamily) {
  RegisterAlice();
  auto grant = identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.1");
  ASSERT_TRUE(grant);
  auth::Claims claims;
  ASSERT_TRUE(identity_->Authenticate(grant->access_token, &claims));
  ASSERT_TRUE(identity_->Logout(claims, grant->refresh_token));
  EXPECT_FALSE(identity_->Authenticate(grant->access_token));
  EXPECT_FALSE(identity_->RefreshGrant(grant->refresh_token));
}

// Issue 10: what is not a refresh token, an email address or an address line is a 422 naming
// it, and nothing changes.
TEST_F(IdentityTest, MalformedInputIsRefusedNamingTheFieldAndChangesNothing) {
  Account alice = RegisterAlice();
  auto grant = identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.1");
  ASSERT_TRUE(grant);
  auth::Claims claims;
  ASSERT_TRUE(identity_->Authenticate(grant->access_token, &claims));
  auto field_of = [](const core::Status& s) { return s || s.error().fields.empty() ? std::string() : s.error().fields[0].field; };
  for (const std::string& bad : {std::string(600, 'x'), std::string("rt' OR 1=1 --")}) {
    EXPECT_EQ(field_of(identity_->Logout(claims, bad)), "refresh_token");
  }
  EXPECT_TRUE(identity_->Authenticate(grant->access_token)) << "a refused logout revokes nothing";

  for (const std::string& bad : {std::string(600, 'a') + "@example.com", std::string("not an email")}) {
    EXPECT_EQ(field_of(identity_->RequestPasswordReset(bad)), "email");
  }
  EXPECT_EQ(Outbox("com.vetahut.customer.password_reset_requested"), 0);

  for (auto [field, address] :
       {std::pair{"line2", Address{"", "Home", "1 Main St", std::string(10 * 1024, 'x'), "Springfield", "IL", "62701", "US", 39.78, -89.65}},
        std::pair{"region", Address{"", "Home", "1 Main St", "", "Springfield", std::string("IL\x1b[2J"), "62701", "US", 39.78, -89.65}}}) {
    auto added = identity_->AddAddress(alice.id, address);
    ASSERT_FALSE(added) << field;
    EXPECT_EQ(added.error().fields.at(0).field, field);
  }
  EXPECT_TRUE(identity_->ListAddresses(alice.id).empty());
}

// A favourite names a product or deal of a published menu (issue 10: any id was stored).
TEST_F(IdentityTest, AFavouriteMustBeOnAMenu) {
  struct OneItemMenu final : menu::MenuClient {
    core::Result<menu::PricedCart> PriceCart(const menu::CartPricing&) override {
      return core::Fail(core::Error::Internal("not used"));
    }
    core::Status SetItemAvailability(const std::string&, const std::string&, bool, const std::string&) override {
      return core::Ok();
    }
    bool IsMenuItem(const std::string& item_id) const override { return item_id == "prd_margherita"; }
  } menu;
  identity_->set_menu(&menu);
  Account alice = RegisterAlice();
  auto unknown = identity_->PutFavourite(alice.id, "zz9-unknown-0002", "");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::ErrorCode::kNotFound);
  EXPECT_TRUE(identity_->PutFavourite(alice.id, "prd_margherita", "extra basil"));
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM customer_favourites")[0].Int(0), 1);
  EXPECT_EQ(identity_->DeleteFavourite(alice.id, "zz9-unknown-0002").error().code, core::ErrorCode::kNotFound);
  EXPECT_TRUE(identity_->DeleteFavourite(alice.id, "prd_margherita"));
}

TEST_F(IdentityTest, AccessTokensExpire) {
  RegisterAlice();
  auto grant = identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.1");
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->expires_in, 900);
  clock_.Advance(minutes(15) + seconds(31));
  auto expired = identity_->Authenticate(grant->access_token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().detail, "token expired");
}

TEST_F(IdentityTest, DevicesGetStoreBoundTokensFromClientCredentials) {
  auto device = identity_->RegisterDevice("stf_admin", "Front kiosk", "kiosk", "str_A");
  ASSERT_TRUE(device);
  auto& [d, secret] = *device;
  EXPECT_EQ(db_->Query("SELECT secret_hash FROM customer_devices WHERE id = $1", db::Params(d.id))[0].Text(0),
            auth::HashToken(secret));
  auto bad = identity_->ClientCredentialsGrant(d.id, secret + "x");
  ASSERT_FALSE(bad);
  auto grant = identity_->ClientCredentialsGrant(d.id, secret);
  ASSERT_TRUE(grant);
  EXPECT_TRUE(grant->refresh_token.empty());
  auto principal = identity_->Authenticate(grant->access_token);
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->kind, auth::PrincipalKind::kDevice);
  EXPECT_EQ(principal->stores, (std::vector<std::string>{"str_A"}));
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM customer_audit_log WHERE action = 'device.register'")[0].Int(0), 1);
}

TEST_F(IdentityTest, OneTimeTokensWorkOnceAndResetEndsOtherSessions) {
  Account alice = RegisterAlice();
  auto session = identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.1");
  ASSERT_TRUE(session);
  ASSERT_TRUE(identity_->RequestPasswordReset("alice@example.com"));
  ASSERT_TRUE(identity_->RequestPasswordReset("nobody@example.com"));  // same answer, nothing sent
  EXPECT_EQ(Outbox("com.vetahut.customer.password_reset_requested"), 1);
  auto envelope = db_->Query("SELECT envelope FROM customer_outbox WHERE type = 'com.vetahut.customer.password_reset_requested'");
  const std::string url(boost::json::parse(envelope[0].Text(0)).at("data").at("reset_url").as_string());
  const std::string token = url.substr(url.find('=') + 1);
  EXPECT_FALSE(identity_->ResetPassword(token, "short"));
  ASSERT_TRUE(identity_->ResetPassword(token, "a-brand-new-password"));
  EXPECT_FALSE(identity_->ResetPassword(token, "yet-another-password"));  // single use
  EXPECT_FALSE(identity_->RefreshGrant(session->refresh_token));        // old sessions ended
  EXPECT_TRUE(identity_->PasswordGrant("alice@example.com", "a-brand-new-password", "10.0.0.1"));

  auto verify = db_->Query("SELECT envelope FROM customer_outbox WHERE type = 'com.vetahut.customer.email_verification_requested'");
  const std::string vurl(boost::json::parse(verify[0].Text(0)).at("data").at("verify_url").as_string());
  const std::string vtoken = vurl.substr(vurl.find('=') + 1);
  clock_.Advance(hours(49));
  EXPECT_FALSE(identity_->VerifyEmail(vtoken));  // expired
  EXPECT_FALSE(identity_->GetAccount(alice.id)->email_verified);
}

TEST_F(IdentityTest, KeyRotationKeepsOldTokensValidUntilTheKeyIsRetired) {
  RegisterAlice();
  auto before = identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.1");
  ASSERT_TRUE(before);
  const std::string old_kid(boost::json::parse(identity_->JwksJson()).at("keys").as_array()[0].at("kid").as_string());
  const std::string new_kid = identity_->RotateKeys("stf_admin");
  auto jwks = boost::json::parse(identity_->JwksJson()).at("keys").as_array();
  EXPECT_EQ(jwks.size(), 2u);
  for (const auto& k : jwks) EXPECT_FALSE(k.as_object().contains("d"));
  EXPECT_TRUE(identity_->Authenticate(before->access_token));
  auto after = identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.1");
  ASSERT_TRUE(after);
  EXPECT_FALSE(identity_->RetireKey("stf_admin", new_kid));  // the signing key cannot go
  ASSERT_TRUE(identity_->RetireKey("stf_admin", old_kid));
  EXPECT_FALSE(identity_->Authenticate(before->access_token));
  EXPECT_TRUE(identity_->Authenticate(after->access_token));
  // Another replica loading keys from the database agrees.
  IdentityService replica(*db_, clock_, ids_, IdentityOptions{}, nullptr);
  replica.LoadKeys();
  EXPECT_TRUE(replica.Authenticate(after->access_token));
  EXPECT_FALSE(replica.Authenticate(before->access_token));
}

TEST_F(IdentityTest, ExportHoldsEverythingAndDeletionErasesPersonalData) {
  Account alice = RegisterAlice();
  ASSERT_TRUE(identity_->AddAddress(alice.id, Address{"", "Home", "1 Main St", "", "Springfield", "IL", "62701", "US",
                                                      39.78, -89.65}));
  ASSERT_TRUE(identity_->PutFavourite(alice.id, "prd_margherita", "extra basil"));
  auto bad_address = identity_->AddAddress(alice.id, Address{"", "", "", "", "", "", "", "usa", 200, 0});
  ASSERT_FALSE(bad_address);
  EXPECT_GE(bad_address.error().fields.size(), 4u);

  auto exported = identity_->Export(alice.id);
  ASSERT_TRUE(exported);
  auto doc = boost::json::parse(*exported).as_object();
  EXPECT_EQ(doc.at("account").at("email").as_string(), "alice@example.com");
  EXPECT_EQ(doc.at("addresses").as_array().size(), 1u);
  EXPECT_EQ(doc.at("favourites").as_array().at(0).at("note").as_string(), "extra basil");
  EXPECT_TRUE(doc.contains("loyalty_ledger"));

  auto session = identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.1");
  ASSERT_TRUE(identity_->DeleteAccount(alice.id));
  auto row = db_->Query("SELECT email, password_hash, name, phone, deleted_at FROM customer_accounts WHERE id = $1",
                        db::Params(alice.id));
  ASSERT_EQ(row.size(), 1u);  // the row stays so orders keep an (anonymous) reference
  EXPECT_TRUE(row[0].IsNull(0));
  EXPECT_TRUE(row[0].IsNull(1));
  EXPECT_EQ(row[0].Text(2), "");
  EXPECT_EQ(row[0].Text(3), "");
  EXPECT_FALSE(row[0].IsNull(4));
  EXPECT_TRUE(db_->Query("SELECT 1 FROM customer_addresses WHERE account_id = $1", db::Params(alice.id)).empty());
  EXPECT_FALSE(identity_->RefreshGrant(session->refresh_token));
  EXPECT_FALSE(identity_->PasswordGrant("alice@example.com", "correct-horse-battery", "10.0.0.1"));
  EXPECT_TRUE(identity_->Register({"alice@example.com", "correct-horse-battery", "Alice", "+12125550123", false}));
}

TEST_F(IdentityTest, StaffRolesAreValidatedAndTheLastAdminStays) {
  auto bad = identity_->CreateStaff("cli", {"m@example.com", "long-enough-pw", "M", "+12125550111",
                                            {{"store_manager", ""}, {"wizard", "str_A"}, {"admin", "str_A"}}});
  ASSERT_FALSE(bad);
  std::vector<std::string> fields;
  for (const auto& f : bad.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"roles[0].store_id", "roles[1].role", "roles[2].store_id"}));
  auto admin = identity_->CreateStaff("cli", {"root@example.com", "long-enough-pw", "Root", "+12125550112", {{"admin", ""}}});
  ASSERT_TRUE(admin);
  auto manager = identity_->CreateStaff(admin->id, {"m@example.com", "long-enough-pw", "M", "+12125550111",
                                                    {{"store_manager", "str_A"}, {"cashier", "str_B"}}});
  ASSERT_TRUE(manager);
  auto grant = identity_->PasswordGrant("m@example.com", "long-enough-pw", "10.0.0.1");
  ASSERT_TRUE(grant);
  auto principal = identity_->Authenticate(grant->access_token);
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->kind, auth::PrincipalKind::kStaff);
  auto stores = principal->stores;
  std::sort(stores.begin(), stores.end());
  EXPECT_EQ(stores, (std::vector<std::string>{"str_A", "str_B"}));
  auto last = identity_->DeleteAccount(admin->id);
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().code, core::ErrorCode::kConflict);
}

TEST_F(IdentityTest, AStoresStaffWithARoleAreListedForNotifications) {
  auto admin = identity_->CreateStaff("cli", {"root@example.com", "long-enough-pw", "Root", "+12125550112", {{"admin", ""}}});
  ASSERT_TRUE(admin);
  auto a = identity_->CreateStaff(admin->id, {"a@example.com", "long-enough-pw", "Ann", "+12125550113",
                                              {{"store_manager", "str_A"}, {"cook", "str_B"}}});
  auto b = identity_->CreateStaff(admin->id, {"b@example.com", "long-enough-pw", "Bo", "+12125550114", {{"store_manager", "str_B"}}});
  auto c = identity_->CreateStaff(admin->id, {"c@example.com", "long-enough-pw", "Cy", "+12125550115", {{"store_manager", "str_A"}}});
  ASSERT_TRUE(a && b && c);
  auto names = [&](const std::string& store, const std::string& role) {
    std::vector<std::string> out;
    for (const auto& account : AccountRepository().ListStaffWithRole(*db_, store, role)) out.push_back(account.name);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(names("str_A", "store_manager"), (std::vector<std::string>{"Ann", "Cy"}));
  EXPECT_EQ(names("str_B", "store_manager"), (std::vector<std::string>{"Bo"}));
  EXPECT_EQ(names("str_B", "cook"), (std::vector<std::string>{"Ann"}));
  EXPECT_EQ(names("str_A", "admin"), (std::vector<std::string>{"Root"}));  // a chain-wide role counts at every store
  EXPECT_TRUE(names("str_C", "store_manager").empty());
  ASSERT_TRUE(identity_->DeleteAccount(c->id));  // an erased account is nobody to tell
  EXPECT_EQ(names("str_A", "store_manager"), (std::vector<std::string>{"Ann"}));
}

TEST_F(IdentityTest, ThePhoneLookupFindsLiveCustomersOnlyWithTheirAddresses) {
  Account alice = RegisterAlice();
  ASSERT_TRUE(identity_->AddAddress(alice.id, Address{"", "Home", "1 Main St", "", "Springfield", "IL", "62701", "US",
                                                      39.78, -89.65}));
  ASSERT_TRUE(identity_->CreateStaff("root", {"staff@example.com", "correct-horse-battery", "Staff", "+12125550123",
                                              {{"cashier", "sto_1"}}}));
  auto found = identity_->FindCustomersByPhone("+12125550123");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);  // the staff account with the same number is not a customer
  EXPECT_EQ((*found)[0].account.id, alice.id);
  ASSERT_EQ((*found)[0].addresses.size(), 1u);
  EXPECT_EQ((*found)[0].addresses[0].line1, "1 Main St");

  auto nobody = identity_->FindCustomersByPhone("+12125550999");
  ASSERT_TRUE(nobody);
  EXPECT_TRUE(nobody->empty());
  auto bad = identity_->FindCustomersByPhone("' OR 1=1 --");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fields.at(0).field, "phone");

  ASSERT_TRUE(identity_->DeleteAccount(alice.id));
  EXPECT_TRUE(identity_->FindCustomersByPhone("+12125550123")->empty());  // erased: no longer found
}

}  // namespace
}  // namespace vetahut::customer
