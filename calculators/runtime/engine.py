"""Evaluate a compiled guideline on a case and assemble the result.

Tables run in the compiled evaluation order. A table whose applies_when is false is skipped (its
output, if any, is null). The selected rules' outcomes give the output value, the items, the
status and the case errors; the result lists every item once, with the rule and table that
produced it, plus a trace of the evaluation.

Findings the case does not state are unknown (see branching.py): the tables are evaluated under
each answer, and the result states only what holds whatever the answers are. An item that holds
under some answers only is listed under ``conditional`` with the answers it needs, never among
the advice; the unknown findings that change anything get a work-up item that names them, and
the status is then at least ``needs_more_information``. An answer under which a rule reports a
contradiction is impossible and left out; a case whose every answer is contradictory is invalid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NotRequired, TypedDict

from calculators.runtime.branching import Branches, Cube, simplify
from calculators.runtime.dosing import calculate_dose
from calculators.runtime.inputs import case_from_fragment, validate_case
from calculators.runtime.records import GuidelineSpec, InputSpec, ItemSpec, TableSpec
from calculators.runtime.results import (
    CaseError,
    CaseValues,
    ConditionalGroup,
    ItemList,
    NeededFor,
    Policy,
    Result,
    ResultItem,
    Status,
    TraceBranch,
    TraceStep,
)

# Most severe last: the result's status is the most severe one any fired rule sets.
STATUS_SEVERITY: tuple[Status, ...] = ("ok", "needs_more_information", "out_of_scope", "invalid")

# Result list of each item kind, in the order the lists appear in the result.
ITEM_LISTS: dict[str, ItemList] = {
    "prognosis_reason": "prognosis_reasons",
    "recommendation": "recommendations",
    "warning": "warnings",
    "monitoring": "monitoring",
    "supportive_care": "supportive_care",
    "workup": "workup",
    "dosing": "dosing",
}
RANK_ORDER = {"preferred": 0, "alternative": 1}

# The derived value reported as the result's prognosis, when a table outputs it.
PROGNOSIS_OUTPUT = "prognosis"

# What the work-up item of an unknown finding says its answer changes, by item kind, in words
# (never counts of kinds of items): (clinician, patient). A recommendation ranked first is "the
# first choice"; other recommendations are "the treatment options".
_CHANGED = {
    "prognosis_reason": ("the prognosis", "the outlook"),
    "recommendation": ("the treatment options", "the treatments suggested"),
    "warning": ("the cautions", "the warnings"),
    "monitoring": ("the monitoring", "the check-ups"),
    "supportive_care": ("the supportive care", "the support and symptom care"),
    "workup": ("the tests", "the tests"),
    "dosing": ("the doses", "the doses"),
}
_FIRST_CHOICE_CHANGED = ("the first choice", "the first choice of treatment")
_CHANGED_ORDER = (
    "recommendation",
    "dosing",
    "warning",
    "workup",
    "monitoring",
    "supportive_care",
    "prognosis_reason",
)
CONDITIONAL_HEADING = "Depends on findings not stated"
# Item kinds whose dependence on an unknown finding makes the result wait for it (and items a
# safety constraint requires, whatever their kind).
DECISIVE = ("recommendation", "dosing")
# What an unknown finding is asked for, in the order the work-up lists them: the treatment
# waits for it; it changes other advice (a warning, a test); it changes the prognosis only.
_NEEDED_FOR: tuple[NeededFor, ...] = ("treatment", "advice", "prognosis")


# How many sets of unknown findings a calculator keeps branches for (see Calculator.branches).
_RECENT_CASES = 8


@dataclass(frozen=True)
class _Place:
    """Where an item was produced: the leaf's assumptions, the table and the rule."""

    cube: Cube
    table: str
    rule: str


# An item as the branches place it: its spec and where it is produced.
_Found = tuple[ItemSpec, _Place]


class _Decided(TypedDict):
    """A table's trace step as the branches alone decide it (kept for the cases that share
    them): without the inputs, the output and the doses, which the case's values fill in."""

    table: str
    file: str
    line: int
    hit_policy: str
    skipped: bool
    rules: list[str]
    used_default: bool
    branches: NotRequired[list[TraceBranch]]


