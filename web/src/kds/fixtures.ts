import type { KitchenTicket } from './board';

/** A make-line ticket for the tests: one large half-and-half pizza, fired at 18:00. */
export function ticket(over: Partial<KitchenTicket> = {}): KitchenTicket {
  return {
    id: 'tkt_1', order_id: 'ord_1', number: 1, order_type: 'carryout', channel: 'web', customer_name: '', status: 'queued',
    priority: 'normal', placed_at: '2026-03-02T18:00:00.000Z', fired_at: '2026-03-02T18:00:00.000Z', promised_ready_at: '',
    ready_at: null, lateness: { warning_seconds: 600, late_seconds: 900 }, at_station: true,
    items: [{ index: 0, line: 0, deal: '', product_id: 'cheese_pizza', name: 'Cheese', kind: 'pizza', size: 'Large', crust: 'Thin',
      toppings: [
        { topping_id: 'mozzarella', name: 'Mozzarella', portion: 'whole', amount: 'normal' },
        { topping_id: 'pepperoni', name: 'Pepperoni', portion: 'left', amount: 'normal' },
        { topping_id: 'mushrooms', name: 'Mushrooms', portion: 'right', amount: 'extra' },
      ], removed: [], notes: '', station: 'make', status: 'queued', since: '2026-03-02T18:00:00.000Z' }],
    ...over,
  };
}
