#include "services/customer/account_repository.hpp"

#include <sodium.h>

namespace vetahut::customer {
namespace {

constexpr const char* kAccountColumns =
    "id, kind, email, password_hash, name, phone, email_verified, marketing_consent, created_at, updated_at, deleted_at";

std::string T(core::TimePoint t) { return core::FormatRfc3339(t); }
core::TimePoint P(const std::string& s) { return core::ParseRfc3339(s).value_or(core::TimePoint{}); }
std::optional<core::TimePoint> OptP(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return core::ParseRfc3339(*s);
}

std::string Hex(const std::string& raw) {
  std::string out(raw.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  out.pop_back();
  return out;
}

std::string Unhex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr);
  out.resize(len);
  return out;
}

Account AccountFromRow(const db::Row& r) {
  Account a;
  a.id = r.Text(0);
  a.kind = r.Text(1);
  a.email = r.OptText(2);
  a.password_hash = r.OptText(3);
  a.name = r.Text(4);
  a.phone = r.Text(5);
  a.email_verified = r.Bool(6);
  a.marketing_consent = r.Bool(7);
  a.created_at = P(r.Text(8));
  a.updated_at = P(r.Text(9));
  a.deleted_at = OptP(r.OptText(10));
  return a;
}

void LoadRoles(db::Session& s, Account& a) {
  for (const auto& r : s.Query("SELECT role, store_id FROM customer_staff_roles WHERE account_id = $1 ORDER BY role, store_id",
                               db::Params(a.id))) {
    a.roles.push_back({r.Text(0), r.Text(1)});
  }
}

}  // namespace

void AccountRepository::InsertAccount(db::Session& tx, const Account& a) const {
  tx.Exec(std::string("INSERT INTO customer_accounts (") + kAccountColumns +
              ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)",
          db::Params(a.id, a.kind, a.email, a.password_hash, a.name, a.phone, a.email_verified, a.marketing_consent,
                     T(a.created_at), T(a.updated_at)));
}

void AccountRepository::UpdateProfile(db::Session& tx, const Account& a) const {
  tx.Exec("UPDATE customer_accounts SET name = $2, phone = $3, marketing_consent = $4, updated_at = $5 WHERE id = $1",
          db::Params(a.id, a.name, a.phone, a.marketing_consent, T(a.updated_at)));
}

void AccountRepository::UpdatePassword(db::Session& tx, const std::string& id, const std::string& hash, core::TimePoint now) const {
  tx.Exec("UPDATE customer_accounts SET password_hash = $2, updated_at = $3 WHERE id = $1", db::Params(id, hash, T(now)));
}

void AccountRepository::MarkEmailVerified(db::Session& tx, const std::string& id, core::TimePoint now) const {
  tx.Exec("UPDATE customer_accounts SET email_verified = $2, updated_at = $3 WHERE id = $1", db::Params(id, true, T(now)));
}

void AccountRepository::Erase(db::Session& tx, const std::string& id, core::TimePoint now) const {
  tx.Exec("UPDATE customer_accounts SET email = NULL, password_hash = NULL, name = '', phone = '', marketing_consent = $2, "
          "updated_at = $3, deleted_at = $3 WHERE id = $1",
          db::Params(id, false, T(now)));
  tx.Exec("DELETE FROM customer_addresses WHERE account_id = $1", db::Params(id));
  tx.Exec("DELETE FROM customer_favourites WHERE account_id = $1", db::Params(id));
  tx.Exec("DELETE FROM customer_staff_roles WHERE account_id = $1", db::Params(id));
  tx.Exec("DELETE FROM customer_one_time_tokens WHERE account_id = $1", db::Params(id));
}

std::optional<Account> AccountRepository::FindById(db::Session& s, const std::string& id) const {
  auto rows = s.Query(std::string("SELECT ") + kAccountColumns + " FROM customer_accounts WHERE id = $1", db::Params(id));
  if (rows.empty()) return std::nullopt;
  Account a = AccountFromRow(rows[0]);
  LoadRoles(s, a);
  return a;
}

std::optional<Account> AccountRepository::FindByEmail(db::Session& s, const std::string& email) const {
  auto rows = s.Query(std::string("SELECT ") + kAccountColumns + " FROM customer_accounts WHERE email = $1", db::Params(email));
  if (rows.empty()) return std::nullopt;
  Account a = AccountFromRow(rows[0]);
  LoadRoles(s, a);
  return a;
}

