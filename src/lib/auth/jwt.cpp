#include "lib/auth/jwt.hpp"
#include "lib/json/write.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <limits>
#include <optional>
#include <stdexcept>
#include <unordered_set>

#include "lib/auth/sodium_support.hpp"

namespace vetahut::auth {
namespace {

namespace json = boost::json;

constexpr std::string_view kAlg = "EdDSA";
// Claims and headers are flat; anything deeper than this is not a token we issued.
constexpr std::size_t kMaxJsonDepth = 8;
// NumericDate bounds: 0 … 9999-12-31T23:59:59Z, far inside what TimePoint (µs in int64) holds.
constexpr std::int64_t kMaxSeconds = 253402300799;

tl::unexpected<core::Error> Reject(std::string detail) {
  return core::Fail(core::Error::Unauthenticated(std::move(detail)));
}

std::int64_t ToSeconds(core::TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

// boost::json (1.81) keeps the last of duplicate keys, so {"exp":1,"exp":2} would be read as
// exp=2 here while another parser may read exp=1. A first pass with this handler rejects any
// object that names a key twice, at any depth.
struct DuplicateKeyFinder {
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();

  std::vector<std::unordered_set<std::string>> open_objects;
  std::string key;
  std::optional<std::string> duplicate;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t, json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    open_objects.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    open_objects.pop_back();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key.append(s.data(), s.size());
    if (!open_objects.back().insert(key).second) {
      duplicate = std::move(key);
      ec = json::error::syntax;  // stops the parser; `duplicate` says why
      return false;
    }
    key.clear();
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

struct ParsedObject {
  std::optional<json::object> object;    // nullopt: not a JSON object (or a duplicate key)
  std::optional<std::string> duplicate;  // the first key seen twice, if any
};

ParsedObject ParseJsonObject(std::string_view text) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;

  json::basic_parser<DuplicateKeyFinder> finder(options);
  json::error_code ec;
  const std::size_t used = finder.write_some(false, text.data(), text.size(), ec);
  if (finder.handler().duplicate) {
    return {std::nullopt, finder.handler().duplicate};
  }
  if (ec || used != text.size()) {
    return {};
  }

  json::value value = json::parse(json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec || !value.is_object()) {
    return {};
  }
  return {std::move(value.as_object()), std::nullopt};
}

// Header values are attacker-controlled; echo only a short, harmless rendering of them.
std::string Printable(std::string_view alg) {
  std::string out(alg.substr(0, 32));
  for (char& c : out) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '+';
    if (!ok) c = '?';
  }
  return out;
}

std::string_view View(const json::string& s) { return {s.data(), s.size()}; }

// Reads typed claims from a verified payload; remembers the first problem.
class ClaimReader {
 public:
  explicit ClaimReader(const json::object& payload) : payload_(payload) {}

  std::string String(std::string_view name, bool required) {
    const json::value* v = Lookup(name, required);
    if (v == nullptr) return {};
    if (!v->is_string()) {
      Fail(fmt::format("claim '{}' must be a string", name));
      return {};
    }
    return std::string(View(v->get_string()));
  }

  std::optional<core::TimePoint> Time(std::string_view name, bool required) {
    const json::value* v = Lookup(name, required);
    if (v == nullptr) return std::nullopt;
    std::int64_t seconds = 0;
    if (v->is_int64()) {
      seconds = v->get_int64();
    } else if (v->is_uint64()) {
      seconds = kMaxSeconds + 1;  // only values above INT64_MAX are stored as uint64
    } else {
      Fail(fmt::format("claim '{}' must be an integer (seconds)", name));
      return std::nullopt;
    }
    if (seconds < 0 || seconds > kMaxSeconds) {
      Fail(fmt::format("claim '{}' is out of range", name));
      return std::nullopt;
    }
    return core::TimePoint(std::chrono::seconds(seconds));
  }

  std::vector<std::string> StringArray(std::string_view name) {
    std::vector<std::string> out;
    const json::value* v = Lookup(name, /*required=*/false);
    if (v == nullptr) return out;
    const auto type_error = [&] {
      Fail(fmt::format("claim '{}' must be an array of strings", name));
    };
    if (!v->is_array()) {
      type_error();
      return out;
    }
    for (const json::value& item : v->get_array()) {
      if (!item.is_string()) {
        type_error();
        return {};
      }
      out.emplace_back(View(item.get_string()));
    }
    return out;
  }

  void Fail(std::string detail) {
    if (!error_) error_ = core::Error::Unauthenticated(std::move(detail));
  }
  const std::optional<core::Error>& error() const { return error_; }

 private:
  const json::value* Lookup(std::string_view name, bool required) {
    const json::value* v = payload_.if_contains(json::string_view(name.data(), name.size()));
    if (v == nullptr && required) Fail(fmt::format("missing claim '{}'", name));
    return v;
  }

