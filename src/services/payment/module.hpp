#pragma once
/// The payment service as a module: card tokens, one payment per order, the ledger, provider
/// callbacks. Provides "payment" (PaymentClient). Its settings (section [payment]) live here.
#include <memory>
#include <string>

#include "lib/config/config.hpp"
#include "lib/module/module.hpp"

namespace vetahut::payment {

/// Section [payment].
struct PaymentSettings {
  std::string provider = "sandbox";                   ///< sandbox | stripe
  std::string webhook_secret;                         ///< signs/verifies provider callbacks
  int sandbox_latency_ms = 0;                         ///< sandbox: simulated processor latency
  std::string sandbox_webhook_url;                    ///< sandbox: where it sends callbacks ("" = none)
  std::string stripe_api_base = "https://api.stripe.com";
  std::string stripe_secret_key;
};

const config::Schema<PaymentSettings>& PaymentSchema();

std::unique_ptr<module::Module> MakeModule();

}  // namespace vetahut::payment