std::vector<Account> AccountRepository::FindCustomersByPhone(db::Session& s, const std::string& phone, int limit) const {
  auto rows = s.Query(std::string("SELECT ") + kAccountColumns +
                          " FROM customer_accounts WHERE phone = $1 AND kind = 'customer' AND deleted_at IS NULL "
                          "ORDER BY id LIMIT $2",
                      db::Params(phone, static_cast<std::int64_t>(limit)));
  std::vector<Account> out;
  for (const auto& row : rows) out.push_back(AccountFromRow(row));
  return out;
}

std::vector<Account> AccountRepository::ListStaff(db::Session& s, int limit, const std::string& after_id) const {
  std::vector<Account> out;
  for (const auto& r : s.Query(std::string("SELECT ") + kAccountColumns +
                                   " FROM customer_accounts WHERE kind = 'staff' AND deleted_at IS NULL AND id > $1 "
                                   "ORDER BY id LIMIT $2",
                               db::Params(after_id, limit))) {
    out.push_back(AccountFromRow(r));
  }
  for (auto& a : out) LoadRoles(s, a);
  return out;
}

std::vector<Account> AccountRepository::ListStaffWithRole(db::Session& s, const std::string& store_id,
                                                         const std::string& role) const {
  std::vector<Account> out;
  for (const auto& r : s.Query("SELECT DISTINCT a.id, a.kind, a.email, a.password_hash, a.name, a.phone, a.email_verified, "
                               "a.marketing_consent, a.created_at, a.updated_at, a.deleted_at "
                               "FROM customer_accounts a JOIN customer_staff_roles r ON r.account_id = a.id "
                               "WHERE r.role = $1 AND (r.store_id = $2 OR r.store_id = '') AND a.deleted_at IS NULL "
                               "ORDER BY a.id",
                               db::Params(role, store_id))) {
    out.push_back(AccountFromRow(r));
  }
  return out;
}

void AccountRepository::ReplaceRoles(db::Session& tx, const std::string& account_id, const std::vector<StaffRole>& roles) const {
  tx.Exec("DELETE FROM customer_staff_roles WHERE account_id = $1", db::Params(account_id));
  for (const auto& r : roles) {
    tx.Exec("INSERT INTO customer_staff_roles (account_id, role, store_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            db::Params(account_id, r.role, r.store_id));
  }
}

std::int64_t AccountRepository::CountAdmins(db::Session& s) const {
  return s.Query("SELECT COUNT(*) FROM customer_staff_roles WHERE role = 'admin'")[0].Int(0);
}

void AccountRepository::InsertDevice(db::Session& tx, const Device& d) const {
  tx.Exec("INSERT INTO customer_devices (id, name, device_type, store_id, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
          db::Params(d.id, d.name, d.device_type, d.store_id, d.secret_hash, T(d.created_at)));
}

void AccountRepository::InsertProvisioningCode(db::Session& tx, const ProvisioningCode& c) const {
  tx.Exec("INSERT INTO customer_provisioning_codes (code_hash, store_id, device_type, name, created_by, created_at, "
          "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          db::Params(c.code_hash, c.store_id, c.device_type, c.name, c.created_by, T(c.created_at), c.expires_at));
}

std::optional<ProvisioningCode> AccountRepository::TakeProvisioningCode(db::Session& tx, const std::string& code_hash,
                                                                        std::int64_t now_s, core::TimePoint at) const {
  // One UPDATE decides: two devices racing for one code cannot both win.
  auto rows = tx.Query("UPDATE customer_provisioning_codes SET used_at = $3 WHERE code_hash = $1 AND used_at IS NULL "
                       "AND expires_at > $2 RETURNING code_hash, store_id, device_type, name, created_by, created_at, expires_at",
                       db::Params(code_hash, now_s, T(at)));
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return ProvisioningCode{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), P(r.Text(5)), r.Int(6)};
}

void AccountRepository::SetProvisionedDevice(db::Session& tx, const std::string& code_hash, const std::string& device_id) const {
  tx.Exec("UPDATE customer_provisioning_codes SET device_id = $2 WHERE code_hash = $1", db::Params(code_hash, device_id));
}

std::optional<Device> AccountRepository::FindDevice(db::Session& s, const std::string& id) const {
  auto rows = s.Query("SELECT id, name, device_type, store_id, secret_hash, created_at, revoked_at FROM customer_devices WHERE id = $1",
                      db::Params(id));
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return Device{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), P(r.Text(5)), OptP(r.OptText(6))};
}

