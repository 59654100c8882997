import { cleanup, render, screen } from '@testing-library/react';
import { Admin } from './Admin';
import { ApiError } from '../api/client';
import { ChartView } from './Chart';
import { explain } from './common';
import { ZonePreview } from './StoreSettings';

// An unsigned token with the claims the console reads (the server verifies signatures; the
// console only decides what to show from them).
const token = (claims: object) => `x.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.x`;
const signIn = (claims: object) =>
  localStorage.setItem('vetahut.admin', JSON.stringify({ access: token(claims), expiresAt: Date.now() + 600_000 }));

afterEach(() => {
  cleanup();
  localStorage.clear();
  history.replaceState(null, '', '/');
});

test('a cook is told the console is not for their role, and nothing of the console is shown', () => {
  signIn({ sub: 'stf_cook', kind: 'staff', roles: ['cook'], stores: ['str_1'] });
  render(<Admin />);
  expect(screen.getByTestId('refused').textContent).toMatch(/not for your role.*\(cook\)/s);
  expect(screen.queryByRole('navigation')).toBeNull();
  expect(screen.queryByText('Live board')).toBeNull();
});

test('a manager is offered their store’s screens and no chain menu editor', () => {
  history.replaceState(null, '', '/admin/?store=str_1#staff');
  signIn({ sub: 'stf_mgr', kind: 'staff', roles: ['store_manager'], stores: ['str_1'] });
  render(<Admin />);
  const links = screen.getAllByRole('link').map((a) => a.textContent);
  expect(links).toEqual(['Live board', 'Menu at this store', 'Hours & zones', 'Inventory', 'Staff & devices', 'Reports']);
  // Staff & devices for a manager: device codes, but neither the staff list nor adding staff.
  expect(screen.getByRole('button', { name: 'Create code' })).toBeTruthy();
  expect(screen.queryByRole('button', { name: 'Add staff member' })).toBeNull();
  expect(screen.queryByRole('table', { name: 'Staff' })).toBeNull();
});

test('a chart has its numbers in a table, and an empty period says so instead of drawing nothing', () => {
  const series = { title: 'Channel split', kind: 'doughnut' as const, labels: ['Web', 'Kiosk'], datasets: [{ label: 'Orders', data: [2, 1], unit: 'count' as const }] };
  const { unmount } = render(<ChartView id="c" series={series} />);
  expect(screen.getByRole('figure', { name: 'Channel split' })).toBeTruthy();
  expect(screen.getAllByRole('row').map((r) => r.textContent)).toEqual(['Orders', 'Web2', 'Kiosk1']);
  unmount();
  render(<ChartView id="c" series={{ ...series, labels: [], datasets: [{ ...series.datasets[0], data: [] }] }} />);
  expect(screen.getByText('No data for this period.')).toBeTruthy();
  expect(screen.queryByRole('img')).toBeNull();
});

test('a zone preview draws the polygon and the store', () => {
  render(<ZonePreview label="Core, drawn" store={[-73.95, 40.75]}
    polygon={{ type: 'Polygon', coordinates: [[[-74, 40.7], [-73.9, 40.7], [-73.9, 40.8], [-74, 40.8], [-74, 40.7]]] }} />);
  const svg = screen.getByRole('img', { name: 'Core, drawn' });
  expect(svg.querySelector('path')?.getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){4} Z$/);
  expect(svg.querySelector('circle')?.getAttribute('cy')).toBe('110');
});

test('errors in words: a 403 with the server’s reason, a refused form with every field, no connection', () => {
  expect(explain(new ApiError(403, 'role store_manager may not edit, publish and schedule menu versions'))).toBe(
    'You are not allowed to do this. The server said: role store_manager may not edit, publish and schedule menu versions.');
  expect(explain(new ApiError(422, 'is required', [{ field: 'reason', message: 'is required for waste' }, { field: 'quantity', message: 'must not be 0' }]))).toBe(
    'Not saved: reason is required for waste; quantity must not be 0.');
  expect(explain(new ApiError(0, 'offline'))).toBe('The server cannot be reached: check the connection.');
});
