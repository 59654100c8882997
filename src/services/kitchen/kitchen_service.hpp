#pragma once
/// The kitchen service: tickets from confirmed orders, routed to the store's stations and moved by
/// bumps; the live kitchen stream; promise times from the capacity model (quotes, placement, and
/// re-estimates the customer hears about); scheduled orders fired in time; busy mode; and the
/// delivery runs (delivery.cpp). Every change a screen must see is written under the store's lock
/// with the store's next stream sequence number and published after its commit.
#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/bus/outbox.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "services/customer/client.hpp"
#include "services/kitchen/client.hpp"
#include "services/kitchen/delivery_repository.hpp"
#include "services/kitchen/domain/promise_model.hpp"
#include "services/kitchen/domain/setup.hpp"
#include "services/kitchen/inventory_service.hpp"
#include "services/kitchen/kitchen_repository.hpp"
#include "services/kitchen/open_tickets.hpp"
#include "services/kitchen/stream.hpp"
#include "services/location/client.hpp"
#include "services/order/events.hpp"

namespace vetahut::kitchen {

/// The services the kitchen talks to.
struct KitchenClients {
  location::StoreDirectoryClient& stores;
  location::LocationClient* locations = nullptr;  ///< busy mode (optional)
  customer::CustomerClient* customers = nullptr;   ///< drivers' names (optional)
};

struct KitchenOptions {
  std::chrono::seconds fire_tick{5};        ///< how often scheduled tickets are looked at
  std::chrono::seconds promise_step{120};   ///< a customer hears of a new time when it moves this much
  double driver_speed_kmh = 25;             ///< straight-line speed for a driver's ETA
  std::chrono::minutes batch_window{5};     ///< deliveries ready this close together may share a run
  double batch_angle_degrees = 45;          ///< …when their directions from the store differ by at most this
  int max_run_size = 3;
};

/// Who acts (for bumps, adjustments, dispatch): the subject, for the audit rows.
struct Actor {
  std::string subject;
};

class KitchenService final : public KitchenClient {
 public:
  KitchenService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, KitchenClients clients,
                 InventoryService& inventory, KitchenOptions options, std::function<void()> events_committed);

  // --- from the order service's events ---
  /// order.confirmed: the ticket (once per order), fired now or, for an order-ahead, scheduled.
  core::Status CreateTicket(const order::events::OrderConfirmed& order);
  /// After a ticket is created: marks the store for a re-estimate soon (ReestimateMarked), so the
  /// consumer's next ticket is not held up and a burst of orders costs one re-estimate, not one
  /// per order (a ticket booked behind the others moves no earlier promise).
  core::Status AfterCreate(const std::string& store_id);
  /// order.cancelled / order.rejected: the ticket is voided (it leaves every screen) and its stock
  /// returns; a waiting delivery is cancelled. Unknown or finished tickets: nothing to do.
  core::Status VoidForOrder(const std::string& order_id, const std::string& reason);
  /// order.completed moved by staff (the counter handed it over): the ticket is handed off.
  core::Status CompleteForOrder(const std::string& order_id);

  // --- the kitchen screens ---
  core::Result<Ticket> Get(const std::string& ticket_id);
  /// Open tickets of a store that reached the kitchen, in kitchen order (rush first); with
  /// `station`, those with an item there (the expo pass: all). Or those of one status.
  core::Result<std::vector<Ticket>> List(const std::string& store_id, const std::string& station,
                                         std::optional<TicketStatus> status);
  /// Bumps one item (`item_index`) or every item of the ticket at `station`; at the expo pass a
  /// ready carry-out or dine-in ticket is handed off. kConflict when nothing there can move.
  core::Result<Ticket> Bump(const std::string& ticket_id, const std::string& station,
                            std::optional<std::int64_t> item_index, const Actor& actor);
  /// Undoes the ticket's last bump. kConflict when there is none, or the ticket left the kitchen.
  core::Result<Ticket> Recall(const std::string& ticket_id, const Actor& actor);
  core::Result<Ticket> SetPriority(const std::string& ticket_id, bool rush, const Actor& actor);

  /// The live stream: a snapshot now (with the tickets changed after `last_event_id`), then every
  /// change. kValidation for a station the store does not have.
  core::Status Follow(const std::string& store_id, const std::string& station, std::int64_t last_event_id,
                      std::shared_ptr<http::EventStream> stream);
  KitchenStreams& streams() { return streams_; }
  /// Told each change of a store's screens committed here (the module broadcasts it so screens
  /// connected to other replicas see it too).
  void SetStreamNotifier(std::function<void(const std::string& store_id, std::int64_t seq)> notifier) {
    stream_notifier_ = std::move(notifier);
  }
  /// Change `seq` of a store's screens, committed by another replica: this process's screens of
  /// the store catch up from the database — every ticket changed since the oldest one they saw,
  /// in order, so a notice that overtook another loses nothing.
  void StreamChangedElsewhere(const std::string& store_id, std::int64_t seq);

  /// A ticket as screens see it: items at `station` only (all for "" and the expo pass), each with
  /// its station, status and timer start; lateness thresholds for its order type.
  std::string TicketJson(const Ticket& ticket, const KitchenSetup& setup, const std::string& station) const;
  /// All-day counts of a station (or of every station for "").
  std::string AllDayJson(const std::vector<std::shared_ptr<const Ticket>>& open, const KitchenSetup& setup,
                         const std::string& station) const;

