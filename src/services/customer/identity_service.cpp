#include "services/customer/identity_service.hpp"
#include "lib/json/write.hpp"
#include "services/customer/events.hpp"
#include "lib/core/text_rules.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>

#include "lib/auth/secrets.hpp"
#include "lib/log/log.hpp"
#include "services/menu/client.hpp"

namespace vetahut::customer {

namespace json = boost::json;
using core::Error;
using core::Fail;

namespace {

constexpr std::size_t kMaxPassword = 200;

void ValidatePassword(const std::string& password, const std::string& field, core::FieldErrors& errors) {
  if (password.size() < 10) {
    errors.Add(field, "must be at least 10 characters");
  } else if (password.size() > kMaxPassword) {
    errors.Add(field, "must be at most 200 characters");
  }
}

/// A person's name and phone, cleaned by the shared text rules (core/text.hpp).
void CleanNameAndPhone(std::string& name, const std::string& phone, core::FieldErrors& errors) {
  name = core::CleanText("name", name, {.max_chars = 100}, errors);
  if (!core::IsE164Phone(phone)) errors.Add("phone", "must be an E.164 number like +12125550100");
}

const std::vector<std::string>& StaffRoles() {
  static const std::vector<std::string> roles = {"cashier", "cook", "driver", "store_manager", "admin"};
  return roles;
}

}  // namespace

std::string NormalizeEmail(std::string email) {
  // For look-ups (sign-in, password reset): the stored form, or something that matches nothing.
  core::FieldErrors ignored;
  return core::NormalizeEmail("email", email, ignored);
}

IdentityService::IdentityService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, IdentityOptions options,
                                 std::function<void()> events_committed)
    : db_(db), clock_(clock), ids_(ids), options_(std::move(options)), events_committed_(std::move(events_committed)),
      dummy_hash_(auth::HashPassword(auth::RandomToken(16))) {}

// --- keys ------------------------------------------------------------------------------------

void IdentityService::LoadKeys() {
  auto tx = db_.Begin();
  auto stored = repo_.ActiveKeys(tx);
  if (stored.empty()) {
    auto key = auth::GenerateSigningKey(ids_.Next("key"));
    key.created_at = clock_.Now();
    repo_.InsertKey(tx, {key.kid, key.public_key, key.secret_key, key.created_at});
    stored.push_back({key.kid, key.public_key, key.secret_key, key.created_at});
    log::Info("token signing key created", {{"kid", key.kid}});
  }
  tx.Commit();
  auth::KeySet keys;
  for (const auto& k : stored) keys.Add({k.kid, k.public_key, k.secret_key, k.created_at});
  keys.SetCurrent(stored.back().kid);  // the newest signs
  std::unique_lock lock(keys_mutex_);
  keys_ = std::move(keys);
}

std::string IdentityService::RotateKeys(const std::string& actor) {
  auto key = auth::GenerateSigningKey(ids_.Next("key"));
  key.created_at = clock_.Now();
  auto tx = db_.Begin();
  repo_.InsertKey(tx, {key.kid, key.public_key, key.secret_key, key.created_at});
  repo_.Audit(tx, ids_.Next("aud"), clock_.Now(), actor, "keys.rotate", key.kid, "");
  tx.Commit();
  LoadKeys();
  return key.kid;
}

core::Status IdentityService::RetireKey(const std::string& actor, const std::string& kid) {
  {
    std::shared_lock lock(keys_mutex_);
    if (!keys_.Find(kid)) return Fail(Error::NotFound(fmt::format("no active key '{}'", kid)));
    if (keys_.Current().kid == kid) return Fail(Error::Conflict("the current signing key cannot be retired; rotate first"));
  }
  auto tx = db_.Begin();
  repo_.RetireKey(tx, kid, clock_.Now());
  repo_.Audit(tx, ids_.Next("aud"), clock_.Now(), actor, "keys.retire", kid, "");
  tx.Commit();
  LoadKeys();
  return core::Ok();
}

std::string IdentityService::JwksJson() const {
  std::shared_lock lock(keys_mutex_);
  return keys_.JwksJson();
}

