#include "services/order/domain/order_status.hpp"

#include <fmt/format.h>

#include <array>

namespace vetahut::order {
namespace {

constexpr std::array<std::pair<OrderStatus, std::string_view>, 12> kStatusNames{{
    {OrderStatus::kPendingPayment, "pending_payment"},
    {OrderStatus::kConfirmed, "confirmed"},
    {OrderStatus::kPreparing, "preparing"},
    {OrderStatus::kBaking, "baking"},
    {OrderStatus::kReady, "ready"},
    {OrderStatus::kOutForDelivery, "out_for_delivery"},
    {OrderStatus::kDelivered, "delivered"},
    {OrderStatus::kPickedUp, "picked_up"},
    {OrderStatus::kServed, "served"},
    {OrderStatus::kCancelled, "cancelled"},
    {OrderStatus::kRejected, "rejected"},
    {OrderStatus::kRefunded, "refunded"},
}};

using S = OrderStatus;
using A = Actor;
using T = OrderType;

// The kitchen moves an order forward; preparing → ready skips the oven (drinks, salads).
// Customers may cancel until preparation starts; staff until the order is handed over.
constexpr Transition kTable[] = {
    {S::kPendingPayment, S::kConfirmed, A::kSystem, std::nullopt},
    {S::kPendingPayment, S::kRejected, A::kSystem, std::nullopt},
    {S::kPendingPayment, S::kCancelled, A::kCustomer, std::nullopt},
    {S::kPendingPayment, S::kCancelled, A::kStaff, std::nullopt},
    {S::kConfirmed, S::kPreparing, A::kStaff, std::nullopt},
    {S::kConfirmed, S::kCancelled, A::kCustomer, std::nullopt},
    {S::kConfirmed, S::kCancelled, A::kStaff, std::nullopt},
    {S::kPreparing, S::kBaking, A::kStaff, std::nullopt},
    {S::kPreparing, S::kReady, A::kStaff, std::nullopt},
    {S::kPreparing, S::kCancelled, A::kStaff, std::nullopt},
    {S::kBaking, S::kReady, A::kStaff, std::nullopt},
    {S::kBaking, S::kCancelled, A::kStaff, std::nullopt},
    {S::kReady, S::kOutForDelivery, A::kStaff, T::kDelivery},
    {S::kReady, S::kPickedUp, A::kStaff, T::kCarryout},
    {S::kReady, S::kServed, A::kStaff, T::kDineIn},
    {S::kReady, S::kCancelled, A::kStaff, std::nullopt},
    {S::kOutForDelivery, S::kDelivered, A::kStaff, T::kDelivery},
    {S::kOutForDelivery, S::kCancelled, A::kStaff, T::kDelivery},
    {S::kDelivered, S::kRefunded, A::kStaff, T::kDelivery},
    {S::kPickedUp, S::kRefunded, A::kStaff, T::kCarryout},
    {S::kServed, S::kRefunded, A::kStaff, T::kDineIn},
};

}  // namespace

std::string_view StatusName(OrderStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "unknown";
}

std::optional<OrderStatus> ParseStatus(std::string_view name) {
  for (const auto& [s, n] : kStatusNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

std::string_view TypeName(OrderType type) {
  switch (type) {
    case OrderType::kDelivery: return "delivery";
    case OrderType::kCarryout: return "carryout";
    case OrderType::kDineIn: return "dine_in";
  }
  return "unknown";
}

std::optional<OrderType> ParseType(std::string_view name) {
  if (name == "delivery") return OrderType::kDelivery;
  if (name == "carryout") return OrderType::kCarryout;
  if (name == "dine_in") return OrderType::kDineIn;
  return std::nullopt;
}

bool IsFinal(OrderStatus status) {
  return status == S::kCancelled || status == S::kRejected || status == S::kRefunded;
}

bool IsCompleted(OrderStatus status) {
  return status == S::kDelivered || status == S::kPickedUp || status == S::kServed;
}

std::span<const Transition> Transitions() { return kTable; }

core::Status CheckTransition(OrderType type, OrderStatus from, OrderStatus to, Actor actor) {
  bool known_move = false;
  for (const auto& row : kTable) {
    if (row.from != from || row.to != to) continue;
    if (row.only_for && *row.only_for != type) continue;
    known_move = true;
    if (row.actor == actor) return core::Ok();
    // The kitchen moves an order forward as the store would.
    if (actor == Actor::kSystem && row.actor == Actor::kStaff && to != S::kCancelled && to != S::kRefunded) {
      return core::Ok();
    }
  }
  if (known_move) {
    if (actor == Actor::kCustomer && to == S::kCancelled) {
      return core::Fail(core::Error::Conflict(
          fmt::format("the order is already {}; only the store can cancel it now", StatusName(from))));
    }
    return core::Fail(core::Error::Conflict(
        fmt::format("moving an order from {} to {} is not allowed for this caller", StatusName(from), StatusName(to))));
  }
  return core::Fail(core::Error::Conflict(fmt::format("cannot move a {} {} order to {}", StatusName(from),
                                                      TypeName(type), StatusName(to))));
}

namespace {

/// How far along the kitchen's way a status is; -1 for statuses off it.
int KitchenRank(OrderStatus s) {
  switch (s) {
    case S::kConfirmed: return 0;
    case S::kPreparing: return 1;
    case S::kBaking: return 2;
    case S::kReady: return 3;
    case S::kOutForDelivery: return 4;
    case S::kDelivered:
    case S::kPickedUp:
    case S::kServed: return 5;
    default: return -1;
  }
}

}  // namespace

std::vector<OrderStatus> KitchenPath(OrderType type, OrderStatus from, OrderStatus target) {
  const int at = KitchenRank(from);
  const int to = KitchenRank(target);
  if (at < 0 || to <= at) return {};
  std::vector<OrderStatus> path;
  if (at < 1) path.push_back(S::kPreparing);
  if (target == S::kBaking) {
    path.push_back(S::kBaking);
  } else if (to >= 3) {
    if (at < 3) path.push_back(S::kReady);
    if (to >= 4 && type == T::kDelivery) {
      if (at < 4) path.push_back(S::kOutForDelivery);
      if (target == S::kDelivered) path.push_back(S::kDelivered);
    } else if (to == 5) {
      path.push_back(target);
    }
  }
  // Every step must be a legal move for this type (a carry-out never goes out for delivery).
  OrderStatus cursor = from;
  for (OrderStatus next : path) {
    if (!CheckTransition(type, cursor, next, Actor::kSystem)) return {};
    cursor = next;
  }
  if (cursor != target) return {};
  return path;
}

}  // namespace vetahut::order
