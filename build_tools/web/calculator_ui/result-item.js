// One item of the results (a recommendation, a warning, a dose...): its text, the site policies
// that decided it, sources, link to the guideline, pointer to newer guidance, and its "Why".

/**
 * @import {Policy, ResultItem, TraceStep} from "./types.js"
 * @import {ResultsView} from "./results-view.js"
 */
import { el, patient, words } from "./page-dom.js";
import { IMPLIED_BY, NEWER, POLICY, RANKS } from "./wording.js";

/**
 * The values an item's table read in the result shown: its trace step's `inputs` and `implied`.
 * @typedef {Partial<Pick<TraceStep, "inputs" | "implied">>} WhyValues
 */

/**
 * The "Why" of an item; show(values): the case values its table read in the result shown.
 * @typedef {HTMLDetailsElement & {show: (values: WhyValues) => void}} WhyElement
 */

/**
 * `ranked`: say the rank in the item (outside the recommendations block, which has headings).
 * @param {ResultsView} view
 * @param {ResultItem} item
 * @param {boolean} ranked
 * @returns {HTMLLIElement & {why: WhyElement}}
 */
export function itemElement(view, item, ranked) {
  const node = /** @type {HTMLLIElement & {why: WhyElement}} */ (el("li", "gl-result-item"));
  node.dataset.item = item.id;
  const text = node.appendChild(el("p", "gl-result-text"));
  if (ranked && item.rank && RANKS[item.rank]) {
    text.appendChild(el("span", "gl-badge gl-badge--rank", words(RANKS[item.rank])));
    text.appendChild(document.createTextNode(" "));
  }
  if (item.origin === "newer_guidance") {
    text.appendChild(
      el("span", "gl-badge gl-badge--newer", words(["Newer guidance", "Newer guidance"])),
    );
    text.appendChild(document.createTextNode(" "));
  }
  text.appendChild(document.createTextNode(patient() ? item.patient_text : item.text));
  for (const policy of item.policies || []) node.appendChild(policyElement(view, policy));
  const field = item.field;
  if (field) {
    // A finding the case does not state: a way to answer it in the form.
    const answer = el(
      "button",
      "gl-result-answer",
      words(["Answer in the form", "Answer this question"]),
    );
    answer.type = "button";
    answer.addEventListener("click", () => {
      const control = view.form.control(field);
      if (control?.focus) {
        control.scrollIntoView({ block: "center" });
        control.focus();
      }
    });
    node.appendChild(answer);
  }
  const meta = el("p", "gl-result-meta");
  if (item.citations?.length) {
    meta.appendChild(document.createTextNode("Sources "));
    meta.appendChild(view.citations(item.citations));
  }
  if (item.href) {
    if (meta.childNodes.length) meta.appendChild(el("span", "gl-result-sep", " · "));
    const link = el(
      "a",
      "gl-result-source",
      words(["Read in the guideline", "Read more in the guide"]),
    );
    link.href = view.root + item.href;
    meta.appendChild(link);
  }
  const since = view.data.since?.[item.id];
  if (since) {
    // Since when the guideline has given this item unchanged (render/versions.py).
    if (meta.childNodes.length) meta.appendChild(el("span", "gl-result-sep", " · "));
    const label = meta.appendChild(el("span", "gl-result-since", since.label));
    label.title = `Unchanged since version ${since.version} (${since.date})`;
  }
  node.appendChild(meta);
  if (item.newer_guidance) {
    const pointer = el("div", "gl-result-newer");
    pointer.appendChild(el("p", "gl-result-newer-title", words(NEWER)));
    const body = pointer.appendChild(
      el("p", "", patient() ? item.newer_guidance.patient_text : item.newer_guidance.text),
    );
    if (item.newer_guidance.citations.length) {
      body.appendChild(view.citations(item.newer_guidance.citations));
    }
    node.appendChild(pointer);
  }
  node.why = node.appendChild(why(view, item));
  return node;
}

/**
 * "This site's policy: <what it decides>" with its sources: a value this site chose where the
 * source gives none. The label links to the policy's entry on the guideline's policies page
 * (render/policies.py), where its reason is given, when the guideline has one.
 * @param {ResultsView} view
 * @param {Policy} policy
 */
