import { addressLine, claims, type Delivery, mapsLink, offers, pingDue } from './driver';

const delivery = (over: Partial<Delivery> = {}): Delivery => ({
  id: 'dlv_1', store_id: 'str_1', order_id: 'ord_1', number: 4, status: 'waiting',
  address: { line1: '350 5th Ave', city: 'New York' }, latitude: 40.748441, longitude: -73.985664,
  maps_url: 'https://www.google.com/maps/dir/?api=1&destination=40.748441,-73.985664', customer_name: 'Ana',
  driver_id: null, run_id: null, ready_at: '', promised_at: '', eta: null, ...over,
});

test("a token's claims name the driver and their store", () => {
  const body = btoa(JSON.stringify({ sub: 'stf_1', roles: ['driver'], stores: ['str_1'] })).replace(/=+$/, '');
  expect(claims(`h.${body}.s`)).toEqual({ subject: 'stf_1', roles: ['driver'], stores: ['str_1'] });
  expect(claims('garbage').stores).toEqual([]);
});

test('addresses read as one line; the maps link opens the phone’s maps app', () => {
  expect(addressLine(delivery())).toBe('350 5th Ave, New York');
  expect(addressLine(delivery({ address: {} }))).toBe('40.74844, -73.98566');
  expect(mapsLink(delivery(), 'Mozilla/5.0 (Linux; Android 14)')).toBe('geo:40.748441,-73.985664?q=40.748441,-73.985664(%234)');
  expect(mapsLink(delivery(), 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)')).toBe('https://maps.apple.com/?daddr=40.748441,-73.985664');
  expect(mapsLink(delivery(), 'Mozilla/5.0 (X11; Linux x86_64)')).toBe(delivery().maps_url);
});

test('runs suggested for this driver come first, then every other waiting delivery alone', () => {
  const data = {
    deliveries: [delivery({ id: 'a' }), delivery({ id: 'b' }), delivery({ id: 'c' }), delivery({ id: 'd', status: 'out_for_delivery' })],
    suggested_runs: [{ delivery_ids: ['a', 'c'], driver_id: 'me', driver_name: 'Me' }, { delivery_ids: ['b'], driver_id: 'other', driver_name: 'O' }],
  };
  expect(offers(data, 'me')).toEqual([{ ids: ['a', 'c'], mine: true }, { ids: ['b'], mine: false }]);
  expect(offers(data, 'someone')).toEqual([{ ids: ['a'], mine: false }, { ids: ['b'], mine: false }, { ids: ['c'], mine: false }]);
});

test('positions go at once, then every 15 s', () => {
  expect(pingDue(null, 0)).toBe(true);
  expect(pingDue(1000, 15999)).toBe(false);
  expect(pingDue(1000, 16000)).toBe(true);
});
