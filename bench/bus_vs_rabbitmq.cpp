// The RabbitMQ bus (issue 17, "Measurement"): how many events a second vetahut's AmqpBus carries
// from Publish to a consumer's handler, side by side with plain librabbitmq moving the same
// messages through the same broker the way RabbitMQ's PerfTest does — a publisher in confirm mode,
// a consumer with manual acks and a prefetch — in one run, rounds alternating A (the bus) and B
// (the reference) so machine noise hits both alike. The ratio is what the bus's code costs over a
// bare client on the same broker with the same guarantees.
//
//   A  bus:  AmqpBus::Publish of batches of --batch CloudEvents (the outbox relay's batch: each
//            call returns once the broker confirmed the batch); one Subscription, whose handler
//            counts the event (the bus parses the envelope, calls the handler, then acks it).
//            Queue `vetahut.<consumer>` on the topic exchange `vetahut.events`, as in the chain.
//   B  raw:  the same envelopes (the bytes A's Publish sends), the same properties (persistent,
//            message id, type, timestamp, content type, mandatory), published with amqp_basic_publish
//            in batches of --batch on a confirm-mode channel, then waiting for the confirms; a
//            consumer on its own connection with basic.qos --prefetch, acking each delivery. Its
//            own topic exchange and durable queue (`bench.raw.events`, `bench.raw`), routing key
//            the event type, as A's.
//
// Each message is an order.confirmed CloudEvent of a one-line order (the envelope vetahut wrote
// for two large pizzas, ~1.9 KB), its id made of the round and its index. Latency is from the start
// of the Publish (A) or of the batch's first basic.publish (B) of the message's batch to the
// handler seeing it. Every round checks that the consumer saw each of the N ids exactly once and
// that nothing is left in the queue; any miss, duplicate or leftover fails the run (exit 1).
//
// Not a test and not registered with ctest: bench/bus_vs_rabbitmq.sh runs it against a throwaway
// broker (docs/benchmarks.md, "The RabbitMQ bus vs plain librabbitmq").
//
//   build/release/bench/bus_vs_rabbitmq [--url amqp://…] [--messages 20000] [--rounds 3]
//       [--batch 100] [--prefetch 20] [--warmup 2000] [--timeout 120]
//   (--url defaults to $VETAHUT_TEST_AMQP_URL, which scripts/with-rabbitmq.sh sets)
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "lib/bus/amqp_bus.hpp"
#include "lib/bus/cloud_event.hpp"
#include "lib/core/clock.hpp"
#include "lib/log/log.hpp"

namespace vetahut::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

struct Options {
  std::string url;
  int messages = 20000;
  int rounds = 3;
  int batch = 100;    ///< the outbox relay's batch_size (src/lib/bus/outbox.hpp)
  int prefetch = 20;  ///< AmqpBusOptions::prefetch's default
  int warmup = 2000;  ///< messages per variant before the measured rounds
  int timeout_s = 120;
};

void Usage() {
  std::puts(
      "bus_vs_rabbitmq [--url amqp://USER:PASS@HOST:PORT/VHOST] [--messages N] [--rounds N] [--batch N]\n"
      "                [--prefetch N] [--warmup N] [--timeout S]\n"
      "  Carries N order.confirmed CloudEvents per round through vetahut's AmqpBus (publish with confirms\n"
      "  in batches, one consumer acking each) and the same messages through plain librabbitmq (confirm-mode\n"
      "  publisher, manual-ack consumer, same batch and prefetch), rounds alternating; prints events/s and\n"
      "  publish-to-handled latency. --timeout: seconds without progress before a round fails, and how long a\n"
      "  batch may wait for its confirms. --url defaults to $VETAHUT_TEST_AMQP_URL. Use a throwaway broker:\n"
      "  it declares vetahut.events, vetahut.bench_bus (+ its retry/dead queues) and bench.raw.");
}

// --- the messages --------------------------------------------------------------------------------

