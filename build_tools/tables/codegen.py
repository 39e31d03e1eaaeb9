"""Compile a verified decision model into a readable, stdlib-only Python module.

The module holds the guideline's data (inputs, items, table metadata) and one plain function per
table that returns the ids of the rules whose tests hold; the hit policy and the assembly of the
result are the runtime's job (:mod:`calculators.runtime`). Every function names the file and line
it comes from. The output depends only on the model, so the same pages give the same bytes.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from pathlib import Path

from build_tools.tables.general import general_items
from build_tools.tables.literals import python_literal
from build_tools.tables.model import (
    CaseInput,
    Condition,
    DecisionModel,
    DecisionTable,
    Item,
    Notice,
    Outcome,
    Pointer,
    Policy,
    Rule,
    Wording,
)
from build_tools.tables.regions import Domains, RuleRegions
from build_tools.tables.unary import (
    AnyOf,
    AnyValue,
    Comparison,
    Interval,
    IsNull,
    Literal,
    Not,
    Number,
    UnaryTest,
)
from calculators.runtime.engine import Calculator
from calculators.runtime.module_data import (
    CaseErrorData,
    DoseData,
    GuidelineData,
    InputData,
    ItemData,
    NoticeData,
    OutcomeData,
    PointerData,
    PolicyData,
    ProbeValues,
    RuleData,
    Scalar,
    TableData,
    WordingData,
)
from calculators.runtime.records import read_compiled_module
from calculators.runtime.results import Result

_GUIDELINE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COMPARISON_HELPERS = {
    "<": "_lt",
    "<=": "_le",
    ">": "_gt",
    ">=": "_ge",
    "=": "_num_eq",
    "!=": "_num_ne",
}
_LINE_ROOM = 100

_HELPERS = '''
# Tests on numbers are false on null (and on anything that is not a number): see "Unary tests" in
# AUTHORING.md. Booleans are excluded explicitly because Python treats True as the number 1.


def _number(value: object) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _lt(value: object, bound: float) -> bool:
    number = _number(value)
    return number is not None and number < bound


def _le(value: object, bound: float) -> bool:
    number = _number(value)
    return number is not None and number <= bound


def _gt(value: object, bound: float) -> bool:
    number = _number(value)
    return number is not None and number > bound


def _ge(value: object, bound: float) -> bool:
    number = _number(value)
    return number is not None and number >= bound


def _num_eq(value: object, bound: float) -> bool:
    number = _number(value)
    return number is not None and number == bound


def _num_ne(value: object, bound: float) -> bool:
    number = _number(value)
    return number is not None and number != bound


def _interval(value: object, opening: str, low: float, high: float, closing: str) -> bool:
    """``[low..high]`` style interval; '[' and ']' include the bound, '(' and ')' exclude it."""
    number = _number(value)
    if number is None:
        return False
    above = number >= low if opening == "[" else number > low
    below = number <= high if closing == "]" else number < high
    return above and below
'''


def module_name(guideline_id: str) -> str:
    """Module name of a guideline: ``my-guideline`` -> ``my_guideline``."""
    if not _GUIDELINE_ID.match(guideline_id):
        raise ValueError(f"guideline id {guideline_id!r} is not lower-case words joined by '-'")
    return guideline_id.replace("-", "_")


def compile_module(model: DecisionModel) -> str:
    """The module's source: the records of :mod:`calculators.runtime.module_data` as literals
    under annotations of those types, then one function per rule test."""
    domains = Domains.of(model)
    general = general_items(model, RuleRegions(model, domains))
    inputs = [input_data(case_input) for case_input in model.inputs]
    required = safety_items(model)
    items = {
        item.id: _item_data(item, general=item.id in general, safety=item.id in required)
        for item in model.items
    }
    tables = [_table_data(table) for table in model.tables]
    notices = [_notice_data(notice) for notice in model.notices]
    policies = [_policy_data(policy) for policy in model.policies]
    guideline = python_literal(_guideline_data(model))
    names = rule_function_names(model)
    parts = [
        # isort style: one blank line between the imports and the first constant.
        _header(model) + f"\nGUIDELINE: GuidelineData = {guideline}\n",
        f"INPUTS: list[InputData] = {python_literal(inputs)}\n",
        "# What field relevance tries for each field: values that stand for all of its values\n"
        "# where the tables are concerned (thresholds, enum values, null where allowed).\n"
        f"PROBE_VALUES: ProbeValues = {python_literal(probe_values(model, domains))}\n",
        f"ITEMS: dict[str, ItemData] = {python_literal(items)}\n",
        "# Every result carries these notices (the source's currency, the review status, ...).\n"
        f"NOTICES: list[NoticeData] = {python_literal(notices)}\n",
        "# The values this site chose where its source gives none (what they decide, why).\n"
        f"POLICIES: list[PolicyData] = {python_literal(policies)}\n",
        f"TABLES: list[TableData] = {python_literal(tables)}\n",
        "# Evaluation order: every table comes after the tables whose outputs it consumes.\n"
        f"TABLE_ORDER: list[str] = {python_literal([table.id for table in model.tables])}\n",
        _HELPERS.strip("\n") + "\n",
        *(_applies_function(table) for table in model.tables if table.applies_when),
        *(_rule_functions(table, names) for table in model.tables if table.rules),
        *(
            _implication_functions(case_input)
            for case_input in model.inputs
            if case_input.implied_by
        ),
        _function_maps(model, names),
    ]
    # Two blank lines between top-level statements, as PEP 8 has it.
    return "\n\n\n".join(part.rstrip("\n") for part in parts) + "\n"


def compiled_calculator(model: DecisionModel, text: str) -> Calculator:
    """The real runtime's calculator (calculators) of the module ``text`` compiles to: how the
    build runs what it ships, without writing or importing anything."""
    name = module_name(model.guideline_id)
    module = types.ModuleType(name)
    exec(compile(text, f"<compiled {name}>", "exec"), module.__dict__)  # noqa: S102 (our own output)
    return Calculator(read_compiled_module(module))


def compiled_recommend(model: DecisionModel, text: str) -> Callable[[dict[str, object]], Result]:
    """``recommend`` of the module ``text`` compiles to (see compiled_calculator)."""
    return compiled_calculator(model, text).recommend


def write_module(model: DecisionModel, out_dir: Path, text: str | None = None) -> Path:
    """Write the module into ``out_dir``; the file is rewritten only when its text changes.
    ``text``: ``compile_module(model)`` when the caller has it already (it is not cheap)."""
    path = out_dir / f"{module_name(model.guideline_id)}.py"
    text = compile_module(model) if text is None else text
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return path


def _header(model: DecisionModel) -> str:
    sources = "\n".join(f"#   {file}" for file in model.source_files)
    return (
        "# Generated by build_tools.decisions from the front matter of:\n"
        f"{sources}\n"
        "# Do not edit: change the pages and run `python -m build_tools.decisions`.\n"
        "# ruff: noqa: E501\n"
        f'"""Decision tables of the guideline {model.guideline_id} '
        f"(version {model.version}, {model.last_updated}).\n\n"
        "Stdlib only: evaluated by calculators.runtime in CPython and in Pyodide alike.\n"
        '"""\n\n'
        "from __future__ import annotations\n\n"
        "from collections.abc import Mapping\n"
        "from typing import TYPE_CHECKING\n\n"
        "# The records' types, for type checkers only: at run time the module needs nothing but\n"
        "# the standard library (the runtime checks each record's keys when it reads them).\n"
        "if TYPE_CHECKING:\n"
        "    from calculators.runtime.module_data import (\n"
        "        GuidelineData,\n"
        "        InputData,\n"
        "        ItemData,\n"
        "        NoticeData,\n"
        "        PolicyData,\n"
        "        ProbeValues,\n"
        "        RuleTest,\n"
        "        TableData,\n"
        "    )\n"
    )


