#include "lib/metrics/registry.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "lib/metrics/http_metrics.hpp"

namespace vetahut::metrics {
namespace {

bool Contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(Registry, ExposesCountersAndGaugesWithLabels) {
  Registry registry;
  auto& orders = registry.AddCounter("orders_placed_total", "Orders placed.", {"store", "channel"});
  orders.WithLabels({"s1", "web"}).Inc();
  orders.WithLabels({"s1", "web"}).Inc(2);
  orders.WithLabels({"s2", "kiosk"}).Inc();
  registry.AddGauge("outbox_pending", "Events not yet published.").Get().Set(7);
  const std::string text = registry.Expose();
  EXPECT_TRUE(Contains(text, "# HELP orders_placed_total Orders placed.\n# TYPE orders_placed_total counter\n"));
  EXPECT_TRUE(Contains(text, "orders_placed_total{store=\"s1\",channel=\"web\"} 3\n"));
  EXPECT_TRUE(Contains(text, "orders_placed_total{store=\"s2\",channel=\"kiosk\"} 1\n"));
  EXPECT_TRUE(Contains(text, "# TYPE outbox_pending gauge\noutbox_pending 7\n"));
}

TEST(Registry, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry registry;
  auto& latency = registry.AddHistogram("db_query_seconds", "Query time.", {0.01, 0.1, 1});
  auto& h = latency.Get();
  h.Observe(0.005);
  h.Observe(0.05);
  h.Observe(0.05);
  h.Observe(5);
  const std::string text = registry.Expose();
  EXPECT_TRUE(Contains(text, "db_query_seconds_bucket{le=\"0.01\"} 1\n"));
  EXPECT_TRUE(Contains(text, "db_query_seconds_bucket{le=\"0.1\"} 3\n"));
  EXPECT_TRUE(Contains(text, "db_query_seconds_bucket{le=\"1\"} 3\n"));
  EXPECT_TRUE(Contains(text, "db_query_seconds_bucket{le=\"+Inf\"} 4\n"));
  EXPECT_TRUE(Contains(text, "db_query_seconds_sum 5.105\n"));
  EXPECT_TRUE(Contains(text, "db_query_seconds_count 4\n"));
}

TEST(Registry, EscapesLabelValues) {
  Registry registry;
  registry.AddCounter("x_total", "X.", {"path"}).WithLabels({"a\"b\\c\nd"}).Inc();
  EXPECT_TRUE(Contains(registry.Expose(), R"(x_total{path="a\"b\\c\nd"} 1)"));
}

TEST(Registry, RefusesBadAndDuplicateNames) {
  Registry registry;
  registry.AddCounter("requests_total", "R.");
  EXPECT_THROW(registry.AddCounter("requests_total", "again"), std::invalid_argument);
  EXPECT_THROW(registry.AddCounter("requests", "no _total suffix"), std::invalid_argument);
  EXPECT_THROW(registry.AddGauge("9lives", "bad"), std::invalid_argument);
  EXPECT_THROW(registry.AddGauge("g", "bad label", {"le"}), std::invalid_argument);
  auto& family = registry.AddCounter("labelled_total", "L.", {"a", "b"});
  EXPECT_THROW(family.WithLabels({"only-one"}), std::invalid_argument);
}

TEST(Registry, CollectorsRefreshGaugesBeforeExposition) {
  Registry registry;
  auto& lag = registry.AddGauge("outbox_lag_seconds", "Age of the oldest unsent event.").Get();
  int calls = 0;
  registry.OnCollect([&] { lag.Set(++calls * 1.5); });
  EXPECT_TRUE(Contains(registry.Expose(), "outbox_lag_seconds 1.5\n"));
  EXPECT_TRUE(Contains(registry.Expose(), "outbox_lag_seconds 3\n"));
}

TEST(Registry, CountsExactlyUnderConcurrency) {
  Registry registry;
  auto& c = registry.AddCounter("hits_total", "H.", {"route"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto& series = c.WithLabels({"/menu"});
      for (int i = 0; i < 10000; ++i) series.Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.WithLabels({"/menu"}).Value(), 40000);
}

TEST(HttpMetrics, RecordsRequestsErrorsAndLatencyPerRoute) {
  Registry registry;
  HttpMetrics http(registry);
  http.Record("GET", "/api/v1/stores/{store_id}", 200, std::chrono::milliseconds(3));
  http.Record("GET", "/api/v1/stores/{store_id}", 200, std::chrono::milliseconds(4));
  http.Record("POST", "unmatched", 503, std::chrono::milliseconds(1));
  const std::string text = registry.Expose();
  EXPECT_TRUE(Contains(text, "http_requests_total{method=\"GET\",route=\"/api/v1/stores/{store_id}\",status=\"200\"} 2\n"));
  EXPECT_TRUE(Contains(text, "http_request_errors_total{method=\"POST\",route=\"unmatched\"} 1\n"));
  EXPECT_TRUE(Contains(text, "http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/stores/{store_id}\"} 2\n"));
  EXPECT_TRUE(Contains(text, "http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/stores/{store_id}\",le=\"0.005\"} 2\n"));
}

}  // namespace
}  // namespace vetahut::metrics
