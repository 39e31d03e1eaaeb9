"""Safety constraints and item assertions checked on real results (the build proves them; these
checks watch the runtime keep them, unknown findings included)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import calculators
from build_tools.decisions.from_content import load_sources
from build_tools.tables import DecisionModel, load_decision_model
from build_tools.tables.model import Condition, SafetyConstraint
from build_tools.tables.safety import AgentIndex
from calculators.runtime.engine import ITEM_LISTS as RESULT_LISTS
from tests.support.paths import ROOT

GUIDELINE = "metastatic-breast-cancer"
# The result's item lists, as the runtime names them.
ITEM_LISTS = tuple(RESULT_LISTS.values())
SEVERITY = ("ok", "needs_more_information", "out_of_scope", "invalid")


@cache
def project_model() -> DecisionModel:
    """The guideline's decision model, loaded as the build loads it."""
    return load_decision_model(load_sources(ROOT / "docs", ROOT)[GUIDELINE])


def _values(case: dict[str, Any]) -> dict[str, object]:
    values, errors = calculators.load(GUIDELINE).validate(case)
    assert not errors, errors
    return values


def _items(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [item for key in ITEM_LISTS for item in result[key]]


def assertion_breaches(case: dict[str, Any], result: Mapping[str, Any]) -> list[str]:
    """Items of the result whose text states what the case does not (their ``asserts:``)."""
    if result["status"] == "invalid":
        return []
    values = _values(case)
    model = project_model()
    breaches = []
    for item in _items(result):
        declared = model.item_named(item["id"])
        if declared is None:
            continue
        for condition in declared.asserts:
            value = values[condition.input]
            if value is None and _implied(case, condition):
                continue
            if not condition.test.matches(value):
                breaches.append(f"{item['id']} states {condition.input}: {condition.text}")
    return breaches


def _implied(case: dict[str, Any], condition: Condition) -> bool:
    """Whether the case implies what an unknown finding's test says: the other answer
    contradicts what the case states (e.g. no visceral involvement rules out a crisis)."""
    spec = next(spec for spec in project_model().inputs if spec.name == condition.input)
    if not spec.finding:
        return False
    others = [answer for answer in (True, False) if not condition.test.matches(answer)]
    calculator = calculators.load(GUIDELINE)
    return all(
        calculator.recommend({**case, condition.input: answer})["status"] == "invalid"
        for answer in others
    )


def _derived(result: Mapping[str, Any], name: str) -> tuple[bool, object]:
    """(known, value) of a table output in the result's trace; unknown when it depends on the
    answers to unknown findings."""
    for entry in result["trace"]:
        output = entry.get("output")
        if output is not None and output["name"] == name:
            varies = any(
                "rule" in branch or "skipped" in branch for branch in entry.get("branches", [])
            )
            return not varies, output["value"]
    return False, None


def _holds(
    condition: Condition, values: dict[str, object], result: Mapping[str, Any]
) -> bool | None:
    if condition.input in values:
        return condition.test.matches(values[condition.input])
    known, value = _derived(result, condition.input)
    return condition.test.matches(value) if known else None


def constraint_breaches(case: dict[str, Any], result: Mapping[str, Any]) -> list[str]:
    """The safety constraints a valid result breaks, each with what is wrong."""
    if result["status"] == "invalid":
        return []
    values = _values(case)
    model = project_model()
    found: list[str] = []
    for constraint in model.safety:
        holds = [_holds(condition, values, result) for condition in constraint.when]
        if False in holds or None in holds:
            continue
        found.extend(f"{constraint.id}: {problem}" for problem in _problems(constraint, result))
    return found


def _problems(constraint: SafetyConstraint, result: Mapping[str, Any]) -> list[str]:
    agents = AgentIndex(project_model().agents)
    items = _items(result)
    ids = {item["id"] for item in items}
    recommendations = result["recommendations"]
    problems = []
    for obligation in constraint.obligations:
        named = agents.expand(obligation.agents)
        unless = agents.expand(obligation.unless_with)
        if obligation.kind == "not_recommended":
            problems += [
                f"{item['id']} involves {sorted(named & set(item['agents']))}"
                for item in recommendations
                if named & set(item["agents"]) and not unless & set(item["agents"])
            ]
        elif obligation.kind == "not_first":
            if not set(obligation.items) <= ids or not obligation.items:
                problems += [
                    f"{item['id']} is ranked first"
                    for item in recommendations
                    if item["rank"] == "preferred" and named & set(item["agents"])
                ]
        elif obligation.kind == "present":
            problems += [
                f"{item_id} is missing" for item_id in obligation.items if item_id not in ids
            ]
        elif obligation.kind == "absent":
            problems += [f"{item_id} is given" for item_id in obligation.items if item_id in ids]
        elif obligation.kind == "status":
            assert obligation.status is not None
            if SEVERITY.index(result["status"]) < SEVERITY.index(obligation.status):
                problems.append(f"status {result['status']}")
        elif obligation.kind == "no_recommendations":
            problems += [f"{item['id']} is recommended" for item in recommendations]
        elif obligation.kind == "cited":
            problems += [
                f"{item['id']} cites nothing"
                for item in [*recommendations, *result["dosing"]]
                if not item["citations"]
            ]
    return problems
