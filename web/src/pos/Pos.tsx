import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { accessToken, api, ApiError, newIdempotencyKey, placeWithKey, tokenClaims as claims } from '../api/client';
import type { CartDeal, CartItem, Menu, MenuDeal, MenuProduct, Money, Order, OrderRequest, Placement, Quote, Store, TokenGrant } from '../api/types';
import { type DeviceCredentials, useDeviceToken } from '../lib/device';
import { I18nContext, useI18n } from '../lib/i18n';
import { useLocaleState } from '../lib/locale';
import { useStaffSession } from '../lib/staffSession';
import { describe, initialState, toCartItem } from '../lib/pizza';
import { CardForm, cardInput, emptyCard, isDemo } from '../ui/CardForm';
import { DealBuilder } from '../ui/DealBuilder';
import { Dialog } from '../ui/Dialog';
import { MenuView } from '../ui/MenuView';
import { PizzaBuilder } from '../ui/PizzaBuilder';
import { QuoteSummary } from '../ui/QuoteSummary';
import { type CashierReport, type CustomerMatches, pos } from './api';
import { can, changeDue, isCounterRole, localDate, parseAmount, plainError, quickTenders, refundedUnits, refundLines } from './pos';

const DEVICE = 'vetahut.pos.device';
type OrderType = 'carryout' | 'delivery' | 'dine_in';
type Customer = CustomerMatches['customers'][number];
type Address = Customer['addresses'][number];
interface Line {
  key: number;
  name: string;
  summary: string;
  notes: string;
  item?: CartItem;
  deal?: CartDeal;
}
type Pay = 'cash' | 'card' | 'later';

// The POS's own few lines of history routing. The customer app's lib/router, imported here too,
// would be split out of the customer app's first chunk and cost its menu a request on a slow phone.
const pathListeners = new Set<() => void>();
if (typeof window !== 'undefined') window.addEventListener('popstate', () => pathListeners.forEach((l) => l()));
function navigate(to: string): void {
  history.pushState(null, '', to);
  window.scrollTo(0, 0);
  pathListeners.forEach((l) => l());
}
function usePath(): string {
  return useSyncExternalStore((l) => {
    pathListeners.add(l);
    return () => pathListeners.delete(l);
  }, () => location.pathname);
}

const errorText = (e: unknown) => (e instanceof ApiError ? plainError(e.status, e.message) : String(e));
const STATUS_WORDS: Record<string, string> = {
  pending_payment: 'Awaiting payment', confirmed: 'Confirmed', preparing: 'Making', baking: 'In the oven', ready: 'Ready',
  out_for_delivery: 'Out for delivery', delivered: 'Delivered', picked_up: 'Picked up', served: 'Served',
  cancelled: 'Cancelled', rejected: 'Rejected', refunded: 'Refunded',
};
const COMPLETED = ['delivered', 'picked_up', 'served'];
const FINAL = ['cancelled', 'rejected', 'refunded', ...COMPLETED];

