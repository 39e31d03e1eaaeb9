// Case calculator, first stage, on calculator pages only (the build adds it to their <head>):
// start the Python worker while the page is still being parsed, so that Python's start-up runs
// beside the theme's own page load (~0.2-0.6 s on a 2-core machine) instead of after it.
// Measured: a repeat visit's first result 1.54 -> 1.38 s (medians of 5). Other guideline pages
// leave it to the page script (calculator.js) after the page has loaded: there the reader reads, and an early
// start would only delay the first paint (by ~0.2 s, measured), for a runtime that a later
// calculator page finds warm either way.
//
// The page script (runtime-client.js) adopts this worker and replays the messages it sent meanwhile; without this
// script (a calculator reached by instant navigation) it starts the worker itself, the same way.
(() => {
  "use strict";
  if (window.__glCalculator || window.__glCalculatorBoot) return;
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script?.src || location.protocol === "file:" || typeof Worker === "undefined") {
    return; // the page script says why, in the page
  }
  // The worker and the manifest are siblings of this script (runtime-client.js finds them the
  // same way, beside itself).
  /** @type {NonNullable<Window["__glCalculatorBoot"]>} */
  const boot = { worker: null, url: new URL("worker.js", script.src), events: [], startedAt: 0 };
  try {
    boot.worker = new Worker(boot.url, { type: "module" });
  } catch (_error) {
    return; // the page script tries again and reports the error
  }
  boot.startedAt = performance.now();
  // Kept in order, messages and errors alike, until the page script takes over.
  /** @param {Event} event */
  const keep = (event) => {
    if (event.type === "error") event.preventDefault();
    boot.events.push(event);
  };
  boot.worker.onmessage = keep;
  boot.worker.onerror = keep;
  /** @type {import("./types.js").InitMessage} */
  const init = { type: "init", manifest: new URL("calculator-manifest.json", script.src).href };
  boot.worker.postMessage(init);
  window.__glCalculatorBoot = boot;
})();
