"""Golden tests of citation and reference-list rendering, on the fixture guideline."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from build_tools.markdown.parser import make_parser
from build_tools.pipeline import SiteBuild
from tests.support.paths import FIXTURES

GOLDEN = Path(__file__).parent / "golden"
WIDGET = FIXTURES / "sites" / "widget"


@cache
def widget_build() -> SiteBuild:
    """The fixture site's pipeline (its releases read, as its build reads them)."""
    return SiteBuild.of(WIDGET)


def render(src_uri: str) -> str:
    return widget_build().renderer.render(src_uri).html


@pytest.mark.parametrize(
    ("src_uri", "golden"),
    [
        ("widget-sorting/colour.md", "widget-colour.html"),
        ("widget-sorting/references.md", "widget-references.html"),
    ],
)
def test_rendering_matches_golden_file(src_uri: str, golden: str) -> None:
    html = render(src_uri)
    path = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(html)
    assert html == path.read_text(), f"run UPDATE_GOLDEN=1 pytest {__file__} if intended"


def citation_tokens(source: str) -> list[list[str]]:
    tokens = make_parser().parse(source, {})
    return [
        child.meta["keys"]
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "citation"
    ]


def test_citation_syntax() -> None:
    assert citation_tokens("One [@a] and two [@a; @b-2].") == [["a"], ["a", "b-2"]]
    assert citation_tokens("Keys may hold colons [@doi:10.1/x].") == [["doi:10.1/x"]]


def test_what_is_not_a_citation() -> None:
    assert citation_tokens("A link [@handle](https://example.org).") == []
    assert citation_tokens("Code `[@a]` stays code.") == []
    assert citation_tokens("Escaped \\[@a] stays text.") == []
    assert citation_tokens("Plain [a] brackets.") == []


def test_malformed_citation_is_reported_not_dropped() -> None:
    tokens = make_parser().parse("See [@a; b].", {})
    citation = next(c for c in tokens[1].children or [] if c.type == "citation")
    assert citation.meta["error"] == "'[@a; b]' is not a citation: write [@key] or [@key1; @key2]"
