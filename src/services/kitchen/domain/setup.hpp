#pragma once
/// A store's kitchen as data: its stations (the make line, the oven, the cut table…), how items
/// are routed through them, how long each step takes, and when a ticket is late. Pure: no I/O.
/// Every store has one; a store nobody set up gets `DefaultSetup()` (one make line of two, a
/// conveyor oven, a cut table, a fryer, drinks and the expo pass).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::kitchen {

/// What kind of work a station does, which decides how it is modelled.
enum class StationKind {
  kLine,      ///< people working items in parallel (`staff`), each item for its own time
  kConveyor,  ///< a conveyor oven: `belt_width` pizzas side by side, `belt_length` rows in the
              ///< baking chamber, every item `bake_seconds` inside; a lane takes a new item every
              ///< bake_seconds / belt_length
  kDeck,      ///< a deck oven: `slots` items at once, each `bake_seconds`
  kPass,      ///< the expo pass: where ready items meet; no time of its own
};

std::string_view StationKindName(StationKind kind);
std::optional<StationKind> ParseStationKind(std::string_view name);

/// How long one item takes at a line station. The most specific row wins: product and size,
/// then product, then kind and size, then kind; a station's `default_seconds` otherwise.
struct ItemTime {
  std::string product_id;  ///< "" = any product
  std::string kind;        ///< pizza | side | drink | dessert | other; "" = any kind
  std::string size_id;     ///< "" = any size
  int seconds = 0;
};

struct Station {
  std::string id;    ///< "make", "oven", "cut", "fryer", "drinks", "expo"
  std::string name;  ///< as the screen titles it
  StationKind kind = StationKind::kLine;
  int staff = 1;             ///< line: people on it (0 = closed; the promise model counts 1)
  int default_seconds = 60;  ///< line: time per item when no ItemTime row matches
  std::vector<ItemTime> times;
  int bake_seconds = 0;  ///< ovens
  int belt_width = 0;    ///< conveyor
  int belt_length = 0;   ///< conveyor
  int slots = 0;         ///< deck

  bool is_oven() const { return kind == StationKind::kConveyor || kind == StationKind::kDeck; }
};

/// Which stations an item goes through, in order. The most specific rule wins: a category
/// (`category_id`), then a kind; `KitchenSetup::default_route` otherwise.
struct RouteRule {
  std::string category_id;  ///< "" = any category
  std::string kind;         ///< "" = any kind
  std::vector<std::string> stations;
};

/// When a ticket turns amber and red on the screen: seconds since it reached the kitchen.
struct Lateness {
  int warning_seconds = 600;
  int late_seconds = 900;
};

struct KitchenSetup {
  std::vector<Station> stations;
  std::vector<RouteRule> routes;
  std::vector<std::string> default_route;
  /// By order type (delivery, carryout, dine_in); a type without a row uses `lateness_default`.
  std::map<std::string, Lateness> lateness;
  Lateness lateness_default;
  /// An ASAP wait longer than this is "busy": quotes say so, and with `auto_busy` the kitchen
  /// pauses the store until the wait falls back under it.
  int busy_wait_minutes = 45;
  bool auto_busy = false;

  const Station* FindStation(std::string_view id) const;
  int StationIndex(std::string_view id) const;  ///< -1 if unknown
  Lateness LatenessFor(std::string_view order_type) const;
};

/// What an item is, for routing and timing.
struct ItemKey {
  std::string product_id;
  std::string category_id;
  std::string kind;
  std::string size_id;
};

/// The station ids an item goes through (never empty for a valid setup).
std::vector<std::string> RouteOf(const KitchenSetup& setup, const ItemKey& item);
/// Seconds of work for one unit of `item` at `station`: the ItemTime row or default for a line;
/// the bake time for an oven; 0 for the pass.
int SecondsAt(const Station& station, const ItemKey& item);

/// The demo and default kitchen: make line (2 people), conveyor oven (6 min, 2 wide, 4 rows),
/// cut table (1), fryer (1), drinks (1), expo. Pizzas: make → oven → cut; sides: oven → cut;
/// wings and fries by category are not special-cased — sides bake; drinks: drinks; desserts:
/// oven → cut. Lateness: delivery 8/12 min, carry-out and dine-in 10/15 min.
KitchenSetup DefaultSetup();

/// Checks a setup a manager sends: unique station ids, sane numbers (staff 0..20, times
/// 0..3600 s, ovens with positive bake time and size), routes naming known stations other than
/// the pass and ending anywhere, at most one oven per route. kValidation naming fields
/// (`stations[1].bake_seconds`).
core::Status Validate(const KitchenSetup& setup);

}  // namespace vetahut::kitchen
