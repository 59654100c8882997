// The customer app and the kiosk in Debian's Chromium against a real `vetahut serve --demo`
// (issue 15). Each step leaves a screenshot under build/web-screenshots; every page passes
// axe-core without a serious or critical violation; every JSON answer of the API the pages
// received matches docs/openapi.yaml.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axe, launchBrowser, openPage, shot, startPlatform } from './harness.mjs';

let platform;
let browser;
const a11y = [];

before(async () => {
  platform = await startPlatform();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await platform?.stop();
});

/** Finds Midtown from the store finder and opens its menu. */
async function openMidtown(page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'New York, Midtown' }).click();
  await page.getByRole('button', { name: 'Order here: Veta Hut Midtown' }).click();
  await page.locator('[data-product="cheese_pizza"]').waitFor();
}

/** Builds a large half-and-half cheese pizza: pepperoni left, mushrooms right (extra). */
async function buildHalfAndHalf(page) {
  await page.getByRole('button', { name: /Cheese \(build your own\)/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Large 14/).check();
  await dialog.locator('select[data-topping="pepperoni"]').selectOption('left');
  await dialog.locator('select[data-topping="mushrooms"]').selectOption('right');
  await dialog.locator('select[data-amount="mushrooms"]').selectOption('extra');
  await page.waitForFunction(() => /Price/.test(document.querySelector('[data-testid="builder-price"]')?.textContent ?? ''));
}

async function guestCheckout(page, cardNumber) {
  await page.getByLabel('Name', { exact: true }).fill('Ana Guest');
  await page.getByLabel('Email').fill('ana.guest@example.com');
  await page.getByLabel(/^Phone/).fill('+12125550142');
  await page.getByLabel('Card number').fill(cardNumber);
  await page.getByLabel('Expiry month').fill('12');
  await page.getByLabel('Expiry year').fill('2030');
  await page.getByLabel(/Security code/).fill('123');
  await page.getByTestId('place-order').click();
}

describe('customer app', () => {
  test('find a store, build a half-and-half pizza priced by the quote, check out as a guest, follow it live', async () => {
    const { context, page } = await openPage(browser, platform);
    await page.goto('/');
    a11y.push(...(await axe(page, 'finder')));
    await shot(page, '01-finder');
    await openMidtown(page);
    a11y.push(...(await axe(page, 'menu')));
    await shot(page, '02-menu');
    await buildHalfAndHalf(page);
    a11y.push(...(await axe(page, 'pizza builder')));
    await shot(page, '03-builder-half-and-half');

    // The builder shows the server's price for exactly this pizza.
    const expected = await platform.api('POST', '/api/v1/quotes', { body: { store_id: platform.midtown, type: 'carryout', items: [{
      product_id: 'cheese_pizza', size: 'large', crust: 'hand_tossed', quantity: 1,
      toppings: [{ topping_id: 'pepperoni', portion: 'left', amount: 'normal' }, { topping_id: 'mushrooms', portion: 'right', amount: 'extra' }],
    }] } });
    assert.equal(expected.status, 200, JSON.stringify(expected.body));
    const usd = (m) => new Intl.NumberFormat('en', { style: 'currency', currency: m.currency }).format(m.amount / 100);
    assert.match(await page.getByTestId('builder-price').textContent(), new RegExp(usd(expected.body.lines[0].unit_price).replace(/[.$]/g, '\\$&')));
    await page.getByRole('dialog').getByRole('button', { name: /Add to cart/ }).click();
    await page.getByTestId('go-cart').click();
    await page.getByTestId('quote').waitFor();
    assert.equal(await page.getByTestId('total').textContent(), usd(expected.body.total));

    // A coupon that does not apply: the server's message, and the cart priced without it.
    await page.getByLabel('Coupon code').fill('NOSUCHCODE');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('coupon-error').waitFor();
    assert.match(await page.getByTestId('coupon-error').textContent(), /NOSUCHCODE/);
    assert.equal(await page.getByTestId('total').textContent(), usd(expected.body.total));
    await shot(page, '04-cart-coupon-refused');
    await page.getByLabel('Coupon code').fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('coupon-error').waitFor({ state: 'detached' });
    a11y.push(...(await axe(page, 'cart')));

    await guestCheckout(page, '4242 4242 4242 4242');
    await page.waitForURL(/\/track\//);
    await page.getByTestId('status').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.dataset.status === 'confirmed');
    a11y.push(...(await axe(page, 'tracking')));
    await shot(page, '05-tracking-confirmed');

    // Staff move the order through the API; the page follows its event stream.
    const key = decodeURIComponent(page.url().split('/track/')[1]);
    const order = await platform.api('GET', `/api/v1/tracking/${key}`);
    assert.equal(order.status, 200);
    assert.equal(order.body.contact, undefined, 'a tracking link does not show who ordered');
    for (const [status, text] of [['preparing', 'Making your pizza'], ['baking', 'In the oven'], ['ready', 'Ready'], ['picked_up', 'Picked up']]) {
      const moved = await platform.api('POST', `/api/v1/orders/${order.body.id}/status`, { token: platform.manager, body: { status } });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      await page.waitForFunction((s) => document.querySelector('[data-testid="status"]')?.dataset.status === s, status);
      assert.equal(await page.getByTestId('status').textContent(), text);
      await shot(page, `06-tracking-${status}`);
    }
    assert.deepEqual(await page.apiErrors(), []);
    await context.close();
  });

  test('a declined card shows the reason and keeps the cart', async () => {
    const { context, page } = await openPage(browser, platform);
    await openMidtown(page);
    await page.getByRole('button', { name: 'Add: Chocolate chip cookie' }).click();
    await page.getByTestId('cart-link').click();
    await page.getByTestId('quote').waitFor();
    await guestCheckout(page, '4000000000000002');
    await page.getByTestId('place-error').waitFor();
    assert.match(await page.getByTestId('place-error').textContent(), /declined: card_declined/);
    assert.match(await page.getByTestId('cart-link').textContent(), /\(1\)/);
    await shot(page, '07-declined');
    assert.deepEqual(await page.apiErrors(), []);
    await context.close();
  });

  test('on a phone', async () => {
    const { context, page } = await openPage(browser, platform, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await page.goto('/');
    await shot(page, '08-phone-finder');
    await openMidtown(page);
    await shot(page, '09-phone-menu');
    await buildHalfAndHalf(page);
    await shot(page, '10-phone-builder');
    await page.getByRole('dialog').getByRole('button', { name: /Add to cart/ }).click();
    await page.getByTestId('go-cart').click();
    await page.getByTestId('quote').waitFor();
    // Nothing wider than the screen.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
    a11y.push(...(await axe(page, 'phone cart')));
    await guestCheckout(page, '4242424242424242');
    await page.waitForURL(/\/track\//);
    await page.getByTestId('status').waitFor();
    await shot(page, '11-phone-tracking');
    assert.deepEqual(await page.apiErrors(), []);
    await context.close();
  });

  test('in Spanish, with money in the store currency', async () => {
    const { context, page } = await openPage(browser, platform, { locale: 'es-ES' });
    await page.goto('/?lang=es');
    await page.getByRole('heading', { name: 'Encuentra un Veta Hut' }).waitFor();
    await page.getByRole('button', { name: 'Berlin, Kreuzberg' }).click();
    await page.getByRole('button', { name: 'Pedir aquí: Veta Hut Kreuzberg' }).click();
    await page.locator('[data-product="cheese_pizza"]').waitFor();
    const price = await page.locator('[data-product="cheese_pizza"] .price').textContent();
    assert.match(price, /desde \d+,\d{2}\s€/);
    a11y.push(...(await axe(page, 'menu (es)')));
    await shot(page, '12-spanish-menu');
    assert.deepEqual(await page.apiErrors(), []);
    await context.close();
  });

  test('sign in, see the account, loyalty and history', async () => {
    const { context, page } = await openPage(browser, platform);
    await page.goto('/account');
    await page.getByLabel('Email').fill('customer@demo.vetahut.test');
    await page.getByLabel('Password').fill('demo-customer-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('loyalty').waitFor();
    a11y.push(...(await axe(page, 'account')));
    await shot(page, '13-account');
    assert.deepEqual(await page.apiErrors(), []);
    await context.close();
  });

  test('the service worker serves the offline page', async () => {
    const { context, page } = await openPage(browser, platform);
    await page.goto('/');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    await page.goto('/store/anything').catch(() => {});
    await page.getByRole('heading', { name: 'You are offline' }).waitFor();
    a11y.push(...(await axe(page, 'offline page')));
    await shot(page, '14-offline');
    await context.setOffline(false);
    await context.close();
  });
});

describe('kiosk', () => {
  test('provisioned with a manager code, from the attract screen to the order number, and the idle reset', async () => {
    const code = await platform.api('POST', `/api/v1/stores/${platform.midtown}/devices/provisioning-codes`, { token: platform.manager, body: { type: 'kiosk', name: 'Front kiosk' } });
    assert.equal(code.status, 201, JSON.stringify(code.body));
    const { context, page } = await openPage(browser, platform, { viewport: { width: 1080, height: 1600 }, hasTouch: true });
    await page.goto('/kiosk/?idle=12');
    await page.getByLabel(/Provisioning code/).fill(code.body.code.toLowerCase());
    a11y.push(...(await axe(page, 'kiosk provisioning')));
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByTestId('attract').waitFor();
    a11y.push(...(await axe(page, 'kiosk attract')));
    await shot(page, '15-kiosk-attract');
    // A used code provisions nothing more.
    assert.equal((await platform.api('POST', '/api/v1/devices/provision', { body: { code: code.body.code } })).status, 422);

    await page.getByTestId('attract').click();
    await page.getByRole('button', { name: /Build it: Cheese \(build your own\)/ }).click();
    await page.getByRole('dialog').locator('select[data-topping="pepperoni"]').selectOption('left');
    await page.waitForFunction(() => /Price/.test(document.querySelector('[data-testid="builder-price"]')?.textContent ?? ''));
    await page.getByRole('dialog').getByRole('button', { name: /Add to cart/ }).click();
    await page.getByTestId('kiosk-checkout').click();
    await page.getByLabel('Pay at the counter').check();
    a11y.push(...(await axe(page, 'kiosk order')));
    await shot(page, '16-kiosk-cart');
    await page.getByTestId('kiosk-place').click();
    await page.getByTestId('order-number').waitFor();
    assert.match(await page.getByTestId('order-number').textContent(), /^\d+$/);
    await shot(page, '17-kiosk-order-number');
    await page.getByRole('button', { name: 'New order' }).click();

    // The next customer pays by card at the kiosk (the card goes only to the tokenize endpoint).
    await page.getByTestId('attract').click();
    await page.getByRole('button', { name: 'Add: Chocolate chip cookie' }).click();
    await page.getByTestId('kiosk-checkout').click();
    await page.getByLabel('Pay by card').check();
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByLabel('Expiry month').fill('12');
    await page.getByLabel('Expiry year').fill('2030');
    await page.getByLabel(/Security code/).fill('123');
    const tokenized = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/payments/tokens');
    await page.getByTestId('kiosk-place').click();
    await tokenized;
    await page.getByTestId('order-number').waitFor();
    assert.match(await page.getByTestId('order-number').textContent(), /^\d+$/);
    await shot(page, '17b-kiosk-card-order-number');
    await page.getByRole('button', { name: 'New order' }).click();

    // Idle: a warning, then back to the attract screen.
    await page.getByTestId('attract').click();
    await page.getByTestId('idle-warning').waitFor({ timeout: 15000 });
    await shot(page, '18-kiosk-idle-warning');
    await page.getByTestId('attract').waitFor({ timeout: 15000 });
    assert.deepEqual(await page.apiErrors(), []);
    await context.close();
  });
});

test('axe-core: no serious or critical violation on any page', () => {
  assert.deepEqual(a11y, []);
});