def _guideline_data(model: DecisionModel) -> GuidelineData:
    return {"id": model.guideline_id, "version": model.version, "last_updated": model.last_updated}


def _wording(wording: Wording) -> WordingData:
    return {"clinician": wording.clinician, "patient": wording.patient}


def input_data(case_input: CaseInput) -> InputData:
    """A case field as the compiled module and the calculator's page data both carry it."""
    return {
        "name": case_input.name,
        "type": case_input.type,
        "values": list(case_input.values),
        "min": case_input.minimum,
        "max": case_input.maximum,
        "exclusive_min": case_input.exclusive_min,
        "exclusive_max": case_input.exclusive_max,
        "unit": case_input.unit,
        "required": case_input.required,
        "nullable": case_input.nullable,
        "default": case_input.default,
        "group": case_input.group,
        "label": _wording(case_input.label),
        "help": None if case_input.help is None else _wording(case_input.help),
        "finding": case_input.finding,
        "ask": None if case_input.ask is None else _wording(case_input.ask),
        "implied_by": [
            {
                "when": {condition.input: condition.text for condition in implication.conditions},
                "value": implication.value,
            }
            for implication in case_input.implied_by
        ],
    }


def _notice_data(notice: Notice) -> NoticeData:
    return {
        "id": notice.id,
        "text": notice.text,
        "patient_text": notice.patient_text,
        "citations": list(notice.citations),
    }


