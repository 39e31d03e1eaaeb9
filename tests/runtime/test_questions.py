"""The next question (calculators/runtime/questions.py): the unstated findings a result asks for,
the most decisive first, each answer with what it leads to. Checked against brute force (each
answer recommended again from scratch) on the golden cases, and on the cases a clinician meets."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import calculators
from calculators.runtime.results import ItemList, Question, Result
from tests.support.paths import DATA

GUIDELINE = "metastatic-breast-cancer"
CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "golden_cases.yml").read_text())["cases"]
COUNTED: tuple[ItemList, ...] = ("recommendations", "warnings", "dosing")
LISTS: dict[str, ItemList] = {
    "recommendation": "recommendations",
    "warning": "warnings",
    "dosing": "dosing",
}
HR_POSITIVE_ALL_BUT_VISCERAL_CRISIS = {
    "sex": "female",
    "menopausal_status": "postmenopausal",
    "er_status": "positive",
    "pr_status": "positive",
    "her2_ihc": "0",
    "ecog": 1,
    "isolated_locoregional_recurrence": False,
    "pregnant": False,
    "endocrine_resistance": False,
    "prior_endocrine_therapy": False,
    "refuses_chemotherapy": False,
    "cardiac_dysfunction": False,
    "prior_anthracycline": False,
}


def _questions(case: dict[str, Any]) -> list[Question]:
    return calculators.questions(GUIDELINE, case)


def _recommend(case: dict[str, Any]) -> Result:
    return calculators.recommend(GUIDELINE, case)


def _placements(result: Result) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {
        (key, item["id"]): item.get("rank") or "listed" for key in COUNTED for item in result[key]
    }
    for group in result["conditional"]:
        for item in group["items"]:
            if item["kind"] in LISTS:
                found.setdefault((LISTS[item["kind"]], item["id"]), "depends")
    return found


def _brute_force_changes(case: dict[str, Any], field: str) -> int | None:
    """How many recommendations, cautions and doses the answers to ``field`` place differently,
    each answer recommended from scratch; None when no answer gives a valid case."""
    fresh = calculators.Calculator(calculators.load(GUIDELINE).spec)
    results = [fresh.recommend({**case, field: value}) for value in (True, False)]
    placements = [_placements(result) for result in results if result["status"] != "invalid"]
    if not placements:
        return None
    keys = set().union(*placements)
    return sum(1 for key in keys if len({p.get(key) for p in placements}) > 1)


@pytest.mark.parametrize("golden", CASES, ids=[case["name"] for case in CASES])
def test_every_finding_asked_is_a_question_ranked_by_what_it_changes(
    golden: dict[str, Any],
) -> None:
    case = golden["case"]
    result = _recommend(case)
    questions = _questions(case)
    if result["status"] == "invalid":
        assert questions == []
        return
    asked = [item["field"] for item in result["workup"] if item.get("field")]
    assert sorted(question["field"] for question in questions) == sorted(asked)
    for question in questions:
        assert question["changes"] == _brute_force_changes(case, question["field"])
        for answer in question["answers"]:
            assert answer["text"].startswith(("yes: ", "no: "))
            assert answer["patient_text"].startswith(("yes: ", "no: "))
            assert answer["status"] != "invalid"
    # Scope questions first, then the most decisive.
    scopes = [question["scope"] for question in questions]
    assert scopes == sorted(scopes, reverse=True)
    rest = [question["changes"] for question in questions if not question["scope"]]
    assert rest == sorted(rest, reverse=True)


def test_visceral_crisis_decides_chemotherapy_or_endocrine_therapy_first() -> None:
    questions = _questions(HR_POSITIVE_ALL_BUT_VISCERAL_CRISIS)
    first = questions[0]
    assert first["field"] == "visceral_crisis"
    assert first["scope"] is False
    yes, no = first["answers"]
    assert (yes["value"], no["value"]) == (True, False)
    assert yes["text"].startswith(
        "yes: first choice in the source: start with chemotherapy rather than endocrine therapy"
    )
    assert no["text"].startswith(
        "no: first choice in the source: endocrine therapy is the first-line treatment"
    )
    assert "visceral-crisis-chemotherapy" in [item["id"] for item in yes["first_choice"]]
    assert "endocrine-first-line" in [item["id"] for item in no["first_choice"]]


def test_a_scope_question_is_asked_first() -> None:
    """Whether the disease is metastatic or an isolated local recurrence routes the whole
    guideline: asked before anything the metastatic route needs."""
    case = {**HR_POSITIVE_ALL_BUT_VISCERAL_CRISIS, "isolated_locoregional_recurrence": None}
    questions = _questions(case)
    assert questions[0]["field"] == "isolated_locoregional_recurrence"
    assert questions[0]["scope"] is True
    assert questions[1]["field"] == "visceral_crisis"


def test_an_answer_that_leaves_the_scope_says_so() -> None:
    case = {
        **HR_POSITIVE_ALL_BUT_VISCERAL_CRISIS,
        "menopausal_status": "premenopausal",  # after menopause, "not pregnant" is implied
        "visceral_crisis": False,
        "pregnant": None,
    }
    question = _questions(case)[0]
    assert question["field"] == "pregnant"
    assert question["scope"] is True
    yes = question["answers"][0]
    assert yes["status"] == "out_of_scope"
    assert yes["text"] == "yes: outside this guideline's scope"
    assert yes["patient_text"] == "yes: this guide does not cover it"


def test_a_caution_an_answer_adds_is_named() -> None:
    case = {
        "sex": "female",
        "er_status": "negative",
        "pr_status": "negative",
        "her2_ihc": "3+",
        "ecog": 1,
        "weight_kg": 70,
        "isolated_locoregional_recurrence": False,
        "visceral_crisis": False,
        "pregnant": False,
        "indolent_disease": False,
        "refuses_chemotherapy": False,
        "prior_trastuzumab": False,
    }
    question = _questions(case)[0]
    assert question["field"] == "cardiac_dysfunction"
    yes, no = question["answers"]
    assert "; adds the caution: " in yes["text"]
    assert yes["adds"]
    assert all(item["id"] for item in yes["adds"])
    # Known cardiac dysfunction: trastuzumab is never first; without it, it is.
    assert yes["first_choice"] == []
    assert yes["text"].startswith("yes: no treatment ranked first in the source")
    assert no["first_choice"][0]["id"] == "trastuzumab-chemotherapy"


def test_nothing_asked_no_question_and_an_invalid_case_none() -> None:
    assert _questions({"er_status": "positive"}) == []  # sex is required
    complete = {**HR_POSITIVE_ALL_BUT_VISCERAL_CRISIS, "visceral_crisis": False}
    asked = [item["field"] for item in _recommend(complete)["workup"] if item.get("field")]
    assert [q["field"] for q in _questions(complete)] == asked
