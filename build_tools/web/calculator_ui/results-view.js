// The results of one calculator section, rendered incrementally. Each block of the results, and
// each item in it, is keyed by the data it shows (and the wording): what did not change keeps
// its DOM nodes, so an edit that changes one dose redraws that dose's item, not the forty around
// it (measured: a render 5.4 -> 1.1 ms), and an open "Why" stays open. A changed item is built
// anew, never patched.
//
// The order is that of what changes the decision: the summary (result-summary.js), then the
// cautions and notices, the recommendations (with what depends on findings not stated), the
// prognosis, the doses, the work-up (the findings to establish first, those that change only
// the prognosis last), monitoring, supportive care; statements that hold for every case routed
// this way ("general" items) are gathered in one closed "General points" disclosure at the end
// (the item lists and that folding: result-lists.js). Recommendations and doses are never
// folded away there.

/**
 * @import {Answer, CaseInput, CaseValue, ConditionalGroup, FieldError, PageData, Result,
 *   ResultItem} from "./types.js"
 * @import {CaseForm} from "./case-form.js"
 * @import {Block} from "./result-lists.js"
 * @import {ListKey} from "./wording.js"
 */
import { changedNoteBlock } from "./changed-note.js";
import { el, humanize, lowerFirst, patient, place, setData, words } from "./page-dom.js";
import { printReferencesBlock, renderPrint } from "./print-summary.js";
import { itemElement } from "./result-item.js";
import { caseItems, generalBlock, listBlock, placeItems } from "./result-lists.js";
import { ResultSummary, waitingFields } from "./result-summary.js";
import { SummaryBar } from "./summary-bar.js";
import { CONDITIONAL } from "./wording.js";

/** The lists after the recommendations, in the order shown. */
/** @type {ReadonlyArray<ListKey>} */
const AFTER = ["dosing", "workup", "monitoring", "supportive_care"];

export class ResultsView {
  /**
   * @param {HTMLElement} section
   * @param {PageData} data
   * @param {CaseForm} form
   */
  constructor(section, data, form) {
    this.section = section;
    this.data = data;
    this.form = form;
    this.output = /** @type {HTMLElement} */ (section.querySelector(".gl-calculator-output"));
    this.root = data.site_root_relative || "";
    /** @type {Record<string, CaseInput>} */
    this.inputs = {};
    for (const input of data.inputs) this.inputs[input.name] = input;
    /** The answer shown: {result, case, fragment} or an error. @type {Answer | null} */
    this.last = null;
    /** @type {Set<string>} the ids of the items whose "Why" is open */
    this.openWhy = new Set();
    /** Rendered nodes by key, with the data they show (see keyed). @type {Map<string, {signature: string, node: any}>} */
    this.cache = new Map();
    /** During a render: the previous render's cache. @type {typeof this.cache | null} */
    this.shown = null;
    /** How the case's result changed since the previous release, for the case `fragment`
     * (case-section.js asks once the edits pause). @type {{fragment: string, changes: import("./types.js").CaseChanges | null} | null} */
    this.changes = null;
    /** The unstated findings to establish, most decisive first, for the case `fragment`
     * (asked with the relevance once the edits pause). @type {{fragment: string, questions: import("./types.js").Question[]} | null} */
    this.questions = null;
    this.summaryView = new ResultSummary(this);
    this.bar = new SummaryBar(this);
  }

  /**
   * Show `answer` (null: none yet; `pending`: a case is being computed).
   * @param {Answer | null} answer
   * @param {boolean} pending
   */
  render(answer, pending) {
    this.last = answer;
    const result = answer && !answer.error ? answer.result || null : null;
    this.shown = this.cache;
    this.cache = new Map();
    if (!answer) {
      this.summaryView.showText(
        pending
          ? ""
          : words([
              "Fill in the case to see the recommendations.",
              "Answer the questions to see what the guideline suggests.",
            ]),
      );
    } else if (answer.error) {
      this.summaryView.showText(`The calculator could not compute this case: ${answer.error}.`);
    } else if (result) {
      this.summaryView.show(result);
    }
    setData(this.section, "status", result ? result.status : null);

    /** @type {(Node | null)[]} */
    const blocks = [];
    if (result) {
      blocks.push(changedNoteBlock(this, answer?.fragment));
      blocks.push(this.cautionsBlock(result));
      blocks.push(this.errorsBlock(result.errors));
      if (result.status !== "invalid") {
        blocks.push(listBlock(this, result, "recommendations"));
        blocks.push(this.conditionalBlock(result.conditional));
        blocks.push(this.prognosisBlock(result));
        for (const key of AFTER) blocks.push(listBlock(this, result, key));
        blocks.push(generalBlock(this, result));
        blocks.push(printReferencesBlock(this, result));
      }
    }
    this.form.showFieldErrors(result ? result.errors : []);
    this.form.showWaiting(result ? waitingFields(result) : []);
    place(this.output, /** @type {Node[]} */ (blocks.filter(Boolean)));
    renderPrint(this, result ? answer : null);
    this.bar.render(result);
    this.shown = null;
    // Last: the case shown (tests and benchmarks wait on it).
    setData(this.section, "renderedCase", result ? answer?.fragment : null);
  }

