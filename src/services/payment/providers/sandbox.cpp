#include "services/payment/providers/sandbox.hpp"
#include "lib/json/write.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "migrations/payment_sandbox.hpp"
#include "services/payment/providers/card_rules.hpp"
#include "services/payment/providers/webhook_json.hpp"
#include "services/payment/providers/webhook_sender.hpp"

namespace vetahut::payment {
namespace {

namespace json = boost::json;

constexpr std::string_view kInsertToken =
    "INSERT INTO payment_sandbox_tokens (token, brand, last4, exp_month, exp_year, behaviour, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
constexpr std::string_view kSelectTokenBehaviour = "SELECT behaviour FROM payment_sandbox_tokens WHERE token = $1";
constexpr std::string_view kInsertCharge =
    "INSERT INTO payment_sandbox_charges (reference, token, order_id, currency, amount, authorized, captured, "
    "refunded, status, decline_code, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, 0, $7, $8, $9, $9)";
constexpr std::string_view kSelectCharge =
    "SELECT reference, currency, amount, authorized, captured, refunded, status, decline_code "
    "FROM payment_sandbox_charges WHERE reference = $1";
constexpr std::string_view kUpdateCharge =
    "UPDATE payment_sandbox_charges SET authorized = $2, captured = $3, refunded = $4, status = $5, "
    "updated_at = $6 WHERE reference = $1";
// The key is claimed first: on PostgreSQL a concurrent call with the same key waits here for the
// first one to finish and then sees its stored result, instead of racing it for the charge.
constexpr std::string_view kClaimKey =
    "INSERT INTO payment_sandbox_idempotency (idempotency_key, fingerprint, status, reference, decline_code, "
    "message, created_at) VALUES ($1, $2, 'in_progress', '', '', '', $3) ON CONFLICT (idempotency_key) DO NOTHING";
constexpr std::string_view kSelectKey =
    "SELECT fingerprint, status, reference, decline_code, message FROM payment_sandbox_idempotency "
    "WHERE idempotency_key = $1";
constexpr std::string_view kRecordKey =
    "UPDATE payment_sandbox_idempotency SET status = $2, reference = $3, decline_code = $4, message = $5 "
    "WHERE idempotency_key = $1";

// What a test card does when authorized.
struct Behaviour {
  std::string_view name;  // stored; also the decline code for declines
  std::string_view message;
};
constexpr Behaviour kApprove{"approve", ""};
constexpr Behaviour kRequiresAction{"requires_action", "The card needs customer authentication."};

Behaviour BehaviourOf(std::string_view digits) {
  switch (TestCardOutcomeOf(digits)) {
    case TestCardOutcome::kDecline: return {"card_declined", "The card was declined."};
    case TestCardOutcome::kInsufficientFunds: return {"insufficient_funds", "The card has insufficient funds."};
    case TestCardOutcome::kProcessingError: return {"processing_error", "An error occurred while processing the card."};
    case TestCardOutcome::kRequiresAuthentication: return kRequiresAction;
    case TestCardOutcome::kApprove: break;
  }
  return kApprove;
}

std::string_view DeclineMessage(std::string_view code) {
  if (code == "card_declined") return "The card was declined.";
  if (code == "insufficient_funds") return "The card has insufficient funds.";
  if (code == "processing_error") return "An error occurred while processing the card.";
  return "The card was declined.";
}

std::string_view StatusName(ProviderStatus s) {
  switch (s) {
    case ProviderStatus::kSucceeded:
      return "succeeded";
    case ProviderStatus::kPending:
      return "pending";
    case ProviderStatus::kDeclined:
      return "declined";
  }
  return "succeeded";
}

std::optional<ProviderStatus> ParseStatus(std::string_view s) {
  if (s == "succeeded") return ProviderStatus::kSucceeded;
  if (s == "pending") return ProviderStatus::kPending;
  if (s == "declined") return ProviderStatus::kDeclined;
  return std::nullopt;
}

core::Error AmountError(std::string message) { return core::Error::Validation({{"amount", std::move(message)}}); }

// One row of payment_sandbox_charges.
struct Charge {
  std::string reference;
  std::string currency;
  std::int64_t amount = 0;
  std::int64_t authorized = 0;
  std::int64_t captured = 0;
  std::int64_t refunded = 0;
  std::string status;
  std::string decline_code;
};

// Locks the row on PostgreSQL so concurrent captures/refunds of one payment serialize; SQLite's
// BEGIN IMMEDIATE already serializes writers.
std::optional<Charge> LoadCharge(db::Session& s, const std::string& reference, bool for_update) {
  std::string sql(kSelectCharge);
  if (for_update && s.engine() == db::Engine::kPostgres) sql += " FOR UPDATE";
  auto rows = s.Query(sql, db::Params(reference));
  if (rows.empty()) return std::nullopt;
  const db::Row& r = rows[0];
  return Charge{r.Text(0), r.Text(1), r.Int(2), r.Int(3), r.Int(4), r.Int(5), r.Text(6), r.Text(7)};
}

core::Error UnknownReference() { return core::Error::NotFound("unknown payment reference"); }

}  // namespace

struct SandboxProvider::Outcome {
  ProviderResult result;
  // The callback this change causes, sent after the commit.
  struct Event {
    std::string type;
    std::int64_t amount = 0;
    std::string currency;
  };
  std::optional<Event> event;
};

SandboxProvider::SandboxProvider(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                                 SandboxOptions options)
    : db_(db), clock_(clock), ids_(ids), options_(std::move(options)) {
  if (!options_.webhook_url.empty()) {
    if (options_.webhook_secret.empty()) {
      throw std::invalid_argument("SandboxProvider: webhook_url is set but webhook_secret is empty");
    }
    webhooks_ = std::make_unique<WebhookSender>(
        WebhookSenderOptions{options_.webhook_url, options_.webhook_secret, "Vetahut-Signature"}, clock_);
  }
}

SandboxProvider::~SandboxProvider() = default;

void SandboxProvider::SimulateLatency() const {
  if (options_.latency.count() > 0) std::this_thread::sleep_for(options_.latency);
}

core::Result<CardToken> SandboxProvider::Tokenize(const CardInput& card) {
  SimulateLatency();
  auto valid = ValidateCard(card, clock_);
  if (!valid) return core::Fail(valid.error());
  const Behaviour behaviour = BehaviourOf(valid->digits);
  CardToken token{ids_.Next("tok"), valid->brand, valid->last4, valid->exp_month, valid->exp_year};
  db_.Exec(kInsertToken, db::Params(token.token, token.brand, token.last4, token.exp_month, token.exp_year,
                                    behaviour.name, core::FormatRfc3339(clock_.Now())));
  return token;
}

core::Result<ProviderResult> SandboxProvider::RunIdempotent(
    const std::string& key, const std::string& fingerprint,
    const std::function<core::Result<Outcome>(db::Session&)>& effect) {
  if (key.empty()) return core::Fail(core::Error::Validation({{"idempotency_key", "must not be empty"}}));
  auto tx = db_.Begin();
  const bool claimed = tx.Exec(kClaimKey, db::Params(key, fingerprint, core::FormatRfc3339(clock_.Now()))) == 1;
  if (!claimed) {
    auto rows = tx.Query(kSelectKey, db::Params(key));
    tx.Commit();
    if (rows.empty()) return core::Fail(core::Error::Unavailable("idempotency key vanished; retry"));
    const db::Row& r = rows[0];
    if (r.Text(0) != fingerprint) {
      return core::Fail(core::Error::Conflict("the idempotency key was already used with other parameters"));
    }
    auto status = ParseStatus(r.Text(1));
    if (!status) return core::Fail(core::Error::Internal("stored idempotent result has an unknown status"));
    return ProviderResult{*status, r.Text(2), r.Text(3), r.Text(4)};
  }
  auto outcome = effect(tx);
  if (!outcome) return core::Fail(outcome.error());  // rolled back: the key stays free
  const ProviderResult& result = outcome->result;
  tx.Exec(kRecordKey, db::Params(key, StatusName(result.status), result.reference, result.decline_code,
                                 result.message));
  tx.Commit();
  if (outcome->event) {
    Emit(outcome->event->type, result.reference, outcome->event->amount, outcome->event->currency,
         result.decline_code);
  }
  return result;
}

core::Result<ProviderResult> SandboxProvider::Authorize(const std::string& token, const core::Money& amount,
                                                        const std::string& order_id,
                                                        const std::string& idempotency_key) {
  SimulateLatency();
  if (amount.amount() <= 0) return core::Fail(AmountError("must be positive"));
  const std::string currency(amount.currency().code());
  const std::string fingerprint = fmt::format("authorize|{}|{}|{}|{}", token, amount.amount(), currency, order_id);
  return RunIdempotent(idempotency_key, fingerprint, [&](db::Session& s) -> core::Result<Outcome> {
    auto rows = s.Query(kSelectTokenBehaviour, db::Params(token));
    if (rows.empty()) return core::Fail(core::Error::NotFound("unknown card token"));
    const std::string behaviour = rows[0].Text(0);
    const std::string reference = ids_.Next("pi");
    const std::string now = core::FormatRfc3339(clock_.Now());
    Outcome out;
    out.result.reference = reference;
    if (behaviour == kApprove.name) {
      s.Exec(kInsertCharge, db::Params(reference, token, order_id, currency, amount.amount(), amount.amount(),
                                       "authorized", "", now));
      out.event = Outcome::Event{"payment.authorized", amount.amount(), currency};
    } else if (behaviour == kRequiresAction.name) {
      // Nothing is held until the customer authenticates, which never happens in the sandbox.
      s.Exec(kInsertCharge, db::Params(reference, token, order_id, currency, amount.amount(), 0, "pending", "", now));
      out.result.status = ProviderStatus::kPending;
      out.result.message = std::string(kRequiresAction.message);
    } else {
      s.Exec(kInsertCharge,
             db::Params(reference, token, order_id, currency, amount.amount(), 0, "failed", behaviour, now));
      out.result.status = ProviderStatus::kDeclined;
      out.result.decline_code = behaviour;
      out.result.message = std::string(DeclineMessage(behaviour));
      out.event = Outcome::Event{"payment.failed", amount.amount(), currency};
    }
    return out;
  });
}

core::Result<ProviderResult> SandboxProvider::Capture(const std::string& reference, const core::Money& amount,
                                                      const std::string& idempotency_key) {
  SimulateLatency();
  if (amount.amount() <= 0) return core::Fail(AmountError("must be positive"));
  const std::string currency(amount.currency().code());
  const std::string fingerprint = fmt::format("capture|{}|{}|{}", reference, amount.amount(), currency);
  return RunIdempotent(idempotency_key, fingerprint, [&](db::Session& s) -> core::Result<Outcome> {
    auto charge = LoadCharge(s, reference, true);
    if (!charge) return core::Fail(UnknownReference());
    if (charge->currency != currency) return core::Fail(AmountError("must be in the currency of the authorization"));
    if (charge->status != "authorized") {
      return core::Fail(core::Error::Conflict(fmt::format("a {} payment cannot be captured", charge->status)));
    }
    if (amount.amount() > charge->authorized) {
      return core::Fail(core::Error::Conflict("the capture exceeds the authorized amount"));
    }
    // A partial capture releases the rest of the hold: authorized stays as the record of the hold.
    s.Exec(kUpdateCharge, db::Params(reference, charge->authorized, amount.amount(), 0, "captured",
                                     core::FormatRfc3339(clock_.Now())));
    Outcome out;
    out.result.reference = reference;
    out.event = Outcome::Event{"payment.captured", amount.amount(), currency};
    return out;
  });
}

core::Result<ProviderResult> SandboxProvider::Void(const std::string& reference, const std::string& idempotency_key) {
  SimulateLatency();
  return RunIdempotent(idempotency_key, fmt::format("void|{}", reference),
                       [&](db::Session& s) -> core::Result<Outcome> {
                         auto charge = LoadCharge(s, reference, true);
                         if (!charge) return core::Fail(UnknownReference());
                         if (charge->status != "authorized" && charge->status != "pending") {
                           return core::Fail(core::Error::Conflict(
                               fmt::format("a {} payment cannot be voided", charge->status)));
                         }
                         s.Exec(kUpdateCharge, db::Params(reference, charge->authorized, 0, 0, "voided",
                                                          core::FormatRfc3339(clock_.Now())));
                         Outcome out;
                         out.result.reference = reference;
                         out.event = Outcome::Event{"payment.voided", charge->amount, charge->currency};
                         return out;
                       });
}

core::Result<ProviderResult> SandboxProvider::Refund(const std::string& reference, const core::Money& amount,
                                                     const std::string& idempotency_key) {
  SimulateLatency();
  if (amount.amount() <= 0) return core::Fail(AmountError("must be positive"));
  const std::string currency(amount.currency().code());
  const std::string fingerprint = fmt::format("refund|{}|{}|{}", reference, amount.amount(), currency);
  return RunIdempotent(idempotency_key, fingerprint, [&](db::Session& s) -> core::Result<Outcome> {
    auto charge = LoadCharge(s, reference, true);
    if (!charge) return core::Fail(UnknownReference());
    if (charge->currency != currency) return core::Fail(AmountError("must be in the currency of the payment"));
    if (charge->status != "captured" && charge->status != "partially_refunded") {
      return core::Fail(core::Error::Conflict(fmt::format("a {} payment cannot be refunded", charge->status)));
    }
    if (amount.amount() > charge->captured - charge->refunded) {
      return core::Fail(core::Error::Conflict("the refunds would exceed the captured amount"));
    }
    const std::int64_t refunded = charge->refunded + amount.amount();
    s.Exec(kUpdateCharge,
           db::Params(reference, charge->authorized, charge->captured, refunded,
                      refunded == charge->captured ? "refunded" : "partially_refunded",
                      core::FormatRfc3339(clock_.Now())));
    Outcome out;
    out.result.reference = reference;
    out.event = Outcome::Event{"payment.refunded", amount.amount(), currency};
    return out;
  });
}

core::Result<ProviderResult> SandboxProvider::Retrieve(const std::string& reference) {
  SimulateLatency();
  auto tx = db_.Begin();
  auto charge = LoadCharge(tx, reference, false);
  tx.Commit();
  if (!charge) return core::Fail(UnknownReference());
  ProviderResult result;
  result.reference = reference;
  result.message = charge->status;
  if (charge->status == "pending") {
    result.status = ProviderStatus::kPending;
  } else if (charge->status == "failed" || charge->status == "voided") {
    result.status = ProviderStatus::kDeclined;
    result.decline_code = charge->decline_code;
  }
  return result;
}

void SandboxProvider::Emit(const std::string& type, const std::string& reference, std::int64_t amount,
                           const std::string& currency, const std::string& decline_code) {
  if (!webhooks_) return;
  const std::string id = ids_.Next("evt");
  json::object data{{"reference", reference}, {"amount", amount}, {"currency", currency}};
  if (decline_code.empty()) {
    data["decline_code"] = nullptr;
  } else {
    data["decline_code"] = decline_code;
  }
  const json::object event{
      {"id", id},
      {"type", type},
      {"created", std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count()},
      {"data", std::move(data)},
  };
  webhooks_->Enqueue(id, json_text::Serialize(event));
}

core::Result<WebhookEvent> SandboxProvider::VerifyWebhook(std::string_view signature_header, std::string_view body,
                                                          core::TimePoint now) const {
  auto parsed = VerifiedWebhookObject(options_.webhook_secret, signature_header, body, now, options_.webhook_tolerance);
  if (!parsed) return core::Fail(parsed.error());
  const json::object& o = *parsed;
  const json::value* id = o.if_contains("id");
  const json::value* type = o.if_contains("type");
  const json::value* created = o.if_contains("created");
  const json::value* data = o.if_contains("data");
  if (!id || !id->is_string() || id->get_string().empty()) {
    return core::Fail(core::Error::BadRequest("the webhook event has no id"));
  }
  static constexpr std::string_view kTypes[] = {"payment.authorized", "payment.failed", "payment.captured",
                                                "payment.voided", "payment.refunded"};
  if (!type || !type->is_string() ||
      std::find(std::begin(kTypes), std::end(kTypes), std::string_view(type->get_string())) == std::end(kTypes)) {
    return core::Fail(core::Error::BadRequest("the webhook event has no known type"));
  }
  if (!created || !created->is_int64()) return core::Fail(core::Error::BadRequest("the webhook event has no created"));
  if (!data || !data->is_object()) return core::Fail(core::Error::BadRequest("the webhook event has no data"));
  const json::value* reference = data->get_object().if_contains("reference");
  if (!reference || !reference->is_string() || reference->get_string().empty()) {
    return core::Fail(core::Error::BadRequest("the webhook event has no data.reference"));
  }
  WebhookEvent event;
  event.id = std::string(id->get_string());
  event.type = std::string(type->get_string());
  event.reference = std::string(reference->get_string());
  if (const json::value* code = data->get_object().if_contains("decline_code"); code && code->is_string()) {
    event.decline_code = std::string(code->get_string());
  }
  event.created_at = core::TimePoint(std::chrono::seconds(created->get_int64()));
  return event;
}

std::vector<db::Migration> SandboxMigrations() { return payment_sandbox::Migrations(); }

}  // namespace vetahut::payment
