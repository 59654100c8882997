#pragma once
/// A scenario run against a vetahut server: the setup through the admin API (stores open around
/// the clock, a cook per store, customer accounts), then the open-loop run — customer
/// sessions arriving on the schedule, the cooks working the tickets, the menu published mid-run —
/// and the report.
#include <string>

#include "report.hpp"
#include "scenario.hpp"

namespace vetahut::loadgen {

struct RunOptions {
  std::string base_url;                                 ///< loopback only: http://127.0.0.1:PORT
  std::string admin_email = "admin@demo.vetahut.test";  ///< an admin (the demo's by default)
  std::string admin_password = "demo-admin-password";
  std::string menu_file;  ///< the menu (admin form) a menu_publish step publishes
  double time_scale = 1;  ///< multiplies every duration of the scenario (ScaledScenario)
  double rate_scale = 1;  ///< multiplies the arrival rates
  std::string out_dir;    ///< chart, data and summary.json go here ("" = none)
  bool progress = true;   ///< a line per 5 s on stderr
};

struct RunOutcome {
  std::string setup_error;  ///< non-empty: the run did not start
  Report report;
  std::string chart;  ///< the chart's path, or "" (chart_note says why)
  std::string chart_note;
};

/// True for http://127.0.0.1:PORT, http://localhost:PORT and http://[::1]:PORT.
bool IsLoopbackUrl(const std::string& url);

/// Runs `scenario` against `options.base_url`; bounded: it stops by itself after the arrival
/// window plus the scenario's drain time.
RunOutcome RunScenario(const Scenario& scenario, const RunOptions& options);

}  // namespace vetahut::loadgen