  const json::object& payload_;
  std::optional<core::Error> error_;
};

std::optional<PrincipalKind> ParseKind(std::string_view name) {
  for (PrincipalKind kind :
       {PrincipalKind::kCustomer, PrincipalKind::kStaff, PrincipalKind::kDevice}) {
    if (KindName(kind) == name) return kind;
  }
  return std::nullopt;
}

json::array ToJsonArray(const std::vector<std::string>& items) {
  json::array out;
  out.reserve(items.size());
  for (const auto& item : items) out.emplace_back(json::string_view(item.data(), item.size()));
  return out;
}

}  // namespace

std::string_view KindName(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kCustomer:
      return "customer";
    case PrincipalKind::kStaff:
      return "staff";
    case PrincipalKind::kDevice:
      return "device";
    case PrincipalKind::kService:
      return "service";
  }
  return "customer";
}

SigningKey GenerateSigningKey(std::string kid) {
  detail::EnsureSodium();
  SigningKey key;
  key.kid = std::move(kid);
  key.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  key.secret_key.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(key.public_key.data()),
                      reinterpret_cast<unsigned char*>(key.secret_key.data()));
  key.created_at = core::SystemClock::Instance().Now();
  return key;
}

void KeySet::Add(SigningKey key) {
  if (key.kid.empty()) throw std::invalid_argument("signing key: empty kid");
  if (key.public_key.size() != crypto_sign_PUBLICKEYBYTES) {
    throw std::invalid_argument(fmt::format("signing key '{}': public key must be {} bytes",
                                            key.kid, crypto_sign_PUBLICKEYBYTES));
  }
  if (!key.secret_key.empty() && key.secret_key.size() != crypto_sign_SECRETKEYBYTES) {
    throw std::invalid_argument(
        fmt::format("signing key '{}': secret key must be {} bytes or empty", key.kid,
                    crypto_sign_SECRETKEYBYTES));
  }
  for (auto& existing : keys_) {
    if (existing.kid == key.kid) {
      existing = std::move(key);
      return;
    }
  }
  keys_.push_back(std::move(key));
}

void KeySet::SetCurrent(const std::string& kid) {
  const SigningKey* key = Find(kid);
  if (key == nullptr) throw std::invalid_argument(fmt::format("signing key '{}' is unknown", kid));
  if (key->secret_key.empty()) {
    throw std::invalid_argument(fmt::format("signing key '{}' is verify-only", kid));
  }
  current_ = kid;
}

const SigningKey& KeySet::Current() const {
  const SigningKey* key = current_.empty() ? nullptr : Find(current_);
  if (key == nullptr) throw std::logic_error("no current signing key");
  return *key;
}