  /**
   * The node for `key` showing `data`: the one on screen if it showed the same data in the same
   * wording, else build(). Only what this render asks for stays cached.
   * @template {Node | Node[]} T
   * @param {string} key
   * @param {unknown} data
   * @param {() => T} build
   * @returns {T}
   */
  keyed(key, data, build) {
    const signature = (patient() ? "p" : "c") + JSON.stringify(data);
    const shown = this.shown?.get(key);
    const node = shown && shown.signature === signature ? shown.node : build();
    this.cache.set(key, { signature, node });
    return node;
  }

  // The errors that have no field of the form to show them beside: about the case as a whole,
  // or about a field the form does not have (a case link naming a field the guideline does not
  // declare, e.g. a misspelt one: never ignored, the message names the field meant).
  /** @param {FieldError[] | undefined} errors */
  errorsBlock(errors) {
    /** @type {string[]} */
    const general = [];
    for (const error of errors || []) {
      if (!this.form.errorSlot(error.field)) general.push(error.message);
    }
    if (!general.length) return null;
    return this.keyed("errors", general, () => {
      const block = el("section", "gl-result-block gl-result-errors");
      block.setAttribute("role", "alert");
      block.appendChild(el("h3", "", words(["To correct", "To check"])));
      const list = block.appendChild(el("ul", "gl-calculator-errors"));
      for (const message of general) list.appendChild(el("li", "", message));
      return block;
    });
  }

  // The cautions that change the decision: the notices every result carries (the source's age,
  // the review status: printed with the case), then the case's own warnings.
  /** @param {Result} result */
  cautionsBlock(result) {
    const notices = result.notices || [];
    const warnings = caseItems(result, "warnings");
    if (!notices.length && !warnings.length) return null;
    const block = this.keyed("cautions", [notices, warnings.length > 0], () => {
      /** @type {Block} */
      const block = el("section", "gl-result-block gl-result-warnings");
      block.appendChild(el("h3", "", words(["Cautions and notices", "Important warnings"])));
      if (notices.length) {
        const box = block.appendChild(el("div", "gl-result-notices"));
        for (const notice of notices) {
          const line = el("p", `gl-result-notice gl-result-notice--${notice.id}`);
          line.appendChild(el("span", "", patient() ? notice.patient_text : notice.text));
          if (notice.citations?.length) line.appendChild(this.citations(notice.citations));
          box.appendChild(line);
        }
      }
      block.lists = warnings.length ? [block.appendChild(el("ul", "gl-result-items"))] : [];
      return block;
    });
    if (warnings.length) placeItems(block, 0, this.items("warnings", warnings));
    return block;
  }

  // Items that hold only under some answers to findings the case leaves unknown, grouped by the
  // answers they need ("If visceral crisis is yes"). They are never among the advice above.
  /** @param {ConditionalGroup[] | undefined} groups */
  conditionalBlock(groups) {
    if (!groups?.length) return null;
    const conditions = groups.map((group) => this.conditionText(group.when));
    const block = this.keyed("conditional", conditions, () => {
      /** @type {Block} */
      const block = el("section", "gl-result-block gl-result-conditional");
      block.appendChild(el("h3", "", words(CONDITIONAL)));
      block.appendChild(
        el(
          "p",
          "gl-result-conditional-note",
          words([
            "These hold only under the answers shown: establish the findings above to settle them.",
            "These apply only if the answers are as shown: your care team needs to find them out first.",
          ]),
        ),
      );
      block.appendChild(el("p", "gl-print-only gl-result-conditional-print"));
      block.lists = conditions.map((text) => {
        block.appendChild(el("h4", "gl-result-condition", text));
        return block.appendChild(el("ul", "gl-result-items"));
      });
      return block;
    });
    groups.forEach((group, index) => {
      placeItems(block, index, this.items(`conditional-${index}`, group.items));
    });
    // Printed: only that there are such points, so that a case with findings not stated still
    // prints on one page; the status line above names the findings to establish.
    const note = block.querySelector(".gl-result-conditional-print");
    const text = words([
      "What depends on the findings not stated is shown on screen, not printed: establish them, then print again.",
      "Some points depend on questions not yet answered: they are shown on screen, not printed.",
    ]);
    if (note && note.textContent !== text) note.textContent = text;
    return block;
  }

