import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Store } from '../api/types';
import { formatDateTime, formatTime, useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import { updateCart } from '../lib/cart';

const PRESETS = [
  { name: 'New York, Midtown', lat: 40.7506, lon: -73.9935 },
  { name: 'Berlin, Kreuzberg', lat: 52.5, lon: 13.42 },
];

export function storeState(store: Store, t: ReturnType<typeof useI18n>['t'], locale: ReturnType<typeof useI18n>['locale']) {
  if (!store.accepting_orders) return { open: false, text: t('paused') };
  if (store.open_now) return { open: true, text: store.closes_at ? t('closes_at', { when: formatTime(locale, store.closes_at, store.timezone) }) : t('open_now') };
  return { open: false, text: t('closed_until', { when: formatDateTime(locale, store.next_open_at, store.timezone) }) };
}

/** Store finder: the browser's location, a place, or coordinates; nearest stores first. */
export function Finder() {
  const { t, locale } = useI18n();
  const [where, setWhere] = useState(() => {
    const saved = sessionStorage.getItem('vetahut.where');
    return saved ? (JSON.parse(saved) as { lat: number; lon: number }) : PRESETS[0];
  });
  const [stores, setStores] = useState<Store[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setStores(null);
    sessionStorage.setItem('vetahut.where', JSON.stringify({ lat: where.lat, lon: where.lon }));
    api.findStores(where.lat, where.lon, 10)
      .then((r) => live && (setStores(r.items), setError(null)))
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [where]);
  const locate = () =>
    navigator.geolocation?.getCurrentPosition(
      (p) => setWhere({ lat: p.coords.latitude, lon: p.coords.longitude }),
      (e) => setError(e.message),
      { timeout: 10000 },
    );
  return (
    <div className="finder">
      <h1>{t('finder_title')}</h1>
      <div className="finder-controls">
        <button type="button" onClick={locate}>{t('finder_use_location')}</button>
        <span>{t('finder_or')}</span>
        <div className="presets" role="group" aria-label={t('finder_presets')}>
          {PRESETS.map((p) => (
            <button key={p.name} type="button" className={where.lat === p.lat && where.lon === p.lon ? 'chip on' : 'chip'}
              aria-pressed={where.lat === p.lat && where.lon === p.lon} onClick={() => setWhere({ lat: p.lat, lon: p.lon })}>
              {p.name}
            </button>
          ))}
        </div>
        <form className="coords" onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          setWhere({ lat: Number(f.get('lat')), lon: Number(f.get('lon')) });
        }}>
          <label>{t('finder_lat')} <input name="lat" type="number" step="any" defaultValue={where.lat} /></label>
          <label>{t('finder_lon')} <input name="lon" type="number" step="any" defaultValue={where.lon} /></label>
          <button type="submit">{t('finder_search')}</button>
        </form>
      </div>
      {error && <p className="error" role="alert">{t('error', { message: error })}</p>}
      {!stores && !error && <p>{t('finder_locating')}</p>}
      {stores && stores.length === 0 && <p>{t('finder_none')}</p>}
      <ul className="stores">
        {stores?.map((s) => {
          const state = storeState(s, t, locale);
          return (
            <li key={s.id} className="store" data-store={s.id}>
              <div>
                <h2>{s.name}</h2>
                <p>{s.address.line1}, {s.address.city}</p>
                <p className={state.open ? 'open' : 'closed'}>{state.text}</p>
                {s.distance_m !== undefined && <p className="meta">{t('km_away', { km: (s.distance_m / 1000).toLocaleString(locale, { maximumFractionDigits: 1 }) })}</p>}
              </div>
              <button type="button" className="primary" aria-label={`${t('finder_pick')}: ${s.name}`} onClick={() => {
                updateCart((c) => (c.storeId === s.id ? {} : { storeId: s.id, lines: [] }));
                sessionStorage.setItem('vetahut.where', JSON.stringify({ lat: where.lat, lon: where.lon }));
                navigate(`/store/${encodeURIComponent(s.id)}`);
              }}>
                {t('finder_pick')}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
