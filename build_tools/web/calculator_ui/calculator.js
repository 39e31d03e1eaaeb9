// Case calculator, page side, first part: a small classic script before the page's modules
// (calculator-page.js and what it imports, siblings of this file, added after it to every page
// as a module script). It owns what must work when they cannot load:
//
// * a copy of the site opened as files, where browsers refuse module scripts (origin "null");
// * a server that sends .js files with a type other than JavaScript, which module scripts (and
//   the module worker) refuse while classic scripts run.
//
// In both cases every calculator says why in its status, on every page instant navigation
// shows, and the guideline stays readable. The modules use the same wording and diagnosis
// (window.__glCalculatorEntry).
(() => {
  "use strict";
  if (window.__glCalculatorEntry) return; // evaluated twice: keep the first
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  const base = script?.src ? script.src : location.href;

  /** @type {NonNullable<Window["__glCalculatorEntry"]>} */
  const entry = {
    openedAsFile:
      "the page was opened as a file. The calculator needs the site to be served by a web " +
      "server (any static server will do)",
    failedStatus(reason) {
      return (
        `The calculator could not start: ${reason}. The guideline itself is ` +
        "complete without it: every recommendation is on its pages, with its sources."
      );
    },
    // After a script failed to load: what the server gets wrong with it, in plain words.
    async diagnoseScript(url) {
      try {
        const response = await fetch(url, { method: "HEAD", cache: "no-store" });
        const type = (response.headers.get("Content-Type") || "").split(";")[0];
        if (!response.ok) return `the server answers ${response.status} for ${url.pathname}`;
        if (!/javascript/.test(type)) {
          return `the server sends ${url.pathname} as "${type}"; configure text/javascript for .js files`;
        }
      } catch (_error) {
        return "the server could not be reached";
      }
      return "the calculator's worker stopped with an error";
    },
  };
  window.__glCalculatorEntry = entry;

  /** @param {string} reason */
  function showFailure(reason) {
    const show = () => {
      for (const section of document.querySelectorAll(".gl-calculator")) {
        const status = section.querySelector(".gl-calculator-status");
        if (status) status.textContent = entry.failedStatus(reason);
        section.classList.add("gl-calculator--failed");
      }
    };
    if (typeof window.document$?.subscribe === "function") window.document$.subscribe(show);
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
    else show();
  }

  if (location.protocol === "file:") return showFailure(entry.openedAsFile);
  // Module scripts run before DOMContentLoaded: by then calculator-page.js has started, or it
  // could not load.
  const checkModules = async () => {
    if (window.__glCalculator) return;
    // The worker is a module from the same folder: what stops the page's modules stops it too.
    showFailure(await entry.diagnoseScript(new URL("worker.js", base)));
  };
  if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", checkModules);
  else checkModules();
})();
