#pragma once
/// Partner webhooks (decision 0026): admins subscribe partner URLs to event types; every offered
/// event is logged (for replay) and queued once per matching active subscription in the consuming
/// transaction; WebhookSender delivers each subscription's queue in order.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lib/bus/cloud_event.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/core/result.hpp"
#include "lib/db/database.hpp"
#include "services/integration/domain/delivery_policy.hpp"
#include "services/integration/webhook_repository.hpp"

namespace vetahut::integration {

/// An event type partners may subscribe to.
struct EventTypeInfo {
  std::string type;
  std::string description;
};

/// The webhook settings (section [integration]).
struct WebhookOptions {
  bool allow_private_targets = false;  ///< loopback/private/link-local targets allowed (tests only)
  RetryPolicy retry;
  std::chrono::milliseconds timeout{15000};  ///< one attempt, connect to answer
  int event_log_days = 30;                   ///< logged events and finished deliveries kept this long
  int replay_limit = 10000;                  ///< events one replay may queue
};

/// Resolves a host name to numeric addresses (injectable: tests answer without DNS).
class HostResolver {
 public:
  virtual ~HostResolver() = default;
  /// The addresses `host` resolves to; kValidation on field "url" when it does not resolve.
  virtual core::Result<std::vector<std::string>> Resolve(const std::string& host) = 0;
};

/// getaddrinfo.
class SystemResolver final : public HostResolver {
 public:
  core::Result<std::vector<std::string>> Resolve(const std::string& host) override;
};

/// What an admin gives for a new subscription.
struct SubscriptionInput {
  std::string url;
  std::string description;
  std::vector<std::string> event_types;
  bool active = true;
};

/// A change to a subscription (absent fields stay).
struct SubscriptionPatch {
  std::optional<std::string> url;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> event_types;
  std::optional<bool> active;
};

class WebhookService {
 public:
  WebhookService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, HostResolver& resolver,
                 std::vector<EventTypeInfo> catalog, WebhookOptions options);

  /// Called after a change that queued deliveries (wakes the senders).
  void SetWake(std::function<void()> wake) { wake_ = std::move(wake); }
  /// The subscribable types, sorted.
  const std::vector<EventTypeInfo>& catalog() const { return catalog_; }
  const WebhookOptions& options() const { return options_; }
  WebhookRepository& repository() { return repository_; }

  struct Created {
    SubscriptionRow subscription;
    std::string secret;  ///< shown this once
  };
  /// kValidation naming the field for a bad URL (scheme, credentials, a host that does not resolve
  /// or resolves to a refused address), unknown event types, a long description.
  core::Result<Created> Create(const SubscriptionInput& input, const std::string& actor);
  core::Result<SubscriptionRow> Get(const std::string& id);
  std::vector<SubscriptionRow> List(int limit, const std::string& after_id);
  /// Re-enabling clears the disabled reason and the failure streak and retries waiting deliveries
  /// at once; disabling by hand records who did it.
  core::Result<SubscriptionRow> Update(const std::string& id, const SubscriptionPatch& patch, const std::string& actor);
  /// The subscription and its deliveries go; kNotFound if unknown.
  core::Status Delete(const std::string& id);
  /// Queues a com.vetahut.integration.test event for this subscription only (behind what waits);
  /// kConflict when it is disabled.
  core::Result<DeliveryRow> SendTest(const std::string& id, const std::string& actor);
  /// Queues again, in log order, the logged events of [from, to) its filters select; returns how
  /// many. kValidation when from ≥ to or the range holds more than replay_limit of them.
  core::Result<std::int64_t> Replay(const std::string& id, core::TimePoint from, core::TimePoint to);
  /// Newest first; `status` "" = any.
  core::Result<std::vector<DeliveryRow>> Deliveries(const std::string& id, const std::string& status, int limit,
                                                    std::optional<std::int64_t> before_seq);

  /// In the consumer's transaction: logs `event` (once per id) and queues a delivery for each
  /// active subscription whose filters select its type. Returns the deliveries queued.
  int Record(db::Session& tx, const bus::CloudEvent& event);
  /// In the consumer's transaction: a customer erased their account — their logged events (which
  /// may carry a first name and an address) are forgotten and their waiting deliveries not sent.
  void EraseCustomer(db::Session& tx, const std::string& customer_id);
  /// Wakes the senders (after a commit that queued deliveries).
  void Wake();
  /// Forgets finished deliveries and events older than event_log_days.
  std::int64_t Purge();

  /// Checks a URL as Create does.
  core::Status CheckTarget(const std::string& url);

 private:
  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  HostResolver& resolver_;
  std::vector<EventTypeInfo> catalog_;
  std::vector<std::string> offered_;
  WebhookOptions options_;
  WebhookRepository repository_;
  std::function<void()> wake_;
};

/// The CloudEvent as partners receive it: the platform's envelope without its internal trace
/// context.
std::string PartnerEnvelope(const bus::CloudEvent& event);

/// Unix microseconds.
std::int64_t Micros(core::TimePoint t);

}  // namespace vetahut::integration