/** The counter and the phone: take orders with the customer app's builders, cash with change, card, pay later; orders, refunds, receipts, the end of the day. */
export function Pos() {
  const i18n = useLocaleState();
  const path = usePath();
  const { session, adopt, clear } = useStaffSession('vetahut.pos');
  const [device, setDevice] = useState<DeviceCredentials | null>(() => JSON.parse(localStorage.getItem(DEVICE) ?? 'null'));
  const deviceReady = useDeviceToken(session ? null : device, () => {
    localStorage.removeItem(DEVICE);
    setDevice(null);
  });
  // A till's identity comes from its own access token (its device id, its store, the pos role).
  const deviceToken = device && deviceReady ? accessToken() : null;
  const who = session ? claims(session.access) : deviceToken ? claims(deviceToken) : null;
  const roles = who?.roles ?? [];
  const storeId = who?.stores[0] ?? '';
  const signedIn = !!session || (!!device && deviceReady);
  const [store, setStore] = useState<Store | null>(null);
  const [menu, setMenu] = useState<Menu | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!signedIn || !storeId) return;
    api.store(storeId).then(setStore).catch((e) => setError(errorText(e)));
    api.menu(storeId, i18n.locale).then(setMenu).catch((e) => setError(errorText(e)));
  }, [signedIn, storeId, i18n.locale]);

  const signOut = clear;

  let body;
  if (!signedIn || !who) {
    body = <SignIn device={device} onGrant={adopt} onDevice={(c) => { localStorage.setItem(DEVICE, JSON.stringify(c)); setDevice(c); }} />;
  } else if (!isCounterRole(roles) || !storeId) {
    body = (
      <div className="pos-panel">
        <p className="error" role="alert">This screen is for a store's cashiers and managers: your account has no counter role at a store.</p>
        <button type="button" onClick={signOut}>Sign out</button>
      </div>
    );
  } else if (!store || !menu) {
    body = <p>{error ?? 'Loading…'}</p>;
  } else if (path.startsWith('/pos/receipt/')) {
    body = <Receipt orderId={decodeURIComponent(path.slice('/pos/receipt/'.length))} store={store} />;
  } else if (path.startsWith('/pos/orders')) {
    body = <Orders store={store} roles={roles} />;
  } else if (path.startsWith('/pos/day')) {
    body = <EndOfDay store={store} roles={roles} subject={who.subject} />;
  } else {
    body = <NewOrder store={store} menu={menu} roles={roles} />;
  }
  const tab = (href: string, label: string, active: boolean) => (
    <a href={href} className={active ? 'pos-tab active' : 'pos-tab'} aria-current={active ? 'page' : undefined}
      onClick={(e) => { e.preventDefault(); navigate(href); }}>{label}</a>
  );
  return (
    <I18nContext.Provider value={i18n}>
      <header className="top pos-top">
        <span className="brand"><img src="/icons/icon.svg" alt="" width="28" height="28" /> POS{store ? ` · ${store.name}` : ''}</span>
        {signedIn && store && (
          <nav aria-label="POS" className="pos-tabs">
            {tab('/pos/', 'New order', path === '/pos/' || path === '/pos')}
            {tab('/pos/orders', 'Orders', path.startsWith('/pos/orders') || path.startsWith('/pos/receipt/'))}
            {can(roles, 'day') && tab('/pos/day', 'End of day', path.startsWith('/pos/day'))}
          </nav>
        )}
        {session && <button type="button" onClick={signOut}>Sign out</button>}
      </header>
      <main id="main">{body}</main>
    </I18nContext.Provider>
  );
}

/** Staff sign in with their account; a till provisioned as a `pos` device connects with a manager's code. */
function SignIn({ device, onGrant, onDevice }: { device: DeviceCredentials | null; onGrant: (g: TokenGrant) => void; onDevice: (c: DeviceCredentials) => void }) {
  const [error, setError] = useState<string | null>(null);
  if (device) return <p>Connecting the till…</p>;
  return (
    <div className="pos-signin">
      <form onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        try {
          const grant = await api.signIn(String(f.get('email')), String(f.get('password')));
          if (!isCounterRole(claims(grant.access_token).roles)) {
            throw new Error('This screen is for cashiers and store managers: your account has neither role.');
          }
          onGrant(grant);
        } catch (err) {
          setError(errorText(err));
        }
      }}>
        <h1>POS sign-in</h1>
        <label>Email<input name="email" type="email" required autoComplete="username" /></label>
        <label>Password<input name="password" type="password" required autoComplete="current-password" /></label>
        <button type="submit" className="primary big">Sign in</button>
      </form>
      <form onSubmit={async (e) => {
        e.preventDefault();
        try {
          const d = await api.provision(String(new FormData(e.currentTarget).get('code')));
          onDevice({ client_id: d.client_id, client_secret: d.client_secret, store_id: d.store_id });
        } catch (err) {
          setError(errorText(err));
        }
      }}>
        <h2>Or connect this till</h2>
        <label>Provisioning code (from a store manager)<input name="code" required autoComplete="off" placeholder="ABCD-EFGH" /></label>
        <button type="submit">Connect</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}

