// A Friday dinner rush through the real KitchenService (issue 12): how close are the promise
// times the capacity model quotes to when the orders are really ready, next to the fixed
// "now + 20 minutes" promise the platform gave before?
//
// One store with the default kitchen (make line of two, one conveyor oven, a cut table of one, a
// drinks person), a real database (a SQLite file in a temporary directory, or `--db URL`), the
// real menu service with the demo menu and the inventory with demo stock, all on a ManualClock.
// Orders arrive over the hour (seeded, ramping up to a peak and down); each is quoted with
// Estimate — the promise the customer is given — and becomes a ticket with CreateTicket. Simulated
// cooks then work the tickets as real ones do: each takes the oldest ticket's item waiting at
// their station, works it for the station's nominal time times a lognormal factor (real cooks
// vary), and bumps it; the conveyor takes one item per lane every bake/length seconds — by default
// the one that has waited longest at the belt, where a side waits from the moment its ticket
// prints — and carries it out after the bake time; the cutter cuts and bumps it ready. The clock
// moves event by event (no sleeping), and ReestimateStore runs as the periodic task would.
//
// Not a test and not registered with ctest: run it, read the table (docs/benchmarks.md,
// "Kitchen: dinner-rush promise accuracy").
//
//   scripts/build.sh release kitchen_rush && build/release/bench/kitchen_rush [--seed N] …
//   (--help lists the knobs: order mix, cooks' spread, how sides reach the oven, --db, --csv)
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "lib/log/log.hpp"
#include "services/kitchen/events.hpp"
#include "services/kitchen/kitchen_service.hpp"
#include "services/menu/catalog_json.hpp"
#include "services/menu/menu_service.hpp"

namespace vetahut::kitchen {
namespace {

namespace json = boost::json;
using core::TimePoint;
using std::chrono::duration;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;

std::atomic<bool> g_interrupted{false};

struct Options {
  std::uint64_t seed = 1;
  int orders = 120;
  int minutes = 60;
  int peak_minute = 35;  ///< where the arrival rate peaks
  double spread = 0.15;  ///< sigma of the cooks' lognormal time factor (mean 1)
  double delivery_share = 0.30;
  double side_share = 0.35;     ///< orders with a side (wings or garlic bread: through the oven)
  double drink_share = 0.40;    ///< orders with one or two drinks
  double dessert_share = 0.10;  ///< orders with a dessert (through the oven)
  int reestimate_seconds = 10;  ///< the periodic re-estimate (the server's task runs every 10 s)
  int delivery_minutes = 20;    ///< the delivery leg added to a delivery promise (a zone estimate)
  int fixed_promise_minutes = 20;  ///< the old promise: now + this (order.prep_minutes' default)
  /// Which item a free conveyor lane takes, of those waiting at the loading end of the belt
  /// (made pizzas; sides and desserts, whose route starts at the oven, from the moment their
  /// ticket prints): "arrival" — the one waiting longest; "ticket" — the oldest ticket's.
  std::string oven_order = "arrival";
  /// "ticket" — sides wait at the oven like any item; "with-pizzas" — the cooks hold a ticket's
  /// sides and desserts back until its last pizza went in.
  std::string side_loading = "ticket";
  /// The make line starts nothing new while this many pizzas are made or being made but not yet
  /// on the belt (the make table's room).
  int make_ahead = 4;
  bool sides_via_make = false;  ///< a setup whose sides and desserts go make → oven → cut
  std::string db_url;           ///< "" = a SQLite file in a temporary directory
  std::string csv;              ///< per-order rows, optional
};

[[noreturn]] void Usage(int code) {
  std::fputs(
      "usage: kitchen_rush [--seed N] [--orders N] [--minutes M] [--peak-minute M]\n"
      "         [--spread S] [--delivery-share P] [--side-share P] [--drink-share P]\n"
      "         [--dessert-share P] [--reestimate-seconds S] [--delivery-minutes M]\n"
      "         [--fixed-promise-minutes M] [--make-ahead N] [--oven-order arrival|ticket]\n"
      "         [--side-loading ticket|with-pizzas] [--sides-via-make] [--db URL] [--csv FILE]\n"
      "  A simulated dinner rush through the real KitchenService on a manual clock; prints\n"
      "  how far the model's promises (and a fixed now + 20 min promise) were from the real\n"
      "  ready times. --db: a throwaway database (sqlite:PATH or postgresql://...); its\n"
      "  kitchen_* and menu_* tables are dropped and re-created. Default: a SQLite file in a\n"
      "  temporary directory, removed at exit.\n",
      code == 0 ? stdout : stderr);
  std::exit(code);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  auto value = [&](int& i) -> std::string {
    if (i + 1 >= argc) {
      std::fprintf(stderr, "kitchen_rush: %s needs a value\n", argv[i]);
      Usage(2);
    }
    return argv[++i];
  };
  auto number = [&](int& i) {
    const std::string name = argv[i], text = value(i);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < 0) {
      std::fprintf(stderr, "kitchen_rush: %s must be a non-negative number, got '%s'\n",
                   name.c_str(), text.c_str());
      Usage(2);
    }
    return v;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seed") {
      o.seed = static_cast<std::uint64_t>(number(i));
    } else if (a == "--orders") {
      o.orders = static_cast<int>(number(i));
    } else if (a == "--minutes") {
      o.minutes = static_cast<int>(number(i));
    } else if (a == "--peak-minute") {
      o.peak_minute = static_cast<int>(number(i));
    } else if (a == "--spread") {
      o.spread = number(i);
    } else if (a == "--delivery-share") {
      o.delivery_share = number(i);
    } else if (a == "--side-share") {
      o.side_share = number(i);
    } else if (a == "--drink-share") {
      o.drink_share = number(i);
    } else if (a == "--dessert-share") {
      o.dessert_share = number(i);
    } else if (a == "--reestimate-seconds") {
      o.reestimate_seconds = static_cast<int>(number(i));
    } else if (a == "--delivery-minutes") {
      o.delivery_minutes = static_cast<int>(number(i));
    } else if (a == "--fixed-promise-minutes") {
      o.fixed_promise_minutes = static_cast<int>(number(i));
    } else if (a == "--oven-order") {
      o.oven_order = value(i);
      if (o.oven_order != "arrival" && o.oven_order != "ticket") Usage(2);
    } else if (a == "--side-loading") {
      o.side_loading = value(i);
      if (o.side_loading != "ticket" && o.side_loading != "with-pizzas") Usage(2);
    } else if (a == "--make-ahead") {
      o.make_ahead = static_cast<int>(number(i));
    } else if (a == "--sides-via-make") {
      o.sides_via_make = true;
    } else if (a == "--db") {
      o.db_url = value(i);
    } else if (a == "--csv") {
      o.csv = value(i);
    } else if (a == "-h" || a == "--help") {
      Usage(0);
    } else {
      std::fprintf(stderr, "kitchen_rush: unknown argument '%s'\n", a.c_str());
      Usage(2);
    }
  }
  if (o.orders < 1 || o.orders > 5000 || o.make_ahead < 1) Usage(2);
  if (o.minutes < 1 || o.peak_minute > o.minutes) Usage(2);
  if (o.delivery_share > 1 || o.side_share > 1 || o.drink_share > 1 || o.dessert_share > 1 ||
      o.spread > 1 || o.reestimate_seconds < 1) {
    Usage(2);
  }
  return o;
}

