#pragma once
/// RED metrics for HTTP: requests, errors and latency per route, fed once per response by the
/// server's observer (so 404s, 413s and timeouts are counted too).
#include <chrono>
#include <string_view>

#include "lib/metrics/registry.hpp"

namespace vetahut::metrics {

class HttpMetrics {
 public:
  /// Registers http_requests_total, http_request_errors_total and
  /// http_request_duration_seconds in `registry`.
  explicit HttpMetrics(Registry& registry);
  /// Records one response. `route` is the route pattern (never the raw path, to bound cardinality).
  void Record(std::string_view method, std::string_view route, int status, std::chrono::nanoseconds duration);

 private:
  CounterFamily& requests_;
  CounterFamily& errors_;
  HistogramFamily& duration_;
};

}  // namespace vetahut::metrics