@dataclass(frozen=True)
class _Group:
    """Items that hold under the same answers to unknown findings (``when``: alternatives)."""

    when: list[Cube]
    items: list[_Found]


class Calculator:
    """One guideline's calculator: validation, fragment coercion and recommendation."""

    def __init__(self, spec: GuidelineSpec) -> None:
        self.spec = spec
        self._inputs = {spec_input.name: spec_input for spec_input in spec.inputs}
        self._producers = {
            table.output_name: table.id for table in spec.tables if table.output_name is not None
        }
        self._tables = {table.id: table for table in spec.tables}
        self._recent: list[Branches] = []  # most recently used first

    def validate(self, case: object) -> tuple[CaseValues, list[CaseError]]:
        return validate_case(self.spec.inputs, case)

    def case_from_fragment(self, params: Mapping[str, str] | str) -> CaseValues:
        return case_from_fragment(self.spec.inputs, params)

    def recommend(self, case: object) -> Result:
        values, errors = self.validate(case)
        if errors:
            return self._result("invalid", errors, None, [], [], [])
        return self.evaluate(values, self.branches(values))

    def evaluated(
        self, case: object, *, trace: bool = True
    ) -> tuple[CaseValues, Branches, Result] | None:
        """A valid case's values, branches and result, for what works from all three (field
        relevance, the next questions); None when the case is invalid."""
        values, errors = self.validate(case)
        if errors:
            return None
        branches = self.branches(values)
        result = self.evaluate(values, branches, trace=trace)
        return None if result["status"] == "invalid" else (values, branches, result)

    def variant(
        self, values: Mapping[str, object], base: Branches, changes: Mapping[str, object]
    ) -> tuple[CaseValues, Branches]:
        """``values`` with ``changes`` made, and its branches worked out from ``base`` (the
        branches of ``values``): only the tables that read a changed field, and those downstream
        whose inputs changed, are evaluated again (field relevance and the next questions try
        one value at a time)."""
        variant = {**values, **changes}
        unknown = self.unknown(variant)
        return variant, Branches(self.spec, variant, unknown, base, frozenset(changes))

    def unknown(self, values: Mapping[str, object]) -> frozenset[str]:
        """The findings a validated case leaves unknown."""
        return frozenset(
            spec.name for spec in self.spec.inputs if spec.finding and values[spec.name] is None
        )

    def evaluate(self, values: CaseValues, branches: Branches, *, trace: bool = True) -> Result:
        """The result of a validated case from its branches; ``trace=False`` leaves the trace
        empty (what field relevance compares needs no trace, and the trace is not free)."""
        if branches.all_impossible():
            steps = self._invalid_trace(branches, values) if trace else []
            return self._result("invalid", _case_errors(branches), None, [], [], steps)
        return _Assembly(self, branches, values).result(trace=trace)

    def branches(self, values: Mapping[str, object]) -> Branches:
        """The tables evaluated for a validated case, reusing what the last case with the same
        unknown findings shares with it (see Branches)."""
        unknown = self.unknown(values)
        previous = next((recent for recent in self._recent if recent.unknown == unknown), None)
        branches = Branches(self.spec, values, unknown, previous)
        self._recent = [
            branches,
            *(recent for recent in self._recent if recent.unknown != unknown),
        ][:_RECENT_CASES]
        return branches

    def _trace(self, branches: Branches, values: Mapping[str, object]) -> list[TraceStep]:
        """Each table in evaluation order: its inputs as the case states them, the rules selected
        whatever the answers, and (``branches``) those selected under some answers only."""
        steps = branches.memo.get("trace")
        if not isinstance(steps, list):
            steps = branches.memo["trace"] = self._trace_steps(branches)
        derived = branches.memo.get("derived")
        if not isinstance(derived, dict):
            derived = branches.memo["derived"] = {
                name: self._derived(branches, name) for name in self._producers
            }
        implied = self.implied(branches)
        trace: list[TraceStep] = []
        for table, step in zip(self.spec.tables, steps, strict=True):
            trace.append(self._trace_entry(table, step, values, derived, implied))
        return trace

    def _trace_entry(
        self,
        table: TableSpec,
        step: _Decided,
        values: Mapping[str, object],
        derived: Mapping[str, str | None],
        implied: Mapping[str, tuple[bool, list[str]]],
    ) -> TraceStep:
        """A trace step with the values the table was evaluated with: a case field as given,
        an unstated finding that other answers settle as that answer (``implied``: by which
        fields), another table's output as worked out (null when it depends on the answers).
        ``step`` is kept for the cases that share the branches: the entry copies its mutable
        parts (what a result hands out is never shared with what the calculator keeps)."""
        inputs: CaseValues = {}
        settled: dict[str, list[str]] = {}
        for name in table.inputs:
            if name in derived:
                inputs[name] = derived[name]
            elif values.get(name) is None and name in implied:
                inputs[name], settled[name] = implied[name]
            else:
                inputs[name] = values.get(name)
        entry: TraceStep = {
            "table": step["table"],
            "file": step["file"],
            "line": step["line"],
            "hit_policy": step["hit_policy"],
            "inputs": inputs,
            "skipped": step["skipped"],
            "rules": list(step["rules"]),
            "used_default": step["used_default"],
        }
        if table.output_name is not None:
            entry["output"] = {"name": table.output_name, "value": derived[table.output_name]}
        if "branches" in step:
            entry["branches"] = [
                {**branch, "when": [dict(cube) for cube in branch["when"]]}
                for branch in step["branches"]
            ]
        if settled:
            entry["implied"] = {name: {"by": by} for name, by in settled.items()}
        return entry

    def implied(self, branches: Branches) -> dict[str, tuple[bool, list[str]]]:
        """The unstated findings the case settles, with the fields that settle them: those an
        ``implied_by`` of the guideline settles, and those of which every answer but one
        contradicts the case (no visceral involvement: no visceral crisis)."""
        found = {name: (value, list(by)) for name, (value, by) in branches.implied.items()}
        if not branches.impossible:
            return found
        for name in sorted(branches.unknown - set(found)):
            yes, no = branches.possible({name: True}), branches.possible({name: False})
            if yes == no:
                continue
            # The contradictions that rule the other answer out: those that need nothing else
            # unstated, or, when it takes a combination, every one that meets it.
            meeting = [
                (table_id, rule, any(cube == {name: no} for cube in cubes))
                for table_id, rule, outcome, cubes in branches.outcomes()
                if outcome.error is not None and any(cube.get(name) is no for cube in cubes)
            ]
            alone = [(table_id, rule) for table_id, rule, single in meeting if single]
            by: dict[str, None] = {}
            for table_id, rule in alone or [(table_id, rule) for table_id, rule, _ in meeting]:
                tested = self._tables[table_id].conditions.get(rule, {})
                by.update(dict.fromkeys(field for field in tested if field != name))
            found[name] = (yes, list(by))
        return found

    def _invalid_trace(self, branches: Branches, values: Mapping[str, object]) -> list[TraceStep]:
        """The trace of a contradictory case, up to the last table that reported a contradiction
        the result lists: the tables after it were not what decided the result. Outputs are
        worked out over every answer (none is possible), null where they differ."""
        steps = self._trace_steps(branches)
        derived = {name: self._derived(branches, name, possible=False) for name in self._producers}
        contradicting = {
            table_id for table_id, _, outcome, _ in branches.outcomes() if outcome.error is not None
        }
        reporting = [
            index for index, table in enumerate(self.spec.tables) if table.id in contradicting
        ]
        last = max(reporting) if reporting else len(steps) - 1
        return [
            self._trace_entry(table, step, values, derived, {})
            for table, step in list(zip(self.spec.tables, steps, strict=True))[: last + 1]
        ]

    def _trace_steps(self, branches: Branches) -> list[_Decided]:
        """The trace of each table without its inputs and output: what the branches alone
        decide."""
        steps: list[_Decided] = []
        for table in self.spec.tables:
            found = branches.tables[table.id]
            always = {rule: branches.holds_always(cubes) for rule, cubes in found.selected.items()}
            step: _Decided = {
                "table": table.id,
                "file": table.file,
                "line": table.line,
                "hit_policy": table.hit_policy,
                "skipped": bool(found.skipped) and branches.holds_always(found.skipped),
                "rules": [rule for rule in table.rules if always.get(rule)],
                "used_default": bool(always.get("default")),
            }
            partial: list[TraceBranch] = [
                {"when": branches.where(table.id, rule), "rule": rule}
                for rule, cubes in found.selected.items()
                if not always[rule] and any(branches.possible(cube) for cube in cubes)
            ]
            if found.skipped and not step["skipped"]:
                partial.append({"when": simplify(found.skipped, disjoint=True), "skipped": True})
            if partial:
                step["branches"] = partial
            steps.append(step)
        return steps

    def _derived(self, branches: Branches, name: str, *, possible: bool = True) -> str | None:
        """A table's output as the case states it: null when it depends on the answers (over
        the possible answers only, unless ``possible`` is false)."""
        outputs = {
            value
            for cube, value in branches.tables[self._producers[name]].outputs
            if not possible or branches.possible(cube)
        }
        return outputs.pop() if len(outputs) == 1 else None

    def _result(
        self,
        status: Status,
        errors: list[CaseError],
        prognosis: str | None,
        items: list[ResultItem],
        conditional: list[ConditionalGroup],
        trace: list[TraceStep],
    ) -> Result:
        lists: dict[ItemList, list[ResultItem]] = {name: [] for name in ITEM_LISTS.values()}
        for item in items:
            lists[ITEM_LISTS[item["kind"]]].append(item)
        return {
            "status": status,
            "errors": errors,
            "prognosis": prognosis,
            # The item lists, in the order of ITEM_LISTS.
            "prognosis_reasons": lists["prognosis_reasons"],
            "recommendations": lists["recommendations"],
            "warnings": lists["warnings"],
            "monitoring": lists["monitoring"],
            "supportive_care": lists["supportive_care"],
            "workup": lists["workup"],
            "dosing": lists["dosing"],
            "conditional": conditional,
            "notices": [
                {
                    "id": notice.id,
                    "text": notice.text,
                    "patient_text": notice.patient_text,
                    "citations": list(notice.citations),
                }
                for notice in self.spec.notices
            ],
            "trace": trace,
            "guideline": {
                "id": self.spec.id,
                "version": self.spec.version,
                "last_updated": self.spec.last_updated,
            },
        }


