import { useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { CartDeal, Menu, MenuDeal, Quote } from '../api/types';
import { useI18n } from '../lib/i18n';
import { Dialog } from './Dialog';

/** A deal's slots filled with the customer's picks, priced by the server. */
export function DealBuilder({ deal, menu, storeId, onAdd, onClose }: {
  deal: MenuDeal;
  menu: Menu;
  storeId: string;
  onAdd: (deal: CartDeal, quote: Quote) => void;
  onClose: () => void;
}) {
  const { t, money } = useI18n();
  const products = useMemo(() => new Map(menu.categories.flatMap((c) => c.products).map((p) => [p.id, p])), [menu]);
  // One pick per unit of each slot: [slot][unit] -> product id.
  const [picks, setPicks] = useState<string[][]>(() =>
    deal.slots.map((s) => Array.from({ length: s.quantity }, () => s.products.find((p) => p.available)?.id ?? '')),
  );
  const [quote, setQuote] = useState<Quote | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cartDeal = useMemo<CartDeal>(() => ({
    deal_id: deal.id,
    quantity: 1,
    items: deal.slots.flatMap((slot, i) => picks[i].map((productId) => {
      const product = products.get(productId);
      const crust = product?.crusts.find((c) => c.is_default)?.id;
      return { slot: i, product_id: productId, ...(slot.sizes?.[0] ? { size: slot.sizes[0] } : product?.sizes[0] ? { size: product.sizes[0].id } : {}), ...(crust ? { crust } : {}) };
    })),
  }), [deal, picks, products]);
  useEffect(() => {
    let live = true;
    api.quote({ store_id: storeId, type: 'carryout', deals: [cartDeal] })
      .then((q) => live && (setQuote(q), setError(null)))
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [cartDeal, storeId]);
  return (
    <Dialog title={deal.name} onClose={onClose}>
      <form className="builder" onSubmit={(e) => { e.preventDefault(); if (quote) onAdd(cartDeal, quote); }}>
        {deal.slots.map((slot, i) => (
          <fieldset key={slot.name}>
            <legend>{t('deal_choose', { slot: slot.name })}</legend>
            {picks[i].map((pick, unit) => (
              <select key={unit} aria-label={`${slot.name} ${unit + 1}`} value={pick}
                onChange={(e) => setPicks((all) => all.map((row, r) => r === i ? row.map((v, u) => u === unit ? e.target.value : v) : row))}>
                {slot.products.map((p) => (
                  <option key={p.id} value={p.id} disabled={!p.available}>{p.name}{p.available ? '' : ` (${t('unavailable')})`}</option>
                ))}
              </select>
            ))}
          </fieldset>
        ))}
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={!quote || !!error}>
          {t('deal_add', { price: quote ? money(quote.subtotal) : '…' })}
        </button>
      </form>
    </Dialog>
  );
}