  /**
   * "If visceral crisis is yes and bulky disease is no, or if ...".
   * The findings in the order of the form, each "is yes" or "is no".
   * @param {Record<string, boolean>[]} when
   */
  conditionText(when) {
    const order = this.data.inputs.map((input) => input.name);
    const alternatives = when.map((cube) =>
      Object.keys(cube)
        .sort((a, b) => order.indexOf(a) - order.indexOf(b))
        .map((name) => `${lowerFirst(this.label(name))} is ${cube[name] ? "yes" : "no"}`)
        .join(" and "),
    );
    return `If ${alternatives.join(", or if ")}`;
  }

  /** @param {Result} result */
  prognosisBlock(result) {
    const reasons = result.prognosis_reasons || [];
    if (result.prognosis === null && !reasons.length) return null;
    const block = this.keyed("prognosis", [result.prognosis, reasons.length > 0], () => {
      /** @type {Block} */
      const block = el("section", "gl-result-block gl-result-prognosis");
      block.appendChild(el("h3", "", words(["Prognosis", "Outlook"])));
      if (result.prognosis !== null) {
        block.appendChild(el("p", "gl-result-prognosis-value", humanize(result.prognosis)));
      }
      block.lists = reasons.length ? [block.appendChild(el("ul", "gl-result-items"))] : [];
      return block;
    });
    if (reasons.length) placeItems(block, 0, this.items("prognosis_reasons", reasons));
    return block;
  }

  /**
   * The nodes of a list's items: those already shown with the same data, the rest built.
   * @param {string} list
   * @param {ResultItem[]} items
   */
  items(list, items) {
    const nodes = [];
    for (const item of items) {
      let key = `item:${list}/${item.id}`;
      while (this.cache.has(key)) key += "+"; // the same item twice in one list
      const node = this.keyed(key, item, () =>
        itemElement(this, item, list.indexOf("conditional") === 0),
      );
      // The case values behind it change more often than the item (every dose edit changes the
      // weight shown in the "Why" of each item its table made): they update only its "Why".
      node.why.show(this.traceValues(item.table));
      nodes.push(node);
    }
    return nodes;
  }

  /**
   * The case values the table read in the result shown, and the unstated findings among them
   * that the case settles (from its trace).
   * @param {string | null} table
   * @returns {import("./result-item.js").WhyValues}
   */
  traceValues(table) {
    if (!table) return {};
    const entry = (this.last?.result?.trace || []).find((step) => step.table === table);
    return { inputs: entry?.inputs || {}, implied: entry?.implied || {} };
  }

  /**
   * The citation numbers as links to the reference list.
   * @param {number[]} numbers
   */
  citations(numbers) {
    const sup = el("sup", "gl-cite");
    const list = this.data.references_url ? this.root + this.data.references_url : null;
    numbers.forEach((number, index) => {
      if (index) sup.appendChild(el("span", "gl-cite-sep", ", "));
      const reference = this.data.references[String(number)];
      if (!reference || !list) {
        sup.appendChild(el("span", "", number));
        return;
      }
      const link = el("a", "", number);
      link.href = `${list}#${reference.anchor}`;
      link.title = reference.title;
      link.setAttribute("aria-label", `Reference ${number}: ${reference.title}`);
      sup.appendChild(link);
    });
    return sup;
  }

  /**
   * The label of a field in the reader's wording, or of a value a table derives.
   * @param {string} name
   */
  label(name) {
    const input = this.inputs[name];
    if (input) return words([input.label.clinician, input.label.patient]);
    // A value derived by an earlier table (e.g. a receptor status combined from two inputs).
    const origin = this.data.tables[this.data.derived[name]];
    return humanize(name) + (origin ? ` (from “${origin.title}”)` : "");
  }

  /**
   * @param {string} name
   * @param {CaseValue | undefined} value
   */
  valueText(name, value) {
    const input = this.inputs[name];
    if (value === null || value === undefined) return "unknown";
    if (value === true) return "yes";
    if (value === false) return "no";
    if (typeof value === "number") return String(value) + (input?.unit ? ` ${input.unit}` : "");
    return humanize(value);
  }
}