/// The one store, in Chicago, as the location service would describe it.
class Stores final : public location::StoreDirectoryClient {
 public:
  static constexpr const char* kStore = "str_rush";
  core::Result<location::StoreSummary> GetStore(const std::string& id) override {
    if (id == kStore) return Store();
    return core::Fail(core::Error::NotFound("store '" + id + "' does not exist"));
  }
  core::Result<std::vector<location::StoreSummary>> ListStores() override {
    return std::vector{Store()};
  }

 private:
  static location::StoreSummary Store() {
    return {kStore,         "Veta Hut Rush", "USD",    "en-US", "America/Chicago",
            "+13125550100", 41.8781,         -87.6359, {}};
  }
};

// --- what customers order ------------------------------------------------------------------------

struct Product {
  const char* id;
  const char* name;
  const char* category;
  const char* kind;
  double weight;
};

constexpr Product kPizzas[] = {
    {"pepperoni_pizza", "Pepperoni", "pizzas", "pizza", 30},
    {"cheese_pizza", "Cheese", "pizzas", "pizza", 18},
    {"meat_lovers", "Meat Lovers", "pizzas", "pizza", 11},
    {"veggie_supreme", "Veggie Supreme", "pizzas", "pizza", 9},
    {"hawaiian", "Hawaiian", "pizzas", "pizza", 8},
    {"margherita", "Margherita", "pizzas", "pizza", 8},
    {"bbq_chicken", "BBQ Chicken", "pizzas", "pizza", 7},
    {"four_cheese", "Four Cheese", "pizzas", "pizza", 5},
    {"spicy_diavola", "Spicy Diavola", "pizzas", "pizza", 4},
};
constexpr Product kSides[] = {{"chicken_wings", "Chicken wings", "sides", "side", 55},
                              {"garlic_bread", "Garlic bread", "sides", "side", 45}};
constexpr Product kDrinks[] = {{"cola", "Cola", "drinks", "drink", 55},
                               {"lemonade", "Lemonade", "drinks", "drink", 25},
                               {"water", "Bottled water", "drinks", "drink", 20}};
constexpr Product kDesserts[] = {{"chocolate_chip_cookie", "Cookie", "desserts", "dessert", 50},
                                 {"brownie", "Brownie", "desserts", "dessert", 50}};

template <std::size_t N>
const Product& Pick(const Product (&list)[N], std::mt19937_64& rng) {
  std::vector<double> w;
  for (const auto& p : list) w.push_back(p.weight);
  return list[std::discrete_distribution<std::size_t>(w.begin(), w.end())(rng)];
}

