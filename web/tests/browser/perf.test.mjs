// The menu page's budget (issue 15): interactive within 1.5 s on Chromium's "Slow 4G" network
// with a 4× CPU slowdown, against the local server, cold (no cache, no service worker). The app
// marks `menu-interactive` when the menu is on screen with its handlers attached; the time is
// that mark's startTime (from navigation start), measured with the Performance API.
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, SCREENSHOTS, startPlatform } from './harness.mjs';

// DevTools' "Slow 4G" preset (Chrome 126+): 1.6 Mbps down, 750 kbps up, 562.5 ms latency, each ×0.9 throughput.
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1000 * 1000 / 8) * 0.9, uploadThroughput: (750 * 1000 / 8) * 0.9 };
const BUDGET_MS = 1500;
const RUNS = 5;

let platform;
let browser;
before(async () => {
  platform = await startPlatform();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await platform?.stop();
});

test(`the menu is interactive within ${BUDGET_MS} ms on Slow 4G with 4x CPU slowdown`, async () => {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ baseURL: platform.url, serviceWorkers: 'block' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(`/store/${platform.midtown}`);
    await page.waitForFunction(() => performance.getEntriesByName('menu-interactive').length > 0, null, { timeout: 30000 });
    await page.getByRole('button', { name: /Build it: Cheese/ }).waitFor();
    times.push(await page.evaluate(() => performance.getEntriesByName('menu-interactive')[0].startTime));
    await context.close();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(join(SCREENSHOTS, 'perf.json'), JSON.stringify({ network: 'Slow 4G', cpu_slowdown: 4, runs_ms: times, median_ms: median, budget_ms: BUDGET_MS }, null, 2));
  console.log(`menu interactive: median ${median.toFixed(0)} ms of ${BUDGET_MS} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`);
  assert.ok(median <= BUDGET_MS, `median ${median.toFixed(0)} ms is over the ${BUDGET_MS} ms budget`);
});
