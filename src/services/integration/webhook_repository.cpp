#include "services/integration/webhook_repository.hpp"

#include <boost/json.hpp>

#include "lib/json/write.hpp"

namespace vetahut::integration {
namespace {

namespace json = boost::json;

constexpr const char* kSubscriptionColumns =
    "id, url, description, event_types, secret, active, disabled_reason, disabled_at, failure_streak, failing_since, "
    "created_at, created_by, updated_at";
constexpr const char* kPendingCount =
    "(SELECT COUNT(*) FROM integration_deliveries d WHERE d.subscription_id = s.id AND d.status = 'pending') AS pending";
constexpr const char* kInsertSubscription =
    "INSERT INTO integration_subscriptions (id, url, description, event_types, secret, active, disabled_reason, "
    "disabled_at, failure_streak, failing_since, next_seq, lease_holder, lease_until, created_at, created_by, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, NULL, 0, '', 0, $9, $10, $11)";
constexpr const char* kUpdateSubscription =
    "UPDATE integration_subscriptions SET url = $2, description = $3, event_types = $4, active = $5, "
    "disabled_reason = $6, disabled_at = $7, updated_at = $8 WHERE id = $1";
constexpr const char* kRetryPendingNow =
    "UPDATE integration_deliveries SET next_attempt_us = $2 WHERE subscription_id = $1 AND status = 'pending' "
    "AND next_attempt_us > $2";
constexpr const char* kLogEvent =
    "INSERT INTO integration_events (event_id, type, time_us, envelope, customer_id, recorded_us) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING RETURNING seq";
constexpr const char* kFailCustomersDeliveries =
    "UPDATE integration_deliveries SET status = 'failed', last_error = $2, finished_at = $3 WHERE status = 'pending' "
    "AND event_seq IN (SELECT seq FROM integration_events WHERE customer_id = $1)";
constexpr const char* kEraseCustomersEvents = "DELETE FROM integration_events WHERE customer_id = $1";
constexpr const char* kEventsBetween =
    "SELECT seq, event_id, type FROM integration_events WHERE time_us >= $1 AND time_us < $2 AND seq > $3 ORDER BY seq "
    "LIMIT $4";
constexpr const char* kNextSeq =
    "UPDATE integration_subscriptions SET next_seq = next_seq + 1 WHERE id = $1 RETURNING next_seq";
constexpr const char* kInsertDelivery =
    "INSERT INTO integration_deliveries (subscription_id, seq, event_seq, event_id, event_type, origin, status, attempts, "
    "next_attempt_us, last_error, last_response, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, '', '', $8)";
constexpr const char* kDeliveryColumns =
    "d.subscription_id, d.seq, d.event_seq, d.event_id, d.event_type, d.origin, d.status, d.attempts, d.next_attempt_us, "
    "d.last_attempt_at, d.last_status, d.last_error, d.last_response, d.last_duration_ms, d.created_at, d.finished_at";
constexpr const char* kHeads =
    "SELECT s.id AS id, d.next_attempt_us AS due FROM integration_subscriptions s "
    "JOIN integration_deliveries d ON d.subscription_id = s.id AND d.seq = (SELECT MIN(p.seq) FROM "
    "integration_deliveries p WHERE p.subscription_id = s.id AND p.status = 'pending') "
    "WHERE s.active = $1 AND s.lease_until < $2 ORDER BY d.next_attempt_us, s.id LIMIT $3";
constexpr const char* kClaimLease =
    "UPDATE integration_subscriptions SET lease_holder = $2, lease_until = $3 WHERE id = $1 AND "
    "(lease_until < $4 OR lease_holder = $2)";
constexpr const char* kExtendLease =
    "UPDATE integration_subscriptions SET lease_until = $3 WHERE id = $1 AND lease_holder = $2";
constexpr const char* kReleaseLease =
    "UPDATE integration_subscriptions SET lease_until = 0 WHERE id = $1 AND lease_holder = $2";
constexpr const char* kRecordAttempt =
    "UPDATE integration_deliveries SET status = $3, attempts = $4, next_attempt_us = $5, last_attempt_at = $6, "
    "last_status = $7, last_error = $8, last_response = $9, last_duration_ms = $10, "
    "finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE $6 END "
    "WHERE subscription_id = $1 AND seq = $2 AND status = 'pending'";
constexpr const char* kSetStreak =
    "UPDATE integration_subscriptions SET failure_streak = $2, failing_since = $3 WHERE id = $1";
constexpr const char* kDisable =
    "UPDATE integration_subscriptions SET active = $2, disabled_reason = $3, disabled_at = $4, updated_at = $4 "
    "WHERE id = $1";
constexpr const char* kDepths =
    "SELECT s.id AS subscription_id, COUNT(d.seq) AS depth FROM integration_subscriptions s "
    "LEFT JOIN integration_deliveries d ON d.subscription_id = s.id AND d.status = 'pending' GROUP BY s.id ORDER BY s.id";
constexpr const char* kPurgeDeliveries =
    "DELETE FROM integration_deliveries WHERE status <> 'pending' AND created_at < $1";
constexpr const char* kPurgeEvents =
    "DELETE FROM integration_events WHERE recorded_us < $1 AND seq < COALESCE((SELECT MIN(event_seq) FROM "
    "integration_deliveries WHERE status = 'pending'), 9223372036854775807)";

std::string TypesJson(const std::vector<std::string>& types) {
  json::array a;
  for (const auto& t : types) a.emplace_back(t);
  return json_text::Serialize(a);
}

std::vector<std::string> TypesFrom(const std::string& text) {
  std::vector<std::string> out;
  json::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& t : v.as_array()) {
    if (t.is_string()) out.emplace_back(t.as_string());
  }
  return out;
}

SubscriptionRow SubscriptionFrom(const db::Row& r, bool with_pending) {
  SubscriptionRow s;
  s.id = r.Text("id");
  s.url = r.Text("url");
  s.description = r.Text("description");
  s.event_types = TypesFrom(r.Text("event_types"));
  s.secret = r.Text("secret");
  s.active = r.Bool("active");
  s.disabled_reason = r.Text("disabled_reason");
  s.disabled_at = r.OptText("disabled_at");
  s.failure_streak = r.Int("failure_streak");
  s.failing_since_us = r.OptInt("failing_since");
  s.created_at = r.Text("created_at");
  s.created_by = r.Text("created_by");
  s.updated_at = r.Text("updated_at");
  if (with_pending) s.pending = r.Int("pending");
  return s;
}

DeliveryRow DeliveryFrom(const db::Row& r) {
  DeliveryRow d;
  d.subscription_id = r.Text("subscription_id");
  d.seq = r.Int("seq");
  d.event_seq = r.Int("event_seq");
  d.event_id = r.Text("event_id");
  d.event_type = r.Text("event_type");
  d.origin = r.Text("origin");
  d.status = r.Text("status");
  d.attempts = r.Int("attempts");
  d.next_attempt_us = r.Int("next_attempt_us");
  d.last_attempt_at = r.OptText("last_attempt_at");
  d.last_status = r.OptInt("last_status");
  d.last_error = r.Text("last_error");
  d.last_response = r.Text("last_response");
  d.last_duration_ms = r.OptInt("last_duration_ms");
  d.created_at = r.Text("created_at");
  d.finished_at = r.OptText("finished_at");
  return d;
}

}  // namespace

