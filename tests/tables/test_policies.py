"""Site policies: declared once in index.md, named by table cells and texts, applied everywhere
(the rules, the texts, the proof, the results), and every misuse reported at its line with a
remedy. Each test edits a copy of the real guideline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_tools.content.site import load_site, markdown_pages
from build_tools.findings import ContentError, Finding
from build_tools.pipeline import SiteBuild
from build_tools.tables import compile_module, compiled_calculator
from calculators.runtime.engine import Calculator
from calculators.runtime.records import read_compiled_module
from tests.support.paths import REAL_GUIDELINE
from tests.support.safety_checks import project_model
from tests.support.tables import module_from_source

GUIDELINE = "metastatic-breast-cancer"
FAVORABLE = {  # every favorable feature but the interval, which the tests choose
    "sex": "female",
    "er_status": "positive",
    "her2_status": "negative",
    "menopausal_status": "postmenopausal",
    "isolated_locoregional_recurrence": False,
    "visceral_involvement": False,
    "bulky_disease": False,
    "endocrine_resistance": False,
    "number_of_metastatic_sites": 2,
}


def _copy(tmp_path: Path, edits: list[tuple[str, str, str]]) -> Path:
    """The real guideline's docs with ``(page, old, new)`` edits; the guideline's folder."""
    shutil.copytree(REAL_GUIDELINE.parent, tmp_path / "docs")
    folder = tmp_path / "docs" / GUIDELINE
    for page, old, new in edits:
        path = folder / page
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {page}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _build(folder: Path) -> SiteBuild:
    """The build's pipeline over the edited copy's pages."""
    docs = folder.parent
    return SiteBuild.of(docs.parent, docs_dir=docs)


def _findings(folder: Path) -> list[Finding]:
    try:
        _build(folder).compiled  # noqa: B018 - run the stages up to the decisions
    except ContentError as error:
        return error.findings
    return []


def _only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, "\n".join(map(str, findings))
    assert findings[0].remedy, "every finding says what to do"
    return findings[0]


def test_every_threshold_the_site_chose_is_a_declared_policy() -> None:
    model = project_model()
    assert {policy.id for policy in model.policies} >= {
        "long_dfi_months",
        "short_dfi_months",
        "multiple_sites_min",
        "good_performance_ecog_max",
        "poor_performance_ecog_min",
        "lvef_lower_limit_percent",
        "early_relapse_after_trastuzumab_months",
        "dose_rounding_mg",
    }
    used = {
        name
        for table in model.tables
        for rule in table.rules
        for c in rule.conditions
        for name in c.policies
    }
    used |= {name for item in model.items for name in item.policies}
    assert {policy.id for policy in model.policies} <= used, "a declared policy nothing uses"
    for policy in model.policies:
        assert "{policy:" not in policy.text + policy.patient_text + policy.why


def test_a_result_a_policy_decides_says_so() -> None:
    calculator = Calculator(
        read_compiled_module(module_from_source(compile_module(project_model()), "real"))
    )
    result = calculator.recommend({**FAVORABLE, "disease_free_interval_months": 36})
    reason = next(
        item for item in result["prognosis_reasons"] if item["id"] == "favorable-long-dfi"
    )
    assert [policy["id"] for policy in reason["policies"]] == ["long_dfi_months"]
    assert "more than 24 months" in reason["text"]
    assert reason["policies"][0]["text"].startswith(
        "A disease-free interval of more than 24 months"
    )


def test_changing_a_value_changes_the_rules_and_every_text_that_states_it(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path,
        [
            (
                "index.md",
                "  - id: long_dfi_months\n    value: 24\n",
                "  - id: long_dfi_months\n    value: 36\n",
            )
        ],
    )
    build = _build(folder)
    # The safety constraints still hold with the new value: the build compiles it.
    compiled = build.compiled[GUIDELINE]
    calculator = compiled_calculator(compiled.model, compiled.module_text)
    at_30 = calculator.recommend({**FAVORABLE, "disease_free_interval_months": 30})
    at_40 = calculator.recommend({**FAVORABLE, "disease_free_interval_months": 40})
    assert at_30["prognosis"] is None
    assert at_40["prognosis"] == "favorable"
    reason = next(i for i in at_40["prognosis_reasons"] if i["id"] == "favorable-long-dfi")
    assert "more than 36 months" in reason["text"]
    assert "36 months" in reason["patient_text"]
    # The page's prose states the new value too.
    tokens = build.content.pages[f"{GUIDELINE}/initial-assessment.md"].tokens
    named = [child for token in tokens for child in token.children or [] if child.type == "policy"]
    assert {child.meta["id"] for child in named} >= {"long_dfi_months", "short_dfi_months"}


@pytest.mark.parametrize(
    ("page", "old", "new", "where", "words"),
    [
        (
            "initial-assessment.md",
            'when: {disease_free_interval_months: "<= short_dfi_months"}\n'
            "        then: {value: unfavorable}",
            'when: {disease_free_interval_months: "<= shrot_dfi_months"}\n'
            "        then: {value: unfavorable}",
            "initial-assessment.md",
            ("unknown site policy 'shrot_dfi_months'", "declare the policy under 'policies:'"),
        ),
        (
            "initial-assessment.md",
            "(more than {policy:long_dfi_months}: this site's policy",
            "(more than {policy:long_dfi_month}: this site's policy",
            "initial-assessment.md",
            ("text names an unknown policy {policy:long_dfi_month}",),
        ),
        (
            "her2-positive.md",
            "round_to: dose_rounding_mg}\n  trastuzumab-maintenance-dose",
            "round_to: dose_rounding}\n  trastuzumab-maintenance-dose",
            "her2-positive.md",
            ("round_to 'dose_rounding' is not a site policy",),
        ),
        (
            "index.md",
            '    cite: ["@herceptin-label", "@hfa-icos-2020"]\n  - id: early_relapse',
            '    cite: ["@herceptin-label", "@hfa-icos-2022"]\n  - id: early_relapse',
            "index.md",
            ("policy lvef_lower_limit_percent: unknown citation key '@hfa-icos-2022'",),
        ),
        (
            "index.md",
            "    implied_by:\n      - when: {lvef_percent:",
            "    implied_by:\n      - when: {visceral_crisis: true, lvef_percent:",
            "index.md",
            ("implied_by tests 'visceral_crisis'", "not a finding"),
        ),
        (
            "index.md",
            "  - name: weight_kg\n",
            "  - name: weight_kg\n    implied_by:\n      - {when: {ecog: 4}, value: true}\n",
            "index.md",
            ("only findings have 'implied_by'",),
        ),
    ],
    ids=[
        "cell",
        "item text",
        "dose rounding",
        "policy citation",
        "implied by a finding",
        "implied non-finding",
    ],
)
def test_a_misused_policy_or_implication_is_reported_at_its_line(
    tmp_path: Path, page: str, old: str, new: str, where: str, words: tuple[str, ...]
) -> None:
    folder = _copy(tmp_path, [(page, old, new)])
    finding = _only(_findings(folder))
    assert finding.file.endswith(f"{GUIDELINE}/{where}")
    text = (folder / where).read_text(encoding="utf-8").splitlines()
    assert 1 <= finding.line <= len(text)
    for word in words:
        assert word in finding.message + finding.remedy, finding


def test_an_unknown_policy_in_prose_is_reported_at_its_line(tmp_path: Path) -> None:
    folder = _copy(
        tmp_path,
        [
            (
                "initial-assessment.md",
                "longer than {policy:long_dfi_months}, fewer",
                "longer than {policy:lnog_dfi_months}, fewer",
            )
        ],
    )
    docs = folder.parent
    with pytest.raises(ContentError) as raised:
        load_site(docs, markdown_pages(docs), docs.parent)
    finding = _only(raised.value.findings)
    lines = (folder / "initial-assessment.md").read_text(encoding="utf-8").splitlines()
    assert "{policy:lnog_dfi_months}" in lines[finding.line - 1]
    assert "unknown site policy {policy:lnog_dfi_months}" in finding.message
    assert "long_dfi_months" in finding.remedy


def test_policies_without_a_page_to_review_them_fail(tmp_path: Path) -> None:
    folder = _copy(tmp_path, [])
    (folder / "policies.md").unlink()
    index = folder / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "  - {title: Site policies, page: metastatic-breast-cancer/policies.md}\n", ""
        ),
        encoding="utf-8",
    )
    docs = folder.parent
    with pytest.raises(ContentError) as raised:
        load_site(docs, markdown_pages(docs), docs.parent)
    messages = [finding.message for finding in raised.value.findings]
    assert any("declares site policies but no page lists them" in m for m in messages), messages
