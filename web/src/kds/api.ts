// The kitchen display's calls (kept out of the shared client, so the customer app does not load them).
import { call } from '../api/client';
import type { KitchenStation, KitchenTicket } from './board';

const enc = encodeURIComponent;
export const kitchen = {
  setup: (storeId: string) => call<{ stations: KitchenStation[] }>('GET', `/api/v1/stores/${enc(storeId)}/kitchen/setup`),
  streamUrl: (storeId: string, station: string) =>
    `/api/v1/stores/${enc(storeId)}/kitchen/stream${station ? `?station=${enc(station)}` : ''}`,
  /** Bumps one item (its index) or every item of the ticket at the station. */
  bump: (ticketId: string, station: string, item?: number) =>
    call<KitchenTicket>('POST', `/api/v1/kitchen/tickets/${enc(ticketId)}/bump`, item === undefined ? { station } : { station, item }),
  recall: (ticketId: string) => call<KitchenTicket>('POST', `/api/v1/kitchen/tickets/${enc(ticketId)}/recall`, {}),
};
