"""benchmarks/bench_scale.py's project copies: N guidelines that build strictly (no timing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_scale import GUIDELINE, copy_id, make_project, with_nav_copies
from tests.support.builds import run_mkdocs_build
from tests.support.paths import ROOT


@pytest.mark.slow
def test_copies_of_the_guideline_build_strictly(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", 3)
    # New guidelines: no committed module is theirs, the build writes them.
    result = run_mkdocs_build(project, tmp_path / "site", modules="write")
    assert result.returncode == 0, result.output
    for guideline_id in (GUIDELINE, copy_id(2), copy_id(3)):
        assert (tmp_path / "site" / guideline_id / "calculator" / "index.html").is_file()
        module = guideline_id.replace("-", "_") + ".py"
        assert (project / "calculators" / "guidelines" / module).is_file()
    copy_index = (project / "docs" / copy_id(3) / "index.md").read_text(encoding="utf-8")
    assert f"id: {copy_id(3)}\n" in copy_index
    assert f"{GUIDELINE}/" not in copy_index
    # The real docs/ is copied, never written.
    assert not (ROOT / "docs" / copy_id(2)).exists()


def test_a_nav_listing_the_guideline_lists_each_copy() -> None:
    config = (
        "nav:\n"
        "  - Home: index.md\n"
        "  - Breast cancer:\n"
        f"      - {GUIDELINE}/index.md\n"
        f"      - Calculator: {GUIDELINE}/calculator.md\n"
        "  - Disclaimer: disclaimer.md\n"
    )
    assert with_nav_copies(config, [copy_id(2)]) == (
        "nav:\n"
        "  - Home: index.md\n"
        "  - Breast cancer:\n"
        f"      - {GUIDELINE}/index.md\n"
        f"      - Calculator: {GUIDELINE}/calculator.md\n"
        "  - Breast cancer:\n"
        f"      - {copy_id(2)}/index.md\n"
        f"      - Calculator: {copy_id(2)}/calculator.md\n"
        "  - Disclaimer: disclaimer.md\n"
    )
    plain = "site_name: x\nplugins:\n  - guideline\n"
    assert with_nav_copies(plain, [copy_id(2)]) == plain