void AccountRepository::InsertRefreshToken(db::Session& tx, const RefreshToken& t) const {
  tx.Exec("INSERT INTO customer_refresh_tokens (token_hash, family_id, subject, subject_kind, issued_at, expires_at) "
          "VALUES ($1, $2, $3, $4, $5, $6)",
          db::Params(t.token_hash, t.family_id, t.subject, t.subject_kind, T(t.issued_at), T(t.expires_at)));
}

std::optional<RefreshToken> AccountRepository::FindRefreshToken(db::Session& s, const std::string& token_hash) const {
  auto rows = s.Query("SELECT token_hash, family_id, subject, subject_kind, issued_at, expires_at, used_at, revoked_at "
                      "FROM customer_refresh_tokens WHERE token_hash = $1",
                      db::Params(token_hash));
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return RefreshToken{r.Text(0), r.Text(1), r.Text(2), r.Text(3), P(r.Text(4)), P(r.Text(5)), OptP(r.OptText(6)), OptP(r.OptText(7))};
}

bool AccountRepository::MarkRefreshTokenUsed(db::Session& tx, const std::string& token_hash, core::TimePoint now) const {
  return tx.Exec("UPDATE customer_refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
                 db::Params(token_hash, T(now))) == 1;
}

void AccountRepository::RevokeFamily(db::Session& tx, const std::string& family_id, core::TimePoint now) const {
  tx.Exec("UPDATE customer_refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
          db::Params(family_id, T(now)));
}

void AccountRepository::RevokeSubject(db::Session& tx, const std::string& subject, core::TimePoint now) const {
  tx.Exec("UPDATE customer_refresh_tokens SET revoked_at = $2 WHERE subject = $1 AND revoked_at IS NULL",
          db::Params(subject, T(now)));
}

void AccountRepository::InsertOneTimeToken(db::Session& tx, const std::string& hash, const std::string& purpose,
                                           const std::string& account_id, core::TimePoint expires_at) const {
  tx.Exec("INSERT INTO customer_one_time_tokens (token_hash, purpose, account_id, expires_at) VALUES ($1, $2, $3, $4)",
          db::Params(hash, purpose, account_id, T(expires_at)));
}

std::optional<std::string> AccountRepository::ConsumeOneTimeToken(db::Session& tx, const std::string& hash,
                                                                  const std::string& purpose, core::TimePoint now) const {
  auto rows = tx.Query("SELECT account_id FROM customer_one_time_tokens WHERE token_hash = $1 AND purpose = $2 "
                       "AND used_at IS NULL AND expires_at > $3",
                       db::Params(hash, purpose, T(now)));
  if (rows.empty()) return std::nullopt;
  if (tx.Exec("UPDATE customer_one_time_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
              db::Params(hash, T(now))) != 1) {
    return std::nullopt;
  }
  return rows[0].Text(0);
}

std::vector<StoredKey> AccountRepository::ActiveKeys(db::Session& s) const {
  std::vector<StoredKey> out;
  for (const auto& r : s.Query("SELECT kid, public_key, secret_key, created_at FROM customer_signing_keys "
                               "WHERE retired_at IS NULL ORDER BY created_at, kid")) {
    out.push_back({r.Text(0), Unhex(r.Text(1)), Unhex(r.Text(2)), P(r.Text(3))});
  }
  return out;
}

void AccountRepository::InsertKey(db::Session& tx, const StoredKey& key) const {
  tx.Exec("INSERT INTO customer_signing_keys (kid, public_key, secret_key, created_at) VALUES ($1, $2, $3, $4)",
          db::Params(key.kid, Hex(key.public_key), Hex(key.secret_key), T(key.created_at)));
}

void AccountRepository::RetireKey(db::Session& tx, const std::string& kid, core::TimePoint now) const {
  tx.Exec("UPDATE customer_signing_keys SET retired_at = $2 WHERE kid = $1", db::Params(kid, T(now)));
}

