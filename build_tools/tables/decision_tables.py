"""Load ``decision_tables:`` from section front matter and check every name they use.

Loading happens in two passes: first each table is read on its own (shape, ids, cell syntax), then,
once every table output is known, the names are resolved: inputs, cells against the declared
type and values of their input, item ids, the fields of case errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from build_tools.findings import FindingCollector
from build_tools.located_yaml import LocatedMap
from build_tools.policy_values import number_text
from build_tools.tables.fields import RULE_ID, SNAKE_CASE, FieldReader
from build_tools.tables.model import (
    HIT_POLICIES,
    RULE_STATUSES,
    CaseError,
    CaseInput,
    Condition,
    DecisionTable,
    DerivedValue,
    Item,
    Outcome,
    Output,
    Rule,
    RuleStatus,
)
from build_tools.tables.source import SectionSource
from build_tools.tables.unary import (
    AnyValue,
    Comparison,
    Interval,
    IsNull,
    Literal,
    Number,
    UnaryTestSyntaxError,
    is_number,
    leaves,
    parse_cell_naming,
    typed_test,
)

_TABLE_KEYS = (
    "id",
    "title",
    "description",
    "hit_policy",
    "inputs",
    "output",
    "applies_when",
    "default",
    "rules",
)
_RULE_KEYS = ("id", "when", "then")
_THEN_KEYS = ("value", "items", "status", "error")
_DEFAULT_KEYS = ("value", "items", "status")


def load_tables(
    sections: tuple[SectionSource, ...],
    findings: FindingCollector,
    constants: Mapping[str, Number] | None = None,
) -> list[DecisionTable]:
    """Pass one: every table of every section, in document order, checked for shape and syntax.
    ``constants``: the site policies a cell may name as a bound, by id."""
    tables: list[DecisionTable] = []
    table_ids: dict[str, str] = {}
    rule_ids: dict[str, str] = {}
    for section in sections:
        if section.decision_tables is None:
            continue
        reader = FieldReader(section.file, findings, constants)
        for index, raw in enumerate(section.decision_tables):
            node = reader.mapping(raw, section.decision_tables.line_of(index), "a decision table")
            if node is None:
                continue
            table = _load_table(node, section, reader, rule_ids)
            if table.id in table_ids:
                reader.report(
                    node.line_of("id"),
                    f"table id {table.id!r} is already used at {table_ids[table.id]}",
                    "give each table a unique id",
                )
                continue
            if table.id:
                table_ids[table.id] = table.location
                tables.append(table)
    return tables


def _load_table(
    node: LocatedMap, section: SectionSource, reader: FieldReader, rule_ids: dict[str, str]
) -> DecisionTable:
    table_id = reader.identifier(
        node, "id", "a decision table", SNAKE_CASE, "a snake_case identifier"
    )
    what = f"table {table_id or '?'}"
    reader.check_keys(node, _TABLE_KEYS, what)
    hit_policy = reader.choice(node, "hit_policy", what, HIT_POLICIES) or "collect"
    declared_inputs = reader.string_list(node, "inputs", what)
    inputs = tuple(name for name, _ in declared_inputs)
    if "inputs" not in node:
        reader.report(
            node.line,
            f"{what} lacks 'inputs'",
            "add 'inputs: [field, ...]' naming what the rules test",
        )
    output = _output(node, what, reader)
    if output is not None and hit_policy == "collect":
        reader.report(
            node.line_of("output"),
            f"{what}: a collect table cannot produce one output value",
            "use hit_policy first or unique for a value table",
        )
    rules = _rules(node, what, output, reader, rule_ids)
    default = None
    if "default" in node:
        default_node = reader.mapping(node["default"], node.line_of("default"), f"{what}: default")
        if default_node is not None:
            default = _outcome(
                default_node,
                f"{what}: default",
                _DEFAULT_KEYS,
                output,
                reader,
                allow_null_value=True,
            )
    return DecisionTable(
        id=table_id,
        title=reader.text(node, "title", what),
        description=reader.text(node, "description", what, required=False),
        hit_policy=hit_policy,
        inputs=inputs,
        input_lines=tuple(line for _, line in declared_inputs),
        output=output,
        applies_when=read_conditions(node, "applies_when", what, reader),
        default=default,
        rules=rules,
        section=section.id,
        file=section.file,
        line=node.line,
    )


def _output(node: LocatedMap, what: str, reader: FieldReader) -> Output | None:
    if "output" not in node:
        return None
    raw = reader.mapping(node["output"], node.line_of("output"), f"{what}: output")
    if raw is None:
        return None
    reader.check_keys(raw, ("name", "values"), f"{what}: output")
    name = reader.identifier(raw, "name", f"{what}: output", SNAKE_CASE, "a snake_case name")
    values = tuple(value for value, _ in reader.string_list(raw, "values", f"{what}: output"))
    if not values:
        reader.report(raw.line, f"{what}: the output lists no values", "add 'values: [a, b, ...]'")
    return Output(name, values, raw.line) if name else None


def _rules(
    node: LocatedMap,
    what: str,
    output: Output | None,
    reader: FieldReader,
    rule_ids: dict[str, str],
) -> tuple[Rule, ...]:
    raw_rules = reader.sequence(node.get("rules"), node.line_of("rules"), f"{what}: rules")
    if raw_rules is None:
        return ()
    if not raw_rules:
        reader.report(raw_rules.line, f"{what} has no rules", "add at least one rule")
    rules: list[Rule] = []
    for index, raw in enumerate(raw_rules):
        rule_node = reader.mapping(raw, raw_rules.line_of(index), f"{what}: rule")
        if rule_node is None:
            continue
        rule_id = reader.identifier(
            rule_node, "id", f"{what}: rule", RULE_ID, "a kebab-case or snake_case id"
        )
        rule_what = f"rule {rule_id or '?'} of {what}"
        reader.check_keys(rule_node, _RULE_KEYS, rule_what)
        if rule_id in rule_ids:
            reader.report(
                rule_node.line_of("id"),
                f"rule id {rule_id!r} is already used at {rule_ids[rule_id]}",
                "give each rule a unique id in the guideline",
            )
            continue
        then = reader.mapping(
            rule_node.get("then"), rule_node.line_of("then"), f"{rule_what}: then"
        )
        if then is None or not rule_id:
            continue
        rule_ids[rule_id] = f"{reader.file}:{rule_node.line}"
        outcome = _outcome(then, rule_what, _THEN_KEYS, output, reader, allow_null_value=False)
        rules.append(
            Rule(
                rule_id,
                rule_node.line,
                read_conditions(rule_node, "when", rule_what, reader),
                outcome,
            )
        )
    return tuple(rules)


def read_conditions(
    node: LocatedMap, key: str, what: str, reader: FieldReader
) -> tuple[Condition, ...]:
    """The cells of ``node[key]`` (a mapping of input name to unary test), '-' cells left out."""
    if key not in node or node[key] is None:
        return ()
    raw = reader.mapping(node[key], node.line_of(key), f"{what}: {key}")
    if raw is None:
        return ()
    conditions: list[Condition] = []
    for name, cell in raw.items():
        line = raw.line_of(name)
        try:
            test, policies = parse_cell_naming(cell, reader.constants)
        except UnaryTestSyntaxError as error:
            reader.report(
                line, f"{what}: bad test for {name}: {error}", "see 'Unary tests' in AUTHORING.md"
            )
            continue
        if not isinstance(test, AnyValue):
            text = _cell_text(cell)
            for policy in policies:  # the text says what the test does: the value, not the name
                text = re.sub(rf"\b{policy}\b", number_text(reader.constants[policy]), text)
            conditions.append(Condition(name, test, text, line, policies))
    return tuple(conditions)


def _cell_text(cell: object) -> str:
    if isinstance(cell, list):
        return "[" + ", ".join(_cell_text(member) for member in cell) + "]"
    if cell is None:
        return "null"
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(cell)


def _outcome(
    node: LocatedMap,
    what: str,
    keys: tuple[str, ...],
    output: Output | None,
    reader: FieldReader,
    *,
    allow_null_value: bool,
) -> Outcome:
    reader.check_keys(node, keys, what)
    has_value = "value" in node
    value = node.get("value")
    if has_value and output is None:
        reader.report(
            node.line_of("value"),
            f"{what}: a value but the table declares no output",
            "add 'output: {name, values}' to the table or drop the value",
        )
    elif output is not None and not has_value and not allow_null_value:
        reader.report(
            node.line,
            f"{what}: the table has an output but the rule gives no value",
            f"add 'value:' with one of {', '.join(output.values)}",
        )
    elif (
        output is not None
        and has_value
        and not (value is None and allow_null_value)
        and value not in output.values
    ):
        reader.report(
            node.line_of("value"),
            f"{what}: unknown output value {value!r}",
            f"use one of: {', '.join(output.values)}",
        )
    status: RuleStatus | None = None
    if "status" in node:
        status = reader.choice(node, "status", what, RULE_STATUSES)
    error = None
    if "error" in node:
        error_node = reader.mapping(node["error"], node.line_of("error"), f"{what}: error")
        if error_node is not None:
            reader.check_keys(error_node, ("field", "message"), f"{what}: error")
            error = CaseError(
                reader.text(error_node, "field", f"{what}: error"),
                reader.text(error_node, "message", f"{what}: error"),
            )
    items = reader.string_list(node, "items", what)
    return Outcome(
        has_value=has_value,
        value=value if isinstance(value, str) else None,
        items=tuple(name for name, _ in items),
        item_lines=tuple(line for _, line in items),
        status=status,
        error=error,
        line=node.line,
    )


@dataclass(frozen=True)
class NameSpace:
    """Everything a table may test: declared case fields and other tables' outputs."""

    inputs: dict[str, CaseInput]
    derived: dict[str, DerivedValue]

    def knows(self, name: str) -> bool:
        return name in self.inputs or name in self.derived


