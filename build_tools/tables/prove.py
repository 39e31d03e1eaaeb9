"""Prove a guideline's safety constraints over its whole case space.

Every constraint of ``safety:`` (and every item's ``asserts:``) becomes a question about regions
of cases (:mod:`build_tools.tables.regions`): is there a case, free of contradictions, where the
constraint's condition holds and its obligation fails? The answer is exact over the finite
domains, not sampled. A violation is reported at the constraint's ``file:line`` with the smallest
counterexample the search finds, written as a case link fragment, and the rules that produced
the offending items when the compiled module evaluates that case.

The proof covers cases whose findings are all stated; the runtime's handling of unknown findings
(a result states only what holds under every answer, see calculators/runtime/branching.py)
keeps each obligation true for cases that leave findings unknown: an item absent or not ranked
first under some answer is absent or not ranked first in the result, and an item or status
present under every answer is present in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from build_tools.findings import Finding
from build_tools.tables.domain import DomainValue, describe
from build_tools.tables.model import (
    RULE_STATUSES,
    DecisionModel,
    Item,
    Obligation,
    Outcome,
    SafetyConstraint,
)
from build_tools.tables.regions import Cube, Domains, Region, RuleRegions, intersect
from build_tools.tables.safety import AgentIndex
from calculators.runtime.engine import ITEM_LISTS
from calculators.runtime.results import Result

# Runs a case through the compiled module: the result the runtime gives (see build()).
Recommend = Callable[[dict[str, object]], Result]
_SEVERITY = ("needs_more_information", "out_of_scope")


@dataclass(frozen=True)
class Violation:
    """An obligation that fails for ``case``; ``items`` are the offending (or missing) items."""

    constraint: str
    title: str
    file: str
    line: int
    problem: str
    case: dict[str, DomainValue]
    items: tuple[str, ...]
    remedy: str


def prove(model: DecisionModel, runtime: Callable[[], Recommend] | None = None) -> list[Finding]:
    """Every violated safety constraint and item assertion, as findings (empty when proven).
    ``runtime`` makes the compiled module's ``recommend``, which names the rules behind an
    offending item; it is called only when there is a violation to explain."""
    found = violations(model)
    recommend = runtime() if found and runtime is not None else None
    return [_finding(violation, model, recommend) for violation in found]


def violations(model: DecisionModel) -> list[Violation]:
    if not model.safety and not any(item.asserts for item in model.items):
        return []
    extra = [condition for constraint in model.safety for condition in constraint.when]
    prover = _Prover(model, RuleRegions(model, Domains.of(model, extra)))
    found: list[Violation] = []
    for constraint in model.safety:
        found.extend(prover.check(constraint))
    for item in model.items:
        if item.asserts:
            found.extend(prover.check_assertion(item))
    return found


class _Prover:
    def __init__(self, model: DecisionModel, regions: RuleRegions) -> None:
        self.model = model
        self.regions = regions
        self.agents = AgentIndex(model.agents)
        self.invalid = regions.where(regions.producing(lambda outcome: outcome.error is not None))

    def emitted(self, item_ids: Iterable[str]) -> Region:
        """Where any of the items is produced."""
        wanted = set(item_ids)
        return self.regions.where(
            self.regions.producing(lambda outcome: bool(wanted & set(outcome.items)))
        )

    def search(self, candidates: Region, excluded: Region) -> Cube | None:
        return self.regions.witness(candidates, [*self.invalid, *excluded])

    def recommendations(self, predicate: Callable[[Item], bool]) -> list[Item]:
        return [
            item for item in self.model.items if item.kind == "recommendation" and predicate(item)
        ]

    def check(self, constraint: SafetyConstraint) -> list[Violation]:
        condition = self.regions.conjunction(constraint.when)
        found: list[Violation] = []
        for obligation in constraint.obligations:
            violation = self._obligation(constraint, obligation, condition)
            if violation is not None:
                found.append(violation)
        return found

    def _obligation(
        self, constraint: SafetyConstraint, obligation: Obligation, condition: Region
    ) -> Violation | None:
        def violated(cube: Cube, problem: str, items: Iterable[str], remedy: str) -> Violation:
            # A status can rise when findings are left unknown: state them all for a status.
            case = self.case(cube, state_findings=obligation.kind == "status")
            return Violation(
                constraint.id,
                constraint.title,
                constraint.file,
                obligation.line,
                problem,
                case,
                tuple(items),
                remedy,
            )

        kind = obligation.kind
        if kind in ("not_recommended", "not_first", "no_recommendations", "cited"):
            forbidden = self._forbidden(obligation)
            for item in forbidden:
                candidates = intersect(condition, self.emitted([item.id]))
                missing = obligation.items if kind == "not_first" else ()
                for required in missing or (None,):
                    excluded = [] if required is None else self.emitted([required])
                    cube = self.search(candidates, excluded)
                    if cube is not None:
                        return violated(
                            cube,
                            self._forbidden_problem(obligation, item, required),
                            [item.id],
                            "change the rules or the item so that the case cannot get it, or "
                            "correct the item's agents, rank or citations",
                        )
            return None
        if kind == "absent":
            for item_id in obligation.items:
                cube = self.search(intersect(condition, self.emitted([item_id])), [])
                if cube is not None:
                    return violated(
                        cube,
                        f"item {item_id} is in the result",
                        [item_id],
                        f"emit {item_id} in none of the cases the constraint's 'when' describes",
                    )
            return None
        if kind == "present":
            for item_id in obligation.items:
                cube = self.search(condition, self.emitted([item_id]))
                if cube is not None:
                    return violated(
                        cube,
                        f"item {item_id} is missing from the result",
                        [item_id],
                        f"emit {item_id} in every case the constraint's 'when' describes",
                    )
            return None
        assert kind == "status"
        assert obligation.status is not None
        wanted = obligation.status
        reaching = self.regions.where(
            self.regions.producing(lambda outcome: _at_least(outcome, wanted))
        )
        cube = self.search(condition, reaching)
        if cube is None:
            return None
        return violated(
            cube,
            f"the status is below {wanted}",
            [],
            f"give a rule that fires in these cases 'status: {wanted}'",
        )

    def _forbidden(self, obligation: Obligation) -> list[Item]:
        if obligation.kind == "no_recommendations":
            return self.recommendations(lambda item: True)
        if obligation.kind == "cited":
            return [
                item
                for item in self.model.items
                if item.kind in ("recommendation", "dosing") and not item.citations
            ]
        agents = self.agents.expand(obligation.agents)
        unless = self.agents.expand(obligation.unless_with)
        if obligation.kind == "not_recommended":
            return self.recommendations(
                lambda item: bool(agents & set(item.agents)) and not unless & set(item.agents)
            )
        return self.recommendations(
            lambda item: item.rank == "preferred" and bool(agents & set(item.agents))
        )

    def _forbidden_problem(self, obligation: Obligation, item: Item, required: str | None) -> str:
        involved = ", ".join(sorted(self.agents.expand(obligation.agents) & set(item.agents)))
        if obligation.kind == "no_recommendations":
            return f"recommendation {item.id} is given, but the result must recommend nothing"
        if obligation.kind == "cited":
            return f"{item.kind} item {item.id} cites no reference"
        if obligation.kind == "not_recommended":
            return f"recommendation {item.id} involves {involved}"
        why = f" without {required} in the result" if required else ""
        return f"recommendation {item.id} (rank preferred) involves {involved}{why}"

    def check_assertion(self, item: Item) -> list[Violation]:
        """An item's text states ``asserts``: no case that does not state them may get it."""
        stated = self.regions.conjunction(item.asserts)
        cube = self.search(self.emitted([item.id]), stated)
        if cube is None:
            return []
        claims = ", ".join(f"{c.input}: {c.text}" for c in item.asserts)
        return [
            Violation(
                f"asserts of {item.id}",
                f"item {item.id} states {claims}",
                item.file,
                item.line,
                f"item {item.id} is given to a case that does not state {claims}",
                self.case(cube, state_findings=False),
                (item.id,),
                "narrow the rules that emit the item to the cases that state it, or reword "
                "the item so that it asserts nothing the case does not state",
            )
        ]

    def case(self, cube: Cube, *, state_findings: bool) -> dict[str, DomainValue]:
        """One case of the cube, as short as its link can be: a field the cube leaves free keeps
        its default. Items and ranks are the same whatever the free fields are, so a free finding
        may stay unknown; the status may not (unknown findings can raise it), hence
        ``state_findings``."""
        case: dict[str, DomainValue] = {}
        for spec in self.model.inputs:
            allowed = cube.get(spec.name)
            domain = self.regions.domains.values[spec.name]
            choices = [value for value in domain if allowed is None or value in allowed]
            if spec.finding:
                if allowed is not None or state_findings:
                    case[spec.name] = False if False in choices else choices[0]
            elif spec.required or spec.default not in choices:
                case[spec.name] = _first(choices)
        return case


