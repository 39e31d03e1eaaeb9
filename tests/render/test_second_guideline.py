"""A second guideline is just a new folder under docs/: the build knows no particular guideline."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from build_tools.pipeline import SiteBuild
from calculators.runtime.engine import Calculator
from calculators.runtime.records import read_compiled_module
from tests.support.builds import copy_project
from tests.support.paths import FIXTURES, ROOT


def test_fixture_guideline_builds_with_full_chrome(widget_site: Path) -> None:
    html = (widget_site / "widget-sorting" / "colour" / "index.html").read_text()
    assert re.search(
        r'gl-step--current" aria-current="step">\s*<span class="gl-step-label">'
        r"Approved",
        html,
    )
    assert "<dt>Version</dt><dd>0.3</dd>" in html
    assert '<a href="../../policy/">' in html
    assert "Fixture content for tests; it says nothing about patients." in html
    assert 'href="../references/#ref-handbook"' in html


def test_build_tools_name_no_guideline() -> None:
    for path in (ROOT / "build_tools").rglob("*"):
        if path.is_file() and path.suffix in {".py", ".html", ".js", ".css"}:
            text = path.read_text().lower()
            for word in ("breast", "trastuzumab", "metastatic", "tamoxifen"):
                assert word not in text, f"{path} mentions {word!r}"


def test_fixture_guideline_compiles_its_own_decision_module(tmp_path: Path) -> None:
    """The pipeline writes the fixture's module where its mkdocs.yml puts them (``make
    tables``), and the module runs."""
    project = copy_project(FIXTURES / "sites" / "widget", tmp_path / "widget")
    build = SiteBuild.of(project, modules_dir="compiled")
    assert [finding.file for finding in build.stale_modules()] == ["compiled/widget_sorting.py"]
    module_path = project / "compiled" / "widget_sorting.py"
    assert build.write_modules() == [module_path]
    assert build.stale_modules() == []
    spec = importlib.util.spec_from_file_location("widget_sorting", module_path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calculator = Calculator(read_compiled_module(module))
    result = calculator.recommend({"colour": "red", "weight_g": 800})
    assert [item["id"] for item in result["recommendations"]] == ["bin-a"]
    assert [item["id"] for item in result["warnings"]] == ["heavy-note"]
    assert result["recommendations"][0]["href"] == "widget-sorting/bins/#bin-a"
    invalid = calculator.recommend({"colour": "purple"})
    assert invalid["status"] == "invalid"
    assert invalid["errors"][0]["field"] == "colour"
