import { useCallback, useEffect, useState } from 'react';
import { console_, type DaySpan, type Hours, type Zone } from './api';
import { explain, money, Problem, useConsole } from './common';
import { previewPath, readZoneGeoJson, type Polygon } from './geo';
import { can } from './policy';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** The zone drawn from its polygon (the store as a dot): a projection, not a map. */
export function ZonePreview({ polygon, store, label }: { polygon: Polygon; store?: [number, number]; label: string }) {
  const { d, points } = previewPath(polygon, 220, 12, store ? [store] : []);
  return (
    <svg className="adm-zone" width="220" height="220" viewBox="0 0 220 220" role="img" aria-label={label} data-testid="zone-preview">
      <rect width="220" height="220" fill="#f4f0ed" />
      <path d={d} fill="rgba(166, 27, 20, 0.25)" stroke="#a61b14" strokeWidth="2" fillRule="evenodd" />
      {points.map(([x, y]) => <circle key={`${x},${y}`} cx={x} cy={y} r="5" fill="#1d1b1a" />)}
    </svg>
  );
}

function HoursEditor() {
  const { storeId } = useConsole();
  const [hours, setHours] = useState<Hours | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [holiday, setHoliday] = useState('');

  useEffect(() => {
    console_.hours(storeId).then(setHours, (e) => setError(explain(e)));
  }, [storeId]);

  if (!hours) return <Problem error={error} />;
  const services = Object.keys(hours);
  // A day may have several spans (lunch and dinner): each is edited where it is in the list.
  const spans = (service: string, day: string) =>
    hours[service].weekly.map((span, index) => ({ span, index })).filter((x) => x.span.day === day);
  const withWeekly = (service: string, weekly: DaySpan[]) => setHours({ ...hours, [service]: { ...hours[service], weekly } });
  const setSpan = (service: string, index: number, key: 'open' | 'close', value: string) =>
    withWeekly(service, hours[service].weekly.map((s, i) => (i === index ? { ...s, [key]: value } : s)));
  const closeDay = (service: string, day: string) => withWeekly(service, hours[service].weekly.filter((s) => s.day !== day));
  const addSpan = (service: string, day: string) => withWeekly(service, [...hours[service].weekly, { day, open: '11:00', close: '22:00' }]);
  const save = async (next: Hours) => {
    try {
      setHours(await console_.setHours(storeId, next));
      setError(null);
      setDone('Hours saved.');
    } catch (e) {
      setError(explain(e));
    }
  };

  return (
    <section aria-labelledby="hours-title">
      <h2 id="hours-title">Opening hours</h2>
      <Problem error={error} />
      {done && <p role="status" className="note">{done}</p>}
      <table className="adm-table">
        <thead><tr><th scope="col">Day</th>{services.map((s) => <th key={s} scope="col">{s}</th>)}</tr></thead>
        <tbody>
          {DAYS.map((day) => (
            <tr key={day}>
              <th scope="row">{day}</th>
              {services.map((service) => (
                <td key={service}>
                  {spans(service, day).map(({ span, index }) => (
                    <div key={index} className="adm-span">
                      <input aria-label={`${service} ${day} opens`} type="time" value={span.open} onChange={(e) => setSpan(service, index, 'open', e.target.value)} />
                      –
                      <input aria-label={`${service} ${day} closes`} value={span.close} pattern="[0-2][0-9]:[0-5][0-9]" size={5}
                        onChange={(e) => setSpan(service, index, 'close', e.target.value)} />
                    </div>
                  ))}
                  <button type="button" onClick={() => addSpan(service, day)}>{spans(service, day).length ? 'Add hours' : `Open ${day}`}</button>
                  {spans(service, day).length > 0 && <button type="button" onClick={() => closeDay(service, day)}>Closed</button>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Holidays</h3>
      <ul>
        {services.flatMap((service) => hours[service].special_days.map((d, i) => (
          <li key={`${service}-${i}`}>{service}: {d.date ?? `${d.from} – ${d.to}`} {d.closed ? 'closed' : (d.spans ?? []).map((s) => `${s.open}–${s.close}`).join(', ')}</li>
        )))}
      </ul>
      <div className="adm-inline">
        <label>Closed on<input type="date" value={holiday} onChange={(e) => setHoliday(e.target.value)} /></label>
        <button type="button" disabled={!holiday} onClick={() => {
          const next = Object.fromEntries(services.map((s) => [s, { ...hours[s], special_days: [...hours[s].special_days, { date: holiday, closed: true }] }]));
          setHours(next);
          setHoliday('');
        }}>Add holiday</button>
      </div>
      <button type="button" className="primary" onClick={() => save(hours)}>Save hours</button>
    </section>
  );
}

function ZonesEditor() {
  const { storeId, store } = useConsole();
  const [zones, setZones] = useState<Zone[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [name, setName] = useState('');
  const [fee, setFee] = useState('2.99');
  const [minimum, setMinimum] = useState('15.00');
  const [estimate, setEstimate] = useState('30');
  const currency = store?.currency ?? 'USD';
  const here: [number, number] | undefined = store ? [store.longitude, store.latitude] : undefined;

  const refresh = useCallback(() => console_.zones(storeId).then((z) => setZones(z.zones), (e) => setError(explain(e))), [storeId]);
  useEffect(() => void refresh(), [refresh]);

  const read = text.trim() ? readZoneGeoJson(text) : null;
  const save = async (next: Zone[], what: string) => {
    try {
      const strip = next.map(({ id: _id, ...z }) => z); // ids are the server's
      setZones((await console_.setZones(storeId, strip)).zones);
      setError(null);
      setDone(what);
      return true;
    } catch (e) {
      setError(explain(e));
      return false;
    }
  };

  return (
    <section aria-labelledby="zones-title">
      <h2 id="zones-title">Delivery zones</h2>
      <Problem error={error} />
      {done && <p role="status" className="note" data-testid="zones-done">{done}</p>}
      <ul className="adm-zones">
        {zones?.map((z) => (
          <li key={z.id ?? z.name} data-testid="zone" data-name={z.name}>
            <strong>{z.name}</strong> · fee {money(z.fee)} · minimum {money(z.minimum_order)} · {z.estimate_minutes} min
            {z.geometry ? <ZonePreview polygon={z.geometry} store={here} label={`${z.name}, drawn`} /> : <span className="meta"> · {Math.round((z.radius_m ?? 0) / 100) / 10} km around the store</span>}
            <button type="button" onClick={() => save(zones.filter((x) => x !== z), `${z.name} removed.`)}>Remove {z.name}</button>
          </li>
        ))}
      </ul>
      <form className="adm-zone-form" onSubmit={async (e) => {
        e.preventDefault();
        if (!read || 'error' in read || !zones) return;
        const zone: Zone = {
          name, fee: { amount: Math.round(Number(fee) * 100), currency }, minimum_order: { amount: Math.round(Number(minimum) * 100), currency },
          estimate_minutes: Number(estimate), geometry: read.polygon,
        };
        if (await save([...zones, zone], `${name} saved.`)) {
          setText('');
          setName('');
        }
      }}>
        <h3>Add a zone</h3>
        <label>GeoJSON (a Polygon, Feature or FeatureCollection)
          <textarea rows={6} value={text} onChange={(e) => {
            setText(e.target.value);
            const r = readZoneGeoJson(e.target.value);
            if ('name' in r && r.name && !name) setName(r.name);
          }} />
        </label>
        <label>or upload a .geojson file
          <input type="file" accept=".geojson,.json,application/geo+json,application/json" onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            const content = await file.text();
            setText(content);
            const r = readZoneGeoJson(content);
            if ('name' in r && r.name && !name) setName(r.name);
          }} />
        </label>
        {read && 'error' in read && <p className="error" role="alert">{read.error}</p>}
        {read && 'polygon' in read && <ZonePreview polygon={read.polygon} store={here} label="The new zone, drawn" />}
        <label>Name<input value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <label>Fee<input type="number" step="0.01" min="0" value={fee} onChange={(e) => setFee(e.target.value)} /></label>
        <label>Minimum order<input type="number" step="0.01" min="0" value={minimum} onChange={(e) => setMinimum(e.target.value)} /></label>
        <label>Delivery estimate (min)<input type="number" min="1" value={estimate} onChange={(e) => setEstimate(e.target.value)} /></label>
        <button type="submit" className="primary" disabled={!read || 'error' in read || !name}>Save zone</button>
      </form>
    </section>
  );
}

/** Hours, holidays and delivery zones: each part shown only if the role may change it. */
export function StoreSettings() {
  const { who, storeId } = useConsole();
  return (
    <section aria-labelledby="store-title">
      <h1 id="store-title">Hours & zones</h1>
      {can(who, 'stores:hours', storeId) && <HoursEditor />}
      {can(who, 'stores:zones', storeId) && <ZonesEditor />}
    </section>
  );
}
