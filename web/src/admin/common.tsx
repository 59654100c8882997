// What every console screen shares: who is signed in, at which store, and errors in plain words.
import { createContext, useContext } from 'react';
import { ApiError } from '../api/client';
import type { Store } from '../api/types';
import { plainRefusal, type Principal } from './policy';

export interface ConsoleContext {
  who: Principal;
  storeId: string;
  store: Store | null;
}
export const Ctx = createContext<ConsoleContext>({ who: { subject: '', kind: '', roles: [], stores: [] }, storeId: '', store: null });
export const useConsole = () => useContext(Ctx);

/** An error as a person reads it: a 403 says so and gives the server's reason. */
export function explain(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return 'The server cannot be reached: check the connection.';
    // Validation: every field the server named, with its message (the field alone says what is wrong).
    if (e.fields.length) return `Not saved: ${e.fields.map((f) => `${f.field} ${f.message}`).join('; ')}.`;
    return plainRefusal(e.status, e.message);
  }
  return e instanceof Error ? e.message : String(e);
}

export function Problem({ error }: { error: string | null }) {
  return error ? <p className="error" role="alert" data-testid="problem">{error}</p> : null;
}

const formats = new Map<string, Intl.NumberFormat>();
export function money(m: { amount: number; currency: string } | undefined): string {
  if (!m) return '';
  let f = formats.get(m.currency);
  if (!f) formats.set(m.currency, (f = new Intl.NumberFormat('en', { style: 'currency', currency: m.currency })));
  return f.format(m.amount / 100);
}
export const time = (iso: string | null | undefined, zone = 'UTC') =>
  iso ? new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', timeZone: zone }).format(new Date(iso)) : '';
