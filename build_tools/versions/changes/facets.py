"""Where a version's result has each fact: the regions behind ``compare.facts``, per version.

The result the runtime assembles for a case whose findings are all stated (one branch, see
calculators/runtime/engine.py) is, in order of precedence:

* invalid by validation: status ``invalid``, an error for every rejected field, no prognosis,
  no items;
* invalid by contradiction (a selected rule has ``error:``): status ``invalid``, an error for
  each such rule's field, no prognosis, no items;
* otherwise: the most severe status a selected rule sets (``ok`` when none), the prognosis
  table's output (null when it is skipped), every item of every selected rule (out-of-scope
  results keep theirs) with its rank or dose;

and always every notice of the version. Each fact becomes a region of the shared space
(:mod:`.space`), kept as a decision diagram (:mod:`.sets`) to be compared and counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from build_tools.tables.model import DecisionModel, Item, Outcome
from build_tools.tables.regions import RuleRegions
from build_tools.versions.changes.sets import ALL, EMPTY, CaseSets, Node
from build_tools.versions.changes.space import Space, VersionDomains
from calculators.runtime.compare import Facet
from calculators.runtime.engine import ITEM_LISTS, PROGNOSIS_OUTPUT

# A facet's value where the version has it, with the set of cases where it has that value.
FacetSets = dict[object, Node]


@dataclass(frozen=True)
class VersionFacts:
    """Every facet of a version's results over the space: facet -> {value: cases}."""

    facets: dict[Facet, FacetSets]

    @classmethod
    def of(cls, model: DecisionModel, space: Space, sets: CaseSets) -> VersionFacts:
        domains = VersionDomains.view(space, model)
        regions = RuleRegions(model, domains)
        rejected = {name: sets.cube(cube) for name, cube in domains.rejected().items()}
        any_rejected = sets.union_all(rejected.values())

        def producing(predicate: Callable[[Outcome], bool]) -> Node:
            return sets.region(regions.where(regions.producing(predicate)))

        errors = {
            outcome.error.field: producing(_errs(outcome.error.field))
            for outcome in regions.outcomes.values()
            if outcome.error is not None
        }
        invalid = sets.union(any_rejected, sets.union_all(errors.values()))
        facets: dict[Facet, FacetSets] = {}
        for name in sorted(set(rejected) | set(errors)):
            contradiction = sets.minus(errors.get(name, EMPTY), any_rejected)
            facets[("error", name)] = {True: sets.union(rejected.get(name, EMPTY), contradiction)}
        out_of_scope = producing(lambda o: o.status == "out_of_scope")
        needs = producing(lambda o: o.status == "needs_more_information")
        decided = sets.union(invalid, out_of_scope)
        status = {
            "invalid": invalid,
            "out_of_scope": sets.minus(out_of_scope, invalid),
            "needs_more_information": sets.minus(needs, decided),
            "ok": sets.minus(ALL, sets.union(decided, needs)),
        }
        facets[("status",)] = {value: node for value, node in status.items() if node != EMPTY}
        if model.derived_named(PROGNOSIS_OUTPUT) is not None:
            prognosis: FacetSets = {}
            for value in domains.values[PROGNOSIS_OUTPUT]:
                if value is not None:
                    where = sets.region(regions.expand({PROGNOSIS_OUTPUT: frozenset({value})}))
                    node = sets.minus(where, invalid)
                    if node != EMPTY:
                        prognosis[value] = node
            facets[("prognosis",)] = prognosis
        for item in model.items:
            node = sets.minus(producing(_emits(item.id)), invalid)
            if node != EMPTY:
                facets[("item", ITEM_LISTS[item.kind], item.id)] = {item_value(item): node}
        for notice in model.notices:
            facets[("notice", notice.id)] = {True: ALL}
        return cls(facets)


def _errs(field: str) -> Callable[[Outcome], bool]:
    return lambda outcome: outcome.error is not None and outcome.error.field == field


def _emits(item_id: str) -> Callable[[Outcome], bool]:
    return lambda outcome: item_id in outcome.items


def item_value(item: Item) -> object:
    """What ``compare.facts`` records for an item: its dose, its rank, or that it is there."""
    if item.dose is not None:
        dose = item.dose
        return f"{dose.amount_per_kg} {dose.unit}/kg, {dose.schedule}"
    if item.kind == "recommendation" and item.rank is not None:
        return item.rank
    return True
