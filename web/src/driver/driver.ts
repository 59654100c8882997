// The driver app's data: the kitchen service's delivery and driver JSON (DeliveryJson and
// DriverJson in src/services/kitchen/api.cpp; the contract types them as plain objects).

export interface Delivery {
  id: string;
  store_id: string;
  order_id: string;
  number: number;
  status: 'waiting' | 'out_for_delivery' | 'delivered' | 'cancelled' | string;
  address: { line1?: string; line2?: string; city?: string; postal_code?: string; notes?: string };
  latitude: number;
  longitude: number;
  maps_url: string;
  customer_name: string;
  driver_id: string | null;
  run_id: string | null;
  ready_at: string;
  promised_at: string;
  eta: string | null;
}
export interface SuggestedRun {
  delivery_ids: string[];
  driver_id: string | null;
  driver_name: string;
}
export interface StoreDeliveries {
  deliveries: Delivery[];
  suggested_runs: SuggestedRun[];
}
export interface DriverState {
  driver_id: string;
  store_id?: string;
  on_shift: boolean;
  on_run: boolean;
  shift_started_at?: string | null;
  run: Delivery[];
}

/** The staff member and their stores from an access token's claims (no call needed). */
export { tokenClaims as claims } from '../api/client';

/** One line for the address, as the driver reads it aloud. */
export function addressLine(d: Delivery): string {
  const a = d.address ?? {};
  return [a.line1, a.line2, a.city, a.postal_code].filter(Boolean).join(', ') || `${d.latitude.toFixed(5)}, ${d.longitude.toFixed(5)}`;
}

/**
 * A maps link the phone opens in its maps app: geo: on Android, Apple Maps on iOS, else the
 * server's Google Maps directions link.
 */
export function mapsLink(d: Delivery, userAgent: string): string {
  const at = `${d.latitude.toFixed(6)},${d.longitude.toFixed(6)}`;
  if (/Android/i.test(userAgent)) return `geo:${at}?q=${at}(${encodeURIComponent(`#${d.number}`)})`;
  if (/iPhone|iPad|iPod/i.test(userAgent)) return `https://maps.apple.com/?daddr=${at}`;
  return d.maps_url;
}

/** Runs offered to this driver first, then the other waiting deliveries one by one. */
export function offers(data: StoreDeliveries, me: string): { ids: string[]; mine: boolean }[] {
  const waiting = new Set(data.deliveries.filter((d) => d.status === 'waiting').map((d) => d.id));
  const out: { ids: string[]; mine: boolean }[] = [];
  const taken = new Set<string>();
  for (const r of data.suggested_runs) {
    const ids = r.delivery_ids.filter((id) => waiting.has(id) && !taken.has(id));
    if (r.driver_id === me && ids.length) {
      out.push({ ids, mine: true });
      ids.forEach((id) => taken.add(id));
    }
  }
  for (const id of waiting) if (!taken.has(id)) out.push({ ids: [id], mine: false });
  return out;
}

/** Whether a position is due: the first at once, then one every `everyMs`. */
export function pingDue(lastSentMs: number | null, nowMs: number, everyMs = 15000): boolean {
  return lastSentMs === null || nowMs - lastSentMs >= everyMs;
}
