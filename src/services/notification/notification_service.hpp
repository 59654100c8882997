#pragma once
/// The notification service: turns events into messages and sends them, exactly once per
/// (event, notification, channel, recipient) — decisions 0023 (templates) and 0024 (delivery).
///
/// Planning runs in the consumer's transaction (with its inbox record): for each recipient it
/// reads their preferences, renders each wanted channel's templates in their language and the
/// store's time zone, and inserts one delivery row under a unique dedupe key. The sender (a
/// background task, woken after the commit) claims due rows, hands each to its channel adapter,
/// and records the outcome: sent (with the provider's id), failed (retried with exponential
/// back-off and jitter) or dead (after the last attempt, a permanent refusal, or the
/// per-recipient throttle). An admin re-drives a dead row once.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/bus/cloud_event.hpp"
#include "lib/bus/consumer.hpp"
#include "lib/bus/outbox.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/core/result.hpp"
#include "lib/db/database.hpp"
#include "services/customer/client.hpp"
#include "services/customer/events.hpp"
#include "services/kitchen/events.hpp"
#include "services/location/client.hpp"
#include "services/notification/channels/channel.hpp"
#include "services/notification/domain/catalog.hpp"
#include "services/notification/domain/delivery_rules.hpp"
#include "services/notification/domain/preferences.hpp"
#include "services/notification/inbox_stream.hpp"
#include "services/notification/notification_repository.hpp"
#include "services/notification/template_set.hpp"
#include "services/order/events.hpp"

namespace vetahut::notification {

/// Tuning of the service (from [notification]).
struct NotificationOptions {
  RetryPolicy retry;
  ThrottleRule email_throttle{30, std::chrono::seconds(3600)};
  ThrottleRule sms_throttle{10, std::chrono::seconds(3600)};
  std::chrono::milliseconds claim_lease{120000};  ///< a sender that died is replaced after this
  std::string default_locale = "en";              ///< for people who chose none
  std::string brand = "Veta Hut";
  std::string web_base_url = "http://127.0.0.1:8080";  ///< links in messages
  int batch_size = 50;                                 ///< deliveries per sender round
};

/// Who the service asks.
struct NotificationClients {
  location::StoreDirectoryClient& stores;
  customer::CustomerClient& customers;
};

/// The configured adapters (null = that channel is off: its messages are given up, logged).
struct ChannelAdapters {
  std::unique_ptr<ChannelAdapter> email;
  std::unique_ptr<ChannelAdapter> sms;
};

/// Counters of what the sender did, for /metrics (by channel).
struct SenderStats {
  std::map<std::string, std::int64_t> sent, failed, dead;
  std::vector<std::pair<std::string, double>>
      latencies;  ///< (channel, seconds from event to sent) since the last take
};

class NotificationService {
 public:
  NotificationService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids,
                      NotificationClients clients, std::shared_ptr<const TemplateSet> templates,
                      ChannelAdapters adapters, NotificationOptions options,
                      std::function<void()> events_committed, std::function<double()> random = {});
  ~NotificationService();

  // --- triggers, each in the consumer's transaction ---
  core::Status OnOrderConfirmed(db::Transaction& tx, const order::events::OrderConfirmed& e,
                                const bus::CloudEvent& ce);
  core::Status OnOrderStatusChanged(db::Transaction& tx, const order::events::OrderStatusChanged& e,
                                    const bus::CloudEvent& ce);
  core::Status OnOrderRejected(db::Transaction& tx, const order::events::OrderRejected& e,
                               const bus::CloudEvent& ce);
  core::Status OnOrderRefunded(db::Transaction& tx, const order::events::OrderRefunded& e,
                               const bus::CloudEvent& ce);
  core::Status OnPromiseChanged(db::Transaction& tx, const kitchen::events::PromiseChanged& e);
  core::Status OnDeliveryStatusChanged(db::Transaction& tx,
                                       const kitchen::events::DeliveryStatusChanged& e);
  core::Status OnLowStock(db::Transaction& tx, const kitchen::events::LowStock& e,
                          const bus::CloudEvent& ce);
  core::Status OnEmailVerification(db::Transaction& tx,
                                   const customer::events::EmailVerificationRequested& e,
                                   const bus::CloudEvent& ce);
  core::Status OnPasswordReset(db::Transaction& tx,
                               const customer::events::PasswordResetRequested& e,
                               const bus::CloudEvent& ce);
  core::Status OnCustomerDeleted(db::Transaction& tx, const customer::events::CustomerDeleted& e);