def derived_values(
    tables: list[DecisionTable], inputs: tuple[CaseInput, ...], findings: FindingCollector
) -> dict[str, DerivedValue]:
    """Table outputs as value domains.

    An output can be null when its table can be skipped (applies_when) or defaults to null.
    """
    case_fields = {case_input.name for case_input in inputs}
    derived: dict[str, DerivedValue] = {}
    for table in tables:
        if table.output is None:
            continue
        name = table.output.name
        if name in case_fields:
            findings.add(
                table.file,
                table.output.line,
                f"table {table.id}: output name {name!r} is also a case input",
                "rename the output",
            )
            continue
        if name in derived:
            findings.add(
                table.file,
                table.output.line,
                f"table {table.id}: output {name!r} is already produced by "
                f"table {derived[name].table}",
                "give each output its own name",
            )
            continue
        can_be_null = bool(table.applies_when) or (
            table.default is not None and table.default.value is None
        )
        derived[name] = DerivedValue(name, table.output.values, can_be_null, table.id)
    return derived


def resolve_names(
    tables: list[DecisionTable],
    names: NameSpace,
    items: tuple[Item, ...],
    findings: FindingCollector,
) -> list[DecisionTable]:
    """Pass two: every name a table uses must exist, and every cell must fit its input.

    Returns the tables with their cells read as the type of their input (see ``typed_test``).
    """
    item_ids = {item.id for item in items}
    used_items: set[str] = set()
    typed_tables: list[DecisionTable] = []
    for table in tables:
        table = _with_typed_cells(table, names)
        typed_tables.append(table)
        what = f"table {table.id}"
        for name, line in zip(table.inputs, table.input_lines, strict=True):
            if not names.knows(name):
                findings.add(
                    table.file,
                    line,
                    f"{what}: unknown input {name!r}",
                    "name a declared case input or another table's output",
                )
        for condition in table.applies_when:
            check_condition(table.file, condition, f"{what}: applies_when", names, findings)
        for rule in table.rules:
            rule_what = f"rule {rule.id} of {what}"
            for condition in rule.conditions:
                if condition.input not in table.inputs:
                    findings.add(
                        table.file,
                        condition.line,
                        f"{rule_what}: unknown field {condition.input!r} "
                        "(not an input of the table)",
                        f"add it to the table's inputs or use one of: {', '.join(table.inputs)}",
                    )
                    continue
                check_condition(table.file, condition, rule_what, names, findings)
        outcomes = [(f"rule {rule.id} of {what}", rule.outcome) for rule in table.rules]
        if table.default is not None:
            outcomes.append((f"{what}: default", table.default))
        for outcome_what, outcome in outcomes:
            for item_id, line in zip(outcome.items, outcome.item_lines, strict=True):
                used_items.add(item_id)
                if item_id not in item_ids:
                    findings.add(
                        table.file,
                        line,
                        f"{outcome_what}: unknown item id {item_id!r}",
                        "define it under 'items:' in a section or fix the spelling",
                    )
            if (
                outcome.error is not None
                and outcome.error.field
                and outcome.error.field not in names.inputs
            ):
                findings.add(
                    table.file,
                    outcome.line,
                    f"{outcome_what}: error field {outcome.error.field!r} is not a case input",
                    "name the case field the user must correct",
                )
    _report_unused_items(items, used_items, findings)
    return typed_tables


