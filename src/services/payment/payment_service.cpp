#include "services/payment/payment_service.hpp"
#include "lib/json/write.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "lib/core/crash_point.hpp"
#include "lib/log/log.hpp"
#include "services/payment/events.hpp"
#include "migrations/payment.hpp"

namespace vetahut::payment {
namespace json = boost::json;
using core::Error;
using core::Fail;

namespace {

PaymentView ToView(const PaymentRow& r) {
  return {r.id,         r.order_id,  r.method,   r.provider, r.brand,    r.last4,  r.reference,   r.currency,
          r.amount,     r.authorized, r.captured, r.voided,   r.refunded, r.status, r.decline_code};
}

AuthorizationOutcome Outcome(ProviderStatus status, std::string decline_code, std::string message) {
  const AuthorizationStatus s = status == ProviderStatus::kSucceeded ? AuthorizationStatus::kAuthorized
                                : status == ProviderStatus::kPending ? AuthorizationStatus::kPending
                                                                     : AuthorizationStatus::kDeclined;
  return {s, std::move(decline_code), std::move(message)};
}

}  // namespace

PaymentService::PaymentService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                               PaymentProvider& provider, std::function<void()> events_committed)
    : db_(db), clock_(clock), ids_(ids), provider_(provider), events_committed_(std::move(events_committed)) {}

core::Result<CardToken> PaymentService::Tokenize(const CardInput& card, const std::string& owner, bool save) {
  auto token = provider_.Tokenize(card);
  if (!token) return token;
  const auto now = clock_.Now();
  const std::int64_t expires_at =
      save ? 0 : std::chrono::duration_cast<std::chrono::seconds>((now + kTokenLifetime).time_since_epoch()).count();
  repository_.InsertToken(db_, {{token->token, token->brand, token->last4, token->exp_month, token->exp_year}, owner, save,
                                expires_at, std::nullopt},
                          std::string(provider_.name()), now);
  return token;
}

core::Result<CardTokenInfo> PaymentService::FindToken(const std::string& token, const std::string& owner) {
  // One answer for every reason, so a guessed or stolen token tells nothing about its owner.
  const auto refuse = [] {
    return Fail(Error::Validation(
        {{"payment.token", "is not a card token you can pay with: a token from POST /api/v1/payments/tokens pays for "
                           "one order of whoever created it, within 30 minutes"}}));
  };
  auto found = repository_.FindToken(db_, token, std::string(provider_.name()));
  if (!found || found->owner.empty() || found->owner != owner) return refuse();
  const std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  if (!found->saved && (found->used_by_order || (found->expires_at != 0 && now_s >= found->expires_at))) return refuse();
  return found->card;
}

template <class E>
void PaymentService::Record(const std::string& order_id, const std::string& operation_key, const std::string& kind,
                            std::int64_t amount, const std::function<void(db::Session&, PaymentRow&)>& apply,
                            bool settled, const std::string& reason) {
  auto tx = db_.Begin();
  auto row = repository_.FindByOrder(tx, order_id);
  if (!row) throw core::ErrorException(Error::Internal("payment vanished for order " + order_id));
  if (repository_.LedgerHas(tx, operation_key)) return;  // recorded before a crash or by a concurrent retry
  apply(tx, *row);
  const auto now = clock_.Now();
  repository_.Update(tx, *row, now);
  repository_.AppendLedger(tx, ids_.Next("pled"), row->id, kind, amount, operation_key, now);
  E event;
  event.order_id = order_id;
  event.payment_id = row->id;
  event.method = row->method;
  event.status = row->status;
  event.amount = amount;
  event.currency = row->currency;
  event.decline_code = row->decline_code;
  if (!reason.empty()) event.reason = reason;
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, order_id, event));
  if (settled) {
    events::PaymentSettled decided;
    static_cast<events::PaymentChanged&>(decided) = event;
    outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, order_id, decided));
  }
  tx.Commit();
  if (events_committed_) events_committed_();
}

