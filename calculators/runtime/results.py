"""What the runtime answers: the result of a case and every answer of the browser's worker.

The shapes of :func:`calculators.recommend` (and the CLI's JSON, which is that result), of
:func:`calculators.relevance`, :func:`calculators.questions` and :func:`calculators.changes`,
and of the JSON text the worker receives from :mod:`calculators.runtime.browser_entry`. The
engine builds them as these TypedDicts, so ``mypy --strict`` checks every key it emits and the
value each holds; ``NotRequired`` marks the keys only some records carry (a recommendation's
``rank``, a dosing item's ``dose``, the work-up item of an unknown finding's ``field``...).
``tests/runtime/test_result_types.py`` holds the JSDoc types of the page
(``build_tools/web/calculator_ui/types.js``) to them, key by key. Format in words: AUTHORING.md,
"Result of a recommendation", "Field relevance" and "The next question".

No ``from __future__ import annotations`` here: Python 3.11 tells ``NotRequired`` keys apart
(``__optional_keys__``) only from annotations it evaluates.
"""

from typing import Literal, NotRequired, TypedDict

# What a case field holds: its name -> its value (the fields a guideline declares).
CaseValues = dict[str, object]
Cube = dict[str, bool]  # an unknown finding -> the answer assumed
Status = Literal["ok", "needs_more_information", "out_of_scope", "invalid"]
# What the answer to an unknown finding is needed for (see the work-up item of engine.py).
NeededFor = Literal["treatment", "advice", "prognosis"]
# The result's item lists, in the order they appear in it (engine.ITEM_LISTS: by item kind).
ItemList = Literal[
    "prognosis_reasons",
    "recommendations",
    "warnings",
    "monitoring",
    "supportive_care",
    "workup",
    "dosing",
]


class CaseError(TypedDict):
    """What is wrong with a case: the field (None: the case as a whole) and the message."""

    field: str | None
    message: str


class Texts(TypedDict):
    """A text in both wordings of the site's clinician / patient switch."""

    text: str
    patient_text: str


class ItemBrief(TypedDict):
    """An item named by its id and both wordings (a first choice, a caution an answer adds)."""

    id: str
    text: str
    patient_text: str


# --- the result (calculators.recommend) -------------------------------------------------------


class NewerGuidance(TypedDict):
    """What newer guidance changes about an item: shown beside it, never as its own advice."""

    text: str
    patient_text: str
    citations: list[int]


class Policy(TypedDict):
    """A site policy that decided an item, with what it decides in both wordings."""

    id: str
    text: str
    patient_text: str
    citations: list[int]


class Dose(TypedDict):
    """A dose worked out for the case (dosing.py): ``total`` is the dose shown (rounded to
    ``round_to`` where the guideline declares a step), ``exact`` the exact product; both None,
    like ``weight_kg``, without a weight."""

    agent: str
    amount_per_kg: str
    unit: str
    weight_kg: str | None
    total: str | None
    exact: str | None
    round_to: str | None
    schedule: str


class ResultItem(TypedDict):
    """An item of the result's lists (or of a conditional group). ``rank``: recommendations
    only; ``dose``: dosing items with a dose; ``field``, ``only_if`` and ``needed_for``: the
    work-up item that names an unknown finding (whose ``section``, ``anchor``, ``href``,
    ``rule`` and ``table`` are None)."""

    id: str
    kind: str
    rank: NotRequired[str | None]
    text: str
    patient_text: str
    citations: list[int]
    section: str | None
    anchor: str | None
    href: str | None
    rule: str | None
    table: str | None
    field: NotRequired[str]
    only_if: NotRequired[dict[str, bool]]
    needed_for: NotRequired[NeededFor]
    agents: list[str]
    origin: str
    newer_guidance: NewerGuidance | None
    general: bool
    policies: list[Policy]
    dose: NotRequired[Dose]


class ConditionalGroup(TypedDict):
    """Items that hold only under some answers to unknown findings (``when``: alternatives)."""

    when: list[Cube]
    items: list[ResultItem]


class Notice(TypedDict):
    """A notice every result carries (the source's currency, the review status...)."""

    id: str
    text: str
    patient_text: str
    citations: list[int]


