#pragma once
/// A load scenario as data (a TOML file under bench/loadgen/scenarios/): how sessions arrive, what
/// each one does, how the kitchen staff works, and what happens mid-run. Parsing is strict: an
/// unknown key, a wrong type or a value out of range is an error naming the file, line, column and
/// key (`dinner_peak.toml:14:9: session.quotes: …`).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "schedule.hpp"

namespace vetahut::loadgen {

/// An inclusive range of integers drawn uniformly ([min, max]).
struct IntRange {
  int min = 0;
  int max = 0;
};

/// Where the sessions order: stores the run creates (open around the clock, carry-out).
struct StoresSpec {
  int count = 3;              ///< stores created for the run
  double latitude = 41.8781;  ///< where they are (and where sessions search from)
  double longitude = -87.6359;
};

/// What one customer session does, step by step.
struct SessionSpec {
  IntRange quotes{5, 15};        ///< builder changes, each one answered by a quote
  IntRange think_ms{200, 800};   ///< pause between two steps of a session
  double returning_share = 0.7;  ///< revalidate the menu with the ETag they have (If-None-Match);
                                 ///< the rest fetch it whole
  double customer_share = 0.7;   ///< signed-in customers; the rest check out as guests (by card)
  double card_share = 0.6;       ///< customers paying by card token; the rest pay at the store (guests always by card)
  double coupon_share = 0;       ///< sessions quoting (and ordering) with `coupon`
  std::string coupon = "PIZZA20";
  int customers = 10;         ///< customer accounts registered and signed in at setup
  int track_timeout_s = 120;  ///< a tracker not handed over by then is an error
  std::vector<std::string> products{"cheese_pizza", "pepperoni_pizza"};
  std::vector<std::string> sizes{"medium", "large"};
  std::vector<std::string> toppings{"pepperoni", "mushrooms"};
};

/// The kitchen staff (one cook per store, through the kitchen API).
struct KitchenSpec {
  int poll_ms = 500;           ///< how often the cook looks at the open tickets
  IntRange bump_ms{300, 900};  ///< between two bumps of one ticket
};

/// A new menu version published mid-run through the admin menu API.
struct MenuPublishSpec {
  double at_s = 0;  ///< seconds from the start
  std::string market = "USD";
  /// Every menu read sent this long after the publish answered must see the new ETag.
  int deadline_ms = 1000;
  /// Per store, a client with the menu open revalidates this often (0: none).
  int watch_ms = 250;
};

/// How the generator itself behaves.
struct LimitsSpec {
  int connections = 128;  ///< short requests in flight at once (trackers not counted); more wait,
                          ///< their wait counted
  int request_timeout_ms = 10000;  ///< a request not answered by then is an error (timeout)
  int drain_s = 60;  ///< after the last arrival, how long sessions may take before the run stops
};

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  ArrivalProcess process = ArrivalProcess::kPoisson;
  std::vector<RatePhase> phases;
  StoresSpec stores;
  SessionSpec session;
  KitchenSpec kitchen;
  std::optional<MenuPublishSpec> menu_publish;
  LimitsSpec limits;
};

/// A precise complaint about a scenario file.
struct ScenarioError {
  std::string source;  ///< file name as given
  int line = 0;        ///< 1-based; 0 when unknown
  int column = 0;
  std::string key;  ///< dotted path, e.g. "arrivals.phases[1].to" ("" for syntax errors)
  std::string message;
  /// "source:line:column: key: message"
  std::string ToString() const;
};

/// Parses scenario TOML `text`; `source` names it in errors.
tl::expected<Scenario, ScenarioError> ParseScenario(std::string_view text, std::string_view source);

/// The scenario faster or lighter: `time` multiplies every duration in it (phases, think times,
/// the cook's pace, the publish time), `rate` the arrival rates. For smoke tests and trials.
Scenario ScaledScenario(Scenario s, double time, double rate);

/// Reads and parses a scenario file.
tl::expected<Scenario, ScenarioError> LoadScenario(const std::string& path);

}  // namespace vetahut::loadgen
