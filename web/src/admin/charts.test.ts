import { describe, expect, test } from 'vitest';
import { channelSplit, formatValue, type KitchenReport, kitchenTimes, productMix, promiseAccuracy, salesByHour, type SalesReport, stationTimes } from './charts';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const sales = (rows: Partial<SalesReport['rows'][number]>[]): SalesReport =>
  ({ from: '2026-11-26', to: '2026-11-26', group_by: 'hour', rows: rows.map((r) => ({ currency: 'USD', orders: 0, label: r.key, ...r })) }) as SalesReport;
const summary = (p50: number | null) => ({ count: p50 === null ? 0 : 1, p50, p90: p50, mean: p50 });
const kitchenRow = (key: string, tickets: number, wait: number, make: number, bake: number, late: number, lateness: number) => ({
  key, label: key, tickets, wait_seconds: summary(wait), make_seconds: summary(make), bake_seconds: summary(bake), prep_seconds: summary(wait + make + bake),
  promise: { tickets, late, share_late: tickets ? late / tickets : null, ready_minus_promised_seconds: summary(lateness) },
});

describe('report → chart series', () => {
  test('sales by hour: hours in order, net in dollars beside the orders', () => {
    const s = salesByHour(sales([{ key: '18', orders: 4, net: usd(8050) }, { key: '9', orders: 1, net: usd(1299) }]));
    expect(s.labels).toEqual(['09:00', '18:00']);
    expect(s.datasets[0]).toMatchObject({ label: 'Net sales', data: [12.99, 80.5], unit: 'money' });
    expect(s.datasets[1]).toMatchObject({ label: 'Orders', data: [1, 4], axis: 'y1' });
    expect(s.currency).toBe('USD');
  });

  test('product mix: biggest revenue first, the tail folded into one slice', () => {
    const rows = [1, 5, 3, 2].map((n) => ({ key: `p${n}`, label: `P${n}`, revenue: usd(n * 1000) }));
    const s = productMix(sales(rows), 2);
    expect(s.labels).toEqual(['P5', 'P3', '2 more']);
    expect(s.datasets[0].data).toEqual([50, 30, 30]);
  });

  test('channel split: orders per channel in words people use', () => {
    const s = channelSplit(sales([{ key: 'web', orders: 3 }, { key: 'pos', orders: 5 }]));
    expect(s.labels).toEqual(['Counter', 'Web']);
    expect(s.datasets[0].data).toEqual([5, 3]);
  });

  test('promise accuracy and kitchen times: minutes and shares per hour with tickets', () => {
    const report: KitchenReport = {
      from: 'x', to: 'x', group_by: 'hour', total: kitchenRow('t', 0, 0, 0, 0, 0, 0),
      rows: [kitchenRow('19', 4, 120, 240, 360, 1, -90), kitchenRow('7', 0, 0, 0, 0, 0, 0), kitchenRow('12', 2, 60, 60, 600, 2, 150)],
    };
    const p = promiseAccuracy(report);
    expect(p.labels).toEqual(['12:00', '19:00']);
    expect(p.datasets[0].data).toEqual([100, 25]);
    expect(p.datasets[1].data).toEqual([2.5, -1.5]);
    const k = kitchenTimes(report);
    expect(k.datasets.map((d) => d.data)).toEqual([[1, 2], [1, 4], [10, 6]]);
    // Seconds are kept: a stage of 7 s is not drawn as nothing.
    const quick = kitchenTimes({ ...report, rows: [kitchenRow('9', 1, 7, 30, 45, 0, -400)] });
    expect(quick.datasets.map((d) => d.data[0])).toEqual([0.117, 0.5, 0.75]);
  });

  test('kitchen times by station: the slowest station first, an oven\'s time as bake', () => {
    const stay = (key: string, label: string, items: number, wait: number, make: number | null, bake: number | null) => ({
      key, label, tickets: 1, items, wait_seconds: summary(wait), make_seconds: summary(make), bake_seconds: summary(bake),
      prep_seconds: summary(wait + (make ?? 0) + (bake ?? 0)),
    });
    const report = { from: '2026-11-26', to: '2026-11-26', group_by: 'station', total: {} as KitchenReport['total'],
      rows: [stay('cut', 'Cut & box', 2, 0, 20, null), stay('make', 'Make line', 2, 120, 90, null), stay('oven', 'Oven', 2, 0, null, 360),
        stay('fryer', 'Fryer', 0, 0, 0, null)] } as KitchenReport;
    const s = stationTimes(report);
    expect(s.labels).toEqual(['Oven', 'Make line', 'Cut & box']);  // by time there; a station nobody used is left out
    expect(s.axisLabel).toBe('Station');
    expect(s.datasets.map((d) => d.data)).toEqual([[0, 2, 0], [0, 1.5, 0.333], [6, 0, 0]]);
  });

  test('no rows: no labels, nothing invented', () => {
    expect(salesByHour(sales([])).labels).toEqual([]);
    expect(productMix(sales([])).datasets[0].data).toEqual([]);
  });

  test('table values', () => {
    expect(formatValue(80.5, 'money')).toBe('$80.50');
    expect(formatValue(25, 'percent')).toBe('25%');
    expect(formatValue(-1.5, 'minutes')).toBe('-1.5 min');
    expect(formatValue(12.345, 'minutes')).toBe('12.3 min');
    expect(formatValue(0.7, 'minutes')).toBe('42 s');
  });
});