def typed_condition(condition: Condition, names: NameSpace) -> Condition:
    """The cell with its words read as the type of its input (see ``typed_test``)."""
    declared = names.inputs.get(condition.input)
    kind = declared.type if declared is not None else "enum"
    return replace(condition, test=typed_test(condition.test, kind))


def _with_typed_cells(table: DecisionTable, names: NameSpace) -> DecisionTable:
    def typed(condition: Condition) -> Condition:
        return typed_condition(condition, names)

    rules = tuple(
        replace(rule, conditions=tuple(typed(condition) for condition in rule.conditions))
        for rule in table.rules
    )
    applies_when = tuple(typed(condition) for condition in table.applies_when)
    return replace(table, rules=rules, applies_when=applies_when)


def _report_unused_items(
    items: tuple[Item, ...], used_items: set[str], findings: FindingCollector
) -> None:
    for item in items:
        if item.id not in used_items:
            findings.add(
                item.file,
                item.line,
                f"item {item.id!r} is not used by any decision rule",
                "use it in a rule's 'items:' or remove it",
            )


def check_condition(
    file: str,
    condition: Condition,
    what: str,
    names: NameSpace,
    findings: FindingCollector,
) -> None:
    """A cell must name a known input and fit its type and values."""
    name = condition.input
    if not names.knows(name):
        findings.add(
            file,
            condition.line,
            f"{what}: unknown field {name!r}",
            "name a declared case input or another table's output",
        )
        return
    declared = names.inputs.get(name)
    derived = names.derived.get(name)
    kind = declared.type if declared is not None else "enum"
    values = (
        declared.values if declared is not None else derived.values if derived is not None else ()
    )
    if (
        declared is not None
        and declared.finding
        and any(isinstance(leaf, IsNull) for leaf in leaves(condition.test))
    ):
        findings.add(
            file,
            condition.line,
            f"{what}: {name} is a finding, which the tables never see as null "
            "(an unknown finding is evaluated under each answer)",
            "test true or false; the result lists what depends on an unknown finding",
        )
        return
    for leaf in leaves(condition.test):
        problem = _leaf_problem(leaf, kind, values)
        if problem:
            findings.add(
                file,
                condition.line,
                f"{what}: {name} {problem}",
                "see the declared values and type of the input",
            )


def _leaf_problem(leaf: object, kind: str, values: tuple[str, ...]) -> str:
    if isinstance(leaf, (AnyValue, IsNull)):
        return ""
    if isinstance(leaf, Literal):
        if kind == "enum":
            if not isinstance(leaf.value, str):
                return (
                    f"is an enum: {leaf.value!r} must be one of the values as text "
                    f"({', '.join(values)})"
                )
            return (
                ""
                if leaf.value in values
                else f"has no value {leaf.value!r} (values: {', '.join(values)})"
            )
        if kind == "boolean":
            return (
                ""
                if isinstance(leaf.value, bool)
                else f"is a boolean: write true or false, not {leaf.value!r}"
            )
        return "" if is_number(leaf.value) else f"is a number: {leaf.value!r} is not a number"
    if isinstance(leaf, (Comparison, Interval)):
        if kind not in ("integer", "number"):
            article = "a boolean" if kind == "boolean" else "an enum"
            return f"is {article}: comparisons and intervals need a number input"
        if isinstance(leaf, Interval) and leaf.is_empty():
            return f"interval {leaf.text()} is empty"
    return ""
