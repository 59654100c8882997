#include "services/payment/providers/fake_stripe.hpp"
#include "lib/json/write.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/http/router.hpp"
#include "lib/http/server.hpp"
#include "services/payment/providers/card_rules.hpp"
#include "services/payment/providers/form_encoding.hpp"

namespace vetahut::payment {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMaxAmount = 99999999;  // Stripe's limit for most currencies

// One answer, before serialization: kept as is for idempotent replays.
struct Answer {
  int status = 200;
  std::string body;
};

Answer Json(int status, const json::value& v) { return {status, json_text::Serialize(v)}; }

Answer StripeError(int status, std::string_view type, std::string_view code, std::string message,
                   std::string_view param = {}) {
  json::object error{{"type", type}, {"message", message}};
  if (!code.empty()) error["code"] = code;
  if (!param.empty()) error["param"] = param;
  return Json(status, json::object{{"error", std::move(error)}});
}

std::optional<std::int64_t> ParseInt(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

struct Card {
  std::string brand;
  std::string last4;
  int exp_month = 0;
  int exp_year = 0;
  std::string behaviour;  // approve | generic_decline | insufficient_funds | processing_error | requires_action
};

struct Intent {
  std::string id;
  std::int64_t amount = 0;
  std::int64_t amount_capturable = 0;
  std::int64_t amount_received = 0;
  std::int64_t refunded = 0;
  std::string currency;
  std::string status;
  std::string payment_method;
  std::string latest_charge;
  std::map<std::string, std::string> metadata;
  json::value last_payment_error = nullptr;
  std::int64_t created = 0;
};

json::object IntentJson(const Intent& i) {
  json::object metadata;
  for (const auto& [k, v] : i.metadata) metadata[k] = v;
  json::object o{{"id", i.id},
                 {"object", "payment_intent"},
                 {"amount", i.amount},
                 {"amount_capturable", i.amount_capturable},
                 {"amount_received", i.amount_received},
                 {"currency", i.currency},
                 {"status", i.status},
                 {"capture_method", "manual"},
                 {"payment_method", i.payment_method},
                 {"metadata", std::move(metadata)},
                 {"last_payment_error", i.last_payment_error},
                 {"created", i.created},
                 {"livemode", false}};
  o["latest_charge"] = i.latest_charge.empty() ? json::value(nullptr) : json::value(i.latest_charge);
  if (i.status == "requires_action") o["next_action"] = json::object{{"type", "use_stripe_sdk"}};
  return o;
}

}  // namespace

struct FakeStripe::State {
  State() : ids(core::SystemClock::Instance()) {}

  using Params = std::map<std::string, std::string>;

  std::string Param(const Params& p, const std::string& key) const {
    auto it = p.find(key);
    return it == p.end() ? "" : it->second;
  }

  std::int64_t Now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(
               core::SystemClock::Instance().Now().time_since_epoch())
        .count();
  }

  Answer CreatePaymentMethod(const Params& p) {
    if (Param(p, "type") != "card") {
      return StripeError(400, "invalid_request_error", "parameter_invalid_string", "type must be card", "type");
    }
    CardInput input{Param(p, "card[number]"), static_cast<int>(ParseInt(Param(p, "card[exp_month]")).value_or(0)),
                    static_cast<int>(ParseInt(Param(p, "card[exp_year]")).value_or(0)), Param(p, "card[cvc]")};
    auto valid = ValidateCard(input, core::SystemClock::Instance());
    if (!valid) {
      const std::string& field = valid.error().fields.front().field;
      if (field == "card.exp_month") {
        return StripeError(402, "card_error", "invalid_expiry_month", "Your card's expiration month is invalid.",
                           "exp_month");
      }
      if (field == "card.exp_year") {
        return StripeError(402, "card_error", "invalid_expiry_year", "Your card's expiration year is invalid.",
                           "exp_year");
      }
      if (field == "card.cvc") {
        return StripeError(402, "card_error", "invalid_cvc", "Your card's security code is invalid.", "cvc");
      }
      return StripeError(402, "card_error", "incorrect_number", "Your card number is incorrect.", "number");
    }
    std::string behaviour = "approve";
    switch (TestCardOutcomeOf(valid->digits)) {
      case TestCardOutcome::kDecline: behaviour = "generic_decline"; break;
      case TestCardOutcome::kInsufficientFunds: behaviour = "insufficient_funds"; break;
      case TestCardOutcome::kProcessingError: behaviour = "processing_error"; break;
      case TestCardOutcome::kRequiresAuthentication: behaviour = "requires_action"; break;
      case TestCardOutcome::kApprove: break;
    }
    const std::string id = ids.Next("pm");
    cards[id] = Card{valid->brand, valid->last4, valid->exp_month, valid->exp_year, behaviour};
    return Json(200, json::object{{"id", id},
                                  {"object", "payment_method"},
                                  {"type", "card"},
                                  {"created", Now()},
                                  {"card",
                                   {{"brand", valid->brand},
                                    {"last4", valid->last4},
                                    {"exp_month", valid->exp_month},
                                    {"exp_year", valid->exp_year},
                                    {"funding", "credit"}}}});
  }