order::events::Item MakeItem(const Product& p, const std::string& size, const std::string& crust) {
  order::events::Item item;
  item.product_id = p.id;
  item.name = p.name;
  item.category_id = p.category;
  item.kind = p.kind;
  item.size_id = size;
  item.size_name = size;
  if (std::string_view(p.kind) == "pizza") {
    item.crust_id = crust;
    item.crust_name = crust;
    item.toppings = {{"mozzarella", "Mozzarella", "whole", "normal"},
                     {"tomato_sauce", "Tomato sauce", "whole", "normal"}};
    if (std::string_view(p.id) == "pepperoni_pizza")
      item.toppings.push_back({"pepperoni", "Pepperoni", "whole", "normal"});
  }
  return item;
}

/// A Friday-evening basket: 1–4 pizzas of mixed sizes, sometimes a side, drinks or a dessert.
std::vector<order::events::Item> Basket(const Options& o, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<order::events::Item> items;
  const int pizzas = 1 + static_cast<int>(std::discrete_distribution<int>({45, 33, 14, 8})(rng));
  for (int i = 0; i < pizzas; ++i) {
    const double s = u(rng);
    const std::string size = s < 0.50 ? "large" : s < 0.85 ? "medium" : "small";
    const double c = u(rng);
    std::string crust = c < 0.72 ? "hand_tossed" : c < 0.92 ? "thin" : "stuffed";
    if (size == "small" && crust == "stuffed") crust = "hand_tossed";
    items.push_back(MakeItem(Pick(kPizzas, rng), size, crust));
  }
  if (u(rng) < o.side_share) items.push_back(MakeItem(Pick(kSides, rng), "regular", ""));
  if (u(rng) < o.drink_share) {
    const int n = u(rng) < 0.7 ? 1 : 2;
    for (int i = 0; i < n; ++i) {
      const Product& d = Pick(kDrinks, rng);
      items.push_back(MakeItem(d,
                               std::string_view(d.id) == "water"
                                   ? "regular"
                                   : (u(rng) < 0.6 ? "bottle_2l" : "bottle_20oz"),
                               ""));
    }
  }
  if (u(rng) < o.dessert_share) items.push_back(MakeItem(Pick(kDesserts, rng), "regular", ""));
  return items;
}

/// Arrival offsets (seconds from the start, sorted): a quarter spread evenly over the window, the
/// rest from a triangle rising to the peak and falling to the end — a ramp up, a peak, a ramp down.
std::vector<double> Arrivals(const Options& o, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  const double b = o.minutes * 60.0, c = o.peak_minute * 60.0;
  std::vector<double> out;
  for (int i = 0; i < o.orders; ++i) {
    double t;
    if (u(rng) < 0.25) {
      t = u(rng) * b;
    } else {
      const double v = u(rng);
      t = v < c / b ? std::sqrt(v * b * c) : b - std::sqrt((1 - v) * b * (b - c));
    }
    out.push_back(std::clamp(t, 0.0, b - 1));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// --- the rush ------------------------------------------------------------------------------------

/// One item a cook works: which order, which item of its ticket.
struct Unit {
  std::size_t order = 0;
  std::int64_t item = 0;
  ItemKey key;
  std::string first;  ///< the first station of its route
};

struct OrderRecord {
  std::string order_id;
  std::string ticket_id;
  std::string type;
  TimePoint arrived{};
  TimePoint promised_ready{};   ///< Estimate's ready_at: what the customer was quoted
  TimePoint ticket_estimate{};  ///< the ticket's own first estimate (should equal the quote)
  TimePoint ready{};
  TimePoint announced_ready{};  ///< the last promise the customer heard (re-estimates), ready part
  int pizzas = 0;
  int oven_items = 0;
  double make_seconds = 0;  ///< nominal make-line work of its items
  int items = 0;
  int units_left = 0;
  int make_to_load = 0;    ///< items from the make line not yet in the oven
  std::vector<Unit> held;  ///< sides held back to go in with the ticket's pizzas
  bool is_ready = false;
  bool handed_off = false;
};

std::mt19937_64 Stream(std::uint64_t seed, std::uint32_t stream) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    stream};
  return std::mt19937_64(seq);
}

double Minutes(microseconds d) { return duration<double>(d).count() / 60.0; }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

class Rush {
 public:
  Rush(const Options& o, db::Database& db)
      : o_(o),
        db_(db),
        orders_rng_(Stream(o.seed, 1)),
        cooks_rng_(Stream(o.seed, 2)),
        people_rng_(Stream(o.seed, 3)),
        factor_(-o.spread * o.spread / 2, o.spread) {}

