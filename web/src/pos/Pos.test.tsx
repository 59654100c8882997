import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { OrderActions } from './Pos';

afterEach(cleanup);

const order = (status: string, type = 'carryout') => ({ id: 'ord_1', number: 7, status, type }) as Parameters<typeof OrderActions>[0]['order'];
const noop = () => {};

test('a cashier is never shown the refund button, a manager is on a completed order', () => {
  render(<OrderActions order={order('picked_up')} roles={['cashier']} onHandOver={noop} onCancel={noop} onRefund={noop} />);
  expect(screen.queryByRole('button', { name: /Refund/ })).toBeNull();
  expect(screen.getByRole('link', { name: 'Receipt' }).getAttribute('href')).toBe('/pos/receipt/ord_1');
  cleanup();
  const onRefund = vi.fn();
  render(<OrderActions order={order('picked_up')} roles={['store_manager']} onHandOver={noop} onCancel={noop} onRefund={onRefund} />);
  fireEvent.click(screen.getByRole('button', { name: 'Refund order #7' }));
  expect(onRefund).toHaveBeenCalledOnce();
  expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();  // a completed order is refunded, not cancelled
});

test('a ready carry-out is handed over and can still be cancelled; a delivery goes with the driver', () => {
  const onHandOver = vi.fn();
  render(<OrderActions order={order('ready')} roles={['cashier']} onHandOver={onHandOver} onCancel={noop} onRefund={noop} />);
  fireEvent.click(screen.getByRole('button', { name: 'Hand over' }));
  expect(onHandOver).toHaveBeenCalledOnce();
  expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
  cleanup();
  render(<OrderActions order={order('ready', 'delivery')} roles={['cashier']} onHandOver={noop} onCancel={noop} onRefund={noop} />);
  expect(screen.queryByRole('button', { name: 'Hand over' })).toBeNull();
  cleanup();
  render(<OrderActions order={order('ready')} roles={['cook']} onHandOver={noop} onCancel={noop} onRefund={noop} />);
  expect(screen.queryAllByRole('button')).toHaveLength(0);  // no counter role, no action
});