const SigningKey* KeySet::Find(std::string_view kid) const {
  for (const auto& key : keys_) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

void KeySet::Remove(const std::string& kid) {
  std::erase_if(keys_, [&](const SigningKey& key) { return key.kid == kid; });
  if (current_ == kid) current_.clear();
}

core::Result<KeySet> KeySet::FromJwks(std::string_view text) {
  auto bad = [](std::string why) { return core::Fail(core::Error::BadRequest("JWKS: " + why)); };
  json::error_code ec;
  json::value doc = json::parse(text, ec);
  const json::object* root = ec ? nullptr : doc.if_object();
  const json::value* keys = root ? root->if_contains("keys") : nullptr;
  if (!keys || !keys->is_array()) return bad("not a key set");
  KeySet set;
  for (const auto& entry : keys->get_array()) {
    const json::object* jwk = entry.if_object();
    if (!jwk) continue;
    auto text_of = [&](std::string_view key) -> std::string {
      const json::value* v = jwk->if_contains(key);
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    if (text_of("kty") != "OKP" || text_of("crv") != "Ed25519" || text_of("kid").empty()) continue;
    auto x = detail::Base64UrlDecode(text_of("x"));
    if (!x || x->size() != crypto_sign_PUBLICKEYBYTES) continue;
    SigningKey key;
    key.kid = text_of("kid");
    key.public_key = *x;
    set.Add(std::move(key));
  }
  if (set.size() == 0) return bad("no Ed25519 key");
  return set;
}

std::string KeySet::JwksJson() const {
  json::array list;
  for (const auto& key : keys_) {
    // Public members only (RFC 8037 §2): the private "d" is never written.
    json::object jwk;
    jwk["kty"] = "OKP";
    jwk["crv"] = "Ed25519";
    jwk["x"] = detail::Base64UrlEncode(key.public_key);
    jwk["kid"] = key.kid;
    jwk["use"] = "sig";
    jwk["alg"] = kAlg;
    list.emplace_back(std::move(jwk));
  }
  json::object root;
  root["keys"] = std::move(list);
  return json_text::Serialize(root);
}

std::size_t KeySet::size() const { return keys_.size(); }

std::string SignJwt(const Claims& claims, const SigningKey& key) {
  if (key.secret_key.size() != crypto_sign_SECRETKEYBYTES) {
    throw std::invalid_argument(fmt::format("signing key '{}' has no secret key", key.kid));
  }
  detail::EnsureSodium();

  json::object header;
  header["alg"] = kAlg;
  header["typ"] = "JWT";
  header["kid"] = key.kid;

  json::object payload;
  payload["iss"] = claims.issuer;
  payload["sub"] = claims.subject;
  payload["aud"] = claims.audience;
  if (!claims.token_id.empty()) payload["jti"] = claims.token_id;
  payload["iat"] = ToSeconds(claims.issued_at);
  payload["nbf"] = ToSeconds(claims.not_before);
  payload["exp"] = ToSeconds(claims.expires_at);
  payload["kind"] = KindName(claims.kind);
  payload["roles"] = ToJsonArray(claims.roles);
  payload["stores"] = ToJsonArray(claims.stores);

  std::string token = detail::Base64UrlEncode(json_text::Serialize(header));
  token += '.';
  token += detail::Base64UrlEncode(json_text::Serialize(payload));

  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       reinterpret_cast<const unsigned char*>(key.secret_key.data()));
  token += '.';
  token += detail::Base64UrlEncode(signature);
  return token;
}

core::Result<Claims> VerifyJwt(std::string_view token, const KeySet& keys,
                               const VerifyOptions& options, core::TimePoint now) {
  if (options.issuer.empty() || options.audience.empty()) {
    throw std::invalid_argument("VerifyJwt: issuer and audience must be configured");
  }
  detail::EnsureSodium();
  const auto malformed = [] { return Reject("malformed token"); };

  // Shape: exactly three base64url segments, header and payload non-empty.
  if (token.size() > kMaxTokenSize) return malformed();
  const std::size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return malformed();
  const std::size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return malformed();
  }
  const std::string_view header_b64 = token.substr(0, dot1);
  const std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_b64 = token.substr(dot2 + 1);
  if (header_b64.empty() || payload_b64.empty()) return malformed();
  const auto header_json = detail::Base64UrlDecode(header_b64);
  const auto payload_json = detail::Base64UrlDecode(payload_b64);
  const auto signature = detail::Base64UrlDecode(signature_b64);
  if (!header_json || !payload_json || !signature) return malformed();

  // Header. The algorithm is fixed by us; the header may only confirm it.
  ParsedObject header = ParseJsonObject(*header_json);
  if (header.duplicate) return Reject("malformed token: duplicate key in header");
  if (!header.object) return malformed();
  const json::value* alg = header.object->if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return malformed();
  if (View(alg->get_string()) != kAlg) {
    return Reject(fmt::format("unsupported alg '{}'", Printable(View(alg->get_string()))));
  }
  // RFC 7515 §4.1.11: extensions listed in "crit" must be understood; we understand none.
  if (header.object->contains("crit")) return Reject("unsupported header 'crit'");
  if (const json::value* typ = header.object->if_contains("typ");
      typ != nullptr && !(typ->is_string() && View(typ->get_string()) == "JWT")) {
    return Reject("unsupported typ");
  }
  if (signature->size() != crypto_sign_BYTES) return malformed();
  const json::value* kid = header.object->if_contains("kid");
  if (kid == nullptr || !kid->is_string()) return Reject("missing header 'kid'");
  const SigningKey* key = keys.Find(View(kid->get_string()));
  if (key == nullptr) return Reject("unknown key id");

  // The signature covers the exact bytes "header.payload" as received.
  const std::string_view signing_input = token.substr(0, dot2);
  if (crypto_sign_verify_detached(
          reinterpret_cast<const unsigned char*>(signature->data()),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
          reinterpret_cast<const unsigned char*>(key->public_key.data())) != 0) {
    return Reject("bad signature");
  }

  // Payload: only parsed once the signature proves we wrote it.
  ParsedObject payload = ParseJsonObject(*payload_json);
  if (payload.duplicate)
    return Reject(fmt::format("duplicate claim '{}'", Printable(*payload.duplicate)));
  if (!payload.object) return malformed();

  ClaimReader reader(*payload.object);
  Claims claims;
  claims.issuer = reader.String("iss", true);
  claims.audience = reader.String("aud", true);
  claims.subject = reader.String("sub", true);
  claims.token_id = reader.String("jti", false);
  const auto issued_at = reader.Time("iat", false);
  const auto not_before = reader.Time("nbf", false);
  const auto expires_at = reader.Time("exp", true);
  const std::string kind = reader.String("kind", true);
  claims.roles = reader.StringArray("roles");
  claims.stores = reader.StringArray("stores");
  if (reader.error()) return core::Fail(*reader.error());
  if (claims.subject.empty()) return Reject("claim 'sub' must not be empty");
  const auto parsed_kind = ParseKind(kind);
  if (!parsed_kind) return Reject("claim 'kind' must be customer, staff or device");
  claims.kind = *parsed_kind;
  claims.issued_at = issued_at.value_or(core::TimePoint{});
  claims.not_before = not_before.value_or(core::TimePoint{});
  claims.expires_at = *expires_at;

  // RFC 7519 §4.1.4: valid only *before* exp; the leeway absorbs clock skew between hosts.
  if (now >= claims.expires_at + options.leeway) return Reject("token expired");
  if (not_before && *not_before > now + options.leeway) return Reject("token not yet valid");
  if (claims.issuer != options.issuer) return Reject("wrong issuer");
  if (claims.audience != options.audience) return Reject("wrong audience");
  return claims;
}

}  // namespace vetahut::auth