  void SetUp() {
    db::Migrate(db_, menu::AllMigrations());
    db::Migrate(db_, AllMigrations());
    menu_ = std::make_unique<menu::MenuService>(db_, clock_, ids_, stores_, nullptr);
    menu_->Load();
    auto doc = json::parse(menu::DemoMenuJson());
    Check(menu_->SaveDraft("USD", doc, "kitchen_rush"), "menu SaveDraft");
    Check(menu_->Publish("USD", std::nullopt, "kitchen_rush"), "menu Publish");
    inventory_ = std::make_unique<InventoryService>(db_, clock_, ids_, menu_.get(), nullptr);
    inventory_->LoadDemo({Stores::kStore});
    kitchen_ = std::make_unique<KitchenService>(db_, clock_, ids_,
                                                KitchenClients{stores_, nullptr, nullptr},
                                                *inventory_, KitchenOptions{}, nullptr);
    if (o_.sides_via_make) {
      KitchenSetup setup = DefaultSetup();
      for (auto& rule : setup.routes) {
        if (rule.kind == "side" || rule.kind == "dessert") rule.stations = {"make", "oven", "cut"};
      }
      Check(kitchen_->PutSetup(Stores::kStore, setup, {"usr_sim_manager"}), "put setup");
    }
    setup_ = kitchen_->SetupFor(Stores::kStore);
    const Station* oven = setup_.FindStation("oven");
    if (!oven || oven->kind != StationKind::kConveyor)
      throw std::runtime_error("the default kitchen has no conveyor oven");
    lanes_.assign(static_cast<std::size_t>(oven->belt_width), start_);
    lane_interval_ =
        duration_cast<microseconds>(seconds(oven->bake_seconds)) / std::max(oven->belt_length, 1);
    bake_ = seconds(oven->bake_seconds);
    make_busy_.assign(static_cast<std::size_t>(setup_.FindStation("make")->staff), false);
  }

  void Run() {
    const auto wall0 = std::chrono::steady_clock::now();
    for (double offset : Arrivals(o_, orders_rng_)) {
      const TimePoint at = start_ + duration_cast<microseconds>(duration<double>(offset));
      At(at, [this] { Arrive(); });
    }
    At(start_, [this] { Reestimate(); });
    while (!events_.empty() && !g_interrupted) {
      Event e = events_.top();
      events_.pop();
      clock_.Set(e.at);
      e.run();
      Dispatch();
    }
    wall_seconds_ = duration<double>(std::chrono::steady_clock::now() - wall0).count();
    if (g_interrupted) throw std::runtime_error("interrupted");
    for (const auto& r : orders_) {
      if (!r.is_ready) throw std::runtime_error("order " + r.order_id + " never became ready");
      if (!r.handed_off)
        throw std::runtime_error("order " + r.order_id + " never left the kitchen");
    }
  }

  void Report() const;
  void WriteCsv(const std::string& path) const;

