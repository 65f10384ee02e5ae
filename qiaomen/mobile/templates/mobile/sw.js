/* The phone app's service worker (served by qiaomen.mobile.views.service_worker, scope /m/).
   It keeps the app's shell (its page, scripts, styles and icons) so the app opens without
   signal. It never stores an API answer: household data lives only in the encrypted vault. */
"use strict";
const CACHE = "qiaomen-shell-{{ version }}";
const ASSETS = {{ assets|safe }};
const APP = {{ app_url|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  const old = (name) => name.startsWith("qiaomen-shell-") && name !== CACHE;
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter(old).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (event.request.mode === "navigate" && url.pathname === APP) {
    // The page from the network when there is one (fresh labels and token), kept for offline;
    // a redirect to the sign-in page is not the app and is not kept.
    event.respondWith(
      fetch(event.request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(APP, copy));
          }
          return response;
        })
        .catch(() => caches.match(APP).then((kept) => kept || Response.error())),
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(event.request)));
  }
});

// Background Sync: the browser wakes the worker when the signal returns; the open app sends.
self.addEventListener("sync", (event) => {
  if (event.tag === "visits") {
    event.waitUntil(self.clients.matchAll().then((clients) => clients.forEach((client) => client.postMessage("sync"))));
  }
});