void WebhookRepository::Insert(db::Session& tx, const SubscriptionRow& s) const {
  tx.Exec(kInsertSubscription, db::Params(s.id, s.url, s.description, TypesJson(s.event_types), s.secret, s.active,
                                          s.disabled_reason, s.disabled_at, s.created_at, s.created_by, s.updated_at));
}

std::optional<SubscriptionRow> WebhookRepository::Find(db::Session& s, const std::string& id) const {
  auto rs = s.Query(std::string("SELECT ") + kSubscriptionColumns + ", " + kPendingCount +
                        " FROM integration_subscriptions s WHERE id = $1",
                    db::Params(id));
  if (rs.empty()) return std::nullopt;
  return SubscriptionFrom(rs[0], true);
}

std::optional<SubscriptionRow> WebhookRepository::FindForSend(db::Session& s, const std::string& id) const {
  auto rs = s.Query(std::string("SELECT ") + kSubscriptionColumns + " FROM integration_subscriptions WHERE id = $1",
                    db::Params(id));
  if (rs.empty()) return std::nullopt;
  return SubscriptionFrom(rs[0], false);
}

std::vector<SubscriptionRow> WebhookRepository::List(db::Session& s, int limit, const std::string& after_id) const {
  std::vector<SubscriptionRow> out;
  for (const auto& r : s.Query(std::string("SELECT ") + kSubscriptionColumns + ", " + kPendingCount +
                                   " FROM integration_subscriptions s WHERE id > $1 ORDER BY id LIMIT $2",
                               db::Params(after_id, limit))) {
    out.push_back(SubscriptionFrom(r, true));
  }
  return out;
}