 private:
  struct Event {
    TimePoint at;
    std::int64_t seq;
    std::function<void()> run;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return std::tie(a.at, a.seq) > std::tie(b.at, b.seq);
    }
  };

  template <class T>
  static T Check(core::Result<T> r, const std::string& what) {
    if (!r) throw std::runtime_error(what + ": " + r.error().detail);
    if constexpr (!std::is_void_v<T>) return std::move(*r);
  }

  void At(TimePoint t, std::function<void()> run) {
    events_.push({t, next_seq_++, std::move(run)});
  }
  TimePoint Now() const { return clock_.Now(); }

  /// A cook's real time for `key` at `station`: the setup's nominal time × lognormal (mean 1).
  microseconds TrueTime(const std::string& station, const ItemKey& key) {
    const double nominal = SecondsAt(*setup_.FindStation(station), key);
    return duration_cast<microseconds>(duration<double>(nominal * factor_(cooks_rng_)));
  }

  Ticket Bump(const Unit& u, const std::string& station) {
    ++bumps_;
    return Check(kitchen_->Bump(orders_[u.order].ticket_id, station, u.item, {"usr_sim_cook"}),
                 "bump at " + station);
  }

  /// A bump made the ticket ready: record it; the customer or the driver takes it later.
  void AfterBump(std::size_t i, const Ticket& t) {
    OrderRecord& r = orders_[i];
    if (--r.units_left > 0) return;
    if (t.status != TicketStatus::kReady || !t.ready_at) {
      throw std::runtime_error("ticket " + t.id + " has no item left but is " +
                               std::string(TicketStatusName(t.status)));
    }
    r.is_ready = true;
    r.ready = *core::ParseRfc3339(*t.ready_at);
    const auto promised = core::ParseRfc3339(t.promised_at).value_or(r.promised_ready);
    const auto announced = core::ParseRfc3339(t.announced_at).value_or(promised);
    const auto promised_ready = core::ParseRfc3339(t.promised_ready_at).value_or(r.promised_ready);
    r.announced_ready = announced - (promised - promised_ready);
    std::uniform_real_distribution<double> u(0, 1);
    if (r.type == "delivery") {
      // A driver takes it 1–8 minutes after it is ready.
      At(Now() + duration_cast<microseconds>(duration<double>(60 + 420 * u(people_rng_))),
         [this, i] {
           Check(kitchen_->CompleteForOrder(orders_[i].order_id), "complete");
           orders_[i].handed_off = true;
         });
    } else {
      // The customer walks in around the promised time (−3 … +6 minutes), never before it is ready.
      const auto comes =
          announced + duration_cast<microseconds>(duration<double>(-180 + 540 * u(people_rng_)));
      At(std::max(Now(), comes), [this, i] {
        ++bumps_;
        Check(kitchen_->Bump(orders_[i].ticket_id, "expo", std::nullopt, {"usr_sim_counter"}),
              "hand-off");
        orders_[i].handed_off = true;
      });
    }
  }

  void Arrive() {
    const TimePoint now = Now();
    auto items = Basket(o_, orders_rng_);
    const bool delivery =
        std::uniform_real_distribution<double>(0, 1)(orders_rng_) < o_.delivery_share;
    OrderRecord r;
    r.order_id = ids_.Next("ord");
    r.type = delivery ? "delivery" : "carryout";
    r.arrived = now;
    // The quote the order service asks for, as it builds it from the priced cart.
    EstimateRequest ask{Stores::kStore, r.type, {}};
    for (const auto& item : items)
      ask.items.push_back({item.product_id, item.category_id, item.kind, item.size_id, 1});
    ++estimates_;
    const KitchenEstimate estimate = Check(kitchen_->Estimate(ask), "estimate");
    r.promised_ready = estimate.ready_at;

    order::events::OrderConfirmed o;
    o.order_id = r.order_id;
    o.store_id = Stores::kStore;
    o.number = static_cast<std::int64_t>(orders_.size()) + 1;
    o.type = r.type;
    o.customer_name = "Guest";
    o.channel = "web";
    o.payment_method = "pay_at_store";
    o.placed_at = core::FormatRfc3339(now);
    if (delivery) {
      o.ready_by = core::FormatRfc3339(estimate.ready_at);
      o.promised_at = core::FormatRfc3339(estimate.ready_at + minutes(o_.delivery_minutes));
      o.address = order::events::DeliveryAddress{41.8820, -87.6278, "1 N State St", "Chicago", ""};
    } else {
      o.promised_at = core::FormatRfc3339(estimate.ready_at);
    }
    for (std::size_t k = 0; k < items.size(); ++k) {
      order::events::Line line;
      line.index = static_cast<std::int64_t>(k);
      line.name = items[k].name;
      line.items = {items[k]};
      o.lines.push_back(std::move(line));
    }
    // As the kitchen's order.confirmed consumer does: the ticket, then a re-estimate of the store.
    Check(kitchen_->CreateTicket(o), "create ticket");
    Check(kitchen_->AfterCreate(Stores::kStore), "after create");
    kitchen_->ReestimateMarked();
    auto rows =
        db_.Query("SELECT id FROM kitchen_tickets WHERE order_id = $1", db::Params(r.order_id));
    if (rows.size() != 1) throw std::runtime_error("no ticket for " + r.order_id);
    r.ticket_id = rows[0].Text("id");
    const Ticket t = Check(kitchen_->Get(r.ticket_id), "get ticket");
    r.ticket_estimate = core::ParseRfc3339(t.estimated_ready_at).value_or(TimePoint{});
    const std::size_t i = orders_.size();
    for (const auto& item : t.items) {
      const std::string& first = item.route.at(0);
      Unit u{i, item.index, item.key(), first};
      ++r.items;
      if (item.kind == "pizza") ++r.pizzas;
      if (first == "make") r.make_seconds += SecondsAt(*setup_.FindStation("make"), item.key());
      if (std::find(item.route.begin(), item.route.end(), "oven") != item.route.end())
        ++r.oven_items;
      if (first == "make") {
        make_queue_.push_back(u);
        if (item.route.size() < 2 || item.route[1] != "oven")
          throw std::runtime_error("no simulated cook for " + item.name);
        ++r.make_to_load;
      } else if (first == "oven") {
        r.held.push_back(u);  // a side or dessert goes onto the belt as it is (below)
      } else if (first == "drinks") {
        drink_queue_.push_back(u);
      } else {
        throw std::runtime_error("no simulated cook for station " + first);
      }
    }
    r.units_left = r.items;
    if (o_.side_loading == "ticket" || r.make_to_load == 0) {
      for (const Unit& u : r.held) oven_queue_.push_back(u);
      r.held.clear();
    }
    orders_.push_back(std::move(r));
    ++arrived_;
  }

  void Reestimate() {
    ++reestimates_;
    kitchen_->ReestimateStore(Stores::kStore);
    const bool more =
        arrived_ < o_.orders || std::any_of(orders_.begin(), orders_.end(),
                                            [](const OrderRecord& r) { return !r.is_ready; });
    if (more) At(Now() + seconds(o_.reestimate_seconds), [this] { Reestimate(); });
  }

  /// Every free cook takes the oldest item waiting at their station; a free oven lane takes the
  /// oldest pizza (or side) waiting to go in.
  void Dispatch() {
    const TimePoint now = Now();
    for (std::size_t w = 0; w < make_busy_.size(); ++w) {
      if (make_busy_[w] || make_queue_.empty()) continue;
      if (made_waiting_ + make_in_work_ >= o_.make_ahead) break;  // the make table is full
      const Unit u = make_queue_.front();
      make_queue_.pop_front();
      Bump(u, "make");  // started
      make_busy_[w] = true;
      ++make_in_work_;
      At(now + TrueTime("make", u.key), [this, w, u] {
        make_busy_[w] = false;
        --make_in_work_;
        ++made_waiting_;
        oven_queue_.push_back(u);  // made: on the loading end of the belt
      });
    }
    for (auto& lane : lanes_) {
      if (oven_queue_.empty()) break;
      if (lane > now) continue;
      // oven_queue_ is in order of arrival at the belt; "ticket": the oldest ticket's item first.
      auto next = oven_queue_.begin();
      if (o_.oven_order == "ticket") {
        next = std::min_element(oven_queue_.begin(), oven_queue_.end(),
                                [](const Unit& a, const Unit& b) {
                                  return std::tie(a.order, a.item) < std::tie(b.order, b.item);
                                });
      }
      const Unit u = *next;
      oven_queue_.erase(next);
      Bump(u, u.first);  // into the oven: "done" at the make line, or "start" at the oven
      OrderRecord& r = orders_[u.order];
      if (u.first == "make") --made_waiting_;
      if (u.first == "make" && --r.make_to_load == 0) {
        for (const Unit& held : r.held)
          oven_queue_.push_back(held);  // "with-pizzas": now the sides
        r.held.clear();
      }
      lane = now + lane_interval_;
      At(lane, [] {});  // wakes Dispatch when the lane can take the next one
      At(now + bake_, [this, u] { cut_queue_.push_back(u); });
    }
    if (!cut_busy_ && !cut_queue_.empty()) {
      const Unit u = cut_queue_.front();
      cut_queue_.pop_front();
      cut_busy_ = true;
      At(now + TrueTime("cut", u.key), [this, u] {
        cut_busy_ = false;
        AfterBump(u.order, Bump(u, "cut"));  // cut and boxed: ready
      });
    }
    if (!drink_busy_ && !drink_queue_.empty()) {
      const Unit u = drink_queue_.front();
      drink_queue_.pop_front();
      drink_busy_ = true;
      Bump(u, "drinks");  // started
      At(now + TrueTime("drinks", u.key), [this, u] {
        drink_busy_ = false;
        AfterBump(u.order, Bump(u, "drinks"));
      });
    }
  }

  const Options& o_;
  db::Database& db_;
  // Separate streams, so the orders are the same whatever the cooks do.
  std::mt19937_64 orders_rng_, cooks_rng_, people_rng_;
  std::lognormal_distribution<double> factor_;
  // Friday 27 November 2026, 18:00 in Chicago.
  const TimePoint start_ = *core::ParseRfc3339("2026-11-28T00:00:00Z");
  core::ManualClock clock_{start_};
  core::IdGenerator ids_{clock_};
  Stores stores_;
  std::unique_ptr<menu::MenuService> menu_;
  std::unique_ptr<InventoryService> inventory_;
  std::unique_ptr<KitchenService> kitchen_;
  KitchenSetup setup_;

  std::priority_queue<Event, std::vector<Event>, Later> events_;
  std::int64_t next_seq_ = 0;
  std::vector<OrderRecord> orders_;
  int arrived_ = 0;
  std::deque<Unit> make_queue_, oven_queue_, cut_queue_, drink_queue_;
  std::vector<bool> make_busy_;
  int make_in_work_ = 0, made_waiting_ = 0;
  bool cut_busy_ = false, drink_busy_ = false;
  std::vector<TimePoint> lanes_;
  microseconds lane_interval_{0};
  microseconds bake_{0};

  std::int64_t bumps_ = 0, estimates_ = 0, reestimates_ = 0;
  double wall_seconds_ = 0;
};

