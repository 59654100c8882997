// The driver app's calls (kept out of the shared client, so the customer app does not load them).
import { call } from '../api/client';
import type { Delivery, DriverState, StoreDeliveries } from './driver';

const enc = encodeURIComponent;
export const drivers = {
  me: () => call<DriverState>('GET', '/api/v1/drivers/me'),
  clockIn: (storeId: string) => call<unknown>('POST', '/api/v1/drivers/me/clock-in', { store_id: storeId }),
  clockOut: () => call<unknown>('POST', '/api/v1/drivers/me/clock-out', {}),
  location: (latitude: number, longitude: number, accuracy?: number) =>
    call<unknown>('POST', '/api/v1/drivers/me/location', accuracy === undefined ? { latitude, longitude } : { latitude, longitude, accuracy_m: accuracy }),
  waiting: (storeId: string) => call<StoreDeliveries>('GET', `/api/v1/stores/${enc(storeId)}/deliveries?status=waiting`),
  /** The driver takes these deliveries as one run: out for delivery. */
  take: (ids: string[]) => call<{ deliveries: Delivery[] }>('POST', `/api/v1/deliveries/${enc(ids[0])}/dispatch`, ids.length > 1 ? { with: ids.slice(1) } : {}),
  delivered: (id: string) => call<Delivery>('POST', `/api/v1/deliveries/${enc(id)}/delivered`, {}),
};
