// Evaluate an exported DMN 1.3 file with third-party libraries: dmn-moddle reads the XML and
// feelin evaluates every FEEL expression and unary test. What a DMN engine adds to FEEL (hit
// policies, rule selection, decision order) is the few lines below, as the standard states it.
//
//   node dmn_eval.mjs guideline.dmn < cases.json
//
// stdin: {"mode": "chain", "cases": [context, ...]} evaluates every decision in requirement
// order, each decision's result joining the context under its name; {"mode": "table", "cases":
// [{"table": id, "context": {...}}, ...]} evaluates one decision on the context given.
// stdout: per case, {table id: {"rules": [labels], "value": output "value" or null}} (chain) or
// {"rules": [...], "value": ...} (table).
import { readFileSync } from "node:fs";
import { DmnModdle } from "dmn-moddle";
import { evaluate, unaryTest } from "feelin";

/** @param {string} text @param {Record<string, unknown>} context */
function feel(text, context) {
  const result = evaluate(text, context);
  return result.value === undefined ? null : result.value;
}

// A unary test of the export names no variable but the input value, so its answer depends on
// the test's text and that value alone: feelin is asked once per pair.
/** @type {Map<string, boolean>} */
const answered = new Map();
/** @param {string} text @param {unknown} value @param {Record<string, unknown>} context */
function matches(text, value, context) {
  const key = `${text}\u0000${JSON.stringify(value)}`;
  let answer = answered.get(key);
  if (answer === undefined) {
    answer = unaryTest(text, { ...context, "?": value }).value === true;
    answered.set(key, answer);
  }
  return answer;
}

/** @param {any} decision @param {Record<string, unknown>} context */
function evaluateDecision(decision, context) {
  const table = decision.decisionLogic;
  const policy = table.hitPolicy || "UNIQUE";
  const inputs = table.input.map((/** @type {any} */ clause) =>
    feel(clause.inputExpression.text, context),
  );
  const matched = [];
  for (const rule of table.rule) {
    const hit = rule.inputEntry.every((/** @type {any} */ entry, /** @type {number} */ index) =>
      matches(entry.text, inputs[index], context),
    );
    if (hit) {
      matched.push(rule);
      if (policy === "FIRST") break;
    }
  }
  if (policy === "UNIQUE" && matched.length > 1) {
    throw new Error(`${decision.id}: UNIQUE violated by ${matched.map((r) => r.label)}`);
  }
  const rows = matched.map((rule) =>
    Object.fromEntries(
      table.output.map((/** @type {any} */ clause, /** @type {number} */ index) => [
        clause.name,
        feel(rule.outputEntry[index].text, context),
      ]),
    ),
  );
  const result = policy === "RULE ORDER" ? rows : rows.length ? rows[0] : null;
  const value = rows.length && "value" in rows[0] ? rows[0].value : null;
  return { rules: matched.map((rule) => rule.label), value, result };
}

/** @param {any[]} decisions */
function requirementOrder(decisions) {
  const byId = new Map(decisions.map((decision) => [decision.id, decision]));
  /** @type {any[]} */
  const ordered = [];
  const seen = new Set();
  /** @param {any} decision */
  const visit = (decision) => {
    if (seen.has(decision.id)) return;
    seen.add(decision.id);
    for (const requirement of decision.informationRequirement || []) {
      const href = requirement.requiredDecision?.href;
      if (href) visit(byId.get(href.slice(1)));
    }
    ordered.push(decision);
  };
  for (const decision of decisions) visit(decision);
  return ordered;
}

const { rootElement } = await new DmnModdle().fromXML(readFileSync(process.argv[2], "utf8"));
const decisions = requirementOrder(
  rootElement.drgElement.filter((/** @type {any} */ element) => element.$type === "dmn:Decision"),
);
const byTable = new Map(decisions.map((decision) => [decision.id.slice(2), decision]));
const request = JSON.parse(readFileSync(0, "utf8"));
const answers = request.cases.map((/** @type {any} */ item) => {
  if (request.mode === "table") {
    const { rules, value } = evaluateDecision(byTable.get(item.table), item.context);
    return { rules, value };
  }
  const context = { ...item };
  /** @type {Record<string, {rules: string[], value: unknown}>} */
  const tables = {};
  for (const decision of decisions) {
    const { rules, value, result } = evaluateDecision(decision, context);
    tables[decision.id.slice(2)] = { rules, value };
    context[decision.name] = result;
  }
  return tables;
});
process.stdout.write(JSON.stringify(answers));
