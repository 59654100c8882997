#pragma once
/// How events fold into facts, as pure merge rules. Each rule is commutative: the facts depend on
/// the set of events, never on the order they arrived in (queues retry out of order; a rebuild
/// replays by time), so a rebuild gives the same facts as the live fold did.
///   - an order's final status is its latest move (by time, then by how far along the life of
///     an order the status is, for moves in the same microsecond);
///   - a ticket or delivery keeps the first time it reached each stage;
///   - a ticket's promise is the one its `ready` event carried (what the customer was last told
///     before the food was ready), else the latest seen.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vetahut::analytics {

/// An order status with when it was reached (unix µs).
struct StatusAt {
  std::string status;
  std::int64_t at_us = 0;
};

/// Where a status sits in an order's life: pending_payment 0 … handed over 6, cancelled or
/// rejected 7, refunded 8; -1 for a status this module does not know.
int StatusRank(std::string_view status);

/// The latest of `moves`; nullopt when there are none.
std::optional<StatusAt> FinalStatus(const std::vector<StatusAt>& moves);

/// True for the statuses that hand an order over (delivered, picked_up, served).
bool IsHandedOver(std::string_view status);
/// True for the statuses that make an order no sale (cancelled, rejected).
bool IsNoSale(std::string_view status);

/// One kitchen ticket as the facts keep it (unix µs).
struct TicketTimes {
  std::optional<std::int64_t> fired, queued, making, in_oven, ready, handed_off, voided;
  std::optional<std::int64_t> promised_ready;
  bool promise_from_ready = false;
  std::int64_t promise_seen = 0;  ///< the `at` of the event the promise came from
  std::int64_t first_seen = 0;
  std::string status;
  std::int64_t status_at = 0;

  /// Measures in seconds, when both ends are known.
  std::optional<double> WaitSeconds() const;     ///< fired (or queued) → making
  std::optional<double> MakeSeconds() const;     ///< making → in the oven
  std::optional<double> BakeSeconds() const;     ///< in the oven → ready (the oven and the cut table)
  std::optional<double> PrepSeconds() const;     ///< fired (or queued) → ready
  std::optional<double> LateSeconds() const;     ///< ready − promised (negative: early)
  /// When the ticket reached the kitchen: fired, else queued, else first seen.
  std::int64_t KitchenStart() const;
};

/// A ticket_status_changed event, as the rule needs it.
struct TicketObservation {
  std::string status;  ///< queued | making | in_oven | ready | handed_off | voided | scheduled
  std::int64_t at = 0;
  std::optional<std::int64_t> fired;
  std::optional<std::int64_t> promised_ready;
};

void Observe(TicketTimes& ticket, const TicketObservation& event);

/// One delivery as the facts keep it (unix µs).
struct DeliveryTimes {
  std::optional<std::int64_t> waiting, assigned, dispatched, delivered, cancelled;
  std::optional<std::int64_t> eta;  ///< the arrival time told when it left (its out_for_delivery event)
  std::optional<std::string> driver_id;
  std::int64_t driver_seen = 0;
  std::int64_t first_seen = 0;
  std::string status;
  std::int64_t status_at = 0;

  std::optional<double> ToDoorSeconds() const;   ///< dispatched → delivered
  std::optional<double> EtaErrorSeconds() const; ///< delivered − eta (positive: later than told)
  /// The moment that dates the delivery: dispatched, else waiting, else first seen.
  std::int64_t Start() const;
};

/// A delivery.status_changed event, as the rule needs it.
struct DeliveryObservation {
  std::string status;  ///< waiting | assigned | out_for_delivery | delivered | cancelled
  std::int64_t at = 0;
  std::optional<std::string> driver_id;
  std::optional<std::int64_t> eta;
};

void Observe(DeliveryTimes& delivery, const DeliveryObservation& event);

}  // namespace vetahut::analytics
