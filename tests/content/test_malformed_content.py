"""Every case of the malformed-content corpus (tests/data/malformed_content.yml) fails the build
naming file, line, what is wrong and what to do.

Each case is checked in-process, through the pipeline (:class:`build_tools.pipeline.SiteBuild`,
the stages the MkDocs plugin runs): its findings, the content's warnings (fatal in ``--strict``)
and the errors of every stage. Three representative cases, one per way a finding reaches the
build's output (a content error, a warning made fatal by ``--strict``, a decision-table error of
a later stage), are also built by ``mkdocs build --strict`` in a subprocess: its output carries the
text of the pipeline's findings, word for word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from build_tools.findings import ContentError, Finding
from build_tools.pipeline import SiteBuild
from tests.support.builds import copy_project, run_mkdocs_build
from tests.support.paths import DATA, FIXTURES

CASES: list[dict[str, Any]] = yaml.load(
    (DATA / "malformed_content.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader
)
BY_NAME = {case["name"]: case for case in CASES}
WIDGET = FIXTURES / "sites" / "widget"
# A content error (front matter), a warning (fatal in strict mode), an error of the decision
# tables' stage: the three ways a finding reaches the output of a real build.
REAL_BUILDS = (
    "unknown citation key",
    "unused reference (a warning, fatal in strict mode)",
    "table gap",
)


def apply_edit(project: Path, case: dict[str, Any]) -> None:
    path = project / case["file"]
    text = path.read_text(encoding="utf-8")
    if "replace" in case:
        old, new = case["replace"]
        assert old in text, f"corpus case {case['name']!r}: {old!r} not in {case['file']}"
        text = text.replace(old, new, 1)
    else:
        text += case["append"]
    path.write_text(text, encoding="utf-8")


def malformed_copy(case: dict[str, Any], folder: Path) -> Path:
    """A copy of the widget fixture site with the case's edit."""
    project = copy_project(WIDGET, folder)
    apply_edit(project, case)
    return project


def pipeline_findings(project: Path) -> list[Finding]:
    """What the build of ``project`` reports, as the plugin runs the pipeline: the content's
    errors, else its warnings (each fatal in ``--strict``) and the errors of the later stages."""
    build = SiteBuild.of(project)
    try:
        found = build.warnings  # loads the content
    except ContentError as error:
        return error.findings
    try:
        build.run()
    except ContentError as error:
        found += error.findings
    return found


def the_finding(case: dict[str, Any], findings: list[Finding]) -> Finding:
    """The finding at the case's ``file:line`` that says its message, with a remedy."""
    shown = "\n".join(map(str, findings)) or "(none: the build passes)"
    located = [each for each in findings if f"{each.file}:{each.line}" == case["expect"]]
    assert located, f"no finding at {case['expect']}:\n{shown}"
    finding = next((each for each in located if case["message"] in each.message), None)
    assert finding is not None, f"{case['message']!r} not reported at {case['expect']}:\n{shown}"
    assert finding.remedy, f"the finding gives no remedy: {finding}"
    assert " -> " in str(finding)
    return finding


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 20
    assert len(BY_NAME) == len(CASES)
    assert set(REAL_BUILDS) <= set(BY_NAME)


def test_the_fixture_site_itself_builds_clean(tmp_path: Path) -> None:
    """Every finding below comes from the case's edit."""
    assert pipeline_findings(copy_project(WIDGET, tmp_path / "project")) == []


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_malformed_content_fails_the_build(case: dict[str, Any], tmp_path: Path) -> None:
    the_finding(case, pipeline_findings(malformed_copy(case, tmp_path / "project")))


@pytest.mark.slow  # one real site build each
@pytest.mark.parametrize("name", REAL_BUILDS)
def test_mkdocs_reports_the_pipelines_findings_word_for_word(name: str, tmp_path: Path) -> None:
    case = BY_NAME[name]
    project = malformed_copy(case, tmp_path / "project")
    finding = the_finding(case, pipeline_findings(project))
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0, f"the build passed:\n{result.output}"
    assert str(finding) in result.output, f"{finding} not in the build's output:\n{result.output}"
