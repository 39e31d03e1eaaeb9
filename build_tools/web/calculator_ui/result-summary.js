// The three-second summary at the top of a result: the status in words (naming, as links to
// them, the fields the result waits for or that are wrong; a case link's unknown field by its
// name); the next question (next-question.js: the unstated finding whose answer changes the
// most, with what each answer leads to and buttons that answer it; the full list one click
// away); the source's first choice, labelled as the source's with its year, and beside it what
// newer guidance says for it (the pointers' own words, cited); the cautions that change the
// decision (the case's own warnings, then the notices every result carries: the source's age
// and the review status), then the doses. The full items, with their sources, paragraph links
// and "Why", follow in the result; the summary only reads them.

/**
 * @import {FieldError, NewerGuidance, Question, Result, ResultItem} from "./types.js"
 * @import {ResultsView} from "./results-view.js"
 */
import { fieldLink, nextQuestionBlock, questionsShown } from "./next-question.js";
import { el, lowerFirst, patient, words } from "./page-dom.js";
import { FIRST_CHOICE, NEWER_HEADLINE, STATUS_WORD } from "./wording.js";

/**
 * The fields the result is waiting for: the findings it asks for because an answer would change
 * the treatment (`needed_for`), in the order the work-up asks for them. Findings that change
 * only other advice or the prognosis are asked for in the work-up, not waited for. (An ask
 * without `needed_for`, which the runtime always sets, counts as waited for: never fewer.)
 * @param {Result} result
 * @returns {string[]}
 */
export function waitingFields(result) {
  if (result.status === "invalid") return [];
  const asked = (result.workup || [])
    .filter((item) => item.field && (item.needed_for ?? "treatment") === "treatment")
    .map((item) => /** @type {string} */ (item.field));
  return Array.from(new Set(asked));
}

/**
 * The fields a wrong case must correct (errors without a field are listed with the result).
 * @param {FieldError[] | undefined} errors
 * @returns {string[]}
 */
function wrongFields(errors) {
  const names = (errors || []).map((error) => error.field).filter((name) => Boolean(name));
  return /** @type {string[]} */ (Array.from(new Set(names)));
}

/**
 * The items of the result that change the decision for this case: its own warnings (the
 * statements that hold for every case are "General points", not cautions).
 * @param {Result} result
 * @returns {ResultItem[]}
 */
export function cautions(result) {
  return (result.warnings || []).filter((item) => !item.general);
}

/**
 * How many cautions the summary lists: the case's own warnings and the notices.
 * @param {Result} result
 */
export function cautionCount(result) {
  return cautions(result).length + (result.notices || []).length;
}

/**
 * The source's first choice: the recommendations it ranks first.
 * @param {Result} result
 */
export function firstChoices(result) {
  return (result.recommendations || []).filter((item) => item.rank === "preferred");
}

/**
 * The newer-guidance pointers of the source's first choice, each once (several recommendations
 * can share one pointer): what current practice says instead, for the headline.
 * @param {ResultItem[]} first
 * @returns {NewerGuidance[]}
 */
export function newerPointers(first) {
  /** @type {Map<string, NewerGuidance>} */
  const found = new Map();
  for (const item of first) {
    const pointer = item.newer_guidance;
    if (pointer && !found.has(pointer.text)) found.set(pointer.text, pointer);
  }
  return Array.from(found.values());
}

/**
 * A pointer's first sentence: the headline's words (the whole pointer is with its item below).
 * @param {string} text
 */
function firstSentence(text) {
  const end = text.search(/\.\s+[A-Z]/);
  return end < 0 ? text : text.slice(0, end + 1);
}

/** @param {ResultItem | {text: string, patient_text: string}} item */
function itemText(item) {
  return patient() ? item.patient_text : item.text;
}

export class ResultSummary {
  /** @param {ResultsView} view */
  constructor(view) {
    this.view = view;
    this.line = /** @type {HTMLElement} */ (view.section.querySelector(".gl-calculator-summary"));
    this.body = /** @type {HTMLElement} */ (view.section.querySelector(".gl-summary-body"));
  }