  // --- the sender ---
  /// Called when something is due now (a re-drive): wakes the sender task.
  void SetWake(std::function<void()> wake) { wake_ = std::move(wake); }
  /// Sends what is due (at most one batch) and returns how long until the next row is due
  /// (nullopt: nothing waiting; zero: more is due now).
  std::optional<std::chrono::milliseconds> SendDue();
  /// Forgets finished deliveries (sent, dead), read in-app items and order facts older than `age`;
  /// returns the deliveries removed.
  std::int64_t Purge(std::chrono::hours age);
  /// What was sent, failed and given up since start, and latencies since the last call.
  SenderStats TakeStats();
  std::map<std::string, std::int64_t> CountByStatus();

  // --- the delivery log (admins) ---
  core::Result<std::vector<Delivery>> ListDeliveries(const std::string& status,
                                                     const std::string& channel, int limit,
                                                     const std::string& cursor);
  /// Queues a dead delivery once more, due now: kNotFound for an unknown id, kConflict unless it
  /// is dead (a second click, or one still being retried).
  core::Result<Delivery> Retry(const std::string& delivery_id);

  // --- the in-app list and stream (the signed-in person) ---
  core::Result<std::vector<InboxItem>> ListInbox(const std::string& account_id, int limit,
                                                 const std::string& cursor, bool unread_only);
  std::int64_t Unread(const std::string& account_id);
  /// Marks one of their items read (idempotent); kNotFound if it is not theirs.
  core::Result<InboxItem> MarkRead(const std::string& account_id, const std::string& item_id);
  /// Opens a stream: the unread count first, then what followed `last_event_id` (if given), then
  /// live.
  void Follow(const std::string& account_id, std::shared_ptr<http::EventStream> stream,
              const std::string& last_event_id);
  InboxStreams& streams() { return streams_; }

  // --- preferences ---
  Preferences GetPreferences(const std::string& account_id);
  /// Checks and stores a whole preference document (422 naming the field; nothing changes then).
  core::Result<Preferences> PutPreferences(const std::string& account_id,
                                           const Preferences& preferences);
  /// Languages messages are written in.
  const std::vector<std::string>& languages() const;

  static std::string DeliveryJson(const Delivery& d);
  static std::string InboxItemJson(const InboxItem& item);
  std::string PreferencesJson(const Preferences& p) const;

 private:
  struct Recipient {
    std::string id;
    std::string email;
    std::string phone;
    std::string name;
  };
  using ValuesFor =
      std::function<TemplateValues(const std::string& language, const date::time_zone* zone)>;
  /// Renders and queues `spec` for `recipient` on every channel they want.
  core::Status Plan(db::Transaction& tx, const NotificationSpec& spec, const bus::CloudEvent& ce,
                    const std::optional<location::StoreSummary>& store, const std::string& order_id,
                    const Recipient& recipient, const ValuesFor& values);
  /// Plan for the customer of `order` (nobody for a guest or an erased account) at its store; the
  /// values get the order's number, link and type sections.
  core::Status PlanForCustomer(db::Transaction& tx, std::string_view notification,
                               const bus::CloudEvent& ce, const order::events::OrderRef& order,
                               const ValuesFor& values);
  /// The store, or nullopt when it does not exist (any other failure is returned).
  core::Result<std::optional<location::StoreSummary>> StoreOf(const std::string& store_id);
  /// The customer as a recipient, or nullopt for a guest or an erased account.
  core::Result<std::optional<Recipient>> CustomerOf(const std::optional<std::string>& customer_id);
  void SendOne(const Delivery& d);
  ChannelAdapter* AdapterFor(Channel channel);
  double Random();

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  NotificationClients clients_;
  std::shared_ptr<const TemplateSet> templates_;
  ChannelAdapters adapters_;
  std::unique_ptr<ChannelAdapter> in_app_;
  NotificationOptions options_;
  std::function<void()> events_committed_;
  std::function<double()> random_;
  std::function<void()> wake_;
  NotificationRepository repository_;
  bus::Outbox outbox_{"notification"};
  InboxStreams streams_;
  std::mutex stats_mutex_;
  SenderStats stats_;
  std::mutex random_mutex_;
  std::uint64_t random_state_;
};

/// The module's queue: the events it acts on, each handled by `service` in the consumer's
/// transaction together with the inbox record.
bus::Consumer MakeConsumer(db::Database& db, NotificationService& service);

/// The module's migrations: its own and its outbox and inbox.
std::vector<db::Migration> AllMigrations();

}  // namespace vetahut::notification
