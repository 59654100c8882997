import type { MenuProduct } from '../api/types';
import { describe as describePizza, initialState, toCartItem, toppingOptions } from './pizza';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const product: MenuProduct = {
  id: 'pepperoni_pizza', kind: 'pizza', name: 'Pepperoni', default_toppings: ['pepperoni'], available: true,
  sizes: [{ id: 'small', name: 'Small', price: usd(999) }, { id: 'medium', name: 'Medium', price: usd(1299) }, { id: 'large', name: 'Large', price: usd(1499) }],
  crusts: [{ id: 'thin', name: 'Thin', is_default: false, upcharges: [], available: true }, { id: 'hand_tossed', name: 'Hand-tossed', is_default: true, upcharges: [], available: true }],
  modifier_groups: [
    { id: 'cheese', name: 'Cheese', min_selections: 0, max_selections: 2, options: [{ topping_id: 'mozzarella', name: 'Mozzarella', is_default: true, prices: [], available: true }] },
    { id: 'meat', name: 'Meat', min_selections: 0, max_selections: 5, options: [
      { topping_id: 'pepperoni', name: 'Pepperoni', is_default: false, prices: [], available: true },
      { topping_id: 'ham', name: 'Ham', is_default: false, prices: [], available: true },
      { topping_id: 'mushrooms', name: 'Mushrooms', is_default: false, prices: [], available: true },
    ] },
  ],
};

describe('the pizza builder', () => {
  test('starts with the middle size, the default crust and the defaults on the whole pizza', () => {
    const s = initialState(product);
    expect(s.size).toBe('medium');
    expect(s.crust).toBe('hand_tossed');
    expect(s.toppings).toEqual({ pepperoni: { portion: 'whole', amount: 'normal' }, mozzarella: { portion: 'whole', amount: 'normal' } });
    expect(toCartItem(product, s)).toEqual({ product_id: 'pepperoni_pizza', quantity: 1, size: 'medium', crust: 'hand_tossed' });
  });

  test('sends half-and-half toppings with their portion and amount', () => {
    const s = initialState(product);
    s.toppings.ham = { portion: 'left', amount: 'normal' };
    s.toppings.mushrooms = { portion: 'right', amount: 'extra' };
    expect(toCartItem(product, s).toppings).toEqual([
      { topping_id: 'ham', portion: 'left', amount: 'normal' },
      { topping_id: 'mushrooms', portion: 'right', amount: 'extra' },
    ]);
  });

  test('a default taken off is removed; a default moved to a half is removed and added back there', () => {
    const s = initialState(product);
    s.toppings.mozzarella = { portion: 'none', amount: 'normal' };
    s.toppings.pepperoni = { portion: 'left', amount: 'extra' };
    const item = toCartItem(product, s);
    expect(item.removed_toppings).toEqual(['mozzarella', 'pepperoni']);
    expect(item.toppings).toEqual([{ topping_id: 'pepperoni', portion: 'left', amount: 'extra' }]);
    expect(describePizza(product, item, { left: 'Left half', right: 'Right half', light: 'Light', extra: 'Extra' }))
      .toBe('Medium · Hand-tossed · Pepperoni (Left half, Extra) · − Mozzarella');
  });

  test('lists every topping once', () => {
    expect(toppingOptions(product).map((o) => o.topping_id)).toEqual(['mozzarella', 'pepperoni', 'ham', 'mushrooms']);
  });
});
