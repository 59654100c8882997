#pragma once
/// Identity: accounts, the OAuth2 token grants, staff and devices, profile, export and erasure.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "lib/auth/jwt.hpp"
#include "lib/auth/policy.hpp"
#include "lib/auth/revocations.hpp"
#include "lib/auth/verifier.hpp"
#include "lib/bus/outbox.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "services/customer/account_repository.hpp"
#include "services/location/client.hpp"

namespace vetahut::menu {
class MenuClient;
}

namespace vetahut::customer {

/// Token lifetimes and names (section [auth] of the configuration).
struct IdentityOptions {
  std::string issuer = "vetahut";                   ///< iss of every access token
  std::string audience = "vetahut-api";             ///< aud of every access token
  std::chrono::seconds access_ttl{900};             ///< access tokens: 15 minutes
  std::chrono::hours refresh_ttl{24 * 30};          ///< refresh tokens: 30 days, rotated on use
  std::chrono::hours verification_ttl{48};          ///< email verification links
  std::chrono::minutes reset_ttl{30};               ///< password reset links
};

/// What the token endpoint returns (RFC 6749 §5.1).
struct TokenGrant {
  std::string access_token;
  std::int64_t expires_in = 0;
  std::string refresh_token;  ///< empty for client_credentials
  std::string scope;
};

struct Registration {
  std::string email;
  std::string password;
  std::string name;
  std::string phone;
  bool marketing_consent = false;
};

struct StaffRequest {
  std::string email;
  std::string password;
  std::string name;
  std::string phone;
  std::vector<StaffRole> roles;
};

struct ProfilePatch {
  std::optional<std::string> name;
  std::optional<std::string> phone;
  std::optional<bool> marketing_consent;
};

/// Login throttling: after `backoff_after` failures each attempt waits 1, 2, 4… seconds; after
/// `lockout_after` the key is locked for `lockout`. Failures older than `window` are forgotten.
struct ThrottleRules {
  int backoff_after = 5;
  int lockout_after = 10;
  std::chrono::minutes lockout{15};
  std::chrono::minutes window{15};
};

/// A provisioning code as its creator sees it, once.
struct IssuedProvisioningCode {
  std::string code;  ///< "ABCD-EFGH"
  std::string store_id;
  std::string device_type;
  std::string name;
  core::TimePoint expires_at{};
};

class IdentityService final : public auth::TokenVerifier {
 public:
  IdentityService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, IdentityOptions options,
                  std::function<void()> events_committed);

  /// Loads the signing keys, creating the first one if there is none.
  void LoadKeys();
  /// Starts signing with a new key; the previous stays valid for verification until retired.
  std::string RotateKeys(const std::string& actor);
  /// Stops accepting tokens signed by `kid` (after its tokens have expired).
  core::Status RetireKey(const std::string& actor, const std::string& kid);
  std::string JwksJson() const;

  /// Verifies a bearer token: signature, expiry, issuer, audience, and not revoked by logout.
  core::Result<auth::Principal> Authenticate(std::string_view bearer_token, auth::Claims* claims_out = nullptr) const override;

  core::Result<Account> Register(const Registration& r);
  core::Result<TokenGrant> PasswordGrant(const std::string& email, const std::string& password, const std::string& client_address);
  core::Result<TokenGrant> RefreshGrant(const std::string& refresh_token);
  core::Result<TokenGrant> ClientCredentialsGrant(const std::string& client_id, const std::string& client_secret);
  /// Revokes the access token (by id, until it expires: in this process and in the shared cache,
  /// so every process refuses it) and the refresh token's whole family (in the database).
  core::Status Logout(const auth::Claims& access, const std::string& refresh_token);
  /// Writes to the shared cache the revocations it missed while it was down (a periodic task);
  /// returns how many still wait.
  std::size_t SyncRevocations();

  core::Status VerifyEmail(const std::string& token);
  /// Always Ok (no account enumeration); sends a reset link only if the account exists.
  core::Status RequestPasswordReset(const std::string& email);
  core::Status ResetPassword(const std::string& token, const std::string& new_password);

  core::Result<Account> CreateStaff(const std::string& actor, const StaffRequest& request);
  /// Staff by id, `limit` after `cursor` (an id; "" = from the start).
  core::Result<std::vector<Account>> ListStaff(int limit = 1000, const std::string& cursor = "") const;
  /// Registers a kiosk/POS/KDS bound to one store; returns the device and its secret (shown once).
  core::Result<std::pair<Device, std::string>> RegisterDevice(const std::string& actor, const std::string& name,
                                                              const std::string& device_type, const std::string& store_id);

