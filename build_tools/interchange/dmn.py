"""The decision model as DMN 1.3 XML that any DMN engine evaluates as our compiled module does.

One ``decision`` per table (id ``d_<table id>``), evaluated after the decisions it requires:

* **Name.** A value table's decision is named after its output (consumers read it as
  ``<name>.value``); any other is named after its table (``<id>_table`` if that is taken).
* **Inputs.** One input column per table input (a case field by its name, another table's output
  as ``<name>.value``), then one per ``applies_when`` condition: a skipped table matches no rule,
  so its result is null, as ours is.
* **Outputs.** ``value`` (value tables; ``null`` among its allowed values where it can be null),
  ``rule`` (the rule id), ``status``, ``error_field`` and ``error_message`` where a rule sets
  them, then one boolean column per item the table can give (texts in the decision's
  description). Every decision has at least two outputs, so its result is a context (a list of
  them under RULE ORDER).
* **Rules.** ``label`` and ``description`` are the rule id; a table default is a last rule
  labelled ``default``, matching everything the table's ``applies_when`` lets through.
* **Hit policy.** unique -> UNIQUE (FIRST when it has a default, which comes last), first ->
  FIRST, collect -> RULE ORDER (DMN's COLLECT is unordered).
* **Cells.** :mod:`build_tools.interchange.feel`, each proven over its input's domain.

Unknown clinical findings are branched on by our runtime (never null in a table): a DMN engine
gets the answers, as every table here does.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from build_tools.interchange.feel import NotExportable, feel_literal, prove_cell, unary_text
from build_tools.interchange.notices import notices_text
from build_tools.tables.domain import DomainValue, table_domain
from build_tools.tables.model import Condition, DecisionModel, DecisionTable, Outcome

DMN_NAMESPACE = "https://www.omg.org/spec/DMN/20191111/MODEL/"
FEEL_NAMESPACE = "https://www.omg.org/spec/DMN/20191111/FEEL/"
DEFAULT_RULE = "default"
HIT_POLICIES = {"unique": "UNIQUE", "first": "FIRST", "collect": "RULE ORDER"}
TYPE_REFS = {"enum": "string", "boolean": "boolean", "integer": "number", "number": "number"}
STATUSES = ("needs_more_information", "out_of_scope")


class ExportError(ValueError):
    """The model has something an export cannot state (DMN here, FHIR in fhir.py); the message
    names the table and rule."""


def dmn_path(guideline_id: str) -> str:
    """Where the site publishes a guideline's DMN."""
    return f"{guideline_id}/{guideline_id}.dmn"


def decision_name(table: DecisionTable, model: DecisionModel) -> str:
    if table.output is not None:
        return table.output.name
    taken = {case_input.name for case_input in model.inputs} | {
        derived.name for derived in model.derived
    }
    return table.id if table.id not in taken else f"{table.id}_table"


def dmn_xml(model: DecisionModel) -> str:
    """The model's tables as a DMN 1.3 document (raises :class:`ExportError`)."""
    ET.register_namespace("", DMN_NAMESPACE)
    root = _element(
        "definitions",
        id=_xml_id("definitions", model.guideline_id),
        name=f"{model.guideline_id} {model.version}",
        namespace=f"urn:guideline:{model.guideline_id}:{model.version}",
        expressionLanguage=FEEL_NAMESPACE,
        typeLanguage=FEEL_NAMESPACE,
    )
    about = (
        f"Decision tables of {model.guideline_id} {model.version}"
        f" ({model.last_updated}), exported from the guideline's front matter."
    )
    notices = notices_text(model)
    _text(root, "description", about if notices is None else f"{about}\n\n{notices}")
    for table in model.tables:
        root.append(_decision(table, model))
    for case_input in model.inputs:
        data = _element("inputData", id=_xml_id("i", case_input.name), name=case_input.name)
        _text(data, "description", case_input.label.clinician)
        data.append(
            _element(
                "variable",
                id=_xml_id("iv", case_input.name),
                name=case_input.name,
                typeRef=TYPE_REFS[case_input.type],
            )
        )
        root.append(data)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@dataclass(frozen=True)
class _Column:
    label: str
    expression: str
    type_ref: str
    kind: str
    values: tuple[DomainValue, ...]  # the non-null values of an enum or boolean input