core::Result<auth::Principal> IdentityService::Authenticate(std::string_view token, auth::Claims* claims_out) const {
  core::Result<auth::Claims> claims = [&] {
    std::shared_lock lock(keys_mutex_);
    return auth::VerifyJwt(token, keys_, {options_.issuer, options_.audience}, clock_.Now());
  }();
  if (!claims) return Fail(claims.error());
  if (revocations_->IsRevoked(*claims, clock_.Now())) return Fail(Error::Unauthenticated("token revoked"));
  if (claims_out) *claims_out = *claims;
  return auth::Principal{claims->subject, claims->kind, claims->roles, claims->stores};
}

// --- grants ----------------------------------------------------------------------------------

auth::Principal IdentityService::PrincipalOf(const Account& account) const {
  auth::Principal p;
  p.subject = account.id;
  if (account.kind == "staff") {
    p.kind = auth::PrincipalKind::kStaff;
    for (const auto& r : account.roles) {
      if (std::find(p.roles.begin(), p.roles.end(), r.role) == p.roles.end()) p.roles.push_back(r.role);
      if (!r.store_id.empty() && std::find(p.stores.begin(), p.stores.end(), r.store_id) == p.stores.end()) {
        p.stores.push_back(r.store_id);
      }
    }
  } else {
    p.kind = auth::PrincipalKind::kCustomer;
    p.roles = {"customer"};
  }
  return p;
}

core::Result<TokenGrant> IdentityService::IssueTokens(db::Transaction& tx, const auth::Principal& principal,
                                                     const std::string& family_id) {
  const auto now = clock_.Now();
  auth::Claims claims;
  claims.issuer = options_.issuer;
  claims.audience = options_.audience;
  claims.subject = principal.subject;
  claims.token_id = ids_.Next();
  claims.issued_at = claims.not_before = now;
  claims.expires_at = now + options_.access_ttl;
  claims.kind = principal.kind;
  claims.roles = principal.roles;
  claims.stores = principal.stores;
  TokenGrant grant;
  {
    std::shared_lock lock(keys_mutex_);
    grant.access_token = auth::SignJwt(claims, keys_.Current());
  }
  grant.expires_in = options_.access_ttl.count();
  grant.scope = fmt::format("{}", fmt::join(principal.roles, " "));
  if (principal.kind != auth::PrincipalKind::kDevice) {
    grant.refresh_token = auth::RandomToken(32);
    repo_.InsertRefreshToken(tx, {auth::HashToken(grant.refresh_token), family_id, principal.subject,
                                  std::string(auth::KindName(principal.kind)), now, now + options_.refresh_ttl,
                                  std::nullopt, std::nullopt});
  }
  return grant;
}

core::Status IdentityService::CheckThrottle(db::Session& s, const std::string& key) const {
  auto t = repo_.FindThrottle(s, key);
  const auto now = clock_.Now();
  if (t && t->locked_until && *t->locked_until > now) {
    const auto wait = std::chrono::ceil<std::chrono::seconds>(*t->locked_until - now).count();
    return Fail(Error{core::ErrorCode::kTooManyRequests,
                      fmt::format("too many failed sign-ins; try again in {} seconds", wait), {}});
  }
  return core::Ok();
}

void IdentityService::RecordLoginFailure(db::Transaction& tx, const std::string& key) {
  const auto now = clock_.Now();
  Throttle t = repo_.FindThrottle(tx, key).value_or(Throttle{});
  if (now - t.last_failure_at > throttle_.window) t.failures = 0;
  t.failures++;
  t.last_failure_at = now;
  t.locked_until.reset();
  if (t.failures >= throttle_.lockout_after) {
    t.locked_until = now + throttle_.lockout;
  } else if (t.failures >= throttle_.backoff_after) {
    t.locked_until = now + std::chrono::seconds(1LL << std::min(t.failures - throttle_.backoff_after, 10));
  }
  repo_.RecordFailure(tx, key, t);
}

