"""The data a compiled guideline module holds: the contract between its generator and the runtime.

:class:`ModuleData` lists the module's constants and their types, the other TypedDicts its
records. ``build_tools.tables.codegen`` builds these records from a verified decision model and
writes them out as literals; the generated module annotates its constants with these types, so
``mypy --strict`` checks every literal it holds against them; :mod:`calculators.runtime.records`
reads a module by walking its constants against these very annotations (each record's keys are
its TypedDict's required and optional keys, each value has its annotated type). The generator,
the module and the runtime therefore cannot drift apart unnoticed, and a record's shape is
written once, here. The page data of the browser's calculator carries the same
:class:`InputData` records (one source of the case fields).

Plain dicts, not classes: the module is data a person can read, and JSON as it stands. The
annotations use only what the runtime's reader knows: str, bool, int, float, None, unions of
them, ``list[...]``, ``dict[str, ...]``, ``tuple[...]`` of a fixed length, callables and these
TypedDicts (stdlib ``typing`` only: the runtime runs in Pyodide too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypedDict

Number = int | float
Scalar = str | bool | int | float | None
# A rule's test, or a table's applies_when precondition: the case's values in, true or false out.
RuleTest = Callable[[Mapping[str, object]], bool]


class WordingData(TypedDict):
    """One text in both wordings of the site's clinician / patient switch."""

    clinician: str
    patient: str


class GuidelineData(TypedDict):
    id: str
    version: str
    last_updated: str  # ISO date


class ImplicationData(TypedDict):
    """``implied_by`` of a finding: when its cells hold, an unstated finding has ``value``
    (the test itself is the function ``IMPLIED_BY[field][index]`` of the module)."""

    when: dict[str, str]  # other case field -> its unary test, as written
    value: bool


class InputData(TypedDict):
    """A case field as ``case_inputs:`` declares it (see AUTHORING.md, "Case inputs")."""

    name: str
    type: str  # enum | boolean | integer | number
    values: list[str]  # the allowed values of an enum, else empty
    min: Number | None
    max: Number | None
    exclusive_min: bool
    exclusive_max: bool
    unit: str | None
    required: bool
    nullable: bool
    default: Scalar
    group: str
    label: WordingData
    help: WordingData | None
    # A clinical finding: unknown unless the case states it, never read as "no".
    finding: bool
    ask: WordingData | None  # the work-up wording for when an unknown finding decides something
    implied_by: list[ImplicationData]  # findings only: what settles it when unstated


class DoseData(TypedDict):
    agent: str
    amount_per_kg: str  # a decimal literal kept as text so no float ever touches it
    unit: str
    weight_input: str  # the case field that holds the weight
    schedule: str
    # The step the shown dose is rounded to (a site policy's value, decimal text), or None: the
    # exact product is shown. The exact product is always in the result's dose data and trace.
    round_to: str | None


class PolicyData(TypedDict):
    """A value this site chose where its source gives none (``policies:`` in index.md)."""

    id: str
    value: Number
    unit: str
    text: WordingData  # what it decides
    why: str
    citations: list[int]


class PointerData(TypedDict):
    """What newer guidance changes about an item: shown beside it, never as its own advice."""

    text: str
    patient_text: str
    citations: list[int]


class ItemData(TypedDict):
    kind: str
    rank: str | None
    text: str
    patient_text: str
    citations: list[int]  # reference numbers
    section: str
    anchor: str
    href: str  # the paragraph the item comes from, relative to the site root
    dose: DoseData | None
    agents: list[str]
    origin: str  # source | newer_guidance
    newer_guidance: PointerData | None
    # The item holds for every case the guideline routes the same way at its root (see
    # build_tools/tables/general.py): the page gathers such items as "General points".
    general: bool
    policies: list[str]  # the site policies its texts state (ids of POLICIES)
    # A safety constraint requires it (``present`` or ``unless_present``): a finding whose
    # answer decides it is waited for, like one that decides a recommendation or a dose.
    safety: bool


class NoticeData(TypedDict):
    """A notice every result carries (the source's currency, the review status, ...)."""

    id: str
    text: str
    patient_text: str
    citations: list[int]


class CaseErrorData(TypedDict):
    field: str
    message: str


class OutcomeData(TypedDict):
    value: str | None  # a value table's output
    items: list[str]  # item ids
    status: str | None
    error: CaseErrorData | None


class RuleData(TypedDict):
    id: str
    line: int
    when: dict[str, str]  # input -> its unary test, as written (a policy as its value)
    then: OutcomeData
    policies: list[str]  # the site policies its cells (or its table's applies_when) name


# PROBE_VALUES: each case field -> the values that stand for all of its values where the tables
# are concerned (the safety proof's domain: enum values, booleans, numbers at and between every
# threshold any table tests, null where the field allows it, findings included). Field relevance
# (calculators/runtime/relevance.py) tries them.
ProbeValues = dict[str, list[Scalar]]


class OutputData(TypedDict):
    name: str
    values: list[str]


class TableData(TypedDict):
    id: str
    title: str
    file: str
    line: int
    hit_policy: str
    inputs: list[str]
    applies_when: dict[str, str]
    output: OutputData | None
    rules: list[RuleData]
    default: OutcomeData | None
    policies: list[str]  # the site policies its applies_when names (what its default rests on)


class ModuleData(TypedDict):
    """The constants of a compiled guideline module, in the order the runtime reads them (the
    module holds its helper functions and imports besides, which the runtime does not read)."""

    GUIDELINE: GuidelineData
    # The rules of each table in rule order, each with its test; a table without rules may be
    # left out.
    TABLE_RULES: dict[str, list[tuple[str, RuleTest]]]
    APPLIES_WHEN: dict[str, RuleTest]  # the applies_when test of the tables that have one
    TABLES: list[TableData]
    TABLE_ORDER: list[str]  # evaluation order: the ids of TABLES
    ITEMS: dict[str, ItemData]
    NOTICES: list[NoticeData]
    POLICIES: list[PolicyData]
    # The tests of each finding's implied_by entries, in order (a field without any may be
    # left out).
    IMPLIED_BY: dict[str, list[RuleTest]]
    INPUTS: list[InputData]
    PROBE_VALUES: ProbeValues  # exactly the fields of INPUTS