def _policy_data(policy: Policy) -> PolicyData:
    return {
        "id": policy.id,
        "value": policy.value,
        "unit": policy.unit,
        "text": {"clinician": policy.text, "patient": policy.patient_text},
        "why": policy.why,
        "citations": list(policy.citations),
    }


def _pointer_data(pointer: Pointer) -> PointerData:
    return {
        "text": pointer.text,
        "patient_text": pointer.patient_text,
        "citations": list(pointer.citations),
    }


def probe_values(model: DecisionModel, domains: Domains) -> ProbeValues:
    """For each case field, the values field relevance tries: the safety proof's domain (every
    value where the tables are concerned), with null for findings too (a form can leave one
    unknown) and, for a number, at least two values (a dose changes with any weight)."""
    probes: ProbeValues = {}
    for case_input in model.inputs:
        values: list[Scalar] = [value for value in domains.values[case_input.name]]
        if case_input.finding and None not in values:
            values.append(None)
        numbers = [
            value
            for value in values
            if isinstance(value, (int, float)) and not isinstance(value, bool)
        ]
        if case_input.type in ("integer", "number") and len(numbers) == 1:
            others = [
                other for other in (numbers[0] + 1, numbers[0] - 1) if case_input.in_range(other)
            ]
            if others:
                values.insert(values.index(numbers[0]) + 1, others[0])
        probes[case_input.name] = values
    return probes


def safety_items(model: DecisionModel) -> frozenset[str]:
    """The items a safety constraint requires, as ``present`` or ``unless_present``."""
    return frozenset(
        item_id
        for constraint in model.safety
        for obligation in constraint.obligations
        if obligation.kind in ("present", "not_first")
        for item_id in obligation.items
    )


def _item_data(item: Item, *, general: bool, safety: bool) -> ItemData:
    dose: DoseData | None = None
    if item.dose is not None:
        dose = {
            "agent": item.dose.agent,
            "amount_per_kg": item.dose.amount_per_kg,
            "unit": item.dose.unit,
            "weight_input": item.dose.weight_input,
            "schedule": item.dose.schedule,
            "round_to": item.dose.round_to,
        }
    return {
        "kind": item.kind,
        "rank": item.rank,
        "text": item.text,
        "patient_text": item.patient_text,
        "citations": list(item.citations),
        "section": item.section,
        "anchor": item.anchor,
        "href": item.href,
        "dose": dose,
        "agents": list(item.agents),
        "origin": item.origin,
        "newer_guidance": None
        if item.newer_guidance is None
        else _pointer_data(item.newer_guidance),
        "general": general,
        "policies": list(item.policies),
        "safety": safety,
    }


def _outcome_data(outcome: Outcome) -> OutcomeData:
    error: CaseErrorData | None = (
        None
        if outcome.error is None
        else {"field": outcome.error.field, "message": outcome.error.message}
    )
    return {
        "value": outcome.value,
        "items": list(outcome.items),
        "status": outcome.status,
        "error": error,
    }


