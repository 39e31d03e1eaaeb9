// The next question of the summary (result-summary.js): of the unstated findings the result
// waits for, the one whose answer changes the most (the worker's questions, most decisive first,
// once they come with the relevance; until then the first the result waits for), with what each
// answer leads to and a button for each that answers it in the form; every finding to establish
// one click away. And the links to a field of the form that the summary's status line names too.

/**
 * @import {Question} from "./types.js"
 * @import {ResultsView} from "./results-view.js"
 */
import { el, lowerFirst, patient, words } from "./page-dom.js";
import { ALL_QUESTIONS, NEEDED_FOR, NEXT_QUESTION } from "./wording.js";

/**
 * The questions for the result shown, if the worker's answer is for its case.
 * @param {ResultsView} view
 * @returns {Question[] | null}
 */
export function questionsShown(view) {
  const shown = view.questions;
  return shown && shown.fragment === view.last?.fragment ? shown.questions : null;
}

/**
 * A link to a field of the form that focuses it (not a navigation: the fragment holds the case).
 * @param {ResultsView} view
 * @param {string} name
 * @param {boolean} first whether it starts a sentence (the label as written, else lower-cased)
 */
export function fieldLink(view, name, first) {
  const control = view.form.control(name);
  const label = view.label(name);
  if (!control) return el("span", "", first ? label : lowerFirst(label));
  const link = el("a", "gl-summary-field", first ? label : lowerFirst(label));
  link.href = `#${control.id}`;
  link.dataset.field = name;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    view.form.focusField(name);
  });
  return link;
}

/**
 * The next question's row of the summary (see the top of this file).
 * @param {ResultsView} view
 * @param {string[]} waiting the fields the result waits for, in the work-up's order
 * @param {Question[] | null} questions the worker's, once they come
 */
export function nextQuestionBlock(view, waiting, questions) {
  // Until the worker has ranked them: the fields the result waits for, in the work-up's order.
  /** @type {{field: string, needed_for: string, answers?: Question["answers"]}[]} */
  const listed = questions || waiting.map((field) => ({ field, needed_for: "treatment" }));
  const next = listed.find((question) => question.needed_for !== "prognosis") || listed[0];
  const block = el("div", "gl-summary-row gl-next-question");
  block.appendChild(el("dt", "", words(NEXT_QUESTION)));
  const value = block.appendChild(el("dd", ""));
  const ask = value.appendChild(el("p", "gl-next-question-ask"));
  ask.appendChild(fieldLink(view, next.field, true));
  const control = view.form.control(next.field);
  if (control instanceof HTMLSelectElement) {
    for (const [answer, label] of /** @type {const} */ ([
      ["true", "Yes"],
      ["false", "No"],
    ])) {
      if (!Array.from(control.options).some((option) => option.value === answer)) continue;
      const button = ask.appendChild(el("button", "gl-next-question-answer", label));
      button.type = "button";
      button.dataset.value = answer;
      button.setAttribute("aria-label", `${view.label(next.field)}: ${label.toLowerCase()}`);
      button.addEventListener("click", () => {
        control.value = answer;
        control.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
  }
  if (next.answers?.length) {
    const answers = value.appendChild(el("ul", "gl-next-question-answers"));
    for (const answer of next.answers) {
      answers.appendChild(el("li", "", patient() ? answer.patient_text : answer.text));
    }
  }
  if (listed.length > 1) {
    const details = value.appendChild(el("details", "gl-next-question-all"));
    details.appendChild(el("summary", "", words(ALL_QUESTIONS)));
    const list = details.appendChild(el("ol", ""));
    for (const question of listed) {
      const line = list.appendChild(el("li", ""));
      line.appendChild(fieldLink(view, question.field, true));
      const why = NEEDED_FOR[question.needed_for];
      if (why) line.appendChild(document.createTextNode(` (${words(why)})`));
    }
  }
  return block;
}