void PaymentService::RecordAuthorization(const std::string& order_id, ProviderStatus status, const std::string& reference,
                                         std::int64_t amount, const std::string& decline_code, bool was_pending) {
  auto apply = [&](db::Session&, PaymentRow& r) {
    if (!reference.empty()) r.reference = reference;
    r.authorized = status == ProviderStatus::kSucceeded ? amount : 0;
    r.status = status == ProviderStatus::kSucceeded ? "authorized"
               : status == ProviderStatus::kPending ? "pending"
                                                    : "declined";
    r.decline_code = decline_code;
  };
  const std::string key = order_id + ":authorize";
  switch (status) {
    case ProviderStatus::kSucceeded:
      Record<events::PaymentAuthorized>(order_id, key, "authorize", amount, apply, was_pending);
      break;
    case ProviderStatus::kPending: Record<events::PaymentPending>(order_id, key, "authorize", 0, apply); break;
    case ProviderStatus::kDeclined: Record<events::PaymentFailed>(order_id, key, "authorize", 0, apply, was_pending); break;
  }
}

core::Result<AuthorizationOutcome> PaymentService::Authorize(const std::string& order_id, const std::string& token,
                                                             const core::Money& amount) {
  auto stored_token = repository_.FindToken(db_, token, std::string(provider_.name()));
  if (!stored_token) return AuthorizationOutcome{AuthorizationStatus::kDeclined, "token_unknown", "the card token is unknown"};
  const CardTokenInfo& card_info = stored_token->card;
  const CardTokenInfo* card = &card_info;
  {
    auto tx = db_.Begin();
    auto existing = repository_.FindByOrder(tx, order_id);
    if (existing && existing->status != "pending") {
      // Decided before (a retry after a crash): report what was recorded.
      if (existing->status == "declined") {
        return AuthorizationOutcome{AuthorizationStatus::kDeclined, existing->decline_code, "the card was declined"};
      }
      if (existing->status == "voided" && existing->authorized == 0) {
        return AuthorizationOutcome{AuthorizationStatus::kDeclined, "voided", "the authorization was cancelled"};
      }
      return AuthorizationOutcome{};
    }
    if (!existing) {
      PaymentRow row;
      row.id = ids_.Next("pay");
      row.order_id = order_id;
      row.method = "card";
      row.provider = std::string(provider_.name());
      row.token = token;
      row.brand = card->brand;
      row.last4 = card->last4;
      row.currency = std::string(amount.currency().code());
      row.amount = amount.amount();
      row.status = "pending";
      // The token is used up with the payment row; a token another order got first is a decline.
      if (!repository_.UseToken(tx, token, order_id)) {
        return AuthorizationOutcome{AuthorizationStatus::kDeclined, "token_used", "the card token was used by another order"};
      }
      repository_.Insert(tx, row, clock_.Now());
      tx.Commit();
    }
  }
  auto result = provider_.Authorize(token, amount, order_id, order_id + ":authorize");
  if (!result) return Fail(result.error());
  core::CrashPoint("provider_authorized");  // the processor holds money we have not recorded yet
  if (result->status == ProviderStatus::kPending) {
    repository_.SetPendingReference(db_, order_id, result->reference, clock_.Now());
  } else {
    RecordAuthorization(order_id, result->status, result->reference, amount.amount(), result->decline_code);
  }
  return Outcome(result->status, result->decline_code, result->message);
}

core::Status PaymentService::PayAtStore(const std::string& order_id, const core::Money& amount) {
  auto tx = db_.Begin();
  if (repository_.FindByOrder(tx, order_id)) return core::Ok();
  PaymentRow row;
  row.id = ids_.Next("pay");
  row.order_id = order_id;
  row.method = "pay_at_store";
  row.provider = "store";
  row.currency = std::string(amount.currency().code());
  row.amount = amount.amount();
  row.status = "due";
  repository_.Insert(tx, row, clock_.Now());
  events::PaymentDue due;
  due.order_id = order_id;
  due.payment_id = row.id;
  due.method = row.method;
  due.status = row.status;
  due.amount = row.amount;
  due.currency = row.currency;
  outbox_.Add(tx, bus::MakeTypedEvent(ids_, clock_, order_id, due));
  tx.Commit();
  if (events_committed_) events_committed_();
  return core::Ok();
}

