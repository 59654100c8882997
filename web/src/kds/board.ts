// The kitchen screen's state, kept from the store's kitchen stream (decision 0022): a `snapshot`
// replaces everything (on every (re)connection), each `ticket` event replaces or removes one
// ticket. The contract types these payloads as plain objects; their shape is the kitchen
// service's TicketJson (src/services/kitchen/kitchen_service.cpp).

export interface KitchenTopping {
  topping_id: string;
  name: string;
  portion: 'whole' | 'left' | 'right' | string;
  amount: 'light' | 'normal' | 'extra' | string;
}
export interface KitchenItem {
  index: number;
  line: number;
  deal: string;
  product_id: string;
  name: string;
  kind: string;
  size: string;
  crust: string;
  toppings: KitchenTopping[];
  removed: string[];
  notes: string;
  station: string;
  status: string;
  since: string;
  out_at?: string;
}
export interface KitchenTicket {
  id: string;
  order_id: string;
  number: number;
  order_type: string;
  channel: string;
  customer_name: string;
  status: string;
  priority: 'rush' | 'normal';
  placed_at: string;
  fired_at: string | null;
  promised_ready_at: string;
  ready_at: string | null;
  lateness: { warning_seconds: number; late_seconds: number };
  at_station: boolean;
  items: KitchenItem[];
}
export interface AllDayCount {
  name: string;
  size: string;
  count: number;
}
export interface KitchenStation {
  id: string;
  name: string;
  kind: string;
}
export interface Snapshot {
  seq: number;
  station: string;
  server_time: string;
  stations: KitchenStation[];
  tickets: KitchenTicket[];
  all_day: AllDayCount[] | Record<string, AllDayCount[]>;
  changed_since_last: string[];
}
export interface TicketEvent {
  seq: number;
  ticket: KitchenTicket;
  all_day: Snapshot['all_day'];
}

export interface Board {
  seq: number;
  stations: KitchenStation[];
  tickets: KitchenTicket[];
  allDay: Snapshot['all_day'];
  /** Server time minus this device's clock, so timers do not depend on the tablet's clock. */
  skewMs: number;
  /** Tickets to flash: new since the screen last saw the kitchen. */
  fresh: string[];
}

export const emptyBoard: Board = { seq: 0, stations: [], tickets: [], allDay: [], skewMs: 0, fresh: [] };

/** Whether a ticket belongs on the screen: open, at this station, never voided or handed off. */
export function shown(t: KitchenTicket): boolean {
  return t.at_station && t.status !== 'voided' && t.status !== 'handed_off' && t.status !== 'scheduled';
}

function arrival(t: KitchenTicket): string {
  return t.fired_at ?? t.placed_at;
}

/** The kitchen's order: rush first, then by arrival (the server sorts its snapshot the same way). */
export function kitchenOrder(a: KitchenTicket, b: KitchenTicket): number {
  if (a.priority !== b.priority) return a.priority === 'rush' ? -1 : 1;
  return arrival(a) < arrival(b) ? -1 : arrival(a) > arrival(b) ? 1 : a.number - b.number;
}

/** A snapshot replaces the board; tickets new to this screen (or changed while away) flash. */
export function applySnapshot(board: Board, s: Snapshot, now = Date.now()): Board {
  const known = new Set(board.tickets.map((t) => t.id));
  const tickets = s.tickets.filter(shown).sort(kitchenOrder);
  const fresh = tickets
    .filter((t) => (board.seq > 0 && !known.has(t.id)) || s.changed_since_last.includes(t.id))
    .map((t) => t.id);
  return { seq: s.seq, stations: s.stations, tickets, allDay: s.all_day, skewMs: Date.parse(s.server_time) - now, fresh };
}

/** One ticket changed: replace it, add it (fresh), or drop it when it left the station or was voided. */
export function applyTicket(board: Board, e: TicketEvent): Board {
  if (e.seq <= board.seq) return board; // already in the snapshot
  const others = board.tickets.filter((t) => t.id !== e.ticket.id);
  const isNew = others.length === board.tickets.length;
  const tickets = shown(e.ticket) ? [...others, e.ticket].sort(kitchenOrder) : others;
  const fresh = isNew && shown(e.ticket) ? [...board.fresh, e.ticket.id] : board.fresh.filter((id) => id !== e.ticket.id || !isNew);
  return { ...board, seq: e.seq, tickets, allDay: e.all_day, fresh };
}

export type Urgency = 'ok' | 'warning' | 'late';

/** Seconds since the ticket reached the kitchen and its colour by the store's thresholds. */
export function timer(t: KitchenTicket, nowMs: number): { seconds: number; urgency: Urgency } {
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(arrival(t))) / 1000));
  const urgency: Urgency = seconds >= t.lateness.late_seconds ? 'late' : seconds >= t.lateness.warning_seconds ? 'warning' : 'ok';
  return { seconds, urgency };
}

export function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** An item's toppings by where they go: whole, left half, right half ("Mushrooms ×2" for extra). */
export function halves(item: KitchenItem): { whole: string[]; left: string[]; right: string[] } {
  const out = { whole: [] as string[], left: [] as string[], right: [] as string[] };
  for (const top of item.toppings) {
    const label = top.amount === 'extra' ? `${top.name} (extra)` : top.amount === 'light' ? `${top.name} (light)` : top.name;
    if (top.portion === 'left') out.left.push(label);
    else if (top.portion === 'right') out.right.push(label);
    else out.whole.push(label);
  }
  return out;
}

/** The all-day counts for this screen: one station's list, or (expo) a list per station that has any. */
export function allDayGroups(allDay: Board['allDay'], stations: KitchenStation[]): { station: string; rows: AllDayCount[] }[] {
  if (Array.isArray(allDay)) return [{ station: '', rows: allDay }];
  return stations.filter((s) => allDay[s.id]?.length).map((s) => ({ station: s.name, rows: allDay[s.id] }));
}
