// The cart: lines the customer built, kept in localStorage per store until the order is placed.
import { useSyncExternalStore } from 'react';
import type { CartDeal, CartItem, QuoteRequest } from '../api/types';

export interface CartLine {
  key: string;
  name: string;
  summary: string;
  item?: CartItem;
  deal?: CartDeal;
}
export interface CartState {
  storeId: string | null;
  lines: CartLine[];
  type: 'carryout' | 'delivery';
  coupon: string;
  tipPercent: number;
  rewardId: string;
  address: { line1: string; city: string; latitude: number; longitude: number } | null;
  scheduledFor: string | null;
}

const KEY = 'vetahut.cart';
const empty: CartState = { storeId: null, lines: [], type: 'carryout', coupon: '', tipPercent: 0, rewardId: '', address: null, scheduledFor: null };
let state: CartState = load();
const listeners = new Set<() => void>();

function load(): CartState {
  try {
    const raw = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null;
    return raw ? { ...empty, ...JSON.parse(raw) } : empty;
  } catch {
    return empty;
  }
}

export function getCart(): CartState {
  return state;
}

export function updateCart(change: Partial<CartState> | ((s: CartState) => Partial<CartState>)): void {
  const patch = typeof change === 'function' ? change(state) : change;
  state = { ...state, ...patch };
  try {
    localStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    /* private mode: the cart lives as long as the page */
  }
  listeners.forEach((l) => l());
}

/** Adds a line; a cart for another store starts over (prices and availability are per store). */
export function addLine(storeId: string, line: Omit<CartLine, 'key'>): void {
  updateCart((s) => ({
    storeId,
    lines: [...(s.storeId === storeId ? s.lines : []), { ...line, key: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}` }],
  }));
}

export function removeLine(key: string): void {
  updateCart((s) => ({ lines: s.lines.filter((l) => l.key !== key) }));
}

export function clearCart(): void {
  updateCart({ lines: [], coupon: '', rewardId: '', scheduledFor: null });
}

export function useCart(): CartState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

/** The quote request for the cart (tip as a share of the subtotal is computed by the caller). */
export function quoteRequest(cart: CartState, tip?: { amount: number; currency: string }): QuoteRequest {
  const req: QuoteRequest = {
    store_id: cart.storeId ?? '',
    type: cart.type,
    items: cart.lines.filter((l) => l.item).map((l) => l.item as CartItem),
  };
  const deals = cart.lines.filter((l) => l.deal).map((l) => l.deal as CartDeal);
  if (deals.length) req.deals = deals;
  if (cart.coupon.trim()) req.coupon_code = cart.coupon.trim();
  if (cart.rewardId) req.reward_id = cart.rewardId;
  if (tip && tip.amount > 0) req.tip = tip;
  if (cart.type === 'delivery' && cart.address) req.address = cart.address;
  if (cart.scheduledFor) req.scheduled_for = cart.scheduledFor;
  return req;
}