std::vector<SubscriptionRow> WebhookRepository::Active(db::Session& s) const {
  std::vector<SubscriptionRow> out;
  for (const auto& r : s.Query(std::string("SELECT ") + kSubscriptionColumns +
                                   " FROM integration_subscriptions WHERE active = $1 ORDER BY id",
                               db::Params(true))) {
    out.push_back(SubscriptionFrom(r, false));
  }
  return out;
}

void WebhookRepository::Update(db::Session& tx, const SubscriptionRow& s) const {
  tx.Exec(kUpdateSubscription, db::Params(s.id, s.url, s.description, TypesJson(s.event_types), s.active,
                                          s.disabled_reason, s.disabled_at, s.updated_at));
}

bool WebhookRepository::Delete(db::Session& tx, const std::string& id) const {
  tx.Exec("DELETE FROM integration_deliveries WHERE subscription_id = $1", db::Params(id));
  return tx.Exec("DELETE FROM integration_subscriptions WHERE id = $1", db::Params(id)) == 1;
}

void WebhookRepository::RetryPendingNow(db::Session& tx, const std::string& id, std::int64_t now_us) const {
  tx.Exec(kRetryPendingNow, db::Params(id, now_us));
}

std::optional<std::int64_t> WebhookRepository::LogEvent(db::Session& tx, const std::string& event_id,
                                                        const std::string& type, std::int64_t time_us,
                                                        const std::string& envelope,
                                                        const std::optional<std::string>& customer_id,
                                                        std::int64_t now_us) const {
  auto rs = tx.Query(kLogEvent, db::Params(event_id, type, time_us, envelope, customer_id, now_us));
  if (rs.empty()) return std::nullopt;
  return rs[0].Int("seq");
}

std::int64_t WebhookRepository::EraseCustomer(db::Session& tx, const std::string& customer_id,
                                              const std::string& reason, const std::string& now) const {
  tx.Exec(kFailCustomersDeliveries, db::Params(customer_id, reason, now));
  return tx.Exec(kEraseCustomersEvents, db::Params(customer_id));
}

std::vector<LoggedEvent> WebhookRepository::EventsBetween(db::Session& s, std::int64_t from_us, std::int64_t to_us,
                                                          std::int64_t after_seq, int limit) const {
  std::vector<LoggedEvent> out;
  for (const auto& r : s.Query(kEventsBetween, db::Params(from_us, to_us, after_seq, limit))) {
    out.push_back({r.Int("seq"), r.Text("event_id"), r.Text("type")});
  }
  return out;
}

std::int64_t WebhookRepository::Enqueue(db::Session& tx, const std::string& subscription_id, const NewDelivery& d,
                                        std::int64_t now_us, const std::string& now) const {
  const std::int64_t seq = tx.Query(kNextSeq, db::Params(subscription_id))[0].Int("next_seq");
  tx.Exec(kInsertDelivery, db::Params(subscription_id, seq, d.event_seq, d.event_id, d.event_type, d.origin, now_us, now));
  return seq;
}

