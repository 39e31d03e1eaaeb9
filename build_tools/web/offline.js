// Offline copy of the site: registers the service worker (<site root>/sw.js, written by the
// build) and asks it to save the site, once the visit's own work is done, so that a first visit
// never fights itself for the network:
//
// * on a page with a calculator, after it is quiet: its first result shown (or its runtime
//   ready with no case to compute, or failed; runtime-client.js: "gl-calculator-quiet");
// * on a guideline page that starts the calculator's runtime when the browser is idle (so that
//   a calculator opened next is warm: calculator-page.js), after that runtime is ready;
// * on any other page, and with "save data" on, when the browser is idle.
//
// Registering costs one small request (sw.js: its install saves nothing). Saving ("save") takes
// what this visit already downloaded from the browser's HTTP cache, never from the network a
// second time, and the calculator's runtime (~13 MB) only from there: the service worker's
// comments say how. Nothing is registered before then, so the calculator's start has the
// network to itself.
//
// Service workers need a secure context: https, or http://localhost. On a plain-http intranet
// host the browser has none, and the site works as before, online only (see README, Hosting).
(() => {
  "use strict";
  if (window.__glOffline) return; // evaluated again by instant navigation
  window.__glOffline = { state: "off" };
  if (location.protocol === "file:") return explainFiles();
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script?.src || !("serviceWorker" in navigator) || !window.isSecureContext) {
    return;
  }
  // This script is <root>/assets/guideline/offline.js.
  const root = new URL("../../", script.src);
  const state = window.__glOffline;
  // The page this visit opened (instant navigation changes the address later): the service
  // worker dates what the visit downloaded by it.
  const landing = location.href.split("#")[0];

  /** @param {() => void} callback */
  function whenIdle(callback) {
    if ("requestIdleCallback" in window) window.requestIdleCallback(callback, { timeout: 10000 });
    else setTimeout(callback, 2000);
  }

  function saveData() {
    return Boolean(navigator.connection?.saveData);
  }

  /**
   * @param {ServiceWorker | null} worker
   * @param {{type: string, page?: string, runtime?: boolean}} message
   * @returns {Promise<unknown>}
   */
  function ask(worker, message) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => {
        resolve(event.data);
      };
      /** @type {ServiceWorker} */ (worker).postMessage(message, [channel.port2]);
    });
  }

  // Whether the calculator still has work that needs the network: its runtime loading (or
  // about to load: a guideline page without a calculator starts it once the browser is idle,
  // unless the reader asked to save data, see calculator-page.js), or answers not yet shown.
  // The page's modules run before the load event, so by now window.__glCalculator is there,
  // or they could not load (and nothing will start).
  function calculatorBusy() {
    const runtime = window.__glCalculator?.runtime;
    if (!runtime) return false;
    if (runtime.state === "idle") {
      const warmsUp = !document.querySelector(".gl-calculator") && !saveData();
      return warmsUp && Boolean(document.querySelector(".gl-chrome"));
    }
    return runtime.state === "loading" || (runtime.state === "ready" && runtime.requests.size > 0);
  }

  /** @param {() => void} callback */
  function whenTheCalculatorIsQuiet(callback) {
    if (!calculatorBusy()) return callback();
    const quiet = () => {
      if (calculatorBusy()) return;
      document.removeEventListener("gl-calculator-quiet", quiet);
      callback();
    };
    document.addEventListener("gl-calculator-quiet", quiet);
  }

  async function registerAndSave() {
    try {
      state.state = "registering";
      await navigator.serviceWorker.register(new URL("sw.js", root), { scope: root.pathname });
      const registration = await navigator.serviceWorker.ready;
      state.state = "ready";
      state.status = () => ask(registration.active, { type: "status" });
      state.state = "saving";
      // The runtime is saved only if the calculator has it (from the HTTP cache, where its
      // download left it): a reader who asked to save data never downloads it for this.
      const runtime = window.__glCalculator?.runtime.state === "ready";
      state.saved = await ask(registration.active, { type: "save", page: landing, runtime });
      state.state = "saved";
    } catch (error) {
      state.state = "failed";
      state.error = String(error instanceof Error && error.message ? error.message : error);
    }
  }

  // A copy opened as files (a USB stick): the text reads, but browsers refuse module workers,
  // service workers and fetch() there, so search and the calculator cannot work. Say so at the
  // top of every page, with the one-line fix, rather than leave them silently dead.
  function explainFiles() {
    const show = () => {
      if (document.querySelector(".gl-file-notice")) return;
      const note = document.createElement("div");
      note.className = "gl-file-notice";
      note.setAttribute("role", "note");
      const title = document.createElement("strong");
      title.textContent = "This copy of the site is opened as files. ";
      note.appendChild(title);
      note.appendChild(
        document.createTextNode(
          "The guideline reads as usual, but search and the case calculator need a web " +
            "server: in the site's folder run “python3 -m http.server 8000”, then open " +
            "http://localhost:8000/ (any static web server will do).",
        ),
      );
      const main = document.querySelector("main") || document.body;
      main.insertBefore(note, main.firstChild);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
    else show();
  }

  const start = () => {
    whenTheCalculatorIsQuiet(() => {
      whenIdle(registerAndSave);
    });
  };
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
