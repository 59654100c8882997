import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Store } from '../api/types';
import { useStaffSession } from '../lib/staffSession';
import { console_ } from './api';
import { Board } from './Board';
import { Ctx, explain, Problem } from './common';
import { Inventory } from './Inventory';
import { MenuAtStore } from './MenuAtStore';
import { MenuEditor } from './MenuEditor';
import { mayOpenConsole, principalOf, type Screen, SCREENS, visibleScreens } from './policy';
// Imported, not lazy: a dynamic import here would make Vite share its preload helper with the
// customer app as a chunk of its own — one more request on the menu's first load (decision 0035).
import Reports from './Reports';
import { StaffDevices } from './StaffDevices';
import { StoreSettings } from './StoreSettings';


/** The screen and store in the address: /admin/?store=…#reports (a link can be shared). */
function fromAddress(): { screen: Screen | null; storeId: string | null } {
  const screen = location.hash.slice(1) as Screen;
  return { screen: SCREENS.some((s) => s.id === screen) ? screen : null, storeId: new URLSearchParams(location.search).get('store') };
}

/** The manager and admin console: sign in, pick a store, the screens the role may use. */
export function Admin() {
  const { session, adopt, clear } = useStaffSession('vetahut.admin');
  const [error, setError] = useState<string | null>(null);
  const [stores, setStores] = useState<Store[]>([]);
  const [address, setAddress] = useState(fromAddress);
  const who = session ? principalOf(session.access) : null;

  useEffect(() => {
    const onHash = () => setAddress(fromAddress());
    window.addEventListener('hashchange', onHash);
    window.addEventListener('popstate', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('popstate', onHash);
    };
  }, []);

  // The stores this person works at (an admin: every store).
  useEffect(() => {
    if (!who || !mayOpenConsole(who)) return;
    (async () => {
      try {
        const all = (await console_.stores()).items;
        setStores(who.roles.includes('admin') ? all : all.filter((s) => who.stores.includes(s.id)));
      } catch (e) {
        setError(explain(e));
      }
    })();
  }, [session]); // eslint-disable-line react-hooks/exhaustive-deps

  const signOut = useCallback(() => {
    api.logout().catch(() => {});
    clear();
    setStores([]);
  }, [clear]);

  if (!session || !who) {
    return (
      <main id="main">
        <form className="adm-signin" onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          try {
            adopt(await api.signIn(String(f.get('email')), String(f.get('password'))));
            setError(null);
          } catch (err) {
            setError(err instanceof ApiError && err.status === 400 ? 'The email or password is wrong.' : explain(err));
          }
        }}>
          <h1>Veta Hut console</h1>
          <p className="meta">For store managers and admins.</p>
          <label>Email<input name="email" type="email" required autoComplete="username" /></label>
          <label>Password<input name="password" type="password" required autoComplete="current-password" /></label>
          <Problem error={error} />
          <button type="submit" className="primary">Sign in</button>
        </form>
      </main>
    );
  }

  if (!mayOpenConsole(who)) {
    return (
      <main id="main">
        <section className="adm-refused" data-testid="refused">
          <h1>This console is not for your role</h1>
          <p>
            The console is for store managers and admins. Your account ({who.roles.join(', ') || 'no staff role'}) may not
            open it: ask your manager if you need something changed.
          </p>
          <button type="button" onClick={signOut}>Sign out</button>
        </section>
      </main>
    );
  }

  const storeId = address.storeId ?? stores[0]?.id ?? who.stores[0] ?? '';
  const store = stores.find((s) => s.id === storeId) ?? null;
  const visible = visibleScreens(who, storeId);
  // The address may ask for a screen the role may not use: it is then tried, and the server's
  // refusal is shown (nothing offers it).
  const screen: Screen | undefined = address.screen ?? visible[0];
  const go = (next: { screen?: Screen; storeId?: string }) => {
    const sid = next.storeId ?? storeId;
    history.pushState(null, '', `/admin/?store=${encodeURIComponent(sid)}#${next.screen ?? screen ?? ''}`);
    setAddress(fromAddress());
  };

  return (
    <Ctx.Provider value={{ who, storeId, store }}>
      <header className="top adm-top">
        <span className="brand">Veta Hut console</span>
        <label className="adm-store">
          Store
          <select value={storeId} onChange={(e) => go({ storeId: e.target.value })}>
            {!store && storeId && <option value={storeId}>{storeId}</option>}
            {stores.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <span className="adm-who">{who.roles.join(', ')}</span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      {visible.length > 0 && <nav className="adm-nav" aria-label="Console">
        {SCREENS.filter((s) => visible.includes(s.id)).map((s) => (
          <a key={s.id} href={`#${s.id}`} aria-current={s.id === screen ? 'page' : undefined}
            onClick={(e) => { e.preventDefault(); go({ screen: s.id }); }}>{s.title}</a>
        ))}
      </nav>}
      <main id="main" className="adm-main">
        <Problem error={error} />
        {storeId && !store && stores.length > 0 && (
          <p className="note" data-testid="not-your-store">This store is not one of yours: the server decides what you may see here.</p>
        )}
        {!storeId && <p>Loading your stores…</p>}
        {storeId && !screen && <p>Nothing in this console is for your role at this store.</p>}
        {storeId && screen === 'board' && <Board key={storeId} />}
        {storeId && screen === 'menu' && <MenuAtStore key={storeId} />}
        {screen === 'draft' && <MenuEditor currency={store?.currency ?? 'USD'} />}
        {storeId && screen === 'store' && <StoreSettings key={storeId} />}
        {storeId && screen === 'inventory' && <Inventory key={storeId} />}
        {storeId && screen === 'staff' && <StaffDevices key={storeId} />}
        {storeId && screen === 'reports' && (
          <Reports key={storeId} />
        )}
      </main>
    </Ctx.Provider>
  );
}
