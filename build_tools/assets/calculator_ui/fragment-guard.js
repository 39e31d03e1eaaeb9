// Inline in every page's <head>, so that it runs before the theme's own listener: a new
// fragment on the page whose calculator is on screen (a case link pasted into the address bar,
// "back" to the previous case) is a new case, not a new page. mkdocs-material's instant
// navigation would fetch the page again on that "popstate"; the calculator recomputes instead,
// with no request (calculator-page.js sets showsPath and onFragment). Only a move between two
// entries of the same path counts: "back" to another page, even while its content is still
// being fetched, stays the theme's.
(function () {
  var shown = location.pathname; // the path of the history entry the tab is on
  var pushState = history.pushState;
  history.pushState = function () {
    pushState.apply(history, arguments);
    shown = location.pathname;
  };
  window.addEventListener("popstate", function (event) {
    var previous = shown;
    shown = location.pathname;
    var calculator = window.__glCalculator;
    if (previous !== location.pathname || !calculator || !calculator.onFragment) return;
    if (calculator.showsPath !== location.pathname) return;
    event.stopImmediatePropagation();
    calculator.onFragment();
  });
})();