  Answer CreateIntent(const Params& p) {
    auto amount = ParseInt(Param(p, "amount"));
    if (!amount || *amount < 1) {
      return StripeError(400, "invalid_request_error", "parameter_invalid_integer",
                         "Invalid positive integer", "amount");
    }
    if (*amount > kMaxAmount) {
      return StripeError(400, "invalid_request_error", "amount_too_large",
                         "Amount must be no more than $999,999.99", "amount");
    }
    const std::string currency = Param(p, "currency");
    if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
      return StripeError(400, "invalid_request_error", "parameter_invalid_string", "Invalid currency", "currency");
    }
    const std::string pm = Param(p, "payment_method");
    auto card = cards.find(pm);
    if (card == cards.end()) {
      return StripeError(400, "invalid_request_error", "resource_missing",
                         fmt::format("No such PaymentMethod: '{}'", pm), "payment_method");
    }
    Intent intent;
    intent.id = ids.Next("pi");
    intent.amount = *amount;
    intent.currency = currency;
    intent.payment_method = pm;
    intent.created = Now();
    for (const auto& [k, v] : p) {
      if (k.starts_with("metadata[") && k.ends_with("]")) intent.metadata[k.substr(9, k.size() - 10)] = v;
    }
    ++intents_created;
    const std::string& behaviour = card->second.behaviour;
    if (Param(p, "confirm") != "true") {
      intent.status = "requires_confirmation";
    } else if (behaviour == "approve") {
      intent.status = "requires_capture";
      intent.amount_capturable = *amount;
      intent.latest_charge = ids.Next("ch");
    } else if (behaviour == "requires_action") {
      intent.status = "requires_action";
    } else {
      intent.status = "requires_payment_method";
      json::object error{{"type", "card_error"}};
      std::string message;
      if (behaviour == "processing_error") {
        error["code"] = "processing_error";
        message = "An error occurred while processing your card. Try again in a little bit.";
      } else {
        error["code"] = "card_declined";
        error["decline_code"] = behaviour;
        message = behaviour == "insufficient_funds" ? "Your card has insufficient funds." : "Your card was declined.";
      }
      error["message"] = message;
      intent.last_payment_error = error;
      intents[intent.id] = intent;
      error["payment_intent"] = IntentJson(intent);
      return Json(402, json::object{{"error", std::move(error)}});
    }
    intents[intent.id] = intent;
    return Json(200, IntentJson(intent));
  }

  Intent* FindIntent(const std::string& id) {
    auto it = intents.find(id);
    return it == intents.end() ? nullptr : &it->second;
  }

  Answer MissingIntent(const std::string& id) {
    return StripeError(404, "invalid_request_error", "resource_missing",
                       fmt::format("No such payment_intent: '{}'", id), "intent");
  }

  Answer Unexpected(const Intent& i, std::string_view action) {
    return StripeError(400, "invalid_request_error", "payment_intent_unexpected_state",
                       fmt::format("This PaymentIntent could not be {} because it has a status of {}.", action,
                                   i.status));
  }

  Answer Capture(const std::string& id, const Params& p) {
    Intent* i = FindIntent(id);
    if (!i) return MissingIntent(id);
    if (i->status != "requires_capture") return Unexpected(*i, "captured");
    std::int64_t amount = i->amount_capturable;
    if (p.contains("amount_to_capture")) {
      auto parsed = ParseInt(Param(p, "amount_to_capture"));
      if (!parsed || *parsed < 1) {
        return StripeError(400, "invalid_request_error", "parameter_invalid_integer", "Invalid positive integer",
                           "amount_to_capture");
      }
      amount = *parsed;
    }
    if (amount > i->amount_capturable) {
      return StripeError(400, "invalid_request_error", "amount_too_large",
                         "The amount to capture exceeds the amount capturable.", "amount_to_capture");
    }
    i->amount_received = amount;
    i->amount_capturable = 0;
    i->status = "succeeded";
    ++capture_calls;
    return Json(200, IntentJson(*i));
  }

  Answer Cancel(const std::string& id) {
    Intent* i = FindIntent(id);
    if (!i) return MissingIntent(id);
    static constexpr std::string_view kCancelable[] = {"requires_capture", "requires_action",
                                                       "requires_payment_method", "requires_confirmation",
                                                       "processing"};
    if (std::find(std::begin(kCancelable), std::end(kCancelable), i->status) == std::end(kCancelable)) {
      return Unexpected(*i, "canceled");
    }
    i->status = "canceled";
    i->amount_capturable = 0;
    return Json(200, IntentJson(*i));
  }

  Answer CreateRefund(const Params& p) {
    const std::string id = Param(p, "payment_intent");
    Intent* i = FindIntent(id);
    if (!i) {
      return StripeError(400, "invalid_request_error", "resource_missing",
                         fmt::format("No such payment_intent: '{}'", id), "payment_intent");
    }
    if (i->status != "succeeded") return Unexpected(*i, "refunded");
    const std::int64_t remaining = i->amount_received - i->refunded;
    std::int64_t amount = remaining;
    if (p.contains("amount")) {
      auto parsed = ParseInt(Param(p, "amount"));
      if (!parsed || *parsed < 1) {
        return StripeError(400, "invalid_request_error", "parameter_invalid_integer", "Invalid positive integer",
                           "amount");
      }
      amount = *parsed;
    }
    if (amount > remaining || remaining == 0) {
      return StripeError(400, "invalid_request_error", remaining == 0 ? "charge_already_refunded" : "amount_too_large",
                         fmt::format("Refund amount ({}) is greater than unrefunded amount on charge ({})", amount,
                                     remaining),
                         "amount");
    }
    i->refunded += amount;
    return Json(200, json::object{{"id", ids.Next("re")},
                                  {"object", "refund"},
                                  {"amount", amount},
                                  {"currency", i->currency},
                                  {"payment_intent", i->id},
                                  {"charge", i->latest_charge},
                                  {"status", "succeeded"},
                                  {"created", Now()}});
  }

  template <class F>
  std::int64_t SumFor(const std::string& key, F amount_of) const {
    if (auto it = intents.find(key); it != intents.end()) return amount_of(it->second);
    std::int64_t total = 0;
    for (const auto& [id, intent] : intents) {
      if (auto m = intent.metadata.find("order_id"); m != intent.metadata.end() && m->second == key) {
        total += amount_of(intent);
      }
    }
    return total;
  }

  struct Recorded {
    std::string fingerprint;
    Answer answer;
  };

  mutable std::mutex mutex;
  core::IdGenerator ids;
  std::map<std::string, Card> cards;
  std::map<std::string, Intent> intents;
  std::map<std::string, Recorded> idempotency;
  std::vector<std::string> log;
  int intents_created = 0;
  int capture_calls = 0;
  int fail_next = 0;
  int fail_after = 0;
  std::atomic<std::int64_t> latency_ms{0};
};

