"""Every case of the malformed-content corpus fails the build naming file, line and remedy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.builds import copy_project, run_mkdocs_build
from tests.support.paths import DATA, FIXTURES

pytestmark = pytest.mark.slow  # one real site build per malformed page

CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "malformed_content.yml").read_text())


def apply_edit(project: Path, case: dict[str, Any]) -> None:
    path = project / case["file"]
    text = path.read_text()
    if "replace" in case:
        old, new = case["replace"]
        assert old in text, f"corpus case {case['name']!r}: {old!r} not in {case['file']}"
        text = text.replace(old, new, 1)
    else:
        text += case["append"]
    path.write_text(text)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 20
    assert len({case["name"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_malformed_content_fails_the_build(case: dict[str, Any], tmp_path: Path) -> None:
    project = copy_project(FIXTURES / "sites" / "widget", tmp_path / "project")
    apply_edit(project, case)
    result = run_mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0, f"the build passed:\n{result.output}"
    lines = [line for line in result.output.splitlines() if f"{case['expect']}: " in line]
    assert lines, f"no finding at {case['expect']}:\n{result.output}"
    finding = next((line for line in lines if case["message"] in line), None)
    assert finding is not None, (
        f"{case['message']!r} not reported at {case['expect']}:\n{result.output}"
    )
    assert " -> " in finding, f"the finding gives no remedy: {finding}"
