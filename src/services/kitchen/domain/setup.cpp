#include "services/kitchen/domain/setup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "lib/core/text_rules.hpp"

namespace vetahut::kitchen {

namespace {

constexpr std::size_t kMaxStations = 20;
constexpr std::size_t kMaxRoutes = 50;
constexpr std::size_t kMaxRouteStations = 8;
constexpr std::size_t kMaxStationIdChars = 40;
constexpr std::size_t kMaxCategoryIdChars = 60;
constexpr std::array<std::string_view, 5> kItemKinds = {"pizza", "side", "drink", "dessert",
                                                        "other"};
constexpr std::array<std::string_view, 3> kOrderTypes = {"delivery", "carryout", "dine_in"};

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool IsId(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), IsIdChar);
}

bool IsItemKind(std::string_view kind) {
  return std::find(kItemKinds.begin(), kItemKinds.end(), kind) != kItemKinds.end();
}

void CheckRange(core::FieldErrors& errors, const std::string& field, int value, int lo, int hi) {
  if (value < lo || value > hi) errors.Add(field, fmt::format("must be from {} to {}", lo, hi));
}

void CheckKind(core::FieldErrors& errors, const std::string& field, const std::string& kind) {
  if (!kind.empty() && !IsItemKind(kind)) {
    errors.Add(field, fmt::format("'{}' is not a kind (pizza, side, drink, dessert, other)", kind));
  }
}

void CheckStation(core::FieldErrors& errors, const Station& s, const std::string& at) {
  if (!IsId(s.id, kMaxStationIdChars)) {
    errors.Add(at + ".id", "must be 1 to 40 of a-z, 0-9, '_' and '-'");
  }
  core::CleanText(at + ".name", s.name, {.max_chars = 80}, errors);
  CheckRange(errors, at + ".staff", s.staff, 0, 20);
  CheckRange(errors, at + ".default_seconds", s.default_seconds, 0, 3600);
  for (std::size_t j = 0; j < s.times.size(); ++j) {
    const ItemTime& t = s.times[j];
    const std::string row = fmt::format("{}.times[{}]", at, j);
    if (t.product_id.empty() && t.kind.empty()) errors.Add(row, "needs a product_id or a kind");
    CheckKind(errors, row + ".kind", t.kind);
    CheckRange(errors, row + ".seconds", t.seconds, 0, 3600);
  }
  switch (s.kind) {
    case StationKind::kConveyor:
      CheckRange(errors, at + ".bake_seconds", s.bake_seconds, 30, 3600);
      CheckRange(errors, at + ".belt_width", s.belt_width, 1, 10);
      CheckRange(errors, at + ".belt_length", s.belt_length, 1, 20);
      break;
    case StationKind::kDeck:
      CheckRange(errors, at + ".bake_seconds", s.bake_seconds, 30, 3600);
      CheckRange(errors, at + ".slots", s.slots, 1, 40);
      break;
    case StationKind::kLine:
    case StationKind::kPass:
      break;
  }
}

/// Checks a list of station ids an item walks (a rule's or the default route).
void CheckRoute(core::FieldErrors& errors, const KitchenSetup& setup,
                const std::vector<std::string>& stations, const std::string& at) {
  if (stations.empty() || stations.size() > kMaxRouteStations) {
    errors.Add(at, fmt::format("must list 1 to {} stations", kMaxRouteStations));
    return;
  }
  int ovens = 0;
  for (std::size_t k = 0; k < stations.size(); ++k) {
    const std::string field = fmt::format("{}[{}]", at, k);
    const Station* station = setup.FindStation(stations[k]);
    if (station == nullptr) {
      errors.Add(field, fmt::format("'{}' is not a station of this kitchen", stations[k]));
    } else if (station->kind == StationKind::kPass) {
      errors.Add(field, fmt::format("'{}' is the pass; routes list the stations that make items",
                                    stations[k]));
    } else if (station->is_oven() && ++ovens > 1) {
      errors.Add(field, "a route goes through at most one oven");
    }
  }
}