// The data of the order.confirmed event vetahut wrote for a carry-out order of one line, two large
// cheese pizzas with pepperoni on the left half (captured from `vetahut serve --demo`); ORDER and
// NUMBER are replaced per message.
constexpr std::string_view kConfirmedData =
    R"j({"order_id":"ORDER","store_id":"str_01M8D2NGQ1FBGQDP8ZATY21G4Q","customer_id":"cus_01M8D2NB7KDRKF2NMBNAXSYSBF",)j"
    R"j("number":NUMBER,"type":"carryout","customer_name":"","business_date":"2026-11-26","channel":"web",)j"
    R"j("placed_at":"2026-11-26T23:22:20.755Z","promised_at":"2026-11-26T23:31:40.754Z","ready_by":"2026-11-26T23:31:40.754Z",)j"
    R"j("scheduled_for":null,"address":null,"payment_method":"pay_at_store","cashier_id":null,"cashier_name":null,)j"
    R"j("subtotal":{"amount":3248,"currency":"USD"},"discount_total":{"amount":0,"currency":"USD"},)j"
    R"j("tax_total":{"amount":288,"currency":"USD"},"delivery_fee":{"amount":0,"currency":"USD"},)j"
    R"j("tip":{"amount":0,"currency":"USD"},"total":{"amount":3536,"currency":"USD"},)j"
    R"j("lines":[{"index":0,"deal_id":"","name":"Cheese (build your own)","quantity":2,"notes":"",)j"
    R"j("items":[{"product_id":"cheese_pizza","name":"Cheese (build your own)","category_id":"pizzas","kind":"pizza",)j"
    R"j("size_id":"large","size_name":"Large 14\"","crust_id":"hand_tossed","crust_name":"Hand-tossed",)j"
    R"j("toppings":[{"topping_id":"mozzarella","name":"Mozzarella","portion":"whole","amount":"normal"},)j"
    R"j({"topping_id":"tomato_sauce","name":"Tomato sauce","portion":"whole","amount":"normal"},)j"
    R"j({"topping_id":"pepperoni","name":"Pepperoni","portion":"left","amount":"normal"}],"removed_toppings":[]}],)j"
    R"j("unit_price":{"amount":1624,"currency":"USD"},"line_total":{"amount":3248,"currency":"USD"},)j"
    R"j("discount":{"amount":0,"currency":"USD"},"net":{"amount":3248,"currency":"USD"},)j"
    R"j("tax":{"amount":288,"currency":"USD"},"tax_category":"food"}]})j";

constexpr const char* kType = "com.vetahut.order.confirmed";

