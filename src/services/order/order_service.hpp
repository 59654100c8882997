#pragma once
/// The order service: placement (validated, priced by the server, idempotent), numbering per
/// store and business day, the status machine, and the placement saga it orchestrates —
/// reserve (slot, loyalty) → authorize → confirm → … → capture on completion, with compensations
/// (void or refund, release the slot and the points). The saga's state is a column of the order,
/// so a crash at any step resumes where it stopped; every provider call carries an idempotency
/// key derived from the order, so a resumed step never charges twice.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/fwd.hpp>

#include "lib/bus/outbox.hpp"
#include "lib/core/id.hpp"
#include "lib/db/database.hpp"
#include "services/location/client.hpp"
#include "services/menu/menu_service.hpp"
#include "services/order/domain/order_status.hpp"
#include "services/order/tracker.hpp"
#include "services/payment/payment_service.hpp"

namespace date {
class time_zone;
}

namespace vetahut::order {

/// What the order service needs to know about a store beyond the location client.
struct StoreFacts {
  std::string currency;
  const date::time_zone* zone = nullptr;
};
using StoreFactsLookup = std::function<std::optional<StoreFacts>(const std::string& store_id)>;

/// Prices a cart: the menu service in this process.
using PriceCartFn = std::function<core::Result<menu::MenuService::PricedCart>(
    const std::string& store_id, const boost::json::value& body, std::optional<core::Money> delivery_fee,
    menu::Channel channel)>;

/// Loyalty points held for a reward (the customer service in this process). Both idempotent per order.
struct LoyaltyPort {
  std::function<core::Status(const std::string& customer_id, const std::string& order_id, std::int64_t points,
                             const std::string& reward_id)>
      reserve;
  std::function<core::Status(const std::string& order_id)> release;
};

struct OrderOptions {
  std::chrono::minutes prep_time{20};              ///< ASAP promise: now + prep (+ delivery estimate)
  std::chrono::seconds payment_timeout{600};       ///< a payment pending longer is voided, the order rejected
  std::chrono::seconds saga_lease{15};             ///< one runner per saga; a crashed runner's lease expires
  std::chrono::milliseconds runner_interval{500};  ///< how often due sagas are looked for
};

/// Who places or changes an order.
struct Caller {
  std::string subject;
  bool customer = false;  ///< a customer account (owns the order); else staff or a device
  menu::Channel channel = menu::Channel::kWeb;
};

/// An order as stored.
struct Order {
  std::string id;
  std::string store_id;
  std::optional<std::string> customer_id;
  std::string placed_by;
  std::int64_t number = 0;
  std::string business_date;
  OrderType type = OrderType::kCarryout;
  OrderStatus status = OrderStatus::kPendingPayment;
  std::string currency;
  std::int64_t subtotal = 0, discount_total = 0, tax_total = 0, delivery_fee = 0, tip = 0, total = 0;
  std::int64_t loyalty_basis = 0;
  std::string reward_id;
  std::int64_t reward_points = 0;
  std::string payment_method;
  std::string payment_token;
  std::optional<std::string> scheduled_for;
  std::string promised_at;
  std::optional<std::string> address;
  std::string quote;
  std::string request_hash;
  std::string reason;
  std::string saga_step;
  std::int64_t saga_attempts = 0;
  std::int64_t saga_next_at = 0;      ///< unix µs
  std::int64_t payment_deadline = 0;  ///< unix µs: a payment still pending then is voided
  std::string created_at;
  std::string updated_at;
};

/// The outcome of POST /api/v1/orders.
struct Placement {
  Order order;
  bool replayed = false;  ///< same Idempotency-Key and body as an earlier request
};

class OrderService {
 public:
  OrderService(db::Database& db, const core::Clock& clock, core::IdGenerator& ids, location::LocationClient& locations,
               StoreFactsLookup stores, PriceCartFn price, payment::PaymentService& payments, LoyaltyPort loyalty,
               OrderOptions options, std::function<void()> events_committed);
  ~OrderService();

