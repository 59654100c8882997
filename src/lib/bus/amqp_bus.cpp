#include "lib/bus/amqp_bus.hpp"

#include <random>

#include <amqp.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "lib/bus/amqp_connection.hpp"
#include "lib/bus/retry_rules.hpp"
#include "lib/log/log.hpp"

namespace vetahut::bus {
namespace {

using namespace amqp_detail;

/// Queue arguments of a delay queue: messages wait `delay`, then go back to the consumer's queue.
struct RetryArgs {
  std::string dlx;  // the default exchange
  std::string target;
  amqp_table_entry_t entries[3];
  amqp_table_t table;
  RetryArgs(const std::string& consumer_queue, std::chrono::milliseconds delay)
      : target(consumer_queue) {
    entries[0].key = amqp_cstring_bytes("x-message-ttl");
    entries[0].value.kind = AMQP_FIELD_KIND_I64;
    entries[0].value.value.i64 = delay.count();
    entries[1].key = amqp_cstring_bytes("x-dead-letter-exchange");
    entries[1].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[1].value.value.bytes = Bytes(dlx);
    entries[2].key = amqp_cstring_bytes("x-dead-letter-routing-key");
    entries[2].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[2].value.value.bytes = Bytes(target);
    table.num_entries = 3;
    table.entries = entries;
  }
  RetryArgs(const RetryArgs&) = delete;
};

std::string NowRfc3339() { return core::FormatRfc3339(core::SystemClock::Instance().Now()); }

}  // namespace

AmqpBusOptions AmqpBusOptions::From(const InProcessBusOptions& o) {
  AmqpBusOptions a;
  a.max_attempts = o.max_attempts;
  a.first_backoff = o.first_backoff;
  a.max_backoff = o.max_backoff;
  return a;
}

/// One consumer's queue and its thread.
struct ConsumerQueue {
  Subscription subscription;
  std::thread thread;
  std::atomic<std::int64_t> handled{0};
  std::atomic<std::int64_t> failed_attempts{0};
  std::atomic<bool> connected{false};
};

struct AmqpBus::State {
  ConnInfo info;
  AmqpBusOptions options;

  std::mutex mutex;  // guards queues (the map), started, stopping
  std::condition_variable wake;
  std::map<std::string, std::unique_ptr<ConsumerQueue>> queues;
  bool started = false;
  std::atomic<bool> stopping{false};

  std::mutex publish_mutex;  // the publishing connection
  std::unique_ptr<Connection> publisher;
  SteadyClock::time_point next_publisher_attempt{};
  std::chrono::milliseconds publisher_backoff{0};

  std::mutex admin_mutex;  // the connection of DeadLetters / Redrive / Stats
  std::unique_ptr<Connection> admin;

  // Live notices: this process's name on them, and what it listens to (set before Start).
  std::string instance = [] {
    std::random_device random;
    return fmt::format("{:08x}{:08x}", random(), random());
  }();
  std::vector<std::pair<std::string, std::function<void(const std::string&)>>> listeners;
  std::thread listener_thread;
  std::atomic<bool> listening{false};
  std::uint64_t notices_sent = 0;  // publish_mutex

  /// Hears live notices through an exclusive queue of its own, reconnecting while the bus runs.
  void RunListener() {
    auto backoff = options.first_reconnect;
    while (!stopping) {
      try {
        Connection c(info, options, options.heartbeat_seconds);
        c.DeclareExchange();
        auto* ok = amqp_queue_declare(c.get(), kChannel, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table);
        c.CheckRpc("queue.declare (live notices)");
        const std::string queue = Str(ok->queue);
        for (const auto& [pattern, handler] : listeners) {
          amqp_queue_bind(c.get(), kChannel, Bytes(queue), amqp_cstring_bytes(AmqpNames::kExchange),
                          Bytes("live." + pattern), amqp_empty_table);
          c.CheckRpc("queue.bind (live notices)");
        }
        amqp_basic_consume(c.get(), kChannel, Bytes(queue), amqp_empty_bytes, 0, 1, 1, amqp_empty_table);
        c.CheckRpc("basic.consume (live notices)");
        listening = true;
        backoff = options.first_reconnect;
        std::deque<Delivery> pending;
        while (!stopping) {
          if (pending.empty()) {
            c.Pump(SteadyClock::now() + options.poll, &pending);
            continue;
          }
          Delivery d = std::move(pending.front());
          pending.pop_front();
          if (d.type == instance) continue;  // our own notice: this process showed it already
          for (const auto& [pattern, handler] : listeners) {
            if (!TopicMatches(pattern, std::string_view(d.routing_key).substr(5))) continue;
            try {
              handler(d.body);
            } catch (const std::exception& e) {
              log::Warn("live notice listener failed", {{"topic", d.routing_key}, {"error", std::string(e.what())}});
            }
          }
        }
        listening = false;
      } catch (const std::exception& e) {
        listening = false;
        if (stopping) break;
        log::Warn("bus: live notices unavailable; reconnecting",
                  {{"error", std::string(e.what())}, {"retry_in_ms", std::int64_t(backoff.count())}});
        if (!SleepUnlessStopping(backoff)) break;
        backoff = std::min(backoff * 2, options.max_reconnect);
      }
    }
  }

