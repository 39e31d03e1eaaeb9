"""The DMN 1.3 export: schema-valid, shaped as documented, each cell exact with DMN's null
semantics, and evaluated by a third-party engine (feelin + dmn-moddle) exactly as the compiled
module evaluates the tables, over every table's whole domain and over chained random cases."""

from __future__ import annotations

import copy
import itertools
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

import calculators
from build_tools.interchange import DMN_NAMESPACE, dmn_path, dmn_xml
from build_tools.interchange.dmn import decision_name
from build_tools.interchange.feel import dmn_matches, prove_cell, unary_text
from build_tools.tables.domain import DomainValue, table_domain
from build_tools.tables.model import DecisionModel
from build_tools.tables.unary import parse_cell, typed_test
from calculators.runtime.branching import run_table
from devtools.second_opinion import compare, sample
from tests.support.dmn_engine import DMN_XSD, run_engine
from tests.support.guidelines import GUIDELINE_IDS, calculator_for, guideline_models

NS = {"dmn": DMN_NAMESPACE}
GUIDELINES = GUIDELINE_IDS  # read from the folders: collecting this module compiles nothing


def test_the_ids_parametrized_over_are_every_guideline_the_builds_load() -> None:
    assert sorted(guideline_models()) == GUIDELINES


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("dmn")
    paths: dict[str, Path] = {}
    for guideline_id, model in guideline_models().items():
        paths[guideline_id] = folder / f"{guideline_id}.dmn"
        paths[guideline_id].write_text(dmn_xml(model), encoding="utf-8")
    return paths


@pytest.mark.parametrize("guideline_id", GUIDELINES)
def test_the_export_is_valid_against_the_dmn13_schema(
    guideline_id: str, exported: dict[str, Path]
) -> None:
    xmlschema.XMLSchema(str(DMN_XSD)).validate(str(exported[guideline_id]))


@pytest.mark.parametrize("guideline_id", GUIDELINES)
def test_one_decision_per_table_with_rule_ids_as_labels(
    guideline_id: str, exported: dict[str, Path]
) -> None:
    model = guideline_models()[guideline_id]
    root = ET.parse(exported[guideline_id]).getroot()
    decisions = {d.get("id"): d for d in root.findall("dmn:decision", NS)}
    assert list(decisions) == [f"d_{table.id}" for table in model.tables]
    for table in model.tables:
        decision = decisions[f"d_{table.id}"]
        assert decision.get("name") == decision_name(table, model)
        dt = decision.find("dmn:decisionTable", NS)
        assert dt is not None
        policy = dt.get("hitPolicy")
        expected = {"unique": "UNIQUE", "first": "FIRST", "collect": "RULE ORDER"}
        assert policy == ("FIRST" if table.default else expected[table.hit_policy])
        labels = [rule.get("label") for rule in dt.findall("dmn:rule", NS)]
        descriptions = [
            rule.findtext("dmn:description", None, NS) for rule in dt.findall("dmn:rule", NS)
        ]
        rule_ids = [rule.id for rule in table.rules] + (["default"] if table.default else [])
        assert labels == descriptions == rule_ids
        outputs = [output.get("name") for output in dt.findall("dmn:output", NS)]
        if table.output is not None:
            assert decision.get("name") == table.output.name
            assert outputs[0] == "value"
        assert len(outputs) >= 2  # the result is always a context
        inputs = [
            clause.findtext("dmn:inputExpression/dmn:text", None, NS)
            for clause in dt.findall("dmn:input", NS)
        ]
        assert len(inputs) == len(table.inputs) + len(table.applies_when)


def _cell(text: object, kind: str) -> tuple[str, object]:
    return kind, typed_test(parse_cell(text), kind)


@pytest.mark.parametrize(
    ("cell", "kind", "values", "exported"),
    [
        ("not(>= 4)", "integer", (), "< 4, null"),
        ("!= 4", "integer", (), "< 4, > 4"),
        ("not(null)", "number", (), "not(null)"),
        ("not(null, [0..1])", "number", (), "< 0, > 1"),
        ("[12..24)", "number", (), "[12..24)"),
        ("not([12..24), > 30)", "number", (), "< 12, [24..30], null"),
        ("= 3", "integer", (), "3"),
        (
            "not(positive)",
            "enum",
            ("positive", "negative", "unknown"),
            '"negative", "unknown", null',
        ),
        ("not(positive, null)", "enum", ("positive", "negative"), '"negative"'),
        ("not(null)", "enum", ("positive", "negative"), "not(null)"),
        ("not(false)", "boolean", (False, True), "true, null"),
        ("-", "boolean", (False, True), "-"),
        (None, "enum", ("a", "b"), "null"),
    ],
)
def test_cells_become_standard_unary_tests_with_the_same_matches(
    cell: object, kind: str, values: tuple[DomainValue, ...], exported: str
) -> None:
    test = typed_test(parse_cell(cell), kind)
    assert unary_text(test, kind, values) == exported
    domain: list[DomainValue] = list(values) or [-1, 0, 0.5, 1, 3, 4, 5, 12, 18, 24, 27, 30, 31]
    assert prove_cell(test, exported, domain) == []


def test_the_proof_catches_dmn_null_semantics() -> None:
    test = typed_test(parse_cell("not(>= 4)"), "integer")
    # Without the explicit null DMN does not match null where ours does.
    assert prove_cell(test, "< 4", [3, 4, 5]) == [None]
    assert not dmn_matches("< 4, > 4", None)


