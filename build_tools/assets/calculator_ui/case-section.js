// One calculator section: the form <-> fragment <-> worker loop.
//
// The case lives in the fragment as URLSearchParams of the declared field names
// (`#sex=female&her2_status=positive&weight_kg=70`). The worker turns it into a case with the
// runtime's own `case_from_fragment`, so a link and a JSON case mean the same thing.

/** @import {Answer, PageData} from "./types.js" */
import { CaseForm } from "./case-form.js";
import { ResultsView } from "./results-view.js";
import { recommend, runtime, startRuntime } from "./runtime-client.js";

const URL_DELAY_MS = 250;

export class CaseSection {
  /** @param {HTMLElement} section */
  constructor(section) {
    this.section = section;
    /** @type {PageData} built by render/calculator_form.py: calculator_data */
    this.data = JSON.parse(section.dataset.glCalculator || "");
    this.form = new CaseForm(
      /** @type {HTMLFormElement} */ (section.querySelector("form.gl-calculator-form")),
      this.data.inputs,
    );
    this.status = /** @type {HTMLElement} */ (section.querySelector(".gl-calculator-status"));
    this.results = new ResultsView(section, this.data, this.form);
    /** The case asked for last, as fragment text. @type {string | undefined} */
    this.fragment = undefined;
    /** Answers to older requests are dropped. */
    this.sequence = 0;
    /** A case not yet in the address bar (see fromForm). @type {ReturnType<typeof setTimeout> | null} */
    this.urlTimer = null;
    this.pathname = location.pathname;
    const edited = () => this.fromForm();
    this.form.form.addEventListener("input", edited);
    this.form.form.addEventListener("change", edited);
    this.form.form.addEventListener("submit", (event) => event.preventDefault());
    this.fromFragment(location.hash);
    this.showStatus();
  }

  showStatus() {
    const text = {
      idle: "",
      loading: runtime.detail,
      ready:
        "Calculator ready: results update as you change the case." +
        (runtime.notice ? ` Note: ${runtime.notice}.` : ""),
      failed: window.__glCalculatorEntry
        ? window.__glCalculatorEntry.failedStatus(runtime.detail)
        : runtime.detail,
    }[runtime.state];
    if (this.status.textContent !== text) this.status.textContent = text;
    this.section.classList.toggle("gl-calculator--failed", runtime.state === "failed");
    this.section.classList.toggle("gl-calculator--ready", runtime.state === "ready");
  }

  /**
   * The fragment -> the form, then compute. A fragment without "=" is an ordinary anchor.
   * @param {string} hash
   */
  fromFragment(hash) {
    const text = (hash || "").replace(/^#/, "");
    if (text && text.indexOf("=") < 0) return;
    if (this.urlTimer !== null) clearTimeout(this.urlTimer); // the address bar is the case now
    this.urlTimer = null;
    const params = new URLSearchParams(text);
    this.form.show(params);
    this.compute(params.toString());
  }

  // The form -> compute, then the fragment. The address bar follows the case a moment after
  // the edits stop (URL_DELAY_MS): replaceState costs ~1.5 ms and makes Chromium ask for the
  // favicon again, on every keystroke; a link copied a moment later is the same link.
  fromForm() {
    const fragment = this.form.fragment();
    if (fragment === this.fragment) return; // "input" and "change" both fire for one edit
    this.compute(fragment);
    if (this.urlTimer !== null) clearTimeout(this.urlTimer);
    this.urlTimer = setTimeout(() => this.writeUrl(), URL_DELAY_MS);
  }

  // The case into the address bar (replaceState: no navigation, no request), if it is pending
  // and this page is still the one shown (instant navigation may have moved on).
  writeUrl() {
    if (this.urlTimer === null) return;
    clearTimeout(this.urlTimer);
    this.urlTimer = null;
    if (!this.section.isConnected || location.pathname !== this.pathname) return;
    const fragment = this.fragment || "";
    if (location.hash.replace(/^#/, "") === fragment) return;
    history.replaceState(
      history.state,
      "",
      location.pathname + location.search + (fragment ? `#${fragment}` : ""),
    );
  }

  /** @param {string} fragment */
  compute(fragment) {
    this.fragment = fragment;
    if (!fragment) {
      this.render(null);
      return;
    }
    startRuntime();
    const sequence = ++this.sequence;
    if (!this.results.last) this.results.summary.textContent = "Calculating…";
    recommend(this.data.guideline, fragment).then((answer) => {
      if (sequence !== this.sequence || !this.section.isConnected) return;
      if (runtime.timings.firstResult === null && answer.result) {
        runtime.timings.firstResult = performance.now();
      }
      answer.fragment = fragment;
      this.render(answer);
    });
  }

  /**
   * Show `answer`, or, with none, nothing yet (null); without an argument: again, the answer
   * shown (e.g. in the other wording).
   * @param {Answer | null} [answer]
   */
  render(answer = this.results.last) {
    this.results.render(answer, Boolean(this.fragment));
  }
}
