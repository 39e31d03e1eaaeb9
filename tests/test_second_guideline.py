"""A second guideline is just a new folder under docs/: the build knows no particular guideline."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT


def test_fixture_guideline_builds_with_full_chrome(widget_site: Path) -> None:
    html = (widget_site / "widget-sorting" / "colour" / "index.html").read_text()
    assert re.search(r'gl-step--current" aria-current="step">\s*<span class="gl-step-label">'
                     r"Approved", html)
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
