#pragma once
/// The sandbox card processor: behaves like a real one (holds, partial captures, refunds, declines,
/// payments that need authentication, signed callbacks) with Stripe's test cards, and keeps its
/// state in its own tables so that idempotency survives a crash and restart of the process.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "services/payment/provider.hpp"

namespace vetahut::payment {

class WebhookSender;

/// How the sandbox behaves.
struct SandboxOptions {
  std::chrono::milliseconds latency{0};        ///< slept at the start of every call, to feel like a network
  std::string webhook_url;                     ///< callbacks go here; empty = no callbacks
  std::string webhook_secret;                  ///< signs callbacks and verifies them; required with a url
  std::chrono::seconds webhook_tolerance{300};  ///< replay window of VerifyWebhook
};

/// A simulated processor. The card number decides what happens (Stripe's test cards, the table
/// TestCardOutcomeOf in card_rules.hpp): approved; declined (card_declined); insufficient_funds;
/// processing_error; needs authentication (Authorize is kPending and stays so until voided).
/// Only the behaviour, brand, last 4 digits and expiry are stored, never the number.
///
/// Every money-moving call runs in one transaction with the record of its idempotency key, so the
/// same key returns the stored result — also from a new instance on the same database — and the
/// same key with other parameters (or another operation) is kConflict. A call that fails with an
/// error (unknown reference, a state that does not allow it) records nothing, so its key stays
/// free. Declines are results, not errors, and are recorded. Rules: capture at most the authorized
/// amount, once (a partial capture releases the rest); refunds in total at most the captured
/// amount; void only an authorized or pending payment. Amounts must be positive and in the
/// currency of the authorization (else kValidation on `amount`).
///
/// With a webhook_url, each state change sends a signed event
///   {"id":"evt_…","type":"payment.authorized|failed|captured|voided|refunded","created":<unix s>,
///    "data":{"reference":"pi_…","amount":<minor units>,"currency":"USD","decline_code":…}}
/// from a background thread (WebhookSender): best effort, not kept across a restart. Thread-safe.
class SandboxProvider final : public PaymentProvider {
 public:
  /// The database must have SandboxMigrations() applied. Throws std::invalid_argument when a
  /// webhook_url is set without a webhook_secret.
  SandboxProvider(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, SandboxOptions options = {});
  ~SandboxProvider() override;  ///< stops and joins the webhook thread

  std::string_view name() const override { return "sandbox"; }
  core::Result<CardToken> Tokenize(const CardInput& card) override;
  core::Result<ProviderResult> Authorize(const std::string& token, const core::Money& amount,
                                         const std::string& order_id, const std::string& idempotency_key) override;
  core::Result<ProviderResult> Capture(const std::string& reference, const core::Money& amount,
                                       const std::string& idempotency_key) override;
  core::Result<ProviderResult> Void(const std::string& reference, const std::string& idempotency_key) override;
  core::Result<ProviderResult> Refund(const std::string& reference, const core::Money& amount,
                                      const std::string& idempotency_key) override;
  /// kSucceeded for authorized, captured and (partially) refunded payments, kPending, kDeclined
  /// for failed (with the decline code) and voided ones; `message` holds the state by name.
  core::Result<ProviderResult> Retrieve(const std::string& reference) override;
  /// Checks Vetahut-Signature against webhook_secret and the replay window, then parses the event.
  core::Result<WebhookEvent> VerifyWebhook(std::string_view signature_header, std::string_view body,
                                           core::TimePoint now) const override;
  std::string_view signature_header() const override { return "Vetahut-Signature"; }

 private:
  struct Outcome;
  core::Result<ProviderResult> RunIdempotent(const std::string& key, const std::string& fingerprint,
                                             const std::function<core::Result<Outcome>(db::Session&)>& effect);
  void Emit(const std::string& type, const std::string& reference, std::int64_t amount,
            const std::string& currency, const std::string& decline_code);
  void SimulateLatency() const;

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  SandboxOptions options_;
  std::unique_ptr<WebhookSender> webhooks_;
};

/// The sandbox's tables (module "payment_sandbox"), for db::Migrate.
std::vector<db::Migration> SandboxMigrations();

}  // namespace vetahut::payment
