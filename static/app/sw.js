// GANvas's service worker: once the page has been visited, it opens and trains offline.
//
// - The page itself (navigations) comes from the network when there is one, else from the
//   cache: a new build is picked up on the next visit.
// - Trunk names the wasm, its JavaScript and the stylesheet by their content hash: those are
//   immutable and served from the cache first. When a new page arrives, cached hashed files it
//   no longer names are deleted, so each build replaces the last cleanly.
// - wasm-bindgen's snippets (`snippets/ganvas-web-<hash>/…`) are per build too, but their
//   hash is of the crate's name and version, not of their content: an edited snippet keeps its
//   URL. They come from the network when there is one (the new glue must meet the new
//   snippet, not a stale one), else from the cache.
// - Everything else (shipped data sets, trained models, this app's icons) is served from the
//   cache when present and refreshed in the background.
// Install caches the page and what it names; data and models are cached on first use.

const CACHE = 'ganvas';
const HASHED = /-[0-9a-f]{12,16}(_bg)?\.(js|wasm|css)$/; // Trunk writes a u64 in hex, unpadded

/** Same-origin files an HTML page names (stylesheet, wasm and its loader, snippets, icons). */
function namedIn(html, base) {
  const urls = new Set();
  for (const match of html.matchAll(/(?:href|src|module_or_path:)\s*=?\s*["']([^"']+)["']/g)) {
    const url = new URL(match[1], base);
    if (url.origin === self.location.origin && url.pathname !== new URL(base).pathname) {
      urls.add(url.origin + url.pathname);
    }
  }
  return urls;
}

/** Whether a cached file belongs to one build: the hashed files and wasm-bindgen snippets. */
function perBuild(url) {
  const { pathname } = new URL(url);
  return HASHED.test(pathname) || pathname.includes('/snippets/');
}

/**
 * Caches `page` (the response to a navigation) and drops the files of earlier builds it no
 * longer names. Resolves to what it names.
 */
async function keepPage(request, page) {
  const cache = await caches.open(CACHE);
  const html = await page.clone().text();
  await cache.put(request.url.split('#')[0].split('?')[0], page.clone());
  const wanted = namedIn(html, request.url);
  for (const key of await cache.keys()) {
    if (perBuild(key.url) && !wanted.has(key.url)) await cache.delete(key);
  }
  return wanted;
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const scope = self.registration.scope;
    const page = await fetch(scope, { cache: 'no-cache' });
    if (!page.ok) return;
    const wanted = await keepPage(new Request(scope), page);
    const cache = await caches.open(CACHE);
    await Promise.all([...wanted].map((url) => cache.add(url).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

async function fromNetworkFirst(request) {
  try {
    const page = await fetch(request);
    if (page.ok) await keepPage(request, page);
    return page;
  } catch (offline) {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(request.url.split('#')[0].split('?')[0]);
    if (cached) return cached;
    throw offline;
  }
}

async function fromNetworkFirstFile(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.status === 200) await cache.put(request, response.clone());
    return response;
  } catch (offline) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw offline;
  }
}

async function fromCacheFirst(request, refresh) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  const update = fetch(request).then(async (response) => {
    if (response.ok && response.status === 200) await cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    if (refresh) update.catch(() => {}); // stale while revalidating
    return cached;
  }
  return update;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(fromNetworkFirst(request));
  } else if (url.pathname.includes('/snippets/')) {
    event.respondWith(fromNetworkFirstFile(request));
  } else {
    event.respondWith(fromCacheFirst(request, !perBuild(request.url)));
  }
});
