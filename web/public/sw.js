// veta_hut's service worker: the app shell and hashed assets cached, the last menu of each store
// kept for offline browsing, and an offline page instead of the browser's error.
const VERSION = 'v1';
const SHELL = `vetahut-shell-${VERSION}`;
const ASSETS = `vetahut-assets-${VERSION}`;
const DATA = `vetahut-data-${VERSION}`;
const PRECACHE = ['/', '/offline.html', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('vetahut-') && ![SHELL, ASSETS, DATA].includes(k)).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The data worth having offline: a store and its menu (never orders, tokens or anything personal).
const OFFLINE_DATA = /^\/api\/v1\/stores\/[^/]+(\/menu)?$/;

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    // Always the newest shell when online; the offline page when not.
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok && (url.pathname === '/' || url.pathname.startsWith('/store/'))) {
          const copy = response.clone();
          caches.open(SHELL).then((c) => c.put('/', copy));
        }
        return response;
      }).catch(() => caches.match('/offline.html')),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // Content-hashed: a cached copy is always right.
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(ASSETS).then((c) => c.put(request, copy));
        }
        return response;
      })),
    );
    return;
  }
  if (OFFLINE_DATA.test(url.pathname)) {
    // Network first, so prices and 86'd items are current; the last copy when offline.
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(DATA).then((c) => c.put(request, copy));
        }
        return response;
      }).catch(() => caches.match(request).then((hit) => hit || Response.error())),
    );
  }
});