std::string Replace(std::string s, std::string_view from, const std::string& to) {
  const auto at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

/// 26 characters, like the ULIDs vetahut's ids are: two digits of the round, 24 of the index.
std::string EventId(int round, int index) { return fmt::format("{:02d}{:024d}", round, index); }

/// The index of an id of `round`, or -1 for anything else (another round's leftover).
int IndexOf(std::string_view id, int round, int n) {
  if (id.size() != 26 || id.substr(0, 2) != fmt::format("{:02d}", round)) return -1;
  long long v = 0;
  for (char c : id.substr(2)) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v < n ? static_cast<int>(v) : -1;
}

std::vector<bus::CloudEvent> MakeEvents(int round, int n) {
  std::vector<bus::CloudEvent> out;
  out.reserve(static_cast<std::size_t>(n));
  const auto now = core::SystemClock::Instance().Now();
  for (int i = 0; i < n; ++i) {
    bus::CloudEvent e;
    e.id = EventId(round, i);
    e.source = "/vetahut/order";
    e.type = kType;
    e.subject = fmt::format("ord_01M8D2NH{:016d}", i);
    e.time = now;
    e.data = Replace(Replace(std::string(kConfirmedData), "ORDER", e.subject), "NUMBER", std::to_string(i % 9999 + 1));
    e.traceparent = fmt::format("00-1d3a971447c409a4ac13e037{:06x}{:02x}-11eff1bcb5115d83-01", i & 0xffffff, round & 0xff);
    e.dataschema = "urn:vetahut:com.vetahut.order.confirmed:1";
    out.push_back(std::move(e));
  }
  return out;
}

// --- what a round measured -----------------------------------------------------------------------

/// What the consumer saw in one round: per index, how often and when (first time).
struct Tally {
  explicit Tally(int n) : seen(static_cast<std::size_t>(n)), handled_ns(static_cast<std::size_t>(n)), published_ns(static_cast<std::size_t>(n)) {}
  std::vector<std::atomic<int>> seen;
  std::vector<std::int64_t> handled_ns;    // written by the consumer thread
  std::vector<std::int64_t> published_ns;  // written by the publisher before it publishes
  std::atomic<std::int64_t> handled{0};    // deliveries of this round's ids
  std::atomic<std::int64_t> foreign{0};    // deliveries of anything else

  void See(std::string_view id, int round) {
    const int i = IndexOf(id, round, static_cast<int>(seen.size()));
    if (i < 0) {
      foreign++;
      return;
    }
    if (seen[static_cast<std::size_t>(i)].fetch_add(1) == 0) handled_ns[static_cast<std::size_t>(i)] = NowNs();
    handled++;
  }
};

struct Result {
  double events_per_s = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::int64_t handled = 0, unique = 0, duplicates = 0, missing = 0, foreign = 0, left_in_queue = 0;
  double seconds = 0;
  double published_per_s = 0;  ///< first publish to the last batch confirmed: the publisher alone
  bool ok() const { return duplicates == 0 && missing == 0 && foreign == 0 && left_in_queue == 0; }
};

/// Waits until every id was handled, or nothing moved for `timeout`; then a little longer, so a
/// duplicate that is on its way is counted too.
void WaitForAll(Tally& t, std::int64_t n, std::chrono::seconds timeout) {
  std::int64_t last = -1;
  auto last_change = Clock::now();
  while (t.handled.load() < n) {
    const auto h = t.handled.load();
    if (h != last) {
      last = h;
      last_change = Clock::now();
    } else if (Clock::now() - last_change > timeout) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
}

Result Summarize(Tally& t, std::int64_t first_publish_ns, std::int64_t confirmed_ns) {
  Result r;
  const std::size_t n = t.seen.size();
  std::vector<double> lat;
  lat.reserve(n);
  std::int64_t last_ns = first_publish_ns;
  for (std::size_t i = 0; i < n; ++i) {
    const int c = t.seen[i].load();
    if (c == 0) {
      r.missing++;
      continue;
    }
    r.unique++;
    r.duplicates += c - 1;
    lat.push_back(static_cast<double>(t.handled_ns[i] - t.published_ns[i]) / 1e6);
    last_ns = std::max(last_ns, t.handled_ns[i]);
  }
  r.handled = t.handled.load();
  r.foreign = t.foreign.load();
  r.seconds = static_cast<double>(last_ns - first_publish_ns) / 1e9;
  r.events_per_s = r.seconds > 0 ? static_cast<double>(r.unique) / r.seconds : 0;
  const double publish_s = static_cast<double>(confirmed_ns - first_publish_ns) / 1e9;
  r.published_per_s = publish_s > 0 ? static_cast<double>(n) / publish_s : 0;
  if (!lat.empty()) {
    std::sort(lat.begin(), lat.end());
    auto pct = [&](double p) {
      const auto k = static_cast<std::size_t>(p * static_cast<double>(lat.size() - 1) + 0.5);
      return lat[std::min(k, lat.size() - 1)];
    };
    r.p50_ms = pct(0.50);
    r.p99_ms = pct(0.99);
    r.max_ms = lat.back();
  }
  return r;
}

// --- plain librabbitmq ---------------------------------------------------------------------------

constexpr amqp_channel_t kChannel = 1;
constexpr const char* kRawExchange = "bench.raw.events";
constexpr const char* kRawQueue = "bench.raw";
constexpr const char* kBusConsumer = "bench_bus";

amqp_bytes_t Bytes(const std::string& s) { return amqp_bytes_t{s.size(), const_cast<char*>(s.data())}; }
std::string Str(amqp_bytes_t b) { return b.bytes ? std::string(static_cast<const char*>(b.bytes), b.len) : std::string(); }

std::string ReplyText(const amqp_rpc_reply_t& r) {
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL: return "ok";
    case AMQP_RESPONSE_NONE: return "no reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: return amqp_error_string2(r.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        auto* m = static_cast<amqp_connection_close_t*>(r.reply.decoded);
        return fmt::format("connection closed: {} {}", m->reply_code, Str(m->reply_text));
      }
      if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        auto* m = static_cast<amqp_channel_close_t*>(r.reply.decoded);
        return fmt::format("channel closed: {} {}", m->reply_code, Str(m->reply_text));
      }
      return fmt::format("broker method {:#x}", r.reply.id);
  }
  return "?";
}

