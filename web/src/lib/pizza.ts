// The pizza builder's rules, pure: what the customer picked → the cart item the server prices.
import type { CartItem, MenuProduct, MenuToppingOption, Topping } from '../api/types';

export type Portion = 'none' | 'whole' | 'left' | 'right';
export type Amount = 'light' | 'normal' | 'extra';
export interface ToppingChoice {
  portion: Portion;
  amount: Amount;
}
export interface BuilderState {
  size: string;
  crust?: string;
  toppings: Record<string, ToppingChoice>;
  quantity: number;
}

/** Every topping the product offers, once, in menu order. */
export function toppingOptions(product: MenuProduct): MenuToppingOption[] {
  const seen = new Set<string>();
  const out: MenuToppingOption[] = [];
  for (const g of product.modifier_groups) {
    for (const o of g.options) {
      if (!seen.has(o.topping_id)) {
        seen.add(o.topping_id);
        out.push(o);
      }
    }
  }
  return out;
}

/** The toppings a product comes with: its own defaults and its groups' default options (as the server prices them). */
export function defaultToppings(product: MenuProduct): Set<string> {
  const ids = new Set(product.default_toppings);
  for (const g of product.modifier_groups) for (const o of g.options) if (o.is_default) ids.add(o.topping_id);
  return ids;
}

/** The product as it comes: its default size (the middle one) and crust, its default toppings whole. */
export function initialState(product: MenuProduct): BuilderState {
  const sizes = product.sizes;
  const size = sizes[Math.floor((sizes.length - 1) / 2)]?.id ?? sizes[0]?.id ?? '';
  const crust = product.crusts.find((c) => c.is_default && c.available)?.id ?? product.crusts.find((c) => c.available)?.id;
  const toppings: Record<string, ToppingChoice> = {};
  for (const id of defaultToppings(product)) toppings[id] = { portion: 'whole', amount: 'normal' };
  return { size, crust, toppings, quantity: 1 };
}

/** The cart item for the server: added toppings with portion and amount, removed defaults. */
export function toCartItem(product: MenuProduct, state: BuilderState): CartItem {
  const defaults = defaultToppings(product);
  const toppings: Topping[] = [];
  const removed: string[] = [];
  for (const option of toppingOptions(product)) {
    const choice = state.toppings[option.topping_id];
    const on = choice && choice.portion !== 'none';
    if (defaults.has(option.topping_id)) {
      if (!on) removed.push(option.topping_id);
      else if (choice.portion !== 'whole' || choice.amount !== 'normal') {
        removed.push(option.topping_id);
        toppings.push({ topping_id: option.topping_id, portion: choice.portion as Topping['portion'], amount: choice.amount });
      }
    } else if (on) {
      toppings.push({ topping_id: option.topping_id, portion: choice.portion as Topping['portion'], amount: choice.amount });
    }
  }
  const item: CartItem = { product_id: product.id, quantity: state.quantity };
  if (state.size) item.size = state.size;
  if (state.crust) item.crust = state.crust;
  if (toppings.length) item.toppings = toppings;
  if (removed.length) item.removed_toppings = removed;
  return item;
}

/** A one-line description for the cart: "Large · Thin · Pepperoni (left) · Mushrooms (right, extra)". */
export function describe(product: MenuProduct, item: CartItem, labels: Record<string, string>): string {
  const parts: string[] = [];
  const size = product.sizes.find((s) => s.id === item.size);
  if (size && product.sizes.length > 1) parts.push(size.name);
  const crust = product.crusts.find((c) => c.id === item.crust);
  if (crust && product.crusts.length > 1) parts.push(crust.name);
  const names = new Map(toppingOptions(product).map((o) => [o.topping_id, o.name]));
  for (const t of item.toppings ?? []) {
    const extra = [t.portion && t.portion !== 'whole' ? labels[t.portion] : '', t.amount && t.amount !== 'normal' ? labels[t.amount] : '']
      .filter(Boolean)
      .join(', ');
    parts.push(`${names.get(t.topping_id) ?? t.topping_id}${extra ? ` (${extra})` : ''}`);
  }
  for (const r of item.removed_toppings ?? []) {
    if (!(item.toppings ?? []).some((t) => t.topping_id === r)) parts.push(`− ${names.get(r) ?? r}`);
  }
  return parts.join(' · ');
}
