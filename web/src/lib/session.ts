// The signed-in customer: tokens kept in localStorage, refreshed before they expire.
import { useSyncExternalStore } from 'react';
import { api, setAccessToken } from '../api/client';
import type { Account, TokenGrant } from '../api/types';

interface Session {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  account?: Account;
}
const KEY = 'vetahut.session';
let session: Session | null = read();
const listeners = new Set<() => void>();
setAccessToken(session?.accessToken ?? null);

function read(): Session | null {
  try {
    const raw = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null;
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}
function write(next: Session | null): void {
  session = next;
  setAccessToken(next?.accessToken ?? null);
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => session,
  );
}

async function adopt(grant: TokenGrant): Promise<void> {
  write({ accessToken: grant.access_token, refreshToken: grant.refresh_token, expiresAt: Date.now() + grant.expires_in * 1000 });
  const account = await api.me();
  if (session) write({ ...session, account });
}

export async function signIn(email: string, password: string): Promise<void> {
  await adopt(await api.signIn(email, password));
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } finally {
    write(null);
  }
}

/** A valid access token, refreshed if it is about to expire; null when signed out. */
export async function freshToken(): Promise<string | null> {
  if (!session) return null;
  if (session.expiresAt - Date.now() > 60_000) return session.accessToken;
  if (!session.refreshToken) {
    write(null);
    return null;
  }
  try {
    const grant = await api.refresh(session.refreshToken);
    write({ ...session, accessToken: grant.access_token, refreshToken: grant.refresh_token, expiresAt: Date.now() + grant.expires_in * 1000 });
    return session.accessToken;
  } catch {
    write(null);
    return null;
  }
}