/** Taking an order: who it is for, what, how it is paid. */
function NewOrder({ store, menu, roles }: { store: Store; menu: Menu; roles: string[] }) {
  const { t, money } = useI18n();
  const currency = store.currency;
  const [type, setType] = useState<OrderType>('carryout');
  const [phone, setPhone] = useState('');
  const [matches, setMatches] = useState<Customer[] | null>(null);
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [name, setName] = useState('');
  const [address, setAddress] = useState<Address | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [building, setBuilding] = useState<MenuProduct | null>(null);
  const [dealing, setDealing] = useState<MenuDeal | null>(null);
  const [pay, setPay] = useState<Pay>('cash');
  const [tendered, setTendered] = useState('');
  const [card, setCard] = useState(emptyCard);
  const [placed, setPlaced] = useState<Placement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(newIdempotencyKey);
  const labels = { left: t('portion_left'), right: t('portion_right'), light: t('amount_light'), extra: t('amount_extra') };

  const cart = useCallback((): Omit<OrderRequest, 'payment'> => {
    const body: Omit<OrderRequest, 'payment'> = {
      store_id: store.id, type,
      items: lines.filter((l) => l.item).map((l) => ({ ...(l.item as CartItem), ...(l.notes ? { notes: l.notes } : {}) })),
      deals: lines.filter((l) => l.deal).map((l) => ({ ...(l.deal as CartDeal), ...(l.notes ? { notes: l.notes } : {}) })),
    };
    if (type === 'delivery' && address && address.latitude !== undefined && address.longitude !== undefined) {
      body.address = { line1: [address.line1, address.line2].filter(Boolean).join(', '), city: address.city, latitude: address.latitude, longitude: address.longitude };
    }
    return body;
  }, [store.id, type, lines, address]);

  useEffect(() => {
    if (lines.length === 0 || (type === 'delivery' && !address)) return setQuote(null);
    let live = true;
    api.quote(cart()).then((q) => live && (setQuote(q), setError(null))).catch((e) => live && (setQuote(null), setError(errorText(e))));
    return () => { live = false; };
  }, [cart, lines.length, type, address]);

  const add = (line: Omit<Line, 'key' | 'notes'>) => setLines((l) => [...l, { ...line, notes: '', key: Date.now() + Math.random() }]);
  const total = quote?.total.amount ?? 0;
  const cash = changeDue(total, parseAmount(tendered));
  const ready = !!quote && (pay !== 'cash' || cash.ok) && (type !== 'delivery' || !!address);

  const lookup = async () => {
    setError(null);
    try {
      const found = await pos.findCustomers(store.id, phone.trim());
      setMatches(found.customers);
      if (found.customers.length === 1) choose(found.customers[0]);
    } catch (e) {
      setMatches(null);
      setError(errorText(e));
    }
  };
  const choose = (c: Customer) => {
    setCustomer(c);
    setName(c.name);
    setAddress(c.addresses[0] ?? null);
  };

  const place = async () => {
    if (!quote) return;
    setBusy(true);
    setError(null);
    try {
      let payment: OrderRequest['payment'];
      if (pay === 'card') payment = { method: 'card', token: (await api.tokenizeCard(cardInput(card), false)).token };
      else if (pay === 'cash') payment = { method: 'pay_at_store', tendered: { amount: parseAmount(tendered) ?? 0, currency } };
      else payment = { method: 'pay_at_store' };
      const body: OrderRequest = { ...cart(), payment };
      if (customer || name.trim()) body.customer = { ...(customer ? { id: customer.id } : {}), ...(name.trim() ? { name: name.trim() } : {}) };
      setPlaced(await placeWithKey(() => api.placeOrder(body, key)));
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, String(e));
      setError(err.status === 402 ? t('declined', { reason: err.message }) : errorText(err));
      // The server answered: the next attempt (another card, more cash) is a new request. Unreached
      // (offline) or still being placed (409), the same key lets a retry find the order if it was
      // placed after all.
      if (err.status !== 0 && err.status !== 409) setKey(newIdempotencyKey());
    } finally {
      setBusy(false);
    }
  };
  const next = () => {
    setLines([]); setQuote(null); setCustomer(null); setMatches(null); setPhone(''); setName(''); setAddress(null);
    setTendered(''); setCard(emptyCard); setPlaced(null); setError(null); setKey(newIdempotencyKey()); setPay('cash');
  };

  if (placed) {
    const change = placed.payment?.change;
    return (
      <section className="pos-panel pos-done" aria-labelledby="done-title" data-testid="placed">
        <h1 id="done-title">Order #{placed.number} placed</h1>
        <p>{STATUS_WORDS[placed.status] ?? placed.status} · total <strong>{money(placed.total)}</strong>{placed.customer_name ? ` · for ${placed.customer_name}` : ''}</p>
        {change && (
          <p className="pos-change" data-testid="change-given">Change to give: <strong>{money(change)}</strong> (tendered {money(placed.payment?.tendered)})</p>
        )}
        {placed.payment?.method === 'pay_at_store' && !change && <p>To pay at hand-over: {money(placed.total)}</p>}
        <p className="meta">Tracking link for the customer: <a href={placed.tracking_url} data-testid="tracking-link">{location.origin}{placed.tracking_url}</a></p>
        <div className="pos-actions">
          <a className="button" href={`/pos/receipt/${placed.id}`} onClick={(e) => { e.preventDefault(); navigate(`/pos/receipt/${placed.id}`); }}>Receipt</a>
          <button type="button" className="primary big" onClick={next} autoFocus>Next order</button>
        </div>
      </section>
    );
  }
  return (
    <div className="pos-order">
      <div className="pos-grid">
        <MenuView menu={menu} onDeal={setDealing} onProduct={(p) => {
          if (p.kind === 'pizza' || p.sizes.length > 1) setBuilding(p);
          else {
            const item = toCartItem(p, initialState(p));
            add({ name: p.name, summary: describe(p, item, labels), item });
          }
        }} />
      </div>
      <aside className="pos-ticket" aria-label="Order">
        <fieldset className="choices">
          <legend>Order type</legend>
          {(['carryout', 'delivery', 'dine_in'] as OrderType[]).filter((o) => store.services?.includes(o) ?? true).map((o) => (
            <label key={o} className="choice"><input type="radio" name="type" checked={type === o} onChange={() => setType(o)} />
              <span>{o === 'carryout' ? 'Carry-out' : o === 'delivery' ? 'Delivery' : 'Dine-in'}</span></label>
          ))}
        </fieldset>
        {can(roles, 'lookup') && (
          <form className="pos-lookup" onSubmit={(e) => { e.preventDefault(); void lookup(); }}>
            <label>Caller's phone<input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+12125550100" autoComplete="off" /></label>
            <button type="submit">Find customer</button>
          </form>
        )}
        {matches && matches.length === 0 && <p className="meta" role="status">No customer with this number: take their name below.</p>}
        {matches && matches.length > 1 && (
          <ul className="pos-matches">
            {matches.map((c) => <li key={c.id}><button type="button" onClick={() => choose(c)}>{c.name}</button></li>)}
          </ul>
        )}
        {customer && <p className="pos-customer" data-testid="customer">Customer: <strong>{customer.name}</strong> · {customer.phone}</p>}
        <label>Name on the order<input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="off" /></label>
        {type === 'delivery' && (
          customer && customer.addresses.length > 0 ? (
            <fieldset className="choices">
              <legend>Deliver to</legend>
              {customer.addresses.map((a) => (
                <label key={a.id} className="choice"><input type="radio" name="address" checked={address?.id === a.id} onChange={() => setAddress(a)} />
                  <span>{[a.label, a.line1, a.city].filter(Boolean).join(' · ')}</span></label>
              ))}
            </fieldset>
          ) : <p className="meta">Delivery goes to one of the customer's saved addresses: find the customer by phone first.</p>
        )}
        <h2>Items</h2>
        {lines.length === 0 && <p className="meta">Tap a product to add it.</p>}
        <ul className="lines" data-testid="pos-lines">
          {lines.map((l) => (
            <li key={l.key}>
              <div>
                <strong>{l.name}</strong>{l.summary && <p className="meta">{l.summary}</p>}
                <label className="pos-note">Note<input value={l.notes} maxLength={200}
                  onChange={(e) => setLines(lines.map((x) => (x.key === l.key ? { ...x, notes: e.target.value } : x)))} /></label>
              </div>
              <button type="button" onClick={() => setLines(lines.filter((x) => x.key !== l.key))} aria-label={`Remove ${l.name}`}>×</button>
            </li>
          ))}
        </ul>
        {quote && <QuoteSummary quote={quote} />}
        <fieldset className="choices">
          <legend>Payment</legend>
          <label className="choice"><input type="radio" name="pay" checked={pay === 'cash'} onChange={() => setPay('cash')} /><span>Cash</span></label>
          <label className="choice"><input type="radio" name="pay" checked={pay === 'card'} onChange={() => setPay('card')} /><span>Card</span></label>
          <label className="choice"><input type="radio" name="pay" checked={pay === 'later'} onChange={() => setPay('later')} /><span>Pay later</span></label>
        </fieldset>
        {pay === 'cash' && (
          <div className="pos-cash">
            <label>Cash tendered<input inputMode="decimal" value={tendered} onChange={(e) => setTendered(e.target.value)} autoComplete="off" /></label>
            {quote && (
              <div className="pos-quick">
                {quickTenders(total).map((v) => (
                  <button type="button" key={v} onClick={() => setTendered((v / 100).toFixed(2))}>{money({ amount: v, currency })}</button>
                ))}
              </div>
            )}
            <p className="pos-change" data-testid="change-due" role="status">
              {quote && tendered ? (cash.ok ? <>Change due: <strong>{money({ amount: cash.change, currency })}</strong></>
                : <>Still due: <strong>{money({ amount: cash.short, currency })}</strong></>) : ''}
            </p>
          </div>
        )}
        {pay === 'card' && <CardForm value={card} onChange={setCard} showTestCards={isDemo()} />}
        {pay === 'later' && <p className="meta">Paid in cash at pick-up or on delivery.</p>}
        {error && <p className="error" role="alert">{error}</p>}
        <button type="button" className="primary big" disabled={busy || !ready} onClick={() => void place()} data-testid="pos-place">
          {busy ? 'Placing…' : `Place order ${quote ? money(quote.total) : ''}`}
        </button>
      </aside>
      {building && (
        <PizzaBuilder product={building} storeId={store.id} orderType={type === 'delivery' ? 'delivery' : 'carryout'} onClose={() => setBuilding(null)}
          onAdd={(item) => { add({ name: building.name, summary: describe(building, item, labels), item }); setBuilding(null); }} />
      )}
      {dealing && (
        <DealBuilder deal={dealing} menu={menu} storeId={store.id} onClose={() => setDealing(null)}
          onAdd={(deal) => { add({ name: dealing.name, summary: '', deal }); setDealing(null); }} />
      )}
    </div>
  );
}

