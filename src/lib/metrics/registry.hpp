#pragma once
/// A Prometheus metrics registry: counters, gauges and histograms with labels, and the text
/// exposition format (version 0.0.4) served at /metrics.
#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace vetahut::metrics {

/// A value that only goes up (requests served, events published).
class Counter {
 public:
  void Inc(double by = 1.0) { value_.fetch_add(by, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// A value that goes up and down (queue depth, connections open).
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Inc(double by = 1.0) { value_.fetch_add(by, std::memory_order_relaxed); }
  void Dec(double by = 1.0) { value_.fetch_sub(by, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// Observations counted into fixed buckets (latencies, sizes), lock-free.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  void ObserveDuration(std::chrono::nanoseconds d) { Observe(std::chrono::duration<double>(d).count()); }
  const std::vector<double>& upper_bounds() const { return bounds_; }
  /// Cumulative count per bucket (the last is +Inf), plus sum and count.
  std::vector<std::uint64_t> CumulativeCounts() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t Count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1 (+Inf)
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

/// Default latency buckets in seconds: 0.5 ms … 10 s.
std::vector<double> LatencyBuckets();

enum class MetricType { kCounter, kGauge, kHistogram };

/// All series of one metric name, one per combination of label values.
template <class T>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<T>()> make);
  /// The series for these label values (in the order of the label names). Cache the reference
  /// on hot paths: the lookup takes a lock.
  T& WithLabels(std::initializer_list<std::string_view> values);
  T& WithLabels(const std::vector<std::string>& values);
  /// The series without labels (only for a family declared without label names).
  T& Get() { return WithLabels(std::vector<std::string>{}); }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  /// Calls `fn(label values, series)` for every series, in label order.
  void ForEach(const std::function<void(const std::vector<std::string>&, const T&)>& fn) const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<T>()> make_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

/// Owns every metric of a process and renders them for Prometheus. Thread-safe.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  /// Registers a counter; `name` must end in `_total`. Throws std::invalid_argument on a bad or
  /// duplicate name (a programming error caught at start-up).
  CounterFamily& AddCounter(std::string name, std::string help, std::vector<std::string> labels = {});
  GaugeFamily& AddGauge(std::string name, std::string help, std::vector<std::string> labels = {});
  HistogramFamily& AddHistogram(std::string name, std::string help, std::vector<double> buckets,
                                std::vector<std::string> labels = {});
  /// Runs before each exposition, to refresh gauges computed on demand (e.g. outbox lag).
  void OnCollect(std::function<void()> collector);
  /// The Prometheus text format, families sorted by name.
  std::string Expose() const;

 private:
  struct Entry;
  void CheckName(const std::string& name, const std::vector<std::string>& labels) const;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::vector<std::function<void()>> collectors_;
};

/// The content type of `Registry::Expose()`.
inline constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace vetahut::metrics
