// Inline in every page's <head>, so that it runs before the theme's own listener: a new
// fragment on the page whose calculator is on screen (a case link pasted into the address bar,
// "back" to the previous case) is a new case, not a new page. mkdocs-material's instant
// navigation would fetch the page again on that "popstate"; the calculator recomputes instead,
// with no request (calculator-page.js sets showsPath and onFragment). Only a move between two
// entries of the same path counts: "back" to another page, even while its content is still
// being fetched, stays the theme's.
(() => {
  let shown = location.pathname; // the path of the history entry the tab is on
  const pushState = history.pushState;
  /** @param {Parameters<History["pushState"]>} args */
  history.pushState = (...args) => {
    pushState.apply(history, args);
    shown = location.pathname;
  };
  window.addEventListener("popstate", (event) => {
    const previous = shown;
    shown = location.pathname;
    const calculator = window.__glCalculator;
    if (previous !== location.pathname || !calculator || !calculator.onFragment) return;
    if (calculator.showsPath !== location.pathname) return;
    event.stopImmediatePropagation();
    calculator.onFragment();
  });
})();
