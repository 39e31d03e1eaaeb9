"""Golden cases: one per branch of the source guideline (tests/data/golden_cases.yml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import calculators

GOLDEN = Path(__file__).parent / "data" / "golden_cases.yml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
ITEM_LISTS = (
    "prognosis_reasons", "recommendations", "warnings", "monitoring", "supportive_care", "workup",
    "dosing",
)


def _items(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for key in ITEM_LISTS for item in result[key]}


def test_golden_case_names_are_unique() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("golden", CASES, ids=[case["name"] for case in CASES])
def test_golden_case(golden: dict[str, Any]) -> None:
    result = calculators.recommend("metastatic-breast-cancer", golden["case"])
    assert result["status"] == golden["status"], result["errors"]
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
    if "errors" in golden:
        assert [error["field"] for error in result["errors"]] == golden["errors"]
        assert all(error["message"].startswith(error["field"]) for error in result["errors"])
    if golden.get("no_recommendations"):
        assert result["recommendations"] == []
    if result["status"] == "invalid":
        assert not items
        assert result["prognosis"] is None
