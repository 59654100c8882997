#include "services/kitchen/open_tickets.hpp"

#include <algorithm>
#include <unordered_map>

namespace vetahut::kitchen {
namespace {

/// The order the repository's Open returns: fired first by when (unfired count as 0), then id.
bool Before(const std::shared_ptr<const Ticket>& a, const std::shared_ptr<const Ticket>& b) {
  const std::int64_t fa = a->fired_us.value_or(0);
  const std::int64_t fb = b->fired_us.value_or(0);
  return fa != fb ? fa < fb : a->id < b->id;
}

std::shared_ptr<OpenQueue> Build(std::int64_t seq, std::vector<std::shared_ptr<const Ticket>> tickets) {
  auto q = std::make_shared<OpenQueue>();
  q->seq = seq;
  std::sort(tickets.begin(), tickets.end(), Before);
  q->tickets = std::move(tickets);
  for (const auto& t : q->tickets) {
    if (t->status == TicketStatus::kScheduled || !t->open()) continue;
    q->models.push_back(t->model());
  }
  return q;
}

}  // namespace

std::shared_ptr<const OpenQueue> OpenTicketCache::Get(db::Session& s, const std::string& store_id) {
  // The seq first, then the rows: every ticket with a seq up to it has committed (the store's row
  // orders the changes), so what is read is at least as new as the seq it is kept under.
  const std::int64_t seq = repository_.CurrentSeq(s, store_id);
  const auto now = std::chrono::steady_clock::now();
  Entry held;
  {
    std::lock_guard lock(mutex_);
    if (auto it = stores_.find(store_id); it != stores_.end()) held = it->second;
  }
  const bool fresh = held.queue && now - held.loaded < full_reload_;
  if (fresh && held.queue->seq == seq) return held.queue;

  std::shared_ptr<OpenQueue> next;
  auto loaded = now;
  if (fresh && held.queue->seq < seq) {
    auto changed = repository_.ChangedTickets(s, store_id, held.queue->seq);
    std::unordered_map<std::string, const Ticket*> by_id;
    by_id.reserve(changed.size());
    for (const auto& t : changed) by_id.emplace(t.id, &t);
    std::vector<std::shared_ptr<const Ticket>> tickets;
    tickets.reserve(held.queue->tickets.size() + changed.size());
    for (const auto& t : held.queue->tickets) {
      if (!by_id.count(t->id)) tickets.push_back(t);
    }
    for (auto& t : changed) {
      if (t.open()) tickets.push_back(std::make_shared<const Ticket>(std::move(t)));
    }
    next = Build(seq, std::move(tickets));
    loaded = held.loaded;
  } else {
    std::vector<std::shared_ptr<const Ticket>> tickets;
    for (auto& t : repository_.Open(s, store_id)) tickets.push_back(std::make_shared<const Ticket>(std::move(t)));
    next = Build(seq, std::move(tickets));
  }
  std::lock_guard lock(mutex_);
  auto& entry = stores_[store_id];
  // Another reader may have stored a newer queue meanwhile; keep the newest.
  if (!entry.queue || entry.queue->seq <= seq) entry = Entry{next, loaded};
  return next;
}

void OpenTicketCache::NoteEstimates(const std::string& store_id, const std::vector<Estimate>& estimates) {
  if (estimates.empty()) return;
  std::lock_guard lock(mutex_);
  auto it = stores_.find(store_id);
  if (it == stores_.end()) return;
  std::unordered_map<std::string, const Estimate*> by_id;
  for (const auto& e : estimates) by_id.emplace(e.ticket_id, &e);
  auto next = std::make_shared<OpenQueue>(*it->second.queue);
  bool changed = false;
  for (auto& t : next->tickets) {
    auto e = by_id.find(t->id);
    if (e == by_id.end() || t->seq != e->second->ticket_seq) continue;
    auto copy = std::make_shared<Ticket>(*t);
    copy->estimated_ready_at = e->second->estimated_ready_at;
    copy->announced_at = e->second->announced_at;
    t = std::move(copy);
    changed = true;
  }
  if (changed) it->second.queue = std::move(next);
}

void OpenTicketCache::Clear() {
  std::lock_guard lock(mutex_);
  stores_.clear();
}

}  // namespace vetahut::kitchen
