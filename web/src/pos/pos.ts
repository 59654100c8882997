// The POS's pure rules: money typed at the counter in integer minor units, the change due, which
// actions a role may take (a mirror of the server's policy, src/lib/auth/policy.cpp — the server
// decides; this only hides what would be refused), and the refund a cashier's selection means.

/** "20", "20.5", "20.50" (or "20,50") → 2050 minor units for a currency with `exponent` decimals; null if not an amount. */
export function parseAmount(text: string, exponent = 2): number | null {
  const t = text.trim().replace(',', '.');
  const m = /^(\d{1,9})(?:\.(\d*))?$/.exec(t);
  if (!m) return null;
  const fraction = m[2] ?? '';
  if (fraction.length > exponent) return null;
  return Number(m[1]) * 10 ** exponent + Number((fraction + '0'.repeat(exponent)).slice(0, exponent) || '0');
}

/** Cash handed over for `total`: the change, or how much is still missing. Integer minor units only. */
export function changeDue(total: number, tendered: number | null): { ok: true; change: number } | { ok: false; short: number } {
  if (!Number.isInteger(total) || tendered === null || !Number.isInteger(tendered)) return { ok: false, short: total };
  return tendered >= total ? { ok: true, change: tendered - total } : { ok: false, short: total - tendered };
}

/** Notes a cashier reaches for: the exact amount, then the next round amounts above the total. */
export function quickTenders(total: number, exponent = 2): number[] {
  const unit = 10 ** exponent;
  const out = new Set<number>([total]);
  for (const step of [5, 10, 20, 50, 100]) {
    const next = Math.ceil(total / (step * unit)) * step * unit;
    if (next > total) out.add(next);
    if (out.size >= 4) break;
  }
  return [...out].sort((a, b) => a - b);
}

export type PosAction = 'place' | 'lookup' | 'cancel' | 'hand_over' | 'refund' | 'day' | 'day_all';

// Rows of the server's policy the POS shows actions for.
const ALLOWED: Record<PosAction, string[]> = {
  place: ['cashier', 'store_manager', 'admin', 'pos'],           // orders:take
  lookup: ['cashier', 'store_manager', 'admin', 'pos'],          // customers:lookup
  cancel: ['cashier', 'store_manager', 'admin', 'pos'],          // orders:cancel
  hand_over: ['cashier', 'store_manager', 'admin', 'pos'],       // orders:status
  refund: ['store_manager', 'admin'],                            // orders:refund
  day: ['cashier', 'pos', 'store_manager', 'admin'],             // reports:cashier
  day_all: ['store_manager', 'admin'],                           // every cashier's day (decision 0034)
};

export function can(roles: readonly string[], action: PosAction): boolean {
  return roles.some((r) => ALLOWED[action].includes(r));
}

/** Whether an account may work the POS at all. */
export function isCounterRole(roles: readonly string[]): boolean {
  return can(roles, 'place');
}

export interface SoldLine {
  index: number;
  name: string;
  quantity: number;
}

/**
 * The refund a selection asks for: lines with at least one unit chosen, never more units than
 * are left of a line (sold less refunded before). Sent as `lines` to the refunds route, which
 * prices them; null when nothing is chosen.
 */
export function refundLines(
  sold: readonly SoldLine[],
  chosen: Readonly<Record<number, number>>,
  refundedBefore: Readonly<Record<number, number>> = {},
): { index: number; quantity: number }[] | null {
  const out: { index: number; quantity: number }[] = [];
  for (const line of sold) {
    const left = line.quantity - (refundedBefore[line.index] ?? 0);
    const want = Math.min(Math.max(0, Math.floor(chosen[line.index] ?? 0)), left);
    if (want > 0) out.push({ index: line.index, quantity: want });
  }
  return out.length ? out : null;
}

/** Units of each line refunded so far, from the order's `refunds`. */
export function refundedUnits(refunds: readonly { lines: readonly { index: number; quantity: number }[] }[] | undefined): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of refunds ?? []) for (const l of r.lines) out[l.index] = (out[l.index] ?? 0) + l.quantity;
  return out;
}

/** A refused action in plain words: the server's 403 says which role may not do what. */
export function plainError(status: number, message: string): string {
  if (status === 403) return `Not allowed: ${message}.`;
  if (status === 401) return 'Your session ended: sign in again.';
  if (status === 0) return 'The server cannot be reached; nothing was changed. Try again.';
  return message;
}

/** Today in the store's time zone, YYYY-MM-DD (the business day the reports use). */
export function localDate(zone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