  /**
   * The status line without a result: nothing entered, being computed, or failed.
   * @param {string} text
   */
  showText(text) {
    if (this.line.textContent !== text || this.line.childElementCount) this.line.textContent = text;
    if (this.body.firstChild) this.body.replaceChildren();
  }

  /** @param {Result} result */
  show(result) {
    const view = this.view;
    const questions = result.status === "needs_more_information" ? questionsShown(view) : null;
    // In the order of the questions (the most decisive first) once the worker has ranked them.
    const rank = (/** @type {string} */ name) => {
      const index = questions ? questions.findIndex((question) => question.field === name) : -1;
      return index < 0 ? Number.MAX_SAFE_INTEGER : index;
    };
    const waiting = waitingFields(result).sort((a, b) => rank(a) - rank(b));
    const wrong = result.status === "invalid" ? wrongFields(result.errors) : [];
    const line = view.keyed("summary:status", [result.status, waiting, wrong], () =>
      this.statusLine(result.status, waiting, wrong),
    );
    if (this.line.firstChild !== line || this.line.childNodes.length !== 1) {
      this.line.replaceChildren(line);
    }
    const first = firstChoices(result);
    const warned = cautions(result);
    const doses = result.dosing || []; // never folded, like the dosing block below
    const data = [
      result.status,
      first.map(itemText),
      newerPointers(first).map(itemText),
      (result.recommendations || []).length,
      warned.map(itemText),
      (result.notices || []).map(itemText),
      doses.map(itemText),
      waiting,
      questions,
      view.data.source || null,
    ];
    const facts = view.keyed("summary:facts", data, () =>
      this.facts(result, first, warned, doses, waiting, questions),
    );
    if (this.body.firstChild !== facts || this.body.childNodes.length !== 1) {
      this.body.replaceChildren(facts);
    }
  }

  /**
   * "Needs information: visceral crisis, bulky disease." with each field a link that focuses it;
   * "Invalid case: correct the link: unknown field cardiac_dysfuntion." for a case link's field
   * the guideline does not declare (the message with the errors names the field meant).
   * @param {string} status
   * @param {string[]} waiting
   * @param {string[]} wrong
   */
  statusLine(status, waiting, wrong) {
    const line = el("span", "gl-summary-status");
    line.appendChild(
      el("strong", "gl-summary-word", words(STATUS_WORD[status] || [status, status])),
    );
    /** @param {string} text */
    const add = (text) => line.appendChild(document.createTextNode(text));
    const declared = (/** @type {string} */ name) => Object.hasOwn(this.view.inputs, name);
    const fields = (status === "invalid" ? wrong : waiting).filter(declared);
    const unknown = status === "invalid" ? wrong.filter((name) => !declared(name)) : [];
    if (status === "ok") {
      add(
        words([
          ": the guideline's recommendations for this case.",
          ": see what the guide suggests below.",
        ]),
      );
    } else if (status === "out_of_scope") {
      add(
        words([
          ": this case is outside the scope of this guideline.",
          ": this guide does not cover your situation.",
        ]),
      );
    } else if (status !== "invalid" && fields.length) {
      // One question at a time: the most decisive first; the rest are listed below it.
      add(words([": establish ", ": please answer "]));
      line.appendChild(fieldLink(this.view, fields[0], false));
      if (fields.length > 1) {
        add(words([" first", " first"]));
        line.appendChild(
          el(
            "span",
            "gl-summary-next-hint",
            words([" (the next question, below)", " (see below)"]),
          ),
        );
      }
      add(".");
      if (fields.length > 1) {
        // On paper, where there is no next question to answer: all of them, in order.
        const labels = fields.map((name) => lowerFirst(this.view.label(name)));
        line.appendChild(
          el(
            "span",
            "gl-summary-to-establish",
            ` ${words(["To establish, in order: ", "Questions, in order: "])}${labels.join("; ")}.`,
          ),
        );
      }
    } else if (fields.length || unknown.length) {
      add(
        status === "invalid"
          ? words([": correct ", ": please check "])
          : words([": establish ", ": please answer "]),
      );
      fields.forEach((name, index) => {
        if (index) add(index === fields.length - 1 && !unknown.length ? " and " : ", ");
        line.appendChild(fieldLink(this.view, name, index === 0));
      });
      if (unknown.length) {
        // Not a field of the form: no link to focus, and its name as written, not a label.
        if (fields.length) add(" and ");
        add(
          unknown.length === 1
            ? words(["the link: unknown field ", "the link: it names an unknown question, "])
            : words(["the link: unknown fields ", "the link: it names unknown questions, "]),
        );
        unknown.forEach((name, index) => {
          if (index) add(index === unknown.length - 1 ? " and " : ", ");
          line.appendChild(el("code", "gl-summary-unknown", name));
        });
      }
      add(".");
    } else if (status === "invalid") {
      add(
        words([": correct the errors listed below.", ": please check the answers listed below."]),
      );
    } else {
      add(
        words([
          ": complete the work-up below first.",
          ": some tests are needed first (see below).",
        ]),
      );
    }
    return line;
  }

