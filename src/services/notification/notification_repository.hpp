#pragma once
/// SQL of the notification service: deliveries (the delivery log and the send queue), the in-app
/// inbox, preferences and the order facts later messages need.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/db/database.hpp"
#include "services/notification/domain/preferences.hpp"

namespace vetahut::notification {

/// One message to one recipient on one channel, and what became of it.
struct Delivery {
  std::string id;
  std::string dedupe_key;
  std::string event_id;
  std::string notification;
  std::string channel;  ///< email | sms | in_app
  std::string recipient_id;
  std::string address;
  std::string recipient_name;
  std::string locale;  ///< the language it was rendered in
  std::string store_id;
  std::string order_id;
  std::string subject;
  std::string body_text;
  std::string body_html;
  std::string status = "queued";  ///< queued | sending | sent | failed | dead
  int attempts = 0;
  std::int64_t next_at = 0;  ///< µs since the epoch: due, or the end of a claim
  std::string provider;      ///< the adapter that sent it last ("smtp", "twilio", "file", "in_app")
  std::string provider_id;
  std::string last_error;
  int redriven = 0;  ///< times an admin retried it
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> sent_at;
};

/// An in-app notification as its owner sees it.
struct InboxItem {
  std::string id;
  std::string account_id;
  std::string notification;
  std::string title;
  std::string body;
  std::string store_id;
  std::string order_id;
  std::string created_at;
  std::optional<std::string> read_at;
};

/// What an order's later messages need to know about it.
struct OrderFacts {
  std::string order_id;
  std::string store_id;
  std::string customer_id;
  std::string order_type;
  std::int64_t number = 0;
  std::string promised_at;
  std::string eta;  ///< "" until a driver is on the road
  std::string driver_name;
};

class NotificationRepository {
 public:
  /// Inserts unless a delivery with the same dedupe key exists; true when inserted.
  bool InsertDelivery(db::Session& s, const Delivery& d) const;
  std::optional<Delivery> Find(db::Session& s, const std::string& id) const;
  /// Queued or failed deliveries due at `now_us`, and claims that ran out (a sender died), oldest
  /// first.
  std::vector<Delivery> Due(db::Session& s, std::int64_t now_us, int limit) const;
  /// The earliest next_at of anything not finished, if any (for the sender's sleep).
  std::optional<std::int64_t> NextDue(db::Session& s) const;
  /// Takes `d` for sending until `lease_until_us` and counts the attempt, only if nobody changed it
  /// since it was read; false when another sender got there first.
  bool Claim(db::Session& s, const Delivery& d, std::int64_t now_us, std::int64_t lease_until_us,
             const std::string& now) const;
  /// Sent: the provider's id; `scrub` blanks the bodies (a secret link must not stay stored).
  void MarkSent(db::Session& s, const std::string& id, const std::string& provider,
                const std::string& provider_id, const std::string& now, std::int64_t now_us,
                bool scrub) const;
  /// Failed (`status` failed, to retry at `next_at_us`) or dead.
  void MarkFailed(db::Session& s, const std::string& id, const std::string& status,
                  const std::string& provider, const std::string& error, std::int64_t next_at_us,
                  const std::string& now) const;
  /// A dead delivery queued again, due now, with its attempts reset; false unless it was dead.
  bool Redrive(db::Session& s, const std::string& id, std::int64_t now_us,
               const std::string& now) const;
  /// Newest first, optionally of one status and channel, older than the delivery `before_id`.
  std::vector<Delivery> List(db::Session& s, const std::string& status, const std::string& channel,
                             int limit, const std::string& before_id) const;
  /// Messages sent on `channel` to `address` since `since_us`.
  std::int64_t SentSince(db::Session& s, const std::string& channel, const std::string& address,
                         std::int64_t since_us) const;
  /// Deliveries per status.
  std::map<std::string, std::int64_t> CountByStatus(db::Session& s) const;

  /// Adds an item unless it exists (the delivery id is its id); true when added.
  bool InsertInbox(db::Session& s, const InboxItem& item) const;
  /// Newest first, older than `before_id` ("" = newest), optionally unread only.
  std::vector<InboxItem> ListInbox(db::Session& s, const std::string& account_id, int limit,
                                   const std::string& before_id, bool unread_only) const;
  /// Oldest first, newer than `after_id` (a stream catching up).
  std::vector<InboxItem> InboxAfter(db::Session& s, const std::string& account_id,
                                    const std::string& after_id, int limit) const;
  std::optional<InboxItem> FindInbox(db::Session& s, const std::string& account_id,
                                     const std::string& id) const;
  /// Marks an item read (once: a read item keeps its first read time); false if it is not theirs.
  bool MarkRead(db::Session& s, const std::string& account_id, const std::string& id,
                const std::string& at) const;
  std::int64_t Unread(db::Session& s, const std::string& account_id) const;

  std::optional<Preferences> FindPreferences(db::Session& s, const std::string& account_id) const;
  void PutPreferences(db::Session& s, const std::string& account_id, const Preferences& p,
                      const std::string& now) const;

  void PutOrder(db::Session& s, const OrderFacts& o, const std::string& now) const;
  std::optional<OrderFacts> FindOrder(db::Session& s, const std::string& order_id) const;
  void UpdatePromise(db::Session& s, const std::string& order_id, const std::string& promised_at,
                     const std::string& now) const;
  void UpdateDelivery(db::Session& s, const std::string& order_id, const std::string& eta,
                      const std::string& driver_name, const std::string& now) const;

  /// Removes sent and dead deliveries, read in-app items and order facts last changed before
  /// `before` (RFC 3339); returns the deliveries removed.
  std::int64_t Purge(db::Session& s, const std::string& before) const;

  /// An account was erased: its preferences, inbox and order facts go; its deliveries keep their
  /// log entry without address, name or bodies, and any not sent yet are given up.
  void ForgetAccount(db::Session& s, const std::string& account_id, const std::string& now) const;
};

}  // namespace vetahut::notification