void CheckLateness(core::FieldErrors& errors, const Lateness& l, const std::string& at) {
  CheckRange(errors, at + ".warning_seconds", l.warning_seconds, 0, 7200);
  if (l.late_seconds <= l.warning_seconds || l.late_seconds > 14400) {
    errors.Add(at + ".late_seconds", "must be after warning_seconds and at most 14400");
  }
}

/// How specific a route rule is for `item`; -1 when it does not apply.
int RuleRank(const RouteRule& rule, const ItemKey& item) {
  if (!rule.category_id.empty() && rule.category_id != item.category_id) return -1;
  if (!rule.kind.empty() && rule.kind != item.kind) return -1;
  return (rule.category_id.empty() ? 0 : 2) + (rule.kind.empty() ? 0 : 1);
}

/// How specific a time row is for `item`; -1 when it does not apply (or names neither a product
/// nor a kind, which Validate refuses).
int TimeRank(const ItemTime& row, const ItemKey& item) {
  if (row.product_id.empty() && row.kind.empty()) return -1;
  if (!row.product_id.empty() && row.product_id != item.product_id) return -1;
  if (!row.kind.empty() && row.kind != item.kind) return -1;
  if (!row.size_id.empty() && row.size_id != item.size_id) return -1;
  return (row.product_id.empty() ? 0 : 2) + (row.size_id.empty() ? 0 : 1);
}

}  // namespace

std::string_view StationKindName(StationKind kind) {
  switch (kind) {
    case StationKind::kLine:
      return "line";
    case StationKind::kConveyor:
      return "conveyor";
    case StationKind::kDeck:
      return "deck";
    case StationKind::kPass:
      return "pass";
  }
  return "line";
}

std::optional<StationKind> ParseStationKind(std::string_view name) {
  for (StationKind k :
       {StationKind::kLine, StationKind::kConveyor, StationKind::kDeck, StationKind::kPass}) {
    if (StationKindName(k) == name) return k;
  }
  return std::nullopt;
}

const Station* KitchenSetup::FindStation(std::string_view id) const {
  const int i = StationIndex(id);
  return i < 0 ? nullptr : &stations[static_cast<std::size_t>(i)];
}