core::Result<Account> IdentityService::Register(const Registration& r) {
  core::FieldErrors errors;
  const std::string email = core::NormalizeEmail("email", r.email, errors);
  ValidatePassword(r.password, "password", errors);
  std::string name = r.name;
  CleanNameAndPhone(name, r.phone, errors);
  if (!errors.empty()) return Fail(errors.ToError());
  Account a;
  a.id = ids_.Next("cus");
  a.kind = "customer";
  a.email = email;
  a.password_hash = auth::HashPassword(r.password);
  a.name = name;
  a.phone = r.phone;
  a.marketing_consent = r.marketing_consent;
  a.created_at = a.updated_at = clock_.Now();
  auto tx = db_.Begin();
  if (repo_.FindByEmail(tx, email)) {
    return Fail(Error::Conflict("an account with this email already exists"));
  }
  repo_.InsertAccount(tx, a);
  const std::string token = auth::RandomToken(32);
  repo_.InsertOneTimeToken(tx, auth::HashToken(token), "verify_email", a.id, clock_.Now() + options_.verification_ttl);
  Emit(tx, a.id, events::CustomerRegistered{.customer_id = a.id, .email = email, .name = a.name,
                                             .marketing_consent = a.marketing_consent});
  // The notification service sends this; the link is the only place the raw token appears.
  Emit(tx, a.id, events::EmailVerificationRequested{.customer_id = a.id, .email = email, .name = a.name,
                                                     .verify_url = "/verify-email?token=" + token});
  tx.Commit();
  if (events_committed_) events_committed_();
  return a;
}

core::Result<TokenGrant> IdentityService::PasswordGrant(const std::string& raw_email, const std::string& password,
                                                        const std::string& client_address) {
  const std::string email = NormalizeEmail(raw_email);
  const std::string account_key = "email:" + email;
  const std::string address_key = "ip:" + client_address;
  auto tx = db_.Begin();
  if (auto s = CheckThrottle(tx, account_key); !s) return Fail(s.error());
  if (auto s = CheckThrottle(tx, address_key); !s) return Fail(s.error());
  auto account = repo_.FindByEmail(tx, email);
  // The same work and the same answer whether the email is unknown or the password wrong.
  const bool ok = auth::VerifyPassword(account && account->password_hash ? *account->password_hash : dummy_hash_,
                                       password.substr(0, kMaxPassword)) &&
                  account && !account->deleted_at;
  if (!ok) {
    RecordLoginFailure(tx, account_key);
    RecordLoginFailure(tx, address_key);
    tx.Commit();
    return Fail(Error::Unauthenticated("invalid email or password"));
  }
  repo_.ClearThrottle(tx, account_key);
  if (auth::PasswordNeedsRehash(*account->password_hash)) {
    repo_.UpdatePassword(tx, account->id, auth::HashPassword(password), clock_.Now());
  }
  auto grant = IssueTokens(tx, PrincipalOf(*account), ids_.Next("fam"));
  if (!grant) return grant;
  tx.Commit();
  return grant;
}

core::Result<TokenGrant> IdentityService::RefreshGrant(const std::string& refresh_token) {
  const auto now = clock_.Now();
  const std::string hash = auth::HashToken(refresh_token);
  auto tx = db_.Begin();
  auto stored = repo_.FindRefreshToken(tx, hash);
  if (!stored) return Fail(Error::Unauthenticated("invalid refresh token"));
  if (stored->revoked_at) return Fail(Error::Unauthenticated("refresh token revoked"));
  if (stored->used_at || !repo_.MarkRefreshTokenUsed(tx, hash, now)) {
    // Reuse of a rotated token: someone holds a copy. End the whole login, for both holders.
    repo_.RevokeFamily(tx, stored->family_id, now);
    repo_.Audit(tx, ids_.Next("aud"), now, stored->subject, "token.reuse_detected", stored->family_id, "");
    tx.Commit();
    log::Warn("refresh token reuse: family revoked", {{"subject", stored->subject}, {"family", stored->family_id}});
    return Fail(Error::Unauthenticated("refresh token reused; sign in again"));
  }
  if (stored->expires_at <= now) return Fail(Error::Unauthenticated("refresh token expired"));
  auto account = repo_.FindById(tx, stored->subject);
  if (!account || account->deleted_at) return Fail(Error::Unauthenticated("the account no longer exists"));
  auto grant = IssueTokens(tx, PrincipalOf(*account), stored->family_id);
  if (!grant) return grant;
  tx.Commit();
  return grant;
}

