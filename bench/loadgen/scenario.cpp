#include "scenario.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <fstream>
#include <sstream>

namespace vetahut::loadgen {
namespace {

/// Ends the parse with the first error (caught once, in ParseScenario).
struct Stop {
  ScenarioError error;
};

std::string_view TypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date or time";
  }
}

std::string Join(std::string_view prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : fmt::format("{}.{}", prefix, key);
}

class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  [[noreturn]] void Fail(const toml::node* at, std::string key, std::string message) const {
    FailAt(at ? at->source() : toml::source_region{}, std::move(key), std::move(message));
  }

  [[noreturn]] void FailAt(const toml::source_region& at, std::string key,
                           std::string message) const {
    ScenarioError e{std::string(source_), static_cast<int>(at.begin.line),
                    static_cast<int>(at.begin.column), std::move(key), std::move(message)};
    throw Stop{std::move(e)};
  }

  /// Every key of `t` must be one of `known`.
  void OnlyKeys(const toml::table& t, std::string_view prefix,
                std::initializer_list<std::string_view> known) const {
    for (const auto& [k, v] : t) {
      bool ok = false;
      for (auto name : known) ok = ok || name == k.str();
      if (!ok) {
        std::string list;
        for (auto name : known) list += fmt::format("{}{}", list.empty() ? "" : ", ", name);
        FailAt(k.source(), Join(prefix, k.str()),
               fmt::format("unknown key (known here: {})", list));
      }
    }
  }

  const toml::table* Table(const toml::table& t, std::string_view prefix, std::string_view key,
                           bool required) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) Fail(&t, Join(prefix, key), "is required (a table)");
      return nullptr;
    }
    if (!n->is_table())
      Fail(n, Join(prefix, key), fmt::format("must be a table, got {}", TypeName(*n)));
    return n->as_table();
  }

  void String(const toml::table& t, std::string_view prefix, std::string_view key, std::string& out,
              bool required = false) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) Fail(&t, Join(prefix, key), "is required (a string)");
      return;
    }
    if (!n->is_string())
      Fail(n, Join(prefix, key), fmt::format("must be a string, got {}", TypeName(*n)));
    out = n->as_string()->get();
  }

  double Number(const toml::node& n, const std::string& key, double min, double max) const {
    double v;
    if (n.is_integer()) {
      v = static_cast<double>(n.as_integer()->get());
    } else if (n.is_floating_point()) {
      v = n.as_floating_point()->get();
    } else {
      Fail(&n, key, fmt::format("must be a number, got {}", TypeName(n)));
    }
    if (!(v >= min && v <= max))
      Fail(&n, key, fmt::format("must be between {} and {}, got {}", min, max, v));
    return v;
  }

  std::int64_t Integer(const toml::node& n, const std::string& key, std::int64_t min,
                       std::int64_t max) const {
    if (!n.is_integer()) Fail(&n, key, fmt::format("must be an integer, got {}", TypeName(n)));
    const std::int64_t v = n.as_integer()->get();
    if (v < min || v > max)
      Fail(&n, key, fmt::format("must be between {} and {}, got {}", min, max, v));
    return v;
  }

  void Double(const toml::table& t, std::string_view prefix, std::string_view key, double& out,
              double min, double max, bool required = false) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) Fail(&t, Join(prefix, key), "is required (a number)");
      return;
    }
    out = Number(*n, Join(prefix, key), min, max);
  }

  void Int(const toml::table& t, std::string_view prefix, std::string_view key, int& out, int min,
           int max) const {
    if (const toml::node* n = t.get(key))
      out = static_cast<int>(Integer(*n, Join(prefix, key), min, max));
  }

  /// `[min, max]` (min ≤ max) or one integer (min = max).
  void Range(const toml::table& t, std::string_view prefix, std::string_view key, IntRange& out,
             int min, int max) const {
    const toml::node* n = t.get(key);
    if (!n) return;
    const std::string name = Join(prefix, key);
    if (n->is_integer()) {
      out.min = out.max = static_cast<int>(Integer(*n, name, min, max));
      return;
    }
    const toml::array* a = n->as_array();
    if (!a || a->size() != 2) Fail(n, name, "must be [min, max] or one integer");
    out.min = static_cast<int>(Integer(*a->get(0), name + "[0]", min, max));
    out.max = static_cast<int>(Integer(*a->get(1), name + "[1]", min, max));
    if (out.min > out.max)
      Fail(n, name, fmt::format("min ({}) must not exceed max ({})", out.min, out.max));
  }

  void Strings(const toml::table& t, std::string_view prefix, std::string_view key,
               std::vector<std::string>& out) const {
    const toml::node* n = t.get(key);
    if (!n) return;
    const std::string name = Join(prefix, key);
    const toml::array* a = n->as_array();
    if (!a) Fail(n, name, fmt::format("must be an array of strings, got {}", TypeName(*n)));
    if (a->empty()) Fail(n, name, "must not be empty");
    out.clear();
    for (std::size_t i = 0; i < a->size(); ++i) {
      const toml::node* e = a->get(i);
      if (!e->is_string())
        Fail(e, fmt::format("{}[{}]", name, i),
             fmt::format("must be a string, got {}", TypeName(*e)));
      out.push_back(e->as_string()->get());
    }
  }

 private:
  std::string_view source_;
};

