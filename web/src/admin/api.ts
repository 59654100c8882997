// The console's calls (kept out of the shared client, so the customer app never loads them).
import { accessToken, ApiError, call } from '../api/client';
import type { Menu, OrderList, Store, StoreList } from '../api/types';
import type { KitchenReport, Refund, SalesReport } from './charts';

const enc = encodeURIComponent;
const store = (id: string) => `/api/v1/stores/${enc(id)}`;

export interface KitchenLoad {
  stations: { station: string; waiting: number; in_work: number; utilization: number }[];
  asap_wait_minutes: number;
  busy: boolean;
}
export interface StockItem {
  ingredient_id: string;
  name: string;
  unit: string;
  quantity: number;
  low_threshold: number | null;
  low: boolean;
}
export interface Zone {
  id?: string;
  name: string;
  fee: { amount: number; currency: string };
  minimum_order: { amount: number; currency: string };
  estimate_minutes?: number;
  geometry?: { type: 'Polygon'; coordinates: [number, number][][] };
  center?: { latitude: number; longitude: number };
  radius_m?: number;
}
export interface DaySpan {
  day: string;
  open: string;
  close: string;
}
export interface SpecialDay {
  date?: string;
  from?: string;
  to?: string;
  closed?: boolean;
  spans?: { open: string; close: string }[];
  note?: string;
}
export type Hours = Record<string, { weekly: DaySpan[]; special_days: SpecialDay[] }>;
export interface StaffUser {
  id: string;
  email: string;
  name: string;
  roles: { role: string; store_id: string | null }[];
}
export interface ProvisioningCode {
  code: string;
  store_id: string;
  type: string;
  name: string;
  expires_at: string;
}
export interface MenuVersion {
  id: string;
  market: string;
  status: string;
  created_at: string;
  publish_at: string | null;
  published_at: string | null;
}
export type Catalog = Record<string, unknown> & { currency: string; products: DraftProduct[] };
export interface DraftProduct {
  id: string;
  name: Record<string, string>;
  sizes: { size_id: string; price: number }[];
  [key: string]: unknown;
}

export type ReportQuery = { store_id: string; from: string; to: string; group_by?: string };
const query = (q: Record<string, string | undefined>) =>
  Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${enc(v as string)}`).join('&');

export const console_ = {
  stores: () => call<StoreList>('GET', '/api/v1/stores?limit=50'),
  store: (id: string) => call<Store>('GET', store(id)),
  orders: (id: string, status: string) => call<OrderList>('GET', `${store(id)}/orders?status=${enc(status)}&limit=100`),
  load: (id: string) => call<KitchenLoad>('GET', `${store(id)}/kitchen/load`),
  streamUrl: (id: string) => `${store(id)}/kitchen/stream`,
  pause: (id: string, reason: string, minutes: number | null) =>
    call<Store>('POST', `${store(id)}/pause`, minutes ? { reason, minutes } : { reason }),
  resume: (id: string) => call<Store>('POST', `${store(id)}/resume`),
  menu: (id: string) => call<Menu>('GET', `${store(id)}/menu?locale=en`, undefined, { 'Cache-Control': 'no-cache' }),
  setAvailability: (id: string, item: string, available: boolean, reason: string) =>
    call<void>('PUT', `${store(id)}/availability/${enc(item)}`, available ? { available } : { available, reason }),
  setPrice: (id: string, item: string, size: string, amount: number | null, currency: string) =>
    call<void>('PUT', `${store(id)}/prices/${enc(item)}`, { kind: 'product', size, price: amount === null ? null : { amount, currency } }),
  draft: (market: string) => call<Catalog>('GET', `/api/v1/menu/${enc(market)}/draft`),
  live: (market: string) => call<Catalog>('GET', `/api/v1/menu/${enc(market)}/live`),
  saveDraft: (market: string, catalog: Catalog) => call<MenuVersion>('PUT', `/api/v1/menu/${enc(market)}/draft`, catalog),
  publish: (market: string, at?: string) => call<MenuVersion>('POST', `/api/v1/menu/${enc(market)}/publish`, at ? { publish_at: at } : {}),
  versions: (market: string) => call<{ items: MenuVersion[] }>('GET', `/api/v1/menu/${enc(market)}/versions?limit=10`),
  hours: (id: string) => call<Hours>('GET', `${store(id)}/hours`),
  setHours: (id: string, hours: Hours) => call<Hours>('PUT', `${store(id)}/hours`, hours),
  zones: (id: string) => call<{ zones: Zone[] }>('GET', `${store(id)}/zones`),
  setZones: (id: string, zones: Zone[]) => call<{ zones: Zone[] }>('PUT', `${store(id)}/zones`, { zones }),
  inventory: (id: string) => call<{ items: StockItem[] }>('GET', `${store(id)}/inventory`),
  adjust: (id: string, a: { ingredient_id: string; kind: string; quantity: number; reason?: string }) =>
    call<unknown>('POST', `${store(id)}/inventory/adjustments`, a),
  users: () => call<{ items: StaffUser[] }>('GET', '/api/v1/admin/users?limit=200'),
  addStaff: (u: { email: string; name: string; phone: string; password: string; roles: StaffUser['roles'] }) =>
    call<StaffUser>('POST', '/api/v1/admin/users', u),
  provision: (id: string, type: string, name: string) =>
    call<ProvisioningCode>('POST', `${store(id)}/devices/provisioning-codes`, { type, name }),
  sales: (q: ReportQuery) => call<SalesReport>('GET', `/api/v1/reports/sales?${query(q)}`),
  kitchen: (q: ReportQuery) => call<KitchenReport>('GET', `/api/v1/reports/kitchen?${query(q)}`),
  refunds: (q: ReportQuery) => call<{ items: Refund[]; next_cursor: string | null }>('GET', `/api/v1/reports/refunds?${query({ ...q, limit: '200' })}`),
  /** A report as CSV (the server's own file, with its file name). */
  async csv(report: 'sales' | 'kitchen' | 'refunds', q: ReportQuery): Promise<{ text: string; filename: string }> {
    const res = await fetch(`/api/v1/reports/${report}?${query({ ...q, format: 'csv' })}`, {
      headers: { Authorization: `Bearer ${accessToken() ?? ''}`, Accept: 'text/csv' },
    });
    const text = await res.text();
    if (!res.ok) {
      let detail = res.statusText;
      try {
        detail = JSON.parse(text).detail ?? detail;
      } catch { /* not problem+json */ }
      throw new ApiError(res.status, detail);
    }
    const filename = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? `${report}.csv`;
    return { text, filename };
  },
};
