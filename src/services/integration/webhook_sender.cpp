#include "services/integration/webhook_sender.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lib/log/log.hpp"
#include "services/integration/domain/address_policy.hpp"
#include "services/integration/signature.hpp"

namespace vetahut::integration {
namespace {

using namespace std::chrono;

constexpr int kHeadsPerRound = 16;
constexpr auto kDrainBudget = seconds(5);    // then the lease goes back and others get a turn
constexpr std::size_t kResponseKept = 512;  // bytes of a receiver's answer kept in the log
constexpr int kRecordEvery = 16;             // successes recorded together (one commit)…
constexpr auto kRecordAfter = milliseconds(200);  // …or this long after the first unrecorded one

http::ClientOptions SenderClientOptions(const WebhookOptions& options) {
  http::ClientOptions o;
  o.connect_timeout = std::min(options.timeout, milliseconds(5000));
  o.timeout = options.timeout;
  o.max_body = 1 << 20;
  const bool allow_private = options.allow_private_targets;
  // The address is judged again where curl dials it: a name that resolved to a public address when
  // the subscription was saved may point inside the network today (DNS rebinding).
  o.allow_address = [allow_private](std::string_view address) { return IsAllowedTarget(address, allow_private); };
  return o;
}

/// Text safe to keep and show: printable ASCII, the rest as '?'.
std::string Printable(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) || c == '\n' ? c : '?';
  }
  return out;
}

}  // namespace

struct WebhookSender::Attempt {
  std::optional<int> status;
  std::string error;
  std::string response;
  std::optional<seconds> retry_after;
  milliseconds duration{0};
  bool Delivered() const { return status && *status >= 200 && *status <= 299; }
};

struct WebhookSender::Outcome {
  DeliveryRow delivery;
  Attempt attempt;
  core::TimePoint at;
};

WebhookSender::WebhookSender(db::Database& db, const core::Clock& clock, WebhookService& webhooks, std::string instance,
                             SenderObserver observer)
    : db_(db),
      clock_(clock),
      webhooks_(webhooks),
      repository_(webhooks.repository()),
      instance_(std::move(instance)),
      observer_(std::move(observer)),
      client_(SenderClientOptions(webhooks.options())),
      random_(std::random_device{}()) {}

WebhookSender::~WebhookSender() = default;

double WebhookSender::Jitter() {
  std::lock_guard lock(random_mutex_);
  return std::uniform_real_distribution<double>(-kMaxJitter, kMaxJitter)(random_);
}

task::Next WebhookSender::Round(int worker) {
  const bool woken = woken_.exchange(false);
  const std::string holder = fmt::format("{}/{}", instance_, worker);
  const auto now_us = Micros(clock_.Now());
  std::optional<std::int64_t> next_due;
  for (const auto& [id, due] : repository_.Heads(db_, now_us, kHeadsPerRound)) {
    if (due > now_us) {
      next_due = next_due ? std::min(*next_due, due) : due;
      continue;
    }
    const auto lease = duration_cast<microseconds>(webhooks_.options().timeout + kDrainBudget + seconds(30)).count();
    if (!repository_.ClaimLease(db_, id, holder, now_us + lease, now_us)) continue;
    // Given back however the drain ends (a throw included: the task retries the round later).
    struct Lease {
      WebhookRepository& repository;
      db::Database& db;
      const std::string& id;
      const std::string& holder;
      ~Lease() {
        try {
          repository.ReleaseLease(db, id, holder);
        } catch (const std::exception& e) {
          // A destructor must not throw; the lease then simply runs out (lease_until).
          log::Warn("webhook lease not given back", {{"subscription", id}, {"error", e.what()}});
        }
      }
    } claimed{repository_, db_, id, holder};
    Drain(id, holder);
    return task::Next::Again();  // others may be due; this round took a while
  }
  if (woken) return task::Next::After(milliseconds(20));
  if (next_due) {
    const auto wait = milliseconds(std::max<std::int64_t>(1, (*next_due - now_us + 999) / 1000));
    return task::Next::After(std::min(wait, milliseconds(1000)));
  }
  return task::Next::Period();
}

int WebhookSender::Drain(const std::string& subscription_id, const std::string& holder) {
  const auto until = steady_clock::now() + kDrainBudget;
  const auto lease = duration_cast<microseconds>(webhooks_.options().timeout + kDrainBudget + seconds(30));
  auto lease_until = clock_.Now() + lease;  // as claimed by Round (give or take)
  int sent = 0;
  while (steady_clock::now() < until) {
    // Re-read once per window: an admin's change (disabled, a new URL) applies from the next one.
    auto s = repository_.FindForSend(db_, subscription_id);
    if (!s || !s->active) break;
    const auto window = repository_.Pending(db_, subscription_id, kRecordEvery);
    if (window.empty() || window.front().next_attempt_us > Micros(clock_.Now())) break;
    std::vector<Outcome> unrecorded;
    std::optional<steady_clock::time_point> first_unrecorded;
    bool stop = false;
    for (const auto& d : window) {
      if (d.next_attempt_us > Micros(clock_.Now())) break;  // only a retried head waits; be safe
      Outcome o{d, {}, clock_.Now()};
      if (!d.envelope) {
        o.attempt.error = "the event is no longer in the event log";
      } else {
        o.attempt = Send(*s, d);
        o.at = clock_.Now();
      }
      ++sent;
      const bool delivered = o.attempt.Delivered();
      unrecorded.push_back(std::move(o));
      if (!first_unrecorded) first_unrecorded = steady_clock::now();
      if (!delivered) {
        stop = true;  // the next waits for this one
        break;
      }
      if (steady_clock::now() - *first_unrecorded >= kRecordAfter || steady_clock::now() >= until) break;
    }
    Record(*s, unrecorded);
    if (stop) break;
    // Renewed once half of it is gone: one write per few windows, not per delivery.
    if (lease_until - clock_.Now() < lease / 2) {
      lease_until = clock_.Now() + lease;
      if (!repository_.ExtendLease(db_, subscription_id, holder, Micros(lease_until))) break;
    }
  }
  return sent;
}

