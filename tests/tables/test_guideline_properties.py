"""Properties over the whole case space of the metastatic breast cancer guideline.

Hypothesis draws cases from every declared input (missing, null, valid and out-of-range values;
a finding missing or null is unknown) and checks that evaluation never fails, that every valid
case gets a status and items, that the declared safety constraints and item assertions hold on
the real results (unknown findings included), that what depends on an unknown finding is held
apart and asked for, and that the source's critical pitfalls hold as invariants. ``derandomize``
keeps CI runs identical. Each property runs its full count in the slow tier and a sample of the
same draws in the fast one (tests/support/examples.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import calculators
from build_tools.tables.domain import DomainValue
from build_tools.tables.prove import case_fragment
from calculators.guidelines import metastatic_breast_cancer as compiled
from calculators.runtime.relevance import relevance
from tests.support.examples import sample
from tests.support.relevance_checks import brute_force_relevance
from tests.support.safety_checks import ITEM_LISTS, assertion_breaches, constraint_breaches

GUIDELINE = "metastatic-breast-cancer"
CALCULATOR = calculators.load(GUIDELINE)
MISSING = object()
STATUSES = ("ok", "needs_more_information", "out_of_scope", "invalid")

TRASTUZUMAB_FIRST_LINE = {  # ranked first, or second when a caution holds it back
    "trastuzumab-chemotherapy",
    "trastuzumab-single-agent",
    "trastuzumab-chemotherapy-not-first",
    "trastuzumab-single-agent-not-first",
}
ENDOCRINE_THERAPY = {
    "endocrine-first-line",
    "endocrine-switch-after-resistance",
    "endocrine-switch-before-menopause",
    "endocrine-deferred-visceral-crisis",
    "endocrine-pending-her2",
    "endocrine-not-withheld-her2-positive",
}
FINDINGS = {spec["name"] for spec in compiled.INPUTS if spec["finding"]}


def _field_strategy(
    spec: Mapping[str, Any], *, valid_only: bool, wrong_types: bool
) -> st.SearchStrategy[object]:
    """Values of one field: valid ones, null and missing; unless ``valid_only`` also unknown and
    out-of-range values, and with ``wrong_types`` a number given as text."""
    kind = spec["type"]
    absent: list[object] = [MISSING, None]
    if kind == "enum":
        return st.sampled_from([*spec["values"], *absent] + ([] if valid_only else ["bogus"]))
    if kind == "boolean":
        # Biased to false so that fewer cases are contradictory (and invalid); a finding left
        # out or null is unknown, and is evaluated both ways.
        return st.sampled_from([False, False, True, *absent])
    low = spec["min"] if spec["min"] is not None else 0
    high = spec["max"] if spec["max"] is not None else low + 60
    if kind == "integer":
        values = st.integers(low, high) if valid_only else st.integers(low - 2, high + 2)
        return st.one_of(values, st.sampled_from(absent))
    decimals = st.integers(int(low * 10), int(high * 10)).map(lambda tenths: tenths / 10)
    wrong = [] if valid_only else [low - 1, high + 1, *(["12"] if wrong_types else [])]
    return st.one_of(decimals, st.sampled_from([*absent, *wrong]))


def _drawn_case(valid_only: bool, wrong_types: bool = True) -> st.SearchStrategy[dict[str, object]]:
    fields = {
        spec["name"]: _field_strategy(spec, valid_only=valid_only, wrong_types=wrong_types)
        for spec in compiled.INPUTS
    }
    fields["sex"] = st.sampled_from(["female"] * 8 + ["male"] + ([] if valid_only else [MISSING]))
    if valid_only:
        fields["isolated_locoregional_recurrence"] = st.sampled_from([False] * 7 + [True])
    return st.fixed_dictionaries(fields).map(
        lambda drawn: {name: value for name, value in drawn.items() if value is not MISSING}
    )


def _coherent(case: dict[str, object]) -> dict[str, object]:
    """Repair the contradictions the guideline rejects, so that most drawn cases are valid."""
    if case.get("isolated_locoregional_recurrence") is True:
        distant = ("visceral_involvement", "visceral_crisis", "bone_metastases", "cns_metastases")
        for name in distant:
            case[name] = False
        case["number_of_metastatic_sites"] = 0
    if case.get("visceral_crisis") is True:
        case["visceral_involvement"] = True
    if case.get("bone_metastases") is not True:
        case["bone_metastases_lytic"] = case["bone_metastases_symptomatic"] = False
    if case.get("endocrine_resistance") is True:
        case["prior_endocrine_therapy"] = True
    if case.get("chemotherapy_line") == 1:
        case.pop("responded_to_previous_chemotherapy", None)
    if case.get("her2_ihc") is not None or case.get("her2_fish") is not None:
        case.pop("her2_status", None)  # the stated status could contradict the tests
    return case


Cases = st.SearchStrategy[dict[str, object]]


def _mixture(unconstrained: Cases) -> Cases:
    """Three coherent cases for one unconstrained case: coherent cases exercise the tables, the
    others the validation and the contradiction rules."""
    coherent = _drawn_case(valid_only=True).map(_coherent)
    return st.sampled_from([True, True, True, False]).flatmap(
        lambda pick_coherent: coherent if pick_coherent else unconstrained
    )


CASES = _mixture(_drawn_case(valid_only=False))
# A fragment cannot tell the number 12 from the text "12", so the JSON side never sends the text.
TYPED_CASES = _mixture(_drawn_case(valid_only=False, wrong_types=False))


def _items(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [item for key in ITEM_LISTS for item in result[key]]


def _held(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The items that hold under some answers only."""
    return [item for group in result["conditional"] for item in group["items"]]


