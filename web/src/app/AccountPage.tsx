import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Loyalty, Order, SavedAddress } from '../api/types';
import { addLine } from '../lib/cart';
import { useI18n, type MessageKey } from '../lib/i18n';
import { Link, navigate } from '../lib/router';
import { signIn, signOut, useSession } from '../lib/session';

/** Sign in or register; then order history with reorder, loyalty points and saved addresses. */
export default function AccountPage() {
  const { t, money } = useI18n();
  const session = useSession();
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<'sign_in' | 'register'>('sign_in');
  const [orders, setOrders] = useState<Order[]>([]);
  const [loyalty, setLoyalty] = useState<Loyalty | null>(null);
  const [addresses, setAddresses] = useState<SavedAddress[]>([]);
  useEffect(() => {
    if (!session) return;
    api.myOrders().then((o) => setOrders(o.orders)).catch(() => {});
    api.loyalty().then(setLoyalty).catch(() => {});
    api.addresses().then((a) => setAddresses(a.items)).catch(() => {});
  }, [session]);
  const fail = (e: unknown) => setError(e instanceof ApiError ? (e.fields.length ? e.fields.map((f) => `${f.field}: ${f.message}`).join('; ') : e.message) : String(e));

  if (!session) {
    return (
      <div className="account">
        <h1>{mode === 'sign_in' ? t('sign_in') : t('register')}</h1>
        <form onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const email = String(f.get('email'));
          const password = String(f.get('password'));
          try {
            if (mode === 'register') {
              await api.register({ email, password, name: String(f.get('name')), phone: String(f.get('phone')) });
            }
            await signIn(email, password);
            setError(null);
          } catch (err) {
            fail(err);
          }
        }}>
          {mode === 'register' && <label>{t('name')}<input name="name" required autoComplete="name" /></label>}
          <label>{t('email')}<input name="email" type="email" required autoComplete="email" /></label>
          <label>{t('password')}<input name="password" type="password" required minLength={mode === 'register' ? 8 : 1} autoComplete={mode === 'register' ? 'new-password' : 'current-password'} /></label>
          {mode === 'register' && <label>{t('phone')}<input name="phone" type="tel" required autoComplete="tel" /></label>}
          {error && <p className="error" role="alert">{error}</p>}
          <button type="submit" className="primary">{mode === 'sign_in' ? t('sign_in') : t('register')}</button>
        </form>
        <button type="button" className="link" onClick={() => { setMode(mode === 'sign_in' ? 'register' : 'sign_in'); setError(null); }}>
          {mode === 'sign_in' ? t('register') : t('sign_in')}
        </button>
      </div>
    );
  }
  const reorder = (o: Order) => {
    for (const line of o.quote?.lines ?? []) {
      if (!line.product_id) continue;
      const item = (line.items?.[0] ?? {}) as { size?: string; crust?: string; toppings?: { topping_id: string; portion?: string; amount?: string; is_default?: boolean }[] };
      addLine(o.store_id, {
        name: line.name,
        summary: '',
        item: {
          product_id: line.product_id,
          quantity: line.quantity,
          ...(item.size ? { size: item.size } : {}),
          ...(item.crust ? { crust: item.crust } : {}),
          toppings: (item.toppings ?? []).filter((x) => !x.is_default).map((x) => ({ topping_id: x.topping_id, portion: x.portion as 'whole', amount: x.amount as 'normal' })),
        },
      });
    }
    navigate('/cart');
  };
  return (
    <div className="account">
      <h1>{t('account_title')}</h1>
      <p>{session.account?.name} · {session.account?.email}</p>
      <button type="button" onClick={() => void signOut()}>{t('sign_out')}</button>
      <section aria-labelledby="loyalty-h">
        <h2 id="loyalty-h">{t('loyalty')}</h2>
        <p data-testid="loyalty">{t('points', { n: loyalty?.balance ?? 0 })}</p>
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">{t('history')}</h2>
        {orders.length === 0 && <p>{t('no_orders')}</p>}
        <ul className="lines">
          {orders.map((o) => (
            <li key={o.id}>
              <div>
                <Link href={`/orders/${encodeURIComponent(o.id)}`}>#{o.number} · {o.business_date}</Link>
                <p className="meta">{t(`status_${o.status}` as MessageKey)} · {money(o.total)}</p>
              </div>
              <button type="button" onClick={() => reorder(o)}>{t('reorder')}</button>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="addresses-h">
        <h2 id="addresses-h">{t('addresses')}</h2>
        <ul className="lines">
          {addresses.map((a) => (
            <li key={a.id}>
              <span>{a.label ? `${a.label}: ` : ''}{a.line1}, {a.city}</span>
              <button type="button" onClick={() => api.deleteAddress(a.id).then(() => setAddresses(addresses.filter((x) => x.id !== a.id))).catch(fail)}>{t('remove')}</button>
            </li>
          ))}
        </ul>
        <form className="address-form" onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const where = JSON.parse(sessionStorage.getItem('vetahut.where') ?? '{"lat":40.7506,"lon":-73.9935}') as { lat: number; lon: number };
          try {
            const saved = await api.addAddress({ label: String(f.get('label')), line1: String(f.get('line1')), city: String(f.get('city')),
              postal_code: String(f.get('postal_code')), country: String(f.get('country')), latitude: where.lat, longitude: where.lon });
            setAddresses([...addresses, saved]);
            e.currentTarget?.reset();
          } catch (err) {
            fail(err);
          }
        }}>
          <label>{t('label')}<input name="label" /></label>
          <label>{t('address_line')}<input name="line1" required /></label>
          <label>{t('city')}<input name="city" required /></label>
          <label>Postal code<input name="postal_code" required /></label>
          <label>Country<input name="country" required maxLength={2} defaultValue="US" /></label>
          <button type="submit">{t('add_address')}</button>
        </form>
        {error && <p className="error" role="alert">{error}</p>}
      </section>
    </div>
  );
}
