#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace vetahut::loadgen {

Recorder::Step& Recorder::StepNamed(std::string_view name) {
  for (auto& s : steps_) {
    if (s.name == name) return s;
  }
  steps_.push_back(Step{std::string(name), {}, {}, 0});
  return steps_.back();
}

void Recorder::Answered(std::string_view step, const HttpResponse& r) {
  Step& s = StepNamed(step);
  const auto latency = r.Latency().count();
  s.histogram.Record(latency);
  s.samples.push_back({std::chrono::duration<float>(r.intended - start_).count(), latency});
}

void Recorder::Error(std::string_view step, std::string_view kind) {
  ++StepNamed(step).errors;
  ++errors_[fmt::format("{}: {}", step, kind)];
}

void Recorder::Count(std::string_view series, Time at) {
  const int second =
      static_cast<int>(std::floor(std::chrono::duration<double>(at - start_).count()));
  ++series_[std::string(series)][second];
}

namespace {
/// Steps in the order a session meets them, then the staff's, then anything else.
int StepRank(std::string_view name) {
  static constexpr std::string_view kOrder[] = {
      "stores.find",  "menu.read",    "quote",      "card.token",   "order.place", "order.track",
      "kitchen.list", "kitchen.bump", "menu.draft", "menu.publish", "menu.watch"};
  for (int i = 0; i < static_cast<int>(std::size(kOrder)); ++i) {
    if (kOrder[i] == name) return i;
  }
  return static_cast<int>(std::size(kOrder));
}
}  // namespace

void Summarize(const Recorder& recorder, Report& report) {
  report.steps.clear();
  report.total_errors = 0;
  std::vector<const Recorder::Step*> ordered;
  for (const auto& s : recorder.steps()) ordered.push_back(&s);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](auto* a, auto* b) { return StepRank(a->name) < StepRank(b->name); });
  for (const auto* step : ordered) {
    const auto& s = *step;
    StepReport r;
    r.name = s.name;
    r.count = s.histogram.Count();
    r.errors = s.errors;
    r.per_second = report.wall_s > 0 ? static_cast<double>(r.count) / report.wall_s : 0;
    r.p50_us = s.histogram.Percentile(50);
    r.p90_us = s.histogram.Percentile(90);
    r.p99_us = s.histogram.Percentile(99);
    r.p999_us = s.histogram.Percentile(99.9);
    r.max_us = s.histogram.Max();
    report.steps.push_back(r);
  }
  report.errors = recorder.errors();
  for (const auto& [kind, n] : report.errors) report.total_errors += n;
}

namespace {
std::string Ms(std::int64_t us) { return fmt::format("{:.1f}", static_cast<double>(us) / 1000.0); }
}  // namespace

