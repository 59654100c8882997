/// <reference types="vitest" />
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Two apps, one build: the customer app at / and the kiosk at /kiosk/. Hashed files go under
// /assets/ (the server caches those for a year); scripts/postbuild.mjs precompresses and checks
// the JavaScript budget.
export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2020',
    sourcemap: false,
    rollupOptions: {
      input: { main: resolve(__dirname, 'index.html'), kiosk: resolve(__dirname, 'kiosk/index.html') },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/.well-known': 'http://127.0.0.1:8080' } },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
