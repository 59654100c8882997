// After `vite build`: precompress every text file (NAME.br, NAME.gz — the server sends them as
// they are) and check the budget: the customer app's first load (the entry script and what
// index.html preloads) must be at most 150 KB of JavaScript, gzip-compressed. Writes
// dist/budget.json; exits 1 over budget.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const BUDGET = 150 * 1024;
const TEXT = /\.(js|mjs|css|html|svg|json|webmanifest|txt)$/;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const sizes = {};
for (const file of walk(dist)) {
  if (!TEXT.test(file) || file.endsWith('budget.json')) continue;
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 });
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
  // A compressed copy only where it saves something (tiny files are sent as they are).
  if (gz.length < bytes.length * 0.9) writeFileSync(`${file}.gz`, gz);
  if (br.length < bytes.length * 0.9) writeFileSync(`${file}.br`, br);
  sizes['/' + relative(dist, file)] = { raw: bytes.length, gzip: gz.length, brotli: br.length };
}

function firstLoad(htmlPath) {
  const html = readFileSync(join(dist, htmlPath), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1]);
  const files = [...new Set(scripts)];
  const total = files.reduce((acc, f) => ({ raw: acc.raw + sizes[f].raw, gzip: acc.gzip + sizes[f].gzip, brotli: acc.brotli + sizes[f].brotli }), { raw: 0, gzip: 0, brotli: 0 });
  return { files, ...total };
}

const customer = firstLoad('index.html');
const kiosk = firstLoad('kiosk/index.html');
const kds = firstLoad('kds/index.html');
const driver = firstLoad('driver/index.html');
const admin = firstLoad('admin/index.html'); // with Chart.js (decision 0035): no other page loads it
const posApp = firstLoad('pos/index.html');
const report = { budget_gzip_bytes: BUDGET, customer_first_load: customer, kiosk_first_load: kiosk, kds_first_load: kds, driver_first_load: driver, admin_first_load: admin, pos_first_load: posApp };
writeFileSync(join(dist, 'budget.json'), JSON.stringify(report, null, 2));
const kb = (n) => (n / 1024).toFixed(1);
console.log(`budget: customer app first load ${kb(customer.gzip)} KB gzip (${kb(customer.brotli)} KB brotli, ${kb(customer.raw)} KB raw) of ${kb(BUDGET)} KB; kiosk ${kb(kiosk.gzip)} KB gzip; kitchen display ${kb(kds.gzip)} KB gzip; driver ${kb(driver.gzip)} KB gzip; POS ${kb(posApp.gzip)} KB gzip; console ${kb(admin.gzip)} KB gzip (not on the customer app's budget)`);
if (customer.gzip > BUDGET) {
  console.error(`budget: over by ${kb(customer.gzip - BUDGET)} KB: ${customer.files.join(', ')}`);
  process.exit(1);
}
