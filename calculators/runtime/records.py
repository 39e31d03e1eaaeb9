"""Typed views of a compiled guideline module.

A compiled module is plain data plus functions (see build_tools.tables.codegen): records of the
shapes :mod:`calculators.runtime.module_data` defines. It is read once into these frozen
records, checking that every record has exactly the keys of its shape and that each value has
its type, so the engine works with typed values only and a module built by another version of
the generator fails loudly here rather than misbehaving later.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import ModuleType

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
    guideline = reader.record(
        getattr(module, "GUIDELINE", None), shape.GuidelineData.__required_keys__, "GUIDELINE"
    )
    functions = reader.mapping(getattr(module, "TABLE_RULES", None), "TABLE_RULES")
    applies = reader.mapping(getattr(module, "APPLIES_WHEN", None), "APPLIES_WHEN")
    tables = {
        table.id: table
        for table in (
            _table(reader, raw, functions, applies)
            for raw in reader.sequence(getattr(module, "TABLES", None), "TABLES")
        )
    }
    order = [
        reader.text(name, "TABLE_ORDER entry")
        for name in reader.sequence(getattr(module, "TABLE_ORDER", None), "TABLE_ORDER")
    ]
    if sorted(order) != sorted(tables):
        raise CompiledModuleError(
            f"{module.__name__}: TABLE_ORDER does not list exactly the tables of TABLES"
        )
    items = reader.mapping(getattr(module, "ITEMS", None), "ITEMS")
    notices = reader.sequence(getattr(module, "NOTICES", None), "NOTICES")
    policies = [
        _policy(reader, raw)
        for raw in reader.sequence(getattr(module, "POLICIES", None), "POLICIES")
    ]
    implied = reader.mapping(getattr(module, "IMPLIED_BY", None), "IMPLIED_BY")
    inputs = [
        _input(reader, raw, implied)
        for raw in reader.sequence(getattr(module, "INPUTS", None), "INPUTS")
    ]
    probes = reader.mapping(getattr(module, "PROBE_VALUES", None), "PROBE_VALUES")
    if sorted(probes) != sorted(spec.name for spec in inputs):
        raise CompiledModuleError(
            f"{module.__name__}: PROBE_VALUES does not list exactly the fields of INPUTS"
        )
    return GuidelineSpec(
        id=reader.text(guideline.get("id"), "GUIDELINE id"),
        version=reader.text(guideline.get("version"), "GUIDELINE version"),
        last_updated=reader.text(guideline.get("last_updated"), "GUIDELINE last_updated"),
        inputs=tuple(
            replace(spec, probes=reader.scalars(probes[spec.name], f"PROBE_VALUES[{spec.name}]"))
            for spec in inputs
        ),
        items={
            reader.text(item_id, "ITEMS key"): _item(reader, item_id, raw)
            for item_id, raw in items.items()
        },
        tables=tuple(tables[name] for name in order),
        notices=tuple(_notice(reader, raw) for raw in notices),
        policies={policy.id: policy for policy in policies},
    )


class _Reader:
    """Shape checks on the module's plain data; every failure names the module and the place."""

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name

    def fail(self, where: str, expected: str) -> CompiledModuleError:
        return CompiledModuleError(
            f"{self.module_name}: {where} is not {expected}; "
            "rebuild it with `python -m build_tools.decisions`"
        )

    def mapping(self, value: object, where: str) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.fail(where, "a dict")
        return value

    def record(self, value: object, keys: frozenset[str], where: str) -> dict[str, object]:
        """A dict with exactly ``keys`` (those of a module_data record)."""
        data = self.mapping(value, where)
        if set(data) != keys:
            missing = ", ".join(sorted(keys - set(data))) or "none"
            extra = ", ".join(sorted(set(data) - keys)) or "none"
            raise self.fail(
                where, f"a record of the expected keys (missing: {missing}; unexpected: {extra})"
            )
        return data

    def sequence(self, value: object, where: str) -> list[object]:
        if not isinstance(value, list):
            raise self.fail(where, "a list")
        return value

    def text(self, value: object, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "text")
        return value

    def optional_text(self, value: object, where: str) -> str | None:
        return None if value is None else self.text(value, where)

    def number(self, value: object, where: str) -> Number | None:
        if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return value
        raise self.fail(where, "a number")

    def flag(self, value: object, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, "true or false")
        return value

    def scalars(self, value: object, where: str) -> tuple[object, ...]:
        members = self.sequence(value, where)
        if not all(member is None or isinstance(member, (str, int, float)) for member in members):
            raise self.fail(where, "a list of field values")
        return tuple(members)

    def texts(self, value: object, where: str) -> tuple[str, ...]:
        return tuple(self.text(member, where) for member in self.sequence(value, where))

    def numbers(self, value: object, where: str) -> tuple[int, ...]:
        members = self.sequence(value, where)
        if not all(isinstance(number, int) and not isinstance(number, bool) for number in members):
            raise self.fail(where, "a list of reference numbers")
        return tuple(number for number in members if isinstance(number, int))

    def wording(self, value: object, where: str) -> tuple[str, str]:
        data = self.record(value, shape.WordingData.__required_keys__, where)
        return (
            self.text(data.get("clinician"), f"{where} clinician"),
            self.text(data.get("patient"), f"{where} patient"),
        )