@dataclass(frozen=True)
class _Layout:
    """What a result is made of that the branches alone decide (the case's values only fill in
    doses and the trace's inputs): worked out once for all the cases that share the branches."""

    status: Status
    prognosis: str | None
    asks: list[ResultItem]  # work-up items naming the findings to establish
    certain: list[_Found]  # the items that hold whatever the answers, in order
    conditional: list[_Group]


class _Assembly:
    """The result of a case that is not contradictory, from its tables' decision trees."""

    def __init__(self, calculator: Calculator, branches: Branches, values: CaseValues):
        self.calculator = calculator
        self.spec = calculator.spec
        self.branches = branches
        self.values = values

    def result(self, *, trace: bool = True) -> Result:
        layout = self.branches.memo.get("layout")
        if not isinstance(layout, _Layout):
            layout = self.branches.memo["layout"] = self._layout()
        certain = [self._item(item, place) for item, place in layout.certain]
        steps = self.calculator._trace(self.branches, self.values) if trace else []
        _trace_doses(steps, certain)
        return self.calculator._result(
            layout.status,
            [],
            layout.prognosis,
            [*(_ask_copy(ask) for ask in layout.asks), *certain],
            [
                {
                    "when": [dict(cube) for cube in group.when],
                    "items": [self._item(item, place) for item, place in group.items],
                }
                for group in layout.conditional
            ],
            steps,
        )

    def _item(self, item: ItemSpec, place: _Place) -> ResultItem:
        return _item_result(item, place, self.values, self._policies(item, place))

    def _policies(self, item: ItemSpec, place: _Place) -> list[Policy]:
        """The site policies that decided an item here: those its texts state, then those the
        cells of the rule that produced it name; each with what it decides, in both wordings."""
        table = self.calculator._tables.get(place.table)
        named = [*item.policies, *(table.policies.get(place.rule, ()) if table is not None else ())]
        return [
            {
                "id": policy.id,
                "text": policy.text,
                "patient_text": policy.patient_text,
                "citations": list(policy.citations),
            }
            for policy in (self.spec.policies[name] for name in dict.fromkeys(named))
        ]

    def _layout(self) -> _Layout:
        certain, conditional = self._items()
        status, status_fields = self._status()
        prognosis, prognosis_fields = self._prognosis()
        # What a finding's answer changes decides whether the result must wait for it: a
        # recommendation or its rank, a dose, an item a safety constraint requires, or the
        # status (DECISIVE). Anything else, the prognosis included, is listed under its answers
        # and asked for, but the result can stand without it.
        decisive = set(status_fields)
        deciding = set(status_fields) | set(prognosis_fields)
        for group in conditional:
            fields = {name for cube in group.when for name in cube}
            deciding |= fields
            if any(item.kind in DECISIVE or item.safety for item, _ in group.items):
                decisive |= fields
        if decisive and STATUS_SEVERITY.index(status) < 1:
            status = "needs_more_information"
        advice = {
            name
            for group in conditional
            if any(item.kind != "prognosis_reason" for item, _ in group.items)
            for cube in group.when
            for name in cube
        }
        asks = sorted(
            (
                self._ask(
                    spec, conditional, prognosis_fields, _needed_for(spec.name, decisive, advice)
                )
                for spec in self.spec.inputs
                if spec.name in deciding
            ),
            # What the treatment waits for first, what decides on its own before the rest.
            key=lambda ask: (_NEEDED_FOR.index(ask["needed_for"]), bool(ask["only_if"])),
        )
        return _Layout(status, prognosis, asks, certain, conditional)

    def _places(self) -> dict[str, list[_Place]]:
        """Where each item is produced (the answers as a short union of cubes, the table and
        the rule), in the order the tables produce them."""
        places: dict[str, list[_Place]] = {}
        for table_id, rule, outcome, where in self.branches.outcomes():
            for item_id in outcome.items:
                places.setdefault(item_id, []).extend(
                    _Place(cube, table_id, rule) for cube in where
                )
        return places

    def _items(self) -> tuple[list[_Found], list[_Group]]:
        """The items that hold whatever the answers, and those that hold under some answers
        only, grouped by those answers; each with the place it comes from."""
        certain: list[_Found] = []
        groups: dict[tuple[tuple[tuple[str, bool], ...], ...], list[_Found]] = {}
        for item_id, places in self._places().items():
            live = [
                _Place(self.branches.reduced(place.cube), place.table, place.rule)
                for place in places
                if self.branches.possible(place.cube)
            ]
            if not live:
                continue
            item = (self.spec.items[item_id], live[0])
            if self.branches.holds_always([place.cube for place in places]):
                certain.append(item)
                continue
            when = simplify([place.cube for place in live]) if len(live) > 1 else [live[0].cube]
            key = tuple(tuple(cube.items()) for cube in when)
            groups.setdefault(key, []).append(item)
        conditional = [
            _Group([dict(cube) for cube in key], _ordered(items))
            for key, items in sorted(groups.items(), key=lambda group: (len(group[0]), group[0]))
        ]
        return _ordered(certain), conditional

    def _status(self) -> tuple[Status, list[str]]:
        """The status and the findings it depends on (none when every possible answer gives
        it). A status that only some answers give is waited for: the case needs more
        information, even when those answers would put it out of scope (an unstated finding
        that decides scope never puts the case out of scope by itself)."""
        levels: list[tuple[int, list[Cube]]] = [
            (STATUS_SEVERITY.index(outcome.status), cubes)
            for _, _, outcome, cubes in self.branches.outcomes()
            if outcome.status
        ]
        live = [
            (level, self.branches.reduced(cube))
            for level, cubes in levels
            for cube in cubes
            if self.branches.possible(cube)
        ]
        if not live:
            return "ok", []

        def always(level: int) -> bool:
            return self.branches.holds_always(
                [cube for found, cubes in levels if found >= level for cube in cubes]
            )

        def fields(level: int) -> list[str]:
            return [name for found, cube in live if found >= level for name in cube]

        top = max(level for level, _ in live)
        if always(top):
            return STATUS_SEVERITY[top], []
        waiting = STATUS_SEVERITY.index("needs_more_information")
        if top > waiting and always(waiting):
            return STATUS_SEVERITY[waiting], fields(top)
        return STATUS_SEVERITY[waiting], fields(waiting)

    def _prognosis(self) -> tuple[str | None, list[str]]:
        producer = self.calculator._producers.get(PROGNOSIS_OUTPUT)
        if producer is None:
            return None, []
        paths = [
            (cube, value)
            for cube, value in self.branches.tables[producer].outputs
            if self.branches.possible(cube)
        ]
        values = {value for _, value in paths}
        if len(values) == 1:
            return values.pop(), []
        return None, [name for cube, _ in paths for name in self.branches.reduced(cube)]

    def _ask(
        self,
        spec: InputSpec,
        conditional: list[_Group],
        prognosis_fields: list[str],
        needed_for: NeededFor,
    ) -> ResultItem:
        """The work-up item that names an unknown finding, what its answer changes and, when it
        matters only under other answers, which (``only_if``). ``needed_for``: "treatment" (the
        status waits for it), "advice" (it changes a warning, a test...) or "prognosis" (only
        the prognosis: to establish, not waited for)."""
        kinds: set[str] = set()
        first_choice = False
        contexts: list[set[tuple[str, bool]]] = []
        for group in conditional:
            cubes = [cube for cube in group.when if spec.name in cube]
            if cubes:
                kinds.update(item.kind for item, _ in group.items)
                first_choice |= any(
                    item.kind == "recommendation" and item.rank == "preferred"
                    for item, _ in group.items
                )
                contexts.extend(
                    {(k, v) for k, v in cube.items() if k != spec.name} for cube in cubes
                )
        only_if = dict(sorted(set.intersection(*contexts))) if contexts else {}
        if spec.name in prognosis_fields:
            only_if = {}
            kinds.add("prognosis_reason")
        changed = [
            _FIRST_CHOICE_CHANGED if kind == "recommendation" and first_choice else _CHANGED[kind]
            for kind in _CHANGED_ORDER
            if kind in kinds
        ]
        clinician = joined([words for words, _ in changed]) or "the recommendation"
        patient = joined([words for _, words in changed]) or "the advice"
        ask_clinician, ask_patient = spec.ask or (
            f"Establish {lower_first(spec.label)}",
            "Your care team needs to find this out",
        )
        where = f" (see “{CONDITIONAL_HEADING}”)" if kinds - {"prognosis_reason"} else ""
        if needed_for == "prognosis":
            where += "; to establish for the prognosis: the treatment does not depend on it"
        condition_clinician = condition_patient = ""
        if only_if:
            condition_clinician = ", when " + joined(
                [
                    f"“{self._label(name, upper=True)}” is {'yes' if answer else 'no'}"
                    for name, answer in only_if.items()
                ]
            )
            condition_patient = ", when the answer to " + joined(
                [
                    f"“{self._label(name, patient=True)}” is {'yes' if answer else 'no'}"
                    for name, answer in only_if.items()
                ]
            )
        return {
            "id": f"unknown-{spec.name.replace('_', '-')}",
            "kind": "workup",
            "text": f"{spec.label}: not stated. {ask_clinician}: the answer changes "
            f"{clinician}{condition_clinician}{where}.",
            "patient_text": f"{spec.patient_label}: not known yet. {ask_patient}. The answer "
            f"changes {patient}{condition_patient}.",
            "citations": [],
            "section": None,
            "anchor": None,
            "href": None,
            "rule": None,
            "table": None,
            "field": spec.name,
            "only_if": only_if,
            "needed_for": needed_for,
            "agents": [],
            "origin": "site",
            "newer_guidance": None,
            "general": False,
            "policies": [],
        }

    def _label(self, name: str, *, patient: bool = False, upper: bool = False) -> str:
        spec = self.calculator._inputs[name]
        if patient:
            return spec.patient_label
        return spec.label if upper else lower_first(spec.label)