Scenario Parse(const toml::table& root, const Reader& r) {
  Scenario s;
  r.OnlyKeys(root, "",
             {"name", "description", "seed", "arrivals", "stores", "session", "kitchen",
              "menu_publish", "limits"});
  r.String(root, "", "name", s.name, true);
  if (s.name.empty()) r.Fail(root.get("name"), "name", "must not be empty");
  r.String(root, "", "description", s.description);
  if (const toml::node* seed = root.get("seed"))
    s.seed = static_cast<std::uint64_t>(r.Integer(*seed, "seed", 0, INT64_MAX));

  const toml::table* arrivals = r.Table(root, "", "arrivals", true);
  r.OnlyKeys(*arrivals, "arrivals", {"process", "phases"});
  std::string process = "poisson";
  r.String(*arrivals, "arrivals", "process", process);
  if (process == "poisson") {
    s.process = ArrivalProcess::kPoisson;
  } else if (process == "uniform") {
    s.process = ArrivalProcess::kUniform;
  } else {
    r.Fail(arrivals->get("process"), "arrivals.process",
           fmt::format("must be poisson or uniform, got '{}'", process));
  }
  const toml::node* phases = arrivals->get("phases");
  if (!phases)
    r.Fail(arrivals, "arrivals.phases", "is required: [{ seconds = 20, from = 1, to = 5 }, …]");
  const toml::array* list = phases->as_array();
  if (!list)
    r.Fail(phases, "arrivals.phases",
           fmt::format("must be an array of tables, got {}", TypeName(*phases)));
  if (list->empty()) r.Fail(phases, "arrivals.phases", "must hold at least one phase");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string name = fmt::format("arrivals.phases[{}]", i);
    const toml::table* p = list->get(i)->as_table();
    if (!p)
      r.Fail(
          list->get(i), name,
          fmt::format("must be a table {{ seconds, from, to }}, got {}", TypeName(*list->get(i))));
    r.OnlyKeys(*p, name, {"seconds", "from", "to", "rate"});
    RatePhase phase;
    r.Double(*p, name, "seconds", phase.seconds, 0.001, 86400, true);
    if (p->get("rate")) {
      if (p->get("from") || p->get("to"))
        r.Fail(p->get("rate"), name + ".rate",
               "give either rate (constant) or from and to (a ramp), not both");
      r.Double(*p, name, "rate", phase.from_rate, 0, 100000);
      phase.to_rate = phase.from_rate;
    } else {
      r.Double(*p, name, "from", phase.from_rate, 0, 100000, true);
      r.Double(*p, name, "to", phase.to_rate, 0, 100000, true);
    }
    s.phases.push_back(phase);
  }

  if (const toml::table* t = r.Table(root, "", "stores", false)) {
    r.OnlyKeys(*t, "stores", {"count", "latitude", "longitude"});
    r.Int(*t, "stores", "count", s.stores.count, 1, 200);
    r.Double(*t, "stores", "latitude", s.stores.latitude, -90, 90);
    r.Double(*t, "stores", "longitude", s.stores.longitude, -180, 180);
  }

  if (const toml::table* t = r.Table(root, "", "session", false)) {
    auto& x = s.session;
    r.OnlyKeys(
        *t, "session",
        {"quotes", "think_ms", "returning_share", "customer_share", "card_share", "coupon_share",
         "coupon", "customers", "track_timeout_s", "products", "sizes", "toppings"});
    r.Range(*t, "session", "quotes", x.quotes, 0, 100);
    r.Range(*t, "session", "think_ms", x.think_ms, 0, 600000);
    r.Double(*t, "session", "returning_share", x.returning_share, 0, 1);
    r.Double(*t, "session", "customer_share", x.customer_share, 0, 1);
    r.Double(*t, "session", "card_share", x.card_share, 0, 1);
    r.Double(*t, "session", "coupon_share", x.coupon_share, 0, 1);
    r.String(*t, "session", "coupon", x.coupon);
    if (x.coupon_share > 0 && x.coupon.empty())
      r.Fail(t->get("coupon"), "session.coupon", "must name a coupon when coupon_share > 0");
    r.Int(*t, "session", "customers", x.customers, 1, 1000);
    r.Int(*t, "session", "track_timeout_s", x.track_timeout_s, 1, 3600);
    r.Strings(*t, "session", "products", x.products);
    r.Strings(*t, "session", "sizes", x.sizes);
    r.Strings(*t, "session", "toppings", x.toppings);
  }

  if (const toml::table* t = r.Table(root, "", "kitchen", false)) {
    r.OnlyKeys(*t, "kitchen", {"poll_ms", "bump_ms"});
    r.Int(*t, "kitchen", "poll_ms", s.kitchen.poll_ms, 10, 60000);
    r.Range(*t, "kitchen", "bump_ms", s.kitchen.bump_ms, 0, 600000);
  }

  if (const toml::table* t = r.Table(root, "", "menu_publish", false)) {
    MenuPublishSpec m;
    r.OnlyKeys(*t, "menu_publish", {"at_s", "market", "deadline_ms", "watch_ms"});
    r.Double(*t, "menu_publish", "at_s", m.at_s, 0, 86400, true);
    r.String(*t, "menu_publish", "market", m.market);
    if (m.market.size() != 3)
      r.Fail(t->get("market"), "menu_publish.market", "must be an ISO-4217 code such as USD");
    r.Int(*t, "menu_publish", "deadline_ms", m.deadline_ms, 1, 600000);
    r.Int(*t, "menu_publish", "watch_ms", m.watch_ms, 0, 600000);
    if (m.at_s >= TotalSeconds(s.phases)) {
      r.Fail(t->get("at_s"), "menu_publish.at_s",
             fmt::format("must fall within the run ({} s of arrivals), got {}",
                         TotalSeconds(s.phases), m.at_s));
    }
    s.menu_publish = m;
  }

  if (const toml::table* t = r.Table(root, "", "limits", false)) {
    r.OnlyKeys(*t, "limits", {"connections", "request_timeout_ms", "drain_s"});
    r.Int(*t, "limits", "connections", s.limits.connections, 1, 10000);
    r.Int(*t, "limits", "request_timeout_ms", s.limits.request_timeout_ms, 10, 600000);
    r.Int(*t, "limits", "drain_s", s.limits.drain_s, 1, 3600);
  }
  return s;
}

}  // namespace

