#pragma once
/// The integration module's webhook tables: subscriptions, the event log and deliveries. Named SQL
/// at the top of the .cpp; rows map to the plain structs below.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/db/database.hpp"

namespace vetahut::integration {

/// A partner's subscription, as stored (the secret only where a sender needs it).
struct SubscriptionRow {
  std::string id;
  std::string url;
  std::string description;
  std::vector<std::string> event_types;
  std::string secret;
  bool active = true;
  std::string disabled_reason;
  std::optional<std::string> disabled_at;
  std::int64_t failure_streak = 0;
  std::optional<std::int64_t> failing_since_us;
  std::string created_at;
  std::string created_by;
  std::string updated_at;
  std::int64_t pending = 0;  ///< deliveries waiting (filled by the reads that say so)
};

/// One delivery of one event to one subscription.
struct DeliveryRow {
  std::string subscription_id;
  std::int64_t seq = 0;
  std::int64_t event_seq = 0;
  std::string event_id;
  std::string event_type;
  std::string origin;  ///< live | replay | test
  std::string status;  ///< pending | delivered | failed
  std::int64_t attempts = 0;
  std::int64_t next_attempt_us = 0;
  std::optional<std::string> last_attempt_at;
  std::optional<std::int64_t> last_status;
  std::string last_error;
  std::string last_response;
  std::optional<std::int64_t> last_duration_ms;
  std::string created_at;
  std::optional<std::string> finished_at;
  std::optional<std::string> envelope;  ///< the body, when read for sending (null: gone from the log)
};

/// One logged event.
struct LoggedEvent {
  std::int64_t seq = 0;
  std::string event_id;
  std::string type;
};

/// A delivery to add.
struct NewDelivery {
  std::int64_t event_seq = 0;
  std::string event_id;
  std::string event_type;
  std::string origin;
};

/// What one attempt changes.
struct AttemptRecord {
  std::string status;  ///< pending (retry) | delivered | failed (given up)
  std::int64_t next_attempt_us = 0;
  std::string at;
  std::optional<std::int64_t> http_status;
  std::string error;
  std::string response;
  std::int64_t duration_ms = 0;
};

class WebhookRepository {
 public:
  // Subscriptions.
  void Insert(db::Session& tx, const SubscriptionRow& s) const;
  std::optional<SubscriptionRow> Find(db::Session& s, const std::string& id) const;
  /// Find without the count of waiting deliveries (the sender's read).
  std::optional<SubscriptionRow> FindForSend(db::Session& s, const std::string& id) const;
  std::vector<SubscriptionRow> List(db::Session& s, int limit, const std::string& after_id) const;
  std::vector<SubscriptionRow> Active(db::Session& s) const;
  /// Writes what an admin may change (URL, description, types, active and its reason); the
  /// sender's columns (streak, lease, sequence) are left to it.
  void Update(db::Session& tx, const SubscriptionRow& s) const;
  bool Delete(db::Session& tx, const std::string& id) const;
  /// Retries of a re-enabled subscription's waiting deliveries start now.
  void RetryPendingNow(db::Session& tx, const std::string& id, std::int64_t now_us) const;

  // The event log.
  /// Logs an event; nullopt when its id was logged before (nothing changed).
  std::optional<std::int64_t> LogEvent(db::Session& tx, const std::string& event_id, const std::string& type,
                                       std::int64_t time_us, const std::string& envelope,
                                       const std::optional<std::string>& customer_id, std::int64_t now_us) const;
  /// Forgets a customer's logged events; their waiting deliveries fail with `reason`. Returns the
  /// events forgotten.
  std::int64_t EraseCustomer(db::Session& tx, const std::string& customer_id, const std::string& reason,
                             const std::string& now) const;
  /// Logged events with time in [from_us, to_us) and seq after `after_seq`, in log order, at most `limit`.
  std::vector<LoggedEvent> EventsBetween(db::Session& s, std::int64_t from_us, std::int64_t to_us, std::int64_t after_seq,
                                         int limit) const;

  // Deliveries.
  /// Adds a delivery at the end of the subscription's queue (takes its row lock: sequence order is
  /// commit order).
  std::int64_t Enqueue(db::Session& tx, const std::string& subscription_id, const NewDelivery& d, std::int64_t now_us,
                       const std::string& now) const;
  std::vector<DeliveryRow> Deliveries(db::Session& s, const std::string& subscription_id,
                                      const std::optional<std::string>& status, int limit,
                                      std::optional<std::int64_t> before_seq) const;
  std::optional<DeliveryRow> Delivery(db::Session& s, const std::string& subscription_id, std::int64_t seq) const;

  // The sender.
  /// Active, unleased subscriptions with a pending delivery, with when their first one is due,
  /// soonest first.
  std::vector<std::pair<std::string, std::int64_t>> Heads(db::Session& s, std::int64_t now_us, int limit) const;
  bool ClaimLease(db::Session& s, const std::string& id, const std::string& holder, std::int64_t until_us,
                  std::int64_t now_us) const;
  bool ExtendLease(db::Session& s, const std::string& id, const std::string& holder, std::int64_t until_us) const;
  void ReleaseLease(db::Session& s, const std::string& id, const std::string& holder) const;
  /// The first `limit` pending deliveries of a subscription, in order, with their bodies.
  std::vector<DeliveryRow> Pending(db::Session& s, const std::string& subscription_id, int limit) const;
  /// Records an attempt on a pending delivery; false when it is no longer pending (or gone).
  bool RecordAttempt(db::Session& tx, const std::string& subscription_id, std::int64_t seq, std::int64_t attempts,
                     const AttemptRecord& a) const;
  void SetStreak(db::Session& tx, const std::string& id, std::int64_t streak, std::optional<std::int64_t> since_us) const;
  void Disable(db::Session& tx, const std::string& id, const std::string& reason, const std::string& at) const;

  // Metrics and housekeeping.
  /// Waiting deliveries per subscription (0 for those with none).
  std::vector<std::pair<std::string, std::int64_t>> Depths(db::Session& s) const;
  /// Forgets finished deliveries created before `cutoff` and logged events older than `cutoff_us`
  /// that no waiting delivery needs. Returns rows deleted.
  std::int64_t Purge(db::Session& tx, const std::string& cutoff, std::int64_t cutoff_us) const;
};

}  // namespace vetahut::integration
