#include "lib/metrics/http_metrics.hpp"

#include <string>

namespace vetahut::metrics {

HttpMetrics::HttpMetrics(Registry& registry)
    : requests_(registry.AddCounter("http_requests_total", "HTTP requests answered, by route and status.",
                                    {"method", "route", "status"})),
      errors_(registry.AddCounter("http_request_errors_total",
                                  "HTTP requests answered with a 5xx status, by route.", {"method", "route"})),
      duration_(registry.AddHistogram("http_request_duration_seconds",
                                      "Time from request read to response ready, by route.", LatencyBuckets(),
                                      {"method", "route"})) {}

void HttpMetrics::Record(std::string_view method, std::string_view route, int status,
                         std::chrono::nanoseconds duration) {
  char status_text[4] = {char('0' + (status / 100) % 10), char('0' + (status / 10) % 10),
                         char('0' + status % 10), 0};
  requests_.WithLabels({method, route, std::string_view(status_text, 3)}).Inc();
  if (status >= 500) errors_.WithLabels({method, route}).Inc();
  duration_.WithLabels({method, route}).ObserveDuration(duration);
}

}  // namespace vetahut::metrics
