import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Store } from '../api/types';
import { useStaffSession } from '../lib/staffSession';
import { drivers } from './api';
import { addressLine, claims, type Delivery, type DriverState, mapsLink, offers, pingDue, type StoreDeliveries } from './driver';

const message = (e: unknown) => (e instanceof ApiError ? (e.status === 403 ? `Not allowed: ${e.message}` : e.message) : String(e));
/**
 * A time in the store's time zone (not the phone's). Intl directly: importing the customer app's
 * i18n module would split it into a chunk of its own and cost the menu's first load a request.
 */
const time = (iso: string | null | undefined, zone = 'UTC') =>
  iso ? new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', timeZone: zone }).format(new Date(iso)) : '';

/** One delivery: who, where (with a maps link), by when. */
export function DeliveryCard({ d, zone, children }: { d: Delivery; zone?: string; children?: React.ReactNode }) {
  return (
    <li className="drv-delivery" data-testid="delivery" data-number={d.number} data-status={d.status}>
      <h3>#{d.number}{d.customer_name ? ` · ${d.customer_name}` : ''}</h3>
      <p className="drv-address">{addressLine(d)}</p>
      {d.address?.notes && <p className="meta">{d.address.notes}</p>}
      <p className="meta">Promised {time(d.promised_at, zone)}{d.eta ? ` · ETA ${time(d.eta, zone)}` : ''}</p>
      <a className="button" href={mapsLink(d, navigator.userAgent)} target="_blank" rel="noreferrer">Open in maps</a>
      {children}
    </li>
  );
}

/** The driver's phone: sign in, clock in and out, take runs, deliver, share the position on a run. */
export function Driver() {
  const { session, adopt, clear } = useStaffSession('vetahut.driver');
  const [me, setMe] = useState<DriverState | null>(null);
  const [store, setStore] = useState<Store | null>(null);
  const [waiting, setWaiting] = useState<StoreDeliveries | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sharing, setSharing] = useState<'off' | 'on' | 'denied'>('off');
  const lastPing = useRef<number | null>(null);
  const who = session ? claims(session.access) : null;
  const storeId = me?.store_id || who?.stores[0] || '';

  const refresh = useCallback(async () => {
    if (!session) return;
    try {
      const state = await drivers.me();
      setMe(state);
      const sid = state.store_id || claims(session.access).stores[0];
      if (state.on_shift && sid) setWaiting(await drivers.waiting(sid));
      else setWaiting(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) clear();
      else setError(message(e));
    }
  }, [session, clear]);
  useEffect(() => {
    void refresh();
    const poll = setInterval(refresh, 10000);
    return () => clearInterval(poll);
  }, [refresh]);
  useEffect(() => {
    if (storeId) api.store(storeId).then(setStore).catch(() => {});
  }, [storeId]);

  // While on a run: the browser's position, sent at most every 15 s.
  const onRun = (me?.run.length ?? 0) > 0;
  useEffect(() => {
    if (!onRun || !('geolocation' in navigator)) return setSharing('off');
    const watch = navigator.geolocation.watchPosition((p) => {
      setSharing('on');
      if (!pingDue(lastPing.current, Date.now())) return;
      lastPing.current = Date.now();
      drivers.location(p.coords.latitude, p.coords.longitude, Math.round(p.coords.accuracy)).catch(() => {});
    }, () => setSharing('denied'), { enableHighAccuracy: true, maximumAge: 10000 });
    return () => navigator.geolocation.clearWatch(watch);
  }, [onRun]);

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await refresh();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  let body;
  if (!session || !who) {
    body = (
      <form className="drv-signin" onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        try {
          const grant = await api.signIn(String(f.get('email')), String(f.get('password')));
          if (!claims(grant.access_token).roles.includes('driver')) {
            throw new Error('This app is for drivers: your account has no driver role.');
          }
          setError(null);
          adopt(grant);
        } catch (err) {
          setError(message(err));
        }
      }}>
        <h1>Driver sign-in</h1>
        <label>Email<input name="email" type="email" required autoComplete="username" /></label>
        <label>Password<input name="password" type="password" required autoComplete="current-password" /></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary big">Sign in</button>
      </form>
    );
  } else if (!me) {
    body = <p>{error ?? 'Loading…'}</p>;
  } else {
    const byId = new Map((waiting?.deliveries ?? []).map((d) => [d.id, d]));
    const offered = waiting ? offers(waiting, who.subject) : [];
    body = (
      <>
        <section className="drv-shift" aria-label="Shift">
          <p data-testid="shift" data-on={me.on_shift}>
            {me.on_shift ? `On shift at ${store?.name ?? 'the store'} since ${time(me.shift_started_at, store?.timezone)}` : 'Off shift'}
          </p>
          {me.on_shift ? (
            <button type="button" className="big" disabled={busy || onRun} onClick={() => act(() => drivers.clockOut())}>Clock out</button>
          ) : (
            <button type="button" className="primary big" disabled={busy || !storeId} onClick={() => act(() => drivers.clockIn(storeId))}>
              Clock in{store ? ` at ${store.name}` : ''}
            </button>
          )}
        </section>
        {onRun && (
          <section aria-labelledby="run-title">
            <h2 id="run-title">Your run</h2>
            <p className="meta" role="status" data-testid="sharing">
              {sharing === 'on' ? 'Sharing your location with the store and the customer.'
                : sharing === 'denied' ? 'Location is off: allow it so customers see you coming.' : 'Finding your location…'}
            </p>
            <ol className="drv-list">
              {me.run.map((d) => (
                <DeliveryCard key={d.id} d={d} zone={store?.timezone}>
                  <button type="button" className="primary big" disabled={busy} onClick={() => act(() => drivers.delivered(d.id))}>
                    Delivered #{d.number}
                  </button>
                </DeliveryCard>
              ))}
            </ol>
          </section>
        )}
        {me.on_shift && (
          <section aria-labelledby="offers-title">
            <h2 id="offers-title">Waiting to go</h2>
            {offered.length === 0 && <p>No delivery is waiting.</p>}
            <ul className="drv-list">
              {offered.map((o) => (
                <li key={o.ids.join()} className={o.mine ? 'drv-offer mine' : 'drv-offer'} data-testid="offer">
                  {o.mine && <p className="drv-badge">Offered to you</p>}
                  <ul className="drv-list">
                    {o.ids.map((id) => byId.get(id)).filter((d): d is Delivery => !!d).map((d) => <DeliveryCard key={d.id} d={d} zone={store?.timezone} />)}
                  </ul>
                  <button type="button" className="primary big" disabled={busy || onRun} onClick={() => act(() => drivers.take(o.ids))}>
                    Take {o.ids.length > 1 ? `these ${o.ids.length}` : `#${byId.get(o.ids[0])?.number ?? ''}`} — out for delivery
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {error && <p className="error" role="alert">{error}</p>}
      </>
    );
  }
  return (
    <>
      <header className="top">
        <span className="brand"><img src="/icons/icon.svg" alt="" width="28" height="28" /> Driver</span>
        {session && (
          <button type="button" disabled={onRun} onClick={() => { clear(); setMe(null); }}>
            Sign out
          </button>
        )}
      </header>
      <main id="main">{body}</main>
    </>
  );
}
