#pragma once
/// Events into facts. Each consumed event is recorded (without personal data) in
/// analytics_events and folded into the star schema in the consumer's transaction, so the event,
/// its facts and its inbox record commit together. The fold rules are commutative
/// (domain/fact_rules.hpp), so `Rebuild` — truncate the facts, refold every stored event — gives
/// the facts the live fold gave.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "lib/bus/cloud_event.hpp"
#include "lib/bus/event_bus.hpp"
#include "lib/core/result.hpp"
#include "services/analytics/consumed_events.hpp"
#include "services/analytics/domain/local_time.hpp"
#include "services/location/client.hpp"

namespace vetahut::db {
class Database;
class Session;
}  // namespace vetahut::db

namespace vetahut::analytics {

/// A store as the facts date it: its zone (and what the directory called it).
struct StoreDimension {
  std::string store_id;
  std::string name;
  std::string time_zone;
  std::string currency;
  StoreClock clock{""};
};

/// What a rebuild did.
struct RebuildReport {
  std::int64_t events = 0;
  std::int64_t orders = 0;
  std::int64_t order_lines = 0;
  std::int64_t payments = 0;
  std::int64_t tickets = 0;
  std::int64_t deliveries = 0;
  std::int64_t station_times = 0;
  double seconds = 0;
};

class FactFolder {
 public:
  FactFolder(db::Database& db, const core::Clock& clock, location::StoreDirectoryClient& stores);

  /// Records `event` and folds `payload` (its decoded data) into the facts, in `tx`. An error
  /// (the store directory unreachable) rolls the transaction back and the event is retried.
  template <class E>
  core::Status Consume(db::Session& tx, const E& payload, const bus::CloudEvent& event);

  /// Truncates the facts and refolds every stored event in (time, id) order, in one transaction
  /// that holds new events back until it commits.
  core::Result<RebuildReport> Rebuild();

  /// The store's dimension row: from memory, the table, or the directory (then stored). A store
  /// the directory does not know is dated in UTC; an unreachable directory is an error.
  core::Result<StoreDimension> Store(db::Session& tx, const std::string& store_id);

 private:
  /// Where an event sits in time, as stored.
  struct Meta {
    std::string event_id;
    std::int64_t time_us = 0;
  };
  /// A row of analytics_events.
  struct StoredEvent {
    std::string event_id;
    std::string type;
    std::int64_t time_us = 0;
    std::string data;
  };

  core::Status Record(db::Session& tx, const bus::CloudEvent& event, const std::string& data, std::string store_id,
                      const std::string& order_id);
  core::Status Refold(db::Session& tx, const StoredEvent& stored);

  // The facts each event type makes; types without facts only leave their raw record.
  core::Status Fold(db::Session& tx, const order::events::OrderConfirmed& e, const Meta& meta);
  core::Status Fold(db::Session& tx, const order::events::OrderStatusChanged& e, const Meta& meta);
  core::Status Fold(db::Session& tx, const payment::events::PaymentAuthorized& e, const Meta& meta);
  core::Status Fold(db::Session& tx, const payment::events::PaymentFailed& e, const Meta& meta);
  core::Status Fold(db::Session& tx, const payment::events::PaymentDue& e, const Meta& meta);
  core::Status Fold(db::Session& tx, const payment::events::PaymentCaptured& e, const Meta& meta);
  core::Status Fold(db::Session& tx, const payment::events::PaymentVoided& e, const Meta& meta);
  core::Status Fold(db::Session& tx, const payment::events::PaymentRefunded& e, const Meta& meta);
  core::Status Fold(db::Session& tx, const kitchen::events::TicketStatusChanged& e, const Meta& meta);
  core::Status Fold(db::Session& tx, const kitchen::events::DeliveryStatusChanged& e, const Meta& meta);
  template <class E>
  core::Status Fold(db::Session&, const E&, const Meta&) {
    return core::Ok();
  }

  /// Each item's stays at each station, from a ready event's `stations`.
  void FoldStations(db::Session& tx, const kitchen::events::TicketStatusChanged& e, const StoreDimension& store,
                    const Meta& meta);
  core::Status FoldPayment(db::Session& tx, std::string_view kind, const payment::events::PaymentChanged& e,
                           const Meta& meta);
  /// The order's final status and money from its status and payment facts (if it is a fact yet).
  void RefreshOrder(db::Session& tx, const std::string& order_id);
  /// The store an order's events named, once any did.
  std::optional<std::string> StoreOfOrder(db::Session& tx, const std::string& order_id);
  /// Dates the order's events and payments that arrived before any event named its store.
  core::Status BackfillStore(db::Session& tx, const std::string& order_id, const std::string& store_id);
  void MarkLake(db::Session& tx, const std::string& store_id, const std::string& date);
  void Date(db::Session& tx, DayNumber day);

  db::Database& db_;
  const core::Clock& clock_;
  location::StoreDirectoryClient& stores_;
  std::mutex mutex_;
  std::map<std::string, StoreDimension> known_stores_;
  std::map<std::string, std::function<core::Status(FactFolder&, db::Session&, const StoredEvent&)>, std::less<>> refold_;
};

/// The module's queue: every consumed event type, each folded by `facts` in the transaction of
/// its inbox record (a redelivered event is acknowledged without folding it again). `folded` is
/// told the type of each event folded.
bus::Subscription FactSubscription(db::Database& db, FactFolder& facts,
                                   std::function<void(std::string_view type)> folded = nullptr);

}  // namespace vetahut::analytics
