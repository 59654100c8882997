#include "services/customer/api.hpp"
#include "lib/json/write.hpp"

#include <algorithm>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <sodium.h>

#include "lib/auth/caller.hpp"
#include "lib/core/text_rules.hpp"
#include "lib/http/json_body.hpp"
#include "lib/http/page.hpp"
#include "lib/http/problem.hpp"

namespace vetahut::customer {
namespace {

namespace json = boost::json;
using http::Request;
using http::Response;
using Reply = core::Result<Response>;

/// Reads string fields from a JSON object body, naming each missing or mistyped field.
class Fields {
 public:
  explicit Fields(const json::object& o) : o_(o) {}
  std::string Text(std::string_view key, bool required = true) {
    const json::value* v = o_.if_contains(key);
    if (!v || v->is_null()) {
      if (required) errors.Add(std::string(key), "is required");
      return {};
    }
    if (!v->is_string()) {
      errors.Add(std::string(key), "must be a string");
      return {};
    }
    return std::string(v->as_string());
  }
  std::optional<bool> Bool(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_bool()) {
      errors.Add(std::string(key), "must be true or false");
      return std::nullopt;
    }
    return v->as_bool();
  }
  double Number(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_double()) return v->as_double();
    if (v && v->is_int64()) return double(v->as_int64());
    errors.Add(std::string(key), "is required as a number");
    return 0;
  }
  core::FieldErrors errors;

 private:
  const json::object& o_;
};

core::Result<json::object> ObjectBody(const Request& req) {
  return http::ParseJsonObject(req, {.max_bytes = 64 * 1024, .max_depth = 8});
}

bool IsPlainText(std::string_view text) { return core::IsValidUtf8(text) && !core::FindControlCharacter(text, false); }

/// The token endpoint takes the OAuth2 form encoding (RFC 6749) or JSON. A parameter given twice
/// is kBadRequest (RFC 6749 §3.2); a malformed or doubled client authentication is
/// kUnauthenticated / kBadRequest; the caller turns these into RFC 6749 errors.
core::Result<std::map<std::string, std::string>> TokenParameters(const Request& req) {
  std::map<std::string, std::string> out;
  const auto type = req.Header("content-type").value_or("");
  if (type.starts_with("application/x-www-form-urlencoded")) {
    if (req.body.size() > 16 * 1024) return core::Fail(core::Error::BadRequest("the form exceeds 16384 bytes"));
    std::string_view rest = req.body;
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      const auto eq = pair.find('=');
      if (eq != std::string_view::npos) {
        std::string key = http::PercentDecode(pair.substr(0, eq), true);
        std::string value = http::PercentDecode(pair.substr(eq + 1), true);
        // Form values are text, as JSON strings are: UTF-8 without control characters.
        if (!IsPlainText(key)) return core::Fail(core::Error::BadRequest("a parameter name is not UTF-8 text"));
        if (!IsPlainText(value)) {
          return core::Fail(core::Error::BadRequest(key + " must be UTF-8 text without control characters"));
        }
        if (!out.emplace(key, std::move(value)).second) {
          return core::Fail(core::Error::BadRequest(key + " is given more than once"));
        }
      }
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  } else {
    auto body = ObjectBody(req);
    if (!body) {
      if (body.error().code == core::ErrorCode::kUnsupportedMediaType) {
        return core::Fail(core::Error::BadRequest("Content-Type must be application/x-www-form-urlencoded (or application/json)"));
      }
      return core::Fail(body.error());
    }
    for (const auto& [k, v] : *body) {
      if (!v.is_string()) return core::Fail(core::Error::BadRequest(std::string(k) + " must be a string"));
      out.emplace(std::string(k), std::string(v.as_string()));
    }
  }
  // Client credentials may also come as HTTP Basic (RFC 6749 §2.3.1), but not both ways at once.
  if (auto authz = req.Header("authorization"); authz && authz->size() >= 6 && http::EqualsIgnoreCase(authz->substr(0, 6), "Basic ")) {
    const std::string_view b64 = authz->substr(6);
    std::string decoded(b64.size(), '\0');
    size_t len = 0;
    std::size_t colon = std::string::npos;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(), b64.data(), b64.size(), nullptr,
                          &len, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0) {
      decoded.resize(len);
      colon = decoded.find(':');
    }
    if (colon == std::string::npos) return core::Fail(core::Error::Unauthenticated("malformed Basic client credentials"));
    const std::string id = http::PercentDecode(decoded.substr(0, colon), true);
    if (out.count("client_secret") || (out.count("client_id") && out["client_id"] != id)) {
      return core::Fail(core::Error::BadRequest("client credentials must come either in the Authorization header or in the body, not both"));
    }
    out["client_id"] = id;
    out["client_secret"] = http::PercentDecode(decoded.substr(colon + 1), true);
  }
  return out;
}

