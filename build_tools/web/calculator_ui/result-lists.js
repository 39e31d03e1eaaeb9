// The result's item lists, each a block under its heading, and the general points folded away
// from them (results-view.js places the blocks in the order of what changes the decision).
//
// Recommendations: preferred first, then alternatives (the runtime sorts them this way), each
// under the source's rank. Work-up: first the findings the case does not state and that decide
// something, each with a way to answer it in the form; then its tests; those findings that
// change only the prognosis (to establish, not waited for) last, under their own heading.
// Statements that hold for every case routed this way ("general" items of the lists in
// FOLDED_LISTS: the palliative aim, the staging work-up, how to evaluate response...) leave their
// lists for one closed "General points" disclosure at the end, each item still with its
// sources. Recommendations and doses are never folded away.

/**
 * @import {Result, ResultItem} from "./types.js"
 * @import {ResultsView} from "./results-view.js"
 * @import {ListKey, Pair} from "./wording.js"
 */
import { el, place, words } from "./page-dom.js";
import {
  FOLDED_LISTS,
  GENERAL,
  GENERAL_NOTE,
  LISTS,
  PROGNOSIS_ASKS,
  RANKS,
  TO_ESTABLISH,
} from "./wording.js";

/**
 * A block with the lists its items are placed in.
 * @typedef {HTMLElement & {lists?: HTMLElement[]}} Block
 */

/**
 * Place `nodes` in the `index`-th list of `block` (those on screen stay where they are).
 * @param {Block} block
 * @param {number} index
 * @param {Node[]} nodes
 */
export function placeItems(block, index, nodes) {
  if (block.lists) place(block.lists[index], nodes);
}

/**
 * The items of a list that are about this case: without the general ones where those are
 * folded away.
 * @param {Result} result
 * @param {ListKey} key
 */
export function caseItems(result, key) {
  const foldable = FOLDED_LISTS.includes(key);
  return (result[key] || []).filter((item) => !(foldable && item.general));
}

/**
 * The general points: one closed disclosure with the general items of every foldable list
 * (never a work-up item that names a finding to establish).
 * @param {ResultsView} view
 * @param {Result} result
 */
export function generalBlock(view, result) {
  /** @type {ResultItem[]} */
  const general = [];
  for (const key of FOLDED_LISTS) {
    general.push(...(result[key] || []).filter((item) => item.general && !item.field));
  }
  if (!general.length) return null;
  const block = view.keyed("general", [general.length > 0], () => {
    /** @type {Block & HTMLDetailsElement} */
    const block = el("details", "gl-result-block gl-result-general");
    const summary = block.appendChild(el("summary", ""));
    summary.appendChild(el("span", "gl-result-general-title", words(GENERAL)));
    summary.appendChild(el("span", "gl-result-general-count", ""));
    block.appendChild(el("p", "gl-result-general-note", words(GENERAL_NOTE)));
    block.lists = [block.appendChild(el("ul", "gl-result-items"))];
    return block;
  });
  const count = block.querySelector(".gl-result-general-count");
  if (count && count.textContent !== ` (${general.length})`)
    count.textContent = ` (${general.length})`;
  placeItems(block, 0, view.items("general", general));
  return block;
}

/**
 * The items of a list in the groups it shows them in, each with its heading's key (null: no
 * heading): the recommendations by rank, the work-up's findings to establish apart from its
 * tests.
 * @param {ListKey} key
 * @param {ResultItem[]} items
 * @returns {[string | null, ResultItem[]][]}
 */
function groups(key, items) {
  if (key === "recommendations") {
    return ["preferred", "alternative", null].map((rank) => [
      rank,
      items.filter((item) => (rank ? item.rank === rank : !RANKS[item.rank ?? ""])),
    ]);
  }
  if (key === "workup") {
    const prognosisOnly = (/** @type {ResultItem} */ item) => item.needed_for === "prognosis";
    return [
      ["asks", items.filter((item) => item.field && !prognosisOnly(item))],
      [null, items.filter((item) => !item.field)],
      ["prognosis-asks", items.filter((item) => item.field && prognosisOnly(item))],
    ];
  }
  return [[null, items]];
}

/**
 * A list of the result under its heading, its items in their groups (see groups).
 * @param {ResultsView} view
 * @param {Result} result
 * @param {ListKey} key
 */
export function listBlock(view, result, key) {
  const title = /** @type {Pair} */ (
    (LISTS.find((entry) => entry[0] === key) || [key, [key, key]])[1]
  );
  const all = caseItems(result, key);
  if (!all.length) return null;
  const shown = groups(key, all).filter((group) => group[1].length > 0);
  // The block and its headings stay while the same groups show; the items inside them are
  // placed one by one (a changed item replaces its old node, the others stay untouched).
  const ranks = shown.map((group) => group[0]);
  const block = view.keyed(`list:${key}`, ranks, () => {
    /** @type {Block} */
    const block = el("section", `gl-result-block gl-result-${key.replace(/_/g, "-")}`);
    block.appendChild(el("h3", "", words(title)));
    block.lists = ranks.map((rank) => {
      if (rank === "asks" || rank === "prognosis-asks") {
        const prognosis = rank === "prognosis-asks";
        const asks = block.appendChild(
          el("div", prognosis ? "gl-result-asks gl-result-asks--prognosis" : "gl-result-asks"),
        );
        asks.appendChild(
          el("h4", "gl-result-rank", words(prognosis ? PROGNOSIS_ASKS : TO_ESTABLISH)),
        );
        return asks.appendChild(el("ul", "gl-result-items"));
      }
      if (rank) block.appendChild(el("h4", "gl-result-rank", words(RANKS[rank])));
      return block.appendChild(el("ul", "gl-result-items"));
    });
    return block;
  });
  shown.forEach((group, index) => {
    const asks = group[0] === "asks" || group[0] === "prognosis-asks";
    placeItems(block, index, view.items(asks ? /** @type {string} */ (group[0]) : key, group[1]));
  });
  return block;
}
