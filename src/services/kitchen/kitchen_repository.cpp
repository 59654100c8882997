#include "services/kitchen/kitchen_repository.hpp"

#include <fmt/format.h>

namespace vetahut::kitchen {
namespace {

constexpr const char* kColumns =
    "id, store_id, order_id, number, order_type, channel, customer_name, status, priority, placed_at, promised_at, "
    "promised_ready_at, estimated_ready_at, announced_at, scheduled_for, fired_at, fired_us, ready_at, handed_off_at, "
    "voided_at, void_reason, address, items, consumed, bumps, seq, created_at, updated_at";
constexpr const char* kOpen = "status NOT IN ('handed_off', 'voided')";

Ticket FromRow(const db::Row& r) {
  Ticket t;
  t.id = r.Text("id");
  t.store_id = r.Text("store_id");
  t.order_id = r.Text("order_id");
  t.number = r.Int("number");
  t.order_type = r.Text("order_type");
  t.channel = r.Text("channel");
  t.customer_name = r.Text("customer_name");
  t.status = ParseTicketStatus(r.Text("status")).value_or(TicketStatus::kQueued);
  t.priority = static_cast<int>(r.Int("priority"));
  t.placed_at = r.Text("placed_at");
  t.promised_at = r.Text("promised_at");
  t.promised_ready_at = r.Text("promised_ready_at");
  t.estimated_ready_at = r.Text("estimated_ready_at");
  t.announced_at = r.Text("announced_at");
  t.scheduled_for = r.OptText("scheduled_for");
  t.fired_at = r.OptText("fired_at");
  t.fired_us = r.OptInt("fired_us");
  t.ready_at = r.OptText("ready_at");
  t.handed_off_at = r.OptText("handed_off_at");
  t.voided_at = r.OptText("voided_at");
  t.void_reason = r.Text("void_reason");
  t.address = r.OptText("address");
  auto items = ItemsFromJson(r.Text("items"));
  if (!items) throw core::ErrorException(core::Error::Internal("ticket " + t.id + " has unreadable items"));
  t.items = std::move(*items);
  t.consumed = r.Text("consumed");
  t.bumps = r.Int("bumps");
  t.seq = r.Int("seq");
  t.created_at = r.Text("created_at");
  t.updated_at = r.Text("updated_at");
  return t;
}

std::vector<Ticket> ToTickets(const db::ResultSet& rs) {
  std::vector<Ticket> out;
  out.reserve(rs.size());
  for (const auto& r : rs) out.push_back(FromRow(r));
  return out;
}

std::vector<std::string> Strings(const db::ResultSet& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.Text(0));
  return out;
}

}  // namespace

std::optional<Ticket> KitchenRepository::Find(db::Session& s, const std::string& ticket_id) const {
  auto rs = s.Query(fmt::format("SELECT {} FROM kitchen_tickets WHERE id = $1", kColumns), db::Params(ticket_id));
  if (rs.empty()) return std::nullopt;
  return FromRow(rs[0]);
}

std::optional<Ticket> KitchenRepository::FindByOrder(db::Session& s, const std::string& order_id) const {
  auto rs = s.Query(fmt::format("SELECT {} FROM kitchen_tickets WHERE order_id = $1", kColumns), db::Params(order_id));
  if (rs.empty()) return std::nullopt;
  return FromRow(rs[0]);
}

std::vector<Ticket> KitchenRepository::Open(db::Session& s, const std::string& store_id) const {
  return ToTickets(s.Query(fmt::format("SELECT {} FROM kitchen_tickets WHERE store_id = $1 AND {} "
                                       "ORDER BY COALESCE(fired_us, 0), id",
                                       kColumns, kOpen),
                           db::Params(store_id)));
}

std::vector<Ticket> KitchenRepository::WithStatus(db::Session& s, const std::string& store_id, TicketStatus status,
                                                  int limit) const {
  return ToTickets(s.Query(fmt::format("SELECT {} FROM kitchen_tickets WHERE store_id = $1 AND status = $2 "
                                       "ORDER BY updated_at DESC, id DESC LIMIT $3",
                                       kColumns),
                           db::Params(store_id, std::string(TicketStatusName(status)), limit)));
}

std::vector<std::string> KitchenRepository::StoresWithScheduled(db::Session& s) const {
  return Strings(s.Query("SELECT DISTINCT store_id FROM kitchen_tickets WHERE status = 'scheduled' ORDER BY store_id"));
}

std::vector<std::string> KitchenRepository::StoresWithOpen(db::Session& s) const {
  return Strings(s.Query(fmt::format("SELECT DISTINCT store_id FROM kitchen_tickets WHERE {} ORDER BY store_id", kOpen)));
}

void KitchenRepository::Insert(db::Session& tx, const Ticket& t) const {
  tx.Exec(fmt::format("INSERT INTO kitchen_tickets ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                      "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)",
                      kColumns),
          db::Params(t.id, t.store_id, t.order_id, t.number, t.order_type, t.channel, t.customer_name,
                     std::string(TicketStatusName(t.status)), t.priority, t.placed_at, t.promised_at, t.promised_ready_at,
                     t.estimated_ready_at, t.announced_at, t.scheduled_for, t.fired_at, t.fired_us, t.ready_at,
                     t.handed_off_at, t.voided_at, t.void_reason, t.address, ItemsToJson(t.items), t.consumed, t.bumps,
                     t.seq, t.created_at, t.updated_at));
}

