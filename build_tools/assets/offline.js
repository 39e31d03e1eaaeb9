// Offline copy of the site: registers the service worker (<site root>/sw.js, written by the
// build) once the page has loaded, and, when the browser is idle and the reader has not asked
// to save data, asks it to keep the calculator's runtime as well (~13 MB; a calculator page
// downloads it in any case, and the worker keeps what it downloads).
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
   * @param {string} type
   * @returns {Promise<unknown>}
   */
  function ask(worker, type) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => {
        resolve(event.data);
      };
      /** @type {ServiceWorker} */ (worker).postMessage({ type: type }, [channel.port2]);
    });
  }

  // While the calculator's worker downloads the runtime, the service worker's own fetch of
  // the same files would download them a second time (the HTTP cache has them only once they
  // are complete): wait until it is ready (or has failed, or was never started).
  /** @param {() => void} callback */
  function afterTheCalculatorsDownload(callback) {
    const calculator = window.__glCalculator;
    if (calculator?.runtime.state !== "loading") return callback();
    const settled = () => {
      if (calculator.runtime.state === "loading") return;
      document.removeEventListener("gl-runtime-settled", settled);
      callback();
    };
    document.addEventListener("gl-runtime-settled", settled);
  }

  async function register() {
    try {
      state.state = "registering";
      await navigator.serviceWorker.register(new URL("sw.js", root), { scope: root.pathname });
      const registration = await navigator.serviceWorker.ready;
      state.state = "ready";
      state.status = () => ask(registration.active, "status");
      const calculatorPage = Boolean(document.querySelector(".gl-calculator"));
      if (saveData() && !calculatorPage) return;
      whenIdle(() => {
        afterTheCalculatorsDownload(async () => {
          state.runtime = await ask(registration.active, "cache-runtime");
        });
      });
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

  if (document.readyState === "complete") whenIdle(register);
  else
    window.addEventListener("load", () => {
      whenIdle(register);
    });
})();
