import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { console_, type ProvisioningCode, type StaffUser } from './api';
import { explain, Problem, time, useConsole } from './common';
import { can } from './policy';

/** Staff and their roles (admins), and one-time codes that provision a store's devices. */
export function StaffDevices() {
  const { who, storeId, store } = useConsole();
  const [users, setUsers] = useState<StaffUser[] | null>(null);
  const [code, setCode] = useState<ProvisioningCode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [type, setType] = useState('kiosk');
  const [name, setName] = useState('');
  const mayList = can(who, 'users:read');
  const mayAdd = can(who, 'users:write');
  const [added, setAdded] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  const refresh = useCallback(() => console_.users().then((u) => setUsers(u.items), (e) => setError(explain(e))), []);
  useEffect(() => {
    if (mayList) void refresh();
  }, [mayList, refresh]);

  return (
    <section aria-labelledby="staff-title">
      <h1 id="staff-title">Staff & devices</h1>
      <Problem error={error} />
      {can(who, 'devices:provision', storeId) && (
        <section aria-labelledby="devices-title">
          <h2 id="devices-title">Add a device</h2>
          <p className="meta">A one-time code, valid for 15 minutes: type it on the new kiosk, counter or kitchen screen.</p>
          <form className="adm-inline" onSubmit={async (e) => {
            e.preventDefault();
            try {
              setCode(await console_.provision(storeId, type, name));
              setError(null);
            } catch (err) {
              setError(explain(err));
            }
          }}>
            <label>Device
              <select value={type} onChange={(e) => setType(e.target.value)}>
                <option value="kiosk">Kiosk</option>
                <option value="pos">Counter (POS)</option>
                <option value="kds">Kitchen screen</option>
              </select>
            </label>
            <label>Device name<input value={name} onChange={(e) => setName(e.target.value)} required placeholder="Front kiosk" /></label>
            <button type="submit" className="primary">Create code</button>
          </form>
          {code && (
            <p className="adm-code" role="status">
              Code for {code.name}: <strong data-testid="provision-code">{code.code}</strong>
              <span className="meta"> — works once, until {time(code.expires_at, store?.timezone)}</span>
            </p>
          )}
        </section>
      )}
      {mayAdd && (
        <form className="adm-inline" aria-labelledby="add-staff-title" onSubmit={async (e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const f = new FormData(form);
          const role = String(f.get('role'));
          try {
            const user = await console_.addStaff({
              email: String(f.get('email')), name: String(f.get('name')), phone: String(f.get('phone')), password: String(f.get('password')),
              roles: [{ role, store_id: role === 'admin' ? null : storeId }],
            });
            setAdded(`${user.name} (${user.email}) may now sign in as ${role}${role === 'admin' ? '' : ` at ${store?.name ?? storeId}`}.`);
            setFields({});
            setError(null);
            form.reset();
            await refresh();
          } catch (err) {
            if (err instanceof ApiError && err.fields.length) setFields(Object.fromEntries(err.fields.map((x) => [x.field, x.message])));
            setError(explain(err));
          }
        }}>
          <h2 id="add-staff-title" className="adm-wide">Add a staff member{store ? ` at ${store.name}` : ''}</h2>
          {(['name', 'email', 'phone', 'password'] as const).map((k) => (
            <label key={k}>{k === 'name' ? 'Full name' : k[0].toUpperCase() + k.slice(1)}
              <input name={k} type={k === 'email' ? 'email' : k === 'password' ? 'password' : k === 'phone' ? 'tel' : 'text'}
                required autoComplete={k === 'password' ? 'new-password' : 'off'} aria-invalid={fields[k] ? true : undefined} />
              {fields[k] && <span className="error">{fields[k]}</span>}
            </label>
          ))}
          <label>Role
            <select name="role" defaultValue="cashier">
              {['cashier', 'cook', 'driver', 'store_manager', 'admin'].map((r) => <option key={r} value={r}>{r.replace('_', ' ')}</option>)}
            </select>
          </label>
          <button type="submit" className="primary">Add staff member</button>
          {added && <p role="status" className="note adm-wide" data-testid="staff-added">{added}</p>}
        </form>
      )}
      {mayList && users && (
        <table className="adm-table" aria-label="Staff">
          <caption>Staff</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Roles</th></tr></thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}><th scope="row">{u.name}</th><td>{u.email}</td><td>{u.roles.map((r) => r.store_id ? `${r.role} (${r.store_id})` : r.role).join(', ')}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
