#include "services/notification/module.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "lib/bus/consumer.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/core/text_rules.hpp"
#include "lib/log/log.hpp"
#include "lib/metrics/registry.hpp"
#include "services/notification/api.hpp"
#include "services/notification/channels/file_channels.hpp"
#include "services/notification/channels/smtp_channel.hpp"
#include "services/notification/channels/twilio_channel.hpp"
#include "services/notification/domain/locale_format.hpp"
#include "services/notification/notification_service.hpp"

namespace vetahut::notification {

const config::Schema<NotificationSettings>& NotificationSchema() {
  static const config::Schema<NotificationSettings> schema = [] {
    using S = NotificationSettings;
    config::Schema<S> s("notification");
    s.OneOf("email", "how email goes: file (.eml files under <data_dir>/outbox), smtp, or off",
            {"file", "smtp", "off"}, &S::email)
        .OneOf(
            "sms",
            "how SMS go: file (under <data_dir>/outbox), twilio (a Twilio-compatible API), or off",
            {"file", "twilio", "off"}, &S::sms)
        .String("mail_from", "envelope sender and From address of emails", &S::mail_from)
        .String("mail_from_name", "display name of the From address", &S::mail_from_name)
        .String("message_id_domain", "right-hand side of Message-IDs (empty: mail_from's domain)",
                &S::message_id_domain)
        .String("smtp_url", "the mail server: smtp://host:port or smtps://host:port", &S::smtp_url)
        .String("smtp_username", "SMTP AUTH user (empty: no AUTH)", &S::smtp_username)
        .String("smtp_password", "SMTP AUTH password (never logged)", &S::smtp_password)
        .OneOf("smtp_tls", "STARTTLS on smtp://: try (when offered), required, or none",
               {"try", "required", "none"}, &S::smtp_tls)
        .Int("smtp_timeout_ms", "time to send one email, connecting included", 100, 300000,
             &S::smtp_timeout_ms)
        .String("sms_api_base", "base URL of the Twilio-compatible SMS API", &S::sms_api_base)
        .String("sms_account_sid", "SMS account SID (basic-auth user)", &S::sms_account_sid)
        .String("sms_auth_token", "SMS auth token (never logged)", &S::sms_auth_token)
        .String("sms_from", "SMS sender: an E.164 number or a messaging service SID (MG…)",
                &S::sms_from)
        .Int("sms_timeout_ms", "time to send one SMS", 100, 120000, &S::sms_timeout_ms)
        .String("templates_dir", "a directory whose templates override the embedded ones",
                &S::templates_dir)
        .String("default_locale", "language of messages to people who chose none",
                &S::default_locale)
        .String("brand", "the name messages are signed with", &S::brand)
        .String("web_base_url", "where links in messages point (the web app)", &S::web_base_url)
        .Int("max_attempts", "sends per message before it is given up (dead)", 1, 100,
             &S::max_attempts)
        .Int("retry_first_ms", "wait after a message's first failure; doubles each time, ±25 %", 10,
             3600000, &S::retry_first_ms)
        .Int("retry_max_ms", "the longest wait between two attempts", 10, 86400000,
             &S::retry_max_ms)
        .Int("email_per_hour", "emails to one address per throttle window; more are given up", 1,
             100000, &S::email_per_hour)
        .Int("sms_per_hour", "SMS to one number per throttle window; more are given up", 1, 100000,
             &S::sms_per_hour)
        .Int("throttle_window_s", "the per-recipient throttle's window", 1, 86400,
             &S::throttle_window_s)
        .Int("claim_lease_s", "a message a crashed sender was sending is sent again after this", 1,
             3600, &S::claim_lease_s)
        .Int("retention_days",
             "finished deliveries (the log) and read in-app items are kept this long", 1, 3650,
             &S::retention_days);
    return s;
  }();
  return schema;
}

namespace {

core::Error ConfigError(std::string_view key, const std::string& why) {
  return core::Error::BadRequest(fmt::format("configuration key notification.{}: {}", key, why));
}

class NotificationModule final : public module::Module {
 public:
  std::string_view name() const override { return "notification"; }
  std::vector<std::string> needs() const override { return {"stores", "customer"}; }
  std::optional<config::SectionSpec> config_section() const override {
    return NotificationSchema().spec();
  }