/// Accuracy of one kind of promise: error = actual ready − promised ready, in minutes.
struct Accuracy {
  std::vector<double> errors;
  std::string Row(const std::string& name) const {
    std::vector<double> abs;
    double sum = 0;
    int within2 = 0, within5 = 0, late = 0;
    for (double e : errors) {
      abs.push_back(std::fabs(e));
      sum += e;
      within2 += std::fabs(e) <= 2;
      within5 += std::fabs(e) <= 5;
      late += e > 0;
    }
    const double n = static_cast<double>(errors.size());
    return fmt::format(
        "| {:<28} | {:>9.1f} | {:>9.1f} | {:>9.1f} | {:>7.0f}% | {:>7.0f}% | {:>+10.1f} | "
        "{:>6.0f}% |",
        name, Percentile(abs, 0.5), Percentile(abs, 0.9), Percentile(abs, 1.0), 100 * within2 / n,
        100 * within5 / n, sum / n, 100 * late / n);
  }
};

void Rush::Report() const {
  const Station& make = *setup_.FindStation("make");
  const Station& oven = *setup_.FindStation("oven");
  const Station& cut = *setup_.FindStation("cut");
  int pizzas = 0, oven_items = 0, items = 0, deliveries = 0;
  double make_seconds = 0;
  for (const auto& r : orders_) {
    make_seconds += r.make_seconds;
    pizzas += r.pizzas;
    oven_items += r.oven_items;
    items += r.items;
    deliveries += r.type == "delivery";
  }
  const double oven_per_hour = 3600.0 / duration<double>(lane_interval_).count() * oven.belt_width;
  const double window_s = o_.minutes * 60.0;
  fmt::print("==> kitchen_rush: {} orders over {} min (peak at minute {}), seed {}, {}\n",
             orders_.size(), o_.minutes, o_.peak_minute, o_.seed,
             o_.db_url.empty()                       ? "SQLite (temp file)"
             : db_.engine() == db::Engine::kPostgres ? "PostgreSQL"
                                                     : "SQLite");
  fmt::print(
      "    kitchen (DefaultSetup): make line {} people; conveyor oven {} s bake, {} wide × {} long "
      "(a lane takes one every {:.0f} s: {:.0f} items/h); cut table {} person ({} s a pizza); "
      "drinks 1\n",
      make.staff, oven.bake_seconds, oven.belt_width, oven.belt_length,
      duration<double>(lane_interval_).count(), oven_per_hour, cut.staff,
      SecondsAt(cut, {"", "pizzas", "pizza", "large"}));
  fmt::print(
      "    cooks: nominal time × lognormal factor (σ {:.2f}, mean 1), oldest ticket first at each "
      "station; the make "
      "line keeps at most {} pizzas ahead of the belt; the belt takes the {}; sides and desserts "
      "{}{}\n",
      o_.spread, o_.make_ahead,
      o_.oven_order == "arrival" ? "item waiting longest (--oven-order arrival)"
                                 : "oldest ticket's item (--oven-order ticket)",
      o_.side_loading == "ticket"
          ? "wait at the belt from the moment their ticket prints"
          : "go in right after their ticket's last pizza (--side-loading with-pizzas)",
      o_.sides_via_make ? " (--sides-via-make: routed make → oven → cut)" : "");
  fmt::print("    re-estimate every {} s; {:.0f}% delivery ({} orders)\n", o_.reestimate_seconds,
             100.0 * deliveries / orders_.size(), deliveries);
  fmt::print(
      "    load: {} items, {} pizzas ({:.2f} per order); over the {} min of orders the oven gets "
      "{} items = {:.2f}× "
      "what it can bake in that time, the make line {:.0f} min of work = {:.2f}× what {} people "
      "make\n",
      items, pizzas, static_cast<double>(pizzas) / orders_.size(), o_.minutes, oven_items,
      oven_items / (oven_per_hour * window_s / 3600.0), make_seconds / 60,
      make_seconds / (window_s * make.staff), make.staff);

  Accuracy model, fixed, heard;
  double quoted = 0, actual_wait = 0;
  int mismatched = 0;
  microseconds max_mismatch{0};
  TimePoint last_ready = start_;
  for (const auto& r : orders_) {
    model.errors.push_back(Minutes(r.ready - r.promised_ready));
    fixed.errors.push_back(Minutes(r.ready - (r.arrived + minutes(o_.fixed_promise_minutes))));
    heard.errors.push_back(Minutes(r.ready - r.announced_ready));
    quoted += Minutes(r.promised_ready - r.arrived);
    actual_wait += Minutes(r.ready - r.arrived);
    const auto diff = std::chrono::abs(r.ticket_estimate - r.promised_ready);
    mismatched += diff > std::chrono::milliseconds(1);
    max_mismatch = std::max(max_mismatch, diff);
    last_ready = std::max(last_ready, r.ready);
  }
  const double n = static_cast<double>(orders_.size());
  fmt::print(
      "\nerror = actual ready − promised ready (minutes; + = late). Ready = the ticket's ready_at "
      "(last item "
      "bumped at the cut table or drinks).\n\n");
  fmt::print("| {:<28} | {:>9} | {:>9} | {:>9} | {:>8} | {:>8} | {:>10} | {:>7} |\n", "promise",
             "|err| p50", "|err| p90", "|err| max", "±2 min", "±5 min", "mean err", "late");
  fmt::print("|{:-<30}|{:->10}:|{:->10}:|{:->10}:|{:->9}:|{:->9}:|{:->11}:|{:->8}:|\n", "", "", "",
             "", "", "", "", "");
  fmt::print("{}\n", model.Row("model (Estimate at order)"));
  fmt::print("{}\n", fixed.Row(fmt::format("fixed now + {} min", o_.fixed_promise_minutes)));
  fmt::print("{}\n", heard.Row("last time heard before ready"));
  fmt::print(
      "\nmean quoted wait {:.1f} min (model), {} min (fixed); mean actual wait {:.1f} min; last "
      "order ready at "
      "+{:.0f} min\n",
      quoted / n, o_.fixed_promise_minutes, actual_wait / n, Minutes(last_ready - start_));
  if (mismatched) {
    fmt::print("note: {} tickets' first estimate differs from their quote (by up to {:.1f} s)\n",
               mismatched, duration<double>(max_mismatch).count());
  }
  // How often customers heard a new time (kitchen.promise_changed, sent when it moves ≥ 2 min).
  std::map<std::string, int> changes;
  for (const auto& row : db_.Query("SELECT envelope FROM kitchen_outbox WHERE type = $1",
                                   db::Params(std::string(events::PromiseChanged::kType)))) {
    const json::value data = json::parse(row.Text("envelope")).at("data");
    const json::object& o =
        data.is_string() ? json::parse(data.as_string()).as_object() : data.as_object();
    ++changes[std::string(o.at("order_id").as_string())];
  }
  int told = 0, most = 0, total_changes = 0;
  for (const auto& [id, c] : changes) {
    ++told;
    most = std::max(most, c);
    total_changes += c;
  }
  fmt::print(
      "promise changes heard: {} of {} customers were sent a new time ({:.1f} messages each on "
      "average, at most "
      "{})\n",
      told, orders_.size(), told ? static_cast<double>(total_changes) / told : 0.0, most);

  fmt::print("\n| {:<11} | {:>6} | {:>6} | {:>11} | {:>11} | {:>10} | {:>14} | {:>12} |\n",
             "placed", "orders", "pizzas", "quoted wait", "actual wait", "model err",
             "model |err| p90", "fixed err");
  fmt::print("|{:-<13}|{:->7}:|{:->7}:|{:->12}:|{:->12}:|{:->11}:|{:->15}:|{:->13}:|\n", "", "", "",
             "", "", "", "", "");
  for (int w = 0; w * 10 < o_.minutes; ++w) {
    const TimePoint from = start_ + minutes(10 * w), to = from + minutes(10);
    int count = 0, pz = 0;
    double q = 0, a = 0, me = 0, fe = 0;
    std::vector<double> abs;
    for (std::size_t i = 0; i < orders_.size(); ++i) {
      const auto& r = orders_[i];
      if (r.arrived < from || r.arrived >= to) continue;
      ++count;
      pz += r.pizzas;
      q += Minutes(r.promised_ready - r.arrived);
      a += Minutes(r.ready - r.arrived);
      me += model.errors[i];
      fe += fixed.errors[i];
      abs.push_back(std::fabs(model.errors[i]));
    }
    const std::string label = fmt::format(
        "18:{:02}–{}", 10 * w,
        10 * w + 10 >= 60 ? std::string("19:00") : fmt::format("18:{:02}", 10 * w + 10));
    if (count == 0) {
      fmt::print("| {:<11} | {:>6} | {:>6} | {:>11} | {:>11} | {:>10} | {:>14} | {:>12} |\n", label,
                 0, 0, "-", "-", "-", "-", "-");
      continue;
    }
    fmt::print(
        "| {:<11} | {:>6} | {:>6} | {:>11.1f} | {:>11.1f} | {:>+10.1f} | {:>14.1f} | {:>+12.1f} "
        "|\n",
        label, count, pz, q / count, a / count, me / count, Percentile(abs, 0.9), fe / count);
  }
  fmt::print(
      "\n(minutes; 'placed' is store time, Friday; errors are means over the orders placed in the "
      "window)\n");
  fmt::print(
      "service calls: {} Estimate, {} CreateTicket + AfterCreate, {} Bump, {} periodic "
      "ReestimateStore; {:.1f} s wall time\n",
      estimates_, orders_.size(), bumps_, reestimates_, wall_seconds_);
}

