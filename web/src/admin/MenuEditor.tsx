import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { type Catalog, console_, type MenuVersion } from './api';
import { explain, Problem } from './common';

/** The chain's menu for one market: a draft edited here, checked by the server, published now or later. */
export function MenuEditor({ currency }: { currency: string }) {
  const market = currency;
  const [draft, setDraft] = useState<Catalog | null>(null);
  const [source, setSource] = useState<'draft' | 'live' | null>(null);
  const [versions, setVersions] = useState<MenuVersion[]>([]);
  const [fields, setFields] = useState<{ field: string; message: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [at, setAt] = useState('');
  const [json, setJson] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setVersions((await console_.versions(market)).items);
      try {
        setDraft(await console_.draft(market));
        setSource('draft');
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
        setDraft(null); // no draft yet: one starts from the live menu
        setSource(null);
      }
    } catch (e) {
      setError(explain(e));
    }
  }, [market]);
  useEffect(() => void refresh(), [refresh]);

  const run = async (fn: () => Promise<void>) => {
    setError(null);
    setDone(null);
    try {
      await fn();
    } catch (e) {
      if (e instanceof ApiError && e.status === 422 && e.fields.length) {
        setFields(e.fields);
        setError(`The server refused the draft: ${e.fields.length === 1 ? 'one field is wrong' : `${e.fields.length} fields are wrong`}. Nothing was saved.`);
      } else {
        setError(explain(e));
      }
    }
  };

  const fieldError = (path: string) => fields.find((f) => f.field === path)?.message;
  const update = (i: number, fn: (p: Catalog['products'][number]) => void) => {
    if (!draft) return;
    const products = draft.products.map((p, j) => (j === i ? structuredClone(p) : p));
    fn(products[i]);
    setDraft({ ...draft, products });
  };
  const shown = new Set<string>();
  const input = (path: string, label: string, value: string | number, onChange: (v: string) => void, type = 'text') => {
    shown.add(path);
    const message = fieldError(path);
    const id = `f-${path.replace(/[^\w]/g, '-')}`;
    return (
      <span className="adm-field" data-field={path}>
        <label className="sr-only" htmlFor={id}>{label}</label>
        <input id={id} type={type} value={value} aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${id}-error` : undefined} onChange={(e) => onChange(e.target.value)} />
        {message && <span className="error" id={`${id}-error`} data-testid="field-error">{message}</span>}
      </span>
    );
  };

  const rows = (Array.isArray(draft?.products) ? draft.products : []).map((p, i) => (
    <tr key={p.id} data-product={p.id}>
      <th scope="row">{p.id}</th>
      <td>{input(`products[${i}].name`, `Name of ${p.id} (English)`, p.name?.en ?? '', (v) => update(i, (q) => (q.name = { ...q.name, en: v })))}</td>
      <td>
        {(p.sizes ?? []).map((s, k) => (
          <span key={s.size_id} className="adm-size">
            {s.size_id} {input(`products[${i}].sizes[${k}].price`, `Price of ${p.id} ${s.size_id} in cents`, s.price,
              (v) => update(i, (q) => (q.sizes[k] = { ...q.sizes[k], price: v === '' ? NaN : Number(v) })), 'number')}
          </span>
        ))}
      </td>
    </tr>
  ));
  const other = fields.filter((f) => !shown.has(f.field));

  return (
    <section aria-labelledby="draft-title">
      <h1 id="draft-title">Menu editor · {market}</h1>
      <p className="meta">The chain’s menu for every {market} store. Edit a draft, save it (the server checks every field), then publish it now or at a time.</p>
      <Problem error={error} />
      {other.length > 0 && (
        <ul className="error" data-testid="other-errors">{other.map((f) => <li key={f.field}><code>{f.field}</code>: {f.message}</li>)}</ul>
      )}
      {done && <p role="status" className="note" data-testid="draft-done">{done}</p>}
      {!draft && (
        <button type="button" className="primary" onClick={() => run(async () => {
          setDraft(await console_.live(market));
          setSource('live');
          setFields([]);
        })}>Start a draft from the live menu</button>
      )}
      {draft && (
        <>
          <p className="note">{source === 'live' ? 'A new draft from the live menu: not saved yet.' : 'The saved draft.'}</p>
          <table className="adm-table">
            <caption>Products ({Array.isArray(draft.products) ? draft.products.length : 0})</caption>
            <thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Prices (cents)</th></tr></thead>
            <tbody>{rows}</tbody>
          </table>
          <details className="adm-json" onToggle={(e) => setJson((e.currentTarget as HTMLDetailsElement).open ? JSON.stringify(draft, null, 2) : null)}>
            <summary>Everything else (categories, toppings, deals, translations) as JSON</summary>
            {json !== null && (
              <>
                <label className="sr-only" htmlFor="draft-json">The draft as JSON</label>
                <textarea id="draft-json" rows={18} value={json} onChange={(e) => setJson(e.target.value)} spellCheck={false} />
                <button type="button" onClick={() => {
                  try {
                    const parsed = JSON.parse(json);
                    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the draft is one JSON object');
                    setDraft(parsed);
                    setError(null);
                    setDone('JSON applied to the draft: save it to have the server check it.');
                  } catch (e) {
                    setError(`This is not valid JSON: ${(e as Error).message}`);
                  }
                }}>Apply JSON</button>
              </>
            )}
          </details>
          <div className="adm-actions">
            <button type="button" className="primary" onClick={() => run(async () => {
              // NaN (an emptied price) goes as null: the server names the field.
              await console_.saveDraft(market, JSON.parse(JSON.stringify(draft, (_k, v) => (Number.isNaN(v) ? null : v))));
              setFields([]);
              setSource('draft');
              setDone('Draft saved: the server accepted every field.');
              setVersions((await console_.versions(market)).items);
            })}>Save draft</button>
            <button type="button" disabled={source !== 'draft'} onClick={() => run(async () => {
              const v = await console_.publish(market);
              setDone(`Published: version ${v.id} is live in every ${market} store.`);
              await refresh();
            })}>Publish now</button>
            <label>Publish at
              <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
            </label>
            <button type="button" disabled={source !== 'draft' || !at} onClick={() => run(async () => {
              const v = await console_.publish(market, new Date(at).toISOString());
              setDone(`Scheduled: version ${v.id} goes live ${new Date(v.publish_at ?? at).toLocaleString()}.`);
              await refresh();
            })}>Schedule</button>
          </div>
        </>
      )}
      <table className="adm-table" aria-label="Versions">
        <caption>Versions</caption>
        <thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">When</th></tr></thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} data-status={v.status}><td>{v.id}</td><td>{v.status}</td><td>{new Date(v.published_at ?? v.publish_at ?? v.created_at).toLocaleString()}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
