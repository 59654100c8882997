import { useCallback, useEffect, useState } from 'react';
import { console_, type ReportQuery } from './api';
import { ChartView } from './Chart';
import { channelSplit, kitchenTimes, productMix, promiseAccuracy, type Refund, salesByHour, type Series, stationTimes } from './charts';
import { explain, money, Problem, time, useConsole } from './common';

/** Today in the store's time zone (business days are the store's own). */
function today(zone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

const CSV: { label: string; report: 'sales' | 'kitchen' | 'refunds'; group_by: string }[] = [
  { label: 'Sales by hour', report: 'sales', group_by: 'hour' },
  { label: 'Product mix', report: 'sales', group_by: 'product' },
  { label: 'Channel split', report: 'sales', group_by: 'channel' },
  { label: 'Kitchen times and promise accuracy', report: 'kitchen', group_by: 'hour' },
  { label: 'Kitchen times by station', report: 'kitchen', group_by: 'station' },
  { label: 'Refunds', report: 'refunds', group_by: '' },
];

/** Reports with charts for a date range, and each as CSV. */
export default function Reports() {
  const { storeId, store } = useConsole();
  const [from, setFrom] = useState(() => today(store?.timezone));
  const [to, setTo] = useState(() => today(store?.timezone));
  const [charts, setCharts] = useState<{ id: string; series: Series }[] | null>(null);
  const [refunds, setRefunds] = useState<Refund[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    const q: ReportQuery = { store_id: storeId, from, to };
    try {
      const [hours, products, channels, kitchen, stations, given] = await Promise.all([
        console_.sales({ ...q, group_by: 'hour' }), console_.sales({ ...q, group_by: 'product' }),
        console_.sales({ ...q, group_by: 'channel' }), console_.kitchen({ ...q, group_by: 'hour' }),
        console_.kitchen({ ...q, group_by: 'station' }), console_.refunds(q),
      ]);
      setRefunds(given.items);
      setCharts([
        { id: 'sales-by-hour', series: salesByHour(hours) },
        { id: 'product-mix', series: productMix(products) },
        { id: 'channel-split', series: channelSplit(channels) },
        { id: 'promise-accuracy', series: promiseAccuracy(kitchen) },
        { id: 'kitchen-times', series: kitchenTimes(kitchen) },
        { id: 'station-times', series: stationTimes(stations) },
      ]);
    } catch (e) {
      setError(explain(e));
    }
  }, [storeId, from, to]);
  useEffect(() => void load(), []); // eslint-disable-line react-hooks/exhaustive-deps

  const download = async (c: (typeof CSV)[number]) => {
    try {
      const { text, filename } = await console_.csv(c.report, { store_id: storeId, from, to, group_by: c.group_by });
      const named = c.group_by ? filename.replace(/\.csv$/, `-${c.group_by}.csv`) : filename;
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = named;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      setSaved(`${c.label}: ${named} downloaded.`);
    } catch (e) {
      setError(explain(e));
    }
  };

  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">Reports{store ? ` · ${store.name}` : ''}</h1>
      <form className="adm-inline" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>From<input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} required /></label>
        <label>To<input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} required /></label>
        <button type="submit" className="primary">Show</button>
      </form>
      <Problem error={error} />
      <div className="adm-csv">
        <span>CSV:</span>
        {CSV.map((c) => <button key={c.label} type="button" onClick={() => download(c)}>{c.label}</button>)}
        {saved && <span role="status" className="note">{saved}</span>}
      </div>
      <div className="adm-charts">
        {charts?.map((c) => <ChartView key={c.id} id={c.id} series={c.series} />)}
      </div>
      {refunds && (
        <table className="adm-table" aria-label="Refunds" data-testid="refunds">
          <caption>Refunds given ({refunds.length}{refunds.length ? `, ${money({ amount: refunds.reduce((s, r) => s + r.amount.amount, 0), currency: refunds[0].amount.currency })}` : ''})</caption>
          <thead><tr><th scope="col">Order</th><th scope="col">When</th><th scope="col">Refunded</th><th scope="col">Order total</th></tr></thead>
          <tbody>
            {refunds.map((r) => (
              <tr key={r.id} data-order={r.order_id}>
                <th scope="row">#{r.order_number} · {r.order_business_date}</th><td>{r.date} {time(r.at, store?.timezone)}</td>
                <td>{money(r.amount)}</td><td>{money(r.order_total)}</td>
              </tr>
            ))}
            {refunds.length === 0 && <tr><td colSpan={4}>No refunds in this period.</td></tr>}
          </tbody>
        </table>
      )}
    </section>
  );
}
