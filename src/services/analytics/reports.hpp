#pragma once
/// The reports a manager reads, from the facts: sales (by hour, day, product, category, channel,
/// store or order type, beside the previous period of the same length), the kitchen (stage times
/// and promise accuracy per ticket, or each item's stay per station; late tickets), deliveries (time to the door) and refunds.
/// Business days are the stores' own (the facts are dated in each store's zone).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/core/result.hpp"
#include "services/analytics/domain/report_query.hpp"
#include "services/analytics/domain/stats.hpp"

namespace vetahut::db {
class Database;
class Session;
}  // namespace vetahut::db

namespace vetahut::analytics {

/// Which stores a report covers: every store (an admin without store_id) or a list.
struct StoreScope {
  bool all = false;
  std::vector<std::string> stores;
};

/// Sums over orders (cancelled and rejected orders are no sale: counted, not summed).
struct OrderFigures {
  std::int64_t orders = 0;
  std::int64_t cancelled = 0;
  std::int64_t units = 0;
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t tax = 0;
  std::int64_t delivery_fee = 0;
  std::int64_t tip = 0;
  std::int64_t total = 0;
  std::int64_t refunded = 0;  ///< refunds of these orders, whenever they were made
  std::int64_t net() const { return total - refunded; }
  OrderFigures& operator+=(const OrderFigures& o);
};

/// Sums over order lines (product and category reports).
struct LineFigures {
  std::int64_t quantity = 0;
  std::int64_t orders = 0;
  std::int64_t gross = 0;
  std::int64_t discount = 0;
  std::int64_t revenue = 0;
  std::int64_t tax = 0;
  LineFigures& operator+=(const LineFigures& o);
};

/// One row of the sales report: a group (and currency) now and in the previous period.
struct SalesRow {
  std::string key;           ///< the hour "0"–"23", the day, the product, category, channel, store or type
  std::string label;         ///< a name for people (product and store names; else the key)
  std::string previous_key;  ///< the day it is compared with (day groups); else the key
  std::string currency;
  OrderFigures now, before;
  LineFigures lines_now, lines_before;
};

struct SalesReport {
  Period period, previous;
  std::string group_by;
  bool lines = false;             ///< product/category: LineFigures; else OrderFigures
  std::vector<SalesRow> rows;
  std::vector<SalesRow> totals;   ///< one per currency, key "total"
};

/// Kitchen figures of a group: on the ticket basis, stage times per ticket (wait: fired → making;
/// make: making → in the oven; bake: in the oven → ready; prep: fired → ready) and promises kept;
/// on the station basis, each item's stay at a station (wait: arrived → started; make, or bake at
/// an oven: started → done; prep: arrived → done), no promises.
struct KitchenFigures {
  std::int64_t tickets = 0;
  std::optional<std::int64_t> items;       ///< station basis: the stays counted
  DurationSummary wait, make, bake, prep;  ///< seconds
  std::int64_t promised = 0;               ///< tickets with a promise and a ready time
  std::int64_t late = 0;                   ///< ready after the promise
  DurationSummary lateness;                ///< ready − promised, seconds (negative: early)
};

struct KitchenRow {
  std::string key, label;
  KitchenFigures now;
};

struct KitchenReport {
  Period period, previous;
  std::string group_by;
  std::string basis = "ticket";         ///< ticket | station (group_by=station or a station asked for)
  std::optional<std::string> station;   ///< the one station reported on
  std::vector<KitchenRow> rows;
  KitchenFigures total, total_before;
};

/// A ticket ready after its promise.
struct LateTicket {
  std::string ticket_id, order_id, store_id, order_type, local_date;
  std::int64_t number = 0;
  std::string fired_at, ready_at, promised_ready_at;
  double late_seconds = 0;
};

struct DeliveryFigures {
  std::int64_t deliveries = 0;
  DurationSummary to_door;       ///< dispatched → delivered
  DurationSummary order_to_door; ///< placed → delivered
  DurationSummary eta_error;     ///< delivered − the ETA told at dispatch
  std::int64_t promised = 0;
  std::int64_t late = 0;         ///< delivered after the order's promised time
};

struct DeliveryRow {
  std::string key, label;
  DeliveryFigures now;
};

struct DeliveryReport {
  Period period, previous;
  std::string group_by;
  std::vector<DeliveryRow> rows;
  DeliveryFigures total, total_before;
};

/// A refund, dated by the day it was made.
struct Refund {
  std::string id;  ///< the payment event's id
  std::string order_id, store_id, local_date, at, currency, order_business_date;
  std::int64_t amount = 0;
  std::int64_t order_number = 0;
  std::int64_t order_total = 0;
  std::string reason;  ///< why, when the refunding staff member said
};

/// A page of a list: `next_cursor` when more follow.
template <class T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;
};

class ReportService {
 public:
  /// `max_days`: the longest period a report may span.
  ReportService(db::Database& db, int max_days);

  SalesReport Sales(const ReportQuery& query, const StoreScope& scope);
  KitchenReport Kitchen(const ReportQuery& query, const StoreScope& scope);
  DeliveryReport Deliveries(const ReportQuery& query, const StoreScope& scope);
  /// Late tickets of the period in the order they were ready; `cursor` is the last ticket id of
  /// the page before (an unknown one is a 422 on `cursor`).
  core::Result<Page<LateTicket>> LateTickets(const ReportQuery& query, const StoreScope& scope, int limit,
                                             const std::string& cursor);
  core::Result<Page<Refund>> Refunds(const ReportQuery& query, const StoreScope& scope, int limit, const std::string& cursor);

  /// What each report accepts: its groups (the first is the default) and the longest period.
  ReportRules SalesRules() const { return {{"day", "hour", "product", "category", "channel", "store", "type"}, max_days_}; }
  ReportRules KitchenRules() const { return {{"hour", "day", "store", "type", "station"}, max_days_, true}; }
  ReportRules DeliveryRules() const { return {{"hour", "day", "store", "driver"}, max_days_}; }
  ReportRules ListRules() const { return {{}, max_days_}; }

 private:
  db::Database& db_;
  int max_days_;
};

}  // namespace vetahut::analytics
