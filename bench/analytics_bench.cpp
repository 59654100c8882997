// Analytics (issue 14): how fast events fold into facts, and how long a 30-day sales report
// takes over 100,000 orders — on SQLite or PostgreSQL, each beside a reference on the same
// database in the same run (the ratio is what to compare across machines):
//   - fold, the queue's way: each event in its own transaction with its inbox record, as the
//     module's consumer runs it — beside one INSERT + COMMIT per event into a scratch table (the
//     floor any exactly-once consumer pays);
//   - fold, bulk: the rest in transactions of 1,000 events (a rebuild's and a backlog's shape);
//   - reports over the whole chain and over one store: the 30-day sales report by day, by hour
//     and by product (the previous 30 days beside it, as the API answers) — beside the bare
//     GROUP BY the day report runs.
//
// Not a test and not registered with ctest: run it, read the table (docs/benchmarks.md,
// "Analytics: folding events and the 30-day sales report").
//
//   scripts/build.sh release analytics_bench && build/release/bench/analytics_bench [--db URL]
//   (--help lists the knobs: --orders, --days, --stores, --queue-events, --runs, --seed)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "lib/db/migrations.hpp"
#include "lib/log/log.hpp"
#include "services/analytics/domain/local_time.hpp"
#include "services/analytics/fact_folder.hpp"
#include "services/analytics/module.hpp"
#include "services/analytics/report_render.hpp"
#include "services/analytics/reports.hpp"

namespace vetahut::analytics {
namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

struct Options {
  std::string db;            ///< empty: a SQLite file in a temporary directory
  int orders = 100000;
  int days = 30;
  int stores = 10;
  int queue_events = 20000;  ///< events folded one transaction each (the rest in batches)
  int runs = 7;
  std::uint64_t seed = 14;
};

void Usage() {
  std::puts(
      "analytics_bench [--db URL] [--orders N] [--days N] [--stores N] [--queue-events N] [--runs N] [--seed N]\n"
      "  Generates N orders (order.confirmed, a final status, a capture or a payment due each) over the\n"
      "  last --days days in --stores stores, folds their events into the analytics facts, and times\n"
      "  the 30-day sales reports. --db: a throwaway database (sqlite:PATH or postgresql://...); its\n"
      "  analytics_* tables are dropped and re-created.");
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "analytics_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      Usage();
      std::exit(0);
    } else if (a == "--db") {
      o.db = value();
    } else if (a == "--orders") {
      o.orders = std::stoi(value());
    } else if (a == "--days") {
      o.days = std::stoi(value());
    } else if (a == "--stores") {
      o.stores = std::stoi(value());
    } else if (a == "--queue-events") {
      o.queue_events = std::stoi(value());
    } else if (a == "--runs") {
      o.runs = std::stoi(value());
    } else if (a == "--seed") {
      o.seed = std::stoull(value());
    } else {
      std::fprintf(stderr, "analytics_bench: unknown option %s (--help)\n", a.c_str());
      std::exit(2);
    }
  }
  return o;
}

const char* const kZones[] = {"America/Chicago", "America/New_York", "America/Los_Angeles", "America/Denver", "America/Phoenix"};

/// A chain of stores in US zones.
class Stores final : public location::StoreDirectoryClient {
 public:
  explicit Stores(int n) {
    for (int i = 0; i < n; ++i) {
      stores_.push_back({fmt::format("str_{:03}", i), fmt::format("Veta Hut #{}", i), "USD", "en-US",
                         kZones[i % std::size(kZones)], "+13125550100", 41.88, -87.63, {}});
    }
  }
  core::Result<location::StoreSummary> GetStore(const std::string& id) override {
    for (const auto& s : stores_) {
      if (s.id == id) return s;
    }
    return core::Fail(core::Error::NotFound(id));
  }
  core::Result<std::vector<location::StoreSummary>> ListStores() override { return stores_; }
  const std::vector<location::StoreSummary>& all() const { return stores_; }

 private:
  std::vector<location::StoreSummary> stores_;
};

struct Product {
  const char* id;
  const char* name;
  const char* category;
  const char* kind;
  std::int64_t price;
};
const Product kProducts[] = {{"cheese_pizza", "Cheese", "pizzas", "pizza", 1299},
                             {"pepperoni_pizza", "Pepperoni", "pizzas", "pizza", 1499},
                             {"supreme_pizza", "Supreme", "pizzas", "pizza", 1799},
                             {"veggie_pizza", "Veggie", "pizzas", "pizza", 1599},
                             {"wings", "Wings", "sides", "side", 899},
                             {"garlic_bread", "Garlic bread", "sides", "side", 599},
                             {"cola", "Cola", "drinks", "drink", 299},
                             {"brownie", "Brownie", "desserts", "dessert", 499}};

