#pragma once
// The RabbitMQ bus's connection to the broker over librabbitmq (AMQP 0-9-1): the URL, one
// connection with one channel in confirm mode, publishing with confirms, consuming, and messages
// to and from the bus's deliveries. Internal to src/lib/bus: only amqp_bus.cpp includes it (it pulls
// in <amqp.h>).
#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <fmt/format.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>

#include "lib/bus/amqp_bus.hpp"
#include "lib/core/error.hpp"
#include "lib/log/log.hpp"

namespace vetahut::bus::amqp_detail {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kAttemptsHeader = "x-vetahut-attempts";
constexpr const char* kErrorHeader = "x-vetahut-error";
constexpr const char* kFailedAtHeader = "x-vetahut-failed-at";
constexpr amqp_channel_t kChannel = 1;

[[noreturn]] inline void ThrowUnavailable(const std::string& what) {
  throw core::ErrorException(core::Error::Unavailable("bus (amqp): " + what));
}

inline std::string Str(amqp_bytes_t b) {
  return b.bytes ? std::string(static_cast<const char*>(b.bytes), b.len) : std::string();
}

inline amqp_bytes_t Bytes(const std::string& s) {
  amqp_bytes_t b;
  b.len = s.size();
  b.bytes = const_cast<char*>(s.data());
  return b;
}


inline std::string ReplyText(const amqp_rpc_reply_t& r) {
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
  bool tls = false;  ///< amqps://: TLS, the broker's certificate and host name verified
  std::string user;
  std::string password;
  std::string vhost;
};

/// Debian's bundle of the system's trusted CAs (package ca-certificates), for amqps:// without
/// bus.tls_ca_file.
inline constexpr const char* kSystemCaFile = "/etc/ssl/certs/ca-certificates.crt";

inline ConnInfo ParseUrl(const std::string& url) {
  std::string buffer = url;  // amqp_parse_url writes into it
  amqp_connection_info info;
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) {
    throw core::ErrorException(core::Error::BadRequest(
        "bus.url: not an AMQP URL (amqp://USER:PASS@HOST:PORT/VHOST, vhost / written %2f)"));
  }
  ConnInfo out;
  out.host = info.host;
  out.port = info.port;
  out.tls = info.ssl != 0;
  out.user = info.user;
  out.password = info.password;
  out.vhost = info.vhost;
  return out;
}

inline struct timeval ToTimeval(std::chrono::microseconds d) {
  if (d.count() < 0) d = std::chrono::microseconds(0);
  struct timeval tv;
  tv.tv_sec = static_cast<time_t>(d.count() / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(d.count() % 1000000);
  return tv;
}

/// A message as received (copied out of librabbitmq's buffers).
struct Delivery {
  std::uint64_t tag = 0;
  std::string routing_key;
  std::string body;
  std::string message_id;
  std::string type;
  std::int64_t attempts = 0;
  std::string error;
  std::string failed_at;
};

inline std::optional<std::int64_t> IntValue(const amqp_field_value_t& v) {
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

inline Delivery FromMessage(std::uint64_t tag, const amqp_message_t& m) {
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
  bool transient = false;  ///< not written to disk by the broker (live notices)
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
    amqp_socket_t* socket = info.tls ? amqp_ssl_socket_new(conn_) : amqp_tcp_socket_new(conn_);
    if (!socket) Fail("no socket");
    if (info.tls) {
      // The broker proves who it is: a certificate the CA file vouches for, for this host name.
      amqp_ssl_socket_set_verify_peer(socket, 1);
      amqp_ssl_socket_set_verify_hostname(socket, 1);
      const std::string& ca = o.tls_ca_file.empty() ? std::string(kSystemCaFile) : o.tls_ca_file;
      if (int s = amqp_ssl_socket_set_cacert(socket, ca.c_str()); s != AMQP_STATUS_OK) {
        Fail(fmt::format("cannot read the CA certificates in {}: {}", ca, amqp_error_string2(s)));
      }
    }
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
    p.delivery_mode = m.transient ? 1 : 2;  // persistent unless a live notice
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
        std::string routing_key = Str(deliver->routing_key);  // before the frame's memory is reused
        amqp_message_t message;
        Check(amqp_read_message(conn_, frame.channel, &message, 0), "reading a delivery");
        if (deliveries) {
          deliveries->push_back(FromMessage(tag, message));
          deliveries->back().routing_key = std::move(routing_key);
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

}  // namespace vetahut::bus::amqp_detail