Response GrantResponse(const TokenGrant& g) {
  json::object out{{"access_token", g.access_token}, {"token_type", "Bearer"}, {"expires_in", g.expires_in}, {"scope", g.scope}};
  if (!g.refresh_token.empty()) out["refresh_token"] = g.refresh_token;
  auto r = Response::Json(json_text::Serialize(out));
  r.SetHeader("Cache-Control", "no-store");  // RFC 6749 §5.1
  r.SetHeader("Pragma", "no-cache");
  return r;
}

/// An RFC 6749 §5.2 error: 400, or 401 with a Basic challenge for invalid_client (the only
/// client authentication the endpoint takes, RFC 6749 §2.3.1).
Response TokenError(const Request& req, std::string_view error, std::string_view description) {
  if (error == "invalid_client") {
    auto r = http::OAuthErrorResponse(401, error, description, req);
    r.SetHeader("WWW-Authenticate", "Basic realm=\"vetahut\"");
    return r;
  }
  return http::OAuthErrorResponse(400, error, description, req);
}

/// A failed request check as one line: "username is required (the email address); password is required".
std::string Describe(const core::Error& error) {
  if (error.fields.empty()) return error.detail;
  std::string out;
  for (const auto& f : error.fields) out += (out.empty() ? "" : "; ") + f.field + " " + f.message;
  return out;
}

/// RFC 6749 §3.3: scope = scope-token *( SP scope-token ), scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
bool IsScope(std::string_view scope) {
  if (scope.empty() || scope.front() == ' ' || scope.back() == ' ' || scope.find("  ") != std::string_view::npos) return false;
  return std::all_of(scope.begin(), scope.end(), [](char c) { return c == ' ' || (c >= 0x21 && c <= 0x7e && c != '"' && c != '\\'); });
}

/// What a grant the identity service refused answers: bad credentials are `oauth_error`
/// (invalid_grant for a user's password or refresh token, invalid_client for a device); login
/// throttling stays 429 with Retry-After — RFC 6749 has no code for it — and the body in the
/// RFC 6749 shape with "slow_down" (RFC 8628's registered token error for "retry later");
/// anything else (the database down) is the platform's usual problem+json.
Reply GrantRefused(const core::Error& error, const Request& req, std::string_view oauth_error) {
  switch (error.code) {
    case core::ErrorCode::kUnauthenticated: return TokenError(req, oauth_error, error.detail);
    case core::ErrorCode::kBadRequest:
    case core::ErrorCode::kValidation: return TokenError(req, "invalid_request", Describe(error));
    case core::ErrorCode::kTooManyRequests: {
      auto r = http::OAuthErrorResponse(429, "slow_down", error.detail, req);
      const auto digits = error.detail.find_first_of("0123456789");
      r.SetHeader("Retry-After", digits == std::string::npos ? "60" : error.detail.substr(digits, error.detail.find(' ', digits) - digits));
      return r;
    }
    default: return core::Fail(error);
  }
}

const auth::Caller& Me(const Request& req) {
  // The middleware guarantees a caller on every route that is not public.
  return *auth::CallerOf(req);
}

}  // namespace

