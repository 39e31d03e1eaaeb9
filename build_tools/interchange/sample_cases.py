"""Random cases of a guideline for comparing DMN engines with the compiled module: every field at
or around the thresholds its tables' cells use, null or missing (``tests/interchange/`` and
``devtools/second_opinion.py``)."""

from __future__ import annotations

import random

from build_tools.tables.model import CaseInput, DecisionModel
from build_tools.tables.unary import Number, thresholds


def numeric_candidates(declared: CaseInput, cuts: set[Number]) -> list[Number]:
    """The values of a numeric field at, just below and just above each threshold and bound."""
    step = 1 if declared.type == "integer" else 0.5
    points = set(cuts)
    for bound in (declared.minimum, declared.maximum):
        if bound is not None:
            points.add(bound)
    candidates = {point + delta for point in points for delta in (-step, 0, step)}
    if declared.type == "number":
        candidates |= {point + 0.01 for point in points} | {point - 0.01 for point in points}
    return sorted(
        value
        for value in candidates
        if declared.in_range(value) and (declared.type == "number" or float(value).is_integer())
    )


def random_cases(model: DecisionModel, count: int, seed: int) -> list[dict[str, object]]:
    """Cases with every field at or around its thresholds, null or missing; findings always
    stated (an unknown finding is branched on by our runtime, never null in a table)."""
    cuts: dict[str, set[Number]] = {case_input.name: set() for case_input in model.inputs}
    for table in model.tables:
        conditions = [*table.applies_when, *(c for rule in table.rules for c in rule.conditions)]
        for condition in conditions:
            if condition.input in cuts:
                cuts[condition.input] |= thresholds(condition.test)
    generator = random.Random(seed)  # noqa: S311 (sample cases, not secrets)
    cases: list[dict[str, object]] = []
    for _ in range(count):
        case: dict[str, object] = {}
        for declared in model.inputs:
            if declared.finding:
                case[declared.name] = generator.random() < 0.3
                continue
            roll = generator.random()
            if roll < 0.1 and not declared.required:
                continue  # missing: the default, or null
            if roll < 0.2 and declared.nullable:
                case[declared.name] = None
                continue
            if declared.type == "enum":
                case[declared.name] = generator.choice(declared.values)
            elif declared.type == "boolean":
                case[declared.name] = generator.random() < 0.3
            else:
                case[declared.name] = generator.choice(
                    numeric_candidates(declared, cuts[declared.name])
                )
        cases.append(case)
    return cases