def _input(reader: _Reader, raw: object, implied: dict[str, object]) -> InputSpec:
    data = reader.record(raw, shape.InputData.__required_keys__, "an INPUTS entry")
    name = reader.text(data.get("name"), "an INPUTS name")
    where = f"INPUTS[{name}]"
    declared = reader.sequence(data.get("implied_by"), f"{where} implied_by")
    tests = reader.sequence(implied.get(name, []), f"IMPLIED_BY[{name}]")
    if len(tests) != len(declared) or not all(callable(test) for test in tests):
        raise reader.fail(f"IMPLIED_BY[{name}]", f"a test for each implied_by entry of {where}")
    implications = []
    for entry, test in zip(declared, tests, strict=True):
        entry_data = reader.record(
            entry, shape.ImplicationData.__required_keys__, f"{where} implied_by"
        )
        when = reader.mapping(entry_data.get("when"), f"{where} implied_by when")
        implications.append(
            ImplicationSpec(
                value=reader.flag(entry_data.get("value"), f"{where} implied_by value"),
                when={
                    reader.text(field_name, f"{where} implied_by when"): reader.text(
                        cell, f"{where} implied_by when {field_name}"
                    )
                    for field_name, cell in when.items()
                },
                test=test,  # type: ignore[arg-type]  # callable, checked above
            )
        )
    label = reader.wording(data.get("label"), f"{where} label")
    ask = data.get("ask")
    return InputSpec(
        name=name,
        type=reader.text(data.get("type"), f"{where} type"),
        values=reader.texts(data.get("values"), f"{where} values"),
        minimum=reader.number(data.get("min"), f"{where} min"),
        maximum=reader.number(data.get("max"), f"{where} max"),
        exclusive_min=reader.flag(data.get("exclusive_min"), f"{where} exclusive_min"),
        exclusive_max=reader.flag(data.get("exclusive_max"), f"{where} exclusive_max"),
        unit=reader.optional_text(data.get("unit"), f"{where} unit"),
        required=reader.flag(data.get("required"), f"{where} required"),
        nullable=reader.flag(data.get("nullable"), f"{where} nullable"),
        default=data.get("default"),
        label=label[0],
        patient_label=label[1],
        finding=reader.flag(data.get("finding"), f"{where} finding"),
        ask=None if ask is None else reader.wording(ask, f"{where} ask"),
        implied_by=tuple(implications),
    )


def _item(reader: _Reader, item_id: str, raw: object) -> ItemSpec:
    data = reader.record(raw, shape.ItemData.__required_keys__, f"ITEMS[{item_id}]")
    where = f"ITEMS[{item_id}]"
    dose = None
    if data.get("dose") is not None:
        dose_data = reader.record(data["dose"], shape.DoseData.__required_keys__, f"{where} dose")
        agent, amount_per_kg, unit, weight_input, schedule = (
            reader.text(dose_data.get(key), f"{where} dose {key}")
            for key in ("agent", "amount_per_kg", "unit", "weight_input", "schedule")
        )
        dose = DoseSpec(
            agent,
            amount_per_kg,
            unit,
            weight_input,
            schedule,
            round_to=reader.optional_text(dose_data.get("round_to"), f"{where} dose round_to"),
        )
    pointer = data.get("newer_guidance")
    newer_guidance = None
    if pointer is not None:
        pointer_data = reader.record(
            pointer, shape.PointerData.__required_keys__, f"{where} newer_guidance"
        )
        newer_guidance = PointerSpec(
            text=reader.text(pointer_data.get("text"), f"{where} newer_guidance text"),
            patient_text=reader.text(
                pointer_data.get("patient_text"), f"{where} newer_guidance patient_text"
            ),
            citations=reader.numbers(
                pointer_data.get("citations"), f"{where} newer_guidance citations"
            ),
        )
    return ItemSpec(
        id=item_id,
        kind=reader.text(data.get("kind"), f"{where} kind"),
        rank=reader.optional_text(data.get("rank"), f"{where} rank"),
        text=reader.text(data.get("text"), f"{where} text"),
        patient_text=reader.text(data.get("patient_text"), f"{where} patient_text"),
        citations=reader.numbers(data.get("citations"), f"{where} citations"),
        section=reader.text(data.get("section"), f"{where} section"),
        anchor=reader.text(data.get("anchor"), f"{where} anchor"),
        href=reader.text(data.get("href"), f"{where} href"),
        dose=dose,
        agents=reader.texts(data.get("agents"), f"{where} agents"),
        origin=reader.text(data.get("origin"), f"{where} origin"),
        newer_guidance=newer_guidance,
        general=reader.flag(data.get("general"), f"{where} general"),
        policies=reader.texts(data.get("policies"), f"{where} policies"),
        safety=reader.flag(data.get("safety"), f"{where} safety"),
    )


