// The kitchen display (issue 16) in Debian's Chromium at 1280×800 (touch) against a real
// `vetahut serve --demo`: provisioned with a manager's code as a `kds` device of Midtown, the make
// line's screen shows an order placed through the API, bumps move it, recall brings it back, a
// cancelled order disappears, and after its connection drops the screen resyncs from the
// stream's snapshot (tickets placed and cancelled meanwhile included), and the expo hands a ready
// ticket over. axe-core on every screen;
// screenshots under build/web-screenshots.
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
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

/**
 * A TCP relay in front of the platform, so a test can cut the browser's connections for real
 * (Chromium's offline emulation leaves an open stream running): drop() closes every connection
 * and refuses new ones until restore().
 */
async function relay(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) return client.destroy();
    const upstream = connect(Number(port), hostname);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
    };
    sockets.add(client);
    client.pipe(upstream);
    upstream.pipe(client);
    for (const s of [client, upstream]) {
      s.on('error', close);
      s.on('close', close);
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    drop() {
      refusing = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      refusing = false;
    },
    close: () => new Promise((ok) => { for (const s of sockets) s.destroy(); server.close(ok); }),
  };
}

let orders = 0;
/** A carry-out of `quantity` large half-and-half pizzas (pepperoni left, extra mushrooms right). */
async function placeOrder(quantity = 1) {
  const r = await platform.api('POST', '/api/v1/orders', {
    token: customer,
    headers: { 'Idempotency-Key': `kds-test-${Date.now()}-${++orders}` },
    body: { store_id: platform.midtown, type: 'carryout', payment: { method: 'pay_at_store' }, items: [{
      product_id: 'cheese_pizza', size: 'large', crust: 'hand_tossed', quantity, notes: 'well done',
      toppings: [{ topping_id: 'pepperoni', portion: 'left', amount: 'normal' }, { topping_id: 'mushrooms', portion: 'right', amount: 'extra' }],
    }] },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function cancel(order) {
  const r = await platform.api('POST', `/api/v1/orders/${order.id}/cancel`, { token: platform.manager, body: { reason: 'customer called' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const ticketOf = (page, order) => page.locator(`[data-testid="ticket"][data-number="${order.number}"]`);

describe('kitchen display', () => {
  test('a make-line screen: orders appear, bumps move them, recall, cancel, resync after a drop, expo', async () => {
    const code = await platform.api('POST', `/api/v1/stores/${platform.midtown}/devices/provisioning-codes`,
      { token: platform.manager, body: { type: 'kds', name: 'Make line screen' } });
    assert.equal(code.status, 201, JSON.stringify(code.body));
    const line = await relay(platform.url);
    const { context, page } = await openPage(browser, platform, { baseURL: line.url, viewport: { width: 1280, height: 800 }, hasTouch: true });
    await page.goto('/kds/');
    a11y.push(...(await axe(page, 'kds provisioning')));
    await page.getByLabel(/Provisioning code/).fill(code.body.code);
    await page.getByRole('button', { name: 'Connect' }).click();

    // One screen per station, chosen on the device.
    await page.getByRole('button', { name: 'Make line' }).waitFor();
    a11y.push(...(await axe(page, 'kds station picker')));
    await shot(page, '30-kds-station-picker');
    await page.getByRole('button', { name: 'Make line' }).click();
    await page.locator('[data-testid="connection"][data-state="open"]').waitFor();

    // An order placed through the API appears, with its halves.
    const first = await placeOrder(2);
    const card = ticketOf(page, first);
    await card.waitFor({ timeout: 3000 });
    assert.match(await card.textContent(), /Left ½: Pepperoni/);
    assert.match(await card.textContent(), /Right ½: Mushrooms \(extra\)/);
    assert.match(await card.textContent(), /well done/);
    await page.getByTestId('all-day').getByText(/Cheese \(build your own\)/).waitFor();
    assert.match(await page.getByTestId('all-day').textContent(), /2\s*Cheese \(build your own\)/);
    a11y.push(...(await axe(page, 'kds make line')));
    await shot(page, '31-kds-make-line');

    // Bump one item (the cook started it), then the ticket (every item one step: the first to
    // the oven, the second started), then again: it leaves the make line for the oven.
    await card.getByTestId('bump-item').first().click();
    await card.locator('li[data-status="making"]').waitFor();
    await card.getByTestId('bump-ticket').click();
    await page.waitForFunction((n) => document.querySelectorAll(`[data-number="${n}"] li`).length === 1, first.number);
    await card.getByTestId('bump-ticket').click();
    await card.waitFor({ state: 'detached' });
    assert.equal((await platform.api('GET', `/api/v1/orders/${first.id}`, { token: customer })).body.status, 'baking');
    // Recall brings it back exactly as it was.
    await page.getByTestId('recall').click();
    await card.waitFor();
    await card.locator('li[data-status="making"]').waitFor();
    assert.equal(await card.locator('li').count(), 1);

    // A cancelled order's ticket disappears.
    const second = await placeOrder(1);
    await ticketOf(page, second).waitFor();
    await cancel(second);
    await ticketOf(page, second).waitFor({ state: 'detached' });

    // The connection drops; meanwhile one order comes in and another is cancelled. Back online,
    // the screen resyncs from the stream's snapshot.
    line.drop();
    await page.locator('[data-testid="connection"][data-state="down"]').waitFor();
    const third = await placeOrder(1);
    await cancel(first);
    await shot(page, '32-kds-reconnecting');
    line.restore();
    await page.locator('[data-testid="connection"][data-state="open"]').waitFor({ timeout: 15000 });
    await ticketOf(page, third).waitFor();
    await card.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('ticket').count(), 1);
    await shot(page, '33-kds-resynced');

    // The expo view: whole tickets with each item's station, handed over from here.
    await page.getByRole('button', { name: 'Station' }).click();
    await page.getByRole('button', { name: 'Expo (whole tickets)' }).click();
    await ticketOf(page, third).getByText(/To make · Make line/).waitFor();
    assert.equal(await ticketOf(page, third).getByTestId('expo-wait').textContent(), 'Not ready yet');
    a11y.push(...(await axe(page, 'kds expo')));
    await shot(page, '34-kds-expo');
    // The line finishes it (through the API, station by station); the expo hands it over.
    for (let i = 0; i < 10; i++) {
      const t = (await platform.api('GET', `/api/v1/stores/${platform.midtown}/kitchen/tickets`, { token: platform.manager }))
        .body.tickets.find((x) => x.order_id === third.id);
      if (t.status === 'ready') break;
      const station = t.items.find((it) => it.station)?.station;
      assert.equal((await platform.api('POST', `/api/v1/kitchen/tickets/${t.id}/bump`, { token: platform.manager, body: { station } })).status, 200);
    }
    await ticketOf(page, third).getByRole('button', { name: `Hand over #${third.number}` }).click();
    await ticketOf(page, third).waitFor({ state: 'detached' });
    assert.equal((await platform.api('GET', `/api/v1/orders/${third.id}`, { token: customer })).body.status, 'picked_up');

    assert.deepEqual(await page.apiErrors(), []);
    await context.close();
    await line.close();
  });

  test('no serious or critical accessibility violation on any kitchen screen', () => {
    assert.deepEqual(a11y, []);
  });
});