std::string FormatReport(const Report& r) {
  std::string out;
  out += fmt::format("scenario {} against {}: arrival window {:.0f} s, run {:.1f} s\n", r.scenario,
                     r.base_url, r.window_s, r.wall_s);
  out += fmt::format(
      "sessions: scheduled {} ({:.2f}/s over the window, rate peaking at {:.2f}/s), started {}, "
      "orders placed {} ({} by guests), "
      "handed over {}, failed {}\n",
      r.sessions_scheduled, r.scheduled_mean_rate, r.scheduled_peak_rate, r.sessions_started,
      r.orders_placed, r.guest_orders, r.handed_over, r.sessions_failed);
  out += fmt::format("generator lateness (actual − scheduled send): p99 {} ms, max {} ms{}\n",
                     Ms(r.send_lag_p99_us), Ms(r.send_lag_max_us),
                     r.send_lag_p99_us > 10000
                         ? "  (the generator fell behind: counted in the latencies, as it should)"
                         : "");
  out += "\nlatency from the scheduled send (ms; trackers: to the first event)\n";
  out += fmt::format("{:<18} {:>8} {:>8} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8}\n", "step", "count",
                     "per s", "errors", "p50", "p90", "p99", "p99.9", "max");
  for (const auto& s : r.steps) {
    out += fmt::format("{:<18} {:>8} {:>8.1f} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8}\n", s.name,
                       s.count, s.per_second, s.errors, Ms(s.p50_us), Ms(s.p90_us), Ms(s.p99_us),
                       Ms(s.p999_us), Ms(s.max_us));
  }
  if (r.handover.Count() > 0) {
    out += fmt::format(
        "{:<18} {:>8} {:>8} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8}   (placed → handed over: the "
        "kitchen's pace)\n",
        "order→handover", r.handover.Count(), "", "", Ms(r.handover.Percentile(50)),
        Ms(r.handover.Percentile(90)), Ms(r.handover.Percentile(99)),
        Ms(r.handover.Percentile(99.9)), Ms(r.handover.Max()));
  }
  if (r.handoff_to_tracker.Count() > 0) {
    const auto& h = r.handoff_to_tracker;
    out += fmt::format(
        "{:<18} {:>8} {:>8} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8}   (hand-over bump answered → the "
        "tracker's event; 0 if the event came first)\n",
        "bump→tracker", h.Count(), "", "", Ms(h.Percentile(50)), Ms(h.Percentile(90)),
        Ms(h.Percentile(99)), Ms(h.Percentile(99.9)), Ms(h.Max()));
  }
  if (r.published) {
    out += fmt::format(
        "\nmenu published at {:.1f} s: first read with the new ETag {:.0f} ms after, last read "
        "with an old one {}; {} of {} reads sent past the deadline were stale\n",
        r.publish_at_s, r.first_new_etag_ms,
        r.last_old_etag_ms < 0 ? std::string("none")
                               : fmt::format("{:.0f} ms after", r.last_old_etag_ms),
        r.stale_after_deadline, r.checked_after_deadline);
  }
  out += fmt::format("\nerrors: {}\n", r.total_errors);
  for (const auto& [kind, n] : r.errors) out += fmt::format("  {:>6} × {}\n", n, kind);
  return out;
}

std::string ReportJson(const Report& r) {
  namespace json = boost::json;
  json::array steps;
  for (const auto& s : r.steps) {
    steps.push_back(json::object{{"name", s.name},
                                 {"count", s.count},
                                 {"errors", s.errors},
                                 {"per_second", s.per_second},
                                 {"p50_ms", s.p50_us / 1000.0},
                                 {"p90_ms", s.p90_us / 1000.0},
                                 {"p99_ms", s.p99_us / 1000.0},
                                 {"p999_ms", s.p999_us / 1000.0},
                                 {"max_ms", s.max_us / 1000.0}});
  }
  json::object errors;
  for (const auto& [kind, n] : r.errors) errors[kind] = n;
  json::object o{
      {"scenario", r.scenario},
      {"window_s", r.window_s},
      {"wall_s", r.wall_s},
      {"sessions", json::object{{"scheduled", r.sessions_scheduled},
                                {"scheduled_mean_rate", r.scheduled_mean_rate},
                                {"scheduled_peak_rate", r.scheduled_peak_rate},
                                {"started", r.sessions_started},
                                {"orders_placed", r.orders_placed},
                                {"guest_orders", r.guest_orders},
                                {"handed_over", r.handed_over},
                                {"failed", r.sessions_failed}}},
      {"send_lag_ms",
       json::object{{"p99", r.send_lag_p99_us / 1000.0}, {"max", r.send_lag_max_us / 1000.0}}},
      {"handover_ms", json::object{{"p50", r.handover.Percentile(50) / 1000.0},
                                   {"p99", r.handover.Percentile(99) / 1000.0},
                                   {"max", r.handover.Max() / 1000.0}}},
      {"bump_to_tracker_ms", json::object{{"p50", r.handoff_to_tracker.Percentile(50) / 1000.0},
                                          {"p99", r.handoff_to_tracker.Percentile(99) / 1000.0},
                                          {"max", r.handoff_to_tracker.Max() / 1000.0}}},
      {"steps", std::move(steps)},
      {"errors", std::move(errors)},
      {"total_errors", r.total_errors}};
  if (r.published) {
    o["menu_publish"] = json::object{{"at_s", r.publish_at_s},
                                     {"first_new_etag_ms", r.first_new_etag_ms},
                                     {"last_old_etag_ms", r.last_old_etag_ms},
                                     {"stale_after_deadline", r.stale_after_deadline},
                                     {"checked_after_deadline", r.checked_after_deadline}};
  }
  return json::serialize(o);
}