def _output(result: Mapping[str, Any], name: str) -> object:
    for entry in result["trace"]:
        output = entry.get("output")
        if output is not None and output["name"] == name:
            return output["value"]
    raise AssertionError(f"no table outputs {name}")


EVERY_CASE = settings(
    max_examples=6_000,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
EDITED = settings(max_examples=400, derandomize=True, deadline=None)
RELEVANCE_EDITED = settings(max_examples=60, derandomize=True, deadline=None)
FRAGMENTS = settings(max_examples=2_000, derandomize=True, deadline=None)


def _coherent_and_safe(case: dict[str, object]) -> None:
    result: Mapping[str, Any] = calculators.recommend(GUIDELINE, case)
    assert result["status"] in STATUSES
    event(f"status {result['status']}")
    assert [notice["id"] for notice in result["notices"]] == ["currency", "review-status"]
    items = _items(result)
    if result["status"] == "invalid":
        assert result["errors"]
        for error in result["errors"]:
            assert error["field"] is None or error["message"].startswith(error["field"])
        assert items == []
        assert result["prognosis"] is None
        return
    assert result["errors"] == []
    assert items, "a valid case always gets at least one item"
    # The declared safety constraints and item assertions hold: the build proves them for every
    # stated case; here the runtime keeps them for cases that leave findings unknown.
    assert constraint_breaches(case, result) == []
    assert assertion_breaches(case, result) == []
    recommendations = result["recommendations"]
    ranks = [item["rank"] for item in recommendations]
    assert ranks == sorted(ranks, key=["preferred", "alternative"].index)
    for item in [*items, *_held(result)]:
        if item.get("field"):  # the work-up item of an unknown finding
            assert item["field"] in FINDINGS
            assert case.get(item["field"]) is None
            continue
        assert item["href"] == f"{GUIDELINE}/{item['section']}/#{item['anchor']}"
    asked = {item["field"] for item in result["workup"] if item.get("field")}
    for group in result["conditional"]:
        for cube in group["when"]:
            assert cube, "a conditional item holds under some answers"
            assert set(cube) <= asked, "every answer an item needs is asked for"
            assert all(case.get(name) is None for name in cube), "only unknown findings"
        if any(item["kind"] in ("recommendation", "dosing") for item in group["items"]):
            assert result["status"] != "ok", "advice that waits for an answer is not ok yet"
    for item in recommendations + result["dosing"]:
        assert item["citations"], f"{item['id']} must cite"
    for item in recommendations:
        assert "high-dose" not in item["text"]
        assert "stem-cell" not in item["text"]
    if _output(result, "scope") != "metastatic" or result["status"] == "out_of_scope":
        return  # out of the source's algorithm (men, pregnancy): no treatment to check
    her2, hr = _output(result, "her2"), _output(result, "hr")
    event(f"metastatic, HER2 {her2}, HR {hr}")
    every = {item["id"] for item in [*recommendations, *_held(result)]}
    if her2 == "positive":
        assert every & TRASTUZUMAB_FIRST_LINE, "HER2-positive: trastuzumab, first or held"
    if hr == "positive":
        assert every & ENDOCRINE_THERAPY, "endocrine therapy is never withheld from HR+ disease"
    if result["prognosis"] is not None:
        assert result["prognosis_reasons"]


FIELDS = {
    spec["name"]: _field_strategy(spec, valid_only=True, wrong_types=False)
    for spec in compiled.INPUTS
}
COHERENT = _drawn_case(valid_only=True).map(_coherent)
# Half the steps state every finding (as a complete work-up would): cases that share their
# unknown findings share the most work, which is what the reuse must get right.
STATED = COHERENT.map(
    lambda case: {**case, **{name: False for name in FINDINGS if case.get(name) is None}}
)
# A reader's next step: one field edited (MISSING: cleared), or another case link opened.
EDITS: st.SearchStrategy[tuple[str, object] | dict[str, object]] = st.one_of(
    st.sampled_from(sorted(FIELDS)).flatmap(
        lambda name: FIELDS[name].map(lambda value: (name, value))
    ),
    COHERENT,
    STATED,
)


def _edited_as_fresh(
    start: dict[str, object], edits: list[tuple[str, object] | dict[str, object]]
) -> None:
    """The calculator reuses what it evaluated for earlier cases (a page recomputes on every
    edit): after each step, its result is the one a calculator that has seen no case gives."""
    shared = calculators.Calculator(CALCULATOR.spec)
    case = dict(start)
    assert shared.recommend(case) == calculators.Calculator(CALCULATOR.spec).recommend(case)
    for edit in edits:
        if isinstance(edit, dict):
            case = dict(edit)
        elif edit[1] is MISSING:
            case.pop(edit[0], None)
        else:
            case[edit[0]] = edit[1]
        fresh = calculators.Calculator(CALCULATOR.spec).recommend(case)
        assert shared.recommend(case) == fresh, edit


def _relevance_as_brute_force(
    start: dict[str, object], edits: list[tuple[str, object] | dict[str, object]]
) -> None:
    """Relevance tries each field on what the calculator evaluated for the case, which it reuses
    from earlier cases: after each step (the result first, as the page asks), it is what brute
    force finds on a calculator that has seen no case."""
    shared = calculators.Calculator(CALCULATOR.spec)
    case = dict(start)
    for edit in [None, *edits]:
        if isinstance(edit, dict):
            case = dict(edit)
        elif edit is not None and edit[1] is MISSING:
            case.pop(edit[0], None)
        elif edit is not None:
            case[edit[0]] = edit[1]
        shared.recommend(case)
        expected = brute_force_relevance(calculators.Calculator(CALCULATOR.spec), case)
        found = relevance(shared, case)
        event(f"status {found['status']}")
        needed = {field["field"]: field["needed"] for field in found["fields"]}
        assert (needed or None) == expected, edit


def _fragment_as_json(case: dict[str, DomainValue]) -> None:
    fragment = case_fragment(case)
    from_fragment = CALCULATOR.case_from_fragment(fragment)
    assert CALCULATOR.recommend(from_fragment) == CALCULATOR.recommend(case)


# --- each property in full (slow: `make test`) and a sample of it (`make test-fast`) ----------

Edits = list[tuple[str, object] | dict[str, object]]


@pytest.mark.slow
@EVERY_CASE
@given(case=CASES)
def test_every_case_gets_a_coherent_and_safe_result(case: dict[str, object]) -> None:
    _coherent_and_safe(case)


@sample(EVERY_CASE)
@given(case=CASES)
def test_a_sample_of_cases_gets_a_coherent_and_safe_result(case: dict[str, object]) -> None:
    _coherent_and_safe(case)


@pytest.mark.slow
@EDITED
@given(start=st.one_of(COHERENT, STATED), edits=st.lists(EDITS, max_size=16))
def test_a_case_edited_step_by_step_gets_the_result_of_a_fresh_calculator(
    start: dict[str, object], edits: Edits
) -> None:
    _edited_as_fresh(start, edits)


@sample(EDITED)
@given(start=st.one_of(COHERENT, STATED), edits=st.lists(EDITS, max_size=16))
def test_a_sample_of_cases_edited_step_by_step_get_a_fresh_calculators_result(
    start: dict[str, object], edits: Edits
) -> None:
    _edited_as_fresh(start, edits)


@pytest.mark.slow
@RELEVANCE_EDITED
@given(start=st.one_of(COHERENT, STATED), edits=st.lists(EDITS, max_size=6))
def test_field_relevance_is_what_brute_force_finds_as_a_case_is_edited(
    start: dict[str, object], edits: Edits
) -> None:
    _relevance_as_brute_force(start, edits)


# ~120 ms an example (brute force tries every probe value of every field): 10 in the fast tier,
# its one brute-force check of relevance on the guideline (tests/runtime/test_relevance.py
# checks every golden case in the slow tier).
@sample(RELEVANCE_EDITED, 10)
@given(start=st.one_of(COHERENT, STATED), edits=st.lists(EDITS, max_size=6))
def test_field_relevance_on_a_sample_of_edited_cases_is_what_brute_force_finds(
    start: dict[str, object], edits: Edits
) -> None:
    _relevance_as_brute_force(start, edits)


@pytest.mark.slow
@FRAGMENTS
@given(case=TYPED_CASES)
def test_json_and_url_fragment_mean_the_same_case(case: dict[str, DomainValue]) -> None:
    _fragment_as_json(case)


@sample(FRAGMENTS)
@given(case=TYPED_CASES)
def test_json_and_url_fragment_mean_the_same_sampled_case(case: dict[str, DomainValue]) -> None:
    _fragment_as_json(case)
