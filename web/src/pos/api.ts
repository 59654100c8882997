// The POS's own calls (kept out of the shared client, so the customer app does not load them).
import { call } from '../api/client';
import type { components } from '../api/schema';
import type { Order, OrderList } from '../api/types';

type S = components['schemas'];
export type CustomerMatches = S['CustomerMatches'];
export type CashierReport = S['CashierReport'];
export type CashierFigures = S['CashierFigures'];
export type RefundLine = S['RefundLine'];

const enc = encodeURIComponent;
export const pos = {
  findCustomers: (storeId: string, phone: string) =>
    call<CustomerMatches>('GET', `/api/v1/stores/${enc(storeId)}/customers?phone=${enc(phone)}`),
  orders: (storeId: string, limit = 50) => call<OrderList>('GET', `/api/v1/stores/${enc(storeId)}/orders?limit=${limit}`),
  cancel: (id: string, reason: string) => call<Order>('POST', `/api/v1/orders/${enc(id)}/cancel`, { reason }),
  status: (id: string, status: string) => call<Order>('POST', `/api/v1/orders/${enc(id)}/status`, { status }),
  refund: (id: string, body: { lines?: RefundLine[]; amount?: S['Money']; reason: string }, key: string) =>
    call<Order>('POST', `/api/v1/orders/${enc(id)}/refunds`, body, { 'Idempotency-Key': key }),
  day: (storeId: string, date: string, cashierId?: string) =>
    call<CashierReport>('GET', `/api/v1/reports/cashiers?store_id=${enc(storeId)}&from=${enc(date)}&to=${enc(date)}${
      cashierId ? `&cashier_id=${enc(cashierId)}` : ''}`),
};
