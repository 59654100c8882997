import { useCallback, useEffect, useRef, useState } from 'react';
import { accessToken } from '../api/client';
import { followLive } from '../api/stream';
import type { Order, Store } from '../api/types';
import { console_, type KitchenLoad } from './api';
import { explain, money, Problem, time, useConsole } from './common';
import { can } from './policy';

/** The board's columns: the states an order is open in, in the order it moves through them. */
export const OPEN_STATES: { status: Order['status']; title: string }[] = [
  { status: 'pending_payment', title: 'Awaiting payment' },
  { status: 'confirmed', title: 'New' },
  { status: 'preparing', title: 'Making' },
  { status: 'baking', title: 'In the oven' },
  { status: 'ready', title: 'Ready' },
  { status: 'out_for_delivery', title: 'Out for delivery' },
];

/** The live store board: open orders by state, kitchen load, the promise quoted now, pause/resume. */
export function Board() {
  const { who, storeId } = useConsole();
  const [store, setStore] = useState<Store | null>(null);
  const [orders, setOrders] = useState<Order[]>([]);
  const [load, setLoad] = useState<KitchenLoad | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('Too busy');
  const [minutes, setMinutes] = useState('30');
  const pending = useRef<ReturnType<typeof setTimeout>>();

  const refresh = useCallback(async () => {
    try {
      // One page per open state: an order placed long ago for later (a slot) is still on the board.
      const [s, l, ...byState] = await Promise.all([
        console_.store(storeId), console_.load(storeId), ...OPEN_STATES.map((c) => console_.orders(storeId, c.status)),
      ]);
      setStore(s);
      setOrders(byState.flatMap((page) => page.orders));
      setLoad(l);
      setError(null);
    } catch (e) {
      setError(explain(e));
    }
  }, [storeId]);

  // Live: any kitchen event (a new ticket, a bump) refreshes the board within a moment; a slow
  // poll catches what the kitchen does not see (payments, cancellations, pauses from elsewhere).
  useEffect(() => {
    void refresh();
    const abort = new AbortController();
    const soon = () => {
      clearTimeout(pending.current);
      pending.current = setTimeout(refresh, 150);
    };
    void followLive(console_.streamUrl(storeId), (e) => {
      if (e.event === 'ticket' || e.event === 'snapshot') soon();
    }, abort.signal, { token: accessToken });
    const poll = setInterval(refresh, 5000);
    return () => {
      abort.abort();
      clearInterval(poll);
      clearTimeout(pending.current);
    };
  }, [refresh, storeId]);

  const act = async (fn: () => Promise<Store>) => {
    setBusy(true);
    try {
      setStore(await fn());
      setError(null);
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };

  const zone = store?.timezone;
  const pause = store?.pause as { reason?: string; resume_at?: string | null } | null | undefined;
  return (
    <section aria-labelledby="board-title">
      <h1 id="board-title">Live board{store ? ` · ${store.name}` : ''}</h1>
      <Problem error={error} />
      {store && (
        <div className="adm-status">
          <p data-testid="store-status" data-accepting={store.accepting_orders}>
            {store.accepting_orders ? 'Taking orders' : `Paused${pause?.reason ? `: ${pause.reason}` : ''}${pause?.resume_at ? ` (until ${time(pause.resume_at, zone)})` : ''}`}
          </p>
          {load && (
            <p data-testid="promise-now">
              Quoting now: ready in <strong>{load.asap_wait_minutes} min</strong>{load.busy ? ' (busy mode)' : ''}
            </p>
          )}
          {can(who, 'stores:pause', storeId) && (store.accepting_orders ? (
            <form className="adm-inline" onSubmit={(e) => { e.preventDefault(); void act(() => console_.pause(storeId, reason, Number(minutes) || null)); }}>
              <label>Reason<input value={reason} onChange={(e) => setReason(e.target.value)} /></label>
              <label>For
                <select value={minutes} onChange={(e) => setMinutes(e.target.value)}>
                  <option value="15">15 min</option>
                  <option value="30">30 min</option>
                  <option value="60">1 hour</option>
                  <option value="">until resumed</option>
                </select>
              </label>
              <button type="submit" className="danger" disabled={busy}>Pause orders</button>
            </form>
          ) : (
            <button type="button" className="primary" disabled={busy} onClick={() => act(() => console_.resume(storeId))}>Resume orders</button>
          ))}
        </div>
      )}
      {load && (
        <table className="adm-table adm-load" aria-label="Kitchen load">
          <thead><tr><th scope="col">Station</th><th scope="col">Waiting</th><th scope="col">In work</th><th scope="col">Busy</th></tr></thead>
          <tbody>
            {load.stations.map((s) => (
              <tr key={s.station}><th scope="row">{s.station}</th><td>{s.waiting}</td><td>{s.in_work}</td><td>{Math.round(s.utilization * 100)}%</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {store && <div className="adm-columns">
        {OPEN_STATES.map((c) => {
          const here = orders.filter((o) => o.status === c.status);
          return (
            <section key={c.status} className="adm-column" aria-label={c.title} data-status={c.status}>
              <h2>{c.title} <span className="badge">{here.length}</span></h2>
              <ul>
                {here.map((o) => (
                  <li key={o.id} className="adm-order" data-testid="board-order" data-number={o.number}>
                    <strong>#{o.number}</strong> {o.type.replace('_', ' ')} · {money(o.total)}
                    <span className="meta"> promised {time(o.promised_at, zone)}</span>
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>}
    </section>
  );
}