  std::vector<std::chrono::milliseconds> RetryDelays() const {
    std::vector<std::chrono::milliseconds> out;
    for (int a = 1; a < options.max_attempts; ++a) {
      const auto d = Delay(a);
      if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
    }
    return out;
  }

  std::chrono::milliseconds Delay(int attempt) const {
    return BackoffStep(options.first_backoff, options.max_backoff, attempt);
  }

  /// Waits `d` unless Stop comes first; false when stopping.
  bool SleepUnlessStopping(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    wake.wait_for(lock, d, [&] { return stopping.load(); });
    return !stopping.load();
  }

  void DeclareConsumerTopology(Connection& c, const Subscription& s) {
    c.DeclareExchange();
    const std::string queue = AmqpNames::Queue(s.consumer);
    c.DeclareQueue(queue, false);
    for (const auto& pattern : s.patterns) {
      amqp_queue_bind(c.get(), kChannel, Bytes(queue), amqp_cstring_bytes(AmqpNames::kExchange),
                      Bytes(pattern), amqp_empty_table);
      c.CheckRpc("queue.bind");
    }
    for (auto delay : RetryDelays()) {
      RetryArgs args(queue, delay);
      c.DeclareQueue(AmqpNames::Retry(s.consumer, delay), false, args.table);
    }
    c.DeclareQueue(AmqpNames::Dead(s.consumer), false);
  }

  /// Runs the handler on one delivery and settles it: ack, or a copy to a delay queue or the
  /// dead-letter queue (confirmed) and then the ack.
  void Handle(Connection& c, ConsumerQueue& q, const Delivery& d, std::deque<Delivery>& pending) {
    const std::string& consumer = q.subscription.consumer;
    std::optional<core::Error> failure;
    auto event = CloudEvent::FromJson(d.body);
    if (!event) {
      failure = event.error();
    } else {
      try {
        if (auto status = q.subscription.handler(*event); !status) failure = status.error();
      } catch (const std::exception& e) {
        failure = core::Error::Internal(e.what());
      }
    }
    if (!failure) {
      c.Ack(d.tag);
      q.handled++;
      return;
    }
    q.failed_attempts++;
    const std::int64_t attempts = d.attempts + 1;
    const std::string why = DescribeFailure(*failure);
    Outgoing out;
    out.exchange = "";  // the default exchange: straight to a queue by name
    out.body = d.body;
    out.message_id = event ? event->id : d.message_id;
    out.type = event ? event->type : d.type;
    out.timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                        core::SystemClock::Instance().Now().time_since_epoch())
                        .count();
    out.attempts = attempts;
    out.error = why.substr(0, 2000);
    if (IsPermanentFailure(*failure) || attempts >= options.max_attempts) {
      out.routing_key = AmqpNames::Dead(consumer);
      out.failed_at = NowRfc3339();
      c.Send(out);
      c.WaitConfirms(SteadyClock::now() + options.confirm_timeout, &pending);
      c.Ack(d.tag);
      log::Error("event dead-lettered", {{"consumer", consumer},
                                         {"event_id", out.message_id},
                                         {"type", out.type},
                                         {"attempts", attempts},
                                         {"error", why}});
      return;
    }
    const auto delay = Delay(static_cast<int>(attempts));
    out.routing_key = AmqpNames::Retry(consumer, delay);
    c.Send(out);
    c.WaitConfirms(SteadyClock::now() + options.confirm_timeout, &pending);
    c.Ack(d.tag);
    log::Warn("event consumer failed; will retry", {{"consumer", consumer},
                                                    {"event_id", out.message_id},
                                                    {"type", out.type},
                                                    {"attempt", attempts},
                                                    {"retry_in_ms", std::int64_t(delay.count())},
                                                    {"error", why}});
  }

