// Runs in <head>, before the page paints: apply the reader's saved wording (clinician or
// patient) so a patient never sees a flash of clinician text. The choice lives in
// localStorage: it persists across pages and visits without any server.
(() => {
  try {
    if (window.localStorage.getItem("gl-audience") === "patient") {
      document.documentElement.setAttribute("data-gl-audience", "patient");
    }
  } catch (_error) {
    // Storage can be disabled by policy: the page then simply starts in clinician wording.
  }
})();
