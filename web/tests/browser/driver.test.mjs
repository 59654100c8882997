// The driver app (issue 16) in Debian's Chromium as a phone (390×844, touch, a granted
// position) against a real `vetahut serve --demo`: the demo driver signs in, clocks in at
// Midtown, sees the waiting delivery with its address and maps link, takes it (out for
// delivery), sends positions while on the run, delivers it and clocks out. axe-core on every
// screen; screenshots under build/web-screenshots.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axe, launchBrowser, openPage, shot, startPlatform } from './harness.mjs';

let platform;
let browser;
let customer;
const a11y = [];

before(async () => {
  platform = await startPlatform();
  browser = await launchBrowser();
  customer = await platform.token('customer@demo.vetahut.test', 'demo-customer-password');
});
after(async () => {
  await browser?.close();
  await platform?.stop();
});

const EMPIRE = { latitude: 40.748441, longitude: -73.985664 };

/** A delivery order to the Empire State Building, made ready by the kitchen through the API. */
async function readyDelivery() {
  const placed = await platform.api('POST', '/api/v1/orders', {
    token: customer,
    headers: { 'Idempotency-Key': `driver-test-${Date.now()}` },
    body: { store_id: platform.midtown, type: 'delivery', payment: { method: 'pay_at_store' },
      address: { line1: '350 5th Ave', city: 'New York', ...EMPIRE },
      items: [{ product_id: 'cheese_pizza', size: 'large', crust: 'hand_tossed', quantity: 2 }] },
  });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  for (let i = 0; i < 60; i++) {
    const list = await platform.api('GET', `/api/v1/stores/${platform.midtown}/kitchen/tickets`, { token: platform.manager });
    const ticket = list.body.tickets.find((t) => t.order_id === placed.body.id);
    if (ticket?.status === 'ready') return placed.body;
    if (!ticket) { // the kitchen hears of the order a moment after it is placed
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const station = ticket?.items.find((it) => it.station)?.station;
    const bumped = await platform.api('POST', `/api/v1/kitchen/tickets/${ticket.id}/bump`, { token: platform.manager, body: { station } });
    assert.equal(bumped.status, 200, JSON.stringify(bumped.body));
  }
  throw new Error('the ticket did not become ready');
}

describe('driver app', () => {
  test('sign in, clock in, take the waiting delivery, share the position, deliver it, clock out', async () => {
    const order = await readyDelivery();
    const { context, page } = await openPage(browser, platform, {
      viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
      geolocation: { latitude: 40.7496, longitude: -73.9912 }, permissions: ['geolocation'],
    });
    await page.goto('/driver/');
    a11y.push(...(await axe(page, 'driver sign-in')));
    await page.getByLabel('Email').fill('driver@demo.vetahut.test');
    await page.getByLabel('Password').fill('demo-driver-password');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('button', { name: /Clock in at Veta Hut Midtown/ }).click();
    await page.locator('[data-testid="shift"][data-on="true"]').waitFor();
    assert.match(await page.getByTestId('shift').textContent(), /On shift at Veta Hut Midtown/);

    // The waiting delivery: its address and a maps link.
    const offer = page.getByTestId('offer').filter({ has: page.locator(`[data-number="${order.number}"]`) });
    await offer.waitFor();
    assert.match(await offer.textContent(), /350 5th Ave, New York/);
    assert.match(await offer.getByRole('link', { name: 'Open in maps' }).getAttribute('href'), /40\.748441,-73\.985664/);
    a11y.push(...(await axe(page, 'driver offers')));
    await shot(page, '40-driver-offer');

    // Out for delivery: the run, the position shared with the store.
    await offer.getByRole('button', { name: new RegExp(`Take #${order.number}`) }).click();
    const stop = page.locator(`section[aria-labelledby="run-title"] [data-number="${order.number}"]`);
    await stop.waitFor();
    assert.equal((await platform.api('GET', `/api/v1/orders/${order.id}`, { token: customer })).body.status, 'out_for_delivery');
    await page.getByTestId('sharing').getByText(/Sharing your location/).waitFor();
    for (let i = 0; ; i++) {
      const drivers = await platform.api('GET', `/api/v1/stores/${platform.midtown}/drivers`, { token: platform.manager });
      const d = drivers.body.drivers.find((x) => x.on_run);
      if (d && Math.abs(d.latitude - 40.7496) < 1e-6) break;
      assert.ok(i < 50, `no position reached the store: ${JSON.stringify(drivers.body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    a11y.push(...(await axe(page, 'driver run')));
    await shot(page, '41-driver-run');

    await stop.getByRole('button', { name: `Delivered #${order.number}` }).click();
    await stop.waitFor({ state: 'detached' });
    // The order follows the delivery through an event (decision 0019): a moment later on a busy machine.
    for (let i = 0; ; i++) {
      const status = (await platform.api('GET', `/api/v1/orders/${order.id}`, { token: customer })).body.status;
      if (status === 'delivered') break;
      assert.ok(i < 50, `the order is still ${status}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    await page.getByRole('button', { name: 'Clock out' }).click();
    await page.locator('[data-testid="shift"][data-on="false"]').waitFor();
    await shot(page, '42-driver-clocked-out');

    assert.deepEqual(await page.apiErrors(), []);
    await context.close();
  });

  test('no serious or critical accessibility violation on any driver screen', () => {
    assert.deepEqual(a11y, []);
  });
});
