// The one way the apps talk to the server: same origin, JSON in and out, problem+json errors
// turned into ApiError with the server's field messages. Card numbers go only to tokenizeCard.
import type {
  Account, CardInput, CardToken, DeliveryCheck, DeviceCredentials, GuestOrderRequest, Loyalty, Menu, Order, OrderList,
  OrderRequest, Placement, Quote, QuoteRequest, RegisterRequest, SavedAddress, Slots, Store, StoreList, TokenGrant,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
  /** The server's message for a field (or the first one), for showing next to the input. */
  fieldMessage(field?: string): string | undefined {
    const found = field ? this.fields.find((f) => f.field === field) : this.fields[0];
    return found?.message;
  }
}

let bearer: string | null = null;
/** The access token sent with every call (a signed-in customer, or the kiosk's device token). */
export function setAccessToken(token: string | null): void {
  bearer = token;
}

/** Turns a fetch answer into its JSON, or an ApiError with the server's field messages. */
async function read<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const message = data?.errors?.[0]?.message ?? data?.detail ?? data?.error_description ?? res.statusText;
    throw new ApiError(res.status, message, data?.errors ?? []);
  }
  return data as T;
}

declare global {
  interface Window {
    /** What index.html started for a store's menu page (see the script there). */
    __vetahutPrefetch?: {
      key: string;
      store: Promise<Response>;
      menu: Promise<Response>;
      data: Promise<[Store, Menu] | null>;  // null: an answer was an error, left unread
      ready?: [Store, Menu] | null;
    };
  }
}

/** index.html's requests if they are for this store and locale; taken once. */
function takePrefetchFor(id: string, locale: string) {
  const p = typeof window !== 'undefined' ? window.__vetahutPrefetch : undefined;
  if (!p || p.key !== `${encodeURIComponent(id)}|${locale}`) return null;
  window.__vetahutPrefetch = undefined;
  return p;
}

/** The store and menu index.html already fetched and read for this page (else null). */
function takeReady(id: string, locale: string): [Store, Menu] | null {
  const p = window.__vetahutPrefetch;
  return p?.ready ? (takePrefetchFor(id, locale)?.ready ?? null) : null;
}

/** The store and menu from the requests index.html started for this page (else null). */
function takePrefetch(id: string, locale: string): Promise<[Store, Menu]> | null {
  const p = takePrefetchFor(id, locale);
  if (!p) return null;
  return p.data.then(
    (d) => d ?? Promise.all([p.store.then((r) => read<Store>(r)), p.menu.then((r) => read<Menu>(r))]),
    () => Promise.reject(new ApiError(0, 'offline')),
  );
}

/** One call to the API (the kitchen display and the driver app keep their own calls beside them). */
export async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers } };
  if (bearer) (init.headers as Record<string, string>).Authorization = `Bearer ${bearer}`;
  if (body instanceof URLSearchParams) {
    init.body = body;
  } else if (body !== undefined) {
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'offline');
  }
  return read<T>(res);
}

