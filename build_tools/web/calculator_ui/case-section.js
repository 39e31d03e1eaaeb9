// One calculator section: the form <-> fragment <-> worker loop.
//
// The case lives in the fragment as URLSearchParams of the declared field names
// (`#sex=female&her2_status=positive&weight_kg=70`). The worker turns it into a case with the
// runtime's own `case_from_fragment`, so a link and a JSON case mean the same thing.

/** @import {Answer, PageData} from "./types.js" */
import { CaseForm } from "./case-form.js";
import { setData } from "./page-dom.js";
import { ResultsView } from "./results-view.js";
import { changes, recommend, relevance, runtime, startRuntime } from "./runtime-client.js";

const URL_DELAY_MS = 250;
// Which fields cannot change the result is asked for once the edits pause: it runs the case once
// per other value of each field (tens of runs), and the worker runs one request at a time, so
// asking on every keystroke would delay the next result.
const RELEVANCE_DELAY_MS = 300;

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
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.relevanceTimer = null;
    const reset = section.querySelector(".gl-calculator-reset");
    reset?.addEventListener("click", () => this.newCase());
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

  // "New case": every field back to its default, the case gone from the address bar, the focus
  // on the first field.
  newCase() {
    if (this.urlTimer !== null) clearTimeout(this.urlTimer);
    this.urlTimer = null;
    this.form.reset();
    this.compute("");
    if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
    const first = this.form.form.querySelector("select, input");
    if (first instanceof HTMLElement) first.focus();
  }

  /** @param {string} fragment */
  compute(fragment) {
    this.fragment = fragment;
    // Answers to anything asked before (results, field relevance) are dropped from now on.
    const sequence = ++this.sequence;
    if (this.relevanceTimer !== null) clearTimeout(this.relevanceTimer);
    this.relevanceTimer = null;
    if (!fragment) {
      this.render(null);
      return;
    }
    startRuntime();
    if (!this.results.last) this.results.summaryView.showText("Calculating…");
    recommend(this.data.guideline, fragment).then((answer) => {
      if (sequence !== this.sequence || !this.section.isConnected) return;
      if (runtime.timings.firstResult === null && answer.result) {
        runtime.timings.firstResult = performance.now();
      }
      answer.fragment = fragment;
      this.render(answer);
      this.askRelevance(answer);
    });
  }

  /**
   * Mark the fields that cannot change the result of `fragment` (null: none, no case), then say
   * which case the marks are for (tests and the README's pictures wait on it).
   * @param {import("./types.js").FieldRelevance[] | null} fields
   * @param {string | null} [fragment]
   */
  showRelevance(fields, fragment = null) {
    this.form.showRelevance(fields);
    setData(this.section, "relevanceCase", fragment);
  }

  /**
   * Once the edits pause: which fields cannot change the result of the case shown, and why.
   * Until the answer comes the marks of the previous case stay (they are about to be replaced).
   * @param {Answer} answer
   */
  askRelevance(answer) {
    const fragment = answer.fragment || "";
    if (!answer.result || answer.result.status === "invalid") return this.showRelevance(null);
    const sequence = this.sequence;
    this.relevanceTimer = setTimeout(() => {
      this.relevanceTimer = null;
      relevance(this.data.guideline, fragment).then((reply) => {
        if (sequence !== this.sequence || !this.section.isConnected) return;
        this.results.questions = { fragment, questions: reply.questions || [] };
        this.render(); // the next question, in the summary
        this.showRelevance(reply.relevance ? reply.relevance.fields : null, fragment);
      });
      this.askChanges(fragment, sequence);
    }, RELEVANCE_DELAY_MS);
  }

  /**
   * How the result of `fragment` changed since the previous release (the "changed in" note):
   * not asked on a superseded version's page (`<id>@<version>`: it is the past), nor again for
   * the case whose answer is shown.
   * @param {string} fragment
   * @param {number} sequence
   */
  askChanges(fragment, sequence) {
    if (this.data.guideline.includes("@")) return setData(this.section, "changesCase", fragment);
    if (this.results.changes?.fragment === fragment) {
      return setData(this.section, "changesCase", fragment);
    }
    changes(this.data.guideline, fragment).then((reply) => {
      if (sequence !== this.sequence || !this.section.isConnected) return;
      this.results.changes = { fragment, changes: reply.changes || null };
      this.render();
      // Last: the case the note is for (tests wait on it).
      setData(this.section, "changesCase", fragment);
    });
  }

  /**
   * Show `answer`, or, with none, nothing yet (null); without an argument: again, the answer
   * shown (e.g. in the other wording).
   * @param {Answer | null} [answer]
   */
  render(answer = this.results.last) {
    this.results.render(answer, Boolean(this.fragment));
    if (!answer?.result) this.showRelevance(null);
    else this.form.showNotes(); // the notes follow the wording too
  }
}
