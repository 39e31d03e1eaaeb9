// Page behaviour of guideline pages: the clinician / patient wording switch.
//
// mkdocs-material's instant navigation swaps page content without reloading, and emits every
// new page on `document$`; mounting is idempotent so it can run on each of them.
(function () {
  "use strict";

  var STORAGE_KEY = "gl-audience";
  var AUDIENCES = ["clinician", "patient"];

  function currentAudience() {
    return document.documentElement.getAttribute("data-gl-audience") === "patient"
      ? "patient"
      : "clinician";
  }

  function applyAudience(audience) {
    if (AUDIENCES.indexOf(audience) < 0) return;
    if (audience === "patient") {
      document.documentElement.setAttribute("data-gl-audience", "patient");
    } else {
      document.documentElement.removeAttribute("data-gl-audience");
    }
    var radios = document.querySelectorAll('input[name="gl-audience"]');
    for (var i = 0; i < radios.length; i++) radios[i].checked = radios[i].value === audience;
    document.dispatchEvent(new CustomEvent("gl-audience-change", { detail: { audience: audience } }));
  }

  function saveAudience(audience) {
    try {
      window.localStorage.setItem(STORAGE_KEY, audience);
    } catch (error) {
      // Without storage the choice lasts for this page only.
    }
  }

  function mount() {
    var radios = document.querySelectorAll('input[name="gl-audience"]');
    for (var i = 0; i < radios.length; i++) {
      var radio = radios[i];
      radio.checked = radio.value === currentAudience();
      if (radio.dataset.glMounted) continue;
      radio.dataset.glMounted = "true";
      radio.addEventListener("change", function (event) {
        saveAudience(event.target.value);
        applyAudience(event.target.value);
      });
    }
  }

  // Another tab changed the wording: follow it.
  window.addEventListener("storage", function (event) {
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