def _first(choices: list[DomainValue]) -> DomainValue:
    known = [value for value in choices if value is not None]
    return known[0] if known else None


def _at_least(outcome: Outcome, status: str) -> bool:
    if outcome.status is None or status not in RULE_STATUSES:
        return False
    return _SEVERITY.index(outcome.status) >= _SEVERITY.index(status)


def case_fragment(case: dict[str, DomainValue]) -> str:
    """A case as the fragment of a calculator link (the runtime's case_from_fragment reads it)."""
    return "#" + urlencode({name: describe(value) for name, value in case.items()})


def _finding(violation: Violation, model: DecisionModel, recommend: Recommend | None) -> Finding:
    fragment = case_fragment(violation.case)
    origin = ""
    if recommend is not None and violation.items:
        result = recommend(dict(violation.case))
        produced = [
            f"{item['id']} from rule {item['rule']} of table {item['table']} "
            f"({_rule_location(model, str(item['table']), str(item['rule']))})"
            for key in ITEM_LISTS.values()
            for item in result[key]
            if item["id"] in violation.items
        ]
        if produced:
            origin = "; produced by " + "; ".join(produced)
    return Finding(
        violation.file,
        violation.line,
        f"safety constraint {violation.constraint} ({violation.title}) is violated: "
        f"{violation.problem}, e.g. for the case {fragment}{origin}",
        violation.remedy,
    )


def _rule_location(model: DecisionModel, table_id: str, rule_id: str) -> str:
    table = next((table for table in model.tables if table.id == table_id), None)
    if table is None:
        return "unknown table"
    rule = next((rule for rule in table.rules if rule.id == rule_id), None)
    return f"{table.file}:{rule.line}" if rule is not None else table.location
