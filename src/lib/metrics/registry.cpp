#include "lib/metrics/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace vetahut::metrics {

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end())) {
    throw std::invalid_argument("histogram buckets must be sorted");
  }
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  buckets_[std::size_t(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::CumulativeCounts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <class T>
Family<T>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                  std::function<std::unique_ptr<T>()> make)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)),
      make_(std::move(make)) {}

template <class T>
T& Family<T>::WithLabels(std::initializer_list<std::string_view> values) {
  return WithLabels(std::vector<std::string>(values.begin(), values.end()));
}

template <class T>
T& Family<T>::WithLabels(const std::vector<std::string>& values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument(fmt::format("metric {} takes {} label values, got {}", name_,
                                            label_names_.size(), values.size()));
  }
  std::lock_guard lock(mutex_);
  auto& slot = series_[values];
  if (!slot) slot = make_();
  return *slot;
}

template <class T>
void Family<T>::ForEach(const std::function<void(const std::vector<std::string>&, const T&)>& fn) const {
  std::lock_guard lock(mutex_);
  for (const auto& [labels, series] : series_) fn(labels, *series);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct Registry::Entry {
  MetricType type;
  std::variant<std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>,
               std::unique_ptr<HistogramFamily>>
      family;
  const std::string& name() const {
    return std::visit([](const auto& f) -> const std::string& { return f->name(); }, family);
  }
};

namespace {

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void AppendValue(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out += fmt::format("{}", static_cast<std::int64_t>(v));
  } else {
    out += fmt::format("{}", v);
  }
}

void AppendEscapedLabel(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void AppendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void AppendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    AppendEscapedLabel(out, values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

template <class F>
void AppendHeader(std::string& out, const F& family, std::string_view type) {
  out += "# HELP ";
  out += family.name();
  out += ' ';
  AppendHelp(out, family.help());
  out += "\n# TYPE ";
  out += family.name();
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

Registry::Registry() = default;
Registry::~Registry() = default;

void Registry::CheckName(const std::string& name, const std::vector<std::string>& labels) const {
  if (!ValidName(name, true)) throw std::invalid_argument("invalid metric name: " + name);
  for (const auto& label : labels) {
    if (!ValidName(label, false) || label.starts_with("__") || label == "le") {
      throw std::invalid_argument(fmt::format("invalid label name '{}' on {}", label, name));
    }
  }
  for (const auto& e : entries_) {
    if (e->name() == name) throw std::invalid_argument("metric registered twice: " + name);
  }
}

CounterFamily& Registry::AddCounter(std::string name, std::string help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  CheckName(name, labels);
  if (!name.ends_with("_total")) throw std::invalid_argument("counter names end in _total: " + name);
  auto family = std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(labels),
                                                [] { return std::make_unique<Counter>(); });
  auto& ref = *family;
  entries_.push_back(std::make_unique<Entry>(Entry{MetricType::kCounter, std::move(family)}));
  return ref;
}

GaugeFamily& Registry::AddGauge(std::string name, std::string help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  CheckName(name, labels);
  auto family = std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(labels),
                                              [] { return std::make_unique<Gauge>(); });
  auto& ref = *family;
  entries_.push_back(std::make_unique<Entry>(Entry{MetricType::kGauge, std::move(family)}));
  return ref;
}

HistogramFamily& Registry::AddHistogram(std::string name, std::string help, std::vector<double> buckets,
                                        std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  CheckName(name, labels);
  auto family = std::make_unique<HistogramFamily>(
      std::move(name), std::move(help), std::move(labels),
      [buckets] { return std::make_unique<Histogram>(buckets); });
  auto& ref = *family;
  entries_.push_back(std::make_unique<Entry>(Entry{MetricType::kHistogram, std::move(family)}));
  return ref;
}

void Registry::OnCollect(std::function<void()> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::Expose() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect();

  std::lock_guard lock(mutex_);
  std::vector<const Entry*> sorted;
  for (const auto& e : entries_) sorted.push_back(e.get());
  std::sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) { return a->name() < b->name(); });

  std::string out;
  out.reserve(4096);
  for (const Entry* entry : sorted) {
    if (entry->type == MetricType::kCounter) {
      const auto& family = *std::get<std::unique_ptr<CounterFamily>>(entry->family);
      AppendHeader(out, family, "counter");
      family.ForEach([&](const std::vector<std::string>& labels, const Counter& c) {
        out += family.name();
        AppendLabels(out, family.label_names(), labels);
        out += ' ';
        AppendValue(out, c.Value());
        out += '\n';
      });
    } else if (entry->type == MetricType::kGauge) {
      const auto& family = *std::get<std::unique_ptr<GaugeFamily>>(entry->family);
      AppendHeader(out, family, "gauge");
      family.ForEach([&](const std::vector<std::string>& labels, const Gauge& g) {
        out += family.name();
        AppendLabels(out, family.label_names(), labels);
        out += ' ';
        AppendValue(out, g.Value());
        out += '\n';
      });
    } else {
      const auto& family = *std::get<std::unique_ptr<HistogramFamily>>(entry->family);
      AppendHeader(out, family, "histogram");
      family.ForEach([&](const std::vector<std::string>& labels, const Histogram& h) {
        const auto counts = h.CumulativeCounts();
        for (std::size_t i = 0; i < counts.size(); ++i) {
          std::string le;
          if (i < h.upper_bounds().size()) {
            AppendValue(le, h.upper_bounds()[i]);
          } else {
            le = "+Inf";
          }
          out += family.name();
          out += "_bucket";
          AppendLabels(out, family.label_names(), labels, "le", le);
          out += ' ';
          AppendValue(out, double(counts[i]));
          out += '\n';
        }
        out += family.name();
        out += "_sum";
        AppendLabels(out, family.label_names(), labels);
        out += ' ';
        AppendValue(out, h.Sum());
        out += '\n';
        out += family.name();
        out += "_count";
        AppendLabels(out, family.label_names(), labels);
        out += ' ';
        AppendValue(out, double(h.Count()));
        out += '\n';
      });
    }
  }
  return out;
}

}  // namespace vetahut::metrics