  /// Validates, prices and stores the order, then runs the saga as far as it goes at once
  /// (authorized → confirmed; declined → rejected and kPaymentRequired naming the reason).
  core::Result<Placement> Place(const Caller& caller, const boost::json::value& body, const std::string& idempotency_key);

  core::Result<Order> Get(const std::string& order_id);
  /// A store's orders, newest first, optionally of one status; `cursor` is the last id seen.
  core::Result<std::vector<Order>> ListForStore(const std::string& store_id, std::optional<OrderStatus> status,
                                                int limit, const std::string& cursor);
  /// A customer's orders, newest first; `cursor` is the last id seen.
  std::vector<Order> ListForCustomer(const std::string& customer_id, int limit, const std::string& cursor);
  /// Orders whose saga has a step to run (for the metrics): retries, pending payments, recovery.
  std::int64_t SagaBacklog();
  /// The status history (oldest first).
  std::vector<TrackedEvent> History(const std::string& order_id, std::int64_t after_seq);

  /// Moves an order (staff: kitchen and hand-over steps; customers and staff: cancel). Runs the
  /// saga's follow-up (capture on completion, compensation on cancellation) before returning.
  core::Result<Order> Transition(const std::string& order_id, OrderStatus to, Actor actor, const std::string& reason);
  /// Refunds `amount` of a completed order; a full refund moves it to refunded.
  core::Result<Order> Refund(const std::string& order_id, const core::Money& amount, const std::string& key);

  /// Follows an order live (the SSE route): history after `last_event_id`, then live events.
  void Track(const std::string& order_id, std::shared_ptr<http::EventStream> stream, std::int64_t last_event_id);
  OrderTracker& tracker() { return tracker_; }

  /// Runs every saga step that is due (recovery after a restart, retries, payment time-outs);
  /// returns how many sagas moved.
  int RunDueSagas();
  /// Runs one order's saga now, if no other runner holds it (`leased`: the caller took the lease).
  void RunSaga(const std::string& order_id, bool leased = false);
  /// A pending payment was settled (provider callback): continue its saga.
  void PaymentSettled(const std::string& order_id);

  /// Starts / stops the background runner.
  void Start();
  void Stop();

  /// The order as the API shows it (the payment is added by the route).
  static boost::json::object ToJson(const Order& order);

 private:
  /// The earlier placement under this key: nullopt if none; a 422 if its body differed.
  std::optional<core::Result<Placement>> Replay(const std::string& scope_key, const std::string& hash);
  std::optional<Order> Load(db::Session& s, const std::string& order_id);
  /// Applies a status change in one transaction: conditional on the current status and saga
  /// step, with its event row, outbox events and the next saga step. False if the order moved.
  bool Apply(const Order& order, OrderStatus to, const std::string& next_step, const std::string& reason,
             std::int64_t next_at);
  bool SetStep(const Order& order, const std::string& next_step, std::int64_t next_at, bool count_attempt);
  bool TakeLease(const std::string& order_id);
  void DropLease(const std::string& order_id);
  /// One step of a saga; returns true if it should run again at once.
  bool Step(const std::string& order_id);

  db::Database& db_;
  const core::Clock& clock_;
  core::IdGenerator& ids_;
  location::LocationClient& locations_;
  StoreFactsLookup stores_;
  PriceCartFn price_;
  payment::PaymentService& payments_;
  LoyaltyPort loyalty_;
  OrderOptions options_;
  std::function<void()> events_committed_;
  bus::Outbox outbox_{"order"};
  OrderTracker tracker_;

  std::mutex runner_mutex_;
  std::condition_variable runner_wake_;
  bool runner_stopping_ = false;
  bool runner_poked_ = false;
  std::thread runner_;
};

std::vector<db::Migration> Migrations();
std::vector<db::Migration> AllMigrations();

}  // namespace vetahut::order
