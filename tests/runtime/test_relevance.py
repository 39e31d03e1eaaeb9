"""Field relevance (calculators/runtime/relevance.py): for a case, which fields could change its
result, and why the others cannot. Checked against brute force (every probe value of every
field, each case recommended again) on the golden cases, on the worked examples the calculator
page shows, and through the worker's entry exactly as worker.js calls it."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
import yaml

import calculators
from build_tools.tables import load_decision_model
from build_tools.tables.codegen import probe_values
from build_tools.tables.regions import Domains
from calculators.runtime import browser_entry
from calculators.runtime.relevance import relevance
from calculators.runtime.results import FieldRelevance, Relevance
from tests.support.paths import DATA
from tests.support.relevance_checks import brute_force_partners, brute_force_relevance
from tests.support.tables import demo_calculator, demo_source

GUIDELINE = "metastatic-breast-cancer"
CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "golden_cases.yml").read_text())["cases"]
HER2_POSITIVE = {
    "sex": "female",
    "isolated_locoregional_recurrence": False,
    "her2_ihc": "3+",
    "er_status": "negative",
    "pr_status": "negative",
    "weight_kg": 70,
}


INVALID: Relevance = {"status": "invalid", "fields": []}


def _fields(answer: Relevance) -> dict[str, FieldRelevance]:
    return {field["field"]: field for field in answer["fields"]}


# Brute force over every golden case (~14 s): the fast tier samples it on drawn cases
# (test_guideline_properties.py) and on the demo guideline (test_the_demo_guideline, below).
@pytest.mark.slow
@pytest.mark.parametrize("golden", CASES, ids=[case["name"] for case in CASES])
def test_relevance_is_what_brute_force_finds(golden: dict[str, Any]) -> None:
    real = calculators.load(GUIDELINE)
    # Brute force on a calculator of its own: what it reuses from case to case is not shared.
    expected = brute_force_relevance(calculators.Calculator(real.spec), golden["case"])
    answer = relevance(real, golden["case"])
    if expected is None:
        assert answer == INVALID
        return
    assert answer["status"] == calculators.recommend(GUIDELINE, golden["case"])["status"]
    assert {name: field["needed"] for name, field in _fields(answer).items()} == expected
    for field in _fields(answer).values():
        # A reason for every field that is not needed, and for those only.
        assert (field["reason"] is None) == field["needed"]
        if field["reason"] is not None:
            assert set(field["reason"]) == {"text", "patient_text"}
            if field["jointly"]:
                # Never "not needed" when it decides something with another field.
                assert field["reason"]["text"].startswith("Not decisive while ")
                assert field["reason"]["patient_text"].startswith("This answer does not change")
            else:
                assert field["reason"]["text"].startswith("Not needed")
                assert field["reason"]["patient_text"].startswith("Not needed for your situation")


@pytest.mark.slow
@pytest.mark.parametrize("golden", CASES, ids=[case["name"] for case in CASES])
def test_co_deciding_fields_are_what_brute_force_over_pairs_finds(golden: dict[str, Any]) -> None:
    """A field that is not needed alone but decides a table together with another of its
    inputs (ER and PR: each makes the case hormone-receptor positive) names that field, and only
    such fields; checked against every pair of values, each case recommended from scratch."""
    real = calculators.load(GUIDELINE)
    answer = relevance(real, golden["case"])
    if answer["status"] in ("invalid", "out_of_scope"):
        return
    fresh = calculators.Calculator(real.spec)
    for field in _fields(answer).values():
        if field["needed"]:
            assert field["jointly"] == []
            continue
        named = {partner["field"] for partner in field["jointly"]}
        assert named == brute_force_partners(fresh, golden["case"], field["field"]), field["field"]


def test_every_declared_field_once_in_the_form_order_as_json() -> None:
    answer = calculators.relevance(GUIDELINE, HER2_POSITIVE)
    spec = calculators.load(GUIDELINE).spec
    assert [field["field"] for field in answer["fields"]] == [i.name for i in spec.inputs]
    assert all(
        list(field) == ["field", "needed", "jointly", "reason"] for field in answer["fields"]
    )
    assert json.loads(json.dumps(answer)) == answer


def test_ihc_3_plus_makes_fish_unneeded_and_says_why() -> None:
    fields = _fields(calculators.relevance(GUIDELINE, HER2_POSITIVE))
    assert fields["her2_ihc"]["needed"] is True
    fish = fields["her2_fish"]
    assert fish["needed"] is False
    # Not "not needed": FISH decides HER2 status too, whenever IHC is not 3+.
    assert fish["jointly"] == [{"field": "her2_ihc", "values": ["0", "1+", "2+", None]}]
    assert fish["reason"] == {
        "text": "Not decisive while “HER2 immunohistochemistry (IHC) score” is 3+: it would "
        "change the result if it were 0, 1+, 2+ or not stated.",
        "patient_text": "This answer does not change the advice while your answer to “HER2 IHC "
        "score” is 3+; it would if that answer were 0, 1+, 2+ or not stated.",
    }


def test_er_and_pr_each_decide_and_neither_is_called_unneeded() -> None:
    """Each is sufficient alone, so neither changes the result on its own: each note says
    what the other does, never that the receptor result does not matter."""
    case = {**HER2_POSITIVE, "er_status": "positive", "pr_status": "positive"}
    fields = _fields(calculators.relevance(GUIDELINE, case))
    for name, other, label in (
        ("er_status", "pr_status", "Progesterone receptor (PR)"),
        ("pr_status", "er_status", "Estrogen receptor (ER)"),
    ):
        assert fields[name]["needed"] is False
        assert fields[name]["jointly"] == [{"field": other, "values": ["negative", "unknown"]}]
        reason = fields[name]["reason"]
        assert reason is not None
        assert reason["text"] == (
            f"Not decisive while “{label}” is positive: it would change the result if it were "
            "negative or unknown."
        )
        assert "Not needed" not in reason["patient_text"]


def test_a_trastuzumab_dose_needs_the_weight() -> None:
    case = {**HER2_POSITIVE, "cardiac_dysfunction": False, "pregnant": False}
    result = calculators.recommend(GUIDELINE, case)
    assert any(item["id"] == "trastuzumab-loading-dose" for item in result["dosing"])
    assert _fields(calculators.relevance(GUIDELINE, case))["weight_kg"]["needed"] is True
    # Without a weight the dose cannot be computed: the weight is needed too.
    unweighed = {**case, "weight_kg": None}
    assert _fields(calculators.relevance(GUIDELINE, unweighed))["weight_kg"]["needed"] is True


def test_no_dose_no_weight() -> None:
    case = {**HER2_POSITIVE, "her2_ihc": "0", "menopausal_status": "postmenopausal"}
    weight = _fields(calculators.relevance(GUIDELINE, case))["weight_kg"]
    assert weight["needed"] is False
    assert weight["reason"] == {
        "text": "Not needed for this case: “Trastuzumab dosing and safety” does not apply.",
        "patient_text": "Not needed for your situation: the part of the guide that uses it "
        "does not apply.",
    }


def test_out_of_scope_needs_nothing_but_what_puts_it_there() -> None:
    fields = _fields(calculators.relevance(GUIDELINE, {"sex": "male", "her2_ihc": "3+"}))
    assert [name for name, field in fields.items() if field["needed"]] == ["sex"]
    assert fields["menopausal_status"]["reason"] == {
        "text": "Not needed for this case: out of the guideline's scope (sex: male).",
        "patient_text": "Not needed for your situation: this guide does not cover it.",
    }


def test_an_unknown_finding_the_result_depends_on_is_needed() -> None:
    case = {**HER2_POSITIVE, "cardiac_dysfunction": None}
    result = calculators.recommend(GUIDELINE, case)
    assert any(item.get("field") == "cardiac_dysfunction" for item in result["workup"])
    assert _fields(calculators.relevance(GUIDELINE, case))["cardiac_dysfunction"]["needed"]


def test_no_answer_changes_it() -> None:
    """Read by a table that ran, yet no value changes the result, not even with another value
    of a field read with it: the last reason."""
    case = {**HER2_POSITIVE, "her2_ihc": "0", "menopausal_status": "postmenopausal"}
    trastuzumab = _fields(calculators.relevance(GUIDELINE, case))["prior_trastuzumab"]
    assert trastuzumab == {
        "field": "prior_trastuzumab",
        "needed": False,
        "jointly": [],
        "reason": {
            "text": "Not needed: no answer to it changes the result for this case.",
            "patient_text": "Not needed for your situation: no answer to it changes the advice.",
        },
    }


def test_a_field_that_matters_only_with_another_says_which() -> None:
    """Lytic bone metastases change nothing while bone metastases are absent: the note says
    so, rather than that the answer does not matter."""
    case = {**HER2_POSITIVE, "bone_metastases": False}
    lytic = _fields(calculators.relevance(GUIDELINE, case))["bone_metastases_lytic"]
    assert lytic == {
        "field": "bone_metastases_lytic",
        "needed": False,
        "jointly": [{"field": "bone_metastases", "values": [True]}],
        "reason": {
            "text": "Not decisive while “Bone metastases” is no: it would change the result if "
            "it were yes.",
            "patient_text": "This answer does not change the advice while your answer to "
            "“Spread to the bones” is no; it would if that answer were yes.",
        },
    }


@pytest.mark.parametrize(
    "case",
    [
        {"er_status": "positive"},  # sex is required
        {"sex": "female", "weight_kg": "heavy"},
        # A contradiction the tables report: HER2 stated negative with IHC 3+.
        {"sex": "female", "her2_status": "negative", "her2_ihc": "3+"},
    ],
)
def test_an_invalid_case_has_no_relevance(case: dict[str, object]) -> None:
    assert calculators.relevance(GUIDELINE, case) == INVALID


def test_the_demo_guideline() -> None:
    """Another guideline: the reasons come from its own tables and labels."""
    demo = demo_calculator()
    case = {"sex": "female", "marker_a": "positive", "marker_b": "negative", "weight_kg": 60}
    fields = _fields(relevance(demo, case))
    assert brute_force_relevance(demo, case) == {
        name: field["needed"] for name, field in fields.items()
    }
    assert fields["marker_b"]["reason"] is not None
    assert fields["marker_b"]["reason"]["text"] == (
        "Not decisive while “Marker A” is positive: it would change the result if it were "
        "negative or unknown."
    )
    assert fields["weight_kg"]["needed"] is True  # drug A's dose


def test_the_probe_values_stand_for_every_value() -> None:
    spec = calculators.load(GUIDELINE).spec
    for field in spec.inputs:
        probes = list(field.probes)
        if field.type == "enum":
            assert set(field.values) <= set(probes), field.name
        elif field.type == "boolean":
            assert {False, True} <= set(probes), field.name
        else:
            assert len([value for value in probes if value is not None]) >= 2, field.name
        # A form can leave a finding unknown: null is tried for every nullable field.
        assert (None in probes) == (field.nullable or field.finding), field.name
    by_name = {field.name: field.probes for field in spec.inputs}
    assert {12, 24} <= set(by_name["disease_free_interval_months"])  # the prognosis thresholds
    assert 4 in by_name["chemotherapy_line"]  # beyond the third line


def test_a_number_no_table_splits_still_gets_two_probe_values() -> None:
    """A dose changes with any weight: one value would not show it."""
    model = load_decision_model(demo_source())
    weight = next(field for field in model.inputs if field.name == "weight_kg")
    unbounded = replace(weight, minimum=None, maximum=None)
    model = replace(model, inputs=tuple(unbounded if f is weight else f for f in model.inputs))
    assert probe_values(model, Domains.of(model))["weight_kg"] == [0, 1, None]


# --- the worker's entry ----------------------------------------------------------------------

FRAGMENTS = (
    "",
    "sex=female&her2_ihc=3%2B&weight_kg=70",
    "sex=male",
    "weight_kg=not-a-number",
)


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_the_browser_entry_gives_the_case_and_its_relevance(fragment: str) -> None:
    # worker.js: relevance_json(String(guideline), "fragment", String(fragment))
    text = browser_entry.relevance_json(GUIDELINE, "fragment", fragment)
    case = calculators.case_from_fragment(GUIDELINE, fragment)
    expected = {
        "case": case,
        "relevance": calculators.relevance(GUIDELINE, case),
        "questions": calculators.questions(GUIDELINE, case),
    }
    assert text == json.dumps(expected, ensure_ascii=False)
    by_json = browser_entry.relevance_json(GUIDELINE, "json", json.dumps(case))
    assert by_json == text