  void RunConsumer(ConsumerQueue& q) {
    auto backoff = options.first_reconnect;
    while (!stopping) {
      try {
        Connection c(info, options, options.heartbeat_seconds);
        DeclareConsumerTopology(c, q.subscription);
        amqp_basic_qos(c.get(), kChannel, 0,
                       static_cast<std::uint16_t>(std::clamp(options.prefetch, 1, 65535)), 0);
        c.CheckRpc("basic.qos");
        amqp_basic_consume(c.get(), kChannel, Bytes(AmqpNames::Queue(q.subscription.consumer)),
                           amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
        c.CheckRpc("basic.consume");
        if (backoff != options.first_reconnect) {
          log::Info("bus consumer reconnected", {{"consumer", q.subscription.consumer}});
        }
        backoff = options.first_reconnect;
        q.connected = true;
        std::deque<Delivery> pending;
        while (!stopping) {
          if (pending.empty()) {
            c.Pump(SteadyClock::now() + options.poll, &pending);
            continue;
          }
          Delivery d = std::move(pending.front());
          pending.pop_front();
          Handle(c, q, d, pending);
        }
        q.connected = false;
        // Leaving: deliveries prefetched but not handled go back to the queue with the connection.
      } catch (const std::exception& e) {
        q.connected = false;
        if (stopping) break;
        log::Warn("bus consumer: broker unavailable; reconnecting",
                  {{"consumer", q.subscription.consumer},
                   {"error", std::string(e.what())},
                   {"retry_in_ms", std::int64_t(backoff.count())}});
        if (!SleepUnlessStopping(backoff)) break;
        backoff = std::min(backoff * 2, options.max_reconnect);
      }
    }
  }

  /// The publishing connection, (re)connected and its exchange declared; kUnavailable while the
  /// broker is unreachable (at most one connect attempt per back-off period).
  Connection& Publisher() {
    if (publisher && publisher->healthy()) {
      try {
        publisher->Poll();  // a close the broker sent while we were idle
        return *publisher;
      } catch (const core::ErrorException&) {
        publisher.reset();
      }
    }
    publisher.reset();
    const auto now = SteadyClock::now();
    if (now < next_publisher_attempt) {
      ThrowUnavailable(fmt::format(
          "broker unreachable; next connect attempt in {} ms",
          std::chrono::duration_cast<std::chrono::milliseconds>(next_publisher_attempt - now)
              .count()));
    }
    try {
      auto c = std::make_unique<Connection>(info, options, 0);
      c->DeclareExchange();
      publisher = std::move(c);
      if (publisher_backoff.count() > 0) log::Info("bus publisher reconnected", {});
      publisher_backoff = std::chrono::milliseconds(0);
      next_publisher_attempt = {};
      return *publisher;
    } catch (const core::ErrorException&) {
      publisher_backoff = publisher_backoff.count() == 0
                              ? options.first_reconnect
                              : std::min(publisher_backoff * 2, options.max_reconnect);
      next_publisher_attempt = SteadyClock::now() + publisher_backoff;
      throw;
    }
  }

  Connection& Admin() {
    if (!admin || !admin->healthy()) admin = std::make_unique<Connection>(info, options, 0);
    return *admin;
  }

  /// Takes every message of a dead-letter queue (unacknowledged, up to `max`).
  std::vector<Delivery> TakeAll(Connection& c, const std::string& queue, int max) {
    std::vector<Delivery> out;
    while (static_cast<int>(out.size()) < max) {
      auto d = c.Get(queue);
      if (!d) break;
      out.push_back(std::move(*d));
    }
    return out;
  }

  std::vector<std::string> Consumers() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (auto& [name, q] : queues) out.push_back(name);
    return out;
  }
};

AmqpBus::AmqpBus(const std::string& url, AmqpBusOptions options)
    : state_(std::make_unique<State>()) {
  state_->info = ParseUrl(url);
  if (options.max_attempts < 1) options.max_attempts = 1;
  state_->options = options;
}

AmqpBus::~AmqpBus() { Stop(); }

std::chrono::milliseconds AmqpBus::RetryDelay(int attempt) const { return state_->Delay(attempt); }

bool AmqpBus::ConsumersReady() const {
  std::lock_guard lock(state_->mutex);
  if (!state_->started) return false;
  for (const auto& [name, q] : state_->queues) {
    if (!q->connected) return false;
  }
  return true;
}