/// The events of `orders` orders, in time order.
std::vector<bus::CloudEvent> Generate(const Options& o, const Stores& stores, core::IdGenerator& ids, core::TimePoint end) {
  std::mt19937_64 rng(o.seed);
  std::uniform_int_distribution<int> day_of(0, o.days - 1);
  std::uniform_int_distribution<int> store_of(0, o.stores - 1);
  std::discrete_distribution<int> hour_of({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 8, 6, 3, 2, 4, 9, 12, 10, 6, 3, 1, 0});
  std::uniform_int_distribution<int> minute_of(0, 3599);
  std::uniform_int_distribution<int> lines_of(1, 3);
  std::uniform_int_distribution<int> product_of(0, static_cast<int>(std::size(kProducts)) - 1);
  std::uniform_int_distribution<int> percent(0, 99);
  const char* channels[] = {"web", "web", "web", "kiosk", "pos"};
  const char* types[] = {"carryout", "carryout", "delivery", "delivery", "dine_in"};
  const DayNumber last_day = StoreClock("America/Chicago").LocalDay(end) - 1;

  struct Timed {
    core::TimePoint at;
    bus::CloudEvent event;
  };
  std::vector<Timed> out;
  out.reserve(static_cast<std::size_t>(o.orders) * 3);
  core::ManualClock clock(end);
  for (int i = 0; i < o.orders; ++i) {
    const auto& store = stores.all()[static_cast<std::size_t>(store_of(rng))];
    const StoreClock store_clock(store.time_zone);
    const DayNumber day = last_day - day_of(rng);
    const auto placed = store_clock.StartOf(day) + std::chrono::hours(hour_of(rng)) + std::chrono::seconds(minute_of(rng));
    order::events::OrderConfirmed c;
    c.order_id = ids.Next("ord");
    c.store_id = store.id;
    if (percent(rng) < 70) c.customer_id = fmt::format("cus_{}", percent(rng) * 1000 + percent(rng));
    c.number = i + 1;
    c.type = types[percent(rng) % std::size(types)];
    c.business_date = FormatDate(day);
    c.channel = channels[percent(rng) % std::size(channels)];
    c.placed_at = core::FormatRfc3339(placed);
    c.promised_at = core::FormatRfc3339(placed + std::chrono::minutes(25));
    c.payment_method = percent(rng) < 80 ? "card" : "pay_at_store";
    std::int64_t subtotal = 0;
    const int n = lines_of(rng);
    for (int l = 0; l < n; ++l) {
      const Product& p = kProducts[product_of(rng)];
      order::events::Line line;
      line.index = l;
      line.name = p.name;
      line.quantity = 1 + percent(rng) / 80;
      order::events::Item item{p.id, p.name, p.category, p.kind, "large", "Large", "", "", {}, {}};
      if (std::string_view(p.kind) == "pizza") item.toppings = {{"mozzarella", "Mozzarella", "whole", "normal"}};
      line.items = {item};
      line.unit_price = {p.price, "USD"};
      line.line_total = {p.price * line.quantity, "USD"};
      line.discount = core::MoneyAmount{0, "USD"};
      line.net = line.line_total;
      line.tax = core::MoneyAmount{line.line_total.amount * 8875 / 100000, "USD"};
      subtotal += line.line_total.amount;
      c.lines.push_back(std::move(line));
    }
    std::int64_t tax = 0;
    for (const auto& l : c.lines) tax += l.tax->amount;
    const std::int64_t fee = c.type == "delivery" ? 299 : 0;
    const std::int64_t tip = percent(rng) < 40 ? 200 : 0;
    c.subtotal = {subtotal, "USD"};
    c.discount_total = {0, "USD"};
    c.tax_total = {tax, "USD"};
    c.delivery_fee = {fee, "USD"};
    c.tip = {tip, "USD"};
    c.total = {subtotal + tax + fee + tip, "USD"};
    clock.Set(placed);
    out.push_back({placed, bus::MakeTypedEvent(ids, clock, c.order_id, c)});

    order::events::OrderStatusChanged s;
    static_cast<order::events::OrderRef&>(s) = c;
    const bool cancelled = percent(rng) < 3;
    s.previous_status = "ready";
    s.status = cancelled ? "cancelled" : c.type == "delivery" ? "delivered" : c.type == "dine_in" ? "served" : "picked_up";
    const auto done = placed + std::chrono::minutes(cancelled ? 2 : 24);
    s.at = core::FormatRfc3339(done);
    s.total = c.total;
    s.loyalty_basis = c.subtotal;
    clock.Set(done);
    out.push_back({done, bus::MakeTypedEvent(ids, clock, c.order_id, s)});

    if (!cancelled) {
      payment::events::PaymentCaptured p;
      p.order_id = c.order_id;
      p.payment_id = "pay_" + c.order_id;
      p.method = c.payment_method;
      p.status = "captured";
      p.amount = c.total.amount;
      p.currency = "USD";
      clock.Set(done + std::chrono::seconds(1));
      out.push_back({done + std::chrono::seconds(1), bus::MakeTypedEvent(ids, clock, c.order_id, p)});
    }
  }
  std::sort(out.begin(), out.end(), [](const Timed& a, const Timed& b) { return a.at < b.at; });
  std::vector<bus::CloudEvent> events;
  events.reserve(out.size());
  for (auto& t : out) events.push_back(std::move(t.event));
  return events;
}

