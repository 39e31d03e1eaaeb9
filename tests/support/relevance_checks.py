"""Field relevance by brute force: what calculators/runtime/relevance.py must agree with."""

from __future__ import annotations

import calculators


def _same(first: object, second: object) -> bool:
    if first is None or second is None or isinstance(first, bool) or isinstance(second, bool):
        return first is second
    return first == second


def brute_force_relevance(
    calculator: calculators.Calculator, case: object
) -> dict[str, bool] | None:
    """Each field needed or not, by recommending the case again with each other probe value of
    the field (the others held), comparing everything but the trace; None for an invalid case.
    Give it a calculator of its own: what a calculator reuses from case to case is then not
    shared with the one under test."""
    values, errors = calculator.validate(case)
    if errors:
        return None
    base = calculator.recommend(values)
    if base["status"] == "invalid":
        return None
    base["trace"] = []
    needed: dict[str, bool] = {}
    for spec in calculator.spec.inputs:
        needed[spec.name] = False
        for value in spec.probes:
            if _same(value, values[spec.name]):
                continue
            result = calculator.recommend({**values, spec.name: value})
            result["trace"] = []
            if result["status"] != "invalid" and result != base:
                needed[spec.name] = True
                break
    return needed
