#include "lib/bus/amqp_bus.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
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

#include "lib/bus/retry_rules.hpp"
#include "lib/log/log.hpp"

namespace vetahut::bus {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kAttemptsHeader = "x-vetahut-attempts";
constexpr const char* kErrorHeader = "x-vetahut-error";
constexpr const char* kFailedAtHeader = "x-vetahut-failed-at";
constexpr amqp_channel_t kChannel = 1;

[[noreturn]] void ThrowUnavailable(const std::string& what) {
  throw core::ErrorException(core::Error::Unavailable("bus (amqp): " + what));
}

std::string Str(amqp_bytes_t b) {
  return b.bytes ? std::string(static_cast<const char*>(b.bytes), b.len) : std::string();
}

amqp_bytes_t Bytes(const std::string& s) {
  amqp_bytes_t b;
  b.len = s.size();
  b.bytes = const_cast<char*>(s.data());
  return b;
}


std::string ReplyText(const amqp_rpc_reply_t& r) {
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "no reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(r.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        auto* m = static_cast<amqp_connection_close_t*>(r.reply.decoded);
        return fmt::format("connection closed by the broker: {} {}", m->reply_code,
                           Str(m->reply_text));
      }
      if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        auto* m = static_cast<amqp_channel_close_t*>(r.reply.decoded);
        return fmt::format("channel closed by the broker: {} {}", m->reply_code,
                           Str(m->reply_text));
      }
      return fmt::format("unexpected broker method {:#x}", r.reply.id);
  }
  return "unknown reply";
}

struct ConnInfo {
  std::string host;
  int port = 5672;
  std::string user;
  std::string password;
  std::string vhost;
};

ConnInfo ParseUrl(const std::string& url) {
  std::string buffer = url;  // amqp_parse_url writes into it
  amqp_connection_info info;
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) {
    throw core::ErrorException(core::Error::BadRequest(
        "bus.url: not an AMQP URL (amqp://USER:PASS@HOST:PORT/VHOST, vhost / written %2f)"));
  }
  if (info.ssl)
    throw core::ErrorException(core::Error::BadRequest("bus.url: amqps:// is not supported yet"));
  return ConnInfo{info.host, info.port, info.user, info.password, info.vhost};
}

struct timeval ToTimeval(std::chrono::microseconds d) {
  if (d.count() < 0) d = std::chrono::microseconds(0);
  struct timeval tv;
  tv.tv_sec = static_cast<time_t>(d.count() / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(d.count() % 1000000);
  return tv;
}

/// A message as received (copied out of librabbitmq's buffers).
struct Delivery {
  std::uint64_t tag = 0;
  std::string body;
  std::string message_id;
  std::string type;
  std::int64_t attempts = 0;
  std::string error;
  std::string failed_at;
};

std::optional<std::int64_t> IntValue(const amqp_field_value_t& v) {
  switch (v.kind) {
    case AMQP_FIELD_KIND_I8:
      return v.value.i8;
    case AMQP_FIELD_KIND_U8:
      return v.value.u8;
    case AMQP_FIELD_KIND_I16:
      return v.value.i16;
    case AMQP_FIELD_KIND_U16:
      return v.value.u16;
    case AMQP_FIELD_KIND_I32:
      return v.value.i32;
    case AMQP_FIELD_KIND_U32:
      return v.value.u32;
    case AMQP_FIELD_KIND_I64:
      return v.value.i64;
    case AMQP_FIELD_KIND_U64:
      return static_cast<std::int64_t>(v.value.u64);
    default:
      return std::nullopt;
  }
}

Delivery FromMessage(std::uint64_t tag, const amqp_message_t& m) {
  Delivery d;
  d.tag = tag;
  d.body = Str(m.body);
  const auto& p = m.properties;
  if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) d.message_id = Str(p.message_id);
  if (p._flags & AMQP_BASIC_TYPE_FLAG) d.type = Str(p.type);
  if (p._flags & AMQP_BASIC_HEADERS_FLAG) {
    for (int i = 0; i < p.headers.num_entries; ++i) {
      const auto& e = p.headers.entries[i];
      const std::string key = Str(e.key);
      if (key == kAttemptsHeader) {
        if (auto n = IntValue(e.value)) d.attempts = *n;
      } else if ((key == kErrorHeader || key == kFailedAtHeader) &&
                 (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES)) {
        (key == kErrorHeader ? d.error : d.failed_at) = Str(e.value.value.bytes);
      }
    }
  }
  return d;
}

/// What to publish: a body and the properties we set.
struct Outgoing {
  std::string exchange;
  std::string routing_key;
  bool mandatory = false;
  std::string body;
  std::string message_id;
  std::string type;
  std::int64_t timestamp = 0;
  std::optional<std::int64_t> attempts;
  std::string error;
  std::string failed_at;
};

/// One AMQP connection with one channel (1) in confirm mode. Not thread-safe: one per thread, or
/// behind a mutex.
class Connection {
 public:
  Connection(const ConnInfo& info, const AmqpBusOptions& o, int heartbeat) {
    conn_ = amqp_new_connection();
    if (!conn_) ThrowUnavailable("out of memory");
    try {
      Open(info, o, heartbeat);
    } catch (...) {
      amqp_destroy_connection(conn_);  // a throwing constructor runs no destructor
      conn_ = nullptr;
      throw;
    }
  }