  core::Status Configure(const config::Config& config) override {
    auto settings = config.Settings(NotificationSchema());
    if (!settings) return core::Fail(settings.error());
    settings_ = *settings;
    data_dir_ = config.data_dir;
    const auto& s = settings_;
    if (s.email == "smtp" && !s.smtp_url.starts_with("smtp://") &&
        !s.smtp_url.starts_with("smtps://")) {
      return core::Fail(ConfigError(
          "smtp_url", fmt::format("'{}' must start with smtp:// or smtps://", s.smtp_url)));
    }
    if (s.email != "off" && s.mail_from.find('@') == std::string::npos) {
      return core::Fail(
          ConfigError("mail_from", fmt::format("'{}' is not an email address", s.mail_from)));
    }
    if (s.sms == "twilio") {
      if (!s.sms_api_base.starts_with("http://") && !s.sms_api_base.starts_with("https://")) {
        return core::Fail(ConfigError("sms_api_base", "must be an http(s) URL"));
      }
      if (s.sms_account_sid.empty())
        return core::Fail(ConfigError("sms_account_sid", "is required when sms = \"twilio\""));
      if (s.sms_auth_token.empty())
        return core::Fail(ConfigError("sms_auth_token", "is required when sms = \"twilio\""));
      if (!core::IsE164Phone(s.sms_from) && !s.sms_from.starts_with("MG")) {
        return core::Fail(ConfigError(
            "sms_from", "must be an E.164 number (+12125550100) or a messaging service SID (MG…)"));
      }
    }
    if (std::chrono::seconds(s.claim_lease_s) <=
        std::chrono::milliseconds(std::max(s.smtp_timeout_ms, s.sms_timeout_ms))) {
      return core::Fail(
          ConfigError("claim_lease_s",
                      "must be longer than smtp_timeout_ms and sms_timeout_ms (a send in "
                      "progress must not be taken over)"));
    }
    if (s.retry_max_ms < s.retry_first_ms)
      return core::Fail(ConfigError("retry_max_ms", "must be at least retry_first_ms"));
    // Every template is checked now: one that does not render stops start-up, naming it.
    auto files = TemplatesWithOverrides(s.templates_dir);
    if (!files) return core::Fail(files.error());
    auto templates = TemplateSet::Load(*files);
    if (!templates) return core::Fail(templates.error());
    templates_ = *templates;
    const auto& languages = templates_->languages();
    if (!IsLocaleTag(s.default_locale) ||
        std::find(languages.begin(), languages.end(), LanguageOf(s.default_locale)) ==
            languages.end()) {
      return core::Fail(ConfigError(
          "default_locale",
          fmt::format("'{}' is not a language the templates are written in", s.default_locale)));
    }
    for (const auto& missing : templates_->missing_translations()) {
      log::Warn("notification template missing: English will be used", {{"template", missing}});
    }
    return core::Ok();
  }

  std::vector<db::Migration> Migrations() const override { return AllMigrations(); }

