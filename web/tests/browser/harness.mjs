// The browser tests' harness: a real `vetahut serve --demo` on 127.0.0.1 (a free port, a fresh
// data directory) — or with WEBTEST_ENGINE=chain the whole chain (scripts/chain.sh) behind its
// front door — Debian's Chromium driven by playwright-core, axe-core on every page, every
// JSON answer of /api validated against docs/openapi.yaml, screenshots under the build folder.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { ResponseValidator } from './openapi-validator.mjs';

const require = createRequire(import.meta.url);
const web = resolve(new URL('../..', import.meta.url).pathname);
const repo = resolve(web, '..');
export const BINARY = process.env.WEBTEST_VETAHUT ?? join(repo, 'build/ci/src/app/vetahut');
export const SCREENSHOTS = process.env.WEBTEST_SCREENSHOTS ?? join(repo, 'build/web-screenshots');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

/** The platform through the chain's front door (WEBTEST_ENGINE=chain): scripts/chain.sh on a
 *  database of its own, every service its own process behind two gateways and nginx. */
export const CHAIN = process.env.WEBTEST_ENGINE === 'chain';

/** A free block of ports below the kernel's ephemeral range (a chain takes 13 from its base). */
function chainPort() {
  return 10000 + Math.floor(Math.random() * 1100) * 20;
}

/** Starts the platform with demo data and opens every demo store around the clock. */
export async function startPlatform() {
  if (!existsSync(BINARY)) throw new Error(`no vetahut binary at ${BINARY}: build it (scripts/build.sh ci vetahut) or set WEBTEST_VETAHUT`);
  if (!existsSync(join(web, 'dist/index.html'))) throw new Error('web/dist is not built: npm run build');
  const port = CHAIN ? chainPort() : await freePort();
  const data = mkdtempSync(join(tmpdir(), 'vetahut-browser-'));
  let command = BINARY;
  let args = ['serve', '--demo', '--data-dir', data, '--listen', `127.0.0.1:${port}`];
  if (CHAIN) {
    const pg = process.env.VETAHUT_TEST_PG_URL;
    if (!pg) throw new Error('WEBTEST_ENGINE=chain needs VETAHUT_TEST_PG_URL (scripts/with-postgres.sh)');
    const db = `vetahut_browser_${port}_${Date.now() % 100000}`;
    const created = spawnSync('psql', ['-q', pg, '-c', `CREATE DATABASE ${db}`], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`CREATE DATABASE ${db}: ${created.stderr}`);
    command = 'bash';
    args = [join(repo, 'scripts/chain.sh'), '--inside', '--bin', BINARY, '--db-url', `${pg.slice(0, pg.lastIndexOf('/'))}/${db}`,
      '--data-dir', data, '--log', '-', '--port', String(port), '--base-port', String(port)];
  }
  // A chain is a process group: it goes as one.
  const child = spawn(command, args, {
    env: { ...process.env, VETAHUT_APP_WEB_DIR: join(web, 'dist'), VETAHUT_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: CHAIN,
  });
  let log = '';
  child.stderr.on('data', (d) => (log = (log + d).slice(-20000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (CHAIN ? 120000 : 30000);
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`vetahut did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const platform = {
    url,
    log: () => log,
    async stop() {
      if (CHAIN) process.kill(-child.pid, 'SIGTERM');
      else child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(data, { recursive: true, force: true });
    },
    async token(username, password) {
      const r = await fetch(`${url}/api/v1/auth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password', username, password }) });
      if (!r.ok) throw new Error(`sign-in ${username}: ${r.status}`);
      return (await r.json()).access_token;
    },
    async api(method, path, { token, body, headers = {} } = {}) {
      const r = await fetch(url + path, {
        method,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    },
  };
  platform.admin = await platform.token('admin@demo.vetahut.test', 'demo-admin-password');
  platform.manager = await platform.token('manager@demo.vetahut.test', 'demo-manager-password');
  const stores = (await platform.api('GET', '/api/v1/stores?lat=40.7506&lon=-73.9935&limit=10')).body.items;
  platform.stores = Object.fromEntries(stores.map((s) => [s.name, s.id]));
  const services = Object.fromEntries(stores.map((s) => [s.id, s.services]));
  platform.midtown = platform.stores['Veta Hut Midtown'];
  platform.kreuzberg = platform.stores['Veta Hut Kreuzberg'];
  // Tests must not depend on the hour or the holidays: every store opens around the clock.
  const week = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((day) => ({ day, open: '00:00', close: '24:00' }));
  for (const id of Object.values(platform.stores)) {
    const body = Object.fromEntries(services[id].map((service) => [service, { weekly: week }]));
    const r = await platform.api('PUT', `/api/v1/stores/${id}/hours`, { token: platform.admin, body });
    if (r.status !== 200) throw new Error(`hours: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return platform;
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page that records API answers for validation and runs axe on demand. */
export async function openPage(browser, platform, options = {}) {
  // bypassCSP: axe-core is injected as an inline script, which the app's CSP rightly refuses.
  const context = await browser.newContext({ baseURL: platform.url, viewport: { width: 1280, height: 900 }, bypassCSP: true, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const pending = [];
  page.on('response', (response) => {
    const u = new URL(response.url());
    if (!u.pathname.startsWith('/api/') && u.pathname !== '/.well-known/jwks.json') return;
    const type = response.headers()['content-type'] ?? '';
    if (!type.includes('json')) return;
    pending.push(response.text().then((text) => {
      const problem = ResponseValidator.shared().check(response.request().method(), u.pathname, response.status(), type, text);
      if (problem) errors.push(problem);
    }).catch(() => {}));
  });
  page.apiErrors = async () => {
    await Promise.all(pending);
    return errors;
  };
  return { context, page };
}

/** axe-core: no serious or critical violation. Returns the violations' summaries. */
export async function axe(page, name) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.join(', ')}`);
}

export async function shot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}
