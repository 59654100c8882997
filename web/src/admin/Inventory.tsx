import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { console_, type StockItem } from './api';
import { explain, Problem, useConsole } from './common';
import { can } from './policy';

/** Stock counts and adjustments: deliveries received, waste with a reason, counts. */
export function Inventory() {
  const { who, storeId } = useConsole();
  const [items, setItems] = useState<StockItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const [ingredient, setIngredient] = useState('');
  const [kind, setKind] = useState('received');
  const [quantity, setQuantity] = useState('');
  const [reason, setReason] = useState('');

  const refresh = useCallback(async () => {
    try {
      setItems((await console_.inventory(storeId)).items);
    } catch (e) {
      setError(explain(e));
    }
  }, [storeId]);
  useEffect(() => void refresh(), [refresh]);

  const unit = items.find((i) => i.ingredient_id === ingredient)?.unit ?? '';
  return (
    <section aria-labelledby="inv-title">
      <h1 id="inv-title">Inventory</h1>
      <Problem error={error} />
      {can(who, 'inventory:adjust', storeId) && (
        <form className="adm-inline" onSubmit={async (e) => {
          e.preventDefault();
          try {
            await console_.adjust(storeId, { ingredient_id: ingredient, kind, quantity: Number(quantity), ...(reason ? { reason } : {}) });
            setFields({});
            setError(null);
            setDone(`Recorded: ${kind} ${quantity} ${unit} of ${items.find((i) => i.ingredient_id === ingredient)?.name}.`);
            setQuantity('');
            setReason('');
            await refresh();
          } catch (err) {
            if (err instanceof ApiError && err.fields.length) setFields(Object.fromEntries(err.fields.map((f) => [f.field, f.message])));
            setError(explain(err));
          }
        }}>
          <label>Ingredient
            <select value={ingredient} onChange={(e) => setIngredient(e.target.value)} required>
              <option value="">Choose…</option>
              {items.map((i) => <option key={i.ingredient_id} value={i.ingredient_id}>{i.name}</option>)}
            </select>
          </label>
          <label>What
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="received">Delivery received (+)</option>
              <option value="waste">Waste (−)</option>
              <option value="count">Count (what is there now)</option>
            </select>
          </label>
          <label>Quantity{unit ? ` (${unit})` : ''}
            <input type="number" step="any" value={quantity} onChange={(e) => setQuantity(e.target.value)} required aria-invalid={fields.quantity ? true : undefined} />
          </label>
          {fields.quantity && <span className="error">{fields.quantity}</span>}
          <label>Reason<input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={kind === 'waste' ? 'burnt, dropped, expired…' : ''} /></label>
          {fields.reason && <span className="error">{fields.reason}</span>}
          <button type="submit" className="primary">Record</button>
        </form>
      )}
      {done && <p role="status" className="note">{done}</p>}
      <table className="adm-table" aria-label="Stock">
        <thead><tr><th scope="col">Ingredient</th><th scope="col">In stock</th><th scope="col">Low at</th><th scope="col">Status</th></tr></thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.ingredient_id} data-ingredient={i.ingredient_id}>
              <th scope="row">{i.name}</th>
              <td data-testid="stock">{i.quantity} {i.unit}</td>
              <td>{i.low_threshold ?? '—'}</td>
              <td>{i.low ? <span className="closed">Low</span> : 'OK'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