void Rush::WriteCsv(const std::string& path) const {
  std::ofstream out(path);
  out << "order,type,pizzas,items,placed_s,quoted_wait_s,ready_s,model_error_s,fixed_error_s,last_"
         "heard_error_s\n";
  for (const auto& r : orders_) {
    auto s = [&](TimePoint t) { return duration<double>(t - start_).count(); };
    out << fmt::format("{},{},{},{},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f}\n", r.order_id,
                       r.type, r.pizzas, r.items, s(r.arrived), s(r.promised_ready) - s(r.arrived),
                       s(r.ready), s(r.ready) - s(r.promised_ready),
                       s(r.ready) - s(r.arrived + minutes(o_.fixed_promise_minutes)),
                       s(r.ready) - s(r.announced_ready));
  }
}

/// The kitchen's and menu's tables, dropped so a --db database starts empty (as the service test).
void DropTables(db::Database& db) {
  for (const char* t : {"kitchen_setups",      "kitchen_stores",       "kitchen_tickets",
                        "kitchen_bumps",       "kitchen_recipe_book",  "kitchen_stock",
                        "kitchen_adjustments", "kitchen_auto86",       "kitchen_deliveries",
                        "kitchen_drivers",     "kitchen_shifts",       "kitchen_outbox_lease",
                        "kitchen_outbox",      "kitchen_inbox",        "menu_versions",
                        "menu_store_settings", "menu_price_overrides", "menu_unavailable",
                        "menu_outbox_lease",   "menu_outbox",          "menu_inbox"}) {
    db.Exec(std::string("DROP TABLE IF EXISTS ") + t);
  }
  db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT "
      "NULL, "
      "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
  db.Exec("DELETE FROM schema_migrations WHERE module IN ('kitchen', 'menu')");
}

int Main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  log::SetLevel(log::Level::kError);  // "low stock" warnings are expected in a rush
  std::signal(SIGINT, [](int) { g_interrupted = true; });
  std::signal(SIGTERM, [](int) { g_interrupted = true; });

  std::filesystem::path tmp;
  struct RemoveDir {
    std::filesystem::path& dir;
    ~RemoveDir() {
      std::error_code ec;
      if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    }
  } remove_tmp{tmp};
  std::string url = o.db_url;
  if (url.empty()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "vetahut-kitchen-rush.XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    tmp = pattern;
    url = "sqlite:" + (tmp / "kitchen.db").string();
  }
  auto db = db::Database::Open(url);
  DropTables(*db);
  Rush rush(o, *db);
  rush.SetUp();
  rush.Run();
  rush.Report();
  if (!o.csv.empty()) rush.WriteCsv(o.csv);
  return 0;
}

}  // namespace
}  // namespace vetahut::kitchen

int main(int argc, char** argv) {
  try {
    return vetahut::kitchen::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kitchen_rush: %s\n", e.what());
    return 1;
  }
}