  void Build(module::ModuleContext& ctx) override {
    const auto& s = settings_;
    const std::filesystem::path outbox = std::filesystem::path(data_dir_) / "outbox";
    ChannelAdapters adapters;
    if (s.email == "smtp") {
      adapters.email = std::make_unique<SmtpChannel>(SmtpOptions{
          s.smtp_url, s.smtp_username, s.smtp_password, s.smtp_tls, s.mail_from, s.mail_from_name,
          s.message_id_domain, std::chrono::milliseconds(std::min(5000, s.smtp_timeout_ms)),
          std::chrono::milliseconds(s.smtp_timeout_ms)});
    } else if (s.email == "file") {
      adapters.email = std::make_unique<MailFileChannel>(outbox, s.mail_from, s.mail_from_name,
                                                         s.message_id_domain);
    }
    if (s.sms == "twilio") {
      adapters.sms = std::make_unique<TwilioSmsChannel>(
          TwilioOptions{s.sms_api_base, s.sms_account_sid, s.sms_auth_token, s.sms_from,
                        std::chrono::milliseconds(s.sms_timeout_ms)});
    } else if (s.sms == "file") {
      adapters.sms = std::make_unique<SmsFileChannel>(
          outbox, s.sms_from.empty() ? "+10000000000" : s.sms_from);
    }
    NotificationOptions options;
    options.retry.first_delay = std::chrono::milliseconds(s.retry_first_ms);
    options.retry.max_delay = std::chrono::milliseconds(s.retry_max_ms);
    options.retry.max_attempts = s.max_attempts;
    options.email_throttle = {s.email_per_hour, std::chrono::seconds(s.throttle_window_s)};
    options.sms_throttle = {s.sms_per_hour, std::chrono::seconds(s.throttle_window_s)};
    options.claim_lease = std::chrono::seconds(s.claim_lease_s);
    options.default_locale = s.default_locale;
    options.brand = s.brand;
    options.web_base_url = s.web_base_url;
    while (options.web_base_url.ends_with('/')) options.web_base_url.pop_back();
    service_ = std::make_unique<NotificationService>(
        ctx.db, ctx.clock, ctx.ids,
        NotificationClients{ctx.clients.Get<location::StoreDirectoryClient>("stores"),
                            ctx.clients.Get<customer::CustomerClient>("customer")},
        templates_, std::move(adapters), options, ctx.events_committed);

    // The sender: woken after each commit that queued messages, and once a second for rows
    // other replicas queued, retries that fell due and messages held by quiet hours.
    sender_ = &ctx.add_task(
        {.name = "notification sender", .period = std::chrono::seconds(1), .run_at_start = true},
        [this] {
          const auto next = service_->SendDue();
          if (!next) return task::Next::Period();
          return task::Next::After(
              std::min<std::chrono::milliseconds>(*next, std::chrono::seconds(1)));
        });
    service_->SetWake([this] { sender_->Notify(); });

    bus::Consumer consumer = MakeConsumer(ctx.db, *service_);
    consumer.AfterCommit([this] { sender_->Notify(); });
    ctx.bus.Subscribe(std::move(consumer).Build());

    RegisterRoutes(ctx.router, *service_);
    ctx.add_task({.name = "notification retention", .period = std::chrono::hours(1)}, [this] {
      if (const auto removed = service_->Purge(std::chrono::hours(24) * settings_.retention_days);
          removed > 0) {
        log::Info("notification log purged",
                  {{"deliveries", removed}, {"older_than_days", settings_.retention_days}});
      }
      return task::Next::Period();
    });
    ctx.add_task({.name = "notification stream keepalive", .period = std::chrono::seconds(15)},
                 [this] {
                   service_->streams().Keepalive();
                   return task::Next::Period();
                 });

    auto& messages = ctx.metrics.AddCounter(
        "notification_messages_total",
        "Send attempts by channel and outcome (sent, failed = will retry, dead = given up).",
        {"channel", "outcome"});
    auto& deliveries = ctx.metrics.AddGauge("notification_deliveries",
                                            "Deliveries in the log by status.", {"status"});
    auto& latency = ctx.metrics.AddHistogram(
        "notification_delivery_seconds",
        "From the message being queued to its provider accepting it, by channel.",
        {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600}, {"channel"});
    ctx.metrics.OnCollect([this, &messages, &deliveries, &latency] {
      const SenderStats stats = service_->TakeStats();
      auto report = [&](const std::map<std::string, std::int64_t>& now, const char* outcome) {
        for (const auto& [channel, n] : now) {
          auto& last = reported_[std::string(outcome) + "/" + channel];
          if (n > last) messages.WithLabels({channel, outcome}).Inc(static_cast<double>(n - last));
          last = n;
        }
      };
      report(stats.sent, "sent");
      report(stats.failed, "failed");
      report(stats.dead, "dead");
      for (const auto& [channel, seconds] : stats.latencies)
        latency.WithLabels({channel}).Observe(seconds);
      for (const char* status : {"queued", "sending", "sent", "failed", "dead"})
        deliveries.WithLabels({status}).Set(0);
      for (const auto& [status, n] : service_->CountByStatus())
        deliveries.WithLabels({status}).Set(static_cast<double>(n));
    });
  }

  void CloseStreams() override {
    if (service_) service_->streams().CloseAll();
  }

 private:
  NotificationSettings settings_;
  std::string data_dir_;
  std::shared_ptr<const TemplateSet> templates_;
  std::unique_ptr<NotificationService> service_;
  task::PeriodicTask* sender_ = nullptr;
  std::map<std::string, std::int64_t> reported_;
};

}  // namespace

std::unique_ptr<module::Module> MakeModule() { return std::make_unique<NotificationModule>(); }

}  // namespace vetahut::notification