/** Today's orders of the store, with what this role may do to each. */
function Orders({ store, roles }: { store: Store; roles: string[] }) {
  const { money } = useI18n();
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refunding, setRefunding] = useState<Order | null>(null);
  const [cancelling, setCancelling] = useState<Order | null>(null);
  const load = useCallback(() => pos.orders(store.id).then((l) => setOrders(l.orders)).catch((e) => setError(errorText(e))), [store.id]);
  useEffect(() => {
    void load();
    const poll = setInterval(load, 10000);
    return () => clearInterval(poll);
  }, [load]);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  if (!orders) return <p>{error ?? 'Loading…'}</p>;
  const time = (iso: string) => new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', timeZone: store.timezone }).format(new Date(iso));
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Orders</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="pos-table">
        <thead><tr><th scope="col">#</th><th scope="col">Placed</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Total</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {orders.map((o) => (
            <tr key={o.id} data-testid="order-row" data-number={o.number} data-status={o.status}>
              <td>{o.number}</td>
              <td>{time(o.created_at)}</td>
              <td>{o.type === 'carryout' ? 'Carry-out' : o.type === 'delivery' ? 'Delivery' : 'Dine-in'}</td>
              <td>{STATUS_WORDS[o.status] ?? o.status}</td>
              <td>{money(o.total)}</td>
              <td className="pos-actions">
                <OrderActions order={o} roles={roles} onHandOver={() => act(() => pos.status(o.id, o.type === 'dine_in' ? 'served' : 'picked_up'))}
                  onCancel={() => setCancelling(o)} onRefund={() => setRefunding(o)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cancelling && (
        <ReasonDialog title={`Cancel order #${cancelling.number}`} action="Cancel the order" onClose={() => setCancelling(null)}
          onConfirm={(reason) => act(() => pos.cancel(cancelling.id, reason)).then(() => setCancelling(null))} />
      )}
      {refunding && <RefundDialog orderId={refunding.id} onClose={() => { setRefunding(null); void load(); }} />}
    </section>
  );
}

