/// <reference types="vitest" />
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The apps, one build: the customer app at /, the kiosk at /kiosk/, the kitchen display at /kds/,
// the driver app at /driver/, the POS at /pos/, the manager and admin console at /admin/ (the only
// page that loads Chart.js, decision 0035). Hashed files go under
// /assets/ (the server caches those for a year); scripts/postbuild.mjs precompresses and checks
// the JavaScript budget.
// The code is React; the production build runs it on Preact's React-compatible core (about 35 KB
// less JavaScript), which keeps the menu within its budget on a slow phone (decision 0030). The
// component tests run on React itself; the browser tests run the shipped build.
const preact = {
  react: 'preact/compat',
  'react-dom/client': 'preact/compat/client',
  'react-dom': 'preact/compat',
  'react/jsx-runtime': 'preact/jsx-runtime',
  'react/jsx-dev-runtime': 'preact/jsx-dev-runtime',
};

export default defineConfig(({ mode }) => ({
  plugins: [react()],
  resolve: { alias: mode === 'production' ? preact : {} },
  build: {
    target: 'es2020',
    sourcemap: false,
    rollupOptions: {
      input: { main: resolve(__dirname, 'index.html'), kiosk: resolve(__dirname, 'kiosk/index.html'),
        kds: resolve(__dirname, 'kds/index.html'),
        driver: resolve(__dirname, 'driver/index.html'), pos: resolve(__dirname, 'pos/index.html'),
        admin: resolve(__dirname, 'admin/index.html') },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/.well-known': 'http://127.0.0.1:8080' } },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
  },
}));
