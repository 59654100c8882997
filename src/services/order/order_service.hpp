#pragma once
/// The order service: quotes and placement (validated, priced by the menu service, idempotent),
/// numbering per store and business day, the status machine, and the placement saga it
/// orchestrates — reserve (slot, loyalty) → authorize → confirm → … → capture on completion, with
/// compensations (void or refund, release the slot and the points). The saga's state is a column of
/// the order, so a crash at any step resumes where it stopped; every payment call carries an
/// idempotency key derived from the order, so a resumed step never charges twice. It reaches the
/// other services only through their clients (location, stores, menu, payment, customer).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "lib/bus/outbox.hpp"
#include "lib/cache/cache.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "services/customer/client.hpp"
#include "services/kitchen/client.hpp"
#include "services/location/client.hpp"
#include "services/menu/client.hpp"
#include "services/order/client.hpp"
#include "services/order/domain/counter.hpp"
#include "services/order/domain/order.hpp"
#include "services/order/domain/order_status.hpp"
#include "services/order/order_repository.hpp"
#include "services/order/order_request.hpp"
#include "services/order/tracker.hpp"
#include "services/payment/client.hpp"

namespace vetahut::task {
class PeriodicTask;
}

namespace vetahut::order {

/// The services an order is placed with.
struct OrderClients {
  location::LocationClient& locations;
  location::StoreDirectoryClient& stores;
  menu::MenuClient& menu;
  payment::PaymentClient& payments;
  customer::CustomerClient& customers;
  kitchen::KitchenClient* kitchen = nullptr;  ///< ASAP promise times; without it, options.prep_time
};

struct OrderOptions {
  std::chrono::minutes prep_time{20};              ///< ASAP promise: now + prep (+ delivery estimate)
  std::chrono::seconds payment_timeout{600};       ///< a payment pending longer is voided, the order rejected
  std::chrono::seconds saga_lease{15};             ///< one runner per saga; a crashed runner's lease expires
  std::chrono::milliseconds runner_interval{500};  ///< how often due sagas are looked for
  std::chrono::seconds in_flight_ttl{30};          ///< a placement's in-flight marker, if its process dies placing it
  std::function<void(const Order&)> placed;         ///< told of each order stored (metrics)
};

/// Who places or changes an order.
struct Caller {
  std::string subject;
  bool customer = false;  ///< a customer account (owns the order); else staff or a device
  menu::SalesChannel channel = menu::SalesChannel::kWeb;
  bool guest = false;     ///< no account: the order body carries `contact` (decision 0028)
};

/// The subject a guest's card tokens and placements are bound to (decision 0028).
inline constexpr std::string_view kGuestSubject = payment::kGuestOwner;

/// POST /api/v1/orders/{id}/refunds: an amount, or units of lines (priced from the order), with a
/// reason, by whom.
struct RefundRequest {
  std::optional<core::Money> amount;
  std::vector<RefundUnits> lines;  ///< non-empty: a refund by line
  std::string reason;
  std::string refunded_by;
};

/// The outcome of POST /api/v1/orders.
struct Placement {
  Order order;
  bool replayed = false;  ///< same Idempotency-Key and body as an earlier request
};

class OrderService final : public OrderClient {
 public:
  OrderService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, OrderClients clients,
               OrderOptions options, std::function<void()> events_committed);
  ~OrderService() override;

  /// POST /api/v1/quotes: the same checks as placement (store, address, cart) and the priced cart
  /// with its promise time; nothing is stored.
  core::Result<std::string> Quote(const Caller& caller, const boost::json::value& body);
  /// Validates, prices and stores the order, then runs the saga as far as it goes at once
  /// (authorized → confirmed; declined → rejected and kPaymentRequired naming the reason).
  core::Result<Placement> Place(const Caller& caller, const boost::json::value& body, const std::string& idempotency_key);

  core::Result<Order> Get(const std::string& order_id);
  /// The order a tracking link names; kNotFound for any key that is not one (decision 0028).
  core::Result<Order> GetByTrackingKey(const std::string& key);
  /// A store's orders, newest first, optionally of one status; `cursor` is the last id seen.
  core::Result<std::vector<Order>> ListForStore(const std::string& store_id, std::optional<OrderStatus> status,
                                                int limit, const std::string& cursor);
  /// A customer's orders, newest first; `cursor` is the last id seen.
  std::vector<Order> ListForCustomer(const std::string& customer_id, int limit, const std::string& cursor);
  /// Orders whose saga has a step to run (for the metrics): retries, pending payments, recovery.
  std::int64_t SagaBacklog();
  /// Unfinished orders per status (for the metrics: orders stuck in a state).
  std::vector<OrderRepository::OpenStatus> OpenByStatus();
  /// The status history (oldest first).
  std::vector<TrackedEvent> History(const std::string& order_id, std::int64_t after_seq);

  /// Moves an order (staff: kitchen and hand-over steps; customers and staff: cancel). Runs the
  /// saga's follow-up (capture on completion, compensation on cancellation) before returning.
  core::Result<Order> Transition(const std::string& order_id, OrderStatus to, Actor actor, const std::string& reason);
  /// Refunds an amount, or units of lines, of a completed order, recording why and by whom; a
  /// full refund moves it to refunded. The same `key` again changes nothing.
  core::Result<Order> Refund(const std::string& order_id, const RefundRequest& request, const std::string& key);
  /// The order's refunds, oldest first.
  std::vector<RefundRow> Refunds(const std::string& order_id);
  /// The payment as the API shows it (`status` "none" when there is none yet).
  std::optional<payment::PaymentView> Payment(const std::string& order_id);

