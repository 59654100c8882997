import { applySnapshot, applyTicket, clock, emptyBoard, halves, type Snapshot, timer } from './board';
import { ticket } from './fixtures';

const snapshot = (over: Partial<Snapshot> = {}): Snapshot => ({
  seq: 5, station: 'make', server_time: '2026-03-02T18:05:00.000Z', stations: [], tickets: [], all_day: [], changed_since_last: [], ...over,
});

test('a snapshot replaces the board, in kitchen order, without voided or departed tickets', () => {
  const late = ticket({ id: 'b', number: 2, fired_at: '2026-03-02T18:03:00.000Z' });
  const rush = ticket({ id: 'c', number: 3, fired_at: '2026-03-02T18:04:00.000Z', priority: 'rush' });
  const voided = ticket({ id: 'd', number: 4, status: 'voided', at_station: false });
  const board = applySnapshot({ ...emptyBoard, tickets: [ticket({ id: 'gone' })] }, snapshot({ tickets: [late, ticket(), rush, voided] }),
    Date.parse('2026-03-02T18:04:58.000Z'));
  expect(board.tickets.map((t) => t.number)).toEqual([3, 1, 2]);
  expect(board.seq).toBe(5);
  expect(board.skewMs).toBe(2000);
});

test('after a reconnection the snapshot flashes tickets that are new or changed while away', () => {
  const first = applySnapshot(emptyBoard, snapshot({ tickets: [ticket()] }));
  expect(first.fresh).toEqual([]);
  const again = applySnapshot(first, snapshot({ seq: 9, tickets: [ticket(), ticket({ id: 'new', number: 7 })], changed_since_last: [] }));
  expect(again.fresh).toEqual(['new']);
});

test('ticket events add, replace and remove; a voided ticket never stays; old events are ignored', () => {
  let board = applySnapshot(emptyBoard, snapshot({ tickets: [ticket()] }));
  board = applyTicket(board, { seq: 6, ticket: ticket({ id: 'n', number: 2, fired_at: '2026-03-02T18:01:00.000Z' }), all_day: [{ name: 'Cheese', size: 'Large', count: 2 }] });
  expect(board.tickets.map((t) => t.id)).toEqual(['tkt_1', 'n']);
  expect(board.fresh).toEqual(['n']);
  expect(board.allDay).toEqual([{ name: 'Cheese', size: 'Large', count: 2 }]);
  board = applyTicket(board, { seq: 7, ticket: ticket({ status: 'making' }), all_day: [] });
  expect(board.tickets[0].status).toBe('making');
  board = applyTicket(board, { seq: 8, ticket: ticket({ id: 'n', number: 2, status: 'voided', at_station: false }), all_day: [] });
  expect(board.tickets.map((t) => t.id)).toEqual(['tkt_1']);
  expect(applyTicket(board, { seq: 3, ticket: ticket({ id: 'old' }), all_day: [] })).toBe(board);
  board = applyTicket(board, { seq: 9, ticket: ticket({ status: 'in_oven', at_station: false }), all_day: [] });
  expect(board.tickets).toEqual([]);
});

test("the timer turns to the store's warning, then late", () => {
  const t = ticket();
  const at = (s: number) => timer(t, Date.parse('2026-03-02T18:00:00.000Z') + s * 1000);
  expect(at(599)).toEqual({ seconds: 599, urgency: 'ok' });
  expect(at(600).urgency).toBe('warning');
  expect(at(900).urgency).toBe('late');
  expect(clock(605)).toBe('10:05');
});

test('toppings are listed by half', () => {
  expect(halves(ticket().items[0])).toEqual({ whole: ['Mozzarella'], left: ['Pepperoni'], right: ['Mushrooms (extra)'] });
});