  // --- setup and load ---
  KitchenSetup SetupFor(const std::string& store_id);
  core::Result<KitchenSetup> PutSetup(const std::string& store_id, const KitchenSetup& setup, const Actor& actor);
  /// The store's load now: each station's queue and the ASAP wait for one large pizza.
  struct Load {
    std::vector<StationLoad> stations;
    int asap_wait_seconds = 0;
    bool busy = false;
  };
  core::Result<Load> LoadOf(const std::string& store_id);

  // KitchenClient
  core::Result<KitchenEstimate> Estimate(const EstimateRequest& request) override;

  // --- background ---
  /// Fires the scheduled tickets whose time has come; returns how many.
  int FireDue();
  /// Re-runs the model for every store with open tickets: estimates, promises the customer hears
  /// about, busy mode and the metrics' station loads. Returns how many promises changed.
  int Reestimate();
  int ReestimateStore(const std::string& store_id);
  /// Re-estimates the stores AfterCreate marked since the last call; returns promises changed.
  int ReestimateMarked();
  /// For the metrics: (store, station, load) of the last re-estimate, and each observation of
  /// (ready − promised ready) in seconds since the last call.
  std::vector<std::pair<std::string, StationLoad>> StationLoads();
  std::vector<std::pair<std::string, double>> TakeReadinessErrors();

  // --- deliveries and drivers (delivery.cpp) ---
  core::Result<std::vector<Delivery>> Deliveries(const std::string& store_id, std::optional<std::string> status);
  /// Runs worth sending now: waiting deliveries batched by readiness and direction, each with the
  /// nearest free driver on shift.
  core::Result<std::vector<SuggestedRun>> SuggestRuns(const std::string& store_id);
  /// Sends `delivery_id` (and `with`, the rest of the run) out with `driver_id`: tickets handed off,
  /// deliveries out for delivery with an ETA. kConflict if one is not waiting or the driver is
  /// not on shift at that store; kValidation for a run across stores.
  core::Result<std::vector<Delivery>> Dispatch(const std::string& delivery_id, const std::vector<std::string>& with,
                                               const std::string& driver_id, const Actor& actor);
  core::Result<Delivery> Delivered(const std::string& delivery_id, const Actor& actor, bool by_driver);
  core::Result<Driver> ClockIn(const std::string& driver_id, const std::string& store_id);
  core::Result<Driver> ClockOut(const std::string& driver_id);
  core::Result<Driver> DriverLocation(const std::string& driver_id, double latitude, double longitude);
  core::Result<Driver> GetDriver(const std::string& driver_id);
  core::Result<std::vector<Driver>> Drivers(const std::string& store_id);
  std::optional<Delivery> DeliveryById(const std::string& delivery_id);
  std::vector<Delivery> RunOf(const std::string& driver_id);

  InventoryService& inventory() { return inventory_; }
  /// kNotFound naming the id for a store the directory does not know.
  core::Status KnownStore(const std::string& store_id);

 private:
  std::mutex& StoreLock(const std::string& store_id);
  /// Writes `t` (as read with `bumps_as_read`) with the store's next sequence number and a
  /// status event if its status changed; publishes it after the commit. Caller holds the store
  /// lock. `extra` runs inside the transaction (deliveries, stock). False if the ticket moved.
  bool Save(Ticket& t, std::int64_t bumps_as_read, TicketStatus previous, const KitchenSetup& setup,
            const std::function<void(db::Transaction&)>& extra = {});
  void Publish(const Ticket& t, const KitchenSetup& setup);  ///< to this process's screens, and the notifier
  void PublishLocal(const Ticket& t, const KitchenSetup& setup);
  void ObserveReady(const Ticket& t);
  /// When the ticket becomes ready for a delivery order: its delivery, waiting (delivery.cpp).
  void CreateDelivery(db::Session& tx, const Ticket& t);
  /// A voided ticket's delivery is cancelled if still waiting (delivery.cpp).
  void CancelDelivery(db::Session& tx, const Ticket& t);
  void BusyMode(const std::string& store_id, const KitchenSetup& setup, int asap_wait_seconds);
  std::optional<core::TimePoint> EtaFor(const Delivery& d, const Driver& driver) const;

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  KitchenClients clients_;
  InventoryService& inventory_;
  KitchenOptions options_;
  std::function<void()> events_committed_;
  KitchenRepository repository_;
  DeliveryRepository deliveries_;
  bus::Outbox outbox_{"kitchen"};
  KitchenStreams streams_;
  std::function<void(const std::string&, std::int64_t)> stream_notifier_;
  std::array<std::mutex, 32> store_locks_;

  std::mutex setups_mutex_;
  struct CachedSetup {
    KitchenSetup setup;
    core::TimePoint loaded{};
  };
  std::map<std::string, CachedSetup> setups_;

  /// Each store's open tickets and their model, brought up to date from the tickets whose seq
  /// moved (open_tickets.hpp): a quote or a new ticket reads one row, not every open ticket.
  OpenTicketCache open_{repository_};

  std::mutex marked_mutex_;
  std::set<std::string> marked_;  ///< stores with new tickets since the last ReestimateMarked

  std::mutex metrics_mutex_;
  std::map<std::string, std::vector<StationLoad>> loads_;
  std::vector<std::pair<std::string, double>> readiness_errors_;
};

std::vector<db::Migration> Migrations();
std::vector<db::Migration> AllMigrations();

}  // namespace vetahut::kitchen
