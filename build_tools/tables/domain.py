"""Finite domains for exhaustive verification.

Enums and booleans are finite already. A numeric input is split at the numbers its table's cells
compare against: one value at each threshold, one inside each gap between thresholds and one
beyond each end, all within the declared range. Every cell gives the same answer for all values
of one such region, so checking one value per region is checking them all.
"""

from __future__ import annotations

import math
from itertools import pairwise

from build_tools.tables.model import CaseInput, DecisionModel, DecisionTable
from build_tools.tables.unary import Number, thresholds

DomainValue = str | bool | Number | None


def table_domain(
    table: DecisionTable, model: DecisionModel
) -> list[tuple[str, tuple[DomainValue, ...]]]:
    """(input name, its values) for each input of the table, applies_when inputs included."""
    cuts: dict[str, set[Number]] = {name: set() for name in table.domain_inputs}
    conditions = [
        *table.applies_when,
        *(condition for rule in table.rules for condition in rule.conditions),
    ]
    for condition in conditions:
        if condition.input in cuts:
            cuts[condition.input] |= thresholds(condition.test)
    return [(name, input_domain(name, model, cuts[name])) for name in table.domain_inputs]


def input_domain(name: str, model: DecisionModel, cuts: set[Number]) -> tuple[DomainValue, ...]:
    declared = model.input_named(name)
    if declared is not None:
        values: tuple[DomainValue, ...]
        if declared.type == "enum":
            values = declared.values
        elif declared.type == "boolean":
            values = (False, True)
        else:
            values = numeric_representatives(declared, cuts)
        # A finding is never null in the tables: the runtime evaluates an unknown one both ways.
        return (*values, None) if declared.nullable and not declared.finding else values
    derived = model.derived_named(name)
    if derived is None:  # the loader has already reported unknown names
        return (None,)
    return (*derived.values, None) if derived.nullable else derived.values


def numeric_representatives(declared: CaseInput, cuts: set[Number]) -> tuple[Number, ...]:
    integer = declared.type == "integer"
    bounds = {bound for bound in (declared.minimum, declared.maximum) if bound is not None}
    points = sorted(cuts | bounds)
    if not points:
        return (
            (0,)
            if declared.in_range(0)
            else (_tidy(declared.minimum if declared.minimum is not None else 0),)
        )
    candidates: list[Number] = list(points)
    candidates.append(math.floor(points[0]) - 1 if integer else points[0] - 1)
    candidates.append(math.floor(points[-1]) + 1 if integer else points[-1] + 1)
    for low, high in pairwise(points):
        if integer:
            inside = math.floor(low) + 1
            if inside < high:
                candidates.append(inside)
        else:
            candidates.append((low + high) / 2)
    chosen = {
        _tidy(value)
        for value in candidates
        if declared.in_range(value) and (not integer or float(value).is_integer())
    }
    return tuple(sorted(chosen))


def _tidy(value: Number) -> Number:
    """Whole floats become ints so representatives print as the editor wrote the thresholds."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def describe(value: DomainValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