const enc = encodeURIComponent;
export const api = {
  findStores: (lat: number, lon: number, limit = 10) => call<StoreList>('GET', `/api/v1/stores?lat=${lat}&lon=${lon}&limit=${limit}`),
  store: (id: string) => call<Store>('GET', `/api/v1/stores/${enc(id)}`),
  deliveryCheck: (id: string, lat: number, lon: number) =>
    call<DeliveryCheck>('GET', `/api/v1/stores/${enc(id)}/delivery-check?lat=${lat}&lon=${lon}`),
  slots: (id: string, type: string, date: string) => call<Slots>('GET', `/api/v1/stores/${enc(id)}/slots?type=${type}&date=${date}`),
  /** A store and its menu; the requests index.html already started for this page if they match. */
  /** The same, if index.html has them already: the page's first render can show the menu. */
  storeAndMenuNow: (id: string, locale: string): [Store, Menu] | null => takeReady(id, locale),
  storeAndMenu: (id: string, locale: string): Promise<[Store, Menu]> =>
    takePrefetch(id, locale) ?? Promise.all([api.store(id), api.menu(id, locale)]),
  menu: (id: string, locale: string) => call<Menu>('GET', `/api/v1/stores/${enc(id)}/menu?locale=${enc(locale)}`),
  quote: (cart: QuoteRequest) => call<Quote>('POST', '/api/v1/quotes', cart),
  /** The only call that ever carries a card number. */
  tokenizeCard: (card: CardInput, guest: boolean) =>
    call<CardToken>('POST', guest ? '/api/v1/guest/payments/tokens' : '/api/v1/payments/tokens', card),
  placeOrder: (order: OrderRequest, key: string) => call<Placement>('POST', '/api/v1/orders', order, { 'Idempotency-Key': key }),
  placeGuestOrder: (order: GuestOrderRequest, key: string) =>
    call<Placement>('POST', '/api/v1/guest/orders', order, { 'Idempotency-Key': key }),
  order: (id: string) => call<Order>('GET', `/api/v1/orders/${enc(id)}`),
  tracked: (key: string) => call<Order>('GET', `/api/v1/tracking/${enc(key)}`),
  signIn: (email: string, password: string) =>
    call<TokenGrant>('POST', '/api/v1/auth/token', new URLSearchParams({ grant_type: 'password', username: email, password })),
  refresh: (refreshToken: string) =>
    call<TokenGrant>('POST', '/api/v1/auth/token', new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken })),
  deviceToken: (clientId: string, secret: string) =>
    call<TokenGrant>('POST', '/api/v1/auth/token',
      new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret })),
  provision: (code: string) => call<DeviceCredentials>('POST', '/api/v1/devices/provision', { code }),
  register: (r: RegisterRequest) => call<Account>('POST', '/api/v1/auth/register', r),
  logout: () => call<void>('POST', '/api/v1/auth/logout', {}),
  me: () => call<Account>('GET', '/api/v1/me'),
  myOrders: (limit = 20) => call<OrderList>('GET', `/api/v1/me/orders?limit=${limit}`),
  loyalty: () => call<Loyalty>('GET', '/api/v1/me/loyalty'),
  addresses: () => call<{ items: SavedAddress[] }>('GET', '/api/v1/me/addresses'),
  addAddress: (a: Omit<SavedAddress, 'id'>) => call<SavedAddress>('POST', '/api/v1/me/addresses', a),
  deleteAddress: (id: string) => call<void>('DELETE', `/api/v1/me/addresses/${enc(id)}`),
  favourite: (itemId: string, on: boolean) => call<void>(on ? 'PUT' : 'DELETE', `/api/v1/me/favourites/${enc(itemId)}`),
};

/**
 * Who an access token is for, from its claims (no call needed): the staff member or device, their
 * stores and roles. Shown to decide what a screen offers; the server checks every call itself.
 */
export function tokenClaims(token: string): { subject: string; stores: string[]; roles: string[] } {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return { subject: String(payload.sub ?? ''), stores: payload.stores ?? [], roles: payload.roles ?? [] };
  } catch {
    return { subject: '', stores: [], roles: [] };
  }
}

/** The token calls are sent with now (a stream asks for it before every reconnection). */
export function accessToken(): string | null {
  return bearer;
}

/** A fresh Idempotency-Key: one per order attempt, reused when the same attempt is retried. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * Places an order with one Idempotency-Key until the server has answered that attempt: once more
 * after a lost connection (the request may have reached the server: the same key finds the order),
 * and again each second while the server says the first request with the key is still being placed
 * (409 — on another replica, say; decision 0043), up to `maxWaits` times. Any other answer is final.
 */
export async function placeWithKey<T>(
  placeOnce: () => Promise<T>,
  { maxWaits = 30, wait = (ms: number) => new Promise<void>((done) => setTimeout(done, ms)) } = {},
): Promise<T> {
  let lost = 0;
  let waits = 0;
  for (;;) {
    try {
      return await placeOnce();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 0 && lost++ < 1) continue;
      if (e.status === 409 && waits++ < maxWaits) {
        await wait(1000);
        continue;
      }
      throw e;
    }
  }
}
