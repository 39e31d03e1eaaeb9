"""Evaluate an exported DMN 1.3 file with pyDMNrules: a second opinion on the export, run by its
own environment (``.venv-pydmnrules``, from ``pydmnrules.lock``; ``make dmn-second-opinion``).
The standard library and pyDMNrules only: this script is not part of the project's packages.

    .venv-pydmnrules/bin/python pydmnrules_eval.py guideline.dmn < cases.json

stdin: ``{"cases": [context, ...]}``; stdout: per case, ``{table id: {"rules": [labels], "value":
output "value" or null}}``, as ``dmn_eval.mjs`` answers in its chain mode.

pyDMNrules matches the rules and gives the outputs; what this script adds works around the three
ways pyDMNrules reads the export otherwise than DMN 1.3 states:

* an input column is the variable its ``label`` names (the ``inputExpression`` is not
  evaluated): the script evaluates each expression of the export (a variable, or a decision's
  ``<name>.value``) and gives its value under the column's label;
* one decision's output does not reach the next decision's ``<name>.value`` input, so the script
  evaluates one table at a time, in requirement order, each decision's result joining the
  context under its name;
* a table whose rules match nothing is an error ("No rules matched the input data"), where DMN
  gives null (single hit) or an empty list (RULE ORDER): the script reads that error as no rule.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyDMNrules

NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
NO_MATCH = "No rules matched the input data for decision table"


@dataclass(frozen=True)
class Decision:
    table_id: str  # the id of our table (the decision's id without "d_")
    name: str  # the decision's name: its variable
    table: str  # the name pyDMNrules gives the decision table
    columns: tuple[tuple[str, str], ...]  # per input column: its label, its expression
    single_hit: bool
    has_value: bool  # a value table: an output column "value"


def read_decisions(root: ET.Element) -> list[Decision]:
    """The decisions of the export, each after the decisions it requires."""
    elements = {element.get("id", ""): element for element in root.findall("dmn:decision", NS)}
    ordered: list[Decision] = []
    seen: set[str] = set()

    def visit(decision_id: str) -> None:
        if decision_id in seen:
            return
        seen.add(decision_id)
        element = elements[decision_id]
        for required in element.findall("dmn:informationRequirement/dmn:requiredDecision", NS):
            visit(required.get("href", "")[1:])
        table = element.find("dmn:decisionTable", NS)
        assert table is not None, decision_id
        columns = []
        for column in table.findall("dmn:input", NS):
            expression = column.findtext("dmn:inputExpression/dmn:text", "", NS)
            columns.append((column.get("label") or expression, expression))
        name = element.get("name", "")
        ordered.append(
            Decision(
                table_id=decision_id.removeprefix("d_"),
                name=name,
                table=table.get("label") or table.get("name") or name,
                columns=tuple(columns),
                single_hit=table.get("hitPolicy", "UNIQUE") in ("UNIQUE", "FIRST", "ANY"),
                has_value=any(
                    out.get("name") == "value" for out in table.findall("dmn:output", NS)
                ),
            )
        )

    for decision_id in elements:
        visit(decision_id)
    return ordered


def expression_value(expression: str, context: dict[str, Any]) -> Any:
    """An input expression of the export: ``name`` or ``name.value``."""
    name, _, field = expression.partition(".")
    value = context.get(name)
    if field:
        return value.get(field) if isinstance(value, dict) else None
    return value


def evaluate(dmn: Any, decision: Decision, context: dict[str, Any]) -> tuple[list[str], Any, Any]:
    """The rules that fire, the output ``value`` and the decision's result."""
    data = {label: expression_value(text, context) for label, text in decision.columns}
    status, answer = dmn.decideTables(data, [decision.table])
    errors = status.get("errors", [])
    if errors:
        if len(errors) == 1 and str(errors[0]).startswith(NO_MATCH):
            return [], None, None if decision.single_hit else []
        raise RuntimeError(f"{decision.table_id} on {data}: {errors}")
    executed = answer["Executed Rule"]
    value = answer["Result"].get("value") if decision.has_value else None
    if decision.single_hit:
        return [str(executed[2])], value, {"value": value}
    # Under RULE ORDER each output is the list of the matched rules' values.
    values = value if isinstance(value, list) else []
    rules = [str(rule[2]) for rule in executed]
    return rules, values[0] if values else None, [{"value": each} for each in values]


def main() -> int:
    text = Path(sys.argv[1]).read_text(encoding="utf-8")
    dmn = pyDMNrules.DMN()
    status = dmn.useXML(text)
    if status.get("errors"):
        print(f"pyDMNrules cannot load {sys.argv[1]}: {status['errors']}", file=sys.stderr)
        return 1
    decisions = read_decisions(ET.fromstring(text))  # noqa: S314 (the project's own export)
    answers = []
    for case in json.load(sys.stdin)["cases"]:
        context = dict(case)
        tables: dict[str, dict[str, Any]] = {}
        for decision in decisions:
            rules, value, result = evaluate(dmn, decision, context)
            tables[decision.table_id] = {"rules": rules, "value": value}
            context[decision.name] = result
        answers.append(tables)
    json.dump(answers, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
