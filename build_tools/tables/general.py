"""Which items are *general*: they hold for every case the guideline routes the same way.

A guideline routes a case at its root: the *root route tables* are the tables without
``applies_when`` whose output some other table's ``applies_when`` tests (typically a table
that decides which part of the guideline a case falls under, or that it is out of scope). A
*route* is one value of each root route output (with no root route table there is one route:
every case).

The cases that count are those of the safety proof (every field's finite domain, findings
stated, see :mod:`build_tools.tables.regions`) that are neither invalid (no rule reports a
contradiction) nor out of scope (no selected rule sets ``status: out_of_scope``).

An item is general when some case that counts gets it and, under every route in which a case
that counts gets it, every case of that route that counts gets it. So the aim of treatment,
stated to every case of a route, is general; a caution given to the cases of one marker status
only is not; neither is an item that only out-of-scope cases get (no case that counts gets it),
nor one that a corner of its route misses, unless every case of that corner is invalid or out of
scope.

The answer is exact (regions, not samples), as the safety proof's is; the page gathers general
items into one "General points" disclosure.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

from build_tools.tables.model import DecisionModel, DecisionTable, Outcome
from build_tools.tables.regions import (
    Domains,
    Region,
    RuleRegions,
    intersect,
    intersect_all,
)


def root_route_tables(model: DecisionModel) -> list[DecisionTable]:
    """The tables without applies_when whose output another table's applies_when tests."""
    tested = {condition.input for table in model.tables for condition in table.applies_when}
    return [
        table
        for table in model.tables
        if not table.applies_when and table.output is not None and table.output.name in tested
    ]


def general_items(model: DecisionModel, regions: RuleRegions | None = None) -> frozenset[str]:
    """The ids of the general items of ``model`` (see the module's docstring)."""
    regions = regions if regions is not None else RuleRegions(model, Domains.of(model))
    excluded = regions.where(
        regions.producing(
            lambda outcome: outcome.error is not None or outcome.status == "out_of_scope"
        )
    )
    routes = _routes(model, regions)
    general: set[str] = set()
    for item in model.items:
        emitted = regions.where(regions.producing(_emits(item.id)))
        # The routes in which a case that counts gets the item ...
        shown = [
            route
            for route in routes
            if regions.witness(intersect(route, emitted), excluded) is not None
        ]
        # ... and no case of them that counts goes without it (the item's own cubes first: they
        # cut a route fastest).
        if shown and all(regions.witness(route, [*emitted, *excluded]) is None for route in shown):
            general.add(item.id)
    return frozenset(general)


def _emits(item_id: str) -> Callable[[Outcome], bool]:
    return lambda outcome: item_id in outcome.items


def _routes(model: DecisionModel, regions: RuleRegions) -> list[Region]:
    """The region of each route: each combination of the root route outputs' values."""
    outputs = [table.output.name for table in root_route_tables(model) if table.output is not None]
    per_output = [
        [regions.expand({name: frozenset({value})}) for value in regions.domains.values[name]]
        for name in outputs
    ]
    return [intersect_all(list(combination)) for combination in product(*per_output)]
