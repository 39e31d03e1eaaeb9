"""The typed decision model: case inputs, items and decision tables, after loading and checking.

Everything here is immutable and already resolved (citation keys to numbers, anchors to links,
tables in evaluation order), so verification and code generation never look at raw YAML again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as TypingLiteral
from typing import get_args

from build_tools.tables.unary import Number, UnaryTest

InputType = TypingLiteral["enum", "boolean", "integer", "number"]
HitPolicyName = TypingLiteral["unique", "first", "collect"]
ItemKind = TypingLiteral[
    "recommendation",
    "warning",
    "monitoring",
    "supportive_care",
    "workup",
    "dosing",
    "prognosis_reason",
]
Rank = TypingLiteral["preferred", "alternative"]
RuleStatus = TypingLiteral["needs_more_information", "out_of_scope"]
Origin = TypingLiteral["source", "newer_guidance"]

# The words an editor may write, in the order findings list them: those of the Literal types
# (FieldReader.choice returns the word read as its Literal type).
INPUT_TYPES: tuple[InputType, ...] = get_args(InputType)
HIT_POLICIES: tuple[HitPolicyName, ...] = get_args(HitPolicyName)
ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)
RANKS: tuple[Rank, ...] = get_args(Rank)
RULE_STATUSES: tuple[RuleStatus, ...] = get_args(RuleStatus)
ORIGINS: tuple[Origin, ...] = get_args(Origin)


@dataclass(frozen=True)
class Wording:
    """The same text for the two audiences of the site."""

    clinician: str
    patient: str


@dataclass(frozen=True)
class Implication:
    """``implied_by:`` of a finding: when every cell holds (on other, stated case fields), an
    unstated finding is taken to have ``value`` (an LVEF below the lower limit of normal is
    cardiac dysfunction) instead of being asked for."""

    conditions: tuple[Condition, ...]
    value: bool
    line: int


@dataclass(frozen=True)
class CaseInput:
    """One declared case field (``case_inputs:`` in the guideline's index.md)."""

    name: str
    type: InputType
    values: tuple[str, ...]  # enum only
    minimum: Number | None
    maximum: Number | None
    exclusive_min: bool
    exclusive_max: bool
    unit: str | None
    required: bool
    nullable: bool
    default: str | bool | Number | None
    group: str
    label: Wording
    help: Wording | None
    line: int
    # A clinical finding: a boolean that is unknown (null) unless the case states it, never read
    # as "no"; the runtime evaluates the tables under each answer. ``ask`` words the work-up
    # item shown when an unknown finding decides something.
    finding: bool = False
    ask: Wording | None = None
    implied_by: tuple[Implication, ...] = ()  # findings only

    def in_range(self, value: Number) -> bool:
        low, high = self.minimum, self.maximum
        below = low is not None and (value < low or (self.exclusive_min and value == low))
        above = high is not None and (value > high or (self.exclusive_max and value == high))
        return not (below or above)


@dataclass(frozen=True)
class Dose:
    """A weight-based dose; the runtime computes ``amount_per_kg`` x weight with exact decimals."""

    agent: str
    amount_per_kg: str  # a decimal literal kept as text so no float ever touches it
    unit: str
    weight_input: str
    schedule: str
    # The step the shown dose is rounded to, as decimal text (from the site policy that
    # ``rounding_policy`` names), or None to show the exact product.
    round_to: str | None = None
    rounding_policy: str | None = None


@dataclass(frozen=True)
class Condition:
    """One cell: a unary test on one named input, with the source text for messages and code
    (a policy a cell names is written as its value there; ``policies`` keeps which)."""

    input: str
    test: UnaryTest
    text: str
    line: int
    policies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    """A value this site chose where its source gives none (``policies:`` in index.md): table
    cells and texts name it, and every result it decides says so."""

    id: str
    value: Number
    unit: str
    text: str  # what it decides, its placeholders filled in
    patient_text: str
    why: str
    citations: tuple[int, ...]
    file: str
    line: int


@dataclass(frozen=True)
class Pointer:
    """What newer guidance changes about an item, shown beside it (never as its own advice)."""

    text: str
    patient_text: str
    citations: tuple[int, ...]
    line: int


@dataclass(frozen=True)
class Notice:
    """A notice every result carries: the source's currency, the review status, ..."""

    id: str
    text: str
    patient_text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Item:
    """One piece of advice a rule can emit, linked to the paragraph it comes from."""

    id: str
    kind: ItemKind
    rank: Rank | None
    text: str
    patient_text: str
    citations: tuple[int, ...]
    section: str
    anchor: str
    href: str
    dose: Dose | None
    file: str
    line: int
    agents: tuple[str, ...] = ()  # the agents it involves (declared in the guideline's agents:)
    asserts: tuple[Condition, ...] = ()  # what its text states about the case
    origin: Origin = "source"
    newer_guidance: Pointer | None = None
    policies: tuple[str, ...] = ()  # the site policies its texts state


@dataclass(frozen=True)
class CaseError:
    """``then: error:`` of a rule: a contradiction in the case, reported against one field."""

    field: str
    message: str


@dataclass(frozen=True)
class Outcome:
    """What a rule (or a table's default) produces when it is selected."""

    has_value: bool
    value: str | None
    items: tuple[str, ...]
    item_lines: tuple[int, ...]
    status: RuleStatus | None
    error: CaseError | None
    line: int


@dataclass(frozen=True)
class Rule:
    id: str
    line: int
    conditions: tuple[Condition, ...]  # '-' cells are left out
    outcome: Outcome


@dataclass(frozen=True)
class Output:
    """A value table's result, consumable by other tables under ``name``."""

    name: str
    values: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class DecisionTable:
    id: str
    title: str
    description: str
    hit_policy: HitPolicyName
    inputs: tuple[str, ...]
    input_lines: tuple[int, ...]
    output: Output | None
    applies_when: tuple[Condition, ...]
    default: Outcome | None
    rules: tuple[Rule, ...]
    section: str
    file: str
    line: int

    @property
    def domain_inputs(self) -> tuple[str, ...]:
        """The table's own inputs, then the applies_when inputs it does not already have."""
        extra = [
            condition.input for condition in self.applies_when if condition.input not in self.inputs
        ]
        return (*self.inputs, *dict.fromkeys(extra))

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class DerivedValue:
    """The value domain of a table output as its consumers see it."""

    name: str
    values: tuple[str, ...]
    nullable: bool
    table: str


@dataclass(frozen=True)
class DecisionModel:
    """A guideline's whole decision model, ready for verification and code generation."""

    guideline_id: str
    version: str
    last_updated: str
    source_files: tuple[str, ...]
    inputs: tuple[CaseInput, ...]
    items: tuple[Item, ...]  # in document order
    tables: tuple[DecisionTable, ...]  # in evaluation (topological) order
    derived: tuple[DerivedValue, ...]
    notices: tuple[Notice, ...] = ()
    agents: tuple[Agent, ...] = ()
    safety: tuple[SafetyConstraint, ...] = ()
    policies: tuple[Policy, ...] = ()

    def input_named(self, name: str) -> CaseInput | None:
        return next((declared for declared in self.inputs if declared.name == name), None)

    def derived_named(self, name: str) -> DerivedValue | None:
        return next((derived for derived in self.derived if derived.name == name), None)

    def item_named(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def producer_of(self, name: str) -> DecisionTable | None:
        """The table whose output is ``name`` (None for a case field)."""
        return next(
            (t for t in self.tables if t.output is not None and t.output.name == name), None
        )


@dataclass(frozen=True)
class Agent:
    """A treatment an item can involve, and the classes it belongs to (``agents:`` in index.md)."""

    id: str
    label: str
    classes: tuple[str, ...]
    line: int


ObligationKind = TypingLiteral[
    "not_recommended", "not_first", "present", "absent", "status", "no_recommendations", "cited"
]
OBLIGATION_KINDS: tuple[ObligationKind, ...] = get_args(ObligationKind)


@dataclass(frozen=True)
class Obligation:
    """What must hold of the result of every case a safety constraint's condition matches.

    * ``not_recommended``: no recommendation involving ``agents`` (agent ids or classes), unless
      the same item also involves one of ``unless_with``;
    * ``not_first``: no recommendation involving ``agents`` is ranked first (rank preferred),
      unless every item of ``unless_present`` is in the result too;
    * ``present``: every item of ``items`` is in the result;
    * ``absent``: no item of ``items`` is in the result (under any answer to an unstated
      finding: an item that some answer gives is listed apart, never as the advice);
    * ``status``: the status is at least ``status`` (needs_more_information < out_of_scope);
    * ``no_recommendations``: the result recommends nothing;
    * ``cited``: every recommendation and dosing item in the result cites a reference.
    """

    kind: ObligationKind
    line: int
    agents: tuple[str, ...] = ()
    unless_with: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # present, absent; not_first: unless_present
    status: RuleStatus | None = None


@dataclass(frozen=True)
class SafetyConstraint:
    """A declared safety property, proven by the build over the whole case space."""

    id: str
    title: str
    citations: tuple[int, ...]
    when: tuple[Condition, ...]
    obligations: tuple[Obligation, ...]
    file: str
    line: int

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"
