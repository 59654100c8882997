#pragma once
/// The order's life as pure data: its statuses, who may move it where, and which order types a
/// status belongs to. The order service asks `CheckTransition` before every change; an illegal
/// move is a kConflict (409) and nothing changes.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "lib/core/result.hpp"

namespace vetahut::order {

enum class OrderStatus {
  kPendingPayment,  ///< placed; payment not authorized yet
  kConfirmed,       ///< paid (authorized) or pay-at-store; the kitchen may start
  kPreparing,
  kBaking,
  kReady,
  kOutForDelivery,
  kDelivered,   ///< delivery: done
  kPickedUp,    ///< carry-out: done
  kServed,      ///< dine-in: done
  kCancelled,   ///< by the customer (before preparation) or staff
  kRejected,    ///< payment declined or timed out, or the slot was lost
  kRefunded,    ///< a completed order refunded in full
};

enum class OrderType { kDelivery, kCarryout, kDineIn };

/// Who asks for a change.
enum class Actor {
  kCustomer,  ///< the order's owner
  kStaff,     ///< the store's staff and devices, admins
  kSystem,    ///< the saga (payment outcomes, compensations) and the kitchen it follows: the
              ///< kitchen's moves are the store's forward moves (never a cancel or a refund)
};

std::string_view StatusName(OrderStatus status);
std::optional<OrderStatus> ParseStatus(std::string_view name);
std::string_view TypeName(OrderType type);
std::optional<OrderType> ParseType(std::string_view name);

/// No further change except a refund of a completed order: cancelled, rejected, refunded.
bool IsFinal(OrderStatus status);
/// The order was handed over: delivered, picked up or served (payment is captured).
bool IsCompleted(OrderStatus status);

/// One row of the transition table.
struct Transition {
  OrderStatus from;
  OrderStatus to;
  Actor actor;
  /// Limits the row to one order type (e.g. out_for_delivery only for delivery); nullopt = any.
  std::optional<OrderType> only_for;
};

/// The whole table, for documentation and tests.
std::span<const Transition> Transitions();

/// Ok if `actor` may move an order of `type` from `from` to `to`; otherwise kConflict with a
/// detail that names both statuses ("cannot move a delivered order to preparing").
core::Status CheckTransition(OrderType type, OrderStatus from, OrderStatus to, Actor actor);

/// The statuses an order passes through, in order, to follow the kitchen from `from` to
/// `target` (preparing, baking, ready, out_for_delivery, or a hand-over): e.g. confirmed → ready
/// is {preparing, ready}. Empty when the order is already there or past it, finished, or the
/// target does not belong to its type (a move the kitchen cannot drag it back through).
std::vector<OrderStatus> KitchenPath(OrderType type, OrderStatus from, OrderStatus target);

}  // namespace vetahut::order
