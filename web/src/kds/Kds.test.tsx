import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ticket } from './fixtures';
import { TicketCard } from './Kds';

afterEach(cleanup);

test('a ticket shows each half, the timer in its colour, and bumps an item or the whole ticket', () => {
  const onBump = vi.fn();
  const t = ticket({ number: 12 });
  render(<TicketCard ticket={t} now={Date.parse('2026-03-02T18:10:30.000Z')} expo={false} fresh={false} stations={[]} onBump={onBump} />);
  expect(screen.getByText(/Left ½:/).parentElement?.textContent).toBe('Left ½: Pepperoni');
  expect(screen.getByText(/Right ½:/).parentElement?.textContent).toBe('Right ½: Mushrooms (extra)');
  expect(screen.getByTestId('timer').textContent).toBe('10:30 !');
  expect(screen.getByTestId('ticket').dataset.urgency).toBe('warning');
  fireEvent.click(screen.getByRole('button', { name: /^Cheese/ }));
  expect(onBump).toHaveBeenLastCalledWith(t, 0);
  fireEvent.click(screen.getByRole('button', { name: 'Bump #12' }));
  expect(onBump).toHaveBeenLastCalledWith(t);
});

test('the expo view shows where each item is and hands a ready ticket over; items are not buttons', () => {
  const onBump = vi.fn();
  const { unmount } = render(<TicketCard ticket={ticket({ number: 2 })} now={0} expo fresh={false} stations={[]} onBump={onBump} />);
  expect(screen.getByTestId('expo-wait').textContent).toBe('Not ready yet');
  unmount();
  render(<TicketCard ticket={ticket({ number: 4, status: 'ready', order_type: 'delivery' })} now={0} expo fresh={false} stations={[]} onBump={onBump} />);
  expect(screen.getByTestId('expo-wait').textContent).toBe('Ready · waits for its driver');
  cleanup();
  const t = ticket({ number: 3, status: 'ready' });
  render(<TicketCard ticket={t} now={Date.parse('2026-03-02T18:16:00.000Z')} expo fresh stations={[{ id: 'make', name: 'Make line', kind: 'line' }]} onBump={onBump} />);
  expect(screen.getByText('To make · Make line')).toBeTruthy();
  expect(screen.queryByRole('button', { name: /Bump Cheese/ })).toBeNull();
  expect(screen.getByTestId('timer').textContent).toBe('16:00 late');
  fireEvent.click(screen.getByRole('button', { name: 'Hand over #3' }));
  expect(onBump).toHaveBeenCalledWith(t);
});
