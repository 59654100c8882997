// Notifications to a real SMTP server (issue 13): how many confirmation emails per second the
// notification module sustains into aiosmtpd, and how long from `order.confirmed` being published
// to the mail server accepting the email (p50/p95/p99) — side by side with a reference: the same
// message sent by the same libcurl SMTP adapter in a bare loop (no bus, no database, no
// templates), which is what one connection to this server can take.
//
// The pipeline is the real one: the in-process bus with the module's consumer (inbox + delivery
// rows in one transaction), the sender task woken after each commit, ctemplate rendering in
// Spanish, the SMTP adapter keeping one session. The sink is `python3 -m aiosmtpd` with its Mailbox
// handler (each message written to a Maildir before the 250), started here on loopback.
//
// Not a test and not registered with ctest: run it, read the table (docs/benchmarks.md,
// "Notifications: confirmation emails into an SMTP server").
//
//   build/release/bench/notification_bench [--messages 1000] [--rounds 3] [--rate 20]
//       [--latency-messages 300] [--db URL]
// --db: a throwaway database (its notification and bus tables are dropped); default a SQLite file
// in a temporary directory.
#include <fmt/format.h>

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "lib/bus/event_bus.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "lib/log/log.hpp"
#include "lib/task/periodic_task.hpp"
#include "services/notification/channels/smtp_channel.hpp"
#include "services/notification/fake_clients.hpp"
#include "services/notification/notification_service.hpp"
#include "smtp_sink.hpp"

namespace vetahut::notification {
namespace {

using namespace std::chrono;
namespace fs = std::filesystem;

constexpr const char* kStore = "str_bench";

order::events::OrderConfirmed Confirmed(core::IdGenerator& ids, const std::string& customer,
                                        int n) {
  order::events::OrderConfirmed o;
  o.order_id = ids.Next("ord");
  o.store_id = kStore;
  o.customer_id = customer;
  o.number = n;
  o.type = "carryout";
  o.channel = "web";
  o.placed_at = core::FormatRfc3339(core::SystemClock::Instance().Now());
  o.promised_at = core::FormatRfc3339(core::SystemClock::Instance().Now() + minutes(20));
  o.payment_method = "card";
  for (auto* m : {&o.subtotal, &o.discount_total, &o.tax_total, &o.delivery_fee, &o.tip, &o.total})
    *m = {0, "USD"};
  o.subtotal.amount = 2598;
  o.tax_total.amount = 231;
  o.total.amount = 2829;
  for (int i = 0; i < 2; ++i) {
    order::events::Line line;
    line.index = i;
    line.name = i == 0 ? "Pepperoni Pizza" : "Cheese Pizza";
    line.unit_price = line.line_total = {1299, "USD"};
    line.items.push_back({"pizza",
                          line.name,
                          "pizzas",
                          "pizza",
                          "large",
                          "Large",
                          "hand_tossed",
                          "Hand-tossed",
                          {{"mozzarella", "Mozzarella", "whole", "normal"},
                           {"pepperoni", "Pepperoni", "left", "extra"}},
                          {}});
    o.lines.push_back(line);
  }
  return o;
}

struct Percentiles {
  double p50 = 0, p95 = 0, p99 = 0, max = 0;
};

Percentiles Of(std::vector<double> ms) {
  if (ms.empty()) return {};
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
  };
  return {at(0.50), at(0.95), at(0.99), ms.back()};
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

/// The notification pipeline on a fresh database.
class Pipeline {
 public:
  Pipeline(const std::string& db_url, const std::string& smtp_url) {
    db_ = db::Database::Open(db_url, db::DatabaseOptions{.pool_size = 8});
    for (const char* t :
         {"notification_deliveries", "notification_items", "notification_preferences",
          "notification_orders", "notification_outbox", "notification_outbox_lease",
          "notification_inbox", "bus_queue", "bus_dead_letters", "bus_consumers"}) {
      db_->Exec(std::string("DROP TABLE IF EXISTS ") + t);
    }
    db_->Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT "
        "NULL, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
    db_->Exec("DELETE FROM schema_migrations WHERE module IN ('notification', 'bus')");
    db::Migrate(*db_, AllMigrations());
    db::Migrate(*db_, bus::BusMigrations());
    auto templates = TemplateSet::Load(EmbeddedTemplates());
    if (!templates) throw std::runtime_error(templates.error().detail);
    ChannelAdapters adapters;
    SmtpOptions smtp;
    smtp.url = smtp_url;
    smtp.from_address = "orders@vetahut.test";
    smtp.from_name = "Veta Hut";
    adapters.email = std::make_unique<SmtpChannel>(smtp);
    customers_.contacts["cus_bench"] = {
        "cus_bench", "cus_bench@example.test", "Ana Núñez", "+12125550004", true, false};
    NotificationOptions options;
    options.email_throttle = {1000000, seconds(3600)};  // one bench customer receives them all
    service_ = std::make_unique<NotificationService>(
        *db_, core::SystemClock::Instance(), ids_, NotificationClients{stores_, customers_},
        *templates, std::move(adapters), options, nullptr);
    Preferences p;
    p.locale = "es";
    p.transactional = {true, false, false};  // email only: what is measured is the mail path
    if (!service_->PutPreferences("cus_bench", p)) throw std::runtime_error("preferences");
    sender_ = std::make_unique<task::PeriodicTask>(
        task::TaskOptions{
            .name = "notification sender", .period = seconds(1), .run_at_start = true},
        [this] {
          const auto next = service_->SendDue();
          if (!next) return task::Next::Period();
          return task::Next::After(std::min<milliseconds>(*next, seconds(1)));
        });
    bus_ = std::make_unique<bus::InProcessBus>(*db_);
    auto consumer = MakeConsumer(*db_, *service_);
    consumer.AfterCommit([this] { sender_->Notify(); });
    bus_->Subscribe(std::move(consumer).Build());
    bus_->Start();
    sender_->Start();
  }
  ~Pipeline() {
    bus_->Stop();
    sender_->Stop();
  }