std::optional<Throttle> AccountRepository::FindThrottle(db::Session& s, const std::string& key) const {
  auto rows = s.Query("SELECT failures, last_failure_at, locked_until FROM customer_login_throttle WHERE throttle_key = $1",
                      db::Params(key));
  if (rows.empty()) return std::nullopt;
  return Throttle{int(rows[0].Int(0)), P(rows[0].Text(1)), OptP(rows[0].OptText(2))};
}

void AccountRepository::RecordFailure(db::Session& tx, const std::string& key, const Throttle& t) const {
  std::optional<std::string> locked;
  if (t.locked_until) locked = T(*t.locked_until);
  tx.Exec("INSERT INTO customer_login_throttle (throttle_key, failures, last_failure_at, locked_until) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (throttle_key) DO UPDATE SET failures = $2, last_failure_at = $3, locked_until = $4",
          db::Params(key, t.failures, T(t.last_failure_at), locked));
}

void AccountRepository::ClearThrottle(db::Session& tx, const std::string& key) const {
  tx.Exec("DELETE FROM customer_login_throttle WHERE throttle_key = $1", db::Params(key));
}

void AccountRepository::Audit(db::Session& tx, const std::string& id, core::TimePoint at, const std::string& actor,
                              const std::string& action, const std::string& target, const std::string& detail) const {
  tx.Exec("INSERT INTO customer_audit_log (id, at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)",
          db::Params(id, T(at), actor, action, target, detail));
}

std::vector<AccountRepository::AuditEntry> AccountRepository::ListAudit(db::Session& s, int limit,
                                                                      const std::string& before_id) const {
  std::vector<AuditEntry> out;
  for (const auto& r : s.Query("SELECT id, at, actor, action, target, detail FROM customer_audit_log "
                               "WHERE ($2 = '' OR id < $2) ORDER BY id DESC LIMIT $1",
                               db::Params(limit, before_id))) {
    out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5)});
  }
  return out;
}

void AccountRepository::InsertAddress(db::Session& tx, const std::string& account_id, const Address& a) const {
  tx.Exec("INSERT INTO customer_addresses (id, account_id, label, line1, line2, city, region, postal_code, country, latitude, "
          "longitude, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
          db::Params(a.id, account_id, a.label, a.line1, a.line2, a.city, a.region, a.postal_code, a.country, a.latitude,
                     a.longitude, T(a.created_at)));
}

bool AccountRepository::DeleteAddress(db::Session& tx, const std::string& account_id, const std::string& address_id) const {
  return tx.Exec("DELETE FROM customer_addresses WHERE id = $1 AND account_id = $2", db::Params(address_id, account_id)) == 1;
}

std::vector<Address> AccountRepository::ListAddresses(db::Session& s, const std::string& account_id) const {
  std::vector<Address> out;
  for (const auto& r : s.Query("SELECT id, label, line1, line2, city, region, postal_code, country, latitude, longitude, created_at "
                               "FROM customer_addresses WHERE account_id = $1 ORDER BY id",
                               db::Params(account_id))) {
    out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7), r.Double(8),
                   r.Double(9), P(r.Text(10))});
  }
  return out;
}

void AccountRepository::PutFavourite(db::Session& tx, const std::string& account_id, const std::string& item_id,
                                     const std::string& note, core::TimePoint now) const {
  tx.Exec("INSERT INTO customer_favourites (account_id, item_id, note, created_at) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (account_id, item_id) DO UPDATE SET note = $3",
          db::Params(account_id, item_id, note, T(now)));
}

bool AccountRepository::DeleteFavourite(db::Session& tx, const std::string& account_id, const std::string& item_id) const {
  return tx.Exec("DELETE FROM customer_favourites WHERE account_id = $1 AND item_id = $2", db::Params(account_id, item_id)) == 1;
}

std::vector<std::pair<std::string, std::string>> AccountRepository::ListFavourites(db::Session& s, const std::string& account_id) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : s.Query("SELECT item_id, note FROM customer_favourites WHERE account_id = $1 ORDER BY item_id",
                               db::Params(account_id))) {
    out.emplace_back(r.Text(0), r.Text(1));
  }
  return out;
}

}  // namespace vetahut::customer
