"""The build proves the guideline's safety constraints over the whole case space.

Each test plants one violation in a copy of the guideline (a rule, a rank, a citation changed) and
checks that the build fails at the constraint's ``file:line``, naming it, with a counterexample
case as a case-link fragment that really produces the offending result when the compiled module
evaluates it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from build_tools.decisions.from_content import load_sources
from build_tools.findings import ContentError, Finding
from build_tools.tables import build, compile_module, compiled_recommend, load_decision_model
from build_tools.tables.prove import violations
from calculators.runtime.engine import Calculator
from calculators.runtime.records import read_compiled_module
from tests.support.paths import REAL_GUIDELINE
from tests.support.safety_checks import project_model
from tests.support.tables import module_from_source

INDEX = "docs/metastatic-breast-cancer/index.md"


@dataclass(frozen=True)
class Plant:
    constraint: str  # the constraint (or "asserts of <item>") the build must name
    page: str  # the section page edited
    old: str
    new: str
    offending: str | None  # the item the counterexample must produce (None: a missing item/status)
    also: tuple[tuple[str, str], ...] = ()  # further (old, new) edits of the same page


PLANTS = [
    Plant(
        "her2-positive-no-anthracycline",
        "her2-positive.md",
        "then: {items: [trastuzumab-chemotherapy, trastuzumab-paclitaxel]}",
        "then: {items: [trastuzumab-chemotherapy, trastuzumab-paclitaxel, "
        "chemotherapy-combination-anthracycline]}",
        "chemotherapy-combination-anthracycline",
    ),
    Plant(
        "cardiac-dysfunction-her2-positive",
        "her2-positive.md",
        "when: {cardiac: normal, after_trastuzumab: [none, late_relapse], "
        "performance: [adequate, unknown]}",
        "when: {after_trastuzumab: [none, late_relapse], performance: [adequate, unknown]}",
        "trastuzumab-chemotherapy",
    ),
    Plant(
        "cardiac-dysfunction-chemotherapy",
        "triple-negative.md",
        "when: {chemotherapy_rank: first, prior_anthracycline: false, cardiac: normal, ",
        "when: {chemotherapy_rank: first, prior_anthracycline: false, ",
        "chemotherapy-single-anthracycline",
    ),
    Plant(
        "cardiac-dysfunction-no-anthracycline",
        "triple-negative.md",
        'when: {chemotherapy_rank: first, combination: "yes", cardiac: normal}',
        'when: {chemotherapy_rank: first, combination: "yes"}',
        "chemotherapy-combination-anthracycline",
    ),
    Plant(
        "trastuzumab-urged-only-with-normal-heart",
        "her2-positive.md",
        "when: {cardiac: normal, after_trastuzumab: [none, late_relapse], "
        "performance: adequate, refuses_chemotherapy: false}",
        "when: {after_trastuzumab: [none, late_relapse], performance: adequate, "
        "refuses_chemotherapy: false}",
        "pitfall-do-not-delay-trastuzumab",
    ),
    Plant(
        "lvef-contradiction-named",
        "her2-positive.md",
        'when: {lvef_percent: "< lvef_lower_limit_percent", cardiac_dysfunction: false}',
        'when: {lvef_percent: "< 30", cardiac_dysfunction: false}',
        None,
    ),
    Plant(
        "previous-anthracycline",
        "triple-negative.md",
        "when: {chemotherapy_rank: first, prior_anthracycline: false, cardiac: normal, ",
        "when: {chemotherapy_rank: first, cardiac: normal, ",
        "chemotherapy-single-anthracycline",
        also=(
            (
                "when: {prior_anthracycline: true}\n"
                "        then: {items: [anthracycline-cumulative-dose]}",
                'when: {prior_anthracycline: true, combination: "yes"}\n'
                "        then: {items: [anthracycline-cumulative-dose]}",
            ),
        ),
    ),
    Plant(
        "pregnancy-no-recommendation",
        "hr-positive-her2-negative.md",
        "applies_when: {scope: metastatic, hr: positive, her2: negative, pregnant: false}",
        "applies_when: {scope: metastatic, hr: positive, her2: negative}",
        "endocrine-first-line",
    ),
    Plant(
        "poor-performance-no-chemotherapy-first",
        "triple-negative.md",
        "      - id: chemotherapy-poor-performance-not-first\n        when: {performance: poor}\n"
        "        then: {value: not_first}\n",
        "",
        "visceral-crisis-chemotherapy",
    ),
    Plant(
        "poor-performance-her2-positive",
        "her2-positive.md",
        "after_trastuzumab: [none, late_relapse], performance: [adequate, unknown]}",
        "after_trastuzumab: [none, late_relapse], performance: [adequate, unknown, poor]}",
        "trastuzumab-chemotherapy",
    ),
    Plant(
        "performance-unknown-on-chemotherapy",
        "triple-negative.md",
        "then: {status: needs_more_information, items: [workup-ecog-chemotherapy]}",
        "then: {items: [workup-ecog-chemotherapy]}",
        None,
    ),
    Plant(
        "liver-tests-no-docetaxel",
        "triple-negative.md",
        "when: {chemotherapy_rank: first, liver_tests: [within_limits, null]}\n"
        "        then: {items: [chemotherapy-single-taxanes]}",
        "when: {chemotherapy_rank: first}\n        then: {items: [chemotherapy-single-taxanes]}",
        "chemotherapy-single-taxanes",
    ),
    Plant(
        "raised-bilirubin-no-anthracycline-first",
        "triple-negative.md",
        "cardiac: normal, liver_tests: not(bilirubin_above_uln)}",
        "cardiac: normal}",
        "chemotherapy-single-anthracycline",
    ),
    Plant(
        "liver-tests-unknown-on-chemotherapy",
        "triple-negative.md",
        "when: {liver_tests: null}\n"
        "        then: {items: [docetaxel-liver-limits, workup-liver-function]}",
        'when: {liver_tests: null, combination: "yes"}\n'
        "        then: {items: [docetaxel-liver-limits, workup-liver-function]}",
        None,
    ),
    Plant(
        "after-trastuzumab-not-urged",
        "her2-positive.md",
        "after_trastuzumab: [none, late_relapse], performance: [adequate, unknown]}",
        "after_trastuzumab: [none, late_relapse, early_relapse], performance: [adequate, unknown]}",
        "trastuzumab-chemotherapy",
    ),
    Plant(
        "declined-chemotherapy-not-first",
        "triple-negative.md",
        "      - id: chemotherapy-declined-not-first\n        when: {refuses_chemotherapy: true}\n"
        "        then: {value: not_first}\n",
        "",
        "visceral-crisis-chemotherapy",
    ),
    Plant(
        "declined-chemotherapy-said",
        "triple-negative.md",
        "when: {refuses_chemotherapy: true}\n        then: {items: [silent-declined-chemotherapy]}",
        'when: {refuses_chemotherapy: true, combination: "yes"}\n'
        "        then: {items: [silent-declined-chemotherapy]}",
        None,
    ),
    Plant(
        "ovarian-suppression-before-menopause",
        "hr-positive-her2-negative.md",
        "then: {items: [endocrine-switch-before-menopause, no-ai-without-ovarian-suppression]}",
        "then: {items: [endocrine-switch-after-resistance, no-ai-without-ovarian-suppression]}",
        "endocrine-switch-after-resistance",
    ),
    Plant(
        "visceral-crisis-no-endocrine-first",
        "hr-positive-her2-negative.md",
        "  endocrine-deferred-visceral-crisis:\n    kind: recommendation\n    rank: alternative",
        "  endocrine-deferred-visceral-crisis:\n    kind: recommendation\n    rank: preferred",
        "endocrine-deferred-visceral-crisis",
    ),
    Plant(
        "men-out-of-scope",
        "goals-of-care.md",
        "then: {value: out_of_scope, status: out_of_scope, items: [out-of-scope-male]}",
        "then: {value: out_of_scope, items: [out-of-scope-male]}",
        None,
    ),
    Plant(
        "her2-undetermined",
        "hr-positive-her2-negative.md",
        "  endocrine-pending-her2:\n    kind: recommendation\n    rank: alternative",
        "  endocrine-pending-her2:\n    kind: recommendation\n    rank: preferred",
        "endocrine-pending-her2",
    ),
    Plant(
        "hormone-receptors-undetermined",
        "initial-assessment.md",
        "then: {value: unknown, status: needs_more_information, "
        "items: [workup-hormone-receptors-unknown]}",
        "then: {value: unknown, items: [workup-hormone-receptors-unknown]}",
        None,
    ),
    Plant(
        "recommendations-cite",
        "triple-negative.md",
        '    cite: ["@oracle-overview"]\n    anchor: tnbc-chemotherapy-primary',
        "    cite: []\n    anchor: tnbc-chemotherapy-primary",
        "chemotherapy-mainstay",
    ),
    Plant(
        "asserts of endocrine-first-line",
        "hr-positive-her2-negative.md",
        "then: {items: [visceral-crisis-chemotherapy, endocrine-deferred-visceral-crisis, "
        "visceral-crisis-inferred]}",
        "then: {items: [visceral-crisis-chemotherapy, endocrine-first-line, "
        "visceral-crisis-inferred]}",
        "endocrine-first-line",
    ),
]


def test_every_constraint_has_a_planted_violation() -> None:
    """Each declared safety constraint is shown to fail the build when the content breaks it."""
    planted = {plant.constraint for plant in PLANTS}
    assert {constraint.id for constraint in project_model().safety} <= planted


def _planted(plant: Plant, tmp_path: Path) -> Path:
    shutil.copytree(REAL_GUIDELINE.parent, tmp_path / "docs")  # the pages the guideline names
    folder = tmp_path / "docs" / "metastatic-breast-cancer"
    page = folder / plant.page
    text = page.read_text(encoding="utf-8")
    for old, new in ((plant.old, plant.new), *plant.also):
        assert old in text, f"{plant.constraint}: {old!r} is not in {plant.page}"
        text = text.replace(old, new, 1)
    page.write_text(text, encoding="utf-8")
    return folder


def _named(findings: list[Finding], plant: Plant) -> Finding:
    label = (
        plant.constraint
        if plant.constraint.startswith("asserts")
        else f"constraint {plant.constraint} "
    )
    named = [finding for finding in findings if label in finding.message]
    assert named, "\n".join(str(finding) for finding in findings)
    return named[0]


def test_the_guideline_proves_clean() -> None:
    model = project_model()
    assert len(model.safety) >= 10
    assert violations(model) == []


@pytest.mark.slow  # a proof of the whole case space per plant
@pytest.mark.parametrize("plant", PLANTS, ids=[plant.constraint for plant in PLANTS])
def test_a_planted_violation_fails_the_build_with_a_counterexample(
    plant: Plant, tmp_path: Path
) -> None:
    folder = _planted(plant, tmp_path)
    with pytest.raises(ContentError) as raised:
        build(load_sources(folder.parent, tmp_path)[folder.name])
    finding = _named(raised.value.findings, plant)
    # file:line of the constraint (its obligation) or of the asserting item; a remedy.
    if plant.constraint.startswith("asserts"):
        assert finding.file.endswith(plant.page)
    else:
        assert finding.file == INDEX
        assert _constraint_lines(folder / "index.md", plant.constraint).count(finding.line)
    assert finding.remedy
    fragment = re.search(r"e\.g\. for the case (#\S+?)(;|$)", finding.message)
    assert fragment, finding.message
    # The counterexample is real: the compiled module of the planted guideline produces it.
    model = load_decision_model(load_sources(folder.parent, tmp_path)[folder.name])
    calculator = Calculator(
        read_compiled_module(module_from_source(compile_module(model), "planted"))
    )
    result = calculator.recommend(calculator.case_from_fragment(fragment.group(1)))
    assert result["status"] != "invalid", result["errors"]
    if plant.offending is not None:
        produced = {
            item["id"]: item
            for key in ("recommendations", "warnings", "dosing", "workup", "monitoring")
            for item in result[key]
        }
        assert plant.offending in produced, sorted(produced)
        offending = produced[plant.offending]
        assert f"produced by {plant.offending} from rule {offending['rule']}" in finding.message


def _constraint_lines(index: Path, constraint: str) -> range:
    """The lines of one constraint's entry in index.md."""
    lines = index.read_text(encoding="utf-8").splitlines()
    start = next(number for number, line in enumerate(lines, 1) if line == f"  - id: {constraint}")
    end = next(
        (
            number
            for number, line in enumerate(lines[start:], start + 1)
            if line.startswith("  - id: ")
        ),
        len(lines),
    )
    return range(start, end)