/** What may be done to an order from the counter: only the actions the role may take, when the order allows them. */
export function OrderActions({ order: o, roles, onHandOver, onCancel, onRefund }: {
  order: Pick<Order, 'id' | 'status' | 'type' | 'number'>;
  roles: readonly string[];
  onHandOver: () => void;
  onCancel: () => void;
  onRefund: () => void;
}) {
  return (
    <>
      <a className="button" href={`/pos/receipt/${o.id}`} onClick={(e) => { e.preventDefault(); navigate(`/pos/receipt/${o.id}`); }}>Receipt</a>
      {can(roles, 'hand_over') && o.status === 'ready' && o.type !== 'delivery' && (
        <button type="button" onClick={onHandOver}>Hand over</button>
      )}
      {can(roles, 'cancel') && !FINAL.includes(o.status) && o.status !== 'out_for_delivery' && (
        <button type="button" onClick={onCancel}>Cancel</button>
      )}
      {can(roles, 'refund') && COMPLETED.includes(o.status) && (
        <button type="button" onClick={onRefund} aria-label={`Refund order #${o.number}`}>Refund</button>
      )}
    </>
  );
}

function ReasonDialog({ title, action, onClose, onConfirm }: { title: string; action: string; onClose: () => void; onConfirm: (reason: string) => void }) {
  const [reason, setReason] = useState('');
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); onConfirm(reason.trim()); }}>
        <label>Reason<input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={200} /></label>
        <button type="submit" className="primary">{action}</button>
      </form>
    </Dialog>
  );
}

