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

// The export's unary tests name no variable but the input value, and its output entries are
// literals: feelin answers each (test, value) pair and each output entry once.
/** @type {Map<string, unknown>} */
const paths = new Map();
/** @type {Map<string, unknown>} */
const literals = new Map();
/** @param {string} text */
function literal(text) {
  if (!literals.has(text)) literals.set(text, feel(text, {}));
  return literals.get(text);
}

/** @type {Map<string, boolean>} */
const answered = new Map();
/** @param {string} text @param {unknown} value */
function matches(text, value) {
  const key = `${text}\u0000${JSON.stringify(value)}`;
  let answer = answered.get(key);
  if (answer === undefined) {
    answer = unaryTest(text, { "?": value }).value === true;
    answered.set(key, answer);
  }
  return answer;
}

/** @param {any} decision @param {Record<string, unknown>} context */
function evaluateDecision(decision, context) {
  const table = decision.decisionLogic;
  const policy = table.hitPolicy || "UNIQUE";
  // An input expression of the export is a variable or a path (`name`, `name.value`): feelin
  // gets that variable alone (its parser slows down with every name in the context), once per
  // expression and value of the variable.
  const inputs = table.input.map((/** @type {any} */ clause) => {
    const text = clause.inputExpression.text;
    const name = text.split(".")[0];
    const key = `${text}\u0000${name in context ? JSON.stringify(context[name]) : ""}`;
    if (!paths.has(key))
      paths.set(key, feel(text, name in context ? { [name]: context[name] } : {}));
    return paths.get(key);
  });
  const matched = [];
  for (const rule of table.rule) {
    const hit = rule.inputEntry.every((/** @type {any} */ entry, /** @type {number} */ index) =>
      matches(entry.text, inputs[index]),
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
        literal(rule.outputEntry[index].text),
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