core::Result<TokenGrant> IdentityService::ClientCredentialsGrant(const std::string& client_id, const std::string& secret) {
  auto tx = db_.Begin();
  auto device = repo_.FindDevice(tx, client_id);
  const std::string presented = auth::HashToken(secret);
  if (!device || device->revoked_at || !auth::ConstantTimeEquals(presented, device->secret_hash)) {
    return Fail(Error::Unauthenticated("invalid client credentials"));
  }
  auth::Principal p{device->id, auth::PrincipalKind::kDevice, {device->device_type}, {device->store_id}};
  auto grant = IssueTokens(tx, p, "");
  if (!grant) return grant;
  tx.Commit();
  return grant;
}

core::Status IdentityService::Logout(const auth::Claims& access, const std::string& refresh_token) {
  // A refresh token this service issued is base64url (auth::RandomToken); anything else is not
  // one, and the request is refused before the access token is revoked.
  if (refresh_token.size() > 128 || !std::all_of(refresh_token.begin(), refresh_token.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      })) {
    return Fail(Error::Validation({{"refresh_token", "is not a refresh token (the refresh_token of a token response)"}}));
  }
  // Refused here at once; the other processes see it through the cache (or, if it is down, once
  // SyncRevocations has written it).
  if (!revocations_->Revoke(access, clock_.Now())) {
    log::Warn("logout not shared yet: the cache is unavailable", {{"subject", access.subject}});
  }
  if (refresh_token.empty()) return core::Ok();
  auto tx = db_.Begin();
  auto stored = repo_.FindRefreshToken(tx, auth::HashToken(refresh_token));
  if (stored && stored->subject == access.subject) repo_.RevokeFamily(tx, stored->family_id, clock_.Now());
  tx.Commit();
  return core::Ok();
}

std::size_t IdentityService::SyncRevocations() { return revocations_->Sync(clock_.Now()); }

core::Status IdentityService::VerifyEmail(const std::string& token) {
  auto tx = db_.Begin();
  auto account_id = repo_.ConsumeOneTimeToken(tx, auth::HashToken(token), "verify_email", clock_.Now());
  if (!account_id) return Fail(Error::Validation({{"token", "is invalid, used or expired"}}));
  repo_.MarkEmailVerified(tx, *account_id, clock_.Now());
  tx.Commit();
  return core::Ok();
}

core::Status IdentityService::RequestPasswordReset(const std::string& raw_email) {
  core::FieldErrors errors;
  const std::string email = core::NormalizeEmail("email", raw_email, errors);
  if (!errors.empty()) return Fail(errors.ToError());  // says nothing about which accounts exist
  auto tx = db_.Begin();
  auto account = repo_.FindByEmail(tx, email);
  if (!account || account->deleted_at) return core::Ok();
  const std::string token = auth::RandomToken(32);
  repo_.InsertOneTimeToken(tx, auth::HashToken(token), "reset_password", account->id, clock_.Now() + options_.reset_ttl);
  Emit(tx, account->id, events::PasswordResetRequested{.customer_id = account->id, .email = email, .name = account->name,
                                                        .reset_url = "/reset-password?token=" + token});
  tx.Commit();
  if (events_committed_) events_committed_();
  return core::Ok();
}

core::Status IdentityService::ResetPassword(const std::string& token, const std::string& new_password) {
  core::FieldErrors errors;
  ValidatePassword(new_password, "password", errors);
  if (!errors.empty()) return Fail(errors.ToError());
  auto tx = db_.Begin();
  auto account_id = repo_.ConsumeOneTimeToken(tx, auth::HashToken(token), "reset_password", clock_.Now());
  if (!account_id) return Fail(Error::Validation({{"token", "is invalid, used or expired"}}));
  repo_.UpdatePassword(tx, *account_id, auth::HashPassword(new_password), clock_.Now());
  repo_.RevokeSubject(tx, *account_id, clock_.Now());  // every other session ends
  tx.Commit();
  return core::Ok();
}

// --- staff and devices -----------------------------------------------------------------------

core::Result<bool> IdentityService::StoreExists(const std::string& store_id) const {
  if (!stores_) return true;  // no store directory here (the command line): the operator is trusted
  auto store = stores_->GetStore(store_id);
  if (store) return true;
  if (store.error().code == core::ErrorCode::kNotFound) return false;
  return Fail(store.error());
}

