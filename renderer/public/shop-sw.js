// Runs in: service worker (the installed shopper app, scope /shop/). Caches the app's shell only
// — its HTML and the hashed, immutable assets — so the app opens on a flaky connection. Prices,
// carts, orders and labels always come from the station: /api/ and /q/ are never cached.
const CACHE = 'shop-shell-v1';
const SHELL = '/shop/';

/** Stores a copy of a good answer; the copy is taken now, before the page reads the body. */
function keep(key, response) {
  if (!response.ok) return;
  const copy = response.clone();
  void caches.open(CACHE).then((cache) => cache.put(key, copy));
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.add(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && url.pathname.startsWith('/shop/')) {
    // Network first: a fresh shell whenever the station answers, the cached one when it does not.
    event.respondWith(
      fetch(request)
        .then((response) => {
          keep(SHELL, response);
          return response;
        })
        .catch(() => caches.match(SHELL).then((cached) => cached ?? Response.error())),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // Hashed names never change content: cache first.
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ??
          fetch(request).then((response) => {
            keep(request, response);
            return response;
          }),
      ),
    );
  }
  // Everything else (/api/, /q/, the event streams) goes to the network untouched.
});