  /// Follows an order live (the SSE route): history after `last_event_id`, then live events.
  void Track(const std::string& order_id, std::shared_ptr<http::EventStream> stream, std::int64_t last_event_id);
  OrderTracker& tracker() { return tracker_; }
  /// A change of an order committed here or by another replica (a live notice): to this process's
  /// trackers of it, a gap in what they have seen filled from the order's history first.
  void DeliverTracked(const std::string& order_id, const TrackedEvent& event);
  /// Brings every tracker of this process up to date from the database (notices lost while the
  /// broker was away; promise moves committed elsewhere).
  void CatchUpTrackers();
  /// Told each change committed here, after this process's trackers (the module broadcasts it so
  /// trackers on other replicas see it too).
  void SetTrackedNotifier(std::function<void(const std::string& order_id, const TrackedEvent& event)> notifier) {
    tracked_notifier_ = std::move(notifier);
  }

  /// Runs every saga step that is due (recovery after a restart, retries, payment time-outs);
  /// returns how many sagas moved.
  int RunDueSagas();
  /// Runs one order's saga now, if no other runner holds it (`leased`: the caller took the lease).
  void RunSaga(const std::string& order_id, bool leased = false);
  /// A payment event for the order arrived (payment.authorized / payment.failed): if its saga waits
  /// for the payment, continue it now.
  void PaymentSettled(const std::string& order_id);
  /// The kitchen moved the order's ticket or delivery: the order follows to `target` through every
  /// step between (decision 0019). Already there or past it, or finished: nothing happens.
  core::Status FollowKitchen(const std::string& order_id, OrderStatus target, const std::string& reason);
  /// The kitchen or the driver's position gives a new time: the order's promise moves and its
  /// trackers hear it. A finished order keeps its time.
  core::Status UpdatePromise(const std::string& order_id, const std::string& promised_at, const std::string& cause);

  /// Where placements mark their Idempotency-Key in flight, for every replica to see (the
  /// platform's cache; nullptr: no markers, the database alone settles duplicates). Call before
  /// serving.
  void set_cache(cache::Cache* cache) { cache_ = cache; }

  /// Starts / stops the background saga runner.
  void Start();
  void Stop();

  // OrderClient
  core::Result<OrderSummary> GetOrder(const std::string& order_id) override;

  /// The order as the API shows it (the payment is added by the route).
  static boost::json::object ToJson(const Order& order);

 private:
  /// What quote and placement both establish before anything is written.
  struct Checked {
    OrderRequest request;
    location::StoreSummary store;
    menu::PricedCart priced;
    std::optional<core::Money> minimum;
    int delivery_minutes = 0;
    std::optional<kitchen::KitchenEstimate> kitchen;  ///< ASAP orders, when the kitchen answered
  };
  core::Result<Checked> Check(const Caller& caller, const boost::json::object& body, bool placement);
  /// ASAP: when the kitchen's model says it would be ready (or now + prep without one), plus the
  /// delivery estimate; scheduled: the slot's start.
  core::TimePoint PromiseTime(const Checked& checked) const;
  /// When the kitchen must have it ready for `promised`: less the delivery leg.
  core::TimePoint ReadyBy(const Checked& checked, core::TimePoint promised) const;
  /// Marks a placement's idempotency scope in flight (decision 0043): released when the marker
  /// goes. A 409 when another request of the scope holds it; no marker when the cache is down.
  class InFlight;
  core::Result<InFlight> MarkInFlight(const std::string& scope_key);
  /// The earlier placement under this key: nullopt if none; a 422 if its body differed.
  std::optional<core::Result<Placement>> Replay(const std::string& scope_key, const std::string& hash);
  /// Applies a status change in one transaction: conditional on the current status and saga
  /// step, with its event row, outbox events and the next saga step. False if the order moved.
  bool Apply(const Order& order, OrderStatus to, const std::string& next_step, const std::string& reason,
             std::int64_t next_at);
  bool SetStep(const Order& order, const std::string& next_step, std::int64_t next_at, bool count_attempt);
  bool TakeLease(const std::string& order_id);
  /// One step of a saga; returns true if it should run again at once.
  bool Step(const std::string& order_id);

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  OrderClients clients_;
  OrderOptions options_;
  std::function<void()> events_committed_;
  OrderRepository repository_;
  bus::Outbox outbox_{"order"};
  OrderTracker tracker_;
  std::function<void(const std::string&, const TrackedEvent&)> tracked_notifier_;
  /// A change committed here: DeliverTracked, then the notifier.
  void Announce(const std::string& order_id, const TrackedEvent& event);
  std::unique_ptr<task::PeriodicTask> runner_;
  cache::Cache* cache_ = nullptr;
  cache::OutageLog in_flight_outage_{"order in-flight markers",
                                     "placements run without a marker; the database's idempotency key still makes one order"};
};

std::vector<db::Migration> Migrations();
std::vector<db::Migration> AllMigrations();

}  // namespace vetahut::order