  /// A one-time code for a device of `store_id` (decision 0029): 8 characters shown as XXXX-XXXX,
  /// single use, expiring after `ttl`. The code itself is returned once and stored hashed.
  core::Result<IssuedProvisioningCode> CreateProvisioningCode(const std::string& actor, const std::string& store_id,
                                                              const std::string& device_type, const std::string& name,
                                                              std::chrono::seconds ttl = std::chrono::minutes(15));
  /// Exchanges a code (any case, with or without the dash) for a new device and its secret; the
  /// same kValidation on `code` for an unknown, used or expired one.
  core::Result<std::pair<Device, std::string>> ProvisionDevice(const std::string& code);

  core::Result<Account> GetAccount(const std::string& id) const;
  /// A phone order at the counter: the customer accounts with this E.164 number and their saved
  /// addresses (at most 5 accounts). A number that is not E.164 is a kValidation on `phone`.
  struct PhoneMatch {
    Account account;
    std::vector<Address> addresses;
  };
  core::Result<std::vector<PhoneMatch>> FindCustomersByPhone(const std::string& phone) const;
  core::Result<Account> UpdateProfile(const std::string& id, const ProfilePatch& patch);
  core::Result<Address> AddAddress(const std::string& account_id, Address address);
  core::Status DeleteAddress(const std::string& account_id, const std::string& address_id);
  std::vector<Address> ListAddresses(const std::string& account_id) const;
  core::Status PutFavourite(const std::string& account_id, const std::string& item_id, const std::string& note);
  core::Status DeleteFavourite(const std::string& account_id, const std::string& item_id);
  /// Everything held about the account, as JSON (profile, addresses, favourites, loyalty, sessions).
  core::Result<std::string> Export(const std::string& account_id) const;
  /// Erases personal data and revokes every session; the account row stays, anonymous.
  core::Status DeleteAccount(const std::string& account_id);

  /// Records a staff action in the audit log (in its own transaction).
  void Audit(const std::string& actor, const std::string& action, const std::string& target, const std::string& detail);
  /// The audit log, newest first: `limit` entries after the entry `cursor` ("" = the newest).
  std::vector<AccountRepository::AuditEntry> ListAudit(int limit, const std::string& cursor = "") const;

  const core::Clock& clock() const { return clock_; }
  void set_throttle_rules(ThrottleRules rules) { throttle_ = rules; }
  /// Where store ids in staff roles and devices are checked (nullptr: not checked).
  void set_store_directory(location::StoreDirectoryClient* stores) { stores_ = stores; }
  /// Where favourites' item ids are checked (nullptr: a process without the menu; not checked).
  void set_menu(const menu::MenuClient* menu) { menu_ = menu; }
  /// Where logouts are shared with the other processes (the platform's cache; until set, this
  /// process only). Call before serving.
  void set_cache(cache::Cache* cache) { revocations_ = std::make_unique<auth::Revocations>(cache); }

 private:
  core::Result<TokenGrant> IssueTokens(db::Transaction& tx, const auth::Principal& principal, const std::string& family_id);
  auth::Principal PrincipalOf(const Account& account) const;
  core::Status CheckThrottle(db::Session& s, const std::string& key) const;
  /// Whether a store exists (kUnavailable when the directory cannot say).
  core::Result<bool> StoreExists(const std::string& store_id) const;
  void RecordLoginFailure(db::Transaction& tx, const std::string& key);
  template <class E>
  void Emit(db::Transaction& tx, const std::string& subject, const E& event);

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  IdentityOptions options_;
  std::function<void()> events_committed_;
  AccountRepository repo_;
  bus::Outbox outbox_{"customer"};
  ThrottleRules throttle_;
  location::StoreDirectoryClient* stores_ = nullptr;
  const menu::MenuClient* menu_ = nullptr;
  std::string dummy_hash_;  ///< verified against for unknown emails, so timing does not tell

  mutable std::shared_mutex keys_mutex_;
  auth::KeySet keys_;
  /// Access token ids revoked by logout, until they can no longer verify: in this process and in
  /// the shared cache (decision 0043).
  std::unique_ptr<auth::Revocations> revocations_ = std::make_unique<auth::Revocations>(nullptr);
};

/// An email as stored (core::NormalizeEmail), or "" when it is not an address (look-ups).
std::string NormalizeEmail(std::string email);

/// The customer module's SQL migrations (generated) and everything it needs (plus outbox/inbox).
std::vector<db::Migration> Migrations();
std::vector<db::Migration> AllMigrations();

/// JSON views.
std::string AccountToJson(const Account& account);
std::string AddressToJson(const Address& address);

}  // namespace vetahut::customer