def _policy(reader: _Reader, raw: object) -> PolicySpec:
    data = reader.record(raw, shape.PolicyData.__required_keys__, "a POLICIES entry")
    policy_id = reader.text(data.get("id"), "a POLICIES id")
    where = f"POLICIES[{policy_id}]"
    value = reader.number(data.get("value"), f"{where} value")
    if value is None:
        raise reader.fail(f"{where} value", "a number")
    text = reader.wording(data.get("text"), f"{where} text")
    return PolicySpec(
        id=policy_id,
        value=value,
        unit=reader.text(data.get("unit"), f"{where} unit"),
        text=text[0],
        patient_text=text[1],
        why=reader.text(data.get("why"), f"{where} why"),
        citations=reader.numbers(data.get("citations"), f"{where} citations"),
    )


def _notice(reader: _Reader, raw: object) -> NoticeSpec:
    data = reader.record(raw, shape.NoticeData.__required_keys__, "a NOTICES entry")
    notice_id = reader.text(data.get("id"), "a NOTICES id")
    where = f"NOTICES[{notice_id}]"
    return NoticeSpec(
        id=notice_id,
        text=reader.text(data.get("text"), f"{where} text"),
        patient_text=reader.text(data.get("patient_text"), f"{where} patient_text"),
        citations=reader.numbers(data.get("citations"), f"{where} citations"),
    )


def _outcome(reader: _Reader, raw: object, where: str) -> OutcomeSpec:
    data = reader.record(raw, shape.OutcomeData.__required_keys__, where)
    error = None
    if data.get("error") is not None:
        error_data = reader.record(
            data["error"], shape.CaseErrorData.__required_keys__, f"{where} error"
        )
        error = CaseErrorSpec(
            reader.text(error_data.get("field"), f"{where} error field"),
            reader.text(error_data.get("message"), f"{where} error message"),
        )
    return OutcomeSpec(
        value=reader.optional_text(data.get("value"), f"{where} value"),
        items=reader.texts(data.get("items"), f"{where} items"),
        status=reader.optional_text(data.get("status"), f"{where} status"),
        error=error,
    )


def _table(
    reader: _Reader, raw: object, functions: dict[str, object], applies: dict[str, object]
) -> TableSpec:
    data = reader.record(raw, shape.TableData.__required_keys__, "a TABLES entry")
    table_id = reader.text(data.get("id"), "a TABLES id")
    where = f"TABLES[{table_id}]"
    precondition = applies.get(table_id)
    if precondition is not None and not callable(precondition):
        raise reader.fail(f"the applies_when function of {where}", "callable")
    tests: list[tuple[str, RuleTest]] = []
    for entry in reader.sequence(functions.get(table_id, []), f"TABLE_RULES[{table_id}]"):
        if (
            not isinstance(entry, tuple)
            or len(entry) != 2
            or not isinstance(entry[0], str)
            or not callable(entry[1])
        ):
            raise reader.fail(f"an entry of TABLE_RULES[{table_id}]", "a (rule id, test) pair")
        tests.append((entry[0], entry[1]))
    output = data.get("output")
    rules: dict[str, OutcomeSpec] = {}
    conditions: dict[str, dict[str, str]] = {}
    policies = {"default": reader.texts(data.get("policies"), f"{where} policies")}
    for rule in reader.sequence(data.get("rules"), f"{where} rules"):
        rule_data = reader.record(rule, shape.RuleData.__required_keys__, f"{where} rule")
        rule_id = reader.text(rule_data.get("id"), f"{where} rule id")
        rules[rule_id] = _outcome(reader, rule_data.get("then"), f"{where} rule {rule_id}")
        policies[rule_id] = reader.texts(
            rule_data.get("policies"), f"{where} rule {rule_id} policies"
        )
        when = reader.mapping(rule_data.get("when"), f"{where} rule {rule_id} when")
        conditions[rule_id] = {
            reader.text(name, f"{where} rule {rule_id} when"): reader.text(
                test, f"{where} rule {rule_id} when {name}"
            )
            for name, test in when.items()
        }
    if [rule_id for rule_id, _ in tests] != list(rules):
        raise reader.fail(f"TABLE_RULES[{table_id}]", f"the rules of {where} in rule order")
    line = data.get("line")
    return TableSpec(
        id=table_id,
        title=reader.text(data.get("title"), f"{where} title"),
        file=reader.text(data.get("file"), f"{where} file"),
        line=line if isinstance(line, int) else 0,
        hit_policy=reader.text(data.get("hit_policy"), f"{where} hit_policy"),
        inputs=reader.texts(data.get("inputs"), f"{where} inputs"),
        output_name=None
        if output is None
        else reader.text(
            reader.mapping(output, f"{where} output").get("name"), f"{where} output name"
        ),
        rules=rules,
        default=None
        if data.get("default") is None
        else _outcome(reader, data["default"], f"{where} default"),
        tests=tuple(tests),  # callables, checked above; their signature is the compiler's contract
        applies=precondition,
        conditions=conditions,
        policies=policies,
        applies_when=tuple(
            reader.text(name, f"{where} applies_when")
            for name in reader.mapping(data.get("applies_when"), f"{where} applies_when")
        ),
    )
