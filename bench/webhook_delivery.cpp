// Partner webhooks (issue 13): how many events a second the integration module delivers to a
// receiver on loopback — each one logged, queued, read back in order, signed (Standard Webhooks),
// POSTed and recorded — side by side with the same number of signed POSTs sent straight from an
// HTTP client to the same receiver (no database, no queue): the ratio is what the durable,
// ordered, at-least-once queue costs.
//
// The real WebhookService and WebhookSender on a real database (a SQLite file in a temporary
// directory, or `--db URL`), a receiver from lib/http answering 204, rounds alternating A (the
// module) and B (the reference) so machine noise hits both alike. With --subscriptions N, N
// subscriptions receive every event and N sender threads deliver in parallel (order holds per
// subscription).
//
// Not a test and not registered with ctest: run it, read the table (docs/benchmarks.md,
// "Partner webhooks: deliveries per second").
//
//   build/release/bench/webhook_delivery [--events 2000] [--rounds 5] [--subscriptions 1] [--db URL]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "lib/bus/cloud_event.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "lib/http/client.hpp"
#include "lib/http/server.hpp"
#include "lib/log/log.hpp"
#include "migrations/integration.hpp"
#include "services/integration/signature.hpp"
#include "services/integration/webhook_sender.hpp"
#include "services/integration/webhook_service.hpp"

namespace vetahut::integration {
namespace {

using Clock = std::chrono::steady_clock;

class NoResolver final : public HostResolver {
 public:
  core::Result<std::vector<std::string>> Resolve(const std::string&) override { return std::vector<std::string>{"127.0.0.1"}; }
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

int Run(int argc, char** argv) {
  int events = 2000, rounds = 5, subscriptions = 1;
  std::string db_url;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--events") events = std::stoi(argv[i + 1]);
    else if (flag == "--rounds") rounds = std::stoi(argv[i + 1]);
    else if (flag == "--subscriptions") subscriptions = std::stoi(argv[i + 1]);
    else if (flag == "--db") db_url = argv[i + 1];
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  log::SetLevel(log::Level::kError);
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("vetahut-webhook-bench-{}", std::random_device{}());
  std::filesystem::create_directories(dir);
  if (db_url.empty()) db_url = "sqlite:" + (dir / "bench.db").string();
  auto db = db::Database::Open(db_url);
  for (const char* t : {"integration_subscriptions", "integration_deliveries", "integration_sales", "integration_refunds",
                        "integration_journals", "integration_events"}) {
    db->Exec(std::string("DROP TABLE IF EXISTS ") + t);
  }
  db->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
           "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
  db->Exec("DELETE FROM schema_migrations WHERE module = 'integration'");
  db::Migrate(*db, Migrations());

  http::Router router;
  std::atomic<std::int64_t> received{0};
  router.Post("/hook", [&received](http::Request&) -> core::Result<http::Response> {
    ++received;
    return http::Response::NoContent();
  });
  http::ServerOptions server_options;
  server_options.io_threads = 1;
  server_options.worker_threads = 4;
  http::Server server(server_options, router);
  server.Start();
  const std::string url = fmt::format("http://127.0.0.1:{}/hook", server.port());

  const core::Clock& clock = core::SystemClock::Instance();
  core::IdGenerator ids(clock);
  NoResolver resolver;
  WebhookOptions options;
  options.allow_private_targets = true;
  WebhookService webhooks(*db, clock, ids, resolver, {{"com.vetahut.order.status_changed", ""}}, options);
  WebhookSender sender(*db, clock, webhooks, "bench");
  std::vector<std::string> secrets;
  for (int s = 0; s < subscriptions; ++s) {
    auto created = webhooks.Create({url, "bench", {"com.vetahut.order.*"}, true}, "bench");
    if (!created) throw std::runtime_error(created.error().detail);
    secrets.push_back(created->secret);
  }
  const std::string data = R"({"order_id":"ord_01JDQ3Z6Y9T3V6X2K8M4N0P7QR","store_id":"str_01JDQ3Z6Y9T3V6X2K8M4N0P7QS","number":42,)"
                           R"("type":"carryout","status":"ready","previous_status":"baking","reason":"","at":"2026-11-26T18:00:00.000Z"})";

  fmt::print("webhook delivery: {} events x {} subscription(s) per round, {} rounds, {}\n", events, subscriptions, rounds,
             db::EngineName(db->engine()));
  fmt::print("{:>5} {:>14} {:>14} {:>16} {:>7}\n", "round", "queued ev/s", "module ev/s", "direct POST/s", "ratio");
  std::vector<double> ratios, module_rates, direct_rates;
  http::HttpClient direct;
  const auto key = *WebhookKey(secrets[0]);
  for (int round = 1; round <= rounds; ++round) {
    // A: the module. Queue as the consumer does (one transaction per event), then deliver.
    const auto queue_start = Clock::now();
    for (int i = 0; i < events; ++i) {
      auto tx = db->Begin();
      webhooks.Record(tx, bus::MakeEvent(ids, clock, "/vetahut/order", "com.vetahut.order.status_changed", "ord_1", data));
      tx.Commit();
    }
    const double queued = events / std::chrono::duration<double>(Clock::now() - queue_start).count();
    const std::int64_t want = received.load() + static_cast<std::int64_t>(events) * subscriptions;
    const auto a_start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < subscriptions; ++t) {
      threads.emplace_back([&, t] {
        while (received.load() < want) {
          const auto next = sender.Round(t + 1);
          if (next.wait && *next.wait > std::chrono::milliseconds(0)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      });
    }
    for (auto& t : threads) t.join();
    const double module_rate = events * subscriptions / std::chrono::duration<double>(Clock::now() - a_start).count();

    // B: the same number of signed POSTs straight from a client, one subscription's worth per thread.
    const auto b_start = Clock::now();
    threads.clear();
    for (int t = 0; t < subscriptions; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < events; ++i) {
          const auto event = bus::MakeEvent(ids, clock, "/vetahut/order", "com.vetahut.order.status_changed", "ord_1", data);
          const std::string& id = event.id;
          const std::string body = event.ToJson();
          const auto ts = std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
          auto r = direct.Post(url, body, {{"Content-Type", "application/cloudevents+json"}, {"webhook-id", id},
                                           {"webhook-timestamp", std::to_string(ts)},
                                           {"webhook-signature", SignWebhook(key, id, ts, body)}});
          if (!r) throw std::runtime_error(r.error().detail);
        }
      });
    }
    for (auto& t : threads) t.join();
    const double direct_rate = events * subscriptions / std::chrono::duration<double>(Clock::now() - b_start).count();
    module_rates.push_back(module_rate);
    direct_rates.push_back(direct_rate);
    ratios.push_back(module_rate / direct_rate);
    fmt::print("{:>5} {:>14.0f} {:>14.0f} {:>16.0f} {:>7.2f}\n", round, queued, module_rate, direct_rate, ratios.back());
  }
  fmt::print("median: module {:.0f} ev/s, direct {:.0f} POST/s, ratio {:.2f} (range {:.2f}–{:.2f})\n", Median(module_rates),
             Median(direct_rates), Median(ratios), *std::min_element(ratios.begin(), ratios.end()),
             *std::max_element(ratios.begin(), ratios.end()));
  server.Stop();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace vetahut::integration

int main(int argc, char** argv) { return vetahut::integration::Run(argc, argv); }