def _decision(table: DecisionTable, model: DecisionModel) -> ET.Element:
    name = decision_name(table, model)
    decision = _element("decision", id=f"d_{table.id}", name=name, label=table.title)
    _text(decision, "description", _documentation(table, model))
    decision.append(_element("variable", id=f"dv_{table.id}", name=name))
    for input_name in table.domain_inputs:
        requirement = _element("informationRequirement", id=_xml_id(f"ir_{table.id}", input_name))
        producer = model.producer_of(input_name)
        if producer is not None:
            requirement.append(_element("requiredDecision", href=f"#d_{producer.id}"))
        else:
            requirement.append(_element("requiredInput", href=f"#{_xml_id('i', input_name)}"))
        decision.append(requirement)
    domain = dict(table_domain(table, model))
    columns = [_column(name, name, model) for name in table.inputs]
    columns += [
        _column(condition.input, f"applies when: {condition.input}", model)
        for condition in table.applies_when
    ]
    policy = "first" if table.hit_policy == "unique" and table.default is not None else None
    dt = _element(
        "decisionTable",
        id=f"dt_{table.id}",
        hitPolicy=HIT_POLICIES[policy or table.hit_policy],
    )
    for index, column in enumerate(columns):
        clause = _element("input", id=f"in_{table.id}_{index}", label=column.label)
        expression = _element(
            "inputExpression", id=f"ie_{table.id}_{index}", typeRef=column.type_ref
        )
        _text(expression, "text", column.expression)
        clause.append(expression)
        decision_table_values = [v for v in column.values if v is not None]
        if column.kind == "enum" and decision_table_values:
            values = _element("inputValues")
            _text(values, "text", ", ".join([*map(feel_literal, decision_table_values), "null"]))
            clause.append(values)
        dt.append(clause)
    outcomes = [rule.outcome for rule in table.rules]
    if table.default is not None:
        outcomes.append(table.default)
    outputs = _outputs(table, model, outcomes)
    for key, (type_ref, allowed) in outputs.items():
        clause = _element("output", id=_xml_id(f"out_{table.id}", key), name=key, typeRef=type_ref)
        if allowed:
            values = _element("outputValues")
            _text(values, "text", ", ".join(allowed))
            clause.append(values)
        dt.append(clause)
    rows: list[tuple[str, str, tuple[Condition, ...], Outcome]] = [
        (_xml_id("r", rule.id), rule.id, rule.conditions, rule.outcome) for rule in table.rules
    ]
    if table.default is not None:
        rows.append((_xml_id(f"r_{table.id}", DEFAULT_RULE), DEFAULT_RULE, (), table.default))
    for row_id, label, conditions, outcome in rows:
        rule = _element("rule", id=row_id, label=label)
        _text(rule, "description", label)
        cells = {condition.input: condition for condition in conditions}
        for index, column_name in enumerate(table.inputs):
            rule.append(_entry(table, label, columns[index], cells.get(column_name), domain))
        for offset, condition in enumerate(table.applies_when):
            column = columns[len(table.inputs) + offset]
            rule.append(_entry(table, label, column, condition, domain))
        for key in outputs:
            entry = _element("outputEntry", id=f"{row_id}_o_{_safe(key)}")
            _text(entry, "text", _output_text(key, label, outcome))
            rule.append(entry)
        dt.append(rule)
    decision.append(dt)
    return decision


def _column(input_name: str, label: str, model: DecisionModel) -> _Column:
    declared = model.input_named(input_name)
    if declared is not None:
        values: tuple[DomainValue, ...] = (
            declared.values if declared.type == "enum" else (False, True)
        )
        return _Column(label, input_name, TYPE_REFS[declared.type], declared.type, values)
    derived = model.derived_named(input_name)
    values = derived.values if derived is not None else ()
    return _Column(label, f"{input_name}.value", "string", "enum", values)


def _entry(
    table: DecisionTable,
    rule_label: str,
    column: _Column,
    condition: Condition | None,
    domain: dict[str, tuple[DomainValue, ...]],
) -> ET.Element:
    entry = _element("inputEntry")
    if condition is None:
        _text(entry, "text", "-")
        return entry
    try:
        text = unary_text(condition.test, column.kind, column.values)
    except NotExportable as error:
        raise ExportError(
            f"{table.location}: rule {rule_label}, {condition.input}: {error}"
        ) from None
    wrong = prove_cell(condition.test, text, domain.get(condition.input, ()))
    if wrong:
        raise ExportError(
            f"{table.location}: rule {rule_label}, {condition.input}: the DMN cell {text!r} "
            f"differs from {condition.text!r} on {wrong!r}"
        )
    _text(entry, "text", text)
    return entry


def _outputs(
    table: DecisionTable, model: DecisionModel, outcomes: Sequence[Outcome]
) -> dict[str, tuple[str, list[str]]]:
    """Output column name -> (typeRef, allowed values as FEEL text)."""
    columns: dict[str, tuple[str, list[str]]] = {}
    if table.output is not None:
        derived = model.derived_named(table.output.name)
        nullable = derived is None or derived.nullable
        allowed = [feel_literal(value) for value in table.output.values]
        columns["value"] = ("string", [*allowed, "null"] if nullable else allowed)
    columns["rule"] = ("string", [])
    if any(outcome.status for outcome in outcomes):
        columns["status"] = ("string", [*map(feel_literal, STATUSES), "null"])
    if any(outcome.error for outcome in outcomes):
        columns["error_field"] = ("string", [])
        columns["error_message"] = ("string", [])
    for item in dict.fromkeys(item for outcome in outcomes for item in outcome.items):
        columns[item] = ("boolean", [])
    return columns


def _output_text(key: str, label: str, outcome: Outcome) -> str:
    if key == "value":
        return feel_literal(outcome.value)
    if key == "rule":
        return feel_literal(label)
    if key == "status":
        return feel_literal(outcome.status)
    if key == "error_field":
        return feel_literal(outcome.error.field if outcome.error else None)
    if key == "error_message":
        return feel_literal(outcome.error.message if outcome.error else None)
    return feel_literal(key in outcome.items)


def _documentation(table: DecisionTable, model: DecisionModel) -> str:
    lines = [table.title, table.description, f"Source: {table.location}."]
    items = dict.fromkeys(
        item
        for outcome in [*(rule.outcome for rule in table.rules), table.default]
        if outcome is not None
        for item in outcome.items
    )
    for item_id in items:
        item = model.item_named(item_id)
        if item is not None:
            lines.append(f"{item_id} ({item.kind}): {item.text} [{item.href}]")
    return "\n".join(line for line in lines if line)


def _element(tag: str, **attributes: str) -> ET.Element:
    return ET.Element(f"{{{DMN_NAMESPACE}}}{tag}", attributes)


def _text(parent: ET.Element, tag: str, text: str) -> None:
    child = ET.SubElement(parent, f"{{{DMN_NAMESPACE}}}{tag}")
    child.text = text


def _safe(name: str) -> str:
    return "".join(char if char.isalnum() or char in "_-." else "_" for char in name)


def _xml_id(prefix: str, name: str) -> str:
    return f"{prefix}_{_safe(name)}"