def _named_policies(conditions: tuple[Condition, ...]) -> list[str]:
    return list(dict.fromkeys(name for condition in conditions for name in condition.policies))


def _rule_data(rule: Rule, table: DecisionTable) -> RuleData:
    return {
        "id": rule.id,
        "line": rule.line,
        "when": {condition.input: condition.text for condition in rule.conditions},
        "then": _outcome_data(rule.outcome),
        "policies": _named_policies((*table.applies_when, *rule.conditions)),
    }


def _table_data(table: DecisionTable) -> TableData:
    return {
        "id": table.id,
        "title": table.title,
        "file": table.file,
        "line": table.line,
        "hit_policy": table.hit_policy,
        "inputs": list(table.domain_inputs),
        "applies_when": {condition.input: condition.text for condition in table.applies_when},
        "output": None
        if table.output is None
        else {"name": table.output.name, "values": list(table.output.values)},
        "rules": [_rule_data(rule, table) for rule in table.rules],
        "default": None if table.default is None else _outcome_data(table.default),
        "policies": _named_policies(table.applies_when),
    }


def _applies_function(table: DecisionTable) -> str:
    tests = "\n".join(
        f"    # {condition.input}: {condition.text}" for condition in table.applies_when
    )
    return (
        f"def applies_{table.id}(v: Mapping[str, object]) -> bool:\n"
        f'    """When table {table.id} applies (otherwise it is skipped) — {table.location}."""\n'
        f"{tests}\n"
        f"    return {_conjunction(table.applies_when, indent=4)}\n"
    )


def rule_function_names(model: DecisionModel) -> dict[tuple[str, str], str]:
    """The Python name of each rule's test: ``rule_<rule id>``, unique in the module (rule ids
    are unique in a guideline, but ``a-b`` and ``a_b`` would meet as ``rule_a_b``)."""
    names: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for table in model.tables:
        for rule in table.rules:
            base = "rule_" + rule.id.replace("-", "_")
            name, suffix = base, 2
            while name in taken:
                name, suffix = f"{base}_{suffix}", suffix + 1
            taken.add(name)
            names[(table.id, rule.id)] = name
    return names


def _rule_functions(table: DecisionTable, names: dict[tuple[str, str], str]) -> str:
    """The test of each rule of a table: one function each, so that the runtime evaluates only
    what a hit policy needs (the first match, or each rule on its own)."""
    parts = [
        f"# Table {table.id}: {_docstring_text(table.title)} — {table.location} "
        f"(hit policy: {table.hit_policy})."
    ]
    for rule in table.rules:
        condition = _conjunction(rule.conditions, indent=4)
        tests = "".join(
            f"    # {condition_.input}: {condition_.text}\n" for condition_ in rule.conditions
        )
        parts.append(
            f"def {names[(table.id, rule.id)]}(v: Mapping[str, object]) -> bool:\n"
            f'    """Rule {rule.id} of table {table.id} — {table.file}:{rule.line}."""\n'
            f"{tests}"
            f"    return {condition}\n"
        )
    return "\n\n".join(parts)


def _implication_name(case_input: CaseInput, index: int) -> str:
    return f"implies_{case_input.name}_{index + 1}"


def _implication_functions(case_input: CaseInput) -> str:
    """When each ``implied_by`` entry of a finding holds: one function each."""
    parts = []
    for index, implication in enumerate(case_input.implied_by):
        tests = "".join(
            f"    # {condition.input}: {condition.text}\n" for condition in implication.conditions
        )
        parts.append(
            f"def {_implication_name(case_input, index)}(v: Mapping[str, object]) -> bool:\n"
            f'    """When an unstated {case_input.name} is taken to be '
            f'{str(implication.value).lower()} — line {implication.line}."""\n'
            f"{tests}"
            f"    return {_conjunction(implication.conditions, indent=4)}\n"
        )
    return "\n\n".join(parts)