core::Result<Account> IdentityService::CreateStaff(const std::string& actor, const StaffRequest& r) {
  core::FieldErrors errors;
  const std::string email = core::NormalizeEmail("email", r.email, errors);
  ValidatePassword(r.password, "password", errors);
  std::string name = r.name;
  CleanNameAndPhone(name, r.phone, errors);
  if (r.roles.empty()) errors.Add("roles", "at least one role is required");
  for (std::size_t i = 0; i < r.roles.size(); ++i) {
    const auto& role = r.roles[i];
    if (std::find(StaffRoles().begin(), StaffRoles().end(), role.role) == StaffRoles().end()) {
      errors.Add(fmt::format("roles[{}].role", i), "must be one of cashier, cook, driver, store_manager, admin");
    } else if (role.role != "admin" && role.store_id.empty()) {
      errors.Add(fmt::format("roles[{}].store_id", i), "is required: store roles apply to one store");
    } else if (role.role == "admin" && !role.store_id.empty()) {
      errors.Add(fmt::format("roles[{}].store_id", i), "must be empty: admin applies to every store");
    } else if (!role.store_id.empty()) {
      if (auto known = StoreExists(role.store_id); !known) {
        return Fail(known.error());
      } else if (!*known) {
        errors.Add(fmt::format("roles[{}].store_id", i), fmt::format("store '{}' does not exist", role.store_id));
      }
    }
  }
  if (!errors.empty()) return Fail(errors.ToError());
  Account a;
  a.id = ids_.Next("stf");
  a.kind = "staff";
  a.email = email;
  a.password_hash = auth::HashPassword(r.password);
  a.name = name;
  a.phone = r.phone;
  a.email_verified = true;  // an admin vouches for staff addresses
  a.created_at = a.updated_at = clock_.Now();
  a.roles = r.roles;
  auto tx = db_.Begin();
  if (repo_.FindByEmail(tx, email)) return Fail(Error::Conflict("an account with this email already exists"));
  repo_.InsertAccount(tx, a);
  repo_.ReplaceRoles(tx, a.id, a.roles);
  json::array roles;
  for (const auto& role : a.roles) roles.push_back(json::object{{"role", role.role}, {"store_id", role.store_id}});
  repo_.Audit(tx, ids_.Next("aud"), clock_.Now(), actor, "staff.create", a.id, json_text::Serialize(roles));
  tx.Commit();
  return a;
}

core::Result<std::vector<Account>> IdentityService::ListStaff(int limit, const std::string& cursor) const {
  auto tx = db_.Begin();
  auto staff = repo_.ListStaff(tx, limit, cursor);
  tx.Commit();
  return staff;
}

core::Result<std::pair<Device, std::string>> IdentityService::RegisterDevice(const std::string& actor, const std::string& name,
                                                                            const std::string& device_type,
                                                                            const std::string& store_id) {
  core::FieldErrors errors;
  const std::string clean_name = core::CleanText("name", name, {.max_chars = 100}, errors);
  if (device_type != "kiosk" && device_type != "pos" && device_type != "kds") errors.Add("type", "must be kiosk, pos or kds");
  if (store_id.empty()) {
    errors.Add("store_id", "is required: a device belongs to one store");
  } else if (auto known = StoreExists(store_id); !known) {
    return Fail(known.error());
  } else if (!*known) {
    errors.Add("store_id", fmt::format("store '{}' does not exist", store_id));
  }
  if (!errors.empty()) return Fail(errors.ToError());
  const std::string secret = auth::RandomToken(32);
  Device d{ids_.Next("dev"), clean_name, device_type, store_id, auth::HashToken(secret), clock_.Now(), std::nullopt};
  auto tx = db_.Begin();
  repo_.InsertDevice(tx, d);
  repo_.Audit(tx, ids_.Next("aud"), clock_.Now(), actor, "device.register", d.id,
              json_text::Serialize(json::object{{"type", device_type}, {"store_id", store_id}}));
  tx.Commit();
  return std::pair{d, secret};
}

// --- device provisioning (decision 0029) ------------------------------------------------------

namespace {
// No 0/O, 1/I/L: a code is read off one screen and typed on another.
constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Upper case without dashes or spaces; "" if anything else is in it.
std::string NormalizeCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kCodeAlphabet.find(c) == std::string_view::npos) return {};
    out.push_back(c);
  }
  return out.size() == 8 ? out : std::string();
}
}  // namespace

