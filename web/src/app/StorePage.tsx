import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Menu, MenuDeal, MenuProduct, Store } from '../api/types';
import { addLine, useCart } from '../lib/cart';
import { useI18n } from '../lib/i18n';
import { describe, initialState, toCartItem } from '../lib/pizza';
import { Link } from '../lib/router';
import { DealBuilder } from '../ui/DealBuilder';
import { MenuView } from '../ui/MenuView';
import { PizzaBuilder } from '../ui/PizzaBuilder';
import { storeState } from './Finder';

/** A store's menu in the chosen language; the pizza builder and deals open over it. */
export function StorePage({ storeId }: { storeId: string }) {
  const { t, locale } = useI18n();
  const cart = useCart();
  const [store, setStore] = useState<Store | null>(null);
  const [menu, setMenu] = useState<Menu | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [building, setBuilding] = useState<MenuProduct | null>(null);
  const [dealing, setDealing] = useState<MenuDeal | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([api.store(storeId), api.menu(storeId, locale)])
      .then(([s, m]) => {
        if (!live) return;
        setStore(s);
        setMenu(m);
        setError(null);
        performance.mark('menu-interactive');
      })
      .catch((e: unknown) => live && setError(e instanceof ApiError ? (e.status === 0 ? t('offline') : e.message) : String(e)));
    return () => {
      live = false;
    };
  }, [storeId, locale, t]);
  const labels = { left: t('portion_left'), right: t('portion_right'), light: t('amount_light'), extra: t('amount_extra') };
  const addSimple = (p: MenuProduct) => {
    const item = toCartItem(p, initialState(p));
    addLine(storeId, { name: p.name, summary: describe(p, item, labels), item });
    setAdded(p.name);
  };
  if (error) return <p className="error" role="alert">{t('error', { message: error })}</p>;
  if (!menu || !store) return <p>{t('loading')}</p>;
  const state = storeState(store, t, locale);
  return (
    <div className="store-page">
      <div className="store-head">
        <h1>{store.name}</h1>
        <p className={state.open ? 'open' : 'closed'}>{state.text}</p>
        {cart.storeId === storeId && cart.lines.length > 0 && (
          <Link href="/cart" className="button primary" data-testid="go-cart">{t('nav_cart')} ({cart.lines.length})</Link>
        )}
      </div>
      <p className="sr-only" role="status" aria-live="polite">{added ? `${added} ✓` : ''}</p>
      <MenuView menu={menu} onProduct={(p) => (p.kind === 'pizza' || p.sizes.length > 1 ? setBuilding(p) : addSimple(p))} onDeal={setDealing} />
      {building && (
        <PizzaBuilder product={building} storeId={storeId} orderType={cart.type}
          onClose={() => setBuilding(null)}
          onAdd={(item) => {
            addLine(storeId, { name: building.name, summary: describe(building, item, labels), item });
            setAdded(building.name);
            setBuilding(null);
          }} />
      )}
      {dealing && (
        <DealBuilder deal={dealing} menu={menu} storeId={storeId} onClose={() => setDealing(null)}
          onAdd={(deal) => {
            addLine(storeId, { name: dealing.name, summary: '', deal });
            setAdded(dealing.name);
            setDealing(null);
          }} />
      )}
    </div>
  );
}