def _function_maps(model: DecisionModel, names: dict[tuple[str, str], str]) -> str:
    rules = "".join(
        f"    {python_literal(table.id)}: [\n"
        + "".join(
            f"        ({python_literal(rule.id)}, {names[(table.id, rule.id)]}),\n"
            for rule in table.rules
        )
        + "    ],\n"
        for table in model.tables
    )
    applies = "".join(
        f"    {python_literal(table.id)}: applies_{table.id},\n"
        for table in model.tables
        if table.applies_when
    )
    implied = "".join(
        f"    {python_literal(case_input.name)}: ["
        + ", ".join(
            _implication_name(case_input, index) for index in range(len(case_input.implied_by))
        )
        + "],\n"
        for case_input in model.inputs
        if case_input.implied_by
    )
    return (
        "# The rules of each table in rule order, each with its test (the runtime applies the hit\n"
        "# policy: the first match only, every match, or exactly one).\n"
        f"TABLE_RULES: dict[str, list[tuple[str, RuleTest]]] = {{\n{rules}}}\n\n"
        "# applies_when precondition of the tables that have one, by table id.\n"
        f"APPLIES_WHEN: dict[str, RuleTest] = {{\n{applies}}}\n\n"
        "# When an unstated finding is settled by other stated fields: its implied_by entries'\n"
        "# tests, in order (INPUTS gives the value each implies).\n"
        f"IMPLIED_BY: dict[str, list[RuleTest]] = {{\n{implied}}}\n"
    )


def _docstring_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _conjunction(conditions: tuple[Condition, ...], indent: int) -> str:
    tests = [
        _test_code(condition.test, f"v[{python_literal(condition.input)}]")
        for condition in conditions
    ]
    if not tests:
        return "True"
    one_line = " and ".join(tests)
    if len(one_line) + indent + 8 <= _LINE_ROOM:
        return one_line
    pad = " " * (indent + 4)
    return (
        "(\n"
        + "\n".join(f"{pad}{'and ' if index else ''}{test}" for index, test in enumerate(tests))
        + "\n"
        + " " * indent
        + ")"
    )


def _test_code(test: UnaryTest, subject: str) -> str:
    """Python source for one unary test on ``subject`` with the null semantics of unary.py."""
    if isinstance(test, AnyValue):
        return "True"
    if isinstance(test, IsNull):
        return f"{subject} is None"
    if isinstance(test, Literal):
        if isinstance(test.value, bool):
            return f"{subject} is {test.value}"
        if isinstance(test.value, str):
            return f"{subject} == {python_literal(test.value)}"
        return f"_num_eq({subject}, {_number(test.value)})"
    if isinstance(test, Comparison):
        return f"{_COMPARISON_HELPERS[test.operator]}({subject}, {_number(test.bound)})"
    if isinstance(test, Interval):
        opening, closing = ("[" if test.low_closed else "("), ("]" if test.high_closed else ")")
        low, high = _number(test.low), _number(test.high)
        return f'_interval({subject}, "{opening}", {low}, {high}, "{closing}")'
    if not isinstance(test, (AnyOf, Not)):
        raise TypeError(f"unknown unary test {test!r}")
    parts = _disjunction(test.tests, subject)
    if isinstance(test, AnyOf):
        return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"
    if len(parts) > 1:
        return "not (" + " or ".join(parts) + ")"
    # One negated test: write `is not`, `!=`, `not in` as a person would (and as linters want).
    for positive, negative in ((" is ", " is not "), (" == ", " != "), (" in ", " not in ")):
        if parts[0].startswith(subject + positive):
            return parts[0].replace(positive, negative, 1)
    return f"not {parts[0]}"


def _disjunction(tests: tuple[UnaryTest, ...], subject: str) -> list[str]:
    """The alternatives of ``a or b``; enum values are grouped into one ``in (...)`` test."""
    words = [
        test.value for test in tests if isinstance(test, Literal) and isinstance(test.value, str)
    ]
    others = [
        test for test in tests if not (isinstance(test, Literal) and isinstance(test.value, str))
    ]
    parts = [_test_code(test, subject) for test in others]
    if len(words) == 1:
        parts.append(f"{subject} == {python_literal(words[0])}")
    elif words:
        parts.append(f"{subject} in {python_literal(tuple(words))}")
    return parts


def _number(value: Number) -> str:
    return repr(value)