function policyElement(view, policy) {
  const line = el("p", "gl-result-policy");
  line.dataset.policy = policy.id;
  const label = `${words(POLICY)}: `;
  if (view.data.policies_url) {
    // The anchor of render/page.py: policy_anchor.
    const link = el("a", "gl-result-policy-label", label);
    link.href = `${view.root}${view.data.policies_url}#policy-${policy.id.replace(/_/g, "-")}`;
    line.appendChild(link);
  } else {
    line.appendChild(el("span", "gl-result-policy-label", label));
  }
  line.appendChild(document.createTextNode(patient() ? policy.patient_text : policy.text));
  if (policy.citations.length) line.appendChild(view.citations(policy.citations));
  return line;
}

/**
 * "Why": the rule, its table and the case values the table read (from the result's trace).
 * Its content is built when it is first opened: most are never opened, and building them all
 * was most of a render's time (a render happens on every keystroke).
 * @param {ResultsView} view
 * @param {ResultItem} item
 * @returns {WhyElement}
 */
function why(view, item) {
  const details = /** @type {WhyElement} */ (el("details", "gl-why"));
  details.appendChild(el("summary", "", words(["Why", "Why is this shown?"])));
  /** @type {WhyValues | null} */
  let inputs = null;
  /** @type {string | null} the inputs as JSON */
  let shown = null;
  /** @type {HTMLElement | null} */
  let facts = null;
  const fill = () => {
    if (facts || !details.open || !inputs) return;
    facts = details.appendChild(whyFacts(view, item, inputs));
  };
  // The values the item's table read in the result shown: content rebuilt when they change.
  details.show = (values) => {
    const text = JSON.stringify(values);
    if (text === shown) return;
    inputs = values;
    shown = text;
    if (facts) facts.remove();
    facts = null;
    fill();
  };
  details.addEventListener("toggle", () => {
    if (details.open) view.openWhy.add(item.id);
    else view.openWhy.delete(item.id);
    fill();
  });
  details.open = view.openWhy.has(item.id);
  return details;
}

/**
 * @param {ResultsView} view
 * @param {ResultItem} item
 * @param {WhyValues} values
 */
function whyFacts(view, item, values) {
  const inputs = values.inputs || {};
  const implied = values.implied || {};
  const table = view.data.tables[item.table ?? ""] || {};
  const facts = el("dl", "gl-why-facts");
  if (item.field) {
    facts.appendChild(el("dt", "", words(["Not stated", "Not answered"])));
    facts.appendChild(
      el(
        "dd",
        "",
        view.label(item.field) +
          words([
            ": the result is worked out under each answer and states only what holds either way.",
            ": the calculator works out each answer and only states what is true either way.",
          ]),
      ),
    );
    return facts;
  }
  /**
   * @param {string} term
   * @param {string | Node} value
   */
  const add = (term, value) => {
    facts.appendChild(el("dt", "", term));
    const dd = el("dd", "");
    if (typeof value === "string") dd.textContent = value;
    else dd.appendChild(value);
    facts.appendChild(dd);
  };
  const rule =
    item.rule === "default" ? "the table's default (no rule matched)" : String(item.rule);
  if (view.data.decision_logic_url) {
    // The rule's row in the guideline's decision logic (render/decision_logic.py: rule_anchor).
    const link = el("a", "gl-why-rule", rule);
    link.href = `${view.root}${view.data.decision_logic_url}#rule-${item.table}-${item.rule}`;
    add("Rule", link);
  } else {
    add("Rule", rule);
  }
  add(
    "Table",
    `${table.title ? `${table.title} ` : ""}(${item.table}${table.file ? `, ${table.file}:${table.line}` : ""})`,
  );
  const conditions = view.data.rules[`${item.table}/${item.rule}`] || {};
  const matched = el("ul", "gl-why-inputs");
  for (const name of Object.keys(inputs)) {
    const line = `${view.label(name)} = ${view.valueText(name, inputs[name])}`;
    const li = el("li", "", line);
    const by = implied[name]?.by;
    if (by) {
      // An unstated finding the case settles: the value used, and the answers that settle it.
      const fields = by.map((other) => view.label(other)).join(" and ");
      li.appendChild(el("span", "gl-why-implied", ` (${words(IMPLIED_BY)} ${fields})`));
    }
    if (conditions[name] !== undefined) {
      li.appendChild(el("span", "gl-why-test", ` (rule: ${conditions[name]})`));
    }
    matched.appendChild(li);
  }
  if (matched.childNodes.length) add("Inputs", matched);
  return facts;
}
