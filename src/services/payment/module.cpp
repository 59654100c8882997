#include "services/payment/module.hpp"

#include "lib/core/id.hpp"
#include "services/payment/api.hpp"
#include "services/payment/payment_service.hpp"
#include "services/payment/providers/sandbox.hpp"
#include "services/payment/providers/stripe.hpp"

namespace vetahut::payment {

const config::Schema<PaymentSettings>& PaymentSchema() {
  static const config::Schema<PaymentSettings> schema = [] {
    config::Schema<PaymentSettings> s("payment");
    s.OneOf("provider", "card processor: sandbox or stripe", {"sandbox", "stripe"}, &PaymentSettings::provider)
        .String("webhook_secret", "secret that signs provider callbacks", &PaymentSettings::webhook_secret)
        .Int("sandbox_latency_ms", "sandbox: simulated processor latency per call", 0, 60000,
             &PaymentSettings::sandbox_latency_ms)
        .String("sandbox_webhook_url", "sandbox: URL it sends signed callbacks to (empty = none)",
                &PaymentSettings::sandbox_webhook_url)
        .String("stripe_api_base", "Stripe-compatible API base URL", &PaymentSettings::stripe_api_base)
        .String("stripe_secret_key", "Stripe secret API key (sk_…)", &PaymentSettings::stripe_secret_key);
    return s;
  }();
  return schema;
}

namespace {

class PaymentModule final : public module::Module {
 public:
  std::string_view name() const override { return "payment"; }
  std::vector<std::string> provides() const override { return {"payment"}; }
  std::optional<config::SectionSpec> config_section() const override { return PaymentSchema().spec(); }

  core::Status Configure(const config::Config& config) override {
    auto settings = config.Settings(PaymentSchema());
    if (!settings) return core::Fail(settings.error());
    if (settings->provider == "stripe" && settings->webhook_secret.empty()) {
      return core::Fail(core::Error::BadRequest("payment.webhook_secret is required with payment.provider = stripe"));
    }
    settings_ = *settings;
    return core::Ok();
  }

  std::vector<db::Migration> Migrations() const override {
    auto all = AllMigrations();
    for (auto& m : SandboxMigrations()) all.push_back(std::move(m));
    return all;
  }

  void Build(module::ModuleContext& ctx) override {
    if (settings_.provider == "stripe") {
      StripeOptions options;
      options.api_base = settings_.stripe_api_base;
      options.secret_key = settings_.stripe_secret_key;
      options.webhook_secret = settings_.webhook_secret;
      provider_ = std::make_unique<StripeProvider>(options, ctx.clock);
    } else {
      SandboxOptions options;
      options.latency = std::chrono::milliseconds(settings_.sandbox_latency_ms);
      options.webhook_url = settings_.sandbox_webhook_url;
      // The sandbox moves no money; without a configured secret its callbacks are signed with a
      // per-process random one (callbacks then only make sense to this deployment).
      options.webhook_secret = settings_.webhook_secret.empty() ? "sandbox-" + ctx.ids.Next() : settings_.webhook_secret;
      provider_ = std::make_unique<SandboxProvider>(ctx.db, ctx.clock, ctx.ids, options);
    }
    service_ = std::make_unique<PaymentService>(ctx.db, ctx.clock, ctx.ids, *provider_, ctx.events_committed);
    ctx.clients.Provide<PaymentClient>("payment", *service_);
    RegisterRoutes(ctx.router, *service_);
  }

 private:
  PaymentSettings settings_;
  std::unique_ptr<PaymentProvider> provider_;
  std::unique_ptr<PaymentService> service_;
};

}  // namespace

std::unique_ptr<module::Module> MakeModule() { return std::make_unique<PaymentModule>(); }

}  // namespace vetahut::payment