void RegisterRoutes(http::Router& router, IdentityService& identity, LoyaltyLedger& loyalty, db::Database& db) {
  router.Post("/api/v1/auth/register", [&identity](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Fields f(*body);
    Registration r{f.Text("email"), f.Text("password"), f.Text("name"), f.Text("phone"), f.Bool("marketing_consent").value_or(false)};
    if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    auto account = identity.Register(r);
    if (!account) return core::Fail(account.error());
    auto response = Response::Json(AccountToJson(*account), 201);
    response.SetHeader("Location", "/api/v1/me");
    return response;
  }, {.permission = "public"});

  // POST /api/v1/auth/token — the OAuth 2.0 token endpoint (RFC 6749): grant_type password,
  // refresh_token or client_credentials (devices; HTTP Basic or client_id + client_secret).
  // Unlike every other route its errors are RFC 6749 §5.2 JSON, because OAuth client libraries
  // read only that (docs/decisions/0021-oauth2-token-errors.md):
  //   400 invalid_request         malformed body or Content-Type, a parameter missing or repeated,
  //                               credentials both in the header and the body
  //   400 unsupported_grant_type  any other grant_type
  //   400 invalid_grant           wrong username or password, unknown/expired/revoked/reused refresh token
  //   400 invalid_scope           a malformed `scope` (a well-formed one is accepted; the token
  //                               carries the account's roles and `scope` in the answer says which)
  //   401 invalid_client          device authentication failed or missing (WWW-Authenticate: Basic)
  //   429 slow_down + Retry-After login throttling (RFC 6749 has no code for it)
  // unauthorized_client is not answered: every registered client may use client_credentials,
  // and no other grant authenticates a client. 5xx stay problem+json.
  router.Post("/api/v1/auth/token", [&identity](Request& req) -> Reply {
    auto params = TokenParameters(req);
    if (!params) {
      if (params.error().code == core::ErrorCode::kUnauthenticated) return TokenError(req, "invalid_client", params.error().detail);
      return TokenError(req, "invalid_request", Describe(params.error()));
    }
    auto get = [&](const char* k) { auto it = params->find(k); return it == params->end() ? std::string() : it->second; };
    const std::string grant = get("grant_type");
    if (grant.empty()) return TokenError(req, "invalid_request", "grant_type is required");
    if (params->count("scope") && !IsScope(get("scope"))) {
      return TokenError(req, "invalid_scope", "scope must be scope tokens separated by single spaces");
    }
    if (grant == "password") {
      std::string email = get("username").empty() ? get("email") : get("username");
      if (email.empty()) return TokenError(req, "invalid_request", "username is required (the email address)");
      if (get("password").empty()) return TokenError(req, "invalid_request", "password is required");
      auto result = identity.PasswordGrant(email, get("password"), req.remote_address);
      if (!result) return GrantRefused(result.error(), req, "invalid_grant");
      return GrantResponse(*result);
    }
    if (grant == "refresh_token") {
      if (get("refresh_token").empty()) return TokenError(req, "invalid_request", "refresh_token is required");
      auto result = identity.RefreshGrant(get("refresh_token"));
      if (!result) return GrantRefused(result.error(), req, "invalid_grant");
      return GrantResponse(*result);
    }
    if (grant == "client_credentials") {
      if (get("client_id").empty() || get("client_secret").empty()) {
        return TokenError(req, "invalid_client", "client authentication is required: HTTP Basic or client_id and client_secret");
      }
      auto result = identity.ClientCredentialsGrant(get("client_id"), get("client_secret"));
      if (!result) return GrantRefused(result.error(), req, "invalid_client");
      return GrantResponse(*result);
    }
    return TokenError(req, "unsupported_grant_type", "grant_type must be password, refresh_token or client_credentials");
  }, {.permission = "public"});

  router.Post("/api/v1/auth/logout", [&identity](Request& req) -> Reply {
    std::string refresh;
    if (!req.body.empty()) {
      auto body = ObjectBody(req);
      if (!body) return core::Fail(body.error());
      Fields f(*body);
      refresh = f.Text("refresh_token", false);
      if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    }
    if (auto s = identity.Logout(Me(req).claims, refresh); !s) return core::Fail(s.error());
    return Response::NoContent();
  }, {.permission = "authenticated"});

  router.Post("/api/v1/auth/verify-email", [&identity](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Fields f(*body);
    auto token = f.Text("token");
    if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    if (auto s = identity.VerifyEmail(token); !s) return core::Fail(s.error());
    return Response::NoContent();
  }, {.permission = "public"});

  router.Post("/api/v1/auth/password-reset", [&identity](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Fields f(*body);
    auto email = f.Text("email");
    if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    if (auto s = identity.RequestPasswordReset(email); !s) return core::Fail(s.error());
    return Response::Json(R"({"status":"if the account exists, a reset link is on its way"})", 202);
  }, {.permission = "public"});

  router.Post("/api/v1/auth/password-reset/confirm", [&identity](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Fields f(*body);
    auto token = f.Text("token");
    auto password = f.Text("password");
    if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    if (auto s = identity.ResetPassword(token, password); !s) return core::Fail(s.error());
    return Response::NoContent();
  }, {.permission = "public"});

  router.Get("/.well-known/jwks.json", [&identity](Request&) -> Reply {
    auto r = Response::Json(identity.JwksJson());
    r.SetHeader("Cache-Control", "public, max-age=300");
    return r;
  }, {.permission = "public", .non_blocking = true});

  router.Get("/api/v1/me", [&identity](Request& req) -> Reply {
    auto a = identity.GetAccount(Me(req).principal.subject);
    if (!a) return core::Fail(a.error());
    return Response::Json(AccountToJson(*a));
  }, {.permission = "me:read"});

  router.Patch("/api/v1/me", [&identity](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Fields f(*body);
    ProfilePatch patch;
    for (const auto& [key, value] : *body) {
      if (key != "name" && key != "phone" && key != "marketing_consent") {
        f.errors.Add(std::string(key), "is not an editable field");
      }
    }
    if (body->contains("name")) patch.name = f.Text("name");
    if (body->contains("phone")) patch.phone = f.Text("phone");
    patch.marketing_consent = f.Bool("marketing_consent");
    if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    auto a = identity.UpdateProfile(Me(req).principal.subject, patch);
    if (!a) return core::Fail(a.error());
    return Response::Json(AccountToJson(*a));
  }, {.permission = "me:write"});

  router.Delete("/api/v1/me", [&identity](Request& req) -> Reply {
    if (auto s = identity.DeleteAccount(Me(req).principal.subject); !s) return core::Fail(s.error());
    return Response::NoContent();
  }, {.permission = "me:write"});

  router.Get("/api/v1/me/export", [&identity](Request& req) -> Reply {
    auto data = identity.Export(Me(req).principal.subject);
    if (!data) return core::Fail(data.error());
    auto r = Response::Json(std::move(*data));
    r.SetHeader("Content-Disposition", "attachment; filename=\"vetahut-export.json\"");
    return r;
  }, {.permission = "me:read"});

  // A phone order: the counter finds the caller's account (name, saved addresses) by number.
  router.Get("/api/v1/stores/{store_id}/customers", [&identity](Request& req) -> Reply {
    const std::string phone(req.Query("phone").value_or(""));
    auto found = identity.FindCustomersByPhone(phone);
    if (!found) return core::Fail(found.error());
    boost::json::array customers;
    for (const auto& m : *found) {
      boost::json::array addresses;
      for (const auto& a : m.addresses) addresses.push_back(boost::json::parse(AddressToJson(a)));
      customers.push_back(boost::json::object{{"id", m.account.id},
                                              {"name", m.account.name},
                                              {"phone", m.account.phone},
                                              {"addresses", std::move(addresses)}});
    }
    auto r = Response::Json(json_text::Serialize(boost::json::object{{"customers", std::move(customers)}}));
    r.SetHeader("Cache-Control", "no-store");
    return r;
  }, {.permission = "customers:lookup"});

  // A customer keeps at most 20 addresses: the page is cut from the whole list (in id order).
  router.Get("/api/v1/me/addresses", [&identity](Request& req) -> Reply {
    auto page = http::ParsePage(req, 20, 100);
    if (!page) return core::Fail(page.error());
    std::string items = "[";
    std::size_t count = 0;
    std::string last;
    for (const auto& a : identity.ListAddresses(Me(req).principal.subject)) {
      if (a.id <= page->cursor) continue;
      if (count == static_cast<std::size_t>(page->limit)) break;
      items += (count++ ? "," : "") + AddressToJson(a);
      last = a.id;
    }
    return Response::Json(http::PageJson(items + "]", count, page->limit, last));
  }, {.permission = "me:read"});

  router.Post("/api/v1/me/addresses", [&identity](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Fields f(*body);
    Address a;
    a.label = f.Text("label", false);
    a.line1 = f.Text("line1");
    a.line2 = f.Text("line2", false);
    a.city = f.Text("city");
    a.region = f.Text("region", false);
    a.postal_code = f.Text("postal_code");
    a.country = f.Text("country");
    a.latitude = f.Number("latitude");
    a.longitude = f.Number("longitude");
    if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    auto saved = identity.AddAddress(Me(req).principal.subject, a);
    if (!saved) return core::Fail(saved.error());
    return Response::Json(AddressToJson(*saved), 201);
  }, {.permission = "me:write"});

  router.Delete("/api/v1/me/addresses/{address_id}", [&identity](Request& req) -> Reply {
    if (auto s = identity.DeleteAddress(Me(req).principal.subject, std::string(req.PathParam("address_id"))); !s) {
      return core::Fail(s.error());
    }
    return Response::NoContent();
  }, {.permission = "me:write"});

  router.Put("/api/v1/me/favourites/{item_id}", [&identity](Request& req) -> Reply {
    std::string note;
    if (!req.body.empty()) {
      auto body = ObjectBody(req);
      if (!body) return core::Fail(body.error());
      Fields f(*body);
      note = f.Text("note", false);
      if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    }
    if (auto s = identity.PutFavourite(Me(req).principal.subject, std::string(req.PathParam("item_id")), note); !s) {
      return core::Fail(s.error());
    }
    return Response::NoContent();
  }, {.permission = "me:write"});

  router.Delete("/api/v1/me/favourites/{item_id}", [&identity](Request& req) -> Reply {
    if (auto s = identity.DeleteFavourite(Me(req).principal.subject, std::string(req.PathParam("item_id"))); !s) {
      return core::Fail(s.error());
    }
    return Response::NoContent();
  }, {.permission = "me:write"});

  router.Get("/api/v1/me/loyalty", [&loyalty, &db](Request& req) -> Reply {
    auto tx = db.Begin();
    const std::string& me = Me(req).principal.subject;
    json::array history;
    for (const auto& e : loyalty.History(tx, me, 50)) {
      history.push_back(json::object{{"points", e.points}, {"kind", e.kind}, {"order_id", e.order_id},
                                     {"reference", e.reference}, {"at", core::FormatRfc3339(e.created_at)}});
    }
    json::object out{{"balance", loyalty.Balance(tx, me)}, {"history", std::move(history)}};
    tx.Commit();
    return Response::Json(json_text::Serialize(out));
  }, {.permission = "me:read"});

  // Support credits and debits of a customer's points (a written reason is required).
  router.Post("/api/v1/admin/customers/{customer_id}/loyalty/adjustments", [&identity, &loyalty, &db](Request& req) -> Reply {
    const std::string customer(req.PathParam("customer_id"));
    if (auto account = identity.GetAccount(customer); !account) return core::Fail(account.error());
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    core::FieldErrors errors;
    const json::value* points = body->if_contains("points");
    const json::value* reason = body->if_contains("reason");
    if (!points || !points->is_int64() || points->as_int64() == 0 || points->as_int64() > 1'000'000 ||
        points->as_int64() < -1'000'000) {
      errors.Add("points", "must be a non-zero integer within ±1000000");
    }
    std::string why;
    if (!reason || !reason->is_string()) {
      errors.Add("reason", "is required (at most 200 characters)");
    } else {
      why = core::CleanText("reason", reason->as_string(), {.max_chars = 200}, errors);
    }
    if (!errors.empty()) return core::Fail(errors.ToError());
    auto tx = db.Begin();
    if (auto s = loyalty.Adjust(tx, customer, points->as_int64(), why); !s) {
      return core::Fail(s.error());
    }
    const std::int64_t balance = loyalty.Balance(tx, customer);
    tx.Commit();
    return Response::Json(json_text::Serialize(json::object{{"customer_id", customer}, {"balance", balance}}), 201);
  }, {.permission = "loyalty:adjust"});

  router.Post("/api/v1/admin/users", [&identity](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Fields f(*body);
    StaffRequest r{f.Text("email"), f.Text("password"), f.Text("name"), f.Text("phone"), {}};
    if (const json::value* roles = body->if_contains("roles"); roles && roles->is_array()) {
      for (std::size_t i = 0; i < roles->as_array().size(); ++i) {
        const json::object* role = roles->as_array()[i].if_object();
        const json::value* name = role ? role->if_contains("role") : nullptr;
        const json::value* store = role ? role->if_contains("store_id") : nullptr;
        if (!name || !name->is_string()) {
          f.errors.Add(fmt::format("roles[{}].role", i), "is required");
          continue;
        }
        r.roles.push_back({std::string(name->as_string()), store && store->is_string() ? std::string(store->as_string()) : ""});
      }
    } else {
      f.errors.Add("roles", "is required as an array of {role, store_id}");
    }
    if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    auto a = identity.CreateStaff(Me(req).principal.subject, r);
    if (!a) return core::Fail(a.error());
    return Response::Json(AccountToJson(*a), 201);
  }, {.permission = "users:write"});

  router.Get("/api/v1/admin/users", [&identity](Request& req) -> Reply {
    auto page = http::ParsePage(req, 50, 200);
    if (!page) return core::Fail(page.error());
    auto staff = identity.ListStaff(page->limit, page->cursor);
    if (!staff) return core::Fail(staff.error());
    std::string items = "[";
    for (std::size_t i = 0; i < staff->size(); ++i) items += (i ? "," : "") + AccountToJson((*staff)[i]);
    items += "]";
    return Response::Json(http::PageJson(items, staff->size(), page->limit, staff->empty() ? "" : staff->back().id));
  }, {.permission = "users:read"});

  router.Post("/api/v1/admin/devices", [&identity](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Fields f(*body);
    auto name = f.Text("name");
    auto type = f.Text("type");
    auto store = f.Text("store_id");
    if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    auto device = identity.RegisterDevice(Me(req).principal.subject, name, type, store);
    if (!device) return core::Fail(device.error());
    auto& [d, secret] = *device;
    auto r = Response::Json(json_text::Serialize(json::object{{"id", d.id}, {"client_id", d.id}, {"client_secret", secret},
                                                         {"name", d.name}, {"type", d.device_type}, {"store_id", d.store_id}}),
                            201);
    r.SetHeader("Cache-Control", "no-store");
    return r;
  }, {.permission = "devices:write"});

  // Device provisioning (decision 0029): a manager creates a one-time code at the store; the
  // device, with no credentials yet, exchanges it once for its client credentials.
  router.Post("/api/v1/stores/{store_id}/devices/provisioning-codes", [&identity](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Fields f(*body);
    auto type = f.Text("type");
    auto name = f.Text("name");
    if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    auto code = identity.CreateProvisioningCode(Me(req).principal.subject, std::string(req.PathParam("store_id")), type, name);
    if (!code) return core::Fail(code.error());
    auto r = Response::Json(json_text::Serialize(json::object{{"code", code->code},
                                                         {"store_id", code->store_id},
                                                         {"type", code->device_type},
                                                         {"name", code->name},
                                                         {"expires_at", core::FormatRfc3339(code->expires_at)}}),
                            201);
    r.SetHeader("Cache-Control", "no-store");
    return r;
  }, {.permission = "devices:provision"});

  router.Post("/api/v1/devices/provision", [&identity](Request& req) -> Reply {
    auto body = ObjectBody(req);
    if (!body) return core::Fail(body.error());
    Fields f(*body);
    auto code = f.Text("code");
    if (!f.errors.empty()) return core::Fail(f.errors.ToError());
    auto device = identity.ProvisionDevice(code);
    if (!device) return core::Fail(device.error());
    auto& [d, secret] = *device;
    auto r = Response::Json(json_text::Serialize(json::object{{"id", d.id}, {"client_id", d.id}, {"client_secret", secret},
                                                         {"name", d.name}, {"type", d.device_type}, {"store_id", d.store_id},
                                                         {"token_url", "/api/v1/auth/token"}}),
                            201);
    r.SetHeader("Cache-Control", "no-store");
    return r;
  }, {.permission = "public"});

  router.Get("/api/v1/admin/audit", [&identity](Request& req) -> Reply {
    auto page = http::ParsePage(req, 200, 500);
    if (!page) return core::Fail(page.error());
    json::array items;
    const auto entries = identity.ListAudit(page->limit, page->cursor);
    for (const auto& e : entries) {
      items.push_back(json::object{{"id", e.id}, {"at", e.at}, {"actor", e.actor}, {"action", e.action},
                                   {"target", e.target}, {"detail", e.detail}});
    }
    return Response::Json(http::PageJson(json_text::Serialize(items), entries.size(), page->limit,
                                         entries.empty() ? "" : entries.back().id));
  }, {.permission = "audit:read"});
}

}  // namespace vetahut::customer