/// A plain librabbitmq connection with channel 1 open — nothing of vetahut's bus code.
class RawConnection {
 public:
  explicit RawConnection(const std::string& url) : conn_(amqp_new_connection()) {
    std::string buffer = url;
    amqp_connection_info info;
    amqp_default_connection_info(&info);
    if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) throw std::runtime_error("not an AMQP URL: " + url);
    amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
    if (!socket) throw std::runtime_error("amqp_tcp_socket_new failed");
    if (int s = amqp_socket_open(socket, info.host, info.port); s != AMQP_STATUS_OK) {
      throw std::runtime_error(fmt::format("cannot connect to {}:{}: {}", info.host, info.port, amqp_error_string2(s)));
    }
    Check(amqp_login(conn_, info.vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password), "login");
    amqp_channel_open(conn_, kChannel);
    CheckRpc("channel.open");
  }
  ~RawConnection() {
    amqp_channel_close(conn_, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  amqp_connection_state_t get() const { return conn_; }
  void Check(const amqp_rpc_reply_t& r, const char* what) {
    if (r.reply_type != AMQP_RESPONSE_NORMAL) throw std::runtime_error(fmt::format("{}: {}", what, ReplyText(r)));
  }
  void CheckRpc(const char* what) { Check(amqp_get_rpc_reply(conn_), what); }
  void CheckStatus(int s, const char* what) {
    if (s != AMQP_STATUS_OK) throw std::runtime_error(fmt::format("{}: {}", what, amqp_error_string2(s)));
  }
  /// Declares a durable queue (passive: only looks); returns its message count.
  std::int64_t Queue(const std::string& name, bool passive) {
    auto* ok = amqp_queue_declare(conn_, kChannel, Bytes(name), passive ? 1 : 0, 1, 0, 0, amqp_empty_table);
    CheckRpc("queue.declare");
    return ok ? static_cast<std::int64_t>(ok->message_count) : 0;
  }
  std::string ServerVersion() {
    const amqp_table_t* p = amqp_get_server_properties(conn_);
    for (int i = 0; p && i < p->num_entries; ++i) {
      if (Str(p->entries[i].key) == "version" && p->entries[i].value.kind == AMQP_FIELD_KIND_UTF8) {
        return Str(p->entries[i].value.value.bytes);
      }
    }
    return "?";
  }

 private:
  amqp_connection_state_t conn_;
};

/// The reference consumer: basic.qos(prefetch), basic.consume with manual acks, one ack per delivery.
void RawConsume(const std::string& url, int prefetch, int round, Tally& tally, std::atomic<bool>& ready,
                std::atomic<bool>& stop, std::string& error) {
  try {
    RawConnection c(url);
    amqp_basic_qos(c.get(), kChannel, 0, static_cast<std::uint16_t>(prefetch), 0);
    c.CheckRpc("basic.qos");
    amqp_basic_consume(c.get(), kChannel, amqp_cstring_bytes(kRawQueue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    c.CheckRpc("basic.consume");
    ready = true;
    while (!stop) {
      amqp_maybe_release_buffers(c.get());
      amqp_envelope_t envelope;
      struct timeval tv {0, 100000};
      const amqp_rpc_reply_t r = amqp_consume_message(c.get(), &envelope, &tv, 0);
      if (r.reply_type == AMQP_RESPONSE_NORMAL) {
        const auto& p = envelope.message.properties;
        const std::string id = (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) ? Str(p.message_id) : std::string();
        tally.See(id, round);
        c.CheckStatus(amqp_basic_ack(c.get(), kChannel, envelope.delivery_tag, 0), "basic.ack");
        amqp_destroy_envelope(&envelope);
        continue;
      }
      if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT) continue;
      if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        amqp_frame_t frame;
        c.CheckStatus(amqp_simple_wait_frame(c.get(), &frame), "reading a frame");
        if (frame.frame_type == AMQP_FRAME_METHOD &&
            (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD || frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD ||
             frame.payload.method.id == AMQP_BASIC_CANCEL_METHOD)) {
          throw std::runtime_error(fmt::format("consumer: the broker sent method {:#x}", frame.payload.method.id));
        }
        continue;
      }
      throw std::runtime_error("consumer: " + ReplyText(r));
    }
  } catch (const std::exception& e) {
    error = e.what();
    ready = true;
  }
}

/// The reference publisher: a confirm-mode channel; each batch is published, then every confirm
/// of it awaited (as AmqpBus::Publish does with its batch).
class RawPublisher {
 public:
  RawPublisher(const std::string& url, int confirm_timeout_s) : c_(url), confirm_timeout_s_(confirm_timeout_s) {
    amqp_confirm_select(c_.get(), kChannel);
    c_.CheckRpc("confirm.select");
  }

  void PublishBatch(const std::vector<bus::CloudEvent>& events, const std::vector<std::string>& bodies, std::size_t from,
                    std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      const auto& e = events[i];
      amqp_basic_properties_t p{};
      p._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                 AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG;
      p.content_type = amqp_cstring_bytes("application/cloudevents+json");
      p.delivery_mode = 2;  // persistent, as the bus's events
      p.message_id = Bytes(e.id);
      p.type = Bytes(e.type);
      p.timestamp = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(e.time.time_since_epoch()).count());
      c_.CheckStatus(amqp_basic_publish(c_.get(), kChannel, amqp_cstring_bytes(kRawExchange), Bytes(e.type), 1, 0, &p,
                                        Bytes(bodies[i])),
                     "basic.publish");
      unconfirmed_.insert(next_seq_++);
    }
    WaitConfirms();
  }

 private:
  void WaitConfirms() {
    while (!unconfirmed_.empty()) {
      amqp_maybe_release_buffers(c_.get());
      amqp_frame_t frame;
      struct timeval tv {confirm_timeout_s_, 0};
      const int s = amqp_simple_wait_frame_noblock(c_.get(), &frame, &tv);
      if (s == AMQP_STATUS_TIMEOUT) throw std::runtime_error(fmt::format("publisher: no confirm within {} s", confirm_timeout_s_));
      c_.CheckStatus(s, "publisher: waiting for confirms");
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      switch (frame.payload.method.id) {
        case AMQP_BASIC_ACK_METHOD: {
          auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
          Settle(ack->delivery_tag, ack->multiple != 0);
          break;
        }
        case AMQP_BASIC_NACK_METHOD:
          throw std::runtime_error("publisher: the broker nacked a message");
        case AMQP_BASIC_RETURN_METHOD:
          throw std::runtime_error("publisher: a message was returned (not routed to the queue)");
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD:
          throw std::runtime_error("publisher: the broker closed the channel");
        default:
          break;
      }
    }
  }
  void Settle(std::uint64_t tag, bool multiple) {
    if (multiple) {
      unconfirmed_.erase(unconfirmed_.begin(), unconfirmed_.upper_bound(tag));
    } else {
      unconfirmed_.erase(tag);
    }
  }

  RawConnection c_;
  int confirm_timeout_s_;
  std::set<std::uint64_t> unconfirmed_;
  std::uint64_t next_seq_ = 1;
};

