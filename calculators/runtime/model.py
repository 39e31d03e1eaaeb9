"""Typed views of a compiled guideline module.

A compiled module is plain data plus functions (see build_tools.tables.codegen). It is read once
into these frozen records, checking its shape, so the engine works with typed values only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType

from calculators.runtime.errors import CompiledModuleError

RuleFunction = Callable[[Mapping[str, object]], list[str]]
AppliesFunction = Callable[[Mapping[str, object]], bool]
Number = int | float


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


@dataclass(frozen=True)
class DoseSpec:
    agent: str
    amount_per_kg: str
    unit: str
    weight_input: str
    schedule: str


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
    match: RuleFunction
    applies: AppliesFunction | None


@dataclass(frozen=True)
class GuidelineSpec:
    id: str
    version: str
    last_updated: str
    inputs: tuple[InputSpec, ...]
    items: dict[str, ItemSpec]
    tables: tuple[TableSpec, ...]  # in evaluation order


def read_compiled_module(module: ModuleType) -> GuidelineSpec:
    """Read a compiled guideline module, or raise CompiledModuleError naming what is wrong."""
    reader = _Reader(module.__name__)
    guideline = reader.mapping(getattr(module, "GUIDELINE", None), "GUIDELINE")
    functions = reader.mapping(getattr(module, "TABLE_FUNCTIONS", None), "TABLE_FUNCTIONS")
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
    return GuidelineSpec(
        id=reader.text(guideline.get("id"), "GUIDELINE id"),
        version=reader.text(guideline.get("version"), "GUIDELINE version"),
        last_updated=reader.text(guideline.get("last_updated"), "GUIDELINE last_updated"),
        inputs=tuple(
            _input(reader, raw)
            for raw in reader.sequence(getattr(module, "INPUTS", None), "INPUTS")
        ),
        items={
            reader.text(item_id, "ITEMS key"): _item(reader, item_id, raw)
            for item_id, raw in items.items()
        },
        tables=tuple(tables[name] for name in order),
    )


class _Reader:
    """Shape checks on the module's plain data; every failure names the module and the place."""

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name

    def fail(self, where: str, expected: str) -> CompiledModuleError:
        return CompiledModuleError(
            f"{self.module_name}: {where} is not {expected}; "
            "rebuild it with `python -m build_tools.tables`"
        )

    def mapping(self, value: object, where: str) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.fail(where, "a dict")
        return value

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

    def texts(self, value: object, where: str) -> tuple[str, ...]:
        return tuple(self.text(member, where) for member in self.sequence(value, where))


def _input(reader: _Reader, raw: object) -> InputSpec:
    data = reader.mapping(raw, "an INPUTS entry")
    name = reader.text(data.get("name"), "an INPUTS name")
    where = f"INPUTS[{name}]"
    label = reader.mapping(data.get("label"), f"{where} label")
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
        label=reader.text(label.get("clinician"), f"{where} label"),
    )


def _item(reader: _Reader, item_id: str, raw: object) -> ItemSpec:
    data = reader.mapping(raw, f"ITEMS[{item_id}]")
    where = f"ITEMS[{item_id}]"
    dose = None
    if data.get("dose") is not None:
        dose_data = reader.mapping(data["dose"], f"{where} dose")
        dose = DoseSpec(
            *(
                reader.text(dose_data.get(key), f"{where} dose {key}")
                for key in ("agent", "amount_per_kg", "unit", "weight_input", "schedule")
            )
        )
    citations = tuple(
        number
        for number in reader.sequence(data.get("citations"), f"{where} citations")
        if isinstance(number, int)
    )
    return ItemSpec(
        id=item_id,
        kind=reader.text(data.get("kind"), f"{where} kind"),
        rank=reader.optional_text(data.get("rank"), f"{where} rank"),
        text=reader.text(data.get("text"), f"{where} text"),
        patient_text=reader.text(data.get("patient_text"), f"{where} patient_text"),
        citations=citations,
        section=reader.text(data.get("section"), f"{where} section"),
        anchor=reader.text(data.get("anchor"), f"{where} anchor"),
        href=reader.text(data.get("href"), f"{where} href"),
        dose=dose,
    )


def _outcome(reader: _Reader, raw: object, where: str) -> OutcomeSpec:
    data = reader.mapping(raw, where)
    error = None
    if data.get("error") is not None:
        error_data = reader.mapping(data["error"], f"{where} error")
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
    data = reader.mapping(raw, "a TABLES entry")
    table_id = reader.text(data.get("id"), "a TABLES id")
    where = f"TABLES[{table_id}]"
    match = functions.get(table_id)
    precondition = applies.get(table_id)
    if not callable(match) or (precondition is not None and not callable(precondition)):
        raise reader.fail(f"the function of {where}", "callable")
    output = data.get("output")
    rules: dict[str, OutcomeSpec] = {}
    for rule in reader.sequence(data.get("rules"), f"{where} rules"):
        rule_data = reader.mapping(rule, f"{where} rule")
        rule_id = reader.text(rule_data.get("id"), f"{where} rule id")
        rules[rule_id] = _outcome(reader, rule_data.get("then"), f"{where} rule {rule_id}")
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
        match=match,  # callable, checked above; its signature is the compiler's contract
        applies=precondition,
    )