void AmqpBus::Publish(const std::vector<CloudEvent>& events) {
  if (events.empty()) return;
  std::lock_guard lock(state_->publish_mutex);
  try {
    Connection& c = state_->Publisher();
    for (const auto& event : events) {
      Outgoing out;
      out.exchange = AmqpNames::kExchange;
      out.routing_key = event.type;
      out.mandatory =
          true;  // an event no queue is bound for comes back (logged), never silently "confirmed"
      out.body = event.ToJson();
      out.message_id = event.id;
      out.type = event.type;
      out.timestamp =
          std::chrono::duration_cast<std::chrono::seconds>(event.time.time_since_epoch()).count();
      c.Send(out);
    }
    c.WaitConfirms(SteadyClock::now() + state_->options.confirm_timeout, nullptr);
  } catch (const core::ErrorException&) {
    if (state_->publisher && !state_->publisher->healthy()) state_->publisher.reset();
    throw;
  }
}

void AmqpBus::Broadcast(const std::string& topic, const std::string& body) {
  std::lock_guard lock(state_->publish_mutex);
  try {
    Connection& c = state_->Publisher();
    Outgoing out;
    out.exchange = AmqpNames::kExchange;
    out.routing_key = "live." + topic;
    out.body = body;
    out.message_id = state_->instance + "-" + std::to_string(++state_->notices_sent);
    out.type = state_->instance;
    out.timestamp = std::chrono::duration_cast<std::chrono::seconds>(core::SystemClock::Instance().Now().time_since_epoch()).count();
    out.transient = true;
    c.Send(out);
    c.WaitConfirms(SteadyClock::now() + state_->options.confirm_timeout, nullptr);
  } catch (const core::ErrorException& e) {
    // A notice is never worth failing a request for: listeners catch up from the database.
    if (state_->publisher && !state_->publisher->healthy()) state_->publisher.reset();
    log::Debug("live notice not sent", {{"topic", topic}, {"error", std::string(e.what())}});
  }
}

void AmqpBus::Listen(const std::string& pattern, std::function<void(const std::string& body)> handler) {
  std::lock_guard lock(state_->mutex);
  if (state_->started) throw std::logic_error("AmqpBus::Listen after Start");
  state_->listeners.emplace_back(pattern, std::move(handler));
}

void AmqpBus::Subscribe(Subscription subscription) {
  std::lock_guard lock(state_->mutex);
  if (state_->started) throw std::logic_error("AmqpBus::Subscribe after Start");
  if (state_->queues.contains(subscription.consumer)) {
    throw std::logic_error("bus consumer '" + subscription.consumer +
                           "' subscribed twice: one queue per module");
  }
  auto q = std::make_unique<ConsumerQueue>();
  q->subscription = std::move(subscription);
  state_->queues.emplace(q->subscription.consumer, std::move(q));
}

void AmqpBus::Start() {
  std::lock_guard lock(state_->mutex);
  if (state_->started || state_->stopping) return;
  state_->started = true;
  State* state = state_.get();
  log::Info("bus: RabbitMQ",
            {{"broker", fmt::format("{}:{}", state_->info.host, state_->info.port)},
             {"vhost", state_->info.vhost},
             {"consumers", std::int64_t(state_->queues.size())}});
  // Declare every consumer's queues now, so events published right after Start (the relays' first
  // rounds) are routed to them. One bounded attempt: with the broker down, the threads retry.
  if (!state_->queues.empty()) {
    try {
      Connection c(state_->info, state_->options, 0);
      for (auto& [name, q] : state_->queues) state_->DeclareConsumerTopology(c, q->subscription);
    } catch (const core::ErrorException& e) {
      log::Warn(
          "bus: consumer queues not declared at start (the broker is unavailable); consumers keep "
          "retrying",
          {{"error", std::string(e.what())}});
    }
  }
  for (auto& [name, q] : state_->queues) {
    ConsumerQueue* raw = q.get();
    q->thread = std::thread([state, raw] { state->RunConsumer(*raw); });
  }
  if (!state_->listeners.empty()) state_->listener_thread = std::thread([state] { state->RunListener(); });
}

bool AmqpBus::Listening() const { return state_->listening.load(); }

void AmqpBus::Stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  std::vector<ConsumerQueue*> queues;
  {
    std::lock_guard lock(state_->mutex);
    for (auto& [name, q] : state_->queues) queues.push_back(q.get());
  }
  for (ConsumerQueue* q : queues) {
    if (q->thread.joinable()) q->thread.join();
  }
  if (state_->listener_thread.joinable()) state_->listener_thread.join();
  {
    std::lock_guard lock(state_->publish_mutex);
    state_->publisher.reset();
  }
  {
    std::lock_guard lock(state_->admin_mutex);
    state_->admin.reset();
  }
}