void DeclareRaw(const std::string& url) {
  RawConnection c(url);
  amqp_exchange_declare(c.get(), kChannel, amqp_cstring_bytes(kRawExchange), amqp_cstring_bytes("topic"), 0, 1, 0, 0,
                        amqp_empty_table);
  c.CheckRpc("exchange.declare");
  c.Queue(kRawQueue, false);
  amqp_queue_bind(c.get(), kChannel, amqp_cstring_bytes(kRawQueue), amqp_cstring_bytes(kRawExchange),
                  amqp_cstring_bytes(kType), amqp_empty_table);
  c.CheckRpc("queue.bind");
  amqp_queue_purge(c.get(), kChannel, amqp_cstring_bytes(kRawQueue));
  c.CheckRpc("queue.purge");
}

// --- the two variants ----------------------------------------------------------------------------

Result RunRaw(const Options& o, int round, int n) {
  const auto events = MakeEvents(round, n);
  std::vector<std::string> bodies;
  bodies.reserve(events.size());
  for (const auto& e : events) bodies.push_back(e.ToJson());  // the bytes the bus would send
  Tally tally(n);
  std::atomic<bool> ready{false}, stop{false};
  std::string consumer_error;
  std::thread consumer([&] { RawConsume(o.url, o.prefetch, round, tally, ready, stop, consumer_error); });
  while (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!consumer_error.empty()) {
    consumer.join();
    throw std::runtime_error(consumer_error);
  }
  std::int64_t first = 0, confirmed = 0;
  {
    RawPublisher publisher(o.url, o.timeout_s);
    first = NowNs();
    for (std::size_t from = 0; from < events.size(); from += static_cast<std::size_t>(o.batch)) {
      const std::size_t to = std::min(events.size(), from + static_cast<std::size_t>(o.batch));
      const std::int64_t t = NowNs();
      for (std::size_t i = from; i < to; ++i) tally.published_ns[i] = t;
      publisher.PublishBatch(events, bodies, from, to);
    }
    confirmed = NowNs();
  }
  WaitForAll(tally, n, std::chrono::seconds(o.timeout_s));
  stop = true;
  consumer.join();
  if (!consumer_error.empty()) throw std::runtime_error(consumer_error);
  Result r = Summarize(tally, first, confirmed);
  RawConnection c(o.url);
  r.left_in_queue = c.Queue(kRawQueue, true);
  return r;
}