# --- the third-party engine -------------------------------------------------------------------


def _context(model: DecisionModel, values: dict[str, DomainValue]) -> dict[str, object]:
    """A table's inputs as the DMN sees them: another table's output as that decision's result."""
    context: dict[str, object] = {}
    for name, value in values.items():
        derived = model.derived_named(name) is not None
        context[name] = ({"value": value} if value is not None else None) if derived else value
    return context


@pytest.mark.slow
@pytest.mark.parametrize("guideline_id", GUIDELINES)
def test_the_engine_agrees_on_every_combination_of_every_table(
    guideline_id: str, exported: dict[str, Path]
) -> None:
    model = guideline_models()[guideline_id]
    spec = {table.id: table for table in calculator_for(guideline_id).spec.tables}
    cases: list[object] = []
    expected: list[tuple[str, dict[str, DomainValue], object]] = []
    for table in model.tables:
        domain = table_domain(table, model)
        for combination in itertools.product(*(values for _, values in domain)):
            values = dict(zip((name for name, _ in domain), combination, strict=True))
            run = run_table(spec[table.id], values)
            rules = [*run.rules, *(["default"] if run.used_default else [])]
            cases.append({"table": table.id, "context": _context(model, values)})
            expected.append((table.id, values, {"rules": rules, "value": run.output}))
    answers = run_engine(exported[guideline_id], "table", cases)
    assert len(answers) == len(expected) > 0
    for (table_id, values, ours), theirs in zip(expected, answers, strict=True):
        assert theirs == ours, f"{table_id} on {values}"


@pytest.mark.slow
@pytest.mark.parametrize("guideline_id", GUIDELINES)
def test_the_engine_agrees_on_chained_random_cases(
    guideline_id: str, exported: dict[str, Path]
) -> None:
    model = guideline_models()[guideline_id]
    # 1500 cases, a fifth of them contradictory at most (a rule's error: no possible answer, so
    # only their rules are compared).
    samples = sample(model, calculator_for(guideline_id), 1500, seed=14)
    assert len(samples) == 1500
    answers = run_engine(exported[guideline_id], "chain", [each.context for each in samples])
    comparison = compare(samples, answers)
    assert comparison.disagreements == []
    assert comparison.agreeing == comparison.compared >= 1500
    # The cases reach most rules (a share, so that new rules do not need new cases at once).
    every_rule = sum(len(table.rules) + (table.default is not None) for table in model.tables)
    fired = len(comparison.fired)
    assert fired >= math.floor(0.6 * every_rule), f"{fired} of {every_rule} rules fired"


def test_the_second_opinion_compares_every_table_of_every_case(
    exported: dict[str, Path],
) -> None:
    """``make dmn-second-opinion``'s comparison (of pyDMNrules' answers) on feelin's answers,
    which give the same shape: all agree; a changed rule or value is a disagreement."""
    guideline_id = "metastatic-breast-cancer"
    model = guideline_models()[guideline_id]
    samples = sample(model, calculator_for(guideline_id), 60, seed=3)
    answers = run_engine(exported[guideline_id], "chain", [each.context for each in samples])
    comparison = compare(samples, answers)
    assert comparison.cases == 60
    assert 0 < comparison.contradictory <= 12
    # Every table of a valid case; of a contradictory one, the tables up to the contradiction.
    assert all(len(each.trace) == len(model.tables) for each in samples if not each.contradictory)
    assert all(len(each.trace) < len(model.tables) for each in samples if each.contradictory)
    assert comparison.compared == comparison.agreeing == sum(len(each.trace) for each in samples)
    assert comparison.disagreements == []
    assert len(comparison.fired) > len(model.tables)
    valid = next(index for index, each in enumerate(samples) if not each.contradictory)
    changed = copy.deepcopy(answers)
    changed[valid]["scope"]["value"] = "made-up"  # type: ignore[index]
    first = str(samples[0].trace[0]["table"])
    changed[0][first]["rules"] = ["made-up"]  # type: ignore[index]
    disagreements = compare(samples, changed).disagreements
    assert len(disagreements) == 2
    assert {(each.table, each.case) for each in disagreements} == {(first, 0), ("scope", valid)}
    assert all(each.theirs != each.ours for each in disagreements)
    with pytest.raises(ValueError, match="59 answers for 60 cases"):
        compare(samples, answers[1:])


@pytest.mark.slow
def test_the_site_publishes_the_dmn_and_links_it(built_site: Path) -> None:
    for guideline_id in calculators.available_guidelines():
        published = built_site / dmn_path(guideline_id)
        assert published.read_text(encoding="utf-8") == dmn_xml(guideline_models()[guideline_id])
        page = (built_site / guideline_id / "decision-logic" / "index.html").read_text("utf-8")
        assert f'href="../../{dmn_path(guideline_id)}" download' in page


@pytest.mark.parametrize("guideline_id", GUIDELINES)
def test_the_definitions_state_the_notices_of_every_answer(
    guideline_id: str, exported: dict[str, Path]
) -> None:
    root = ET.parse(exported[guideline_id]).getroot()
    description = root.findtext("dmn:description", None, NS)
    assert description is not None
    notices = guideline_models()[guideline_id].notices
    assert notices
    assert all(notice.text in description for notice in notices)