 private:
  void Open(const ConnInfo& info, const AmqpBusOptions& o, int heartbeat) {
    amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
    if (!socket) Fail("no socket");
    auto tv = ToTimeval(o.connect_timeout);
    if (int s = amqp_socket_open_noblock(socket, info.host.c_str(), info.port, &tv);
        s != AMQP_STATUS_OK) {
      Fail(fmt::format("cannot connect to {}:{}: {}", info.host, info.port, amqp_error_string2(s)));
    }
    amqp_set_handshake_timeout(conn_, &tv);
    amqp_set_rpc_timeout(conn_, &tv);
    Check(amqp_login(conn_, info.vhost.c_str(), 0, 131072, heartbeat, AMQP_SASL_METHOD_PLAIN,
                     info.user.c_str(), info.password.c_str()),
          "login");
    amqp_channel_open(conn_, kChannel);
    CheckRpc("channel.open");
    amqp_confirm_select(conn_, kChannel);
    CheckRpc("confirm.select");
    healthy_ = true;
  }

 public:
  ~Connection() {
    if (!conn_) return;
    if (healthy_) {
      amqp_channel_close(conn_, kChannel, AMQP_REPLY_SUCCESS);
      amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
    }
    amqp_destroy_connection(conn_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  amqp_connection_state_t get() const { return conn_; }
  bool healthy() const { return healthy_; }

  [[noreturn]] void Fail(const std::string& what) {
    healthy_ = false;
    ThrowUnavailable(what);
  }
  void Check(const amqp_rpc_reply_t& r, const char* what) {
    if (r.reply_type != AMQP_RESPONSE_NORMAL) Fail(fmt::format("{}: {}", what, ReplyText(r)));
  }
  void CheckRpc(const char* what) { Check(amqp_get_rpc_reply(conn_), what); }
  void CheckStatus(int status, const char* what) {
    if (status != AMQP_STATUS_OK) Fail(fmt::format("{}: {}", what, amqp_error_string2(status)));
  }

  void DeclareExchange() {
    amqp_exchange_declare(conn_, kChannel, amqp_cstring_bytes(AmqpNames::kExchange),
                          amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
    CheckRpc("exchange.declare vetahut.events");
  }

  /// Declares a durable queue (or only looks at it: passive); returns its message count.
  std::int64_t DeclareQueue(const std::string& name, bool passive,
                            amqp_table_t args = amqp_empty_table) {
    auto* ok = amqp_queue_declare(conn_, kChannel, Bytes(name), passive ? 1 : 0, 1, 0, 0, args);
    CheckRpc("queue.declare");
    return ok ? static_cast<std::int64_t>(ok->message_count) : 0;
  }

  /// Publishes one message (persistent); returns its publish sequence number.
  std::uint64_t Send(const Outgoing& m) {
    amqp_basic_properties_t p{};
    p._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG |
               AMQP_BASIC_MESSAGE_ID_FLAG | AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG;
    p.content_type = amqp_cstring_bytes("application/cloudevents+json");
    p.delivery_mode = 2;  // persistent
    p.message_id = Bytes(m.message_id);
    p.type = Bytes(m.type);
    p.timestamp = static_cast<std::uint64_t>(m.timestamp);
    amqp_table_entry_t entries[3];
    int n = 0;
    if (m.attempts) {
      entries[n].key = amqp_cstring_bytes(kAttemptsHeader);
      entries[n].value.kind = AMQP_FIELD_KIND_I64;
      entries[n].value.value.i64 = *m.attempts;
      ++n;
    }
    if (!m.error.empty()) {
      entries[n].key = amqp_cstring_bytes(kErrorHeader);
      entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
      entries[n].value.value.bytes = Bytes(m.error);
      ++n;
    }
    if (!m.failed_at.empty()) {
      entries[n].key = amqp_cstring_bytes(kFailedAtHeader);
      entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
      entries[n].value.value.bytes = Bytes(m.failed_at);
      ++n;
    }
    if (n > 0) {
      p._flags |= AMQP_BASIC_HEADERS_FLAG;
      p.headers.num_entries = n;
      p.headers.entries = entries;
    }
    CheckStatus(amqp_basic_publish(conn_, kChannel, Bytes(m.exchange), Bytes(m.routing_key),
                                   m.mandatory ? 1 : 0, 0, &p, Bytes(m.body)),
                "basic.publish");
    const std::uint64_t seq = next_seq_++;
    unconfirmed_.insert(seq);
    return seq;
  }

  /// Reads one frame, waiting until `deadline`: confirms update the unconfirmed set, deliveries
  /// go to `deliveries` (a consumer's connection), returns are counted. False on timeout.
  bool Pump(SteadyClock::time_point deadline, std::deque<Delivery>* deliveries) {
    amqp_maybe_release_buffers(conn_);
    amqp_frame_t frame;
    auto tv = ToTimeval(
        std::chrono::duration_cast<std::chrono::microseconds>(deadline - SteadyClock::now()));
    const int status = amqp_simple_wait_frame_noblock(conn_, &frame, &tv);
    if (status == AMQP_STATUS_TIMEOUT) return false;
    if (status != AMQP_STATUS_OK)
      Fail(fmt::format("connection lost: {}", amqp_error_string2(status)));
    if (frame.frame_type != AMQP_FRAME_METHOD) return true;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        Settle(ack->delivery_tag, ack->multiple != 0);
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        auto* nack = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
        Settle(nack->delivery_tag, nack->multiple != 0);
        nacked_ = true;
        break;
      }
      case AMQP_BASIC_RETURN_METHOD: {
        auto* ret = static_cast<amqp_basic_return_t*>(frame.payload.method.decoded);
        const std::string key = Str(ret->routing_key);
        const int code = ret->reply_code;
        amqp_message_t message;
        Check(amqp_read_message(conn_, frame.channel, &message, 0), "reading a returned message");
        const std::string id = (message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG)
                                   ? Str(message.properties.message_id)
                                   : std::string();
        amqp_destroy_message(&message);
        ++returned_;
        log::Debug("event not routed to any queue (no module consumes it yet)",
                   {{"type", key}, {"event_id", id}, {"reply_code", std::int64_t(code)}});
        break;
      }
      case AMQP_BASIC_DELIVER_METHOD: {
        auto* deliver = static_cast<amqp_basic_deliver_t*>(frame.payload.method.decoded);
        const std::uint64_t tag = deliver->delivery_tag;
        amqp_message_t message;
        Check(amqp_read_message(conn_, frame.channel, &message, 0), "reading a delivery");
        if (deliveries) {
          deliveries->push_back(FromMessage(tag, message));
        }
        amqp_destroy_message(&message);
        if (!deliveries) Fail("unexpected delivery on a publishing connection");
        break;
      }
      case AMQP_BASIC_CANCEL_METHOD:
        Fail("the broker cancelled the consumer (queue deleted?)");
      case AMQP_CHANNEL_CLOSE_METHOD: {
        auto* m = static_cast<amqp_channel_close_t*>(frame.payload.method.decoded);
        Fail(fmt::format("channel closed by the broker: {} {}", m->reply_code, Str(m->reply_text)));
      }
      case AMQP_CONNECTION_CLOSE_METHOD: {
        auto* m = static_cast<amqp_connection_close_t*>(frame.payload.method.decoded);
        const std::string text = fmt::format("connection closed by the broker: {} {}",
                                             m->reply_code, Str(m->reply_text));
        amqp_connection_close_ok_t ok{};
        amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        Fail(text);
      }
      default:
        break;
    }
    return true;
  }

  /// Reads whatever the broker already sent (a close after a broker restart), without waiting.
  void Poll() {
    while (Pump(SteadyClock::now(), nullptr)) {
    }
  }

  /// Waits until every published message is confirmed; kUnavailable on a nack or the deadline.
  void WaitConfirms(SteadyClock::time_point deadline, std::deque<Delivery>* deliveries) {
    while (!unconfirmed_.empty()) {
      if (SteadyClock::now() >= deadline) Fail("the broker did not confirm in time");
      Pump(deadline, deliveries);
    }
    if (nacked_) {
      nacked_ = false;
      ThrowUnavailable("the broker refused (nacked) a message");
    }
  }

  void Ack(std::uint64_t tag, bool multiple = false) {
    CheckStatus(amqp_basic_ack(conn_, kChannel, tag, multiple ? 1 : 0), "basic.ack");
  }
  void Requeue(std::uint64_t tag, bool multiple) {
    CheckStatus(amqp_basic_nack(conn_, kChannel, tag, multiple ? 1 : 0, 1), "basic.nack");
  }

  /// basic.get (manual ack): nullopt when the queue is empty.
  std::optional<Delivery> Get(const std::string& queue) {
    amqp_maybe_release_buffers(conn_);
    auto r = amqp_basic_get(conn_, kChannel, Bytes(queue), 0);
    Check(r, "basic.get");
    if (r.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) return std::nullopt;
    auto* ok = static_cast<amqp_basic_get_ok_t*>(r.reply.decoded);
    const std::uint64_t tag = ok->delivery_tag;
    amqp_message_t message;
    Check(amqp_read_message(conn_, kChannel, &message, 0), "reading a message");
    Delivery d = FromMessage(tag, message);
    amqp_destroy_message(&message);
    return d;
  }

  std::int64_t returned() const { return returned_; }

 private:
  void Settle(std::uint64_t tag, bool multiple) {
    if (multiple) {
      unconfirmed_.erase(unconfirmed_.begin(), unconfirmed_.upper_bound(tag));
    } else {
      unconfirmed_.erase(tag);
    }
  }

  amqp_connection_state_t conn_ = nullptr;
  bool healthy_ = false;
  std::uint64_t next_seq_ = 1;
  std::set<std::uint64_t> unconfirmed_;
  bool nacked_ = false;
  std::int64_t returned_ = 0;
};

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
}

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
