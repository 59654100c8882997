import { useEffect, useState } from 'react';
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

  useEffect(() => {
    if (mayList) console_.users().then((u) => setUsers(u.items), (e) => setError(explain(e)));
  }, [mayList]);

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
            <label>Name<input value={name} onChange={(e) => setName(e.target.value)} required placeholder="Front kiosk" /></label>
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