  /**
   * @param {Result} result
   * @param {ResultItem[]} first
   * @param {ResultItem[]} warned
   * @param {ResultItem[]} doses
   * @param {string[]} waiting
   * @param {Question[] | null} questions
   */
  facts(result, first, warned, doses, waiting, questions) {
    const facts = el("dl", "gl-summary-facts");
    /**
     * @param {string} className
     * @param {string} term
     * @param {(ResultItem | {text: string, patient_text: string})[]} items
     * @param {string} [empty]
     */
    const row = (className, term, items, empty) => {
      if (!items.length && !empty) return null;
      const group = facts.appendChild(el("div", `gl-summary-row ${className}`));
      group.appendChild(el("dt", "", term));
      const value = group.appendChild(el("dd", ""));
      if (!items.length) {
        value.textContent = empty || "";
        return value;
      }
      const list = value.appendChild(el("ul", ""));
      for (const item of items) list.appendChild(el("li", "", itemText(item)));
      return value;
    };
    const treats = result.status === "ok" || result.status === "needs_more_information";
    if (treats) {
      let none = "";
      if (!first.length) {
        none = (result.recommendations || []).length
          ? words(["None ranked first: see the options below.", "None: see the options below."])
          : words([
              "None yet: it depends on what is still to be established.",
              "Not yet: more answers are needed.",
            ]);
      }
      row("gl-summary-first", this.firstChoiceTerm(), first, none);
      const pointers = newerPointers(first);
      if (pointers.length) {
        const group = facts.appendChild(el("div", "gl-summary-row gl-summary-newer"));
        group.appendChild(el("dt", "", words(NEWER_HEADLINE)));
        const list = group.appendChild(el("dd", "")).appendChild(el("ul", ""));
        for (const pointer of pointers) {
          const line = list.appendChild(el("li", "", firstSentence(itemText(pointer))));
          if (pointer.citations.length) line.appendChild(this.view.citations(pointer.citations));
        }
      }
    }
    // After the headline (what the source says, what newer guidance says): what to establish.
    if (result.status === "needs_more_information" && waiting.length) {
      facts.appendChild(nextQuestionBlock(this.view, waiting, questions));
    }
    row(
      "gl-summary-cautions",
      words([`Cautions (${cautionCount(result)})`, "Important warnings"]),
      [...warned, ...(result.notices || [])],
    );
    row("gl-summary-doses", words(["Doses", "Doses"]), doses);
    return facts;
  }

  /**
   * "First choice in the source (Dr.Oracle, 2026)": whose choice it is, and how old.
   */
  firstChoiceTerm() {
    const source = this.view.data.source;
    const term = words(FIRST_CHOICE);
    if (!source) return term;
    return `${term} (${source.publisher}, ${source.date.slice(0, 4)})`;
  }
}
