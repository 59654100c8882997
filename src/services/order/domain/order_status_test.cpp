#include "services/order/domain/order_status.hpp"

#include <gtest/gtest.h>

#include <set>

namespace vetahut::order {
namespace {

constexpr OrderStatus kAll[] = {
    OrderStatus::kPendingPayment, OrderStatus::kConfirmed, OrderStatus::kPreparing, OrderStatus::kBaking,
    OrderStatus::kReady,          OrderStatus::kOutForDelivery, OrderStatus::kDelivered, OrderStatus::kPickedUp,
    OrderStatus::kServed,         OrderStatus::kCancelled, OrderStatus::kRejected, OrderStatus::kRefunded};

TEST(OrderStatus, NamesRoundTrip) {
  std::set<std::string_view> names;
  for (auto s : kAll) {
    names.insert(StatusName(s));
    EXPECT_EQ(ParseStatus(StatusName(s)), s);
  }
  EXPECT_EQ(names.size(), std::size(kAll));
  EXPECT_FALSE(ParseStatus("PREPARING"));
  EXPECT_EQ(ParseType("dine_in"), OrderType::kDineIn);
  EXPECT_FALSE(ParseType("drive_thru"));
}

TEST(OrderStatus, DeliveryHappyPathIsLegalStepByStep) {
  const std::pair<OrderStatus, Actor> path[] = {
      {OrderStatus::kConfirmed, Actor::kSystem}, {OrderStatus::kPreparing, Actor::kStaff},
      {OrderStatus::kBaking, Actor::kStaff},     {OrderStatus::kReady, Actor::kStaff},
      {OrderStatus::kOutForDelivery, Actor::kStaff}, {OrderStatus::kDelivered, Actor::kStaff}};
  OrderStatus at = OrderStatus::kPendingPayment;
  for (auto [next, actor] : path) {
    EXPECT_TRUE(CheckTransition(OrderType::kDelivery, at, next, actor)) << StatusName(at) << "→" << StatusName(next);
    at = next;
  }
}

TEST(OrderStatus, HandOverDependsOnTheOrderType) {
  EXPECT_TRUE(CheckTransition(OrderType::kCarryout, OrderStatus::kReady, OrderStatus::kPickedUp, Actor::kStaff));
  EXPECT_FALSE(CheckTransition(OrderType::kCarryout, OrderStatus::kReady, OrderStatus::kOutForDelivery, Actor::kStaff));
  EXPECT_FALSE(CheckTransition(OrderType::kDelivery, OrderStatus::kReady, OrderStatus::kPickedUp, Actor::kStaff));
  EXPECT_TRUE(CheckTransition(OrderType::kDineIn, OrderStatus::kReady, OrderStatus::kServed, Actor::kStaff));
  EXPECT_FALSE(CheckTransition(OrderType::kDineIn, OrderStatus::kReady, OrderStatus::kPickedUp, Actor::kStaff));
}

TEST(OrderStatus, CustomersCancelOnlyBeforePreparation) {
  EXPECT_TRUE(CheckTransition(OrderType::kCarryout, OrderStatus::kConfirmed, OrderStatus::kCancelled, Actor::kCustomer));
  auto late = CheckTransition(OrderType::kCarryout, OrderStatus::kPreparing, OrderStatus::kCancelled, Actor::kCustomer);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, core::ErrorCode::kConflict);
  EXPECT_NE(late.error().detail.find("only the store"), std::string::npos);
  EXPECT_TRUE(CheckTransition(OrderType::kCarryout, OrderStatus::kPreparing, OrderStatus::kCancelled, Actor::kStaff));
}

TEST(OrderStatus, OnlyTheSagaDecidesPayment) {
  EXPECT_FALSE(CheckTransition(OrderType::kDelivery, OrderStatus::kPendingPayment, OrderStatus::kConfirmed, Actor::kStaff));
  EXPECT_FALSE(CheckTransition(OrderType::kDelivery, OrderStatus::kPendingPayment, OrderStatus::kConfirmed, Actor::kCustomer));
}

TEST(OrderStatus, FinalStatusesGoNowhereAndNothingSkipsAhead) {
  for (auto from : {OrderStatus::kCancelled, OrderStatus::kRejected, OrderStatus::kRefunded}) {
    EXPECT_TRUE(IsFinal(from));
    for (auto to : kAll) {
      for (auto actor : {Actor::kCustomer, Actor::kStaff, Actor::kSystem}) {
        EXPECT_FALSE(CheckTransition(OrderType::kDelivery, from, to, actor));
      }
    }
  }
  auto skip = CheckTransition(OrderType::kDelivery, OrderStatus::kConfirmed, OrderStatus::kDelivered, Actor::kStaff);
  ASSERT_FALSE(skip);
  EXPECT_EQ(skip.error().detail, "cannot move a confirmed delivery order to delivered");
  EXPECT_FALSE(CheckTransition(OrderType::kDelivery, OrderStatus::kDelivered, OrderStatus::kPreparing, Actor::kStaff));
}

TEST(OrderStatus, EveryTransitionIsReachableAndCompletedOrdersOnlyRefund) {
  // Walking the table from pending_payment reaches every status.
  std::set<OrderStatus> reached{OrderStatus::kPendingPayment};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& t : Transitions()) {
      if (reached.count(t.from) && reached.insert(t.to).second) grew = true;
    }
  }
  EXPECT_EQ(reached.size(), std::size(kAll));
  for (const auto& t : Transitions()) {
    if (IsCompleted(t.from)) {
      EXPECT_EQ(t.to, OrderStatus::kRefunded);
    }
  }
}

