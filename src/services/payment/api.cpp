#include "services/payment/api.hpp"

#include "lib/auth/caller.hpp"
#include "lib/json/write.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "lib/http/json_body.hpp"

namespace vetahut::payment {
namespace {

namespace json = boost::json;
using http::Request;
using http::Response;
using Reply = core::Result<Response>;

/// An integer field that clients send as a number or a numeric string ("04").
std::optional<int> IntField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64() && v->as_int64() >= 0 && v->as_int64() <= 9999) return static_cast<int>(v->as_int64());
  if (v->is_string() && !v->as_string().empty() && v->as_string().size() <= 4) {
    int out = 0;
    for (char c : v->as_string()) {
      if (c < '0' || c > '9') return std::nullopt;
      out = out * 10 + (c - '0');
    }
    return out;
  }
  return std::nullopt;
}

/// The tokenize routes' handler; `guest`: the caller has no account (decision 0028).
Reply Tokenize(PaymentService& payments, Request& req, bool guest) {
  auto body = http::ParseJsonObject(req, {.max_bytes = 2048, .max_depth = 4});
  if (!body) return core::Fail(body.error());
  const json::object& o = *body;
  core::FieldErrors errors;
  CardInput card;
  const json::value* number = o.if_contains("number");
  if (!number || !number->is_string()) {
    errors.Add("card.number", "is required (a string of digits)");
  } else {
    card.number = std::string(number->as_string());
  }
  auto month = IntField(o, "exp_month");
  auto year = IntField(o, "exp_year");
  if (!month) errors.Add("card.exp_month", "is required (1-12)");
  if (!year) errors.Add("card.exp_year", "is required (four digits)");
  const json::value* cvc = o.if_contains("cvc");
  if (!cvc || !cvc->is_string()) {
    errors.Add("card.cvc", "is required (a string of 3 or 4 digits)");
  } else {
    card.cvc = std::string(cvc->as_string());
  }
  bool save = false;
  if (const json::value* s = o.if_contains("save"); s && !s->is_null()) {
    if (!s->is_bool()) {
      errors.Add("save", "must be true or false");
    } else {
      save = s->as_bool();
    }
  }
  const auth::Caller* caller = guest ? nullptr : auth::CallerOf(req);
  if (save && (!caller || caller->principal.kind != auth::PrincipalKind::kCustomer)) {
    errors.Add("save", "only a signed-in customer can save a card to their account");
  }
  if (!errors.empty()) return core::Fail(errors.ToError());
  card.exp_month = *month;
  card.exp_year = *year;
  // A guest's token pays only for a guest's order (POST /api/v1/guest/orders), and a signed-in
  // caller's only for theirs: FindToken compares the owner.
  auto token = payments.Tokenize(card, guest ? std::string(kGuestOwner) : caller ? caller->principal.subject : "", save);
  if (!token) return core::Fail(token.error());
  return Response::Json(json_text::Serialize(json::object{{"token", token->token},
                                                     {"brand", token->brand},
                                                     {"last4", token->last4},
                                                     {"exp_month", token->exp_month},
                                                     {"exp_year", token->exp_year},
                                                     {"saved", save}}),
                        201);
}

}  // namespace

void RegisterRoutes(http::Router& router, PaymentService& payments) {
  // The routes that ever see a card number: it goes to the provider and is dropped.
  router.Post("/api/v1/payments/tokens", [&payments](Request& req) -> Reply {
    return Tokenize(payments, req, false);
  }, {.permission = "authenticated"});
  router.Post("/api/v1/guest/payments/tokens", [&payments](Request& req) -> Reply {
    return Tokenize(payments, req, true);
  }, {.permission = "public"});

  router.Get("/api/v1/admin/payments/reconciliation", [&payments](Request&) -> Reply {
    json::array problems;
    for (auto& p : payments.Reconcile()) problems.push_back(json::string(p));
    const bool ok = problems.empty();
    return Response::Json(json_text::Serialize(json::object{{"balanced", ok}, {"problems", std::move(problems)}}));
  }, {.permission = "payments:reconcile"});

  router.Post("/api/v1/payments/webhooks/{provider}", [&payments](Request& req) -> Reply {
    if (req.body.size() > 64 * 1024) return core::Fail(core::Error{core::ErrorCode::kPayloadTooLarge, "callback too large", {}});
    const std::string provider(req.PathParam("provider"));
    auto header = req.Header(payments.provider().signature_header());
    if (!header) {
      return core::Fail(core::Error::BadRequest(
          fmt::format("the {} header is missing", payments.provider().signature_header())));
    }
    // A callback that fails verification is a bad request (400, as Stripe expects), not a
    // problem with the caller's credentials: the route has none.
    auto handled = payments.HandleWebhook(provider, *header, req.body);
    if (!handled && handled.error().code == core::ErrorCode::kUnauthenticated) {
      return core::Fail(core::Error::BadRequest(handled.error().detail));
    }
    if (!handled) return core::Fail(handled.error());
    return Response::Json(*handled ? R"({"received":true})" : R"({"received":true,"duplicate":true})");
  }, {.permission = "public"});
}

}  // namespace vetahut::payment