core::Result<AuthorizationOutcome> PaymentService::CheckPending(const std::string& order_id) {
  // A plain read, outside a transaction (on SQLite a transaction would take the write lock).
  auto row = repository_.FindByOrder(db_, order_id);
  if (!row) return Fail(Error::NotFound("no payment for order " + order_id));
  if (row->status != "pending") {
    if (row->status == "declined" || (row->status == "voided" && row->authorized == 0)) {
      return AuthorizationOutcome{AuthorizationStatus::kDeclined, row->decline_code, "the payment failed"};
    }
    return AuthorizationOutcome{};
  }
  if (row->reference.empty()) return AuthorizationOutcome{AuthorizationStatus::kPending, "", ""};
  auto result = provider_.Retrieve(row->reference);
  if (!result) return Fail(result.error());
  if (result->status == ProviderStatus::kPending) return AuthorizationOutcome{AuthorizationStatus::kPending, "", ""};
  RecordAuthorization(order_id, result->status, "", row->amount, result->decline_code, /*was_pending=*/true);
  return Outcome(result->status, result->decline_code, result->message);
}

core::Status PaymentService::Capture(const std::string& order_id, const core::Money& amount) {
  auto row = repository_.FindByOrder(db_, order_id);
  if (!row) return Fail(Error::NotFound("no payment for order " + order_id));
  if (row->captured > 0) return core::Ok();
  if (row->method == "pay_at_store") {
    Record<events::PaymentCaptured>(order_id, order_id + ":capture", "cash_collected", amount.amount(),
           [&](db::Session&, PaymentRow& r) {
             r.captured = amount.amount();
             r.status = "captured";
           });
    return core::Ok();
  }
  if (row->status != "authorized") {
    return Fail(Error::Conflict(fmt::format("a {} payment cannot be captured", row->status)));
  }
  const std::int64_t take = std::min(amount.amount(), row->authorized);
  auto result = provider_.Capture(row->reference, core::Money(take, amount.currency()), order_id + ":capture");
  if (!result) return Fail(result.error());
  core::CrashPoint("provider_captured");
  if (result->status != ProviderStatus::kSucceeded) {
    return Fail(Error::Conflict("the provider refused the capture: " + result->message));
  }
  Record<events::PaymentCaptured>(order_id, order_id + ":capture", "capture", take, [&](db::Session& tx, PaymentRow& r) {
    r.captured = take;
    r.status = "captured";
    if (r.authorized > take) {
      // A partial capture releases the rest of the hold.
      r.voided = r.authorized - take;
      repository_.AppendLedger(tx, ids_.Next("pled"), r.id, "void", r.voided, order_id + ":capture:release", clock_.Now());
    }
  });
  return core::Ok();
}

core::Status PaymentService::Void(const std::string& order_id) {
  auto row = repository_.FindByOrder(db_, order_id);
  if (!row || row->method == "pay_at_store") {
    if (row && row->status == "due") {
      Record<events::PaymentVoided>(order_id, order_id + ":void", "void", 0,
                                    [](db::Session&, PaymentRow& r) { r.status = "voided"; });
    }
    return core::Ok();
  }
  if (row->status == "voided" || row->status == "declined") return core::Ok();
  if (row->captured > 0) return Fail(Error::Conflict("the payment is captured; refund it instead"));
  if (row->status == "pending" && row->reference.empty()) {
    // We never heard back from the processor (unreachable, or the answer was lost). Ask again with
    // the same key: it returns the first answer (or authorizes now), so a hold we never recorded is
    // found and released too. Still unreachable → the caller retries the compensation later.
    auto replay = provider_.Authorize(row->token, core::Money(row->amount, *core::Currency::Find(row->currency)),
                                      order_id, order_id + ":authorize");
    if (!replay && replay.error().code != core::ErrorCode::kNotFound) return Fail(replay.error());
    if (replay) {
      RecordAuthorization(order_id, replay->status, replay->reference, row->amount, replay->decline_code);
      if (replay->status == ProviderStatus::kDeclined) return core::Ok();
      row = repository_.FindByOrder(db_, order_id);
    }
  }
  if (!row->reference.empty()) {
    auto result = provider_.Void(row->reference, order_id + ":void");
    if (!result) return Fail(result.error());
  }
  const std::int64_t released = row->authorized;
  Record<events::PaymentVoided>(order_id, order_id + ":void", "void", released, [&](db::Session&, PaymentRow& r) {
    r.voided = released;
    r.status = "voided";
  });
  return core::Ok();
}