std::string ScenarioError::ToString() const {
  std::string where = source;
  if (line > 0) where += fmt::format(":{}:{}", line, column);
  return key.empty() ? fmt::format("{}: {}", where, message)
                     : fmt::format("{}: {}: {}", where, key, message);
}

tl::expected<Scenario, ScenarioError> ParseScenario(std::string_view text,
                                                    std::string_view source) {
  Reader reader(source);
  try {
    toml::table root = toml::parse(text, source);
    return Parse(root, reader);
  } catch (const toml::parse_error& e) {
    return tl::unexpected(ScenarioError{std::string(source),
                                        static_cast<int>(e.source().begin.line),
                                        static_cast<int>(e.source().begin.column), "",
                                        fmt::format("TOML syntax: {}", e.description())});
  } catch (Stop& stop) {
    return tl::unexpected(std::move(stop.error));
  }
}

Scenario ScaledScenario(Scenario s, double time, double rate) {
  auto scale = [time](int ms) { return static_cast<int>(ms * time); };
  s.phases = Scaled(std::move(s.phases), time, rate);
  s.session.think_ms = {scale(s.session.think_ms.min), scale(s.session.think_ms.max)};
  s.kitchen.bump_ms = {scale(s.kitchen.bump_ms.min), scale(s.kitchen.bump_ms.max)};
  s.kitchen.poll_ms = std::max(10, scale(s.kitchen.poll_ms));
  if (s.menu_publish) {
    s.menu_publish->at_s *= time;
    if (s.menu_publish->watch_ms > 0) {
      s.menu_publish->watch_ms = std::max(10, scale(s.menu_publish->watch_ms));
    }
  }
  return s;
}

tl::expected<Scenario, ScenarioError> LoadScenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return tl::unexpected(ScenarioError{path, 0, 0, "", "cannot read the file"});
  std::stringstream text;
  text << in.rdbuf();
  return ParseScenario(text.str(), path);
}

}  // namespace vetahut::loadgen
