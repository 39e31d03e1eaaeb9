"""Load and check ``case_inputs:``, the one declaration of a guideline's case fields.

Validation at runtime, the calculator form and the documentation table are all generated from
this declaration, so it must be coherent on its own: types, values, ranges and defaults agree.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from build_tools.findings import FindingCollector
from build_tools.located_yaml import LocatedList, LocatedMap
from build_tools.tables.decision_tables import read_conditions
from build_tools.tables.fields import SNAKE_CASE, FieldReader
from build_tools.tables.model import INPUT_TYPES, CaseInput, Implication, InputType, Wording
from build_tools.tables.policies import PolicyTexts
from build_tools.tables.unary import Number, is_number
from calculators.runtime.module_data import ImplicationData, InputData

# An editor writes a case field with the keys the compiled module holds it by (InputData), and
# an implied_by entry with those of ImplicationData: one shape from the page to the runtime.
_KEYS = tuple(InputData.__annotations__)
_IMPLICATION_KEYS = tuple(ImplicationData.__annotations__)


def load_case_inputs(
    raw: LocatedList | None,
    file: str,
    line: int,
    findings: FindingCollector,
    *,
    needed: bool,
    policies: PolicyTexts | None = None,
) -> tuple[CaseInput, ...]:
    """The declared inputs; ``needed`` when the guideline has items or tables that will use them.
    ``policies``: the site policies an ``implied_by`` cell may name and a label, help or ask
    text may state (``{policy:<id>}``). (The cells of ``implied_by`` are typed against the other
    fields by the loader, once all are known.)"""
    texts = policies or PolicyTexts(())
    reader = FieldReader(file, findings, texts.values)
    if raw is None:
        if needed:
            reader.report(
                line,
                "the guideline has decision tables or items but declares no case_inputs",
                "add 'case_inputs:' to the guideline's index.md",
            )
        return ()
    declared = reader.entries(
        raw,
        "a case input",
        lambda node: _load_one(node, reader, texts),
        lambda case_input: case_input.name,
        ("name", "case input", "declare each field once"),
    )
    return tuple(declared)


def _load_one(node: LocatedMap, reader: FieldReader, texts: PolicyTexts) -> CaseInput | None:
    name = reader.identifier(node, "name", "a case input", SNAKE_CASE, "a snake_case name")
    what = f"case input {name or '?'}"
    reader.check_keys(node, _KEYS, what)
    input_type = reader.choice(node, "type", what, INPUT_TYPES)
    if not name or input_type is None:
        return None
    values = _enum_values(node, reader, what, input_type)
    minimum, maximum = _bounds(node, reader, what, input_type)
    required = reader.flag(node, "required", what, False)
    finding = reader.flag(node, "finding", what, False)
    nullable = reader.flag(node, "nullable", what, finding)
    if finding and (input_type != "boolean" or not nullable or required):
        reader.report(
            node.line_of("finding"),
            f"{what} is a finding, which must be an optional, nullable boolean",
            "make it 'type: boolean' (nullable by default) or drop 'finding: true'",
        )
    if "ask" in node and not finding:
        reader.report(
            node.line_of("ask"),
            f"{what}: only findings have 'ask' (the work-up wording when it is unknown)",
            "add 'finding: true' or drop 'ask:'",
        )
    if "implied_by" in node and not finding:
        reader.report(
            node.line_of("implied_by"),
            f"{what}: only findings have 'implied_by' (what settles them when unstated)",
            "add 'finding: true' or drop 'implied_by:'",
        )
    if required and nullable:
        reader.report(
            node.line_of("nullable"),
            f"{what} is required and nullable",
            "a required field must have a value: drop one of the two",
        )
    declared = CaseInput(
        name=name,
        type=input_type,
        values=values,
        minimum=minimum,
        maximum=maximum,
        exclusive_min=reader.flag(node, "exclusive_min", what, False),
        exclusive_max=reader.flag(node, "exclusive_max", what, False),
        unit=reader.text(node, "unit", what, required=False) or None,
        required=required,
        nullable=nullable,
        default=None,
        group=reader.text(node, "group", what),
        label=_wording(node, "label", reader, what, texts, required=True) or Wording("", ""),
        help=_wording(node, "help", reader, what, texts, required=False),
        line=node.line,
        finding=finding,
        ask=_wording(node, "ask", reader, what, texts, required=finding),
        implied_by=_implications(node, reader, what) if finding else (),
    )
    if declared.exclusive_min and minimum is None:
        reader.report(
            node.line_of("exclusive_min"),
            f"{what}: exclusive_min without min",
            "add 'min:' or drop exclusive_min",
        )
    if declared.exclusive_max and maximum is None:
        reader.report(
            node.line_of("exclusive_max"),
            f"{what}: exclusive_max without max",
            "add 'max:' or drop exclusive_max",
        )
    return _with_default(declared, node, reader, what)


def _implications(node: LocatedMap, reader: FieldReader, what: str) -> tuple[Implication, ...]:
    """``implied_by: [{when: {field: test, ...}, value: true|false}, ...]``."""
    if "implied_by" not in node:
        return ()
    raw = reader.sequence(node["implied_by"], node.line_of("implied_by"), f"{what}: implied_by")
    found: list[Implication] = []
    for index, entry in enumerate(raw or ()):
        where = f"{what}: implied_by entry {index + 1}"
        mapping = reader.mapping(entry, raw.line_of(index) if raw else node.line, where)
        if mapping is None:
            continue
        reader.check_keys(mapping, _IMPLICATION_KEYS, where)
        value = mapping.get("value")
        if not isinstance(value, bool):
            reader.report(
                mapping.line_of("value") if "value" in mapping else mapping.line,
                f"{where}: 'value' must be true or false (the answer the cells imply)",
                "write 'value: true' or 'value: false'",
            )
            continue
        conditions = read_conditions(mapping, "when", where, reader)
        if not conditions:
            reader.report(
                mapping.line,
                f"{where} has no cells: the finding would never be asked for",
                "give the cells on other case fields that settle the finding",
            )
            continue
        found.append(Implication(conditions, value, mapping.line))
    return tuple(found)


def _enum_values(
    node: LocatedMap, reader: FieldReader, what: str, input_type: InputType
) -> tuple[str, ...]:
    if input_type != "enum":
        if "values" in node:
            reader.report(
                node.line_of("values"),
                f"{what}: only enum inputs have values",
                "drop 'values:' or make the type enum",
            )
        return ()
    raw = node.get("values")
    if not isinstance(raw, LocatedList) or not raw:
        reader.report(
            node.line_of("values"),
            f"{what}: an enum needs a non-empty list of values",
            "add 'values: [a, b, ...]'",
        )
        return ()
    values: list[str] = []
    for index, value in enumerate(raw):
        if not isinstance(value, str) or not value:
            reader.report(
                raw.line_of(index),
                f"{what}: enum value {value!r} is not text",
                f'quote it: "{value}"',
            )
        elif value in values:
            reader.report(
                raw.line_of(index),
                f"{what}: enum value {value!r} is listed twice",
                "list each value once",
            )
        elif value in ("-", "null"):
            reader.report(
                raw.line_of(index),
                f"{what}: {value!r} cannot be an enum value (it is table syntax)",
                "choose another word",
            )
        else:
            values.append(value)
    return tuple(values)


def _bounds(
    node: LocatedMap, reader: FieldReader, what: str, input_type: InputType
) -> tuple[Number | None, Number | None]:
    found: list[Number | None] = []
    for key in ("min", "max"):
        value = node.get(key)
        if value is None:
            found.append(None)
        elif input_type not in ("integer", "number"):
            reader.report(
                node.line_of(key),
                f"{what}: only integer and number inputs have {key}",
                f"drop '{key}:'",
            )
            found.append(None)
        elif not is_number(value):
            reader.report(
                node.line_of(key),
                f"{what}: {key} must be a number",
                f"write '{key}: 0' for instance",
            )
            found.append(None)
        else:
            found.append(value)
    minimum, maximum = found
    if minimum is not None and maximum is not None and minimum > maximum:
        reader.report(
            node.line_of("max"),
            f"{what}: max {maximum} is below min {minimum}",
            "swap or correct the bounds",
        )
    return minimum, maximum


def _wording(
    node: LocatedMap,
    key: str,
    reader: FieldReader,
    what: str,
    texts: PolicyTexts,
    *,
    required: bool,
) -> Wording | None:
    value = node.get(key)
    if value is None:
        if required:
            reader.report(
                node.line, f"{what} lacks {key!r}", f"add '{key}: {{clinician: ..., patient: ...}}'"
            )
        return None

    def filled(text: str) -> str:
        """The text with the site policies it names written as their values."""
        return texts.fill(text, f"{what}: {key}", partial(reader.report, node.line_of(key)))

    if isinstance(value, str) and value.strip():
        return Wording(filled(value.strip()), filled(value.strip()))
    if isinstance(value, LocatedMap):
        reader.check_keys(value, ("clinician", "patient"), f"{what}: {key}")
        clinician = reader.text(value, "clinician", f"{what}: {key}")
        patient = reader.text(value, "patient", f"{what}: {key}")
        return Wording(filled(clinician), filled(patient))
    reader.report(
        node.line_of(key),
        f"{what}: {key} must be text or {{clinician, patient}}",
        f"write '{key}: {{clinician: ..., patient: ...}}'",
    )
    return None


def _with_default(
    declared: CaseInput, node: LocatedMap, reader: FieldReader, what: str
) -> CaseInput:
    """Apply the declared default, or the contract's: booleans false, enums 'unknown', else null."""
    line = node.line_of("default")
    if "default" in node:
        if declared.required:
            reader.report(
                line,
                f"{what} is required and has a default",
                "drop the default or make the field optional",
            )
        default = node["default"]
        if declared.finding and default is not None:
            reader.report(
                line,
                f"{what} is a finding: its default is null (unknown), never {default!r}",
                "drop the default: an unstated finding is asked for, not assumed",
            )
        problem = default_problem(declared, default)
        if problem:
            reader.report(
                line, f"{what}: default {default!r} {problem}", "give a default the field accepts"
            )
        return _replace_default(declared, default)
    if declared.required or declared.finding:  # a finding is unknown (null) unless stated
        return declared
    if declared.type == "enum" and "unknown" in declared.values:
        return _replace_default(declared, "unknown")
    if declared.type == "boolean":
        return _replace_default(declared, False)
    if declared.nullable:
        return declared
    reader.report(
        node.line,
        f"{what} is optional but has no default",
        "add 'default:', make it nullable, or make it required",
    )
    return declared


def _replace_default(declared: CaseInput, default: object) -> CaseInput:
    if default is None or isinstance(default, (str, bool, int, float)):
        return replace(declared, default=default)
    return declared


def default_problem(declared: CaseInput, value: object) -> str:
    """Why ``value`` is not an acceptable value of the field, or '' when it is."""
    if value is None:
        return "" if declared.nullable else "is null but the field is not nullable"
    if declared.type == "enum":
        return "" if value in declared.values else f"is not one of {', '.join(declared.values)}"
    if declared.type == "boolean":
        return "" if isinstance(value, bool) else "is not true or false"
    if not is_number(value) or (declared.type == "integer" and not isinstance(value, int)):
        return f"is not {'an integer' if declared.type == 'integer' else 'a number'}"
    assert isinstance(value, (int, float))
    return "" if declared.in_range(value) else "is out of the declared range"