std::string WriteChart(const Recorder& recorder, const Report& report, const std::string& dir,
                       std::string& why) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  // Latency: p99 per step per second of scheduled send time.
  int last_second = static_cast<int>(std::ceil(report.wall_s));
  std::vector<std::string> names;
  std::vector<std::vector<std::vector<std::int64_t>>> per_second;  // step → second → latencies
  for (const auto& step : report.steps) {                          // the table's order
    auto found = std::find_if(recorder.steps().begin(), recorder.steps().end(),
                              [&](const auto& s) { return s.name == step.name; });
    if (found == recorder.steps().end()) continue;
    const auto& s = *found;
    names.push_back(s.name);
    std::vector<std::vector<std::int64_t>> seconds(static_cast<std::size_t>(last_second) + 1);
    for (const auto& sample : s.samples) {
      const int sec = std::clamp(static_cast<int>(sample.at_s), 0, last_second);
      seconds[static_cast<std::size_t>(sec)].push_back(sample.latency_us);
    }
    per_second.push_back(std::move(seconds));
  }
  {
    std::ofstream lat(fs::path(dir) / "latency.dat");
    lat << "second";
    for (const auto& n : names) lat << ' ' << n;
    lat << '\n';
    for (int sec = 0; sec <= last_second; ++sec) {
      lat << sec;
      for (auto& step : per_second) {
        auto& v = step[static_cast<std::size_t>(sec)];
        if (v.empty()) {
          lat << " NaN";
          continue;
        }
        std::sort(v.begin(), v.end());
        const auto rank = static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(v.size())));
        lat << ' '
            << fmt::format("{:.3f}",
                           static_cast<double>(v[std::max<std::size_t>(rank, 1) - 1]) / 1000.0);
      }
      lat << '\n';
    }
  }
  std::vector<std::string> series;
  {
    std::ofstream rates(fs::path(dir) / "rates.dat");
    rates << "second";
    for (const auto& [name, _] : recorder.series()) {
      series.push_back(name);
      std::string col = name;
      std::replace(col.begin(), col.end(), ' ', '_');
      rates << ' ' << col;
    }
    rates << '\n';
    for (int sec = 0; sec <= last_second; ++sec) {
      rates << sec;
      for (const auto& [name, counts] : recorder.series()) {
        auto it = counts.find(sec);
        rates << ' ' << (it == counts.end() ? 0 : it->second);
      }
      rates << '\n';
    }
  }
  const std::string svg = (fs::path(dir) / "latency.svg").string();
  {
    std::ofstream gp(fs::path(dir) / "chart.gp");
    gp << "set terminal svg size 1100,800 dynamic font 'sans,11'\n"
       << "set output '" << svg << "'\n"
       << "set multiplot layout 2,1 title '" << report.scenario << " against " << report.base_url
       << "'\n"
       << "set termoption noenhanced\nset key outside right top\nset grid\nset datafile missing "
          "'NaN'\n"
       << "set ylabel 'p99 latency per second (ms)'\nset logscale y\nset xlabel 'seconds from the "
          "start (scheduled send)'\n"
       << "plot for [i=2:" << names.size() + 1 << "] '" << (fs::path(dir) / "latency.dat").string()
       << "' using 1:i with linespoints pointsize 0.4 title columnheader(i)\n"
       << "unset logscale y\nset ylabel 'per second'\n"
       << "plot for [i=2:" << series.size() + 1 << "] '" << (fs::path(dir) / "rates.dat").string()
       << "' using 1:i with steps title columnheader(i)\n"
       << "unset multiplot\n";
  }
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    why =
        "gnuplot not found (scripts/install-deps.sh --test installs gnuplot-nox); the data and "
        "chart.gp are in " +
        dir;
    return "";
  }
  const std::string cmd = fmt::format("gnuplot '{}' 2>'{}'", (fs::path(dir) / "chart.gp").string(),
                                      (fs::path(dir) / "gnuplot.log").string());
  if (std::system(cmd.c_str()) != 0) {
    why = "gnuplot failed: see " + (fs::path(dir) / "gnuplot.log").string();
    return "";
  }
  return svg;
}

}  // namespace vetahut::loadgen