/** Refund in full or by line, with a reason (store managers; the server checks again). */
function RefundDialog({ orderId, onClose }: { orderId: string; onClose: () => void }) {
  const { money } = useI18n();
  const [order, setOrder] = useState<Order | null>(null);
  const [chosen, setChosen] = useState<Record<number, number>>({});
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Money | null>(null);
  const [key] = useState(newIdempotencyKey);
  useEffect(() => { api.order(orderId).then(setOrder).catch((e) => setError(errorText(e))); }, [orderId]);
  const before = useMemo(() => refundedUnits(order?.refunds), [order]);
  const sold = (order?.quote?.lines ?? []).map((l, i) => ({ index: l.index ?? i, name: l.name, quantity: l.quantity }));
  const lines = refundLines(sold, chosen, before);
  const refund = async (all: boolean) => {
    if (!order) return;
    setError(null);
    try {
      const everything = sold.map((l) => ({ index: l.index, quantity: l.quantity - (before[l.index] ?? 0) })).filter((l) => l.quantity > 0);
      const r = await pos.refund(order.id, { lines: all ? everything : (lines ?? []), reason: reason.trim() }, key);
      setDone(r.refunds?.[r.refunds.length - 1]?.amount ?? null);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <Dialog title={order ? `Refund order #${order.number}` : 'Refund'} onClose={onClose}>
      {done ? (
        <div>
          <p role="status" data-testid="refund-done">Refunded {money(done)}.</p>
          <button type="button" className="primary" onClick={onClose}>Done</button>
        </div>
      ) : !order ? <p>{error ?? 'Loading…'}</p> : (
        <form onSubmit={(e) => { e.preventDefault(); void refund(false); }}>
          <fieldset>
            <legend>Units to refund</legend>
            {sold.map((l) => {
              const left = l.quantity - (before[l.index] ?? 0);
              return (
                <label key={l.index} className="pos-refund-line">
                  <span>{l.name} ({left} of {l.quantity} left)</span>
                  <input type="number" min={0} max={left} value={chosen[l.index] ?? 0} disabled={left === 0}
                    aria-label={`Units of ${l.name} to refund`}
                    onChange={(e) => setChosen({ ...chosen, [l.index]: Number(e.target.value) })} />
                </label>
              );
            })}
          </fieldset>
          <label>Reason<input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={200} /></label>
          {error && <p className="error" role="alert">{error}</p>}
          <div className="pos-actions">
            <button type="submit" className="primary" disabled={!lines || !reason.trim()}>Refund selected</button>
            <button type="button" disabled={!reason.trim()} onClick={() => void refund(true)}>Refund everything left</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** A printable receipt: the lines, the totals, how it was paid, the change, any refunds. */
function Receipt({ orderId, store }: { orderId: string; store: Store }) {
  const { money } = useI18n();
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { api.order(orderId).then(setOrder).catch((e) => setError(errorText(e))); }, [orderId]);
  if (!order) return <p>{error ?? 'Loading…'}</p>;
  const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: store.timezone }).format(new Date(order.created_at));
  const p = order.payment;
  return (
    <article className="pos-receipt" aria-labelledby="receipt-title" data-testid="receipt">
      <h1 id="receipt-title">{store.name}</h1>
      <p>Order #{order.number} · {when}{order.customer_name ? ` · ${order.customer_name}` : ''}</p>
      {order.cashier_name && <p className="meta">Served by {order.cashier_name}</p>}
      <dl className="summary" data-testid="receipt-lines">
        {(order.quote?.lines ?? []).map((l, i) => (
          <div key={i} className="row">
            <dt>{l.quantity} × {l.name}{itemDetails(l.items) && <span className="meta"> — {itemDetails(l.items)}</span>}</dt>
            <dd>{money(l.line_total)}</dd>
          </div>
        ))}
      </dl>
      <dl className="summary" data-testid="receipt-totals">
        <div className="row"><dt>Subtotal</dt><dd>{money(order.subtotal)}</dd></div>
        {order.discount_total && order.discount_total.amount > 0 && <div className="row"><dt>Discount</dt><dd>−{money(order.discount_total)}</dd></div>}
        {order.tax_total && <div className="row"><dt>Tax{order.quote?.tax_mode === 'inclusive' ? ' (incl.)' : ''}</dt><dd>{money(order.tax_total)}</dd></div>}
        {order.delivery_fee && order.delivery_fee.amount > 0 && <div className="row"><dt>Delivery</dt><dd>{money(order.delivery_fee)}</dd></div>}
        {order.tip && order.tip.amount > 0 && <div className="row"><dt>Tip</dt><dd>{money(order.tip)}</dd></div>}
        <div className="row total"><dt>Total</dt><dd data-testid="receipt-total">{money(order.total)}</dd></div>
      </dl>
      <dl className="summary">
        <div className="row"><dt>Paid by</dt><dd data-testid="paid-by">{p?.method === 'card' ? `Card${p.brand ? ` ${p.brand}` : ''}${p.last4 ? ` ····${p.last4}` : ''}` : p?.tendered ? 'Cash' : 'At the store'}</dd></div>
        {p?.tendered && <div className="row"><dt>Cash tendered</dt><dd>{money(p.tendered)}</dd></div>}
        {p?.change && <div className="row"><dt>Change</dt><dd data-testid="receipt-change">{money(p.change)}</dd></div>}
        {(order.refunds ?? []).map((r) => (
          <div className="row" key={r.id}><dt>Refund{r.reason ? ` (${r.reason})` : ''}</dt><dd>−{money(r.amount)}</dd></div>
        ))}
      </dl>
      <p className="meta">Status: {STATUS_WORDS[order.status] ?? order.status}</p>
      <button type="button" className="primary no-print" onClick={() => window.print()}>Print</button>
    </article>
  );
}

/** Size, crust and toppings per half of a receipt line's items, as the kitchen made them. */
function itemDetails(items: Record<string, unknown>[] | undefined): string {
  return (items ?? []).map((it) => {
    const toppings = (Array.isArray(it.toppings) ? it.toppings : []) as { name?: string; portion?: string; amount?: string }[];
    return [it.size_name, it.crust_name, ...toppings.map((t) => `${t.name ?? ''}${t.portion && t.portion !== 'whole' ? ` (${t.portion} ½)` : ''}${t.amount && t.amount !== 'normal' ? ` ${t.amount}` : ''}`)]
      .filter((x) => typeof x === 'string' && x).join(', ');
  }).filter(Boolean).join('; ');
}

/** The end of the day: what each cashier's drawer should hold, and the card totals. */
function EndOfDay({ store, roles, subject }: { store: Store; roles: string[]; subject: string }) {
  const { money } = useI18n();
  const [date, setDate] = useState(() => localDate(store.timezone));
  const [report, setReport] = useState<CashierReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  // ?cashier= narrows a manager's view to one cashier (a cashier naming someone else is refused).
  const cashier = new URLSearchParams(location.search).get('cashier') ?? undefined;
  const load = useCallback(() => {
    setError(null);
    pos.day(store.id, date, cashier).then(setReport).catch((e) => { setReport(null); setError(errorText(e)); });
  }, [store.id, date, cashier]);
  useEffect(load, [load]);
  const all = can(roles, 'day_all');
  return (
    <section aria-labelledby="day-title">
      <h1 id="day-title">End of day{all ? ' — every cashier' : ' — your drawer'}</h1>
      <label className="pos-day">Business day<input type="date" value={date} onChange={(e) => setDate(e.target.value)} /></label>
      <button type="button" onClick={load}>Refresh</button>
      {error && <p className="error" role="alert">{error}</p>}
      {report && (report.cashiers.length === 0 ? <p>No counter orders on this day.</p> : (
        <table className="pos-table" data-testid="day">
          <thead><tr>
            <th scope="col">Cashier</th><th scope="col">Orders</th><th scope="col">Sales</th><th scope="col">Cash collected</th>
            <th scope="col">Cash refunded</th><th scope="col">Cash expected</th><th scope="col">Card</th><th scope="col">Card refunded</th>
          </tr></thead>
          <tbody>
            {[...report.cashiers, ...(all && report.cashiers.length > 1 ? report.totals : [])].map((r, i) => (
              <tr key={i} data-testid="day-row" data-cashier={r.cashier_id ?? 'total'}>
                <th scope="row">{r.cashier_id ? (r.cashier_id === subject ? 'You' : r.cashier_name || `Till ${r.cashier_id}`) : 'Total'}</th>
                <td>{r.orders}{r.cancelled ? ` (${r.cancelled} cancelled)` : ''}</td>
                <td>{money(r.sales)}</td><td>{money(r.cash_collected)}</td><td>{money(r.cash_refunded)}</td>
                <td data-testid="cash-expected"><strong>{money(r.cash_expected)}</strong></td>
                <td>{money(r.card_captured)}</td><td>{money(r.card_refunded)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
