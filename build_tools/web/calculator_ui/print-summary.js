// The printed page: a one-page case summary (the form itself is hidden in print): the fields
// given, the guideline's version, the case link and the titles of the references cited.

/**
 * @import {Answer, Result, ResultItem} from "./types.js"
 * @import {ResultsView} from "./results-view.js"
 */
import { el, place, words } from "./page-dom.js";
import { FOLDED_LISTS, LISTS } from "./wording.js";

/**
 * @param {ResultsView} view
 * @param {Answer | null} answer
 */
export function renderPrint(view, answer) {
  const section = view.section;
  let block = section.querySelector(".gl-calculator-print");
  if (!block) {
    block = el("div", "gl-calculator-print");
    section.insertBefore(block, section.querySelector(".gl-calculator-layout"));
  }
  const printed = answer?.case;
  if (!printed) {
    if (block.firstChild) block.replaceChildren();
    return;
  }
  // The link of the case shown (the address bar may not have caught up yet, see case-section.js).
  const link = location.href.split("#")[0] + (answer.fragment ? `#${answer.fragment}` : "");
  const content = view.keyed("print", [printed, link], () => {
    const content = document.createDocumentFragment();
    content.appendChild(el("h3", "", words(["Case summary", "Your answers"])));
    const list = el("dl", "gl-print-case");
    for (const input of view.data.inputs) {
      if (!Object.hasOwn(printed, input.name)) continue;
      list.appendChild(el("dt", "", view.label(input.name)));
      list.appendChild(el("dd", "", view.valueText(input.name, printed[input.name])));
    }
    content.appendChild(list);
    content.appendChild(
      el(
        "p",
        "gl-print-meta",
        "Every other field: not stated (findings not known, results unknown). Guideline version " +
          view.data.version +
          ", last updated " +
          view.data.last_updated +
          ". Case link: " +
          link,
      ),
    );
    return Array.from(content.childNodes);
  });
  place(block, content);
}

/**
 * Printed instead of the links: the titles of the references the results cite.
 * @param {ResultsView} view
 * @param {Result} result
 */
export function printReferencesBlock(view, result) {
  /** @type {Set<number>} */
  const cited = new Set();
  /** @param {number[] | undefined} numbers */
  const add = (numbers) => {
    for (const number of numbers || []) cited.add(number);
  };
  // The items printed: not the general points nor what depends on findings not stated (both
  // stay on screen, see calculator.css), nor the findings to establish (the status names them).
  /** @type {ResultItem[]} */
  const items = [];
  for (const [key] of LISTS) {
    const folded = FOLDED_LISTS.includes(key);
    items.push(...(result[key] || []).filter((item) => !item.field && !(folded && item.general)));
  }
  items.push(...(result.prognosis_reasons || []));
  for (const item of items) {
    add(item.citations);
    for (const policy of item.policies || []) add(policy.citations);
    if (item.newer_guidance) add(item.newer_guidance.citations);
  }
  for (const notice of result.notices || []) add(notice.citations);
  if (!cited.size) return null;
  const numbers = Array.from(cited).sort((a, b) => a - b);
  return view.keyed("print-references", numbers, () => {
    const block = el("div", "gl-print-only gl-print-cited");
    block.appendChild(el("h3", "", words(["References cited", "Sources"])));
    const list = el("ol", "gl-print-references");
    for (const number of numbers) {
      const reference = view.data.references[String(number)];
      // Run in, each with its number (the list is inline in print: a title per line would
      // leave most of each line empty and push a long result onto a second page).
      const item = el("li");
      item.append(
        el("span", "gl-print-reference-number", number),
        reference ? reference.title : "",
      );
      item.value = number;
      list.appendChild(item);
    }
    block.appendChild(list);
    return block;
  });
}