core::Result<IssuedProvisioningCode> IdentityService::CreateProvisioningCode(const std::string& actor,
                                                                             const std::string& store_id,
                                                                             const std::string& device_type,
                                                                             const std::string& name,
                                                                             std::chrono::seconds ttl) {
  core::FieldErrors errors;
  const std::string clean_name = core::CleanText("name", name, {.max_chars = 100}, errors);
  if (device_type != "kiosk" && device_type != "pos" && device_type != "kds") errors.Add("type", "must be kiosk, pos or kds");
  if (!errors.empty()) return Fail(errors.ToError());
  if (auto known = StoreExists(store_id); !known) {
    return Fail(known.error());
  } else if (!*known) {
    return Fail(Error::NotFound(fmt::format("store '{}' does not exist", store_id)));
  }
  // 8 of 31 characters: about 40 bits, for a code that lives minutes and works once.
  std::string code;
  for (int i = 0; i < 8; ++i) code.push_back(kCodeAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kCodeAlphabet.size()))]);
  const auto now = clock_.Now();
  const auto expires = now + ttl;
  ProvisioningCode stored{auth::HashToken(code), store_id, device_type, clean_name, actor, now,
                          std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count()};
  auto tx = db_.Begin();
  repo_.InsertProvisioningCode(tx, stored);
  repo_.Audit(tx, ids_.Next("aud"), now, actor, "device.provisioning_code", store_id,
              json_text::Serialize(json::object{{"type", device_type}, {"name", clean_name}}));
  tx.Commit();
  return IssuedProvisioningCode{code.substr(0, 4) + "-" + code.substr(4), store_id, device_type, clean_name, expires};
}

core::Result<std::pair<Device, std::string>> IdentityService::ProvisionDevice(const std::string& code) {
  const std::string normalized = NormalizeCode(code);
  const auto refuse = [] {
    return Fail(Error::Validation({{"code", "is not a provisioning code you can use: ask the store manager for a new one "
                                            "(a code works once, for 15 minutes)"}}));
  };
  if (normalized.empty()) return refuse();
  const auto now = clock_.Now();
  const std::string hash = auth::HashToken(normalized);
  auto tx = db_.Begin();
  auto taken = repo_.TakeProvisioningCode(tx, hash, std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count(), now);
  if (!taken) return refuse();
  const std::string secret = auth::RandomToken(32);
  Device d{ids_.Next("dev"), taken->name, taken->device_type, taken->store_id, auth::HashToken(secret), now, std::nullopt};
  repo_.InsertDevice(tx, d);
  repo_.SetProvisionedDevice(tx, hash, d.id);
  repo_.Audit(tx, ids_.Next("aud"), now, taken->created_by, "device.provision", d.id,
              json_text::Serialize(json::object{{"type", d.device_type}, {"store_id", d.store_id}}));
  tx.Commit();
  return std::pair{d, secret};
}

// --- profile ---------------------------------------------------------------------------------

core::Result<Account> IdentityService::GetAccount(const std::string& id) const {
  auto tx = db_.Begin();
  auto a = repo_.FindById(tx, id);
  tx.Commit();
  if (!a || a->deleted_at) return Fail(Error::NotFound("no such account"));
  return *a;
}

core::Result<std::vector<IdentityService::PhoneMatch>> IdentityService::FindCustomersByPhone(const std::string& phone) const {
  if (!core::IsE164Phone(phone)) return Fail(Error::Validation({{"phone", "must be an E.164 number like +12125550100"}}));
  auto tx = db_.Begin();
  std::vector<PhoneMatch> out;
  for (auto& a : repo_.FindCustomersByPhone(tx, phone, 5)) {
    auto addresses = repo_.ListAddresses(tx, a.id);
    out.push_back({std::move(a), std::move(addresses)});
  }
  tx.Commit();
  return out;
}

