"""Golden cases: one per branch of the source guideline, per unknown finding and per newer-guidance
pointer (tests/data/golden_cases.yml)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import calculators
from tests.support.paths import DATA
from tests.support.safety_checks import ITEM_LISTS, assertion_breaches, project_model

GOLDEN = DATA / "golden_cases.yml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))["cases"]


def _items(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for key in ITEM_LISTS for item in result[key]}


def _conditional(result: dict[str, Any]) -> dict[str, list[dict[str, bool]]]:
    return {item["id"]: group["when"] for group in result["conditional"] for item in group["items"]}


def test_golden_case_names_are_unique() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names))


def test_every_newer_guidance_pointer_and_unknown_finding_has_a_golden_case() -> None:
    model = project_model()
    pointed = {item.id for item in model.items if item.newer_guidance is not None}
    covered = {item_id for case in CASES for item_id in case.get("newer_guidance", {})}
    assert pointed <= covered, sorted(pointed - covered)
    findings = {spec.name for spec in model.inputs if spec.finding}
    unknown = {
        name
        for case in CASES
        if case["name"].startswith("unknown-")
        for name, value in case["case"].items()
        if value is None
    } | {name for case in CASES for name in case.get("asks", [])}
    assert findings <= unknown, sorted(findings - unknown)


@pytest.mark.parametrize("golden", CASES, ids=[case["name"] for case in CASES])
def test_golden_case(golden: dict[str, Any]) -> None:
    result: dict[str, Any] = calculators.recommend("metastatic-breast-cancer", golden["case"])
    assert result["status"] == golden["status"], (result["errors"], result["workup"])
    if "prognosis" in golden:
        assert result["prognosis"] == golden["prognosis"]
    items = _items(result)
    missing = [item_id for item_id in golden.get("present", []) if item_id not in items]
    assert not missing, f"missing {missing}; got {sorted(items)}"
    unexpected = [item_id for item_id in golden.get("absent", []) if item_id in items]
    assert not unexpected, f"unexpected {unexpected}"
    for item_id, numbers in golden.get("citations", {}).items():
        assert items[item_id]["citations"] == numbers, item_id
    for item_id, phrase in golden.get("texts", {}).items():
        assert phrase in items[item_id]["text"], item_id
    for item_id, rank in golden.get("ranks", {}).items():
        assert items[item_id]["rank"] == rank, item_id
    for item_id, numbers in golden.get("newer_guidance", {}).items():
        pointer = items[item_id]["newer_guidance"]
        assert pointer is not None, item_id
        assert pointer["citations"] == numbers, item_id
        assert pointer["text"].startswith("Newer guidance"), item_id
    if "errors" in golden:
        assert [error["field"] for error in result["errors"]] == golden["errors"]
        assert all(error["message"].startswith(error["field"]) for error in result["errors"])
    if golden.get("no_recommendations"):
        assert result["recommendations"] == []
    if "asks" in golden:
        asked = [item["field"] for item in result["workup"] if item.get("field")]
        assert sorted(asked) == sorted(golden["asks"]), asked
        for item in result["workup"]:
            if item.get("field"):
                assert "not stated" in item["text"], item["text"]
    conditional = _conditional(result)
    for item_id, when in golden.get("conditional", {}).items():
        assert conditional.get(item_id) == when, (item_id, conditional.get(item_id))
    if result["status"] == "invalid":
        assert not items
        assert result["prognosis"] is None
    # What holds of every result: the notices, and no item states what the case does not.
    assert [notice["id"] for notice in result["notices"]] == ["currency", "review-status"]
    assert "not approved" in result["notices"][1]["text"]
    assert assertion_breaches(golden["case"], result) == []


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_one_calculator_through_every_golden_case_answers_as_a_fresh_one(order: str) -> None:
    """A page's calculator sees case after case and reuses what earlier cases share with the
    new one: through the golden cases in either order, each result is a fresh calculator's."""
    spec = calculators.load("metastatic-breast-cancer").spec
    shared = calculators.Calculator(spec)
    for golden in CASES if order == "forward" else CASES[::-1]:
        fresh = calculators.Calculator(spec).recommend(golden["case"])
        assert shared.recommend(golden["case"]) == fresh, golden["name"]