core::Result<PaymentView> PaymentService::Refund(const std::string& order_id, const core::Money& amount,
                                                 const std::string& key, const std::string& reason) {
  auto row = repository_.FindByOrder(db_, order_id);
  if (!row) return Fail(Error::NotFound("no payment for order " + order_id));
  const std::string operation_key = order_id + ":refund:" + key;
  if (!repository_.LedgerHas(db_, operation_key)) {
    if (amount.currency().code() != row->currency) {
      return Fail(Error::Validation({{"amount.currency", "must be the order's currency " + row->currency}}));
    }
    if (amount.amount() <= 0) return Fail(Error::Validation({{"amount.amount", "must be positive"}}));
    const std::int64_t left = row->captured - row->refunded;
    if (amount.amount() > left) {
      return Fail(Error::Validation(
          {{"amount.amount", fmt::format("is more than what can still be refunded ({} minor units)", left)}}));
    }
    if (row->method == "card") {
      auto result = provider_.Refund(row->reference, amount, operation_key);
      if (!result) return Fail(result.error());
      if (result->status != ProviderStatus::kSucceeded) {
        return Fail(Error::Conflict("the provider refused the refund: " + result->message));
      }
    }
    const std::int64_t value = amount.amount();
    Record<events::PaymentRefunded>(order_id, operation_key, row->method == "card" ? "refund" : "cash_refunded", value,
                                    [&](db::Session&, PaymentRow& r) {
             r.refunded += value;
             r.status = r.refunded == r.captured ? "refunded" : "partially_refunded";
           }, false, reason);
  }
  return Get(order_id);
}

core::Result<PaymentView> PaymentService::Get(const std::string& order_id) {
  auto row = repository_.FindByOrder(db_, order_id);
  if (!row) return Fail(Error::NotFound("no payment for order " + order_id));
  return ToView(*row);
}

core::Result<bool> PaymentService::HandleWebhook(const std::string& provider_name, std::string_view signature,
                                                 std::string_view body) {
  if (provider_name != provider_.name()) {
    return Fail(Error::NotFound(fmt::format("no payment provider '{}' is configured", provider_name)));
  }
  auto event = provider_.VerifyWebhook(signature, body, clock_.Now());
  if (!event) return Fail(event.error());
  std::string order_id;
  {
    auto tx = db_.Begin();
    if (!repository_.RecordWebhook(tx, event->id, provider_name, event->type, event->reference, clock_.Now())) {
      return false;
    }
    auto payment = repository_.FindByReference(tx, event->reference);
    if (payment) order_id = payment->first;
    tx.Commit();
    log::Info("payment callback", {{"provider", provider_name}, {"type", event->type}, {"order_id", order_id}});
    if (!payment || payment->second != "pending") return true;
  }
  // A pending authorization was settled: ask the provider (the callback only says "look"). What it
  // says is recorded with its payment.authorized / payment.failed event, which the order saga
  // consumes to continue.
  if (event->type == "payment.authorized" || event->type == "payment.failed" || event->type == "payment.voided") {
    if (auto outcome = CheckPending(order_id); !outcome) return Fail(outcome.error());
  }
  return true;
}

std::vector<std::string> PaymentService::Reconcile() {
  std::vector<std::string> problems;
  for (const auto& r : repository_.Reconciliation(db_)) {
    const auto& p = r.payment;
    if (p.authorized != r.ledger_authorized || p.captured != r.ledger_captured || p.voided != r.ledger_voided ||
        p.refunded != r.ledger_refunded) {
      problems.push_back(fmt::format("{}: the ledger does not add up to the payment", p.order_id));
    }
    if (p.refunded > p.captured) {
      problems.push_back(fmt::format("{}: refunded {} > captured {}", p.order_id, p.refunded, p.captured));
    }
    const bool settled =
        p.status == "captured" || p.status == "voided" || p.status == "refunded" || p.status == "partially_refunded";
    if (p.method == "card" && settled && p.authorized != p.captured + p.voided) {
      problems.push_back(
          fmt::format("{}: authorized {} ≠ captured {} + voided {}", p.order_id, p.authorized, p.captured, p.voided));
    }
  }
  return problems;
}

std::vector<db::Migration> AllMigrations() {
  auto all = Migrations();
  for (auto& m : bus::OutboxInboxMigrations("payment", 900)) all.push_back(std::move(m));
  return all;
}

}  // namespace vetahut::payment