core::Result<Account> IdentityService::UpdateProfile(const std::string& id, const ProfilePatch& patch) {
  auto tx = db_.Begin();
  auto a = repo_.FindById(tx, id);
  if (!a || a->deleted_at) return Fail(Error::NotFound("no such account"));
  if (patch.name) a->name = *patch.name;
  if (patch.phone) a->phone = *patch.phone;
  if (patch.marketing_consent) a->marketing_consent = *patch.marketing_consent;
  core::FieldErrors errors;
  CleanNameAndPhone(a->name, a->phone, errors);
  if (!errors.empty()) return Fail(errors.ToError());
  a->updated_at = clock_.Now();
  repo_.UpdateProfile(tx, *a);
  tx.Commit();
  return *a;
}

core::Result<Address> IdentityService::AddAddress(const std::string& account_id, Address a) {
  core::FieldErrors errors;
  a.label = core::CleanText("label", a.label, {.max_chars = 50, .required = false}, errors);
  for (auto [field, value, max, required] :
       {std::tuple{"line1", &a.line1, 200, true}, std::tuple{"line2", &a.line2, 200, false},
        std::tuple{"city", &a.city, 100, true}, std::tuple{"region", &a.region, 100, false},
        std::tuple{"postal_code", &a.postal_code, 20, true}}) {
    *value = core::CleanText(field, *value, {.max_chars = std::size_t(max), .required = required}, errors);
  }
  if (!core::IsCountryCode(a.country)) {
    errors.Add("country", "must be an ISO 3166-1 alpha-2 code like \"US\"");
  }
  if (!(a.latitude >= -90 && a.latitude <= 90)) errors.Add("latitude", "must be between -90 and 90");
  if (!(a.longitude >= -180 && a.longitude <= 180)) errors.Add("longitude", "must be between -180 and 180");
  if (!errors.empty()) return Fail(errors.ToError());
  auto tx = db_.Begin();
  if (repo_.ListAddresses(tx, account_id).size() >= 20) {
    return Fail(Error::Validation({{"addresses", "at most 20 saved addresses"}}));
  }
  a.id = ids_.Next("adr");
  a.created_at = clock_.Now();
  repo_.InsertAddress(tx, account_id, a);
  tx.Commit();
  return a;
}

core::Status IdentityService::DeleteAddress(const std::string& account_id, const std::string& address_id) {
  auto tx = db_.Begin();
  if (!repo_.DeleteAddress(tx, account_id, address_id)) return Fail(Error::NotFound("no such address"));
  tx.Commit();
  return core::Ok();
}

std::vector<Address> IdentityService::ListAddresses(const std::string& account_id) const {
  auto tx = db_.Begin();
  auto out = repo_.ListAddresses(tx, account_id);
  tx.Commit();
  return out;
}

core::Status IdentityService::PutFavourite(const std::string& account_id, const std::string& item_id, const std::string& note) {
  core::FieldErrors errors;
  const std::string item = core::CleanText("item_id", item_id, {.max_chars = 64}, errors);
  const std::string clean_note = core::CleanText("note", note, {.max_chars = 200, .multiline = true, .required = false}, errors);
  if (!errors.empty()) return Fail(errors.ToError());
  if (menu_ && !menu_->IsMenuItem(item)) {
    return Fail(Error::NotFound(fmt::format("'{}' is not a product or deal of a published menu", item)));
  }
  auto tx = db_.Begin();
  repo_.PutFavourite(tx, account_id, item, clean_note, clock_.Now());
  tx.Commit();
  return core::Ok();
}

core::Status IdentityService::DeleteFavourite(const std::string& account_id, const std::string& item_id) {
  auto tx = db_.Begin();
  if (!repo_.DeleteFavourite(tx, account_id, item_id)) return Fail(Error::NotFound("no such favourite"));
  tx.Commit();
  return core::Ok();
}

