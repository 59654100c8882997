#include "services/payment/providers/stripe.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <utility>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "lib/auth/secrets.hpp"
#include "services/payment/providers/card_rules.hpp"
#include "services/payment/providers/webhook_json.hpp"
#include "services/payment/providers/form_encoding.hpp"

namespace vetahut::payment {
namespace {

namespace json = boost::json;

std::string_view Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

std::int64_t Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

const json::object* Obj(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

// Stripe's catch-all decline is what the rest of the platform calls card_declined.
std::string NormalizeDeclineCode(std::string_view decline_code, std::string_view code) {
  std::string_view chosen = !decline_code.empty() ? decline_code : code;
  if (chosen.empty() || chosen == "generic_decline") return "card_declined";
  return std::string(chosen);
}

// Ids go into URL paths: only the characters Stripe's ids are made of.
bool IsStripeId(std::string_view id) {
  return !id.empty() && id.size() <= 255 &&
         std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

core::Error UnknownReference() { return core::Error::NotFound("unknown payment reference"); }

core::Result<void> RequireKey(const std::string& key) {
  if (key.empty()) return core::Fail(core::Error::Validation({{"idempotency_key", "must not be empty"}}));
  return core::Ok();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A declined result from a PaymentIntent's last_payment_error.
ProviderResult DeclinedFromIntent(const json::object& intent) {
  ProviderResult r{ProviderStatus::kDeclined, std::string(Str(intent, "id")), "card_declined", "The card was declined."};
  if (const json::object* error = Obj(intent, "last_payment_error")) {
    r.decline_code = NormalizeDeclineCode(Str(*error, "decline_code"), Str(*error, "code"));
    if (!Str(*error, "message").empty()) r.message = std::string(Str(*error, "message"));
  }
  return r;
}

}  // namespace

struct StripeProvider::Reply {
  int status = 0;
  json::object body;
};

StripeProvider::StripeProvider(StripeOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock) {
  if (options_.api_base.empty()) throw std::invalid_argument("stripe: api_base must not be empty");
  if (options_.secret_key.empty()) throw std::invalid_argument("stripe: secret_key must not be empty");
  while (!options_.api_base.empty() && options_.api_base.back() == '/') options_.api_base.pop_back();
  http::ClientOptions client;
  client.connect_timeout = options_.connect_timeout;
  client.timeout = options_.timeout;
  client_ = std::make_unique<http::HttpClient>(client);
}

StripeProvider::~StripeProvider() = default;

core::Result<StripeProvider::Reply> StripeProvider::Call(http::Method method, const std::string& path,
                                                         const std::string& body,
                                                         const std::string& idempotency_key) {
  std::vector<http::Header> headers{{"Authorization", "Bearer " + options_.secret_key}};
  if (method == http::Method::kPost) {
    headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    headers.push_back({"Idempotency-Key", idempotency_key});
  }
  auto response = client_->Send(method, options_.api_base + path, headers, body);
  if (!response) return core::Fail(response.error());  // kUnavailable, names the URL only
  const int status = response->status;
  if (status == 429 || status >= 500) {
    return core::Fail(core::Error::Unavailable(fmt::format("stripe answered {} to {}", status, path)));
  }
  boost::system::error_code ec;
  json::value parsed = json::parse(response->body, ec);
  if (ec || !parsed.is_object()) {
    return core::Fail(core::Error::Unavailable(fmt::format("stripe answered {} to {} with a body that is not JSON",
                                                           status, path)));
  }
  return Reply{status, std::move(parsed.get_object())};
}

namespace {

// The non-2xx answers: a decline is a result, everything else an error.
core::Result<ProviderResult> MapError(int status, const json::object& body) {
  static const json::object kEmpty;
  const json::object* error = Obj(body, "error");
  if (!error) error = &kEmpty;
  const std::string_view type = Str(*error, "type");
  const std::string_view code = Str(*error, "code");
  const std::string message(Str(*error, "message"));

  if (status == 402 || type == "card_error") {
    ProviderResult r{ProviderStatus::kDeclined, "", NormalizeDeclineCode(Str(*error, "decline_code"), code),
                     message.empty() ? "The card was declined." : message};
    if (const json::object* intent = Obj(*error, "payment_intent")) r.reference = std::string(Str(*intent, "id"));
    return r;
  }
  if (status == 401 || status == 403) {
    // Stripe's message echoes part of the key: not repeated here.
    return core::Fail(core::Error::Internal(fmt::format(
        "stripe rejected the API key ({}): check the configured secret_key", status)));
  }
  if (type == "idempotency_error" || status == 409) {
    return core::Fail(core::Error::Conflict(
        message.empty() ? "the idempotency key was already used with other parameters" : message));
  }
  if (status == 404 || code == "resource_missing") {
    return core::Fail(core::Error::NotFound(message.empty() ? "not found at the processor" : message));
  }
  if (code == "amount_too_large" || code == "payment_intent_unexpected_state" || code == "charge_already_captured" ||
      code == "charge_already_refunded" || code == "charge_expired_for_capture") {
    return core::Fail(core::Error::Conflict(message.empty() ? std::string(code) : message));
  }
  if (status == 400) {
    const std::string_view param = Str(*error, "param");
    return core::Fail(core::Error::Validation(
        {{param.empty() ? "request" : std::string(param), message.empty() ? "is invalid" : message}},
        "The processor rejected the request."));
  }
  return core::Fail(core::Error::Internal(fmt::format("stripe answered an unexpected {}", status)));
}

}  // namespace

core::Result<CardToken> StripeProvider::Tokenize(const CardInput& card) {
  auto valid = ValidateCard(card, clock_);
  if (!valid) return core::Fail(valid.error());
  const std::string body = FormEncode({{"type", "card"},
                                       {"card[number]", valid->digits},
                                       {"card[exp_month]", std::to_string(valid->exp_month)},
                                       {"card[exp_year]", std::to_string(valid->exp_year)},
                                       {"card[cvc]", card.cvc}});
  // Creating a PaymentMethod moves no money; a fresh key still makes a retried request safe.
  auto reply = Call(http::Method::kPost, "/v1/payment_methods", body, "vh-pm-" + auth::RandomToken(18));
  if (!reply) return core::Fail(reply.error());
  if (reply->status / 100 != 2) {
    auto mapped = MapError(reply->status, reply->body);
    if (!mapped) return core::Fail(mapped.error());
    // A card error at this point names the field; Stripe's own message is not passed on.
    const json::object* error = Obj(reply->body, "error");
    const std::string code(error ? Str(*error, "code") : std::string_view());
    if (code == "invalid_expiry_month") return core::Fail(core::Error::Validation({{"card.exp_month", "is invalid"}}));
    if (code == "invalid_expiry_year") return core::Fail(core::Error::Validation({{"card.exp_year", "is invalid"}}));
    if (code == "invalid_cvc" || code == "incorrect_cvc") {
      return core::Fail(core::Error::Validation({{"card.cvc", "is invalid"}}));
    }
    if (code == "expired_card") return core::Fail(core::Error::Validation({{"card.exp_year", "the card has expired"}}));
    return core::Fail(core::Error::Validation({{"card.number", "the card was refused by the processor"}}));
  }
  const json::object* details = Obj(reply->body, "card");
  if (Str(reply->body, "id").empty() || !details) {
    return core::Fail(core::Error::Unavailable("stripe answered a payment method without id or card"));
  }
  CardToken token;
  token.token = std::string(Str(reply->body, "id"));
  token.brand = Str(*details, "brand").empty() ? valid->brand : std::string(Str(*details, "brand"));
  token.last4 = Str(*details, "last4").empty() ? valid->last4 : std::string(Str(*details, "last4"));
  token.exp_month = Int(*details, "exp_month") ? static_cast<int>(Int(*details, "exp_month")) : valid->exp_month;
  token.exp_year = Int(*details, "exp_year") ? static_cast<int>(Int(*details, "exp_year")) : valid->exp_year;
  return token;
}

core::Result<ProviderResult> StripeProvider::Authorize(const std::string& token, const core::Money& amount,
                                                       const std::string& order_id,
                                                       const std::string& idempotency_key) {
  if (auto ok = RequireKey(idempotency_key); !ok) return core::Fail(ok.error());
  if (amount.amount() <= 0) return core::Fail(core::Error::Validation({{"amount", "must be positive"}}));
  if (!IsStripeId(token)) return core::Fail(core::Error::NotFound("unknown card token"));
  const std::string body = FormEncode({{"amount", std::to_string(amount.amount())},
                                       {"currency", Lower(amount.currency().code())},
                                       {"payment_method", token},
                                       {"capture_method", "manual"},
                                       {"confirm", "true"},
                                       {"metadata[order_id]", order_id}});
  auto reply = Call(http::Method::kPost, "/v1/payment_intents", body, idempotency_key);
  if (!reply) return core::Fail(reply.error());
  if (reply->status / 100 != 2) return MapError(reply->status, reply->body);
  const json::object& intent = reply->body;
  const std::string_view status = Str(intent, "status");
  ProviderResult r{ProviderStatus::kSucceeded, std::string(Str(intent, "id")), "", ""};
  if (status == "requires_capture" || status == "succeeded") return r;
  if (status == "requires_action" || status == "processing" || status == "requires_confirmation") {
    r.status = ProviderStatus::kPending;
    r.message = status == "requires_action" ? "The card needs customer authentication." : "The payment is processing.";
    return r;
  }
  return DeclinedFromIntent(intent);
}

core::Result<ProviderResult> StripeProvider::Capture(const std::string& reference, const core::Money& amount,
                                                     const std::string& idempotency_key) {
  if (auto ok = RequireKey(idempotency_key); !ok) return core::Fail(ok.error());
  if (amount.amount() <= 0) return core::Fail(core::Error::Validation({{"amount", "must be positive"}}));
  if (!IsStripeId(reference)) return core::Fail(UnknownReference());
  auto reply = Call(http::Method::kPost, "/v1/payment_intents/" + reference + "/capture",
                    FormEncode({{"amount_to_capture", std::to_string(amount.amount())}}), idempotency_key);
  if (!reply) return core::Fail(reply.error());
  if (reply->status / 100 != 2) return MapError(reply->status, reply->body);
  const std::string_view status = Str(reply->body, "status");
  if (status == "succeeded") return ProviderResult{ProviderStatus::kSucceeded, reference, "", ""};
  if (status == "processing") return ProviderResult{ProviderStatus::kPending, reference, "", "The capture is processing."};
  return core::Fail(core::Error::Internal(fmt::format("stripe left the payment {} after a capture", status)));
}

core::Result<ProviderResult> StripeProvider::Void(const std::string& reference, const std::string& idempotency_key) {
  if (auto ok = RequireKey(idempotency_key); !ok) return core::Fail(ok.error());
  if (!IsStripeId(reference)) return core::Fail(UnknownReference());
  auto reply = Call(http::Method::kPost, "/v1/payment_intents/" + reference + "/cancel", "", idempotency_key);
  if (!reply) return core::Fail(reply.error());
  if (reply->status / 100 != 2) return MapError(reply->status, reply->body);
  if (Str(reply->body, "status") != "canceled") {
    return core::Fail(core::Error::Internal(
        fmt::format("stripe left the payment {} after a cancel", Str(reply->body, "status"))));
  }
  return ProviderResult{ProviderStatus::kSucceeded, reference, "", ""};
}

core::Result<ProviderResult> StripeProvider::Refund(const std::string& reference, const core::Money& amount,
                                                    const std::string& idempotency_key) {
  if (auto ok = RequireKey(idempotency_key); !ok) return core::Fail(ok.error());
  if (amount.amount() <= 0) return core::Fail(core::Error::Validation({{"amount", "must be positive"}}));
  if (!IsStripeId(reference)) return core::Fail(UnknownReference());
  auto reply = Call(http::Method::kPost, "/v1/refunds",
                    FormEncode({{"payment_intent", reference}, {"amount", std::to_string(amount.amount())}}),
                    idempotency_key);
  if (!reply) return core::Fail(reply.error());
  if (reply->status / 100 != 2) return MapError(reply->status, reply->body);
  const std::string_view status = Str(reply->body, "status");
  if (status == "succeeded") return ProviderResult{ProviderStatus::kSucceeded, reference, "", ""};
  if (status == "pending" || status == "requires_action") {
    return ProviderResult{ProviderStatus::kPending, reference, "", "The refund is pending."};
  }
  return ProviderResult{ProviderStatus::kDeclined, reference, std::string(Str(reply->body, "failure_reason")),
                        "The refund failed."};
}

core::Result<ProviderResult> StripeProvider::Retrieve(const std::string& reference) {
  if (!IsStripeId(reference)) return core::Fail(UnknownReference());
  auto reply = Call(http::Method::kGet, "/v1/payment_intents/" + reference, "", "");
  if (!reply) return core::Fail(reply.error());
  if (reply->status / 100 != 2) {
    auto mapped = MapError(reply->status, reply->body);
    if (!mapped) return core::Fail(mapped.error());
    return core::Fail(core::Error::Internal("stripe answered a retrieve with a card error"));
  }
  const json::object& intent = reply->body;
  const std::string_view status = Str(intent, "status");
  if (status == "requires_capture") return ProviderResult{ProviderStatus::kSucceeded, reference, "", "authorized"};
  if (status == "succeeded") return ProviderResult{ProviderStatus::kSucceeded, reference, "", "captured"};
  if (status == "requires_action" || status == "processing" || status == "requires_confirmation") {
    return ProviderResult{ProviderStatus::kPending, reference, "", "pending"};
  }
  if (status == "canceled") return ProviderResult{ProviderStatus::kDeclined, reference, "", "voided"};
  ProviderResult r = DeclinedFromIntent(intent);
  r.reference = reference;
  r.message = "failed";
  return r;
}

core::Result<WebhookEvent> StripeProvider::VerifyWebhook(std::string_view signature_header, std::string_view body,
                                                         core::TimePoint now) const {
  auto parsed = VerifiedWebhookObject(options_.webhook_secret, signature_header, body, now, options_.webhook_tolerance);
  if (!parsed) return core::Fail(parsed.error());
  const json::object& event = *parsed;
  const std::string_view id = Str(event, "id");
  const std::string_view type = Str(event, "type");
  const json::object* data = Obj(event, "data");
  const json::object* object = data ? Obj(*data, "object") : nullptr;
  if (id.empty() || type.empty() || !object || !event.contains("created") || !event.at("created").is_int64()) {
    return core::Fail(core::Error::BadRequest("the webhook event lacks id, type, created or data.object"));
  }
  WebhookEvent out;
  out.id = std::string(id);
  out.created_at = core::TimePoint(std::chrono::seconds(event.at("created").get_int64()));
  if (type == "charge.refunded") {
    out.type = "payment.refunded";
    out.reference = std::string(Str(*object, "payment_intent"));
  } else if (type.starts_with("payment_intent.")) {
    out.reference = std::string(Str(*object, "id"));
    if (type == "payment_intent.amount_capturable_updated") {
      out.type = "payment.authorized";
    } else if (type == "payment_intent.payment_failed") {
      out.type = "payment.failed";
      out.decline_code = DeclinedFromIntent(*object).decline_code;
    } else if (type == "payment_intent.canceled") {
      out.type = "payment.voided";
    } else if (type == "payment_intent.succeeded") {
      out.type = "payment.captured";
    }
  }
  if (!out.type.empty() && out.reference.empty()) {
    return core::Fail(core::Error::BadRequest("the webhook event does not name its payment intent"));
  }
  return out;
}

}  // namespace vetahut::payment
