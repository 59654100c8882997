#include "services/kitchen/ticket_record.hpp"

#include "lib/json/codec.hpp"

namespace vetahut::kitchen {

ItemProgress TicketItem::progress() const {
  ItemProgress p;
  p.route = route;
  p.step = static_cast<int>(step);
  p.started = started;
  p.since = since;
  p.handed_off = handed_off;
  p.voided = voided;
  if (visits) p.visits = *visits;
  return p;
}

void TicketItem::set_progress(const ItemProgress& p) {
  route = p.route;
  step = p.step;
  started = p.started;
  since = p.since;
  handed_off = p.handed_off;
  voided = p.voided;
  if (p.visits.empty()) {
    visits.reset();
  } else {
    visits = p.visits;
  }
}

std::vector<ItemProgress> Ticket::progress() const {
  std::vector<ItemProgress> out;
  out.reserve(items.size());
  for (const auto& i : items) out.push_back(i.progress());
  return out;
}

ModelTicket Ticket::model() const {
  ModelTicket m;
  m.id = id;
  m.priority = priority;
  m.fired_at = core::TimePoint(std::chrono::microseconds(fired_us.value_or(0)));
  for (const auto& i : items) m.items.push_back({i.key(), i.progress()});
  return m;
}

std::string ItemsToJson(const std::vector<TicketItem>& items) { return json_codec::EncodeValue(items); }

core::Result<std::vector<TicketItem>> ItemsFromJson(const std::string& json) {
  return json_codec::DecodeValue<std::vector<TicketItem>>(json, "items");
}

}  // namespace vetahut::kitchen
