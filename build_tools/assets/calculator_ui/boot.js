// Case calculator, first stage, on calculator pages only (the build adds it to their <head>):
// start the Python worker while the page is still being parsed, so that Python's start-up runs
// beside the theme's own page load (~0.2-0.6 s on a 2-core machine) instead of after it.
// Measured: a repeat visit's first result 1.54 -> 1.38 s (medians of 5). Other guideline pages
// leave it to calculator.js after the page has loaded: there the reader reads, and an early
// start would only delay the first paint (by ~0.2 s, measured), for a runtime that a later
// calculator page finds warm either way.
//
// calculator.js adopts this worker and replays the messages it sent meanwhile; without this
// script (a calculator reached by instant navigation) it starts the worker itself, the same way.
(function () {
  "use strict";
  if (window.__glCalculator || window.__glCalculatorBoot) return;
  const script = document.currentScript;
  if (!script || !script.src || location.protocol === "file:" || typeof Worker === "undefined") {
    return; // calculator.js says why, in the page
  }
  // This script is <root>/assets/calculator/boot.js; these paths are calculator.js's own.
  const root = new URL("../../", script.src).href;
  const boot = { worker: null, url: new URL("assets/calculator/worker.js", root), events: [] };
  try {
    boot.worker = new Worker(boot.url, { type: "module" });
  } catch (error) {
    return; // calculator.js tries again and reports the error
  }
  boot.startedAt = performance.now();
  // Kept in order, messages and errors alike, until calculator.js takes over.
  boot.worker.onmessage = boot.worker.onerror = function (event) {
    if (event.type === "error") event.preventDefault();
    boot.events.push(event);
  };
  boot.worker.postMessage({
    type: "init",
    siteRoot: root,
    manifest: "assets/calculator/calculator-manifest.json",
  });
  window.__glCalculatorBoot = boot;
})();
