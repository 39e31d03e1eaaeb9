"""Typed views of a compiled guideline module.

A compiled module is plain data plus functions (see build_tools.tables.codegen), of the shapes
:mod:`calculators.runtime.module_data` declares: ``ModuleData`` for its constants, a TypedDict for
each kind of record. Those TypedDicts are the only statement
of the shapes: one generic reader walks the module's constants against their annotations (with
stdlib :mod:`typing`: the runtime runs in Pyodide too), so every record has exactly the required
(and no other than the optional) keys of its TypedDict and every value its annotated type, and a
module built by another version of the generator fails loudly here, naming the record and the
key, rather than misbehaving later. The checked data is then turned into these frozen records,
which hold what the engine works with (tuples, the two wordings apart, each table's tests by its
rules), and the relations no single record states are checked (TABLE_ORDER lists TABLES, ...).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import NamedTuple, cast, get_args, get_origin, get_type_hints, is_typeddict

from calculators.runtime import module_data as shape
from calculators.runtime.errors import CompiledModuleError

RuleTest = shape.RuleTest
AppliesFunction = shape.RuleTest
Number = shape.Number


@dataclass(frozen=True)
class InputSpec:
    name: str
    type: str  # enum | boolean | integer | number
    values: tuple[str, ...]
    minimum: Number | None
    maximum: Number | None
    exclusive_min: bool
    exclusive_max: bool
    unit: str | None
    required: bool
    nullable: bool
    default: object
    label: str
    patient_label: str
    # A clinical finding: unknown (null) unless the case states it, and never read as "no": the
    # engine evaluates the tables under each answer (see branching.py). ``ask`` is the work-up
    # wording (clinician, patient) for when an unknown finding decides something.
    finding: bool
    ask: tuple[str, str] | None
    # The values that stand for all of the field's values where the tables are concerned
    # (PROBE_VALUES of the module): what field relevance tries (see relevance.py).
    probes: tuple[object, ...] = ()
    # A finding's implied_by entries: what settles it when the case does not state it.
    implied_by: tuple[ImplicationSpec, ...] = ()


@dataclass(frozen=True)
class ImplicationSpec:
    """When ``test`` holds on the case's (stated) values, an unstated finding is ``value``;
    ``when`` are its cells as written, by field."""

    value: bool
    when: dict[str, str]
    test: RuleTest


@dataclass(frozen=True)
class DoseSpec:
    agent: str
    amount_per_kg: str
    unit: str
    weight_input: str
    schedule: str
    round_to: str | None = None  # decimal text of the rounding step (a site policy), or exact


@dataclass(frozen=True)
class PolicySpec:
    """A value this site chose where its source gives none: what a result it decides says."""

    id: str
    value: Number
    unit: str
    text: str
    patient_text: str
    why: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class PointerSpec:
    """What newer guidance changes about an item: shown beside it, never as its own advice."""

    text: str
    patient_text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class NoticeSpec:
    """A notice every result carries (the source's currency, the review status, ...)."""

    id: str
    text: str
    patient_text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class ItemSpec:
    id: str
    kind: str
    rank: str | None
    text: str
    patient_text: str
    citations: tuple[int, ...]
    section: str
    anchor: str
    href: str
    dose: DoseSpec | None
    agents: tuple[str, ...]
    origin: str  # source | newer_guidance
    newer_guidance: PointerSpec | None
    general: bool  # holds for every case of its route (build_tools/tables/general.py)
    policies: tuple[str, ...] = ()  # the site policies its texts state
    safety: bool = False  # a safety constraint requires it: its dependence is waited for


@dataclass(frozen=True)
class CaseErrorSpec:
    field: str
    message: str


@dataclass(frozen=True)
class OutcomeSpec:
    value: str | None
    items: tuple[str, ...]
    status: str | None
    error: CaseErrorSpec | None


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    file: str
    line: int
    hit_policy: str
    inputs: tuple[str, ...]
    output_name: str | None
    rules: dict[str, OutcomeSpec]  # rule id -> outcome, in rule order
    default: OutcomeSpec | None
    tests: tuple[tuple[str, RuleTest], ...]  # (rule id, its test), in rule order
    applies: AppliesFunction | None
    # rule id -> input -> its unary test as written (the rule's ``when``), in rule order
    conditions: dict[str, dict[str, str]]
    # rule id (or "default") -> the site policies its cells and the applies_when name
    policies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The inputs its applies_when tests (the test itself is ``applies``): which tables route
    # the others (see calculators/runtime/questions.py).
    applies_when: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuidelineSpec:
    id: str
    version: str
    last_updated: str
    inputs: tuple[InputSpec, ...]
    items: dict[str, ItemSpec]
    tables: tuple[TableSpec, ...]  # in evaluation order
    notices: tuple[NoticeSpec, ...]
    policies: dict[str, PolicySpec] = field(default_factory=dict)


def read_compiled_module(module: ModuleType) -> GuidelineSpec:
    """Read a compiled guideline module, or raise CompiledModuleError naming what is wrong."""
    reader = _Reader(module.__name__)
    constants = {name: getattr(module, name, None) for name in _annotations(shape.ModuleData)}
    reader.check(constants, shape.ModuleData, "")
    data = cast(shape.ModuleData, constants)  # checked against its annotations just above
    tables = {
        table["id"]: _table(reader, table, data["TABLE_RULES"], data["APPLIES_WHEN"])
        for table in data["TABLES"]
    }
    if sorted(data["TABLE_ORDER"]) != sorted(tables):
        raise CompiledModuleError(
            f"{module.__name__}: TABLE_ORDER does not list exactly the tables of TABLES"
        )
    probes = data["PROBE_VALUES"]
    if sorted(probes) != sorted(entry["name"] for entry in data["INPUTS"]):
        raise CompiledModuleError(
            f"{module.__name__}: PROBE_VALUES does not list exactly the fields of INPUTS"
        )
    guideline = data["GUIDELINE"]
    return GuidelineSpec(
        id=guideline["id"],
        version=guideline["version"],
        last_updated=guideline["last_updated"],
        inputs=tuple(
            _input(reader, entry, data["IMPLIED_BY"], probes[entry["name"]])
            for entry in data["INPUTS"]
        ),
        items={item_id: _item(item_id, item) for item_id, item in data["ITEMS"].items()},
        tables=tuple(tables[name] for name in data["TABLE_ORDER"]),
        notices=tuple(_notice(notice) for notice in data["NOTICES"]),
        policies={policy["id"]: _policy(policy) for policy in data["POLICIES"]},
    )


class _Leaf(NamedTuple):
    """A type of single values (text, a number, a function, a union of such, ...)."""

    accepts: Callable[[object], bool]
    singular: str  # what a value of it is: "text", "a number or null"
    plural: str  # what a list of them holds: "texts", "numbers or nulls"


# A compiled check of one annotation: (reader, value, where) -> None, or raise naming ``where``.
_Check = Callable[["_Reader", object, str], None]
_UNIONS = (types.UnionType, typing.Union)
_NONE = type(None)
# As in annotations, a float is any number (an int too); no number is a boolean.
_WORDS: dict[object, tuple[tuple[type, ...], str, str]] = {
    str: ((str,), "text", "texts"),
    bool: ((bool,), "true or false", "true or false values"),
    int: ((int,), "an integer", "integers"),
    float: ((int, float), "a number", "numbers"),
    _NONE: ((_NONE,), "null", "nulls"),
}
_HINTS: dict[type, dict[str, object]] = {}
_CHECKS: dict[object, _Check] = {}


def _annotations(record: type) -> dict[str, object]:
    """A TypedDict's keys and their types, evaluated (module_data writes them as text)."""
    hints = _HINTS.get(record)
    if hints is None:
        hints = _HINTS[record] = get_type_hints(record)
    return hints


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _leaf(expected: object) -> _Leaf | None:
    """``expected`` as a type of single values, or None when it is a container or a record."""
    if get_origin(expected) is Callable:
        return _Leaf(callable, "a function", "functions")
    members = get_args(expected) if get_origin(expected) in _UNIONS else (expected,)
    if not all(member in _WORDS for member in members):
        return None
    if float in members:  # int | float is a number
        members = tuple(member for member in members if member is not int)
    classes = tuple(kind for member in members for kind in _WORDS[member][0])
    numbers_only = bool not in members

    def accepts(value: object) -> bool:
        return isinstance(value, classes) and not (numbers_only and isinstance(value, bool))

    return _Leaf(
        accepts,
        _either([_WORDS[member][1] for member in members]),
        _either([_WORDS[member][2] for member in members]),
    )


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check(expected: object) -> _Check:
    """The check of values of the module_data annotation ``expected``, made once."""
    check = _CHECKS.get(expected)
    if check is None:
        check = _CHECKS[expected] = _compile(expected)
    return check


def _compile(expected: object) -> _Check:
    leaf = _leaf(expected)
    origin, arguments = get_origin(expected), get_args(expected)
    if leaf is not None:
        accepts, singular = leaf.accepts, leaf.singular

        def check_leaf(reader: _Reader, value: object, where: str) -> None:
            if not accepts(value):
                raise reader.fail(where, singular)

        return check_leaf
    if is_typeddict(expected):
        record = _record(cast(type, expected))
        return lambda reader, value, where: record(reader, value, where, where)
    if origin in _UNIONS and _NONE in arguments and len(arguments) == 2:
        present = _check(next(argument for argument in arguments if argument is not _NONE))

        def check_optional(reader: _Reader, value: object, where: str) -> None:
            if value is not None:  # an optional record or container
                present(reader, value, where)

        return check_optional
    if origin is list:
        return _sequence(arguments[0])
    if origin is dict:
        key_check, member_check = _check(arguments[0]), _check(arguments[1])

        def check_dict(reader: _Reader, value: object, where: str) -> None:
            if not isinstance(value, dict):
                raise reader.fail(where, "a dict")
            for key, member in value.items():
                key_check(reader, key, f"a key of {where}")
                member_check(reader, member, f"{where}[{key}]")

        return check_dict
    if origin is tuple and Ellipsis not in arguments:
        checks = [_check(argument) for argument in arguments]

        def check_tuple(reader: _Reader, value: object, where: str) -> None:
            if not isinstance(value, tuple) or len(value) != len(checks):
                raise reader.fail(where, f"a tuple of {len(checks)}")
            for index, (member, check) in enumerate(zip(value, checks, strict=True)):
                check(reader, member, f"{where}[{index}]")

        return check_tuple
    # A programming error in module_data, not a malformed module.
    raise TypeError(f"the runtime cannot read values of type {expected!r}")


def _record(record: type) -> Callable[[_Reader, object, str, str], None]:
    """The check of a TypedDict's records: a dict with its required keys and no others than its
    optional ones, each value of its type. ``where`` names the record in a message about its
    keys, ``inner`` before a key in a message about a value."""
    required: frozenset[str] = getattr(record, "__required_keys__", frozenset())
    allowed = required | getattr(record, "__optional_keys__", frozenset())
    # Per key: the test of a single value (checked in place), else the check of its container.
    plan: list[tuple[str, _Leaf | None, _Check | None]] = []
    for key, expected in _annotations(record).items():
        leaf = _leaf(expected)
        plan.append((key, leaf, None if leaf is not None else _check(expected)))

    def check_record(reader: _Reader, value: object, where: str, inner: str) -> None:
        if not isinstance(value, dict):
            raise reader.fail(where, "a dict")
        keys = value.keys()
        if not required <= keys <= allowed:
            missing = ", ".join(sorted(required - keys)) or "none"
            extra = ", ".join(sorted(map(str, keys - allowed))) or "none"
            raise reader.fail(
                where, f"a record of the expected keys (missing: {missing}; unexpected: {extra})"
            )
        for key, leaf, check in plan:
            if key not in value:
                continue
            member = value[key]
            if leaf is not None:
                if not leaf.accepts(member):
                    raise reader.fail(f"{inner} {key}" if inner else key, leaf.singular)
            elif check is not None:
                check(reader, member, f"{inner} {key}" if inner else key)

    return check_record


def _sequence(member_type: object) -> _Check:
    leaf = _leaf(member_type)
    if leaf is not None:
        accepts, plural = leaf.accepts, leaf.plural

        def check_leaves(reader: _Reader, value: object, where: str) -> None:
            if not isinstance(value, list):
                raise reader.fail(where, "a list")
            for index, member in enumerate(value):
                if not accepts(member):
                    raise reader.fail(
                        where, f"a list of {plural} ({where}[{index}] is {_shown(member)})"
                    )

        return check_leaves
    if is_typeddict(member_type):
        record = _record(cast(type, member_type))

        def check_records(reader: _Reader, value: object, where: str) -> None:
            if not isinstance(value, list):
                raise reader.fail(where, "a list")
            # "an INPUTS entry" while its keys are unchecked, then by its id or name:
            # "INPUTS[her2_status] min is not a number or null".
            entry = f"{'an' if where[:1] in 'AEIOUaeiou' else 'a'} {where} entry"
            for index, member in enumerate(value):
                named = member.get("id", member.get("name")) if isinstance(member, dict) else None
                record(
                    reader,
                    member,
                    entry,
                    f"{where}[{named}]" if isinstance(named, str) else f"{where}[{index}]",
                )

        return check_records
    member_check = _check(member_type)

    def check_list(reader: _Reader, value: object, where: str) -> None:
        if not isinstance(value, list):
            raise reader.fail(where, "a list")
        for index, member in enumerate(value):
            member_check(reader, member, f"{where}[{index}]")

    return check_list


class _Reader:
    """Checks a module's plain data against the module_data annotations; every failure names
    the module, the record and the key."""

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name

    def fail(self, where: str, expected: str) -> CompiledModuleError:
        return CompiledModuleError(
            f"{self.module_name}: {where} is not {expected}; "
            "rebuild it with `python -m build_tools.decisions`"
        )

    def check(self, value: object, expected: object, where: str) -> None:
        """Raise unless ``value`` has the type ``expected`` (a module_data annotation)."""
        _check(expected)(self, value, where)


def _wording(wording: shape.WordingData) -> tuple[str, str]:
    return wording["clinician"], wording["patient"]


def _input(
    reader: _Reader,
    data: shape.InputData,
    implied: dict[str, list[RuleTest]],
    probes: list[shape.Scalar],
) -> InputSpec:
    name = data["name"]
    declared = data["implied_by"]
    tests = implied.get(name, [])
    if len(tests) != len(declared):
        raise reader.fail(
            f"IMPLIED_BY[{name}]", f"a test for each implied_by entry of INPUTS[{name}]"
        )
    label = _wording(data["label"])
    ask = data["ask"]
    return InputSpec(
        name=name,
        type=data["type"],
        values=tuple(data["values"]),
        minimum=data["min"],
        maximum=data["max"],
        exclusive_min=data["exclusive_min"],
        exclusive_max=data["exclusive_max"],
        unit=data["unit"],
        required=data["required"],
        nullable=data["nullable"],
        default=data["default"],
        label=label[0],
        patient_label=label[1],
        finding=data["finding"],
        ask=None if ask is None else _wording(ask),
        probes=tuple(probes),
        implied_by=tuple(
            ImplicationSpec(value=entry["value"], when=dict(entry["when"]), test=test)
            for entry, test in zip(declared, tests, strict=True)
        ),
    )


def _item(item_id: str, data: shape.ItemData) -> ItemSpec:
    dose = data["dose"]
    pointer = data["newer_guidance"]
    return ItemSpec(
        id=item_id,
        kind=data["kind"],
        rank=data["rank"],
        text=data["text"],
        patient_text=data["patient_text"],
        citations=tuple(data["citations"]),
        section=data["section"],
        anchor=data["anchor"],
        href=data["href"],
        dose=None
        if dose is None
        else DoseSpec(
            agent=dose["agent"],
            amount_per_kg=dose["amount_per_kg"],
            unit=dose["unit"],
            weight_input=dose["weight_input"],
            schedule=dose["schedule"],
            round_to=dose["round_to"],
        ),
        agents=tuple(data["agents"]),
        origin=data["origin"],
        newer_guidance=None
        if pointer is None
        else PointerSpec(
            text=pointer["text"],
            patient_text=pointer["patient_text"],
            citations=tuple(pointer["citations"]),
        ),
        general=data["general"],
        policies=tuple(data["policies"]),
        safety=data["safety"],
    )


def _policy(data: shape.PolicyData) -> PolicySpec:
    text, patient_text = _wording(data["text"])
    return PolicySpec(
        id=data["id"],
        value=data["value"],
        unit=data["unit"],
        text=text,
        patient_text=patient_text,
        why=data["why"],
        citations=tuple(data["citations"]),
    )


def _notice(data: shape.NoticeData) -> NoticeSpec:
    return NoticeSpec(
        id=data["id"],
        text=data["text"],
        patient_text=data["patient_text"],
        citations=tuple(data["citations"]),
    )


def _outcome(data: shape.OutcomeData) -> OutcomeSpec:
    error = data["error"]
    return OutcomeSpec(
        value=data["value"],
        items=tuple(data["items"]),
        status=data["status"],
        error=None if error is None else CaseErrorSpec(error["field"], error["message"]),
    )


def _table(
    reader: _Reader,
    data: shape.TableData,
    functions: dict[str, list[tuple[str, RuleTest]]],
    applies: dict[str, RuleTest],
) -> TableSpec:
    table_id = data["id"]
    tests = tuple(functions.get(table_id, []))
    rules = {rule["id"]: _outcome(rule["then"]) for rule in data["rules"]}
    if [rule_id for rule_id, _ in tests] != list(rules):
        raise reader.fail(
            f"TABLE_RULES[{table_id}]", f"the rules of TABLES[{table_id}] in rule order"
        )
    output = data["output"]
    default = data["default"]
    return TableSpec(
        id=table_id,
        title=data["title"],
        file=data["file"],
        line=data["line"],
        hit_policy=data["hit_policy"],
        inputs=tuple(data["inputs"]),
        output_name=None if output is None else output["name"],
        rules=rules,
        default=None if default is None else _outcome(default),
        tests=tests,
        applies=applies.get(table_id),
        conditions={rule["id"]: dict(rule["when"]) for rule in data["rules"]},
        policies={
            "default": tuple(data["policies"]),
            **{rule["id"]: tuple(rule["policies"]) for rule in data["rules"]},
        },
        applies_when=tuple(data["applies_when"]),
    )
