// bench/loadgen: an open-loop, coordinated-omission-safe load generator for vetahut with
// restaurant-shaped scenarios (bench/loadgen/scenarios/*.toml). See docs/decisions/0032-loadgen.md
// and bench/loadgen.sh, which starts a server and runs a scenario against it.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "scenario.hpp"
#include "workload.hpp"

int main(int argc, char** argv) {
  using namespace vetahut::loadgen;
  CLI::App app{
      "Open-loop load generator for vetahut: runs a scenario against a server on loopback"};
  std::string scenario_path;
  RunOptions options;
  bool check_only = false;
  bool fail_on_errors = false;
  app.add_option("--scenario", scenario_path,
                 "scenario file (TOML), e.g. bench/loadgen/scenarios/dinner_peak.toml")
      ->required();
  app.add_option("--url", options.base_url, "the server, loopback only: http://127.0.0.1:PORT");
  app.add_option("--admin-email", options.admin_email,
                 "an admin account for the setup (default: the demo admin)");
  app.add_option("--admin-password", options.admin_password, "its password");
  app.add_option("--menu-file", options.menu_file,
                 "the menu document (admin form) a menu_publish scenario publishes");
  app.add_option("--time-scale", options.time_scale,
                 "multiply every duration of the scenario (phases, think times, the cook's pace, "
                 "the publish time)")
      ->check(CLI::Range(0.001, 1000.0));
  app.add_option("--rate-scale", options.rate_scale, "multiply the scenario's arrival rates")
      ->check(CLI::Range(0.001, 1000.0));
  app.add_option("--out", options.out_dir,
                 "directory for summary.json, the chart (latency.svg) and its data");
  app.add_flag("--check", check_only, "only parse the scenario and print its schedule");
  app.add_flag("--fail-on-errors", fail_on_errors, "exit 1 when any request failed");
  bool quiet = false;
  app.add_flag("--quiet", quiet, "no progress lines");
  CLI11_PARSE(app, argc, argv);
  options.progress = !quiet;
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();

  auto scenario = LoadScenario(scenario_path);
  if (!scenario) {
    std::cerr << "loadgen: " << scenario.error().ToString() << '\n';
    return 2;
  }
  const auto phases = ScaledScenario(*scenario, options.time_scale, options.rate_scale).phases;
  const auto arrivals = ArrivalTimes(phases, scenario->process, scenario->seed);
  std::cerr << fmt::format("loadgen: scenario {} — {} sessions over {:.0f} s ({})\n",
                           scenario->name, arrivals.size(), TotalSeconds(phases),
                           scenario->description);
  if (check_only) return 0;
  if (options.base_url.empty()) {
    std::cerr << "loadgen: --url is required to run\n";
    return 2;
  }
  auto outcome = RunScenario(*scenario, options);
  if (!outcome.setup_error.empty()) {
    std::cerr << "loadgen: " << outcome.setup_error << '\n';
    return 3;
  }
  std::cout << FormatReport(outcome.report);
  if (!outcome.chart.empty()) {
    std::cout << "chart: " << outcome.chart << '\n';
  } else if (!options.out_dir.empty()) {
    std::cout << "chart: none — " << outcome.chart_note << '\n';
  }
  return fail_on_errors && outcome.report.total_errors > 0 ? 1 : 0;
}
