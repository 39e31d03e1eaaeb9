// The summary bar: while the result's summary is out of view (on a phone the result comes after
// the form; on any screen before the calculator is reached or after it is passed), a compact bar
// at the bottom of the viewport keeps the status, the first choice and the number of cautions in
// view, and opens the full result. It is never printed, and while it shows the page keeps room
// for it below its content and above a focused field (scroll-padding), so it covers no field.

/**
 * @import {Result} from "./types.js"
 * @import {ResultsView} from "./results-view.js"
 */
import { el, patient, words } from "./page-dom.js";
import { cautionCount, firstChoices, newerPointers } from "./result-summary.js";
import { FIRST_CHOICE, NEWER_SHORT, STATUS_WORD } from "./wording.js";

const SHOWN_CLASS = "gl-summary-bar-shown";

export class SummaryBar {
  /** @param {ResultsView} view */
  constructor(view) {
    this.view = view;
    this.results = /** @type {HTMLElement} */ (
      view.section.querySelector(".gl-calculator-results")
    );
    this.summary = /** @type {HTMLElement} */ (view.section.querySelector(".gl-result-summary"));
    this.bar = el("div", "gl-summary-bar");
    this.bar.setAttribute("role", "group");
    this.bar.hidden = true;
    this.text = this.bar.appendChild(el("p", "gl-summary-bar-text"));
    this.open = this.bar.appendChild(el("button", "gl-summary-bar-open"));
    this.open.type = "button";
    this.open.addEventListener("click", () => this.showResult());
    view.section.appendChild(this.bar);
    /** @type {Result | null} */
    this.result = null;
    this.frame = 0;
    const update = () => this.schedule();
    window.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update, { passive: true });
    this.results.addEventListener("scroll", update, { passive: true });
    /** Removes the listeners once the section has left the page (instant navigation). */
    this.detach = () => {
      window.removeEventListener("scroll", update);
      window.removeEventListener("resize", update);
      document.documentElement.classList.remove(SHOWN_CLASS);
    };
  }

  /** @param {Result | null} result */
  render(result) {
    this.result = result;
    this.bar.setAttribute("aria-label", words(["Result summary", "Summary of the result"]));
    this.open.textContent = words(["Result", "Result"]);
    this.open.setAttribute("aria-label", words(["Show the full result", "See the full result"]));
    const text = this.keyedText(result);
    if (this.text.firstChild !== text) this.text.replaceChildren(text);
    this.schedule();
  }

  /** @param {Result | null} result */
  keyedText(result) {
    const status = result?.status || "";
    const first = result ? firstChoices(result).map((item) => item.id) : [];
    const newer = result ? newerPointers(firstChoices(result)).map((p) => p.text) : [];
    const count = result ? cautionCount(result) : 0;
    // Doses by their totals, per agent ("<agent> 280 mg, 140 mg"): the dose shown (rounded where
    // the guideline declares a rounding step), or, without a weight, the dose per kg. The
    // arithmetic, the exact product and the schedules are in the result.
    /** @type {Map<string, string[]>} */
    const totals = new Map();
    for (const item of result?.dosing || []) {
      const dose = item.dose;
      if (!dose) continue;
      const list = totals.get(dose.agent) || [];
      if (dose.total !== null) list.push(`${dose.total} ${dose.unit}`);
      else if (dose.amount_per_kg) list.push(`${dose.amount_per_kg} ${dose.unit}/kg`);
      else continue;
      totals.set(dose.agent, list);
    }
    const doses = Array.from(totals, ([agent, list]) => `${agent} ${list.join(", ")}`);
    return this.view.keyed("bar", [status, first, newer, count, doses], () => {
      const line = el("span", "gl-summary-bar-line");
      if (!result) return line;
      // The status and the first choice (clamped to two lines), what newer guidance says (one
      // line), then the cautions and the doses.
      const lead = line.appendChild(el("span", "gl-summary-bar-lead"));
      lead.appendChild(
        el("strong", "gl-summary-bar-status", words(STATUS_WORD[status] || [status, status])),
      );
      const chosen = firstChoices(result)[0];
      if (chosen) {
        lead.appendChild(document.createTextNode(" · "));
        const choice = lead.appendChild(el("span", "gl-summary-bar-first"));
        choice.appendChild(el("span", "gl-summary-bar-term", `${words(FIRST_CHOICE)}: `));
        choice.appendChild(document.createTextNode(patient() ? chosen.patient_text : chosen.text));
      }
      // What newer guidance says instead: the headline's second layer, on one line.
      const pointer = newerPointers(firstChoices(result))[0];
      if (pointer) {
        const newer = line.appendChild(el("span", "gl-summary-bar-newer"));
        const text = patient() ? pointer.patient_text : pointer.text;
        const term = words(NEWER_SHORT);
        // A pointer that says whose words it is ("Newer guidance, first line: ...") needs no term.
        if (!text.toLowerCase().startsWith(term.toLowerCase())) {
          newer.appendChild(el("span", "gl-summary-bar-term", `${term}: `));
        }
        newer.appendChild(document.createTextNode(text));
      }
      const facts = line.appendChild(el("span", "gl-summary-bar-facts"));
      facts.appendChild(
        el("span", "gl-summary-bar-cautions", count === 1 ? "1 caution" : `${count} cautions`),
      );
      if (doses.length) {
        facts.appendChild(document.createTextNode(" · "));
        const dosing = facts.appendChild(el("span", "gl-summary-bar-doses"));
        dosing.appendChild(el("span", "gl-summary-bar-term", `${words(["Doses", "Doses"])}: `));
        dosing.appendChild(document.createTextNode(doses.join("; ")));
      }
      return line;
    });
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.place();
    });
  }

  // Shown when there is a result whose summary is not in view; the page keeps room for it.
  place() {
    if (!this.view.section.isConnected) return this.detach();
    const shown = Boolean(this.result) && !this.summaryInView() && !printing();
    if (this.bar.hidden === shown) this.bar.hidden = !shown;
    const root = document.documentElement;
    root.classList.toggle(SHOWN_CLASS, shown);
    if (shown) root.style.setProperty("--gl-summary-bar-height", `${this.bar.offsetHeight}px`);
  }

  // In view: every part of the summary that the bar would show (the status, the first choice,
  // the number of cautions, the doses), inside the viewport and inside the result panel (which
  // scrolls on its own on wide screens).
  summaryInView() {
    const panel = this.results.getBoundingClientRect();
    const top = Math.max(0, panel.top, headerBottom());
    const bottom = Math.min(window.innerHeight, panel.bottom);
    const parts = this.summary.querySelectorAll(
      ".gl-calculator-summary, .gl-summary-first, .gl-summary-cautions dt, .gl-summary-doses",
    );
    return Array.from(parts).every((part) => {
      const rect = part.getBoundingClientRect();
      return rect.height > 0 && rect.top >= top - 1 && rect.bottom <= bottom + 1;
    });
  }

  // The full result: scrolled to, its summary at the top, and the focus on it.
  showResult() {
    this.results.scrollTop = 0;
    this.results.scrollIntoView({ block: "start" });
    this.results.focus({ preventScroll: true });
    this.schedule();
  }
}

/** The bottom of the theme's fixed header, if any. */
function headerBottom() {
  const header = document.querySelector(".md-header");
  return header ? header.getBoundingClientRect().bottom : 0;
}

function printing() {
  return window.matchMedia?.("print").matches ?? false;
}
