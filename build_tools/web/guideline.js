// Page behaviour of guideline pages: the clinician / patient wording switch.
//
// mkdocs-material's instant navigation swaps page content without reloading, and emits every
// new page on `document$`; mounting is idempotent so it can run on each of them.
(() => {
  "use strict";

  const STORAGE_KEY = "gl-audience";
  const AUDIENCES = ["clinician", "patient"];

  /** The wording switch's radio buttons. @returns {NodeListOf<HTMLInputElement>} */
  function audienceRadios() {
    return document.querySelectorAll('input[name="gl-audience"]');
  }

  function currentAudience() {
    return document.documentElement.getAttribute("data-gl-audience") === "patient"
      ? "patient"
      : "clinician";
  }

  /** @param {string} audience */
  function applyAudience(audience) {
    if (AUDIENCES.indexOf(audience) < 0) return;
    if (audience === "patient") {
      document.documentElement.setAttribute("data-gl-audience", "patient");
    } else {
      document.documentElement.removeAttribute("data-gl-audience");
    }
    for (const radio of audienceRadios()) radio.checked = radio.value === audience;
    document.dispatchEvent(
      new CustomEvent("gl-audience-change", { detail: { audience: audience } }),
    );
  }

  /** @param {string} audience */
  function saveAudience(audience) {
    try {
      window.localStorage.setItem(STORAGE_KEY, audience);
    } catch (_error) {
      // Without storage the choice lasts for this page only.
    }
  }

  function mount() {
    for (const radio of audienceRadios()) {
      radio.checked = radio.value === currentAudience();
      if (radio.dataset.glMounted) continue;
      radio.dataset.glMounted = "true";
      radio.addEventListener("change", (event) => {
        const value = /** @type {HTMLInputElement} */ (event.target).value;
        saveAudience(value);
        applyAudience(value);
      });
    }
  }

  // Print: the chrome's "Details" (the review stepper, the source, every notice in full) belong
  // on paper. The stylesheet shows a closed disclosure's content where the browser styles
  // ::details-content; elsewhere the disclosure is opened for printing, then closed again.
  window.addEventListener("beforeprint", () => {
    for (const details of document.querySelectorAll("details.gl-chrome-details:not([open])")) {
      /** @type {HTMLDetailsElement} */ (details).open = true;
      /** @type {HTMLElement} */ (details).dataset.glOpenedForPrint = "true";
    }
  });
  window.addEventListener("afterprint", () => {
    for (const details of document.querySelectorAll("details[data-gl-opened-for-print]")) {
      /** @type {HTMLDetailsElement} */ (details).open = false;
      delete (/** @type {HTMLElement} */ (details).dataset.glOpenedForPrint);
    }
  });

  // Another tab changed the wording: follow it.
  window.addEventListener("storage", (event) => {
    if (event.key === STORAGE_KEY && event.newValue) applyAudience(event.newValue);
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mount);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
