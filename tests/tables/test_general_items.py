"""General items: those that hold for every case the guideline routes the same way at its root
(build_tools/tables/general.py), computed exactly at build time and carried by every result item.

Small fixture models (a section added to the demo guideline, whose ``scope`` table routes a case
in or out of scope), a check of the exact answer against every case of the fixture's finite
domain, and the real guideline.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

import calculators
from build_tools.tables import DecisionModel, compile_module, load_decision_model
from build_tools.tables.general import general_items, root_route_tables
from build_tools.tables.regions import Domains
from calculators.runtime.engine import ITEM_LISTS, Calculator
from calculators.runtime.records import read_compiled_module
from tests.support.paths import FIXTURES
from tests.support.safety_checks import project_model
from tests.support.tables import demo_with_fixture, module_from_source

GENERAL_FIXTURES = FIXTURES / "general"
FIXTURE_ITEMS = (
    "general-everywhere",
    "general-every-case",
    "general-corner",
    "general-but-invalid",
    "general-marker-positive",
    "general-out-of-scope-only",
)

# What the exact computation gives for the real guideline (see the report of the change that
# introduced it): the aim of treatment, the staging work-up, response evaluation, the duration of
# treatment and the high-dose pitfall for the metastatic route; the curative intent and the
# adjuvant question for the locoregional route.
REAL_GENERAL = {
    "goal-palliative",
    "workup-complete-staging",
    "workup-clinical-assessment",
    "workup-laboratory",
    "workup-imaging",
    "workup-receptors-on-metastasis",
    "workup-prognostic-factors",
    "response-methods",
    "response-tumour-markers",
    "duration-not-established",
    "duration-prolonged-treatment",
    "pitfall-no-high-dose-chemotherapy",
    "locoregional-curative-intent",
    "silent-locoregional-adjuvant",
}


def fixture_model() -> DecisionModel:
    return load_decision_model(demo_with_fixture("general_points", GENERAL_FIXTURES))


def _without_out_of_scope(model: DecisionModel) -> DecisionModel:
    """The model with no rule setting ``status: out_of_scope``: every valid case counts."""
    tables = []
    for table in model.tables:
        rules = tuple(
            replace(rule, outcome=replace(rule.outcome, status=None))
            if rule.outcome.status == "out_of_scope"
            else rule
            for rule in table.rules
        )
        tables.append(replace(table, rules=rules))
    return replace(model, tables=tuple(tables))


def test_the_root_route_tables_are_those_whose_output_applies_when_tests() -> None:
    assert [table.id for table in root_route_tables(fixture_model())] == ["scope"]
    assert [table.id for table in root_route_tables(project_model())] == ["scope"]


def test_general_items_of_the_fixture() -> None:
    general = general_items(fixture_model())
    # Every in-scope case; every case (the out-of-scope ones do not count); every in-scope case
    # but a corner whose cases are all invalid (severe with a grade score of 0).
    assert general & set(FIXTURE_ITEMS) == {
        "general-everywhere",
        "general-every-case",
        "general-but-invalid",
    }
    # A corner of the route misses it (grade score 4); one marker status only; only cases that
    # do not count (out of scope) get it.
    assert not general & {
        "general-corner",
        "general-marker-positive",
        "general-out-of-scope-only",
        "demo-male-out-of-scope",
    }


def test_each_route_is_judged_on_its_own() -> None:
    """Once out-of-scope cases count, an item every male case gets is general (their route is
    the male one), as is one every in-scope case gets."""
    general = general_items(_without_out_of_scope(fixture_model()))
    assert {"general-out-of-scope-only", "demo-male-out-of-scope", "general-everywhere"} <= general
    assert "general-corner" not in general


def test_without_a_root_route_table_the_route_is_every_case() -> None:
    model = _without_out_of_scope(fixture_model())
    model = replace(model, tables=tuple(replace(t, applies_when=()) for t in model.tables))
    assert root_route_tables(model) == []
    general = general_items(model)
    # One route for all: an item only male cases get is no longer general.
    assert "general-everywhere" in general
    assert not general & {"general-out-of-scope-only", "demo-male-out-of-scope", "general-corner"}


def _fixture_calculator(model: DecisionModel) -> Calculator:
    return Calculator(read_compiled_module(module_from_source(compile_module(model), "general")))


def _every_case(model: DecisionModel) -> list[dict[str, object]]:
    """Every case of the fixture's finite domain (the safety proof's: one value per region of
    each field, which stands for all of them; the fixture has no finding)."""
    domains = Domains.of(model)
    names = [spec.name for spec in model.inputs]
    values = [domains.values[name] for name in names]
    return [dict(zip(names, chosen, strict=True)) for chosen in itertools.product(*values)]


def _route(result: Mapping[str, Any]) -> object:
    return next(step["output"]["value"] for step in result["trace"] if step["table"] == "scope")


@pytest.mark.parametrize("variant", ["routed", "all-count"])
def test_the_exact_answer_is_that_of_every_case(variant: str) -> None:
    """Brute force over the whole (small) case space agrees with the regions, item by item, and
    every result item carries its item's flag."""
    model = fixture_model()
    if variant == "all-count":
        model = _without_out_of_scope(model)
    calculator = _fixture_calculator(model)
    got: dict[str, set[object]] = {item.id: set() for item in model.items}  # routes it is in
    missed: dict[str, set[object]] = {item.id: set() for item in model.items}
    counted: list[tuple[object, set[str]]] = []
    for case in _every_case(model):
        result: Mapping[str, Any] = calculator.recommend(case)
        items = [item for key in ITEM_LISTS.values() for item in result[key]]
        for item in items:
            assert item["general"] is calculator.spec.items[item["id"]].general
        if result["status"] not in ("invalid", "out_of_scope"):
            counted.append((_route(result), {item["id"] for item in items}))
    for route, ids in counted:
        for item_id in got:
            (got if item_id in ids else missed)[item_id].add(route)
    expected = {
        item_id for item_id, routes in got.items() if routes and not routes & missed[item_id]
    }
    assert general_items(model) == expected
    assert {item_id for item_id, spec in calculator.spec.items.items() if spec.general} == expected


def test_the_real_guideline() -> None:
    assert general_items(project_model()) == REAL_GENERAL
    spec = calculators.load("metastatic-breast-cancer").spec
    assert {item_id for item_id, item in spec.items.items() if item.general} == REAL_GENERAL


def test_every_result_item_says_whether_it_is_general() -> None:
    result = calculators.recommend(
        "metastatic-breast-cancer",
        {"sex": "female", "her2_ihc": "3+", "er_status": "negative", "weight_kg": 70},
    )
    items = [item for key in ITEM_LISTS.values() for item in result[key]]
    items += [item for group in result["conditional"] for item in group["items"]]
    assert all(isinstance(item["general"], bool) for item in items)
    flags = {item["id"]: item["general"] for item in items}
    assert flags["goal-palliative"] is True
    assert flags["trastuzumab-loading-dose"] is False
    # The work-up items that name an unknown finding are the site's, never general.
    asks = [item for item in items if item["id"].startswith("unknown-")]
    assert asks
    assert not any(item["general"] for item in asks)