Result RunBus(const Options& o, int round, int n) {
  const auto events = MakeEvents(round, n);
  std::vector<std::vector<bus::CloudEvent>> batches;
  for (std::size_t from = 0; from < events.size(); from += static_cast<std::size_t>(o.batch)) {
    const std::size_t to = std::min(events.size(), from + static_cast<std::size_t>(o.batch));
    batches.emplace_back(events.begin() + static_cast<std::ptrdiff_t>(from), events.begin() + static_cast<std::ptrdiff_t>(to));
  }
  Tally tally(n);
  bus::AmqpBusOptions options;
  options.prefetch = o.prefetch;
  // vetahut waits 5 s for a batch's confirms, then the outbox relay publishes the batch again;
  // here a broker slowed down by a busy machine slows the round instead of failing it (both
  // variants wait up to --timeout).
  options.confirm_timeout = std::chrono::seconds(o.timeout_s);
  std::int64_t first = 0, confirmed = 0;
  {
    bus::AmqpBus bus(o.url, options);
    // The same consumer every round: its queue stays bound and is empty between rounds (a queue
    // per round would leave the earlier rounds' queues bound, receiving copies).
    bus.Subscribe({kBusConsumer, {kType}, [&](const bus::CloudEvent& e) -> core::Status {
                     tally.See(e.id, round);
                     return core::Ok();
                   }});
    bus.Start();
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (!bus.ConsumersReady()) {
      if (Clock::now() > deadline) throw std::runtime_error("the bus consumer did not connect within 30 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    first = NowNs();
    std::size_t at = 0;
    for (const auto& batch : batches) {
      const std::int64_t t = NowNs();
      for (std::size_t i = 0; i < batch.size(); ++i) tally.published_ns[at + i] = t;
      bus.Publish(batch);
      at += batch.size();
    }
    confirmed = NowNs();
    WaitForAll(tally, n, std::chrono::seconds(o.timeout_s));
    bus.Stop();
  }
  Result r = Summarize(tally, first, confirmed);
  RawConnection c(o.url);
  r.left_in_queue = c.Queue(bus::AmqpNames::Queue(kBusConsumer), true);
  return r;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

int Run(int argc, char** argv) {
  Options o;
  if (const char* u = std::getenv("VETAHUT_TEST_AMQP_URL")) o.url = u;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "-h" || flag == "--help") {
      Usage();
      return 0;
    }
    if (i + 1 >= argc) {
      std::cerr << "bus_vs_rabbitmq: " << flag << " needs a value (see --help)\n";
      return 2;
    }
    const std::string value = argv[++i];
    if (flag == "--url") o.url = value;
    else if (flag == "--messages") o.messages = std::stoi(value);
    else if (flag == "--rounds") o.rounds = std::stoi(value);
    else if (flag == "--batch") o.batch = std::stoi(value);
    else if (flag == "--prefetch") o.prefetch = std::stoi(value);
    else if (flag == "--warmup") o.warmup = std::stoi(value);
    else if (flag == "--timeout") o.timeout_s = std::stoi(value);
    else {
      std::cerr << "bus_vs_rabbitmq: unknown flag " << flag << " (see --help)\n";
      return 2;
    }
  }
  if (o.url.empty()) {
    std::cerr << "bus_vs_rabbitmq: no broker: pass --url or run inside scripts/with-rabbitmq.sh\n";
    return 2;
  }
  if (o.messages < 1 || o.rounds < 1 || o.batch < 1 || o.prefetch < 1 || o.prefetch > 65535 || o.warmup < 0 ||
      o.timeout_s < 1 || o.messages > 99999999 || o.rounds > 98) {
    std::cerr << "bus_vs_rabbitmq: --messages, --rounds, --batch, --prefetch (<= 65535), --timeout must be positive\n";
    return 2;
  }
  log::SetLevel(log::Level::kWarn);

  DeclareRaw(o.url);
  std::string version;
  {
    RawConnection c(o.url);
    version = c.ServerVersion();
  }
  const std::size_t size = MakeEvents(0, 1).front().ToJson().size();
  fmt::print("==> RabbitMQ bus vs plain librabbitmq: {} messages per round, {} round(s), alternating bus, raw\n", o.messages,
             o.rounds);
  fmt::print("    message: order.confirmed CloudEvent, {} B envelope, persistent, durable queue; batch {} with confirms; "
             "prefetch {}, one ack per delivery\n",
             size, o.batch, o.prefetch);
  fmt::print("    broker: RabbitMQ {} (librabbitmq {})\n", version, amqp_version());
  {
    // What the bus does per message that the reference does not: the envelope is serialized on
    // publish and parsed (and checked) before the handler. Timed alone, on one thread.
    const auto sample = MakeEvents(0, 2000);
    std::vector<std::string> json;
    const auto t0 = Clock::now();
    for (const auto& e : sample) json.push_back(e.ToJson());
    const auto t1 = Clock::now();
    std::size_t ok = 0;
    for (const auto& j : json) ok += bus::CloudEvent::FromJson(j).has_value() ? 1 : 0;
    const auto t2 = Clock::now();
    const auto us = [&](auto d) { return std::chrono::duration<double, std::micro>(d).count() / static_cast<double>(sample.size()); };
    fmt::print("    CPU per message, alone: CloudEvent::ToJson {:.1f} µs, CloudEvent::FromJson {:.1f} µs ({} parsed)\n", us(t1 - t0),
               us(t2 - t1), ok);
  }

  // Round 0 is the warm-up: both paths once (connections, queues, the broker's JIT and caches).
  if (o.warmup > 0) {
    for (int v = 0; v < 2; ++v) {
      const Result w = v == 0 ? RunBus(o, 99, o.warmup) : RunRaw(o, 99, o.warmup);
      fmt::print("warm-up: {} {} messages, {:.0f}/s\n", v == 0 ? "bus" : "raw", o.warmup, w.events_per_s);
      if (!w.ok()) {
        fmt::print(stderr, "bus_vs_rabbitmq: the warm-up of the {} lost or duplicated messages\n", v == 0 ? "bus" : "raw");
        return 1;
      }
    }
  }

  std::vector<Result> bus_results, raw_results;
  bool ok = true;
  auto report = [&](const char* name, int round, const Result& r) {
    fmt::print("round {}/{}: {:<3}  {:8.0f} events/s  (published {:.0f}/s)  p50 {:7.2f} ms  p99 {:7.2f} ms  max {:7.2f} ms  "
               "handled {} (unique {}, duplicates {}, missing {}, other {}, left in queue {})\n",
               round, o.rounds, name, r.events_per_s, r.published_per_s, r.p50_ms, r.p99_ms, r.max_ms, r.handled, r.unique,
               r.duplicates, r.missing, r.foreign, r.left_in_queue);
    if (!r.ok()) {
      fmt::print(stderr, "bus_vs_rabbitmq: {} round {}: the consumer did not see every message exactly once\n", name, round);
      ok = false;
    }
  };
  for (int round = 1; round <= o.rounds; ++round) {
    try {
      bus_results.push_back(RunBus(o, round, o.messages));
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("bus, round {}: {}", round, e.what()));
    }
    report("bus", round, bus_results.back());
    try {
      raw_results.push_back(RunRaw(o, round, o.messages));
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("raw, round {}: {}", round, e.what()));
    }
    report("raw", round, raw_results.back());
  }

  fmt::print("\n| round | variant | events/s | published/s | p50 | p99 | handled once | duplicates | missing | bus/raw |\n");
  fmt::print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::vector<double> ratios, bus_eps, raw_eps, bus_p50, raw_p50, bus_p99, raw_p99;
  for (int i = 0; i < o.rounds; ++i) {
    const Result& b = bus_results[static_cast<std::size_t>(i)];
    const Result& r = raw_results[static_cast<std::size_t>(i)];
    const double ratio = r.events_per_s > 0 ? b.events_per_s / r.events_per_s : 0;
    ratios.push_back(ratio);
    bus_eps.push_back(b.events_per_s);
    raw_eps.push_back(r.events_per_s);
    bus_p50.push_back(b.p50_ms);
    raw_p50.push_back(r.p50_ms);
    bus_p99.push_back(b.p99_ms);
    raw_p99.push_back(r.p99_ms);
    fmt::print("| {} | vetahut AmqpBus | {:.0f} | {:.0f} | {:.2f} ms | {:.2f} ms | {} | {} | {} | {:.2f}× |\n", i + 1,
               b.events_per_s, b.published_per_s, b.p50_ms, b.p99_ms, b.unique, b.duplicates, b.missing, ratio);
    fmt::print("| {} | plain librabbitmq | {:.0f} | {:.0f} | {:.2f} ms | {:.2f} ms | {} | {} | {} | |\n", i + 1,
               r.events_per_s, r.published_per_s, r.p50_ms, r.p99_ms, r.unique, r.duplicates, r.missing);
  }
  const double bm = Median(bus_eps), rm = Median(raw_eps);
  fmt::print("| median | vetahut AmqpBus | {:.0f} | | {:.2f} ms | {:.2f} ms | | | | {:.2f}× |\n", bm, Median(bus_p50),
             Median(bus_p99), rm > 0 ? bm / rm : 0);
  fmt::print("| median | plain librabbitmq | {:.0f} | | {:.2f} ms | {:.2f} ms | | | | |\n", rm, Median(raw_p50),
             Median(raw_p99));
  fmt::print("\nbus/raw = {:.2f}× (median events/s {:.0f} vs {:.0f}); per-round ratios: median {:.2f}×, range {:.2f}×–{:.2f}×\n",
             rm > 0 ? bm / rm : 0, bm, rm, Median(ratios), *std::min_element(ratios.begin(), ratios.end()),
             *std::max_element(ratios.begin(), ratios.end()));
  fmt::print("every message seen exactly once, nothing left in a queue: {}\n", ok ? "yes" : "NO");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace vetahut::bench

int main(int argc, char** argv) {
  try {
    return vetahut::bench::Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bus_vs_rabbitmq: %s\n", e.what());
    return 1;
  }
}
