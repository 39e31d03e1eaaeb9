// Case calculator, page side (loaded by calculator.js): mounts every `.gl-calculator` section,
// keeps the case in the URL fragment and renders live results.
//
// * One worker per tab (runtime-client.js): it is started on the first guideline page and
//   survives mkdocs-material's instant navigation, which swaps page content without reloading
//   and emits each new page on `document$`. Mounting is idempotent.
// * The case lives in the fragment (case-section.js). Computing is postMessage only: no
//   request. Data is rendered with textContent and createElement only, never as HTML.

import { CaseSection } from "./case-section.js";
import { runtime, runtimeListeners, startRuntime } from "./runtime-client.js";

/** Mounted sections of the current page. @type {Set<CaseSection>} */
const calculators = new Set();
/** @type {NonNullable<Window["__glCalculator"]>} */
const shared = { runtime, calculators, showsPath: null, onFragment };
window.__glCalculator = shared;
runtimeListeners.add(() => {
  for (const calculator of calculators) calculator.showStatus();
});

function mount() {
  for (const calculator of Array.from(calculators)) {
    if (calculator.section.isConnected) continue;
    calculators.delete(calculator);
    calculator.results.bar.detach(); // its listeners, and the room kept for it
  }
  const sections = document.querySelectorAll(".gl-calculator");
  for (const section of sections) {
    if (!(section instanceof HTMLElement) || section.dataset.glMounted) continue;
    section.dataset.glMounted = "true";
    try {
      calculators.add(new CaseSection(section));
    } catch (error) {
      console.error("Case calculator: cannot mount", error);
    }
  }
  // The page whose calculator is on screen: a new fragment there is a new case.
  shared.showsPath = sections.length ? location.pathname : null;
  // A calculator page starts the runtime at once. Any other guideline page starts it only
  // once the browser is idle after the page has loaded, and not at all for a reader who
  // asked to save data (a phone on metered data reading one section must not download
  // ~5-13 MB): a calculator opened next is then already warm.
  if (sections.length) return startRuntime();
  const saveData = navigator.connection?.saveData;
  if (document.querySelector(".gl-chrome") && !saveData) whenIdleAfterLoad(startRuntime);
}

/** @param {() => void} callback */
function whenIdleAfterLoad(callback) {
  const idle = () => {
    if ("requestIdleCallback" in window) window.requestIdleCallback(callback);
    else setTimeout(callback, 1000);
  };
  if (document.readyState === "complete") idle();
  else window.addEventListener("load", idle, { once: true });
}

// Before anything leaves the page (a click on a link, instant navigation included, or the
// page being hidden), the address bar gets the case, so that "back" returns to it.
function writeUrls() {
  for (const calculator of calculators) calculator.writeUrl();
}
document.addEventListener("click", writeUrls, true);
window.addEventListener("pagehide", writeUrls);
document.addEventListener("visibilitychange", writeUrls);

function onFragment() {
  for (const calculator of calculators) {
    if (calculator.section.isConnected) calculator.fromFragment(location.hash);
  }
}
window.addEventListener("hashchange", onFragment);
// fragment-guard.js (inline in every page's <head>) calls onFragment instead of letting the
// theme's instant navigation fetch the page again for a new fragment.
document.addEventListener("gl-audience-change", () => {
  for (const calculator of calculators) calculator.render();
});

if (typeof window.document$?.subscribe === "function") window.document$.subscribe(mount);
// Also on our own: mounting twice changes nothing.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", mount);
} else {
  mount();
}
