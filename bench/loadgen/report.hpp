#pragma once
/// What a run measured, and how it is shown: the per-step table, errors by kind, achieved vs
/// scheduled rates, a JSON summary, and the latency-over-time chart (gnuplot, SVG).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "histogram.hpp"
#include "http_engine.hpp"

namespace vetahut::loadgen {

/// Collects every answer of a run, by step, against the run's start.
class Recorder final {
 public:
  explicit Recorder(Time start) : start_(start) {}

  /// An answered request (whatever its status): its latency counts for the step.
  void Answered(std::string_view step, const HttpResponse& r);
  /// An error of `kind` for `step` ("http 503", "timeout", "stale menu", …).
  void Error(std::string_view step, std::string_view kind);
  /// A session or order milestone per second, for the rate chart ("sessions started", …).
  void Count(std::string_view series, Time at);

  Time start() const { return start_; }

  struct Sample {
    float at_s;  ///< intended send, seconds from the start
    std::int64_t latency_us;
  };
  struct Step {
    std::string name;
    LatencyHistogram histogram;
    std::vector<Sample> samples;
    std::uint64_t errors = 0;
  };
  const std::vector<Step>& steps() const { return steps_; }
  const std::map<std::string, std::uint64_t>& errors() const { return errors_; }
  const std::map<std::string, std::map<int, std::uint64_t>>& series() const { return series_; }

 private:
  Step& StepNamed(std::string_view name);
  Time start_;
  std::vector<Step> steps_;
  std::map<std::string, std::uint64_t> errors_;                 // "step: kind" → count
  std::map<std::string, std::map<int, std::uint64_t>> series_;  // series → second → count
};

struct StepReport {
  std::string name;
  std::uint64_t count = 0;  ///< answered
  std::uint64_t errors = 0;
  double per_second = 0;  ///< answered per second of the whole run (arrivals and drain)
  std::int64_t p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
};

struct Report {
  std::string scenario;
  std::string base_url;
  double window_s = 0;  ///< the arrival window (scenario phases, scaled)
  double wall_s = 0;    ///< start to last answer
  std::uint64_t sessions_scheduled = 0;
  double scheduled_mean_rate = 0, scheduled_peak_rate = 0;
  std::uint64_t sessions_started = 0, orders_placed = 0, handed_over = 0, sessions_failed = 0;
  std::uint64_t guest_orders = 0;  ///< of orders_placed, by guest checkout
  std::int64_t send_lag_p99_us = 0, send_lag_max_us = 0;  ///< the generator's own lateness
  LatencyHistogram handover;  ///< order placed → the tracker sees it handed over
  LatencyHistogram
      handoff_to_tracker;  ///< the cook's hand-over bump answered → the tracker sees picked_up
  std::vector<StepReport> steps;
  std::map<std::string, std::uint64_t> errors;
  std::uint64_t total_errors = 0;
  // Menu publish under load.
  bool published = false;
  double publish_at_s = 0;        ///< when the publish was answered
  double first_new_etag_ms = -1;  ///< after the publish: the first read that saw the new version
  double last_old_etag_ms = -1;   ///< … and the last read that still got an old one
  std::uint64_t stale_after_deadline = 0;
  std::uint64_t checked_after_deadline = 0;  ///< menu reads sent past the deadline, each judged
};

/// Fills the per-step part of `report` from `recorder`.
void Summarize(const Recorder& recorder, Report& report);

/// The table and the summary lines, as printed at the end of a run.
std::string FormatReport(const Report& report);

/// The report as JSON (steps, errors, rates, menu publish).
std::string ReportJson(const Report& report);

/// Writes `latency.dat`, `rates.dat` and `chart.gp` into `dir` and runs gnuplot on it; returns
/// the chart's path ("" with `why` set when gnuplot is missing or fails).
std::string WriteChart(const Recorder& recorder, const Report& report, const std::string& dir,
                       std::string& why);

}  // namespace vetahut::loadgen
