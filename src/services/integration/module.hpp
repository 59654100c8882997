#pragma once
/// The integration layer as a module (issue 13): partner webhooks — signed CloudEvents delivered
/// in order per subscription, with retries, disabling, replay and a test — and the daily sales
/// journal export for ERPs. Needs "stores" (time zones and currencies of business days); its
/// settings (section [integration]) live here. Decisions 0026 and 0027.
#include <memory>
#include <string>

#include "lib/config/config.hpp"
#include "lib/module/module.hpp"

namespace vetahut::integration {

/// Section [integration].
struct IntegrationSettings {
  bool allow_private_targets = false;  ///< partner URLs may reach loopback/private/link-local addresses (tests only)
  std::string exports_dir;             ///< "" = <app.data_dir>/exports
  int timeout_ms = 15000;              ///< one delivery attempt
  int retry_first_ms = 5000;           ///< wait after a delivery's first failed attempt (doubles, ±20 % jitter)
  int retry_max_ms = 3600000;          ///< the longest wait between attempts
  int max_attempts = 12;               ///< attempts per delivery before it is given up
  int disable_after_failures = 20;     ///< failed attempts in a row…
  int disable_after_s = 86400;         ///< …over at least this long disable a subscription
  int senders = 2;                     ///< subscriptions delivered to at the same time
  int event_log_days = 30;             ///< events kept for replay (and finished deliveries in the log)
  int replay_limit = 10000;            ///< events one replay may queue
  int journal_grace_minutes = 60;      ///< a store's day is closed this long after its local midnight
  int max_payload_bytes = 262144;      ///< larger journals are pushed as a link
};

const config::Schema<IntegrationSettings>& IntegrationSchema();

std::unique_ptr<module::Module> MakeModule();

}  // namespace vetahut::integration
