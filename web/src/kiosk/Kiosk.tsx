import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, newIdempotencyKey, placeWithKey } from '../api/client';
import { type DeviceCredentials, useDeviceToken } from '../lib/device';
import type { CartDeal, CartItem, Menu, MenuDeal, MenuProduct, Placement, Quote, Store } from '../api/types';
import { LanguagePicker, useLocaleState } from '../lib/locale';
import { I18nContext } from '../lib/i18n';
import { describe, initialState, toCartItem } from '../lib/pizza';
import { CardForm, cardInput, emptyCard, isDemo } from '../ui/CardForm';
import { DealBuilder } from '../ui/DealBuilder';
import { MenuView } from '../ui/MenuView';
import { PizzaBuilder } from '../ui/PizzaBuilder';
import { QuoteSummary } from '../ui/QuoteSummary';
import { configuredIdleSeconds, idleState } from './idle';

type Credentials = DeviceCredentials;
interface Line {
  key: number;
  name: string;
  summary: string;
  item?: CartItem;
  deal?: CartDeal;
}
type Screen = 'attract' | 'menu' | 'pay' | 'done';
const CREDS = 'vetahut.kiosk';

/** The in-store kiosk: provisioned once with a manager's code, then touch-first ordering for its store. */
export function Kiosk() {
  const i18n = useLocaleState();
  const { t, money, locale, setLocale } = i18n;
  const [creds, setCreds] = useState<Credentials | null>(() => JSON.parse(localStorage.getItem(CREDS) ?? 'null'));
  const [store, setStore] = useState<Store | null>(null);
  const [menu, setMenu] = useState<Menu | null>(null);
  const [screen, setScreen] = useState<Screen>('attract');
  const [lines, setLines] = useState<Line[]>([]);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [building, setBuilding] = useState<MenuProduct | null>(null);
  const [dealing, setDealing] = useState<MenuDeal | null>(null);
  const [card, setCard] = useState(emptyCard);
  const [payByCard, setPayByCard] = useState(true);
  const [placed, setPlaced] = useState<Placement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const idleSeconds = useRef(configuredIdleSeconds(location.search, localStorage.getItem('vetahut.kiosk.idle')));
  const lastTouch = useRef(Date.now());
  const [idle, setIdle] = useState({ warning: false, secondsLeft: idleSeconds.current });

  // The device token; refused credentials were revoked: provision again.
  const ready = useDeviceToken(creds, () => {
    localStorage.removeItem(CREDS);
    setCreds(null);
  });
  useEffect(() => {
    if (!creds || !ready) return;
    api.store(creds.store_id).then(setStore).catch(() => {});
    api.menu(creds.store_id, locale).then(setMenu).catch((e) => setError(String(e)));
  }, [creds, ready, locale]);

  const startOver = useCallback(() => {
    setLines([]);
    setQuote(null);
    setCard(emptyCard);
    setPlaced(null);
    setError(null);
    setBuilding(null);
    setDealing(null);
    setScreen('attract');
    setLocale('en');
  }, [setLocale]);

  // Idle reset with a warning; the attract screen never times out.
  useEffect(() => {
    const touch = () => (lastTouch.current = Date.now());
    window.addEventListener('pointerdown', touch);
    window.addEventListener('keydown', touch);
    const tick = setInterval(() => {
      if (screen === 'attract') return;
      const s = idleState(idleSeconds.current, Math.min(15, Math.floor(idleSeconds.current / 3)), (Date.now() - lastTouch.current) / 1000);
      if (s.expired) startOver();
      setIdle({ warning: s.warning, secondsLeft: s.secondsLeft });
    }, 250);
    return () => {
      clearInterval(tick);
      window.removeEventListener('pointerdown', touch);
      window.removeEventListener('keydown', touch);
    };
  }, [screen, startOver]);

  useEffect(() => {
    if (!creds || lines.length === 0) return setQuote(null);
    api.quote({ store_id: creds.store_id, type: 'carryout', items: lines.filter((l) => l.item).map((l) => l.item as CartItem),
      deals: lines.filter((l) => l.deal).map((l) => l.deal as CartDeal) })
      .then((q) => (setQuote(q), setError(null)))
      .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [lines, creds]);

  const labels = { left: t('portion_left'), right: t('portion_right'), light: t('amount_light'), extra: t('amount_extra') };
  const add = (line: Omit<Line, 'key'>) => setLines((l) => [...l, { ...line, key: Date.now() + Math.random() }]);

  const order = async () => {
    if (!creds || !quote) return;
    setBusy(true);
    setError(null);
    try {
      const payment = payByCard
        ? { method: 'card' as const, token: (await api.tokenizeCard(cardInput(card), false)).token }
        : { method: 'pay_at_store' as const };
      const key = newIdempotencyKey();
      const p = await placeWithKey(() => api.placeOrder({
        store_id: creds.store_id, type: 'carryout', payment,
        items: lines.filter((l) => l.item).map((l) => l.item as CartItem),
        deals: lines.filter((l) => l.deal).map((l) => l.deal as CartDeal),
      }, key));
      setPlaced(p);
      setScreen('done');
      lastTouch.current = Date.now();
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, String(e));
      setError(err.status === 402 ? t('declined', { reason: err.message }) : err.message);
    } finally {
      setBusy(false);
    }
  };
  // The order number stays up for a while, then the kiosk is ready for the next customer.
  useEffect(() => {
    if (screen !== 'done') return;
    const timer = setTimeout(startOver, 20000);
    return () => clearTimeout(timer);
  }, [screen, startOver]);

  let body;
  if (!creds) {
    body = (
      <form className="kiosk-provision" onSubmit={async (e) => {
        e.preventDefault();
        const code = String(new FormData(e.currentTarget).get('code'));
        try {
          const device = await api.provision(code);
          const c = { client_id: device.client_id, client_secret: device.client_secret, store_id: device.store_id };
          localStorage.setItem(CREDS, JSON.stringify(c));
          setCreds(c);
          setError(null);
        } catch (err) {
          setError(err instanceof ApiError ? err.message : String(err));
        }
      }}>
        <h1>{t('kiosk_provision')}</h1>
        <label>{t('kiosk_code')}<input name="code" required autoComplete="off" autoCapitalize="characters" placeholder="ABCD-EFGH" /></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary big">{t('kiosk_connect')}</button>
      </form>
    );
  } else if (!menu || !store) {
    body = <p className="kiosk-loading">{error ?? t('loading')}</p>;
  } else if (screen === 'attract') {
    body = (
      <button type="button" className="attract" data-testid="attract" onClick={() => { lastTouch.current = Date.now(); setScreen('menu'); }}>
        <img className="attract-logo" src="/icons/icon.svg" alt="" width="200" height="200" />
        <span className="attract-store">{store.name}</span>
        <span className="attract-cta">{t('kiosk_touch')}</span>
      </button>
    );
  } else if (screen === 'done' && placed) {
    body = (
      <div className="kiosk-done">
        <p>{t('kiosk_your_number')}</p>
        <p className="order-number" data-testid="order-number">{placed.number}</p>
        {placed.payment?.method === 'pay_at_store' && <p>{t('kiosk_pay_at_counter_note')}</p>}
        <button type="button" className="primary big" onClick={startOver}>{t('kiosk_new_order')}</button>
      </div>
    );
  } else {
    body = (
      <div className="kiosk-order">
        <div className="kiosk-menu">
          <MenuView menu={menu} large onDeal={setDealing} onProduct={(p) => {
            if (p.kind === 'pizza' || p.sizes.length > 1) setBuilding(p);
            else {
              const item = toCartItem(p, initialState(p));
              add({ name: p.name, summary: describe(p, item, labels), item });
            }
          }} />
        </div>
        <aside className="kiosk-cart" aria-label={t('cart_title')}>
          <h2>{t('cart_title')}</h2>
          {lines.length === 0 && <p>{t('cart_empty')}</p>}
          <ul className="lines">
            {lines.map((l) => (
              <li key={l.key}>
                <div><strong>{l.name}</strong>{l.summary && <p className="meta">{l.summary}</p>}</div>
                <button type="button" onClick={() => setLines(lines.filter((x) => x.key !== l.key))} aria-label={`${t('remove')}: ${l.name}`}>×</button>
              </li>
            ))}
          </ul>
          {quote && <QuoteSummary quote={quote} />}
          {screen === 'menu' && (
            <button type="button" className="primary big" disabled={!quote} onClick={() => setScreen('pay')} data-testid="kiosk-checkout">
              {t('checkout')} {quote ? money(quote.total) : ''}
            </button>
          )}
          {screen === 'pay' && (
            <form onSubmit={(e) => { e.preventDefault(); void order(); }}>
              <div className="choices big">
                <label className="choice"><input type="radio" name="pay" checked={payByCard} onChange={() => setPayByCard(true)} /><span>{t('kiosk_pay_card')}</span></label>
                <label className="choice"><input type="radio" name="pay" checked={!payByCard} onChange={() => setPayByCard(false)} /><span>{t('kiosk_pay_counter')}</span></label>
              </div>
              {payByCard && <CardForm value={card} onChange={setCard} showTestCards={isDemo()} />}
              <button type="submit" className="primary big" disabled={busy || !quote} data-testid="kiosk-place">
                {busy ? t('placing') : t('place_order', { price: quote ? money(quote.total) : '' })}
              </button>
            </form>
          )}
          {error && <p className="error" role="alert">{error}</p>}
        </aside>
      </div>
    );
  }
  return (
    <I18nContext.Provider value={i18n}>
      <header className="top kiosk-top">
        <span className="brand"><img src="/icons/icon.svg" alt="" width="28" height="28" /> {t('appName')}</span>
        {screen !== 'attract' && creds && <button type="button" onClick={startOver}>{t('kiosk_start_over')}</button>}
        <LanguagePicker i18n={i18n} />
      </header>
      <main id="main">{body}</main>
      {building && creds && (
        <PizzaBuilder product={building} storeId={creds.store_id} orderType="carryout" onClose={() => setBuilding(null)}
          onAdd={(item) => { add({ name: building.name, summary: describe(building, item, labels), item }); setBuilding(null); }} />
      )}
      {dealing && creds && menu && (
        <DealBuilder deal={dealing} menu={menu} storeId={creds.store_id} onClose={() => setDealing(null)}
          onAdd={(deal) => { add({ name: dealing.name, summary: '', deal }); setDealing(null); }} />
      )}
      {idle.warning && screen !== 'attract' && (
        <div className="backdrop">
          <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="idle-title" aria-describedby="idle-text" data-testid="idle-warning">
            <h2 id="idle-title">{t('kiosk_still_there')}</h2>
            <p id="idle-text">{t('kiosk_reset_in', { n: idle.secondsLeft })}</p>
            <button type="button" className="primary big" autoFocus onClick={() => { lastTouch.current = Date.now(); setIdle({ warning: false, secondsLeft: idleSeconds.current }); }}>
              {t('kiosk_continue')}
            </button>
          </div>
        </div>
      )}
    </I18nContext.Provider>
  );
}
