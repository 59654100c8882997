#pragma once
/// The order service's SQL: orders, numbers per store and day, placement idempotency, the event
/// history trackers replay, and the saga's step, schedule and lease columns. Rows map by name.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/db/database.hpp"
#include "services/order/domain/order.hpp"

namespace vetahut::order {

/// One row of an order's status history.
struct OrderEventRow {
  std::int64_t seq = 0;
  std::string status;
  std::string data;  ///< JSON sent to trackers
};

/// One refund of an order (the money is in the payment ledger; this says why and of what).
struct RefundRow {
  std::string id, order_id, idempotency_key;
  std::int64_t amount = 0;
  std::string reason;
  std::string lines;  ///< JSON [{"index", "quantity"}]; [] for a refund by amount
  std::string refunded_by;
  std::string created_at;
};

class OrderRepository {
 public:
  std::optional<Order> Find(db::Session& s, const std::string& order_id) const;
  /// The order whose tracking link carries `key` (decision 0028).
  std::optional<Order> FindByTrackingKey(db::Session& s, const std::string& key) const;
  /// Newest first; `status` filters; `cursor` is the last id seen.
  std::vector<Order> ListForStore(db::Session& s, const std::string& store_id, std::optional<OrderStatus> status,
                                  int limit, const std::string& cursor) const;
  std::vector<Order> ListForCustomer(db::Session& s, const std::string& customer_id, int limit,
                                     const std::string& cursor) const;

  /// The earlier placement under an idempotency scope: (request hash, order id).
  std::optional<std::pair<std::string, std::string>> FindPlacement(db::Session& s, const std::string& scope_key) const;
  /// Throws db::DbError kConflict when the scope was taken concurrently.
  void InsertPlacement(db::Session& tx, const std::string& scope_key, const std::string& hash, const std::string& order_id,
                       const std::string& created_at) const;
  /// The next number of the store's business day (gap-free unless the transaction rolls back).
  std::int64_t NextNumber(db::Session& tx, const std::string& store_id, const std::string& business_date) const;
  /// Inserts the order with its saga lease held until `lease_until` (µs).
  void Insert(db::Session& tx, const Order& o, std::int64_t lease_until) const;

  /// Records a refund once per (order, idempotency key).
  void InsertRefund(db::Session& tx, const RefundRow& refund) const;
  /// An order's refunds, oldest first.
  std::vector<RefundRow> Refunds(db::Session& s, const std::string& order_id) const;

  std::int64_t NextEventSeq(db::Session& tx, const std::string& order_id) const;
  void AppendEvent(db::Session& tx, const std::string& order_id, std::int64_t seq, const std::string& status,
                   const std::string& data, const std::string& at) const;
  std::vector<OrderEventRow> History(db::Session& s, const std::string& order_id, std::int64_t after_seq) const;

  /// Moves the order (status, next saga step) if it is still in `o`'s status and step; with
  /// `release` the saga lease is given back in the same statement. False if it moved meanwhile.
  bool ApplyStatus(db::Session& tx, const Order& o, OrderStatus to, const std::string& next_step, std::int64_t next_at,
                   const std::string& reason, const std::string& at, bool release) const;
  /// Sets the next saga step (same conditions as ApplyStatus).
  bool SetStep(db::Session& s, const Order& o, const std::string& next_step, std::int64_t next_at,
               std::int64_t attempts, const std::string& at, bool release) const;
  bool TakeLease(db::Session& s, const std::string& order_id, std::int64_t until, std::int64_t now) const;
  void DropLease(db::Session& s, const std::string& order_id) const;
  /// After a step threw: look again at `next_at`, one more attempt counted, lease given back.
  void RetryLater(db::Session& s, const std::string& order_id, std::int64_t next_at) const;
  /// Orders with a saga step due now and no runner holding them.
  std::vector<std::string> DueSagas(db::Session& s, std::int64_t now, int limit) const;
  /// Makes an order waiting for its payment due now; false if it is not waiting.
  bool WakeAwaitingPayment(db::Session& s, const std::string& order_id, std::int64_t now) const;
  std::int64_t SagaBacklog(db::Session& s) const;
  /// Orders not yet finished, per status: how many, and when the oldest entered it (RFC 3339).
  struct OpenStatus {
    std::string status;
    std::int64_t count = 0;
    std::string oldest_updated_at;
  };
  std::vector<OpenStatus> OpenByStatus(db::Session& s) const;
  /// Sets the promise while the order is still in status `expected`; false if it moved on (or is unknown).
  bool SetPromise(db::Session& tx, const std::string& order_id, const std::string& promised_at, const std::string& at,
                  OrderStatus expected) const;
  /// The order's promised time as committed now (read after a write in `tx`: the latest).
  std::string PromiseOf(db::Session& tx, const std::string& order_id) const;
};

}  // namespace vetahut::order
