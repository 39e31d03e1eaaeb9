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


def brute_force_partners(calculator: calculators.Calculator, case: object, name: str) -> set[str]:
    """The fields that decide, with ``name``, a table that reads them both: the case fields G
    (other inputs of a table that reads ``name``, applies to the case and gives an output, an
    item or a status: a table that does not apply is the reason given instead) for which some
    other value of G makes some other value of ``name`` change the (valid) result. Every value
    is tried, each case recommended again from scratch; the runtime's shortcuts (shared
    branches, tables it skips) are not used."""
    values, errors = calculator.validate(case)
    assert not errors
    spec = {field.name: field for field in calculator.spec.inputs}
    trace = calculator.recommend(values)["trace"]
    assert isinstance(trace, list)
    skipped = {step["table"] for step in trace if step["skipped"] is True}
    partners: set[str] = set()
    for table in calculator.spec.tables:
        if table.id in skipped:
            continue
        outcomes = [*table.rules.values(), *([table.default] if table.default else [])]
        if table.output_name is None and all(
            not outcome.items and outcome.status is None for outcome in outcomes
        ):
            continue  # it only reports contradictions
        if name not in table.inputs:
            continue
        for other in table.inputs:
            if other == name or other not in spec or other in partners:
                continue
            for other_value in spec[other].probes:
                if _same(other_value, values[other]):
                    continue
                base = calculator.recommend({**values, other: other_value})
                if base["status"] == "invalid":
                    continue
                base["trace"] = []
                changed = False
                for value in spec[name].probes:
                    if _same(value, values[name]):
                        continue
                    result = calculator.recommend({**values, other: other_value, name: value})
                    result["trace"] = []
                    if result["status"] != "invalid" and result != base:
                        changed = True
                        break
                if changed:
                    partners.add(other)
                    break
    return partners