core::Result<std::string> IdentityService::Export(const std::string& account_id) const {
  auto tx = db_.Begin();
  auto a = repo_.FindById(tx, account_id);
  if (!a || a->deleted_at) return Fail(Error::NotFound("no such account"));
  json::object out;
  out["account"] = json::parse(AccountToJson(*a));
  json::array addresses;
  for (const auto& ad : repo_.ListAddresses(tx, account_id)) addresses.push_back(json::parse(AddressToJson(ad)));
  out["addresses"] = std::move(addresses);
  json::array favourites;
  for (const auto& [item, note] : repo_.ListFavourites(tx, account_id)) {
    favourites.push_back(json::object{{"item_id", item}, {"note", note}});
  }
  out["favourites"] = std::move(favourites);
  json::array ledger;
  for (const auto& r : tx.Query("SELECT points, kind, order_id, reference, created_at FROM customer_loyalty_ledger "
                                "WHERE account_id = $1 ORDER BY id",
                                db::Params(account_id))) {
    ledger.push_back(json::object{{"points", r.Int(0)}, {"kind", r.Text(1)}, {"order_id", r.Text(2)},
                                  {"reference", r.Text(3)}, {"at", r.Text(4)}});
  }
  out["loyalty_ledger"] = std::move(ledger);
  json::array sessions;
  for (const auto& r : tx.Query("SELECT issued_at, expires_at, used_at, revoked_at FROM customer_refresh_tokens "
                                "WHERE subject = $1 ORDER BY issued_at",
                                db::Params(account_id))) {
    sessions.push_back(json::object{{"issued_at", r.Text(0)}, {"expires_at", r.Text(1)},
                                    {"rotated", !r.IsNull(2)}, {"revoked", !r.IsNull(3)}});
  }
  out["sessions"] = std::move(sessions);
  out["exported_at"] = core::FormatRfc3339(clock_.Now());
  tx.Commit();
  return json_text::Serialize(out);
}

core::Status IdentityService::DeleteAccount(const std::string& account_id) {
  auto tx = db_.Begin();
  auto a = repo_.FindById(tx, account_id);
  if (!a || a->deleted_at) return Fail(Error::NotFound("no such account"));
  if (a->kind == "staff" && std::any_of(a->roles.begin(), a->roles.end(), [](const StaffRole& r) { return r.role == "admin"; }) &&
      repo_.CountAdmins(tx) <= 1) {
    return Fail(Error::Conflict("the last admin cannot be deleted"));
  }
  repo_.Erase(tx, account_id, clock_.Now());
  repo_.RevokeSubject(tx, account_id, clock_.Now());
  Emit(tx, account_id, events::CustomerDeleted{.customer_id = account_id});
  tx.Commit();
  if (events_committed_) events_committed_();
  return core::Ok();
}

void IdentityService::Audit(const std::string& actor, const std::string& action, const std::string& target,
                            const std::string& detail) {
  auto tx = db_.Begin();
  repo_.Audit(tx, ids_.Next("aud"), clock_.Now(), actor, action, target, detail);
  tx.Commit();
}

std::vector<AccountRepository::AuditEntry> IdentityService::ListAudit(int limit, const std::string& cursor) const {
  auto tx = db_.Begin();
  auto out = repo_.ListAudit(tx, limit, cursor);
  tx.Commit();
  return out;
}

template <class E>
void IdentityService::Emit(db::Transaction& tx, const std::string& subject, const E& event) {
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, subject, event));
}

// --- JSON ------------------------------------------------------------------------------------

std::string AccountToJson(const Account& a) {
  json::object out{{"id", a.id},
                   {"kind", a.kind},
                   {"email", a.email ? json::value(*a.email) : json::value(nullptr)},
                   {"name", a.name},
                   {"phone", a.phone},
                   {"email_verified", a.email_verified},
                   {"marketing_consent", a.marketing_consent},
                   {"created_at", core::FormatRfc3339(a.created_at)}};
  if (a.kind == "staff") {
    json::array roles;
    for (const auto& r : a.roles) {
      roles.push_back(json::object{{"role", r.role}, {"store_id", r.store_id.empty() ? json::value(nullptr) : json::value(r.store_id)}});
    }
    out["roles"] = std::move(roles);
  }
  return json_text::Serialize(out);
}

std::string AddressToJson(const Address& a) {
  return json_text::Serialize(json::object{{"id", a.id},         {"label", a.label},   {"line1", a.line1},
                                      {"line2", a.line2},   {"city", a.city},     {"region", a.region},
                                      {"postal_code", a.postal_code}, {"country", a.country},
                                      {"latitude", a.latitude}, {"longitude", a.longitude}});
}

std::vector<db::Migration> AllMigrations() {
  auto all = Migrations();
  for (auto& m : bus::OutboxInboxMigrations("customer", 900)) all.push_back(std::move(m));
  return all;
}

}  // namespace vetahut::customer
