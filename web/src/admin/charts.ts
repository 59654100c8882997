// Reports → chart series: the analytics API's JSON (src/services/analytics/report_render.cpp)
// shaped into labels and datasets, the same numbers the chart draws and its table shows.

export interface Money {
  amount: number;
  currency: string;
}
export interface SalesRow {
  key: string;
  label: string;
  currency: string;
  orders: number;
  net?: Money;
  total?: Money;
  revenue?: Money; // product and category rows
  quantity?: number;
}
export interface SalesReport {
  from: string;
  to: string;
  group_by: string;
  rows: SalesRow[];
}
export interface Summary {
  count: number;
  p50: number | null;
  p90: number | null;
  mean: number | null;
}
export interface KitchenFigures {
  tickets: number;
  items?: number; // the station basis: stays of items at a station
  wait_seconds: Summary;
  make_seconds: Summary;
  bake_seconds: Summary;
  prep_seconds: Summary;
  promise?: { tickets: number; late: number; share_late: number | null; ready_minus_promised_seconds: Summary };
}
export interface KitchenRow extends KitchenFigures {
  key: string;
  label: string;
}
export interface KitchenReport {
  from: string;
  to: string;
  group_by: string;
  rows: KitchenRow[];
  total: KitchenFigures;
}

export interface Dataset {
  label: string;
  data: number[];
  /** How the table shows a value (money, minutes, a share). */
  unit: 'money' | 'count' | 'minutes' | 'percent';
  /** A second y axis (orders beside money). */
  axis?: 'y' | 'y1';
}
export interface Series {
  title: string;
  kind: 'bar' | 'doughnut';
  /** The table's first column heading (default: Hour for bars). */
  axisLabel?: string;
  labels: string[];
  datasets: Dataset[];
  currency?: string;
}

const major = (m: Money | undefined) => (m ? m.amount / 100 : 0);
// Minutes to the thousandth: a quiet hour's stages can take seconds, and the chart still shows them.
const minutes = (s: number | null) => (s === null ? 0 : Math.round((s / 60) * 1000) / 1000);
const hourLabel = (key: string) => `${key.padStart(2, '0')}:00`;
const byHour = <T extends { key: string }>(rows: T[]) => [...rows].sort((a, b) => Number(a.key) - Number(b.key));

/** Sales by hour: net sales and orders for each hour that had any. */
export function salesByHour(report: SalesReport): Series {
  const rows = byHour(report.rows);
  return {
    title: 'Sales by hour',
    kind: 'bar',
    labels: rows.map((r) => hourLabel(r.key)),
    currency: rows[0]?.currency,
    datasets: [
      { label: 'Net sales', data: rows.map((r) => major(r.net)), unit: 'money', axis: 'y' },
      { label: 'Orders', data: rows.map((r) => r.orders), unit: 'count', axis: 'y1' },
    ],
  };
}

/** Product mix: revenue by product, the biggest first; past `top`, the rest as one slice. */
export function productMix(report: SalesReport, top = 8): Series {
  const rows = [...report.rows].sort((a, b) => major(b.revenue) - major(a.revenue));
  const head = rows.slice(0, top);
  const rest = rows.slice(top);
  const labels = head.map((r) => r.label);
  const data = head.map((r) => major(r.revenue));
  if (rest.length) {
    labels.push(`${rest.length} more`);
    data.push(Math.round(rest.reduce((s, r) => s + major(r.revenue), 0) * 100) / 100);
  }
  return { title: 'Product mix', kind: 'doughnut', labels, currency: rows[0]?.currency, datasets: [{ label: 'Revenue', data, unit: 'money' }] };
}

const CHANNELS: Record<string, string> = { web: 'Web', app: 'App', kiosk: 'Kiosk', pos: 'Counter', phone: 'Phone', partner: 'Partner' };

/** Channel split: orders by the channel they came in through. */
export function channelSplit(report: SalesReport): Series {
  const rows = [...report.rows].sort((a, b) => b.orders - a.orders);
  return {
    title: 'Channel split',
    kind: 'doughnut',
    labels: rows.map((r) => CHANNELS[r.key] ?? r.label),
    datasets: [{ label: 'Orders', data: rows.map((r) => r.orders), unit: 'count' }],
  };
}

/** Promise accuracy by hour: the share of tickets ready after their promise, and by how much (p50). */
export function promiseAccuracy(report: KitchenReport): Series {
  const rows = byHour(report.rows).filter((r) => (r.promise?.tickets ?? 0) > 0);
  return {
    title: 'Promise accuracy',
    kind: 'bar',
    labels: rows.map((r) => hourLabel(r.key)),
    datasets: [
      { label: 'Late (% of tickets)', data: rows.map((r) => Math.round((r.promise?.share_late ?? 0) * 1000) / 10), unit: 'percent', axis: 'y' },
      { label: 'Ready − promised, median (min)', data: rows.map((r) => minutes(r.promise?.ready_minus_promised_seconds.p50 ?? null)), unit: 'minutes', axis: 'y1' },
    ],
  };
}

/** Kitchen times by hour: the median wait, make and bake of tickets, stacked (they add up to prep). */
export function kitchenTimes(report: KitchenReport): Series {
  const rows = byHour(report.rows).filter((r) => r.tickets > 0);
  return {
    title: 'Kitchen times',
    kind: 'bar',
    labels: rows.map((r) => hourLabel(r.key)),
    datasets: [
      { label: 'Wait (min, median)', data: rows.map((r) => minutes(r.wait_seconds.p50)), unit: 'minutes' },
      { label: 'Make (min, median)', data: rows.map((r) => minutes(r.make_seconds.p50)), unit: 'minutes' },
      { label: 'Bake (min, median)', data: rows.map((r) => minutes(r.bake_seconds.p50)), unit: 'minutes' },
    ],
  };
}

/** Kitchen times by station (the report's station basis): each station's median wait before an
 *  item is started there and its median make — or, at an oven, bake — time, stacked; slowest
 *  station first, so the bottleneck leads. */
export function stationTimes(report: KitchenReport): Series {
  const rows = report.rows
    .filter((r) => (r.items ?? 0) > 0)
    .sort((a, b) => (b.prep_seconds.p50 ?? 0) - (a.prep_seconds.p50 ?? 0) || a.label.localeCompare(b.label));
  return {
    title: 'Kitchen times by station',
    kind: 'bar',
    axisLabel: 'Station',
    labels: rows.map((r) => r.label),
    datasets: [
      { label: 'Wait (min, median)', data: rows.map((r) => minutes(r.wait_seconds.p50)), unit: 'minutes' },
      { label: 'Make (min, median)', data: rows.map((r) => minutes(r.make_seconds.p50)), unit: 'minutes' },
      { label: 'Bake (min, median)', data: rows.map((r) => minutes(r.bake_seconds.p50)), unit: 'minutes' },
    ],
  };
}

/** A value as the chart's table shows it. */
export function formatValue(value: number, unit: Dataset['unit'], currency = 'USD'): string {
  if (unit === 'money') return new Intl.NumberFormat('en', { style: 'currency', currency }).format(value);
  if (unit === 'percent') return `${value}%`;
  if (unit === 'minutes') return Math.abs(value) < 1 ? `${Math.round(value * 60)} s` : `${Math.round(value * 10) / 10} min`;
  return String(value);
}

export interface Refund {
  id: string;
  order_id: string;
  order_number: number;
  order_business_date: string;
  date: string;
  at: string;
  amount: Money;
  order_total: Money;
}