bool KitchenRepository::Update(db::Session& tx, const Ticket& t, std::int64_t bumps_as_read) const {
  return tx.Exec("UPDATE kitchen_tickets SET status = $1, priority = $2, estimated_ready_at = $3, announced_at = $4, "
                 "fired_at = $5, fired_us = $6, ready_at = $7, handed_off_at = $8, voided_at = $9, void_reason = $10, "
                 "items = $11, consumed = $12, bumps = $13, seq = $14, updated_at = $15 WHERE id = $16 AND bumps = $17",
                 db::Params(std::string(TicketStatusName(t.status)), t.priority, t.estimated_ready_at, t.announced_at,
                            t.fired_at, t.fired_us, t.ready_at, t.handed_off_at, t.voided_at, t.void_reason,
                            ItemsToJson(t.items), t.consumed, t.bumps, t.seq, t.updated_at, t.id, bumps_as_read)) == 1;
}

void KitchenRepository::SetEstimate(db::Session& tx, const std::string& ticket_id, const std::string& estimated_ready_at,
                                    const std::string& announced_at) const {
  tx.Exec("UPDATE kitchen_tickets SET estimated_ready_at = $1, announced_at = $2 WHERE id = $3",
          db::Params(estimated_ready_at, announced_at, ticket_id));
}

std::int64_t KitchenRepository::NextSeq(db::Session& tx, const std::string& store_id) const {
  return tx.Query("INSERT INTO kitchen_stores (store_id, seq, busy_paused) VALUES ($1, 1, FALSE) "
                  "ON CONFLICT (store_id) DO UPDATE SET seq = kitchen_stores.seq + 1 RETURNING seq",
                  db::Params(store_id))[0]
      .Int("seq");
}

std::int64_t KitchenRepository::CurrentSeq(db::Session& s, const std::string& store_id) const {
  auto rs = s.Query("SELECT seq FROM kitchen_stores WHERE store_id = $1", db::Params(store_id));
  return rs.empty() ? 0 : rs[0].Int("seq");
}

std::vector<std::string> KitchenRepository::ChangedSince(db::Session& s, const std::string& store_id,
                                                         std::int64_t seq) const {
  return Strings(s.Query("SELECT id FROM kitchen_tickets WHERE store_id = $1 AND seq > $2 ORDER BY seq",
                         db::Params(store_id, seq)));
}

std::vector<Ticket> KitchenRepository::ChangedTickets(db::Session& s, const std::string& store_id,
                                                     std::int64_t seq) const {
  return ToTickets(s.Query(fmt::format("SELECT {} FROM kitchen_tickets WHERE store_id = $1 AND seq > $2 ORDER BY seq", kColumns),
                           db::Params(store_id, seq)));
}

bool KitchenRepository::BusyPaused(db::Session& s, const std::string& store_id) const {
  auto rs = s.Query("SELECT busy_paused FROM kitchen_stores WHERE store_id = $1", db::Params(store_id));
  return !rs.empty() && rs[0].Bool("busy_paused");
}

void KitchenRepository::SetBusyPaused(db::Session& s, const std::string& store_id, bool paused) const {
  s.Exec("INSERT INTO kitchen_stores (store_id, seq, busy_paused) VALUES ($1, 0, $2) "
         "ON CONFLICT (store_id) DO UPDATE SET busy_paused = $2",
         db::Params(store_id, paused));
}

void KitchenRepository::InsertBump(db::Session& tx, const std::string& ticket_id, const BumpRow& b,
                                   const std::string& by) const {
  tx.Exec("INSERT INTO kitchen_bumps (ticket_id, bump_no, station, item_index, items_before, status_before, by_subject, "
          "at, recalled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE)",
          db::Params(ticket_id, b.bump_no, b.station, b.item_index, b.items_before, b.status_before, by, b.at));
}

std::optional<BumpRow> KitchenRepository::LastBump(db::Session& s, const std::string& ticket_id) const {
  auto rs = s.Query("SELECT bump_no, station, item_index, items_before, status_before, at FROM kitchen_bumps "
                    "WHERE ticket_id = $1 AND NOT recalled ORDER BY bump_no DESC LIMIT 1",
                    db::Params(ticket_id));
  if (rs.empty()) return std::nullopt;
  const auto& r = rs[0];
  return BumpRow{r.Int("bump_no"), r.Text("station"), r.OptInt("item_index"), r.Text("items_before"),
                 r.Text("status_before"), r.Text("at")};
}

void KitchenRepository::MarkRecalled(db::Session& tx, const std::string& ticket_id, std::int64_t bump_no) const {
  tx.Exec("UPDATE kitchen_bumps SET recalled = TRUE WHERE ticket_id = $1 AND bump_no = $2", db::Params(ticket_id, bump_no));
}

std::optional<std::string> KitchenRepository::FindSetup(db::Session& s, const std::string& store_id) const {
  auto rs = s.Query("SELECT setup FROM kitchen_setups WHERE store_id = $1", db::Params(store_id));
  if (rs.empty()) return std::nullopt;
  return rs[0].Text("setup");
}

void KitchenRepository::UpsertSetup(db::Session& tx, const std::string& store_id, const std::string& setup_json,
                                    const std::string& at, const std::string& by) const {
  tx.Exec("INSERT INTO kitchen_setups (store_id, setup, updated_at, updated_by) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (store_id) DO UPDATE SET setup = $2, updated_at = $3, updated_by = $4",
          db::Params(store_id, setup_json, at, by));
}

}  // namespace vetahut::kitchen