struct Timing {
  double median_ms = 0;
  double min_ms = 0;
};

template <class F>
Timing Time(int runs, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front()};
}

int Main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  log::SetLevel(log::Level::kError);
  std::filesystem::path temp;
  std::string url = o.db;
  if (url.empty()) {
    temp = std::filesystem::temp_directory_path() / fmt::format("vetahut-analytics-bench-{}", std::random_device{}());
    std::filesystem::create_directories(temp);
    url = "sqlite:" + (temp / "bench.db").string();
  }
  auto db = db::Database::Open(url);
  const bool sqlite = db->engine() == db::Engine::kSqlite;
  for (const char* t : {"analytics_events", "analytics_stores", "analytics_products", "analytics_dates", "analytics_orders",
                        "analytics_order_lines", "analytics_order_statuses", "analytics_payments", "analytics_tickets",
                        "analytics_deliveries", "analytics_lake_watermarks", "analytics_lake_partitions", "analytics_lake_dirty",
                        "analytics_outbox_lease", "analytics_outbox", "analytics_inbox", "bench_floor"}) {
    db->Exec(std::string("DROP TABLE IF EXISTS ") + t);
  }
  db->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
           "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
  db->Exec("DELETE FROM schema_migrations WHERE module = 'analytics'");
  db::Migrate(*db, AllMigrations());
  db->Exec("CREATE TABLE bench_floor (id TEXT PRIMARY KEY, data TEXT NOT NULL)");

  const auto now = core::SystemClock::Instance().Now();
  core::IdGenerator ids(core::SystemClock::Instance());
  Stores stores(o.stores);
  std::printf("==> analytics_bench: %d orders over %d days in %d stores, %s\n", o.orders, o.days, o.stores,
              sqlite ? "SQLite (WAL, synchronous=FULL)" : "PostgreSQL");
  auto t0 = Clock::now();
  const auto events = Generate(o, stores, ids, now);
  std::printf("    generated %zu events (order.confirmed, a final status, a capture) in %.1f s\n", events.size(),
              Seconds(Clock::now() - t0).count());

  FactFolder facts(*db, core::SystemClock::Instance(), stores);
  auto queue = FactSubscription(*db, facts);
  const std::size_t queued = std::min(events.size(), static_cast<std::size_t>(o.queue_events));

  // The floor: one INSERT and one COMMIT per event, nothing else. A warm-up first, so neither
  // side pays for growing a fresh log file.
  auto floor_round = [&](const std::string& prefix) {
    for (std::size_t i = 0; i < queued; ++i) {
      auto tx = db->Begin();
      tx.Exec("INSERT INTO bench_floor (id, data) VALUES ($1, $2)", db::Params(prefix + events[i].id, events[i].data));
      tx.Commit();
    }
  };
  floor_round("warm-");
  t0 = Clock::now();
  floor_round("");
  const double floor_s = Seconds(Clock::now() - t0).count();

  // The queue's way: the consumer's handler, inbox record and fold in one transaction per event.
  t0 = Clock::now();
  for (std::size_t i = 0; i < queued; ++i) {
    if (auto s = queue.handler(events[i]); !s) {
      std::fprintf(stderr, "fold failed: %s\n", s.error().detail.c_str());
      return 1;
    }
  }
  const double queue_s = Seconds(Clock::now() - t0).count();

  // The rest in batches of 1,000 events per transaction.
  t0 = Clock::now();
  for (std::size_t i = queued; i < events.size();) {
    auto tx = db->Begin();
    for (std::size_t end = std::min(events.size(), i + 1000); i < end; ++i) {
      const auto& e = events[i];
      core::Status s = core::Ok();
      if (e.type == order::events::OrderConfirmed::kType) {
        s = facts.Consume(tx, *order::events::OrderConfirmed::FromJson(e.data), e);
      } else if (e.type == order::events::OrderStatusChanged::kType) {
        s = facts.Consume(tx, *order::events::OrderStatusChanged::FromJson(e.data), e);
      } else {
        s = facts.Consume(tx, *payment::events::PaymentCaptured::FromJson(e.data), e);
      }
      if (!s) {
        std::fprintf(stderr, "fold failed: %s\n", s.error().detail.c_str());
        return 1;
      }
    }
    tx.Commit();
  }
  const double bulk_s = Seconds(Clock::now() - t0).count();
  const std::size_t bulk = events.size() - queued;
  if (!sqlite) db->Exec("ANALYZE");

  std::printf("\n| fold | events | seconds | events/s | vs the floor |\n|---|---:|---:|---:|---:|\n");
  std::printf("| floor: INSERT + COMMIT per event | %zu | %.2f | %.0f | 1.00 |\n", queued, floor_s, queued / floor_s);
  std::printf("| queue: one transaction per event (inbox + raw event + facts) | %zu | %.2f | %.0f | %.2f |\n", queued, queue_s,
              queued / queue_s, queue_s / floor_s);
  if (bulk > 0) {
    std::printf("| bulk: 1,000 events per transaction | %zu | %.2f | %.0f | — |\n", bulk, bulk_s, bulk / bulk_s);
  }

  ReportService reports(*db, 366);
  const DayNumber last = StoreClock("America/Chicago").LocalDay(now) - 1;
  const Period month{last - 29, last};
  const StoreScope chain{true, {}}, one{false, {stores.all()[0].id}};
  auto query = [&](const char* group, std::optional<std::string> store = std::nullopt) {
    return ReportQuery{std::move(store), month, group, ReportFormat::kJson};
  };
  const std::int64_t orders_in_month = db->Query("SELECT COUNT(*) AS n FROM analytics_orders WHERE business_date BETWEEN $1 AND $2",
                              db::Params(FormatDate(month.from), FormatDate(month.to)))[0]
                        .Int("n");
  std::printf("\n30-day period %s … %s: %lld orders in the chain; %d runs each, median (min)\n\n", FormatDate(month.from).c_str(),
              FormatDate(month.to).c_str(), static_cast<long long>(orders_in_month), o.runs);
  std::printf("| report | median ms | min ms |\n|---|---:|---:|\n");
  auto row = [&](const char* name, const Timing& t) { std::printf("| %s | %.1f | %.1f |\n", name, t.median_ms, t.min_ms); };
  const auto bare = Time(o.runs, [&] {
    db->Query("SELECT business_date, currency, COUNT(*) AS orders, SUM(total) AS total FROM analytics_orders WHERE "
              "business_date BETWEEN $1 AND $2 GROUP BY business_date, currency",
              db::Params(FormatDate(month.from), FormatDate(month.to)));
  });
  row("reference: the bare GROUP BY business_date (one period)", bare);
  row("sales by day, chain (this 30 days + the 30 before, JSON)", Time(o.runs, [&] { SalesJson(reports.Sales(query("day"), chain)); }));
  row("sales by hour, chain", Time(o.runs, [&] { SalesJson(reports.Sales(query("hour"), chain)); }));
  row("sales by product, chain", Time(o.runs, [&] { SalesJson(reports.Sales(query("product"), chain)); }));
  row("sales by day, one store (CSV)", Time(o.runs, [&] { SalesCsv(reports.Sales(query("day", stores.all()[0].id), one)); }));
  row("sales by product, one store", Time(o.runs, [&] { SalesJson(reports.Sales(query("product", stores.all()[0].id), one)); }));

  if (!temp.empty()) std::filesystem::remove_all(temp);
  return 0;
}

}  // namespace
}  // namespace vetahut::analytics

int main(int argc, char** argv) { return vetahut::analytics::Main(argc, argv); }