FakeStripe::FakeStripe(FakeStripeOptions options)
    : options_(std::move(options)), state_(std::make_unique<State>()), router_(std::make_unique<http::Router>()) {
  state_->latency_ms = options_.latency.count();
  State* s = state_.get();
  const std::string bearer = "Bearer " + options_.secret_key;

  // Everything a request goes through before its endpoint: latency, the log, injected failures,
  // the key, and idempotency. One mutex: requests are handled one at a time, like a tiny Stripe.
  auto wrap = [s, bearer](std::function<Answer(http::Request&, const State::Params&)> endpoint) -> http::Handler {
    return [s, bearer, endpoint = std::move(endpoint)](http::Request& request) -> core::Result<http::Response> {
      if (const auto ms = s->latency_ms.load(); ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      auto respond = [](const Answer& a, bool replayed) {
        http::Response r = http::Response::Json(a.body, a.status);
        if (replayed) r.SetHeader("Idempotent-Replayed", "true");
        return r;
      };
      const Answer internal = StripeError(500, "api_error", "", "An unknown error occurred.");
      std::lock_guard lock(s->mutex);
      s->log.push_back(fmt::format("{} {}", http::MethodName(request.method), request.path));
      if (s->fail_next > 0) {
        --s->fail_next;
        return respond(internal, false);
      }
      if (request.Header("Authorization").value_or("") != bearer) {
        return respond(StripeError(401, "invalid_request_error", "", "Invalid API Key provided."), false);
      }
      State::Params params;
      for (auto& [k, v] : FormDecode(request.body)) params[k] = v;
      // A plain string (not optional<string_view>): GCC 12 warns about the optional's payload.
      std::string key;
      if (request.method == http::Method::kPost) key = std::string(request.Header("Idempotency-Key").value_or(""));
      std::string fingerprint = fmt::format("{} {}", http::MethodName(request.method), request.path);
      for (const auto& [k, v] : params) fingerprint += fmt::format("\n{}={}", k, v);
      if (!key.empty()) {
        if (auto it = s->idempotency.find(key); it != s->idempotency.end()) {
          if (it->second.fingerprint != fingerprint) {
            return respond(StripeError(400, "idempotency_error", "",
                                       "Keys for idempotent requests can only be used with the same parameters "
                                       "they were first used with."),
                           false);
          }
          return respond(it->second.answer, true);
        }
      }
      Answer answer = endpoint(request, params);
      if (!key.empty()) s->idempotency[key] = State::Recorded{fingerprint, answer};
      if (s->fail_after > 0) {
        --s->fail_after;
        return respond(internal, false);
      }
      return respond(answer, false);
    };
  };

  router_->Post("/v1/payment_methods", wrap([s](http::Request&, const State::Params& p) {
                  return s->CreatePaymentMethod(p);
                }));
  router_->Post("/v1/payment_intents", wrap([s](http::Request&, const State::Params& p) {
                  return s->CreateIntent(p);
                }));
  router_->Get("/v1/payment_intents/{id}", wrap([s](http::Request& r, const State::Params&) {
                 const std::string id(r.PathParam("id"));
                 const Intent* i = s->FindIntent(id);
                 return i ? Json(200, IntentJson(*i)) : s->MissingIntent(id);
               }));
  router_->Post("/v1/payment_intents/{id}/capture", wrap([s](http::Request& r, const State::Params& p) {
                  return s->Capture(std::string(r.PathParam("id")), p);
                }));
  router_->Post("/v1/payment_intents/{id}/cancel", wrap([s](http::Request& r, const State::Params&) {
                  return s->Cancel(std::string(r.PathParam("id")));
                }));
  router_->Post("/v1/refunds", wrap([s](http::Request&, const State::Params& p) { return s->CreateRefund(p); }));

  http::ServerOptions server_options;
  server_options.host = options_.host;
  server_options.port = options_.port;
  server_options.io_threads = 1;
  server_options.worker_threads = 4;
  server_options.drain_timeout = std::chrono::milliseconds(2000);
  server_ = std::make_unique<http::Server>(server_options, *router_);
  server_->Start();
}

FakeStripe::~FakeStripe() { server_->Stop(); }

std::string FakeStripe::url() const { return fmt::format("http://{}:{}", options_.host, server_->port()); }

const std::string& FakeStripe::secret_key() const { return options_.secret_key; }

void FakeStripe::FailNext(int n) {
  std::lock_guard lock(state_->mutex);
  state_->fail_next = n;
}

void FakeStripe::FailNextAfterProcessing(int n) {
  std::lock_guard lock(state_->mutex);
  state_->fail_after = n;
}

void FakeStripe::SetLatency(std::chrono::milliseconds latency) { state_->latency_ms = latency.count(); }

int FakeStripe::IntentsCreated() const {
  std::lock_guard lock(state_->mutex);
  return state_->intents_created;
}

int FakeStripe::CaptureCalls() const {
  std::lock_guard lock(state_->mutex);
  return state_->capture_calls;
}

std::int64_t FakeStripe::CapturedTotal(const std::string& intent_or_order_id) const {
  std::lock_guard lock(state_->mutex);
  return state_->SumFor(intent_or_order_id, [](const Intent& i) { return i.amount_received; });
}

std::int64_t FakeStripe::RefundedTotal(const std::string& intent_or_order_id) const {
  std::lock_guard lock(state_->mutex);
  return state_->SumFor(intent_or_order_id, [](const Intent& i) { return i.refunded; });
}

std::optional<std::string> FakeStripe::IntentStatus(const std::string& intent_id) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->intents.find(intent_id);
  if (it == state_->intents.end()) return std::nullopt;
  return it->second.status;
}

std::optional<std::string> FakeStripe::Metadata(const std::string& intent_id, const std::string& key) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->intents.find(intent_id);
  if (it == state_->intents.end()) return std::nullopt;
  auto m = it->second.metadata.find(key);
  if (m == it->second.metadata.end()) return std::nullopt;
  return m->second;
}

std::vector<std::string> FakeStripe::RequestLog() const {
  std::lock_guard lock(state_->mutex);
  return state_->log;
}

}  // namespace vetahut::payment