std::vector<DeadLetter> AmqpBus::DeadLetters(const std::string& consumer, int limit) {
  std::vector<std::string> consumers =
      consumer.empty() ? state_->Consumers() : std::vector<std::string>{consumer};
  std::vector<DeadLetter> out;
  std::lock_guard lock(state_->admin_mutex);
  for (const auto& name : consumers) {
    try {
      Connection& c = state_->Admin();
      auto messages = state_->TakeAll(c, AmqpNames::Dead(name), 10000);
      if (!messages.empty()) c.Requeue(messages.back().tag, true);  // a peek: everything goes back
      for (auto& m : messages) {
        out.push_back({name, m.message_id, m.type, m.error, m.attempts, m.failed_at, m.body});
      }
    } catch (const core::ErrorException& e) {
      state_->admin
          .reset();  // e.g. no such queue (the channel is closed): nothing dead-lettered there
      if (std::string(e.what()).starts_with("bus (amqp): cannot connect"))
        throw;  // the broker is down: say so
      log::Debug("bus: dead letters not read",
                 {{"consumer", name}, {"error", std::string(e.what())}});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const DeadLetter& a, const DeadLetter& b) {
    return std::tie(a.failed_at, a.event_id) > std::tie(b.failed_at, b.event_id);
  });
  if (limit >= 0 && static_cast<int>(out.size()) > limit)
    out.resize(static_cast<std::size_t>(limit));
  return out;
}

core::Status AmqpBus::Redrive(const std::string& consumer, const std::string& event_id) {
  std::lock_guard lock(state_->admin_mutex);
  try {
    Connection& c = state_->Admin();
    auto messages = state_->TakeAll(c, AmqpNames::Dead(consumer), 100000);
    auto it = std::find_if(messages.begin(), messages.end(),
                           [&](const Delivery& d) { return d.message_id == event_id; });
    if (it == messages.end()) {
      if (!messages.empty()) c.Requeue(messages.back().tag, true);
      return core::Fail(core::Error::NotFound(
          fmt::format("no dead letter {} for consumer {}", event_id, consumer)));
    }
    // Back on the consumer's own queue (not the exchange: other modules handled it already),
    // confirmed, then removed from the dead letters: a second re-drive finds nothing.
    Outgoing out;
    out.exchange = "";
    out.routing_key = AmqpNames::Queue(consumer);
    out.body = it->body;
    out.message_id = it->message_id;
    out.type = it->type;
    out.timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                        core::SystemClock::Instance().Now().time_since_epoch())
                        .count();
    out.attempts = 0;
    c.Send(out);
    c.WaitConfirms(SteadyClock::now() + state_->options.confirm_timeout, nullptr);
    c.Ack(it->tag);
    if (messages.size() > 1)
      c.Requeue(
          messages.back().tag == it->tag ? messages[messages.size() - 2].tag : messages.back().tag,
          true);
    log::Info("dead letter re-driven", {{"consumer", consumer}, {"event_id", event_id}});
    return core::Ok();
  } catch (const core::ErrorException& e) {
    state_->admin.reset();
    if (e.error().code == core::ErrorCode::kUnavailable &&
        std::string(e.what()).find("404") != std::string::npos) {
      return core::Fail(core::Error::NotFound(
          fmt::format("no dead letter {} for consumer {}", event_id, consumer)));
    }
    return core::Fail(e.error());
  }
}

std::vector<QueueStats> AmqpBus::Stats() {
  std::vector<QueueStats> out;
  std::vector<ConsumerQueue*> queues;
  {
    std::lock_guard lock(state_->mutex);
    for (auto& [name, q] : state_->queues) queues.push_back(q.get());
  }
  std::lock_guard lock(state_->admin_mutex);
  bool broker_ok = true;
  for (ConsumerQueue* q : queues) {
    QueueStats s;
    s.consumer = q->subscription.consumer;
    s.handled = q->handled.load();
    s.failed_attempts = q->failed_attempts.load();
    if (!broker_ok) {
      out.push_back(std::move(s));
      continue;
    }
    try {
      Connection& c = state_->Admin();
      s.depth = c.DeclareQueue(AmqpNames::Queue(s.consumer), true);
      for (auto delay : state_->RetryDelays())
        s.depth += c.DeclareQueue(AmqpNames::Retry(s.consumer, delay), true);
      s.dead_letters = c.DeclareQueue(AmqpNames::Dead(s.consumer), true);
    } catch (const core::ErrorException& e) {
      state_->admin.reset();  // broker down or queues not declared yet: counters only
      broker_ok = !std::string(e.what()).starts_with(
          "bus (amqp): cannot connect");  // one connect timeout per scrape
      log::Debug("bus: queue depth not read",
                 {{"consumer", s.consumer}, {"error", std::string(e.what())}});
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace vetahut::bus