std::vector<DeliveryRow> WebhookRepository::Deliveries(db::Session& s, const std::string& subscription_id,
                                                       const std::optional<std::string>& status, int limit,
                                                       std::optional<std::int64_t> before_seq) const {
  std::vector<DeliveryRow> out;
  const std::string sql = std::string("SELECT ") + kDeliveryColumns +
                          " FROM integration_deliveries d WHERE d.subscription_id = $1 AND ($2 = '' OR d.status = $2) "
                          "AND d.seq < $3 ORDER BY d.seq DESC LIMIT $4";
  for (const auto& r : s.Query(sql, db::Params(subscription_id, status.value_or(""),
                                               before_seq.value_or(std::numeric_limits<std::int64_t>::max()), limit))) {
    out.push_back(DeliveryFrom(r));
  }
  return out;
}

std::optional<DeliveryRow> WebhookRepository::Delivery(db::Session& s, const std::string& subscription_id,
                                                       std::int64_t seq) const {
  auto rs = s.Query(std::string("SELECT ") + kDeliveryColumns +
                        " FROM integration_deliveries d WHERE d.subscription_id = $1 AND d.seq = $2",
                    db::Params(subscription_id, seq));
  if (rs.empty()) return std::nullopt;
  return DeliveryFrom(rs[0]);
}

std::vector<std::pair<std::string, std::int64_t>> WebhookRepository::Heads(db::Session& s, std::int64_t now_us,
                                                                           int limit) const {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& r : s.Query(kHeads, db::Params(true, now_us, limit))) out.emplace_back(r.Text("id"), r.Int("due"));
  return out;
}

bool WebhookRepository::ClaimLease(db::Session& s, const std::string& id, const std::string& holder,
                                   std::int64_t until_us, std::int64_t now_us) const {
  return s.Exec(kClaimLease, db::Params(id, holder, until_us, now_us)) == 1;
}

bool WebhookRepository::ExtendLease(db::Session& s, const std::string& id, const std::string& holder,
                                    std::int64_t until_us) const {
  return s.Exec(kExtendLease, db::Params(id, holder, until_us)) == 1;
}

void WebhookRepository::ReleaseLease(db::Session& s, const std::string& id, const std::string& holder) const {
  s.Exec(kReleaseLease, db::Params(id, holder));
}

std::vector<DeliveryRow> WebhookRepository::Pending(db::Session& s, const std::string& subscription_id,
                                                    int limit) const {
  std::vector<DeliveryRow> out;
  for (const auto& r : s.Query(std::string("SELECT ") + kDeliveryColumns +
                                   ", e.envelope AS envelope FROM integration_deliveries d LEFT JOIN integration_events e "
                                   "ON e.seq = d.event_seq WHERE d.subscription_id = $1 AND d.status = 'pending' "
                                   "ORDER BY d.seq LIMIT $2",
                               db::Params(subscription_id, limit))) {
    DeliveryRow d = DeliveryFrom(r);
    d.envelope = r.OptText("envelope");
    out.push_back(std::move(d));
  }
  return out;
}

bool WebhookRepository::RecordAttempt(db::Session& tx, const std::string& subscription_id, std::int64_t seq,
                                      std::int64_t attempts, const AttemptRecord& a) const {
  return tx.Exec(kRecordAttempt, db::Params(subscription_id, seq, a.status, attempts, a.next_attempt_us, a.at,
                                            a.http_status, a.error, a.response, a.duration_ms)) == 1;
}

void WebhookRepository::SetStreak(db::Session& tx, const std::string& id, std::int64_t streak,
                                  std::optional<std::int64_t> since_us) const {
  tx.Exec(kSetStreak, db::Params(id, streak, since_us));
}

void WebhookRepository::Disable(db::Session& tx, const std::string& id, const std::string& reason,
                                const std::string& at) const {
  tx.Exec(kDisable, db::Params(id, false, reason, at));
}

std::vector<std::pair<std::string, std::int64_t>> WebhookRepository::Depths(db::Session& s) const {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& r : s.Query(kDepths)) out.emplace_back(r.Text("subscription_id"), r.Int("depth"));
  return out;
}

std::int64_t WebhookRepository::Purge(db::Session& tx, const std::string& cutoff, std::int64_t cutoff_us) const {
  return tx.Exec(kPurgeDeliveries, db::Params(cutoff)) + tx.Exec(kPurgeEvents, db::Params(cutoff_us));
}

}  // namespace vetahut::integration