  /// Publishes `events` (as the order module's relay would: one batch) and returns their ids.
  void Publish(const std::vector<bus::CloudEvent>& events) { bus_->Publish(events); }
  bus::CloudEvent Event(int n) {
    return bus::MakeTypedEvent(ids_, core::SystemClock::Instance(), "ord",
                               Confirmed(ids_, "cus_bench", n));
  }
  std::int64_t Sent() {
    return db_->Query("SELECT COUNT(*) FROM notification_deliveries WHERE status = 'sent'")[0].Int(
        0);
  }
  std::int64_t NotSent() {
    return db_->Query("SELECT COUNT(*) FROM notification_deliveries WHERE status <> 'sent'")[0].Int(
        0);
  }
  std::map<std::string, std::int64_t> SentAt() {
    std::map<std::string, std::int64_t> out;
    for (const auto& r : db_->Query(
             "SELECT event_id, sent_us FROM notification_deliveries WHERE status = 'sent'")) {
      out[r.Text(0)] = r.Int(1);
    }
    return out;
  }
  bool WaitForSent(std::int64_t n, seconds timeout) {
    const auto deadline = steady_clock::now() + timeout;
    while (Sent() < n) {
      if (steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(milliseconds(2));
    }
    return true;
  }

 private:
  core::IdGenerator ids_{core::SystemClock::Instance()};
  testing::OneStore stores_{kStore};
  testing::InMemoryCustomers customers_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<NotificationService> service_;
  std::unique_ptr<task::PeriodicTask> sender_;
  std::unique_ptr<bus::InProcessBus> bus_;
};

int Run(int argc, char** argv) {
  int messages = 1000, rounds = 3, rate = 20, latency_messages = 300;
  std::string db_url;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--messages")
      messages = std::atoi(argv[i + 1]);
    else if (flag == "--rounds")
      rounds = std::atoi(argv[i + 1]);
    else if (flag == "--rate")
      rate = std::atoi(argv[i + 1]);
    else if (flag == "--latency-messages")
      latency_messages = std::atoi(argv[i + 1]);
    else if (flag == "--db")
      db_url = argv[i + 1];
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  log::SetLevel(log::Level::kWarn);
  const fs::path dir =
      fs::temp_directory_path() / fmt::format("vetahut-notification-bench-{}", ::getpid());
  fs::create_directories(dir);
  if (db_url.empty()) db_url = "sqlite:" + (dir / "bench.db").string();
  int round_no = 0;
  auto fresh_sink = [&] {
    return std::make_unique<vetahut::testing::SmtpSink>(dir /
                                                        fmt::format("maildir-{}", ++round_no));
  };

  // The message both sides send: the pipeline's own rendering of one confirmation.
  OutgoingMessage sample;
  {
    auto sink = fresh_sink();
    Pipeline once(db_url, sink->url());
    once.Publish({once.Event(1)});
    if (!once.WaitForSent(1, seconds(30)))
      throw std::runtime_error("the first message was not sent");
    auto mails = sink->Messages();
    if (mails.size() != 1) throw std::runtime_error("the sink did not get the first message");
    sample.delivery_id = "ntf_reference";
    sample.notification = "order_confirmed";
    sample.address = "cus_bench@example.test";
    sample.name = "Ana Núñez";
    sample.subject = mails[0].subject;
    sample.text = mails[0].text;
    sample.html = mails[0].html;
    sample.created_at = core::SystemClock::Instance().Now();
  }

  std::vector<double> reference_rates, pipeline_rates, ratios;
  std::vector<double> reference_send_ms;
  fmt::print("{:>5}  {:>16}  {:>16}  {:>6}\n", "round", "reference msg/s", "pipeline msg/s",
             "ratio");
  for (int round = 1; round <= rounds; ++round) {
    double reference = 0;
    {
      auto sink = fresh_sink();
      SmtpOptions smtp;
      smtp.url = sink->url();
      smtp.from_address = "orders@vetahut.test";
      smtp.from_name = "Veta Hut";
      SmtpChannel channel(smtp);
      const auto start = steady_clock::now();
      for (int i = 0; i < messages; ++i) {
        sample.dedupe_key = fmt::format("reference/{}/{}", round, i);
        const auto t0 = steady_clock::now();
        if (!channel.Send(sample)) throw std::runtime_error("reference send failed");
        reference_send_ms.push_back(duration<double, std::milli>(steady_clock::now() - t0).count());
      }
      reference = messages / duration<double>(steady_clock::now() - start).count();
    }
    double pipeline = 0;
    {
      auto sink = fresh_sink();
      Pipeline p(db_url, sink->url());
      std::vector<bus::CloudEvent> events;
      for (int i = 0; i < messages; ++i) events.push_back(p.Event(i + 1));
      const auto start = steady_clock::now();
      for (std::size_t i = 0; i < events.size(); i += 100) {
        p.Publish(std::vector<bus::CloudEvent>(
            events.begin() + static_cast<long>(i),
            events.begin() + static_cast<long>(std::min(events.size(), i + 100))));
      }
      if (!p.WaitForSent(messages, seconds(600)))
        throw std::runtime_error("not every message was sent");
      pipeline = messages / duration<double>(steady_clock::now() - start).count();
      if (p.NotSent() != 0) throw std::runtime_error("a message failed");
      const auto received = sink->Messages().size();
      if (received != static_cast<std::size_t>(messages)) {
        throw std::runtime_error(
            fmt::format("the sink has {} messages, not {}", received, messages));
      }
    }
    reference_rates.push_back(reference);
    pipeline_rates.push_back(pipeline);
    ratios.push_back(pipeline / reference);
    fmt::print("{:>5}  {:>16.0f}  {:>16.0f}  {:>6.2f}\n", round, reference, pipeline,
               pipeline / reference);
  }
  fmt::print(
      "median: reference {:.0f} msg/s, pipeline {:.0f} msg/s, ratio {:.2f} (per-round "
      "{:.2f}–{:.2f})\n",
      Median(reference_rates), Median(pipeline_rates), Median(ratios),
      *std::min_element(ratios.begin(), ratios.end()),
      *std::max_element(ratios.begin(), ratios.end()));

  // Latency at a steady rate well under capacity: published → accepted by the server.
  std::vector<double> latencies;
  {
    auto sink = fresh_sink();
    Pipeline p(db_url, sink->url());
    std::map<std::string, std::int64_t> published_us;
    const auto period = microseconds(1000000 / std::max(1, rate));
    auto next = steady_clock::now();
    for (int i = 0; i < latency_messages; ++i) {
      std::this_thread::sleep_until(next);
      next += period;
      auto e = p.Event(i + 1);
      published_us[e.id] = core::SystemClock::Instance().Now().time_since_epoch().count();
      p.Publish({e});
    }
    if (!p.WaitForSent(latency_messages, seconds(120)))
      throw std::runtime_error("not every message was sent");
    for (const auto& [event_id, sent_us] : p.SentAt())
      latencies.push_back((sent_us - published_us.at(event_id)) / 1000.0);
  }
  const auto l = Of(latencies);
  const auto r = Of(reference_send_ms);
  fmt::print(
      "order.confirmed → accepted by the sink, {} messages at {}/s: p50 {:.1f} ms, p95 {:.1f} ms, "
      "p99 {:.1f} ms, max {:.1f} ms\n",
      latencies.size(), rate, l.p50, l.p95, l.p99, l.max);
  fmt::print("reference (one SMTP send, back to back): p50 {:.1f} ms, p99 {:.1f} ms\n", r.p50,
             r.p99);
  fmt::print("machine: {} cores, {}; db {}\n", std::thread::hardware_concurrency(),
             db_url.starts_with("sqlite") ? "SQLite" : "PostgreSQL", db::RedactUrl(db_url));
  fs::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace vetahut::notification

int main(int argc, char** argv) {
  try {
    return vetahut::notification::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "notification_bench: " << e.what() << "\n";
    return 1;
  }
}
