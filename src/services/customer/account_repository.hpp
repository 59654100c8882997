#pragma once
/// SQL for identity: accounts, staff roles, devices, refresh and one-time tokens, signing keys,
/// login throttling, the audit log, addresses and favourites.
#include <optional>
#include <string>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/db/database.hpp"

namespace vetahut::customer {

struct StaffRole {
  std::string role;
  std::string store_id;  ///< "" = every store (admin)
};

struct Account {
  std::string id;
  std::string kind;  ///< customer | staff
  std::optional<std::string> email;
  std::optional<std::string> password_hash;
  std::string name;
  std::string phone;
  bool email_verified = false;
  bool marketing_consent = false;
  core::TimePoint created_at{};
  core::TimePoint updated_at{};
  std::optional<core::TimePoint> deleted_at;
  std::vector<StaffRole> roles;
};

struct Device {
  std::string id;
  std::string name;
  std::string device_type;  ///< kiosk | pos | kds
  std::string store_id;
  std::string secret_hash;
  core::TimePoint created_at{};
  std::optional<core::TimePoint> revoked_at;
};

/// A one-time device provisioning code, as stored (decision 0029).
struct ProvisioningCode {
  std::string code_hash;
  std::string store_id;
  std::string device_type;
  std::string name;
  std::string created_by;
  core::TimePoint created_at{};
  std::int64_t expires_at = 0;  ///< unix seconds
};

struct RefreshToken {
  std::string token_hash;
  std::string family_id;
  std::string subject;
  std::string subject_kind;  ///< customer | staff | device
  core::TimePoint issued_at{};
  core::TimePoint expires_at{};
  std::optional<core::TimePoint> used_at;
  std::optional<core::TimePoint> revoked_at;
};

struct StoredKey {
  std::string kid;
  std::string public_key;  ///< raw bytes, hex-encoded in the table
  std::string secret_key;
  core::TimePoint created_at{};
};

struct Address {
  std::string id;
  std::string label;
  std::string line1, line2, city, region, postal_code, country;
  double latitude = 0;
  double longitude = 0;
  core::TimePoint created_at{};
};

struct Throttle {
  int failures = 0;
  core::TimePoint last_failure_at{};
  std::optional<core::TimePoint> locked_until;
};

class AccountRepository {
 public:
  void InsertAccount(db::Session& tx, const Account& a) const;
  void UpdateProfile(db::Session& tx, const Account& a) const;
  void UpdatePassword(db::Session& tx, const std::string& id, const std::string& hash, core::TimePoint now) const;
  void MarkEmailVerified(db::Session& tx, const std::string& id, core::TimePoint now) const;
  /// Erases personal data; the row stays so orders keep a (now anonymous) reference.
  void Erase(db::Session& tx, const std::string& id, core::TimePoint now) const;
  std::optional<Account> FindById(db::Session& s, const std::string& id) const;
  std::optional<Account> FindByEmail(db::Session& s, const std::string& email) const;
  /// Live customer accounts (not staff, not erased) with this E.164 phone, at most `limit`.
  std::vector<Account> FindCustomersByPhone(db::Session& s, const std::string& phone, int limit) const;
  std::vector<Account> ListStaff(db::Session& s, int limit, const std::string& after_id) const;
  /// Live staff accounts holding `role` for `store_id` or for every store (roles not loaded).
  std::vector<Account> ListStaffWithRole(db::Session& s, const std::string& store_id, const std::string& role) const;
  void ReplaceRoles(db::Session& tx, const std::string& account_id, const std::vector<StaffRole>& roles) const;
  std::int64_t CountAdmins(db::Session& s) const;

  void InsertDevice(db::Session& tx, const Device& d) const;
  std::optional<Device> FindDevice(db::Session& s, const std::string& id) const;
  void InsertProvisioningCode(db::Session& tx, const ProvisioningCode& code) const;
  /// Marks the code used (once: only if unused and unexpired at `now_s`) and returns it.
  std::optional<ProvisioningCode> TakeProvisioningCode(db::Session& tx, const std::string& code_hash, std::int64_t now_s,
                                                       core::TimePoint at) const;
  void SetProvisionedDevice(db::Session& tx, const std::string& code_hash, const std::string& device_id) const;

  void InsertRefreshToken(db::Session& tx, const RefreshToken& t) const;
  std::optional<RefreshToken> FindRefreshToken(db::Session& s, const std::string& token_hash) const;
  /// Marks a token used, only if it was not used before: false when someone got there first.
  bool MarkRefreshTokenUsed(db::Session& tx, const std::string& token_hash, core::TimePoint now) const;
  void RevokeFamily(db::Session& tx, const std::string& family_id, core::TimePoint now) const;
  void RevokeSubject(db::Session& tx, const std::string& subject, core::TimePoint now) const;

  void InsertOneTimeToken(db::Session& tx, const std::string& hash, const std::string& purpose,
                          const std::string& account_id, core::TimePoint expires_at) const;
  /// Consumes a token of `purpose` if unused and unexpired; returns its account id.
  std::optional<std::string> ConsumeOneTimeToken(db::Session& tx, const std::string& hash, const std::string& purpose,
                                                 core::TimePoint now) const;

  std::vector<StoredKey> ActiveKeys(db::Session& s) const;
  void InsertKey(db::Session& tx, const StoredKey& key) const;
  void RetireKey(db::Session& tx, const std::string& kid, core::TimePoint now) const;

  std::optional<Throttle> FindThrottle(db::Session& s, const std::string& key) const;
  void RecordFailure(db::Session& tx, const std::string& key, const Throttle& t) const;
  void ClearThrottle(db::Session& tx, const std::string& key) const;

  void Audit(db::Session& tx, const std::string& id, core::TimePoint at, const std::string& actor, const std::string& action,
             const std::string& target, const std::string& detail) const;
  struct AuditEntry {
    std::string id, at, actor, action, target, detail;
  };
  /// Newest first: `limit` entries older than the entry `before_id` ("" = the newest).
  std::vector<AuditEntry> ListAudit(db::Session& s, int limit, const std::string& before_id = "") const;

  void InsertAddress(db::Session& tx, const std::string& account_id, const Address& a) const;
  bool DeleteAddress(db::Session& tx, const std::string& account_id, const std::string& address_id) const;
  std::vector<Address> ListAddresses(db::Session& s, const std::string& account_id) const;
  void PutFavourite(db::Session& tx, const std::string& account_id, const std::string& item_id, const std::string& note,
                    core::TimePoint now) const;
  bool DeleteFavourite(db::Session& tx, const std::string& account_id, const std::string& item_id) const;
  std::vector<std::pair<std::string, std::string>> ListFavourites(db::Session& s, const std::string& account_id) const;
};

}  // namespace vetahut::customer
