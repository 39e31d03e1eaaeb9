"""Golden cases: one per branch of the source guideline, per unknown finding and per newer-guidance
pointer (tests/data/golden_cases.yml); and, over drawn cases, that a finding only the prognosis
depends on is asked for without holding the result back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calculators
from calculators.guidelines import metastatic_breast_cancer as compiled
from tests.support.paths import DATA
from tests.support.safety_checks import ITEM_LISTS, assertion_breaches, project_model

GOLDEN = DATA / "golden_cases.yml"
NEEDED_FOR = ("treatment", "advice", "prognosis")
FINDINGS = tuple(spec["name"] for spec in compiled.INPUTS if spec["finding"])
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))["cases"]


def _items(result: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for key in ITEM_LISTS for item in result[key]}


def _conditional(result: Mapping[str, Any]) -> dict[str, list[dict[str, bool]]]:
    return {item["id"]: group["when"] for group in result["conditional"] for item in group["items"]}


def _names_its_field(error: dict[str, str]) -> bool:
    """An error message starts with its field, or says that the field is unknown to the guideline
    ("unknown field '<field>'; did you mean ...")."""
    message, field = error["message"], error["field"]
    return message.startswith(field) or message.startswith(f"unknown field '{field}'")


def test_golden_case_names_are_unique() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names))


def test_every_newer_guidance_pointer_and_unknown_finding_has_a_golden_case() -> None:
    model = project_model()
    pointed = {item.id for item in model.items if item.newer_guidance is not None}
    covered = {item_id for case in CASES for item_id in case.get("newer_guidance", {})}
    assert pointed <= covered, sorted(pointed - covered)
    newer = {item.id for item in model.items if item.origin == "newer_guidance"}
    shown = {item_id for case in CASES for item_id in case.get("present", [])}
    assert newer <= shown, sorted(newer - shown)
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
    result: Mapping[str, Any] = calculators.recommend("metastatic-breast-cancer", golden["case"])
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
    if "preferred" in golden:
        first = [item["id"] for item in result["recommendations"] if item["rank"] == "preferred"]
        assert sorted(first) == sorted(golden["preferred"]), first
    for agent in golden.get("not_recommended", []):
        involving = [item["id"] for item in result["recommendations"] if agent in item["agents"]]
        assert not involving, (agent, involving)
    for item_id, agents in golden.get("agents", {}).items():
        assert items[item_id]["agents"] == agents, item_id
    for item_id, policies in golden.get("policies", {}).items():
        assert [policy["id"] for policy in items[item_id]["policies"]] == policies, item_id
    for item_id, fields in golden.get("doses", {}).items():
        dose = items[item_id]["dose"]
        assert {name: dose[name] for name in fields} == fields, (item_id, dose)
    for item_id, numbers in golden.get("newer_guidance", {}).items():
        pointer = items[item_id]["newer_guidance"]
        assert pointer is not None, item_id
        assert pointer["citations"] == numbers, item_id
        assert pointer["text"].startswith("Newer guidance"), item_id
    if "errors" in golden:
        assert [error["field"] for error in result["errors"]] == golden["errors"]
        assert all(_names_its_field(error) for error in result["errors"]), result["errors"]
    messages = {error["field"]: error["message"] for error in result["errors"]}
    for field, phrase in golden.get("error_texts", {}).items():
        assert phrase in messages[field], messages.get(field)
    if golden.get("no_recommendations"):
        assert result["recommendations"] == []
    if "asks" in golden:
        asked = [item["field"] for item in result["workup"] if item.get("field")]
        assert sorted(asked) == sorted(golden["asks"]), asked
        for item in result["workup"]:
            if item.get("field"):
                assert "not stated" in item["text"], item["text"]
    asked_for = {
        item["field"]: item["needed_for"] for item in result["workup"] if item.get("field")
    }
    assert set(asked_for.values()) <= set(NEEDED_FOR), asked_for
    for field, purpose in golden.get("needed_for", {}).items():
        assert asked_for.get(field) == purpose, (field, asked_for.get(field))
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


# --- A finding that only changes the prognosis is asked for, never waited for ---------------------


LIVER_FIELDS = ("bilirubin_uln", "ast_alt_uln", "alkaline_phosphatase_uln")
# Within the docetaxel label's limits, at them, bilirubin above them, enzymes above them.
LIVER_TESTS = ((0.8, 1.0, 1.0), (1.0, 1.5, 2.5), (2.0, 1.0, 1.0), (0.8, 2.0, 3.0))
SITES = (None, 1, 2, 3, 5)


@st.composite
def _stated_case(draw: st.DrawFn, route: str) -> dict[str, object]:
    """A coherent case that states every finding: hormone-receptor-positive, HER2-negative and
    postmenopausal, or triple-negative with the ECOG and the liver tests given."""
    maybe = st.booleans()
    case: dict[str, object] = {
        "sex": "female",
        "her2_ihc": draw(st.sampled_from([None, "0", "1+"])),
        "her2_status": "negative",
    }
    if route == "hr_positive":
        case |= {
            "er_status": "positive",
            "pr_status": draw(st.sampled_from(["positive", "negative", "unknown"])),
            "menopausal_status": "postmenopausal",
            "pregnant": False,
            "ecog": draw(st.sampled_from([None, 0, 1, 2, 3, 4])),
        }
        liver = draw(st.sampled_from([None, *LIVER_TESTS]))
    else:
        case |= {
            "er_status": "negative",
            "pr_status": "negative",
            "menopausal_status": draw(
                st.sampled_from(["premenopausal", "perimenopausal", "postmenopausal", "unknown"])
            ),
            "ecog": draw(st.integers(0, 4)),
        }
        case["pregnant"] = case["menopausal_status"] != "postmenopausal" and draw(maybe)
        liver = draw(st.sampled_from(LIVER_TESTS))
    if liver is not None:
        case |= dict(zip(LIVER_FIELDS, liver, strict=True))
    locoregional = draw(st.sampled_from([False, False, False, True]))
    visceral = not locoregional and draw(maybe)
    crisis = visceral and draw(maybe)
    prior_endocrine = draw(maybe)
    prior_trastuzumab = draw(maybe)
    case |= {
        "isolated_locoregional_recurrence": locoregional,
        "visceral_involvement": visceral,
        "visceral_crisis": crisis,
        "indolent_disease": not crisis and draw(maybe),
        "bulky_disease": draw(maybe),
        "refuses_chemotherapy": draw(maybe),
        "prior_endocrine_therapy": prior_endocrine,
        "endocrine_resistance": prior_endocrine and draw(maybe),
        "prior_anthracycline": draw(maybe),
        "prior_trastuzumab": prior_trastuzumab,
        "months_since_adjuvant_trastuzumab": draw(st.sampled_from([None, 6, 30]))
        if prior_trastuzumab
        else None,
        "responded_to_previous_chemotherapy": draw(maybe),
        "cardiac_dysfunction": draw(maybe),
        "number_of_metastatic_sites": None if locoregional else draw(st.sampled_from(SITES)),
        "disease_free_interval_months": draw(st.sampled_from([None, 6, 12, 18, 24, 36])),
        "chemotherapy_line": draw(st.sampled_from([None, 1, 2, 3, 4])),
        "lvef_percent": draw(st.sampled_from([None, 30, 55])),
        "bone_metastases": not locoregional and draw(maybe),
        "cns_metastases": not locoregional and draw(maybe),
        "weight_kg": draw(st.sampled_from([None, 70])),
    }
    return case


STATED_CASES = st.one_of(_stated_case("hr_positive"), _stated_case("triple_negative"))


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(STATED_CASES)
def test_an_unknown_that_changes_only_the_prognosis_is_not_waited_for(case: dict[str, Any]) -> None:
    """Unset one finding at a time of a case that states every finding: an unknown the result asks
    for the prognosis only (or not at all) does not make it wait (needs_more_information) unless
    the fully stated case waits too; one it asks for the treatment does make it wait. (Unsetting a
    finding can also lift a wait: cardiac dysfunction answered no against a low LVEF.)"""
    stated: Mapping[str, Any] = calculators.recommend("metastatic-breast-cancer", case)
    assert stated["status"] != "invalid", stated["errors"]
    for finding in FINDINGS:
        result: Mapping[str, Any] = calculators.recommend(
            "metastatic-breast-cancer", {**case, finding: None}
        )
        asks = [item for item in result["workup"] if item.get("field")]
        assert {item["field"] for item in asks} <= {finding}, (finding, asks)
        purposes = {item["needed_for"] for item in asks}
        if purposes <= {"prognosis"} and result["status"] == "needs_more_information":
            assert stated["status"] == "needs_more_information", (finding, purposes, case)
        if "treatment" in purposes:
            assert result["status"] != "ok", (finding, case)
