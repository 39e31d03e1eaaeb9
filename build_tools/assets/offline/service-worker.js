// Service worker of the guideline site: keeps reading and the case calculator working with the
// server down or the computer off the network, once a page of the site has been opened.
// The build writes it as <site root>/sw.js (build_tools/hosting/offline.py), with BUILD below
// filled in; its scope is the site's folder, so two sites on one intranet host never mix.
//
// * Pages, styles, scripts, the search index and the calculator's small files ("shell") are
//   saved when the worker installs. They are fetched from the network first whenever online
//   (a guideline page must never be stale while the server is reachable) and read from the
//   saved copy only when the network fails.
// * The Python runtime and the decision tables ("runtime", ~13 MB, versioned URLs that never
//   change content) are read from the saved copy first. They are saved when the calculator
//   downloads them, or when a page asks for them ("cache-runtime", sent only when the browser
//   is idle and the reader has not asked to save data), never at install.
// * Each build has its own cache, named after a hash of every saved file's content: a new
//   build installs a new cache and deletes the old one (runtime files whose URL did not change
//   are copied over, not downloaded again).
// * Nothing of a case is stored or sent: cases live in the URL fragment, which never reaches
//   a service worker or a server; only GET requests inside the scope are handled.
"use strict";

// This script runs as a service worker (the type checker sees a plain worker's `self`).
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
/** @type {{id: string, shell: string[], runtime: string[]}} */
const BUILD = /*BUILD*/ { id: "", shell: [], runtime: [] };
const SCOPE = sw.registration.scope;
const PREFIX = `gl-offline:${SCOPE}:`;
const CACHE = PREFIX + BUILD.id;
const RUNTIME = new Set(BUILD.runtime.map((path) => new URL(path, SCOPE).href));

/** @param {string} path */
function shellRequest(path) {
  // Revalidated: the HTTP cache may hold a previous build's page under the same URL.
  return new Request(new URL(path, SCOPE), { cache: "no-cache" });
}

sw.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(BUILD.shell.map(shellRequest));
      await copyRuntimeFromOlderBuilds(cache);
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await sw.clients.claim();
    })(),
  );
});

/** @param {Cache} cache */
async function copyRuntimeFromOlderBuilds(cache) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const older = await caches.open(name);
    for (const url of RUNTIME) {
      if (await cache.match(url)) continue;
      const response = await older.match(url);
      if (response) await cache.put(url, response);
    }
  }
}

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
  if (RUNTIME.has(request.url)) {
    event.respondWith(runtimeFirstFromCache(request));
  } else {
    event.respondWith(networkFirst(request));
  }
});

/** @param {Request} request */
async function runtimeFirstFromCache(request) {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(request.url);
  if (saved) return saved;
  const response = await fetch(request);
  if (response.ok && response.status === 200) {
    await cache.put(request.url, response.clone()).catch(() => {}); // a full disk: still serve
  }
  return response;
}

/** @param {Request} request */
async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    const saved = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
    if (saved) return saved;
    if (request.mode === "navigate") return offlinePage();
    throw error;
  }
}

function offlinePage() {
  const body =
    '<!doctype html><html lang="en"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Offline</title><h1>This page is not available offline</h1>" +
    "<p>The server cannot be reached, and this address is not part of the copy of the site " +
    `saved in this browser. <a href="${SCOPE}">Open the saved copy of the site</a>.</p>`;
  return new Response(body, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

sw.addEventListener("message", (event) => {
  const message = event.data || {};
  const port = event.ports?.[0];
  if (message.type === "cache-runtime") {
    event.waitUntil(cacheRuntime().then((state) => port?.postMessage(state)));
  } else if (message.type === "status") {
    event.waitUntil(status().then((state) => port?.postMessage(state)));
  }
});

async function cacheRuntime() {
  const cache = await caches.open(CACHE);
  for (const url of RUNTIME) {
    if (await cache.match(url)) continue;
    try {
      const response = await fetch(url);
      if (response.ok) await cache.put(url, response);
    } catch (_error) {
      // Offline or a full disk: the calculator will save what it downloads itself.
    }
  }
  return status();
}

async function status() {
  const cache = await caches.open(CACHE);
  const saved = new Set((await cache.keys()).map((request) => request.url));
  const count = (/** @type {string[]} */ paths) =>
    paths.filter((path) => saved.has(new URL(path, SCOPE).href)).length;
  return {
    build: BUILD.id,
    shell: [count(BUILD.shell), BUILD.shell.length],
    runtime: [count(BUILD.runtime), BUILD.runtime.length],
  };
}
