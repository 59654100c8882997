import { useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { MenuProduct, Quote } from '../api/types';
import { useI18n } from '../lib/i18n';
import { type Amount, type BuilderState, initialState, type Portion, toCartItem, toppingOptions } from '../lib/pizza';
import { Dialog } from './Dialog';

const PORTIONS: Portion[] = ['none', 'whole', 'left', 'right'];
const AMOUNTS: Amount[] = ['light', 'normal', 'extra'];

/**
 * Size, crust, toppings on the whole pizza or either half, light/normal/extra; the price comes
 * from POST /api/v1/quotes as the customer builds (never computed here).
 */
export function PizzaBuilder({
  product,
  storeId,
  orderType,
  onAdd,
  onClose,
}: {
  product: MenuProduct;
  storeId: string;
  orderType: 'carryout' | 'delivery';
  onAdd: (item: ReturnType<typeof toCartItem>, quote: Quote) => void;
  onClose: () => void;
}) {
  const { t, money } = useI18n();
  const [state, setState] = useState<BuilderState>(() => initialState(product));
  const [quote, setQuote] = useState<Quote | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pricing, setPricing] = useState(false);
  const item = useMemo(() => toCartItem(product, state), [product, state]);
  const options = useMemo(() => toppingOptions(product), [product]);

  useEffect(() => {
    let live = true;
    setPricing(true);
    const timer = setTimeout(() => {
      // Carry-out prices the item alone (a delivery quote would need the address and minimum).
      api
        .quote({ store_id: storeId, type: orderType === 'delivery' ? 'carryout' : orderType, items: [item] })
        .then((q) => live && (setQuote(q), setError(null)))
        .catch((e: unknown) => live && setError(e instanceof ApiError ? e.message : String(e)))
        .finally(() => live && setPricing(false));
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [item, storeId, orderType]);

  const set = (patch: Partial<BuilderState>) => setState((s) => ({ ...s, ...patch }));
  const setTopping = (id: string, patch: Partial<BuilderState['toppings'][string]>) =>
    setState((s) => ({
      ...s,
      toppings: { ...s.toppings, [id]: { ...(s.toppings[id] ?? { portion: 'none', amount: 'normal' }), ...patch } },
    }));
  const line = quote?.lines[0];
  return (
    <Dialog title={t('builder_title', { name: product.name })} onClose={onClose}>
      <form
        className="builder"
        onSubmit={(e) => {
          e.preventDefault();
          if (quote && !pricing) onAdd(item, quote);
        }}
      >
        {product.sizes.length > 1 && (
          <fieldset>
            <legend>{t('size')}</legend>
            <div className="choices">
              {product.sizes.map((s) => (
                <label key={s.id} className="choice">
                  <input type="radio" name="size" value={s.id} checked={state.size === s.id} onChange={() => set({ size: s.id })} />
                  <span>{s.name}</span>
                  <small>{money(s.price)}</small>
                </label>
              ))}
            </div>
          </fieldset>
        )}
        {product.crusts.length > 1 && (
          <fieldset>
            <legend>{t('crust')}</legend>
            <div className="choices">
              {product.crusts.map((c) => {
                const offered = c.available && c.upcharges.some((u) => u.size === state.size);
                return (
                  <label key={c.id} className="choice">
                    <input type="radio" name="crust" value={c.id} disabled={!offered} checked={state.crust === c.id}
                      onChange={() => set({ crust: c.id })} />
                    <span>{c.name}</span>
                    {!c.available && <small>{t('unavailable')}</small>}
                  </label>
                );
              })}
            </div>
          </fieldset>
        )}
        {options.length > 0 && (
          <fieldset>
            <legend>{t('toppings')}</legend>
            <ul className="toppings">
              {options.map((o) => {
                const choice = state.toppings[o.topping_id] ?? { portion: 'none', amount: 'normal' };
                return (
                  <li key={o.topping_id} className={o.available ? '' : 'off'}>
                    <span className="topping-name" id={`t-${o.topping_id}`}>
                      {o.name}
                      {!o.available && <small> · {t('unavailable')}</small>}
                    </span>
                    <select aria-label={`${o.name}: ${t('portion_whole')} / ${t('portion_left')} / ${t('portion_right')}`}
                      data-topping={o.topping_id} value={choice.portion} disabled={!o.available}
                      onChange={(e) => setTopping(o.topping_id, { portion: e.target.value as Portion })}>
                      {PORTIONS.map((p) => (
                        <option key={p} value={p}>{t(`portion_${p}`)}</option>
                      ))}
                    </select>
                    <select aria-label={`${o.name}: ${t('amount')}`} data-amount={o.topping_id} value={choice.amount}
                      disabled={!o.available || choice.portion === 'none'}
                      onChange={(e) => setTopping(o.topping_id, { amount: e.target.value as Amount })}>
                      {AMOUNTS.map((a) => (
                        <option key={a} value={a}>{t(`amount_${a}`)}</option>
                      ))}
                    </select>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        )}
        <label className="qty">
          {t('quantity')}
          <input type="number" min={1} max={50} value={state.quantity}
            onChange={(e) => set({ quantity: Math.max(1, Math.min(50, Number(e.target.value) || 1)) })} />
        </label>
        <p className="price" aria-live="polite" data-testid="builder-price">
          {pricing ? t('pricing') : line ? `${t('price_each')}: ${money(line.unit_price)}` : ''}
        </p>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={!quote || pricing || !!error}>
          {t('add_to_cart', { price: line ? money(line.line_total) : '…' })}
        </button>
      </form>
    </Dialog>
  );
}
