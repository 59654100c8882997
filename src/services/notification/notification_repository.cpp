#include "services/notification/notification_repository.hpp"

#include <fmt/format.h>

namespace vetahut::notification {
namespace {

constexpr const char* kDeliveryColumns =
    "id, dedupe_key, event_id, notification, channel, recipient_id, address, recipient_name, "
    "locale, store_id, order_id, "
    "subject, body_text, body_html, status, attempts, next_at, provider, provider_id, last_error, "
    "redriven, created_at, "
    "updated_at, sent_at";
constexpr const char* kInboxColumns =
    "id, account_id, notification, title, body, store_id, order_id, created_at, read_at";
constexpr const char* kOrderColumns =
    "order_id, store_id, customer_id, order_type, number, promised_at, eta, driver_name";

Delivery DeliveryFromRow(const db::Row& r) {
  Delivery d;
  d.id = r.Text("id");
  d.dedupe_key = r.Text("dedupe_key");
  d.event_id = r.Text("event_id");
  d.notification = r.Text("notification");
  d.channel = r.Text("channel");
  d.recipient_id = r.Text("recipient_id");
  d.address = r.Text("address");
  d.recipient_name = r.Text("recipient_name");
  d.locale = r.Text("locale");
  d.store_id = r.Text("store_id");
  d.order_id = r.Text("order_id");
  d.subject = r.Text("subject");
  d.body_text = r.Text("body_text");
  d.body_html = r.Text("body_html");
  d.status = r.Text("status");
  d.attempts = static_cast<int>(r.Int("attempts"));
  d.next_at = r.Int("next_at");
  d.provider = r.Text("provider");
  d.provider_id = r.Text("provider_id");
  d.last_error = r.Text("last_error");
  d.redriven = static_cast<int>(r.Int("redriven"));
  d.created_at = r.Text("created_at");
  d.updated_at = r.Text("updated_at");
  d.sent_at = r.OptText("sent_at");
  return d;
}

InboxItem InboxFromRow(const db::Row& r) {
  return {r.Text("id"),       r.Text("account_id"), r.Text("notification"),
          r.Text("title"),    r.Text("body"),       r.Text("store_id"),
          r.Text("order_id"), r.Text("created_at"), r.OptText("read_at")};
}

template <class T, class F>
std::vector<T> Map(const db::ResultSet& rs, F from_row) {
  std::vector<T> out;
  out.reserve(rs.size());
  for (const auto& r : rs) out.push_back(from_row(r));
  return out;
}

}  // namespace

bool NotificationRepository::InsertDelivery(db::Session& s, const Delivery& d) const {
  return s.Exec(
             fmt::format("INSERT INTO notification_deliveries ({}, sent_us) VALUES ($1, $2, $3, "
                         "$4, $5, $6, $7, $8, $9, "
                         "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, "
                         "NULL, NULL) "
                         "ON CONFLICT (dedupe_key) DO NOTHING",
                         kDeliveryColumns),
             db::Params(d.id, d.dedupe_key, d.event_id, d.notification, d.channel, d.recipient_id,
                        d.address, d.recipient_name, d.locale, d.store_id, d.order_id, d.subject,
                        d.body_text, d.body_html, d.status, d.attempts, d.next_at, d.provider,
                        d.provider_id, d.last_error, d.redriven, d.created_at, d.updated_at)) == 1;
}

std::optional<Delivery> NotificationRepository::Find(db::Session& s, const std::string& id) const {
  auto rs =
      s.Query(fmt::format("SELECT {} FROM notification_deliveries WHERE id = $1", kDeliveryColumns),
              db::Params(id));
  if (rs.empty()) return std::nullopt;
  return DeliveryFromRow(rs[0]);
}

std::vector<Delivery> NotificationRepository::Due(db::Session& s, std::int64_t now_us,
                                                  int limit) const {
  return Map<Delivery>(
      s.Query(
          fmt::format("SELECT {} FROM notification_deliveries WHERE status IN ('queued', 'failed', "
                      "'sending') AND next_at <= $1 ORDER BY next_at, id LIMIT $2",
                      kDeliveryColumns),
          db::Params(now_us, limit)),
      DeliveryFromRow);
}

std::optional<std::int64_t> NotificationRepository::NextDue(db::Session& s) const {
  auto rs = s.Query(
      "SELECT MIN(next_at) FROM notification_deliveries WHERE status IN ('queued', 'failed', "
      "'sending')");
  if (rs.empty() || rs[0].IsNull(0)) return std::nullopt;
  return rs[0].Int(0);
}

bool NotificationRepository::Claim(db::Session& s, const Delivery& d, std::int64_t now_us,
                                   std::int64_t lease_until_us, const std::string& now) const {
  return s.Exec(
             "UPDATE notification_deliveries SET status = 'sending', attempts = attempts + 1, "
             "next_at = $3, updated_at = $4 "
             "WHERE id = $1 AND attempts = $2 AND status = $5 AND next_at <= $6",
             db::Params(d.id, d.attempts, lease_until_us, now, d.status, now_us)) == 1;
}

void NotificationRepository::MarkSent(db::Session& s, const std::string& id,
                                      const std::string& provider, const std::string& provider_id,
                                      const std::string& now, std::int64_t now_us,
                                      bool scrub) const {
  s.Exec(std::string("UPDATE notification_deliveries SET status = 'sent', provider = $2, "
                     "provider_id = $3, last_error = '', "
                     "next_at = 0, sent_at = $4, sent_us = $5, updated_at = $4") +
             (scrub ? ", subject = '', body_text = '', body_html = ''" : "") + " WHERE id = $1",
         db::Params(id, provider, provider_id, now, now_us));
}

void NotificationRepository::MarkFailed(db::Session& s, const std::string& id,
                                        const std::string& status, const std::string& provider,
                                        const std::string& error, std::int64_t next_at_us,
                                        const std::string& now) const {
  s.Exec(
      "UPDATE notification_deliveries SET status = $2, provider = $3, last_error = $4, next_at = "
      "$5, updated_at = $6 "
      "WHERE id = $1",
      db::Params(id, status, provider, error, next_at_us, now));
}

bool NotificationRepository::Redrive(db::Session& s, const std::string& id, std::int64_t now_us,
                                     const std::string& now) const {
  return s.Exec(
             "UPDATE notification_deliveries SET status = 'queued', attempts = 0, next_at = $2, "
             "redriven = redriven + 1, "
             "updated_at = $3 WHERE id = $1 AND status = 'dead' AND address <> ''",
             db::Params(id, now_us, now)) == 1;
}

std::vector<Delivery> NotificationRepository::List(db::Session& s, const std::string& status,
                                                   const std::string& channel, int limit,
                                                   const std::string& before_id) const {
  return Map<Delivery>(s.Query(fmt::format("SELECT {} FROM notification_deliveries WHERE ($1 = '' "
                                           "OR status = $1) AND ($2 = '' OR channel = $2) "
                                           "AND ($3 = '' OR id < $3) ORDER BY id DESC LIMIT $4",
                                           kDeliveryColumns),
                               db::Params(status, channel, before_id, limit)),
                       DeliveryFromRow);
}

std::int64_t NotificationRepository::SentSince(db::Session& s, const std::string& channel,
                                               const std::string& address,
                                               std::int64_t since_us) const {
  return s
      .Query(
          "SELECT COUNT(*) FROM notification_deliveries WHERE channel = $1 AND address = $2 AND "
          "sent_us >= $3",
          db::Params(channel, address, since_us))[0]
      .Int(0);
}

std::map<std::string, std::int64_t> NotificationRepository::CountByStatus(db::Session& s) const {
  std::map<std::string, std::int64_t> out;
  for (const auto& r :
       s.Query("SELECT status, COUNT(*) AS n FROM notification_deliveries GROUP BY status")) {
    out[r.Text("status")] = r.Int("n");
  }
  return out;
}

bool NotificationRepository::InsertInbox(db::Session& s, const InboxItem& item) const {
  return s.Exec(fmt::format("INSERT INTO notification_items ({}) VALUES ($1, $2, $3, $4, $5, $6, "
                            "$7, $8, NULL) "
                            "ON CONFLICT (id) DO NOTHING",
                            kInboxColumns),
                db::Params(item.id, item.account_id, item.notification, item.title, item.body,
                           item.store_id, item.order_id, item.created_at)) == 1;
}

std::vector<InboxItem> NotificationRepository::ListInbox(db::Session& s,
                                                         const std::string& account_id, int limit,
                                                         const std::string& before_id,
                                                         bool unread_only) const {
  return Map<InboxItem>(
      s.Query(
          fmt::format(
              "SELECT {} FROM notification_items WHERE account_id = $1 AND ($2 = '' OR id < $2) {} "
              "ORDER BY id DESC LIMIT $3",
              kInboxColumns, unread_only ? "AND read_at IS NULL" : ""),
          db::Params(account_id, before_id, limit)),
      InboxFromRow);
}

std::vector<InboxItem> NotificationRepository::InboxAfter(db::Session& s,
                                                          const std::string& account_id,
                                                          const std::string& after_id,
                                                          int limit) const {
  return Map<InboxItem>(
      s.Query(fmt::format("SELECT {} FROM notification_items WHERE account_id = $1 AND id > $2 "
                          "ORDER BY id LIMIT $3",
                          kInboxColumns),
              db::Params(account_id, after_id, limit)),
      InboxFromRow);
}

std::optional<InboxItem> NotificationRepository::FindInbox(db::Session& s,
                                                           const std::string& account_id,
                                                           const std::string& id) const {
  auto rs =
      s.Query(fmt::format("SELECT {} FROM notification_items WHERE account_id = $1 AND id = $2",
                          kInboxColumns),
              db::Params(account_id, id));
  if (rs.empty()) return std::nullopt;
  return InboxFromRow(rs[0]);
}

bool NotificationRepository::MarkRead(db::Session& s, const std::string& account_id,
                                      const std::string& id, const std::string& at) const {
  return s.Exec(
             "UPDATE notification_items SET read_at = COALESCE(read_at, $3) WHERE account_id = $1 "
             "AND id = $2",
             db::Params(account_id, id, at)) == 1;
}

std::int64_t NotificationRepository::Unread(db::Session& s, const std::string& account_id) const {
  return s
      .Query("SELECT COUNT(*) FROM notification_items WHERE account_id = $1 AND read_at IS NULL",
             db::Params(account_id))[0]
      .Int(0);
}

std::optional<Preferences> NotificationRepository::FindPreferences(
    db::Session& s, const std::string& account_id) const {
  auto rs = s.Query(
      "SELECT locale, email, sms, in_app, marketing_email, marketing_sms, marketing_in_app, "
      "quiet_start, "
      "quiet_end FROM notification_preferences WHERE account_id = $1",
      db::Params(account_id));
  if (rs.empty()) return std::nullopt;
  const auto& r = rs[0];
  Preferences p;
  p.locale = r.Text("locale");
  p.transactional = {r.Bool("email"), r.Bool("sms"), r.Bool("in_app")};
  p.marketing = {r.Bool("marketing_email"), r.Bool("marketing_sms"), r.Bool("marketing_in_app")};
  if (!r.IsNull("quiet_start") && !r.IsNull("quiet_end")) {
    p.quiet_hours =
        QuietHours{static_cast<int>(r.Int("quiet_start")), static_cast<int>(r.Int("quiet_end"))};
  }
  return p;
}

void NotificationRepository::PutPreferences(db::Session& s, const std::string& account_id,
                                            const Preferences& p, const std::string& now) const {
  std::optional<std::int64_t> start, end;
  if (p.quiet_hours) {
    start = p.quiet_hours->start_minute;
    end = p.quiet_hours->end_minute;
  }
  s.Exec(
      "INSERT INTO notification_preferences (account_id, locale, email, sms, in_app, "
      "marketing_email, marketing_sms, "
      "marketing_in_app, quiet_start, quiet_end, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
      "$8, $9, $10, $11) "
      "ON CONFLICT (account_id) DO UPDATE SET locale = $2, email = $3, sms = $4, in_app = $5, "
      "marketing_email = $6, "
      "marketing_sms = $7, marketing_in_app = $8, quiet_start = $9, quiet_end = $10, updated_at = "
      "$11",
      db::Params(account_id, p.locale, p.transactional.email, p.transactional.sms,
                 p.transactional.in_app, p.marketing.email, p.marketing.sms, p.marketing.in_app,
                 start, end, now));
}

void NotificationRepository::PutOrder(db::Session& s, const OrderFacts& o,
                                      const std::string& now) const {
  s.Exec(fmt::format("INSERT INTO notification_orders ({}, updated_at) VALUES ($1, $2, $3, $4, $5, "
                     "$6, $7, $8, $9) "
                     "ON CONFLICT (order_id) DO NOTHING",
                     kOrderColumns),
         db::Params(o.order_id, o.store_id, o.customer_id, o.order_type, o.number, o.promised_at,
                    o.eta, o.driver_name, now));
}

std::optional<OrderFacts> NotificationRepository::FindOrder(db::Session& s,
                                                            const std::string& order_id) const {
  auto rs =
      s.Query(fmt::format("SELECT {} FROM notification_orders WHERE order_id = $1", kOrderColumns),
              db::Params(order_id));
  if (rs.empty()) return std::nullopt;
  const auto& r = rs[0];
  return OrderFacts{r.Text("order_id"),   r.Text("store_id"),   r.Text("customer_id"),
                    r.Text("order_type"), r.Int("number"),      r.Text("promised_at"),
                    r.Text("eta"),        r.Text("driver_name")};
}

void NotificationRepository::UpdatePromise(db::Session& s, const std::string& order_id,
                                           const std::string& promised_at,
                                           const std::string& now) const {
  s.Exec("UPDATE notification_orders SET promised_at = $2, updated_at = $3 WHERE order_id = $1",
         db::Params(order_id, promised_at, now));
}

void NotificationRepository::UpdateDelivery(db::Session& s, const std::string& order_id,
                                            const std::string& eta, const std::string& driver_name,
                                            const std::string& now) const {
  s.Exec(
      "UPDATE notification_orders SET eta = $2, driver_name = $3, updated_at = $4 WHERE order_id = "
      "$1",
      db::Params(order_id, eta, driver_name, now));
}

std::int64_t NotificationRepository::Purge(db::Session& s, const std::string& before) const {
  s.Exec("DELETE FROM notification_items WHERE read_at IS NOT NULL AND read_at < $1",
         db::Params(before));
  s.Exec("DELETE FROM notification_orders WHERE updated_at < $1", db::Params(before));
  return s.Exec(
      "DELETE FROM notification_deliveries WHERE status IN ('sent', 'dead') AND updated_at < $1",
      db::Params(before));
}

void NotificationRepository::ForgetAccount(db::Session& s, const std::string& account_id,
                                           const std::string& now) const {
  s.Exec("DELETE FROM notification_preferences WHERE account_id = $1", db::Params(account_id));
  s.Exec("DELETE FROM notification_items WHERE account_id = $1", db::Params(account_id));
  s.Exec("DELETE FROM notification_orders WHERE customer_id = $1", db::Params(account_id));
  s.Exec(
      "UPDATE notification_deliveries SET status = 'dead', last_error = 'account erased', next_at "
      "= 0, updated_at = $2 "
      "WHERE recipient_id = $1 AND status IN ('queued', 'failed', 'sending')",
      db::Params(account_id, now));
  s.Exec(
      "UPDATE notification_deliveries SET address = '', recipient_name = '', subject = '', "
      "body_text = '', "
      "body_html = '' WHERE recipient_id = $1",
      db::Params(account_id));
}

}  // namespace vetahut::notification
