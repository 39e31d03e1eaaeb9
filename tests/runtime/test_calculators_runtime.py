"""The runtime on the demo fixture guideline: validation, fragments, policies, dosing, result."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import calculators
from build_tools.tables import compile_module, load_decision_model
from calculators.runtime.branching import Branches
from calculators.runtime.dosing import calculate_dose
from calculators.runtime.errors import (
    CompiledModuleError,
    UniqueHitPolicyViolation,
    UnknownGuidelineError,
)
from calculators.runtime.hit_policies import Collect, First, Unique
from calculators.runtime.records import DoseSpec, read_compiled_module
from calculators.runtime.results import ItemList, Result, TraceStep
from tests.support.tables import demo_calculator, demo_source, module_from_source

CALCULATOR = demo_calculator()


def _ids(result: Result, key: ItemList) -> list[str]:
    return [item["id"] for item in result[key]]


def test_valid_case_result_shape_and_trace() -> None:
    result = CALCULATOR.recommend({"sex": "female", "marker_a": "positive", "interval_months": 30})
    assert list(result) == [
        "status",
        "errors",
        "prognosis",
        "prognosis_reasons",
        "recommendations",
        "warnings",
        "monitoring",
        "supportive_care",
        "workup",
        "dosing",
        "conditional",
        "notices",
        "trace",
        "guideline",
    ]
    assert result["status"] == "ok"
    assert result["prognosis"] == "favorable"
    assert _ids(result, "prognosis_reasons") == ["demo-long-interval"]
    assert result["guideline"] == {
        "id": "demo-guideline",
        "version": "0.1.0",
        "last_updated": "2026-11-27",
    }
    recommendation = result["recommendations"][0]
    assert dict(recommendation) == {
        "id": "demo-treat-a",
        "kind": "recommendation",
        "rank": "preferred",
        "text": "Give drug A.",
        "patient_text": "You may be offered drug A.",
        "citations": [1, 2],
        "section": "treatment",
        "anchor": "demo-positive",
        "href": "demo-guideline/treatment/#demo-positive",
        "rule": "demo-positive-treatment",
        "table": "treatment",
        "agents": ["drug_a"],
        "origin": "source",
        "newer_guidance": None,
        "general": False,
        "policies": [],
    }
    assert result["conditional"] == []
    # The demo declares no notices; every guideline has a review status, and results say it.
    assert [notice["id"] for notice in result["notices"]] == ["review-status"]
    trace = result["trace"]
    assert isinstance(trace, list)
    assert [entry["table"] for entry in trace] == [
        "scope",
        "marker_status",
        "prognosis",
        "treatment",
    ]
    assert trace[1] == {
        "table": "marker_status",
        "file": "tests/fixtures/docs/demo-guideline/classification.md",
        "line": 44,
        "hit_policy": "first",
        "inputs": {"marker_a": "positive", "marker_b": "unknown", "scope": "in_scope"},
        "skipped": False,
        "rules": ["demo-a-positive"],
        "used_default": False,
        "output": {"name": "marker", "value": "positive"},
    }


def test_skipped_tables_are_marked_and_their_outputs_are_null() -> None:
    result = CALCULATOR.recommend({"sex": "male"})
    assert result["status"] == "out_of_scope"
    assert result["recommendations"] == []
    assert _ids(result, "warnings") == ["demo-male-out-of-scope"]
    skipped = [entry for entry in result["trace"] if entry["skipped"]]
    assert [entry["table"] for entry in skipped] == ["marker_status", "prognosis", "treatment"]
    assert skipped[0]["output"] == {"name": "marker", "value": None}


def test_alternatives_come_after_preferred_and_items_appear_once() -> None:
    result = CALCULATOR.recommend(
        {"sex": "female", "marker_a": "negative", "marker_b": "negative", "severe": True}
    )
    assert _ids(result, "recommendations") == ["demo-treat-b", "demo-treat-c"]
    assert [item["rank"] for item in result["recommendations"]] == ["preferred", "alternative"]


def test_default_of_a_unique_table_is_used_and_traced() -> None:
    result = CALCULATOR.recommend({"sex": "female", "interval_months": 18})
    prognosis = next(entry for entry in result["trace"] if entry["table"] == "prognosis")
    assert prognosis["rules"] == []
    assert prognosis["used_default"] is True
    assert result["prognosis"] is None


@pytest.mark.parametrize(
    ("case", "field", "words"),
    [
        ({}, "sex", ["sex (Sex) is required", '"female", "male"']),
        ({"sex": None}, "sex", ["is required"]),
        ({"sex": "other"}, "sex", ['must be one of "female", "male"', 'got "other"']),
        ({"sex": "female", "severe": "yes"}, "severe", ["must be true or false", 'got "yes"']),
        (
            {"sex": "female", "grade_score": 2.5},
            "grade_score",
            ["an integer from 0 to 4", "got 2.5"],
        ),
        ({"sex": "female", "grade_score": True}, "grade_score", ["an integer", "got true"]),
        (
            {"sex": "female", "weight_kg": 0},
            "weight_kg",
            ["a number from 20 to 400 kg", "or null if unknown"],
        ),
        ({"sex": "female", "interval_months": -1}, "interval_months", ["of at least 0 months"]),
        ({"sex": "female", "interval_months": float("nan")}, "interval_months", ["a number"]),
    ],
)
def test_invalid_values_name_the_field_and_what_to_give(
    case: dict[str, object], field: str, words: list[str]
) -> None:
    result = CALCULATOR.recommend(case)
    assert result["status"] == "invalid"
    errors = result["errors"]
    assert isinstance(errors, list)
    assert len(errors) == 1
    assert errors[0]["field"] == field
    assert errors[0]["message"].startswith(field)
    for word in words:
        assert word in errors[0]["message"]
    assert result["trace"] == []
    assert result["recommendations"] == []
    assert result["prognosis"] is None


def test_a_case_that_is_not_an_object_is_invalid() -> None:
    result = CALCULATOR.recommend([1, 2])
    assert result["status"] == "invalid"
    assert result["errors"] == [
        {
            "field": None,
            "message": "The case must be a JSON object of field names and values, "
            'e.g. {"sex": "female"}.',
        }
    ]


def test_rule_errors_make_the_case_invalid_with_no_advice() -> None:
    result = CALCULATOR.recommend(
        {"sex": "female", "marker_a": "positive", "severe": True, "grade_score": 0}
    )
    assert result["status"] == "invalid"
    assert result["errors"] == [
        {"field": "severe", "message": "severe is true but grade_score is 0: correct one of them."}
    ]
    for key in ("recommendations", "warnings", "dosing", "prognosis_reasons"):
        assert result[key] == []


def test_unknown_fields_are_refused_by_name() -> None:
    _, errors = CALCULATOR.validate(
        {"sex": "female", "unknown_extra": 1, "grade_scor": 2, "marker_a": "positive"}
    )
    assert [error["field"] for error in errors] == ["unknown_extra", "grade_scor"]
    assert str(errors[0]["message"]).startswith(
        "unknown field 'unknown_extra'. Correct it or remove"
    )
    assert str(errors[1]["message"]).startswith(
        "unknown field 'grade_scor'; did you mean 'grade_score'?"
    )
    result = CALCULATOR.recommend({"sex": "female", "severe_": True})
    assert result["status"] == "invalid"
    assert result["errors"][0]["field"] == "severe_"
    assert "did you mean 'severe'?" in result["errors"][0]["message"]
    # A name cut short is suggested its one completion; a start shared by several, none.
    _, cut_short = CALCULATOR.validate({"grade": 2, "s": True})
    assert str(cut_short[0]["message"]).startswith(
        "unknown field 'grade'; did you mean 'grade_score'?"
    )
    assert str(cut_short[1]["message"]).startswith("unknown field 's'. Correct it")
    # A fragment keeps what it cannot place, so the same refusal applies to a link.
    case = CALCULATOR.case_from_fragment("sex=female&sevre=true")
    assert case == {"sex": "female", "sevre": "true"}
    linked = CALCULATOR.recommend(case)
    assert linked["errors"][0]["field"] == "sevre"


def test_defaults() -> None:
    values, errors = CALCULATOR.validate({"sex": "female", "grade_score": 2.0})
    assert errors == []
    assert values == {
        "sex": "female",
        "marker_a": "unknown",
        "marker_b": "unknown",
        "grade_score": 2,
        "interval_months": None,
        "severe": False,
        "weight_kg": None,
    }
    # null on a non-nullable optional field means "not given": the default
    assert CALCULATOR.validate({"sex": "female", "severe": None})[0]["severe"] is False


@pytest.mark.parametrize(
    ("fragment", "case"),
    [
        (
            "#sex=female&marker_a=positive&weight_kg=72.5&severe=true&grade_score=",
            {
                "sex": "female",
                "marker_a": "positive",
                "weight_kg": 72.5,
                "severe": True,
                "grade_score": None,
            },
        ),
        (
            "sex=female&grade_score=null&interval_months=30",
            {"sex": "female", "grade_score": None, "interval_months": 30},
        ),
        ("?sex=female&sex=male&view=patient", {"sex": "female", "view": "patient"}),
        (
            "sex=female&grade_score=abc&severe=maybe",
            {"sex": "female", "grade_score": "abc", "severe": "maybe"},
        ),
        ({"sex": "female", "weight_kg": "80"}, {"sex": "female", "weight_kg": 80}),
    ],
)
def test_fragments_are_coerced_by_declared_type(
    fragment: str | dict[str, str], case: dict[str, object]
) -> None:
    assert CALCULATOR.case_from_fragment(fragment) == case


def test_fragment_and_json_give_the_same_result() -> None:
    json_case = json.loads(
        '{"sex": "female", "marker_a": "positive", "weight_kg": 70.1, "grade_score": 9}'
    )
    fragment = "sex=female&marker_a=positive&weight_kg=70.1&grade_score=9"
    assert CALCULATOR.recommend(CALCULATOR.case_from_fragment(fragment)) == CALCULATOR.recommend(
        json_case
    )


@pytest.mark.parametrize(
    ("weight", "text", "total"),
    [
        (72.5, "4 mg/kg × 72.5 kg = 290 mg", "290"),
        (70.1, "4 mg/kg × 70.1 kg = 280.4 mg", "280.4"),
        (70, "4 mg/kg × 70 kg = 280 mg", "280"),
        (70.0, "4 mg/kg × 70 kg = 280 mg", "280"),
        (None, "4 mg/kg (enter the patient's weight to calculate the dose)", None),
    ],
)
def test_doses_use_exact_decimal_arithmetic(
    weight: float | None, text: str, total: str | None
) -> None:
    dose = calculate_dose(DoseSpec("drug A", "4", "mg", "weight_kg", "once"), weight)
    assert dose.text == text
    assert dose.total == total
    if total is not None:
        assert Decimal(total) == Decimal("4") * Decimal(str(weight))


def test_dosing_items_fill_the_dose_into_both_texts() -> None:
    result = CALCULATOR.recommend({"sex": "female", "marker_a": "positive", "weight_kg": 72.5})
    dosing = result["dosing"][0]
    assert dosing["text"] == "Drug A: 4 mg/kg × 72.5 kg = 290 mg once."
    assert dosing["patient_text"] == "Drug A dose: 4 mg/kg × 72.5 kg = 290 mg."
    assert dosing["dose"] == {
        "agent": "drug A",
        "amount_per_kg": "4",
        "unit": "mg",
        "weight_kg": "72.5",
        "total": "290",
        "exact": "290",
        "round_to": None,
        "schedule": "once",
    }


def test_hit_policies_select_as_dmn_says() -> None:
    assert First().select("t", ["a", "b"]) == ["a"]
    assert Collect().select("t", ["a", "b"]) == ["a", "b"]
    assert Unique().select("t", ["a"]) == ["a"]
    with pytest.raises(
        UniqueHitPolicyViolation, match=r"table t \(hit policy unique\) matched several rules: a, b"
    ):
        Unique().select("t", ["a", "b"])


def test_a_tampered_unique_table_raises_the_named_exception() -> None:
    source = compile_module(load_decision_model(demo_source()))
    # Make both rules of the unique prognosis table match an interval of 30 months.
    tampered = source.replace('_le(v["interval_months"], 12)', '_le(v["interval_months"], 100)')
    assert tampered != source
    calculator = calculators.Calculator(
        read_compiled_module(module_from_source(tampered, "tampered"))
    )
    with pytest.raises(UniqueHitPolicyViolation, match="demo-short, demo-long"):
        calculator.recommend({"sex": "female", "interval_months": 30})


def test_a_malformed_module_is_rejected_with_a_clear_message() -> None:
    module = module_from_source(
        "GUIDELINE = {'id': 'x', 'version': '1', 'last_updated': 'd'}\n", "broken"
    )
    with pytest.raises(CompiledModuleError, match="TABLE_RULES is not a dict; rebuild it"):
        read_compiled_module(module)


def test_a_module_whose_records_drift_from_the_contract_is_refused() -> None:
    """A record with a key the contract lacks (or without one it has) names both."""
    text = compile_module(load_decision_model(demo_source()))
    drifted = text.replace('"exclusive_min": ', '"exclusive_minimum": ', 1)
    with pytest.raises(
        CompiledModuleError,
        match=r"an INPUTS entry is not a record of the expected keys "
        r"\(missing: exclusive_min; unexpected: exclusive_minimum\)",
    ):
        read_compiled_module(module_from_source(drifted, "drifted"))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('    "sex": ["female", "male"],\n', "", "PROBE_VALUES does not list exactly the fields"),
        ('"sex": ["female", "male"]', '"sex": [["female"]]', r"PROBE_VALUES\[sex\] is not a list"),
    ],
)
def test_a_module_whose_probe_values_drift_is_refused(old: str, new: str, message: str) -> None:
    text = compile_module(load_decision_model(demo_source()))
    assert old in text
    with pytest.raises(CompiledModuleError, match=message):
        read_compiled_module(module_from_source(text.replace(old, new, 1), "drifted"))


@pytest.mark.parametrize("guideline_id", ["no-such-guideline", "../etc", "Metastatic", ""])
def test_unknown_guidelines_raise_a_named_error(guideline_id: str) -> None:
    with pytest.raises(UnknownGuidelineError):
        calculators.recommend(guideline_id, {"sex": "female"})


def test_available_guidelines_lists_the_compiled_modules() -> None:
    assert "metastatic-breast-cancer" in calculators.available_guidelines()


def _branches(
    calculator: calculators.Calculator, case: dict[str, object], previous: Branches | None = None
) -> Branches:
    values, errors = calculator.validate(case)
    assert errors == []
    unknown = frozenset(
        spec.name for spec in calculator.spec.inputs if spec.finding and values[spec.name] is None
    )
    return Branches(calculator.spec, values, unknown, previous)


def test_a_new_case_reevaluates_only_the_tables_whose_fields_changed() -> None:
    """What the page relies on to recompute on every keystroke: a table is evaluated again only
    when a field it reads (or a table it reads) changes, and is shared when it comes out the
    same; the result is that of a fresh evaluation (see the property test on the real
    guideline)."""
    real = calculators.load("metastatic-breast-cancer")
    case = {"sex": "female", "er_status": "negative", "her2_status": "positive", "weight_kg": 70}
    first = _branches(real, case)
    heavier = _branches(real, {**case, "weight_kg": 71}, first)
    assert all(heavier.tables[key] is first.tables[key] for key in first.tables)
    # Whatever the tables decide is shared as well.
    assert heavier.outcomes() is first.outcomes()

    positive = _branches(real, {**case, "er_status": "positive"}, first)
    changed = {key for key in first.tables if positive.tables[key] is not first.tables[key]}
    assert changed
    for key, table in first.tables.items():
        # Evaluated again exactly when it read the field or a table that changed.
        touched = "er_status" in table.read or bool(set(table.producers) & changed)
        assert key not in changed or touched, key
        if not touched:
            assert positive.tables[key] is table, key
    fresh = _branches(real, {**case, "er_status": "positive"})
    assert all(positive.tables[key] == fresh.tables[key] for key in fresh.tables)
    assert positive.outcomes() == fresh.outcomes()

    # Another set of unknown findings: the tables that read a finding stated in one case and
    # unknown in the other are evaluated again, those that read none of them are shared, and
    # nothing worked out from the tables is (it depends on the unknown findings).
    stated = _branches(real, {**case, "visceral_crisis": False}, first)
    shared = {key for key in first.tables if stated.tables[key] is first.tables[key]}
    assert shared
    assert not any("visceral_crisis" in first.tables[key].read for key in shared)
    fresh = _branches(real, {**case, "visceral_crisis": False})
    assert all(stated.tables[key] == fresh.tables[key] for key in fresh.tables)
    assert stated.outcomes() == fresh.outcomes()
    assert stated.memo is not first.memo

    # Told which field changed, the same tables are evaluated again.
    told = Branches(
        real.spec,
        {**real.validate(case)[0], "er_status": "positive"},
        first.unknown,
        first,
        frozenset({"er_status"}),
    )
    assert all(
        (told.tables[key] is first.tables[key]) == (key not in changed) for key in first.tables
    )


def _scramble(value: object) -> None:
    """Empty every list and dict inside ``value`` (as a careless caller might)."""
    if isinstance(value, dict):
        for item in value.values():
            _scramble(item)
        value.clear()
    elif isinstance(value, list):
        for item in value:
            _scramble(item)
        value.clear()


def test_a_result_changed_by_its_caller_leaves_the_next_results_alone() -> None:
    real = calculators.load("metastatic-breast-cancer")
    calculator = calculators.Calculator(real.spec)
    case = {"sex": "female", "er_status": "negative", "her2_status": "positive", "weight_kg": 70}
    expected = calculators.Calculator(real.spec).recommend({**case, "weight_kg": 71})
    assert expected["conditional"]  # unknown findings: asks, groups and trace branches
    _scramble(calculator.recommend(case))
    assert calculator.recommend({**case, "weight_kg": 71}) == expected


# --- the trace shows what was used ------------------------------------------------------------

REAL = "metastatic-breast-cancer"


def _step(result: Result, table: str) -> TraceStep:
    return next(step for step in result["trace"] if step["table"] == table)


def test_a_finding_other_answers_settle_is_traced_with_the_value_used() -> None:
    case = {
        "sex": "female",
        "er_status": "positive",
        "her2_status": "negative",
        "menopausal_status": "postmenopausal",
        "isolated_locoregional_recurrence": False,
        "visceral_involvement": False,
        "endocrine_resistance": False,
    }
    result = calculators.recommend(REAL, case)
    step = _step(result, "hr_positive_first_line")
    # Not stated, but no visceral involvement rules a crisis out: the rule that needed "no"
    # shows "no", and why.
    assert step["inputs"]["visceral_crisis"] is False
    # ... and after menopause, so is a pregnancy.
    assert step["implied"] == {
        "visceral_crisis": {"by": ["visceral_involvement"]},
        "pregnant": {"by": ["menopausal_status"]},
    }
    assert step["inputs"]["pregnant"] is False
    assert "unknown-visceral-crisis" not in {item["id"] for item in result["workup"]}


def test_an_lvef_below_the_limit_settles_cardiac_dysfunction_and_the_trace_says_so() -> None:
    case = {
        "sex": "female",
        "her2_ihc": "3+",
        "lvef_percent": 30,
        "isolated_locoregional_recurrence": False,
        "pregnant": False,
    }
    result = calculators.recommend(REAL, case)
    step = _step(result, "cardiac_status")
    assert step["inputs"]["cardiac_dysfunction"] is True
    assert step["implied"] == {"cardiac_dysfunction": {"by": ["lvef_percent"]}}
    assert step["rules"] == ["cardiac-lvef-below-lower-limit"]
    asked = {item["field"] for item in result["workup"] if item.get("field")}
    assert "cardiac_dysfunction" not in asked
    assert all(item["rank"] != "preferred" for item in result["recommendations"])


def test_a_contradictory_case_is_traced_up_to_the_contradiction_with_its_outputs() -> None:
    case = {
        "sex": "female",
        "her2_status": "negative",
        "her2_ihc": "3+",
        "isolated_locoregional_recurrence": False,
    }
    result = calculators.recommend(REAL, case)
    assert result["status"] == "invalid"
    tables = [step["table"] for step in result["trace"]]
    assert tables[-1] == "her2_consistency"
    assert _step(result, "her2_consistency")["rules"] == ["her2-stated-negative-ihc-3"]
    full = calculators.load(REAL).spec.tables
    assert len(tables) < len(full)
    # The tables before it show what they worked out (null only where the answers differ).
    assert _step(result, "scope")["output"] == {"name": "scope", "value": "metastatic"}


def test_an_unstated_finding_that_would_leave_scope_makes_the_case_wait_not_leave() -> None:
    case = {
        "sex": "female",
        "er_status": "positive",
        "her2_status": "negative",
        "menopausal_status": "premenopausal",
        "isolated_locoregional_recurrence": False,
        "visceral_crisis": False,
        "endocrine_resistance": False,
    }
    result = calculators.recommend(REAL, case)
    assert result["status"] == "needs_more_information"  # pregnancy would put it out of scope
    pregnant = next(item for item in result["workup"] if item.get("field") == "pregnant")
    assert pregnant["needed_for"] == "treatment"
    held = {item["id"]: group["when"] for group in result["conditional"] for item in group["items"]}
    assert held["endocrine-first-line"] == [{"pregnant": False}]
    assert held["pregnancy-not-covered"] == [{"pregnant": True}]


def test_doses_are_rounded_by_the_policy_and_the_exact_product_is_traced() -> None:
    case = {
        "sex": "female",
        "her2_ihc": "3+",
        "weight_kg": 72.3,
        "cardiac_dysfunction": False,
        "pregnant": False,
        "isolated_locoregional_recurrence": False,
    }
    result = calculators.recommend(REAL, case)
    loading = next(item for item in result["dosing"] if item["id"] == "trastuzumab-loading-dose")
    assert loading["dose"]["total"] == "289"
    assert loading["dose"]["exact"] == "289.2"
    assert "= 289.2 mg, rounded to 289 mg (nearest 1 mg)" in loading["text"]
    assert [policy["id"] for policy in loading["policies"]] == ["dose_rounding_mg"]
    doses = _step(result, "her2_positive_care")["doses"]
    assert {"item": "trastuzumab-loading-dose", "exact": "289.2", "shown": "289"} in doses