class TraceOutput(TypedDict):
    """A table's output as the case states it (None: it depends on the answers)."""

    name: str
    value: str | None


class TraceBranch(TypedDict):
    """A rule a table selects, or its being skipped, under some answers only."""

    when: list[Cube]
    rule: NotRequired[str]
    skipped: NotRequired[bool]


class Implied(TypedDict):
    """The fields that settle an unstated finding."""

    by: list[str]


class TraceDose(TypedDict):
    """A dose a table gave: the exact product beside the dose shown."""

    item: str
    exact: str | None
    shown: str | None


class TraceStep(TypedDict):
    """One table of the trace, in evaluation order: the values it was evaluated with and the
    rules it selected whatever the answers. ``output``: a table with an output; ``branches``:
    what it selects (or its being skipped) under some answers only; ``implied``: the unstated
    findings among its inputs that the case settles; ``doses``: the doses it gave."""

    table: str
    file: str
    line: int
    hit_policy: str
    inputs: CaseValues
    skipped: bool
    rules: list[str]
    used_default: bool
    output: NotRequired[TraceOutput]
    branches: NotRequired[list[TraceBranch]]
    implied: NotRequired[dict[str, Implied]]
    doses: NotRequired[list[TraceDose]]


class GuidelineVersion(TypedDict):
    """The guideline version that gave a result."""

    id: str
    version: str
    last_updated: str


class Result(TypedDict):
    """The result of a case (an invalid one: its errors, no prognosis, empty lists)."""

    status: Status
    errors: list[CaseError]
    prognosis: str | None
    prognosis_reasons: list[ResultItem]
    recommendations: list[ResultItem]
    warnings: list[ResultItem]
    monitoring: list[ResultItem]
    supportive_care: list[ResultItem]
    workup: list[ResultItem]
    dosing: list[ResultItem]
    conditional: list[ConditionalGroup]
    notices: list[Notice]
    trace: list[TraceStep]
    guideline: GuidelineVersion


# --- field relevance (calculators.relevance) and the next questions (calculators.questions) ---


class Jointly(TypedDict):
    """A field that decides something with another, and its values under which the other would
    change the result."""

    field: str
    values: list[object]


class FieldRelevance(TypedDict):
    """Whether a field could change the result; ``reason`` for a field that is not needed."""

    field: str
    needed: bool
    jointly: list[Jointly]
    reason: Texts | None


class Relevance(TypedDict):
    """The result's status and the relevance of each declared field, in the form's order."""

    status: Status
    fields: list[FieldRelevance]


class QuestionAnswer(TypedDict):
    """One answer to a question, and what it leads to."""

    value: bool
    status: Status
    first_choice: list[ItemBrief]
    depends_on: list[str]
    adds: list[ItemBrief]
    text: str
    patient_text: str


class Question(TypedDict):
    """An unstated finding the result asks for, with what each answer leads to."""

    field: str
    needed_for: NeededFor
    scope: bool
    changes: int
    answers: list[QuestionAnswer]


# --- how a case's result changed between versions (calculators.changes) -------------------------


class ResultChange(TypedDict):
    """One fact of the result that differs (compare.py): the facet, its values, in words."""

    facet: list[str]
    before: object
    after: object
    text: str
    patient_text: str


class FirstChoices(TypedDict):
    """The recommendations each version ranks first."""

    before: list[ItemBrief]
    after: list[ItemBrief]


# "from" is a keyword: the functional syntax.
CaseChanges = TypedDict(
    "CaseChanges",
    {
        "from": str,
        "to": str,
        "changes": list[ResultChange],
        "every_case": list[ResultChange],
        # Only in the worker's answer, and only when ``changes`` is not empty.
        "first_choice": NotRequired[FirstChoices],
    },
)


# --- what the worker receives (browser_entry.py): each answer's JSON text, parsed -------------


class RecommendJson(TypedDict):
    """The answer to a ``recommend`` request."""

    case: CaseValues
    result: Result


class RelevanceJson(TypedDict):
    """The answer to a ``relevance`` request."""

    case: CaseValues
    relevance: Relevance
    questions: list[Question]


class ChangesJson(TypedDict):
    """The answer to a ``changes`` request (None: no previous version to compare with)."""

    case: CaseValues
    changes: CaseChanges | None