int KitchenSetup::StationIndex(std::string_view id) const {
  for (std::size_t i = 0; i < stations.size(); ++i) {
    if (stations[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

Lateness KitchenSetup::LatenessFor(std::string_view order_type) const {
  const auto it = lateness.find(std::string(order_type));
  return it != lateness.end() ? it->second : lateness_default;
}

std::vector<std::string> RouteOf(const KitchenSetup& setup, const ItemKey& item) {
  const RouteRule* best = nullptr;
  int best_rank = -1;
  for (const RouteRule& rule : setup.routes) {
    // Strictly greater: among equally specific rules the first one listed wins.
    if (const int rank = RuleRank(rule, item); rank > best_rank) {
      best = &rule;
      best_rank = rank;
    }
  }
  return best != nullptr ? best->stations : setup.default_route;
}

int SecondsAt(const Station& station, const ItemKey& item) {
  switch (station.kind) {
    case StationKind::kConveyor:
    case StationKind::kDeck:
      return station.bake_seconds;
    case StationKind::kPass:
      return 0;
    case StationKind::kLine:
      break;
  }
  const ItemTime* best = nullptr;
  int best_rank = -1;
  for (const ItemTime& row : station.times) {
    if (const int rank = TimeRank(row, item); rank > best_rank) {
      best = &row;
      best_rank = rank;
    }
  }
  return best != nullptr ? best->seconds : station.default_seconds;
}

KitchenSetup DefaultSetup() {
  KitchenSetup s;
  s.stations = {
      Station{.id = "make",
              .name = "Make line",
              .kind = StationKind::kLine,
              .staff = 2,
              .default_seconds = 60,
              .times = {{"", "pizza", "small", 60},
                        {"", "pizza", "medium", 75},
                        {"", "pizza", "large", 90},
                        {"", "side", "", 45},
                        {"", "dessert", "", 45}}},
      Station{.id = "oven",
              .name = "Oven",
              .kind = StationKind::kConveyor,
              .staff = 1,
              .default_seconds = 60,
              .times = {},
              .bake_seconds = 360,
              .belt_width = 2,
              .belt_length = 4},
      Station{.id = "cut",
              .name = "Cut & box",
              .kind = StationKind::kLine,
              .staff = 1,
              .default_seconds = 15,
              .times = {{"", "pizza", "", 20}, {"", "side", "", 15}, {"", "dessert", "", 15}}},
      Station{.id = "fryer",
              .name = "Fryer",
              .kind = StationKind::kLine,
              .staff = 1,
              .default_seconds = 240},
      Station{.id = "drinks",
              .name = "Drinks",
              .kind = StationKind::kLine,
              .staff = 1,
              .default_seconds = 15},
      Station{.id = "expo",
              .name = "Expo",
              .kind = StationKind::kPass,
              .staff = 1,
              .default_seconds = 0},
  };
  s.routes = {
      RouteRule{"", "pizza", {"make", "oven", "cut"}},
      RouteRule{"", "side", {"oven", "cut"}},
      RouteRule{"", "dessert", {"oven", "cut"}},
      RouteRule{"", "drink", {"drinks"}},
  };
  s.default_route = {"make"};
  s.lateness = {{"delivery", {480, 720}}, {"carryout", {600, 900}}, {"dine_in", {600, 900}}};
  s.lateness_default = {600, 900};
  s.busy_wait_minutes = 45;
  s.auto_busy = false;
  return s;
}

core::Status Validate(const KitchenSetup& setup) {
  core::FieldErrors errors;

  if (setup.stations.empty() || setup.stations.size() > kMaxStations) {
    errors.Add("stations", fmt::format("must list 1 to {} stations", kMaxStations));
  }
  for (std::size_t i = 0; i < setup.stations.size(); ++i) {
    const std::string at = fmt::format("stations[{}]", i);
    CheckStation(errors, setup.stations[i], at);
    for (std::size_t k = 0; k < i; ++k) {
      if (!setup.stations[i].id.empty() && setup.stations[k].id == setup.stations[i].id) {
        errors.Add(at + ".id",
                   fmt::format("'{}' is already the id of stations[{}]", setup.stations[i].id, k));
        break;
      }
    }
  }

  if (setup.routes.size() > kMaxRoutes) {
    errors.Add("routes", fmt::format("at most {} routes", kMaxRoutes));
  }
  for (std::size_t i = 0; i < setup.routes.size(); ++i) {
    const RouteRule& rule = setup.routes[i];
    const std::string at = fmt::format("routes[{}]", i);
    if (rule.category_id.empty() && rule.kind.empty()) {
      errors.Add(at, "needs a category_id or a kind; default_route covers everything else");
    }
    if (!rule.category_id.empty() && !IsId(rule.category_id, kMaxCategoryIdChars)) {
      errors.Add(at + ".category_id", "must be 1 to 60 of a-z, 0-9, '_' and '-'");
    }
    CheckKind(errors, at + ".kind", rule.kind);
    for (std::size_t k = 0; k < i; ++k) {
      if (setup.routes[k].category_id == rule.category_id && setup.routes[k].kind == rule.kind) {
        errors.Add(at, fmt::format("routes[{}] already routes this category and kind", k));
        break;
      }
    }
    CheckRoute(errors, setup, rule.stations, at + ".stations");
  }
  CheckRoute(errors, setup, setup.default_route, "default_route");

  for (const auto& [type, l] : setup.lateness) {
    const std::string at = fmt::format("lateness.{}", type);
    if (std::find(kOrderTypes.begin(), kOrderTypes.end(), type) == kOrderTypes.end()) {
      errors.Add(at, "is not an order type (delivery, carryout, dine_in)");
      continue;
    }
    CheckLateness(errors, l, at);
  }
  CheckLateness(errors, setup.lateness_default, "lateness_default");
  CheckRange(errors, "busy_wait_minutes", setup.busy_wait_minutes, 5, 240);

  if (!errors.empty()) return core::Fail(errors.ToError());
  return core::Ok();
}

}  // namespace vetahut::kitchen