TEST(OrderStatus, TheKitchenMovesOrdersForwardButNeverCancelsOrRefunds) {
  EXPECT_TRUE(CheckTransition(OrderType::kCarryout, OrderStatus::kConfirmed, OrderStatus::kPreparing, Actor::kSystem));
  EXPECT_TRUE(CheckTransition(OrderType::kDelivery, OrderStatus::kReady, OrderStatus::kOutForDelivery, Actor::kSystem));
  EXPECT_FALSE(CheckTransition(OrderType::kCarryout, OrderStatus::kPreparing, OrderStatus::kCancelled, Actor::kSystem));
  EXPECT_FALSE(CheckTransition(OrderType::kCarryout, OrderStatus::kPickedUp, OrderStatus::kRefunded, Actor::kSystem));
}

TEST(OrderStatus, KitchenPathsPassThroughEveryStepAndNeverGoBack) {
  using S = OrderStatus;
  using V = std::vector<OrderStatus>;
  EXPECT_EQ(KitchenPath(OrderType::kCarryout, S::kConfirmed, S::kPreparing), (V{S::kPreparing}));
  EXPECT_EQ(KitchenPath(OrderType::kCarryout, S::kConfirmed, S::kBaking), (V{S::kPreparing, S::kBaking}));
  EXPECT_EQ(KitchenPath(OrderType::kCarryout, S::kConfirmed, S::kReady), (V{S::kPreparing, S::kReady}));
  EXPECT_EQ(KitchenPath(OrderType::kCarryout, S::kBaking, S::kReady), (V{S::kReady}));
  EXPECT_EQ(KitchenPath(OrderType::kCarryout, S::kPreparing, S::kPickedUp), (V{S::kReady, S::kPickedUp}));
  EXPECT_EQ(KitchenPath(OrderType::kDineIn, S::kReady, S::kServed), (V{S::kServed}));
  EXPECT_EQ(KitchenPath(OrderType::kDelivery, S::kBaking, S::kDelivered), (V{S::kReady, S::kOutForDelivery, S::kDelivered}));
  EXPECT_EQ(KitchenPath(OrderType::kDelivery, S::kReady, S::kOutForDelivery), (V{S::kOutForDelivery}));
  // Already there or past it (a redelivered or late kitchen event), finished, or not its type.
  EXPECT_TRUE(KitchenPath(OrderType::kCarryout, S::kReady, S::kBaking).empty());
  EXPECT_TRUE(KitchenPath(OrderType::kCarryout, S::kReady, S::kReady).empty());
  EXPECT_TRUE(KitchenPath(OrderType::kCarryout, S::kCancelled, S::kPreparing).empty());
  EXPECT_TRUE(KitchenPath(OrderType::kCarryout, S::kPendingPayment, S::kPreparing).empty());
  EXPECT_TRUE(KitchenPath(OrderType::kCarryout, S::kReady, S::kOutForDelivery).empty());
  EXPECT_TRUE(KitchenPath(OrderType::kDelivery, S::kReady, S::kPickedUp).empty());
}

}  // namespace
}  // namespace vetahut::order
