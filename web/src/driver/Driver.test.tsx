import { cleanup, render, screen } from '@testing-library/react';
import { DeliveryCard } from './Driver';

afterEach(cleanup);

test('a delivery shows who and where, with a link to the maps app', () => {
  render(<ul><DeliveryCard d={{
    id: 'dlv_1', store_id: 'str_1', order_id: 'ord_1', number: 9, status: 'out_for_delivery',
    address: { line1: '350 5th Ave', city: 'New York', notes: 'Ring twice' }, latitude: 40.748441, longitude: -73.985664,
    maps_url: 'https://www.google.com/maps/dir/?api=1&destination=40.748441,-73.985664', customer_name: 'Ana',
    driver_id: 'stf_1', run_id: 'run_1', ready_at: '', promised_at: '2026-03-02T18:30:00Z', eta: null,
  }} zone="America/New_York" /></ul>);
  expect(screen.getByRole('heading').textContent).toBe('#9 · Ana');
  expect(screen.getByText('350 5th Ave, New York')).toBeTruthy();
  expect(screen.getByText('Ring twice')).toBeTruthy();
  expect(screen.getByText(/^Promised/).textContent).toMatch(/Promised 1:30\s?PM/);
  expect(screen.getByRole('link', { name: 'Open in maps' }).getAttribute('href')).toMatch(/^https:\/\/www\.google\.com\/maps\/dir\//);
});