def _needed_for(name: str, decisive: set[str], advice: set[str]) -> NeededFor:
    if name in decisive:
        return "treatment"
    return "advice" if name in advice else "prognosis"


def lower_first(text: str) -> str:
    """ "Visceral crisis" -> "visceral crisis" inside a sentence; "HER2 status" stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def joined(parts: list[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c`` (or another conjunction)."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {conjunction} " + parts[-1]


def _ordered(items: Iterable[_Found]) -> list[_Found]:
    """Recommendations preferred first; otherwise in the order the tables produced them."""
    return sorted(
        items,
        key=lambda found: (
            RANK_ORDER.get(str(found[0].rank), 2) if found[0].kind == "recommendation" else 2
        ),
    )


def _trace_doses(steps: list[TraceStep], items: list[ResultItem]) -> None:
    """Each dose a table gave, in its trace step: the exact product of weight and dose per
    kilogram beside the dose shown (rounded where the guideline declares a rounding)."""
    by_table = {step["table"]: step for step in steps}
    for item in items:
        dose = item.get("dose")
        step = by_table.get(str(item["table"]))
        if dose is not None and step is not None:
            doses = step.setdefault("doses", [])
            doses.append({"item": item["id"], "exact": dose["exact"], "shown": dose["total"]})


def _ask_copy(ask: ResultItem) -> ResultItem:
    """A kept work-up item, copied down to its mutable parts (see Calculator._trace_entry)."""
    return {**ask, "only_if": dict(ask["only_if"]), "citations": [], "agents": [], "policies": []}


def _case_errors(branches: Branches) -> list[CaseError]:
    """The contradictions of a case none of whose answers is possible: those that hold whatever
    the answers are, or (when it takes a combination) every one found."""
    found = [
        (outcome.error, branches.covers(cubes))
        for _, _, outcome, cubes in branches.outcomes()
        if outcome.error is not None
    ]
    certain = any(always for _, always in found)
    errors: list[CaseError] = []
    for error, always in found:
        if error is not None and (always or not certain):
            case_error: CaseError = {"field": error.field, "message": error.message}
            if case_error not in errors:
                errors.append(case_error)
    return errors


def _item_result(
    item: ItemSpec,
    place: _Place,
    values: Mapping[str, object],
    policies: list[Policy],
) -> ResultItem:
    dose = (
        None if item.dose is None else calculate_dose(item.dose, values.get(item.dose.weight_input))
    )

    def fill(text: str) -> str:
        return text if dose is None else text.replace("{dose}", dose.text)

    result: ResultItem = {
        "id": item.id,
        "kind": item.kind,
        "text": fill(item.text),
        "patient_text": fill(item.patient_text),
        "citations": list(item.citations),
        "section": item.section,
        "anchor": item.anchor,
        "href": item.href,
        "rule": place.rule,
        "table": place.table,
        "agents": list(item.agents),
        "origin": item.origin,
        "newer_guidance": None
        if item.newer_guidance is None
        else {
            "text": item.newer_guidance.text,
            "patient_text": item.newer_guidance.patient_text,
            "citations": list(item.newer_guidance.citations),
        },
        "general": item.general,
        "policies": policies,
    }
    if item.kind == "recommendation":  # its rank, right after its kind
        result = {"id": item.id, "kind": item.kind, "rank": item.rank, **result}
    if item.dose is not None and dose is not None:  # a dosing item: its dose as data too
        result["dose"] = {
            "agent": item.dose.agent,
            "amount_per_kg": item.dose.amount_per_kg,
            "unit": item.dose.unit,
            "weight_kg": dose.weight_kg,
            "total": dose.total,
            "exact": dose.exact,
            "round_to": item.dose.round_to,
            "schedule": item.dose.schedule,
        }
    return result
