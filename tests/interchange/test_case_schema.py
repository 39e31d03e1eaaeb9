"""The case schema accepts exactly what ``calculators.recommend`` accepts.

Over the runtime's malformed-case corpus (tests/support/malformed_cases.py: its generated cases
and every field's pool of wrong values, each given alone), every golden case, each field left
out or null, and values at and around every bound: the schema (validated by ``jsonschema``,
draft 2020-12) passes a case exactly when the result is not ``invalid``, or is invalid only for
contradictions between fields, which the schema's description lists (and no others are left
out). Python values that are not JSON (NaN, Infinity) are left out: a schema judges JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

import calculators
from build_tools.interchange.case_schema import case_schema, contradictions
from build_tools.tables.model import CaseInput, InputType, Wording
from calculators.runtime.inputs import validate_case
from calculators.runtime.records import InputSpec
from tests.support.examples import sample
from tests.support.malformed_cases import (
    CALCULATOR,
    GUIDELINE,
    INPUTS,
    VALID_BASE,
    candidate_bad_values,
    malformed_cases,
)
from tests.support.paths import ROOT
from tests.support.safety_checks import project_model

GENERATED_CASES = 2_000


@cache
def schema() -> dict[str, Any]:
    return case_schema(project_model(), "A guideline")


@cache
def validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema())


@cache
def listed() -> frozenset[str]:
    return frozenset(contradictions(project_model()))


def _is_json(case: object) -> bool:
    try:
        json.dumps(case, allow_nan=False)
    except (ValueError, TypeError):
        return False
    return True


def _runtime_accepts(case: object) -> bool:
    """Not invalid, or invalid only for contradictions the schema's description lists."""
    result: Mapping[str, Any] = calculators.recommend(GUIDELINE, case)  # type: ignore[arg-type]
    if result["status"] != "invalid":
        return True
    errors = [f"{error['field']}: {error['message']}" for error in result["errors"]]
    return all(error in listed() for error in errors)


def _agree(case: object) -> None:
    if not _is_json(case):
        return
    by_schema = validator().is_valid(case)
    assert by_schema == _runtime_accepts(case), (case, by_schema)


def test_the_schema_is_draft_2020_12_and_describes_every_declared_field() -> None:
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(schema()["properties"]) == [spec.name for spec in CALCULATOR.spec.inputs]
    for spec in CALCULATOR.spec.inputs:
        declared = schema()["properties"][spec.name]
        assert declared["title"] == spec.label
        assert declared["description"] == spec.patient_label
        assert ("default" in declared) == (not spec.required)
    assert schema()["required"] == [spec.name for spec in CALCULATOR.spec.inputs if spec.required]
    # The runtime refuses a field it does not declare, by name: so does the schema.
    assert schema()["additionalProperties"] is False
    assert not _runtime_accepts({**VALID_BASE, "cardiac_dysfuntion": True})
    assert not Draft202012Validator(schema()).is_valid({**VALID_BASE, "cardiac_dysfuntion": True})


def test_the_description_lists_every_contradiction_the_tables_report() -> None:
    assert listed()
    for contradiction in listed():
        assert f"- {contradiction}" in schema()["description"]


def test_a_contradiction_is_valid_by_the_schema_and_invalid_in_the_result() -> None:
    case = {**VALID_BASE, "visceral_crisis": True, "visceral_involvement": False}
    assert validator().is_valid(case)
    result = calculators.recommend(GUIDELINE, case)
    assert result["status"] == "invalid"
    assert _runtime_accepts(case)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_every_wrong_value_of_the_corpus_alone(name: str) -> None:
    spec = INPUTS[name]
    for value in [*candidate_bad_values(spec), None]:
        _agree({**VALID_BASE, name: value})
    without = {key: value for key, value in VALID_BASE.items() if key != name}
    _agree(without)


def _around(bound: float) -> list[object]:
    return [
        bound,
        float(bound),
        bound - 1,
        bound + 1,
        bound - 0.5,
        bound + 0.5,
        math.nextafter(float(bound), -math.inf),
        math.nextafter(float(bound), math.inf),
        str(bound),
    ]


def _bounded(spec: InputSpec) -> list[object]:
    values: list[object] = []
    for bound in (spec.minimum, spec.maximum):
        if bound is not None:
            values += _around(bound)
    return values


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_values_at_and_around_every_bound_and_of_every_kind(name: str) -> None:
    spec = INPUTS[name]
    values: list[object] = [*_bounded(spec), *spec.values, "other", True, False, 0, 1, 1.0, -1]
    values += ["true", "false", "1", 2.5, 10**30, [], {}]
    for value in values:
        _agree({**VALID_BASE, name: value})


def test_every_golden_case() -> None:
    data = yaml.safe_load((ROOT / "tests/data/golden_cases.yml").read_text(encoding="utf-8"))
    for golden in data["cases"]:
        _agree(golden["case"])


def test_not_an_object() -> None:
    for case in (None, [], "case", 1, True, [VALID_BASE]):
        _agree(case)
        assert not validator().is_valid(case)


GENERATED = settings(
    max_examples=GENERATED_CASES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.slow  # 2,000 generated cases (~10 s); the fast tier runs a sample, below
@GENERATED
@given(malformed_cases())
def test_the_generated_malformed_cases(drawn: tuple[object, set[str | None]]) -> None:
    _agree(drawn[0])


@sample(GENERATED)
@given(malformed_cases())
def test_a_sample_of_the_generated_malformed_cases(drawn: tuple[object, set[str | None]]) -> None:
    _agree(drawn[0])


@pytest.mark.parametrize(
    ("kind", "exclusive_min", "exclusive_max"),
    [("number", True, True), ("integer", True, False), ("number", False, True)],
)
def test_exclusive_bounds_agree_with_the_runtime(
    kind: InputType, exclusive_min: bool, exclusive_max: bool
) -> None:
    """The guideline has no exclusive bound: a declared field with each, checked directly."""
    declared = CaseInput(
        name="x",
        type=kind,
        values=(),
        minimum=0,
        maximum=10,
        exclusive_min=exclusive_min,
        exclusive_max=exclusive_max,
        unit=None,
        required=False,
        nullable=True,
        default=None,
        group="g",
        label=Wording("X", "x"),
        help=None,
        line=1,
    )
    spec = InputSpec(
        name="x",
        type=kind,
        values=(),
        minimum=0,
        maximum=10,
        exclusive_min=exclusive_min,
        exclusive_max=exclusive_max,
        unit=None,
        required=False,
        nullable=True,
        default=None,
        label="X",
        patient_label="x",
        finding=False,
        ask=None,
    )
    model = replace(project_model(), inputs=(declared,), tables=())
    checker = Draft202012Validator(case_schema(model, "A guideline"))
    for value in [*_around(0), *_around(10), 5, None]:
        case = {"x": value}
        assert checker.is_valid(case) == (validate_case((spec,), case)[1] == []), value
