#include "services/analytics/domain/fact_rules.hpp"

#include <array>
#include <utility>

namespace vetahut::analytics {
namespace {

void First(std::optional<std::int64_t>& slot, std::int64_t at) {
  if (!slot || at < *slot) slot = at;
}

std::optional<double> Between(const std::optional<std::int64_t>& from, const std::optional<std::int64_t>& to) {
  if (!from || !to) return std::nullopt;
  return static_cast<double>(*to - *from) / 1e6;
}

/// Latest wins; equal times keep the one further along (rank), then the larger name, so the
/// result never depends on arrival order.
bool Later(std::int64_t at, int rank, std::string_view status, std::int64_t than_at, int than_rank,
           std::string_view than_status) {
  if (at != than_at) return at > than_at;
  if (rank != than_rank) return rank > than_rank;
  return status > than_status;
}

int TicketRank(std::string_view s) {
  constexpr std::array<std::string_view, 7> order = {"scheduled", "queued", "making", "in_oven", "ready", "handed_off", "voided"};
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == s) return static_cast<int>(i);
  }
  return -1;
}

int DeliveryRank(std::string_view s) {
  constexpr std::array<std::string_view, 5> order = {"waiting", "assigned", "out_for_delivery", "delivered", "cancelled"};
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == s) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

int StatusRank(std::string_view status) {
  static constexpr std::array<std::pair<std::string_view, int>, 13> ranks = {{{"pending_payment", 0},
                                                                              {"confirmed", 1},
                                                                              {"preparing", 2},
                                                                              {"baking", 3},
                                                                              {"ready", 4},
                                                                              {"out_for_delivery", 5},
                                                                              {"delivered", 6},
                                                                              {"picked_up", 6},
                                                                              {"served", 6},
                                                                              {"cancelled", 7},
                                                                              {"rejected", 7},
                                                                              {"refunded", 8},
                                                                              {"", -1}}};
  for (const auto& [name, rank] : ranks) {
    if (name == status) return rank;
  }
  return -1;
}

std::optional<StatusAt> FinalStatus(const std::vector<StatusAt>& moves) {
  const StatusAt* best = nullptr;
  for (const auto& m : moves) {
    if (!best || Later(m.at_us, StatusRank(m.status), m.status, best->at_us, StatusRank(best->status), best->status)) best = &m;
  }
  if (!best) return std::nullopt;
  return *best;
}

bool IsHandedOver(std::string_view status) { return status == "delivered" || status == "picked_up" || status == "served"; }
bool IsNoSale(std::string_view status) { return status == "cancelled" || status == "rejected"; }

std::int64_t TicketTimes::KitchenStart() const { return fired ? *fired : queued ? *queued : first_seen; }
std::optional<double> TicketTimes::WaitSeconds() const {
  return Between(fired ? fired : queued, making);
}
std::optional<double> TicketTimes::MakeSeconds() const { return Between(making, in_oven); }
std::optional<double> TicketTimes::BakeSeconds() const { return Between(in_oven, ready); }
std::optional<double> TicketTimes::PrepSeconds() const { return Between(fired ? fired : queued, ready); }
std::optional<double> TicketTimes::LateSeconds() const { return Between(promised_ready, ready); }

void Observe(TicketTimes& t, const TicketObservation& e) {
  if (t.first_seen == 0 || e.at < t.first_seen) t.first_seen = e.at;
  if (e.fired) First(t.fired, *e.fired);
  if (e.status == "queued") First(t.queued, e.at);
  if (e.status == "making") First(t.making, e.at);
  if (e.status == "in_oven") First(t.in_oven, e.at);
  if (e.status == "ready") First(t.ready, e.at);
  if (e.status == "handed_off") First(t.handed_off, e.at);
  if (e.status == "voided") First(t.voided, e.at);
  if (e.promised_ready) {
    const bool from_ready = e.status == "ready";
    // The ready event's promise wins (the first ready, if a recall made two); otherwise the latest.
    const bool take = from_ready ? (!t.promise_from_ready || e.at < t.promise_seen ||
                                    (e.at == t.promise_seen && *e.promised_ready < *t.promised_ready))
                                 : (!t.promise_from_ready && (!t.promised_ready || e.at > t.promise_seen ||
                                                              (e.at == t.promise_seen && *e.promised_ready > *t.promised_ready)));
    if (take) {
      t.promised_ready = e.promised_ready;
      t.promise_from_ready = from_ready;
      t.promise_seen = e.at;
    }
  }
  if (t.status.empty() || Later(e.at, TicketRank(e.status), e.status, t.status_at, TicketRank(t.status), t.status)) {
    t.status = e.status;
    t.status_at = e.at;
  }
}

std::int64_t DeliveryTimes::Start() const { return dispatched ? *dispatched : waiting ? *waiting : first_seen; }
std::optional<double> DeliveryTimes::ToDoorSeconds() const { return Between(dispatched, delivered); }
std::optional<double> DeliveryTimes::EtaErrorSeconds() const { return Between(eta, delivered); }

void Observe(DeliveryTimes& d, const DeliveryObservation& e) {
  if (d.first_seen == 0 || e.at < d.first_seen) d.first_seen = e.at;
  if (e.status == "waiting") First(d.waiting, e.at);
  if (e.status == "assigned") First(d.assigned, e.at);
  if (e.status == "out_for_delivery") {
    // The ETA told when it left: the first dispatch's.
    if (!d.dispatched || e.at < *d.dispatched || (e.at == *d.dispatched && e.eta > d.eta)) d.eta = e.eta;
    First(d.dispatched, e.at);
  }
  if (e.status == "delivered") First(d.delivered, e.at);
  if (e.status == "cancelled") First(d.cancelled, e.at);
  if (e.driver_id && (!d.driver_id || e.at > d.driver_seen || (e.at == d.driver_seen && *e.driver_id > *d.driver_id))) {
    d.driver_id = e.driver_id;
    d.driver_seen = e.at;
  }
  if (d.status.empty() || Later(e.at, DeliveryRank(e.status), e.status, d.status_at, DeliveryRank(d.status), d.status)) {
    d.status = e.status;
    d.status_at = e.at;
  }
}

}  // namespace vetahut::analytics
