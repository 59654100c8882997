import { useEffect, useState } from 'react';
import { api, ApiError, setAccessToken } from '../api/client';

/** What a provisioned device (kiosk, kitchen display) keeps: its client credentials and store. */
export interface DeviceCredentials {
  client_id: string;
  client_secret: string;
  store_id: string;
}

/**
 * The device token: client credentials exchanged for an access token, renewed a minute before it
 * expires (retried every 5 s while the server is unreachable). Credentials the server refuses were
 * revoked: `onRevoked` runs so the device is provisioned again. Returns whether a token is set.
 */
export function useDeviceToken(creds: DeviceCredentials | null, onRevoked: () => void): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (!creds) return;
    let timer: ReturnType<typeof setTimeout>;
    const renew = async () => {
      try {
        const grant = await api.deviceToken(creds.client_id, creds.client_secret);
        setAccessToken(grant.access_token);
        setReady(true);
        timer = setTimeout(renew, Math.max(30, grant.expires_in - 60) * 1000);
      } catch (e) {
        if (e instanceof ApiError && (e.status === 400 || e.status === 401)) {
          setReady(false);
          onRevoked();
        } else {
          timer = setTimeout(renew, 5000);
        }
      }
    };
    void renew();
    return () => clearTimeout(timer);
  }, [creds]);
  return ready;
}
