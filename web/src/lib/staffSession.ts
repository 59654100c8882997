// A staff screen's sign-in (the console, the POS, the driver app): the token pair kept in
// localStorage under the screen's own key (signing in to one screen does not sign in the others),
// renewed a minute before it expires, dropped when the renewal is refused. A kept session whose
// access token has expired is renewed at once rather than used.
import { useCallback, useEffect, useState } from 'react';
import { api, setAccessToken } from '../api/client';
import type { TokenGrant } from '../api/types';

export interface StaffSession {
  access: string;
  refresh?: string;
  expiresAt: number;
}

function read(key: string): StaffSession | null {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

export function useStaffSession(key: string) {
  const [session, setSession] = useState<StaffSession | null>(() => {
    const s = read(key);
    const live = s !== null && s.expiresAt > Date.now();
    if (s && !live && !s.refresh) return null;  // nothing to renew it with
    setAccessToken(live ? s.access : null);
    return s;
  });

  /** Keeps a new token pair (a sign-in or a renewal) and uses it. */
  const adopt = useCallback(
    (grant: TokenGrant): StaffSession => {
      const s = { access: grant.access_token, refresh: grant.refresh_token, expiresAt: Date.now() + grant.expires_in * 1000 };
      localStorage.setItem(key, JSON.stringify(s));
      setAccessToken(s.access);
      setSession(s);
      return s;
    },
    [key],
  );

  /** Forgets the session (sign-out, a refused renewal, a 401). */
  const clear = useCallback(() => {
    localStorage.removeItem(key);
    setAccessToken(null);
    setSession(null);
  }, [key]);

  useEffect(() => {
    if (!session?.refresh) return;
    const left = session.expiresAt - Date.now();
    const timer = setTimeout(async () => {
      try {
        adopt(await api.refresh(session.refresh as string));
      } catch {
        clear();
      }
    }, left <= 0 ? 0 : Math.max(10000, left - 60000));
    return () => clearTimeout(timer);
  }, [session, adopt, clear]);

  return { session, adopt, clear };
}