WebhookSender::Attempt WebhookSender::Send(const SubscriptionRow& s, const DeliveryRow& d) {
  Attempt a;
  auto key = WebhookKey(s.secret);
  if (!key) {
    a.error = "the subscription's secret is unreadable";
    return a;
  }
  const auto timestamp = duration_cast<seconds>(clock_.Now().time_since_epoch()).count();
  const std::string& body = *d.envelope;
  const std::vector<http::Header> headers = {
      {"Content-Type", "application/cloudevents+json"},
      {"User-Agent", "vetahut-webhooks"},
      {"webhook-id", d.event_id},
      {"webhook-timestamp", std::to_string(timestamp)},
      {"webhook-signature", SignWebhook(*key, d.event_id, timestamp, body)},
  };
  const auto started = steady_clock::now();
  auto r = client_.Post(s.url, body, headers);
  a.duration = duration_cast<milliseconds>(steady_clock::now() - started);
  if (!r) {
    a.error = r.error().detail;
    return a;
  }
  a.status = r->status;
  a.response = Printable(r->body, kResponseKept);
  if (auto after = r->Header("retry-after")) a.retry_after = ParseRetryAfter(*after);
  if (r->status < 200 || r->status > 299) a.error = fmt::format("the receiver answered {}", r->status);
  return a;
}

std::int64_t WebhookSender::Record(const SubscriptionRow& s, const std::vector<Outcome>& outcomes) {
  const auto& policy = webhooks_.options().retry;
  std::int64_t streak = s.failure_streak;
  std::optional<std::int64_t> since = s.failing_since_us;
  std::optional<std::string> disabled;
  std::vector<std::pair<const char*, double>> reported;  // outcome, seconds
  auto tx = db_.Begin();
  for (const auto& [d, a, now] : outcomes) {
    const std::int64_t attempts = d.attempts + 1;
    const AttemptVerdict verdict = Judge(a.status, static_cast<int>(attempts), policy);
    AttemptRecord record;
    record.at = core::FormatRfc3339(now);
    record.http_status = a.status ? std::optional<std::int64_t>(*a.status) : std::nullopt;
    record.error = a.error;
    record.response = a.response;
    record.duration_ms = a.duration.count();
    record.next_attempt_us = Micros(now);
    switch (verdict) {
      case AttemptVerdict::kDelivered: record.status = "delivered"; break;
      case AttemptVerdict::kRetry:
        record.status = "pending";
        record.next_attempt_us =
            Micros(now + duration_cast<microseconds>(RetryDelay(static_cast<int>(attempts), policy, Jitter(), a.retry_after)));
        break;
      case AttemptVerdict::kGiveUp:
      case AttemptVerdict::kGone: record.status = "failed"; break;
    }
    if (!repository_.RecordAttempt(tx, s.id, d.seq, attempts, record)) continue;  // deleted or done meanwhile
    reported.emplace_back(verdict == AttemptVerdict::kDelivered ? "delivered"
                          : verdict == AttemptVerdict::kRetry   ? "retried"
                                                                : "given_up",
                          duration<double>(a.duration).count());
    if (verdict == AttemptVerdict::kDelivered) {
      streak = 0;
      since.reset();
      continue;
    }
    ++streak;
    if (!since) since = Micros(now);
    const core::TimePoint since_at{microseconds(*since)};
    if (verdict == AttemptVerdict::kGone) {
      disabled = "the receiver answered 410 Gone: it wants no more deliveries";
    } else if (ShouldDisable(streak, since_at, now, policy)) {
      disabled = fmt::format("{} failed attempts in a row since {}; the last: {}", streak, core::FormatRfc3339(since_at),
                             a.error.empty() ? "no answer" : a.error);
    }
    log::Warn("webhook delivery failed", {{"subscription", s.id}, {"event_id", d.event_id}, {"attempt", attempts},
                                          {"outcome", reported.back().first}, {"error", a.error}});
  }
  if (streak != s.failure_streak || since != s.failing_since_us) repository_.SetStreak(tx, s.id, streak, since);
  if (disabled) repository_.Disable(tx, s.id, *disabled, core::FormatRfc3339(clock_.Now()));
  tx.Commit();
  attempts_made_ += static_cast<int>(outcomes.size());
  if (observer_.attempt) {
    for (const auto& [outcome, seconds] : reported) observer_.attempt(outcome, seconds);
  }
  if (disabled) log::Warn("webhook subscription disabled", {{"subscription", s.id}, {"reason", *disabled}});
  return streak;
}

int WebhookSender::DrainForTest(int max_rounds) {
  const int before = attempts_made_;
  for (int i = 0; i < max_rounds; ++i) {
    const auto next = Round(0);
    if (!next.wait || *next.wait != milliseconds(0)) break;
  }
  return attempts_made_ - before;
}

}  // namespace vetahut::integration