def test_the_proof_of_the_shipped_module_agrees_with_its_runtime() -> None:
    """The counterexample search uses the model; the compiled module must agree on a planted
    violation (it is what the message's 'produced by' comes from)."""
    model = project_model()
    recommend = compiled_recommend(model, compile_module(model))
    case = {
        "sex": "female",
        "her2_ihc": "3+",
        "isolated_locoregional_recurrence": False,
        "cardiac_dysfunction": True,
        "refuses_chemotherapy": False,
    }
    result = recommend(case)
    assert result["status"] == "needs_more_information"
    assert all(item["rank"] != "preferred" for item in result["recommendations"])
    assert {"cardiac-dysfunction-caution", "workup-cardiac-assessment"} <= {
        item["id"] for key in ("warnings", "workup") for item in result[key]
    }


@pytest.mark.parametrize("test", ['"not(true)"', "null", "[true, null]"])
def test_a_condition_must_not_match_an_unknown_finding(test: str, tmp_path: Path) -> None:
    """A constraint's condition speaks of what the case states: a test that an unknown finding
    matches would oblige results the proof does not cover."""
    shutil.copytree(REAL_GUIDELINE.parent, tmp_path / "docs")  # the pages the guideline names
    folder = tmp_path / "docs" / "metastatic-breast-cancer"
    index = folder / "index.md"
    old = 'cardiac_dysfunction: false, lvef_percent: "< lvef_lower_limit_percent"}'
    text = index.read_text(encoding="utf-8")
    assert old in text
    index.write_text(
        text.replace(
            old, f'cardiac_dysfunction: {test}, lvef_percent: "< lvef_lower_limit_percent"}}', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match=r"unknown \(null\) finding|never sees? as null"):
        build(load_sources(folder.parent, tmp_path)[folder.name])


def test_every_finding_has_its_work_up_wording() -> None:
    model = project_model()
    findings = [spec for spec in model.inputs if spec.finding]
    assert {spec.name for spec in findings} >= {
        "visceral_crisis",
        "visceral_involvement",
        "bulky_disease",
        "cardiac_dysfunction",
        "prior_anthracycline",
        "prior_trastuzumab",
        "endocrine_resistance",
        "indolent_disease",
        "isolated_locoregional_recurrence",
        "refuses_chemotherapy",
    }
    for spec in findings:
        assert spec.nullable, spec.name
        assert spec.default is None, spec.name
        assert spec.ask is not None, spec.name
