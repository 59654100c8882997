import { useCallback, useEffect, useState } from 'react';
import type { Menu, MenuProduct } from '../api/types';
import { console_ } from './api';
import { explain, money, Problem, useConsole } from './common';
import { can } from './policy';

/** The store's menu as customers see it, with the 86 switch and the store's own prices. */
export function MenuAtStore() {
  const { who, storeId } = useConsole();
  const [menu, setMenu] = useState<Menu | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [reason, setReason] = useState('Sold out');
  const [prices, setPrices] = useState<Record<string, string>>({});
  const may86 = can(who, 'menu:availability', storeId);
  const mayPrice = can(who, 'menu:prices', storeId);

  const refresh = useCallback(async () => {
    try {
      setMenu(await console_.menu(storeId));
    } catch (e) {
      setError(explain(e));
    }
  }, [storeId]);
  useEffect(() => void refresh(), [refresh]);

  const act = async (fn: () => Promise<unknown>, what: string) => {
    try {
      await fn();
      setError(null);
      setDone(what);
      await refresh();
    } catch (e) {
      setError(explain(e));
    }
  };

  const row = (p: MenuProduct) => (
    <tr key={p.id} data-product={p.id} data-available={p.available}>
      <th scope="row">{p.name}</th>
      <td>{p.available ? <span className="open">Available</span> : <span className="closed">86’d</span>}</td>
      {may86 && (
        <td>
          {p.available ? (
            <button type="button" className="danger" onClick={() => act(() => console_.setAvailability(storeId, p.id, false, reason), `${p.name} is 86’d.`)}>
              86 {p.name}
            </button>
          ) : (
            <button type="button" onClick={() => act(() => console_.setAvailability(storeId, p.id, true, ''), `${p.name} is back.`)}>
              Bring back {p.name}
            </button>
          )}
        </td>
      )}
      <td>
        {p.sizes.map((s) => {
          const key = `${p.id}|${s.id}`;
          return (
            <div key={s.id} className="adm-price">
              <span>{s.name}: {money(s.price)}</span>
              {mayPrice && (
                <form className="adm-inline" onSubmit={(e) => {
                  e.preventDefault();
                  const amount = Math.round(Number(prices[key]) * 100);
                  void act(() => console_.setPrice(storeId, p.id, s.id, amount, s.price.currency), `${p.name} ${s.name} costs ${money({ amount, currency: s.price.currency })} here.`);
                }}>
                  <label className="sr-only" htmlFor={`price-${key}`}>Price of {p.name} {s.name} at this store</label>
                  <input id={`price-${key}`} type="number" min="0" step="0.01" className="adm-money" value={prices[key] ?? ''}
                    placeholder={(s.price.amount / 100).toFixed(2)} onChange={(e) => setPrices({ ...prices, [key]: e.target.value })} />
                  <button type="submit" disabled={!prices[key]}>Set</button>
                  <button type="button" onClick={() => act(() => console_.setPrice(storeId, p.id, s.id, null, s.price.currency), `${p.name} ${s.name} has the chain price again.`)}>
                    Chain price
                  </button>
                </form>
              )}
            </div>
          );
        })}
      </td>
    </tr>
  );

  return (
    <section aria-labelledby="menu-title">
      <h1 id="menu-title">Menu at this store</h1>
      <p className="meta">What customers of this store see now. 86 an item when it runs out; bring it back when it is in again.</p>
      <Problem error={error} />
      {done && <p role="status" className="note">{done}</p>}
      {may86 && <label className="adm-reason">Reason for 86 (staff only)<input value={reason} onChange={(e) => setReason(e.target.value)} /></label>}
      {menu?.categories.map((c) => c.products.length > 0 && (
        <table key={c.id} className="adm-table" aria-label={c.name}>
          <caption>{c.name}</caption>
          <thead><tr><th scope="col">Item</th><th scope="col">Status</th>{may86 && <th scope="col">86 switch</th>}<th scope="col">Prices here</th></tr></thead>
          <tbody>{c.products.map(row)}</tbody>
        </table>
      ))}
    </section>
  );
}
