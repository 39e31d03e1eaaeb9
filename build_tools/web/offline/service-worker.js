// Service worker of the guideline site: keeps reading and the case calculator working with the
// server down or the computer off the network, once a page of the site has been opened.
// The build writes it as <site root>/sw.js (build_tools/hosting/offline.py), with BUILD below
// filled in; its scope is the site's folder, so two sites on one intranet host never mix.
//
// * Installing saves nothing: registering costs one request, this script. A page asks for the
//   saving ("save") once its visit's own work is done, the calculator's first result shown or
//   the browser idle (offline.js), so that it never competes with the calculator's start.
// * Saving never downloads a file twice in one visit. Pages, styles, scripts, the search index
//   and the calculator's small files ("shell") that this visit already downloaded are taken
//   from the browser's HTTP cache (cache mode "only-if-cached": no request at all); the others
//   are fetched once, revalidated ("no-cache": the HTTP cache may hold a previous build's page
//   under the same URL). A cached file is this visit's when its Date is no older than that of
//   the page the visit opened: both dates come from the server's clock, so the client's does
//   not matter; a server that sends no Date only costs revalidations.
// * The Python runtime and the decision tables ("runtime", ~13 MB, versioned URLs that never
//   change content) are read from the saved copy first. Saving takes them from the HTTP cache
//   only, whatever their age (a versioned URL is always right), and only when the page's
//   calculator has loaded them (a reader who asked to save data never downloads them for
//   this). One the HTTP cache did not keep is saved the next time the calculator downloads it:
//   through this worker, which keeps what it fetches.
// * Shell files are fetched from the network first whenever online (a guideline page must
//   never be stale while the server is reachable) and read from the saved copy only when the
//   network fails.
// * Each build has its own cache, named after a hash of every saved file's content: a new
//   build installs a new cache (runtime files whose URL did not change are copied over, not
//   downloaded again). Until its saving is complete, the previous build's copy still answers
//   offline; then it is deleted.
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

sw.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      await copyRuntimeFromOlderBuilds(await caches.open(CACHE));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(sw.clients.claim());
});

/** This scope's caches of other builds. */
async function olderBuilds() {
  return (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== CACHE);
}

/** @param {Cache} cache */
async function copyRuntimeFromOlderBuilds(cache) {
  for (const name of await olderBuilds()) {
    const older = await caches.open(name);
    for (const url of RUNTIME) {
      if (await cache.match(url)) continue;
      const response = await older.match(url);
      if (response) await cache.put(url, response);
    }
  }
}

/**
 * The saved copy of `request`: this build's, else (until this build's copy is complete) a
 * previous build's.
 * @param {Request} request
 */
async function savedCopy(request) {
  const options = { ignoreSearch: request.mode === "navigate" };
  for (const name of [CACHE, ...(await olderBuilds())]) {
    const saved = await (await caches.open(name)).match(request, options);
    if (saved) return saved;
  }
  return undefined;
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
  const saved = await savedCopy(request);
  if (saved) return saved;
  const response = await fetch(request);
  if (response.ok && response.status === 200) {
    const cache = await caches.open(CACHE);
    await cache.put(request.url, response.clone()).catch(() => {}); // a full disk: still serve
  }
  return response;
}

/** @param {Request} request */
async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const saved = await savedCopy(request);
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

/** One saving at a time: two tabs asking at once must not fetch the same files twice. */
/** @type {Promise<unknown> | null} */
let saving = null;

sw.addEventListener("message", (event) => {
  const message = event.data || {};
  const port = event.ports?.[0];
  if (message.type === "save") {
    const page = typeof message.page === "string" ? message.page : "";
    saving ??= save(page, message.runtime === true).finally(() => {
      saving = null;
    });
    event.waitUntil(saving.then((state) => port?.postMessage(state)));
  } else if (message.type === "status") {
    event.waitUntil(status().then((state) => port?.postMessage(state)));
  }
});

/**
 * What the HTTP cache holds for `url`, without any request (null if nothing).
 * @param {string} url
 */
async function fromHttpCache(url) {
  try {
    const response = await fetch(url, { cache: "only-if-cached", mode: "same-origin" });
    return response.ok ? response : null;
  } catch (_error) {
    return null; // not in the HTTP cache
  }
}

/**
 * The Date (ms) of the HTTP cache's copy of `url`, or NaN.
 * @param {Response | null} response
 */
function dateOf(response) {
  return Date.parse(response?.headers.get("Date") ?? "");
}

/**
 * Save every file of this build not saved yet; the status afterwards.
 * @param {string} page the URL of the page the asking visit opened (its first page)
 * @param {boolean} runtime whether that page's calculator has loaded the runtime
 */
async function save(page, runtime) {
  const cache = await caches.open(CACHE);
  const saved = new Set((await cache.keys()).map((request) => request.url));
  const visitStarted = page.startsWith(SCOPE) ? dateOf(await fromHttpCache(page)) : Number.NaN;
  for (const path of BUILD.shell) {
    const url = new URL(path, SCOPE).href;
    if (saved.has(url)) continue;
    try {
      let response = Number.isNaN(visitStarted) ? null : await fromHttpCache(url);
      if (response && !(dateOf(response) >= visitStarted)) response = null; // an older visit's
      // Revalidated: the HTTP cache may hold a previous build's file under the same URL.
      response ??= await fetch(url, { cache: "no-cache" });
      if (response.ok) await cache.put(url, response);
    } catch (_error) {
      // Offline, or a full disk: a later visit saves it.
    }
  }
  for (const url of runtime ? RUNTIME : []) {
    if (saved.has(url)) continue;
    const response = await fromHttpCache(url);
    if (response) await cache.put(url, response).catch(() => {});
  }
  const state = await status();
  if (state.shell[0] === state.shell[1]) {
    for (const name of await olderBuilds()) await caches.delete(name);
  }
  return state;
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
