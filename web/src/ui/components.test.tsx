import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Menu, MenuProduct } from '../api/types';
import { MenuView } from './MenuView';
import { PizzaBuilder } from './PizzaBuilder';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const pizza: MenuProduct = {
  id: 'cheese_pizza', kind: 'pizza', name: 'Cheese', default_toppings: [], available: true,
  sizes: [{ id: 'medium', name: 'Medium', price: usd(1299), calories: 1800, allergens: ['gluten', 'milk'] }, { id: 'large', name: 'Large', price: usd(1499) }],
  crusts: [],
  modifier_groups: [{ id: 'meat', name: 'Meat', min_selections: 0, max_selections: 3, options: [
    { topping_id: 'pepperoni', name: 'Pepperoni', is_default: false, prices: [], available: true },
    { topping_id: 'ham', name: 'Ham', is_default: false, prices: [], available: false },
  ] }],
};
const soldOut: MenuProduct = { ...pizza, id: 'wings', kind: 'side', name: 'Wings', available: false, modifier_groups: [] };
const menu = { version_id: 'v1', locale: 'en', currency: 'USD', tax_mode: 'exclusive', categories: [{ id: 'pizzas', name: 'Pizzas', products: [pizza, soldOut], deals: [] }] } as Menu;

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

test("the menu shows allergens and calories, and an 86'd item as sold out without a button", () => {
  render(<MenuView menu={menu} onProduct={() => {}} onDeal={() => {}} />);
  expect(screen.getAllByText(/1800 kcal · Allergens: gluten, milk/)).toHaveLength(2); // the pizza and the sold-out wings
  expect(screen.getByRole('button', { name: 'Build it: Cheese' })).toBeTruthy();
  expect(screen.queryByRole('button', { name: /Wings/ })).toBeNull();
  expect(screen.getByTestId('unavailable').textContent).toBe('Sold out today');
});

test('the builder prices a half-and-half pizza with the server quote and adds what was priced', async () => {
  const quoted: unknown[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
    const body = JSON.parse(String(init?.body));
    quoted.push(body);
    const half = body.items[0].toppings?.length ? 125 : 0;
    const unit = usd(1299 + half);
    return new Response(JSON.stringify({ currency: 'USD', lines: [{ name: 'Cheese', quantity: 1, unit_price: unit, line_total: unit }],
      subtotal: unit, discount_total: usd(0), tax_total: usd(0), delivery_fee: usd(0), tip: usd(0), total: unit, promised_at: '2026-01-01T00:00:00Z' }), { status: 200 });
  });
  const onAdd = vi.fn();
  render(<PizzaBuilder product={pizza} storeId="str_1" orderType="carryout" onAdd={onAdd} onClose={() => {}} />);
  await waitFor(() => expect(screen.getByTestId('builder-price').textContent).toBe('Price: $12.99'));
  expect((screen.getByLabelText(/Ham: Whole/) as HTMLSelectElement).disabled).toBe(true);
  await act(async () => {
    fireEvent.change(screen.getByLabelText(/Pepperoni: Whole/), { target: { value: 'left' } });
  });
  await waitFor(() => expect(screen.getByTestId('builder-price').textContent).toBe('Price: $14.24'));
  expect(quoted[quoted.length - 1]).toMatchObject({ store_id: 'str_1', type: 'carryout', items: [{ product_id: 'cheese_pizza', toppings: [{ topping_id: 'pepperoni', portion: 'left', amount: 'normal' }] }] });
  fireEvent.click(screen.getByRole('button', { name: /Add to cart · \$14.24/ }));
  expect(onAdd).toHaveBeenCalledWith(expect.objectContaining({ toppings: [{ topping_id: 'pepperoni', portion: 'left', amount: 'normal' }] }), expect.anything());
});
