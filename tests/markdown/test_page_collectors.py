"""What the content loader collects from a page body, and the findings it reports, tested from
fixture files and on a whole guideline.

``tests/markdown/fixtures/collected/*.md`` hold cases in markdown-it-py's fixture format whose
input is a whole page (front matter included, so line numbers read as in an editor) and whose
expected output is what :func:`build_tools.content.pages.parse_page` collects from it: point
anchors, heading ids, citation keys, links and directives with their lines, then every finding
as ``file:line: message -> remedy`` (see
``tests/support/markdown_fixtures.py:collect_page``). A case's
test id is ``<file>:<line of its title>``.

The rules that span pages (unknown citation keys, links to missing pages or anchors) are checked
when the pages are assembled into a guideline; the plain tests below run them on a copy of the
widget fixture site.

Regenerate the expected outputs deliberately, then read the diff::

    .venv/bin/python -m tests.markdown.regen [blocks.md ...]
    git diff tests/markdown/fixtures
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_tools.content.pages import CitationUse, LinkUse, parse_page
from build_tools.content.site import load_site, markdown_pages
from build_tools.findings import ContentError
from tests.support.markdown_fixtures import (
    COLLECTED_FIXTURES,
    Case,
    as_fixture_output,
    cases,
    collect_page,
)
from tests.support.paths import FIXTURES

COLLECTED_CASES = cases(COLLECTED_FIXTURES)
WIDGET = FIXTURES / "sites" / "widget"
COLOUR = "widget-sorting/colour.md"


@pytest.mark.parametrize("case", COLLECTED_CASES, ids=[case.id for case in COLLECTED_CASES])
def test_collected_fixture(case: Case, tmp_path: Path) -> None:
    collected = collect_page(case.input, tmp_path)
    assert as_fixture_output(collected) == case.expected, (
        f"{case.file}:{case.line}: {case.title}\n"
        "if the change is intended: python -m tests.markdown.regen " + case.file.name
    )


def test_every_finding_gives_a_remedy(tmp_path: Path) -> None:
    for case in COLLECTED_CASES:
        for line in collect_page(case.input, tmp_path).splitlines():
            if line.startswith("  docs/"):
                assert " -> " in line, f"{case.id}: no remedy in {line!r}"


# --- the same syntax, checked when the pages are assembled ------------------------------------


def widget_copy(tmp_path: Path, append: str) -> tuple[Path, int]:
    """A copy of the widget fixture site's docs/ with ``append`` added to the colour section;
    returns the docs folder and the line the appended text starts on."""
    docs = tmp_path / "docs"
    shutil.copytree(WIDGET / "docs", docs)
    page = docs / COLOUR
    text = page.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    text += "\n"
    page.write_text(text + append, encoding="utf-8")
    return docs, text.count("\n") + 1


def assembly_findings(docs: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_site(docs, markdown_pages(docs), docs.parent)
    return [str(finding) for finding in raised.value.findings]


def test_the_widget_site_loads(tmp_path: Path) -> None:
    docs, _ = widget_copy(tmp_path, "")
    site = load_site(docs, markdown_pages(docs), docs.parent)
    assert "widget-sorting" in site.guidelines


def test_unknown_citation_key_parsed_then_reported_at_assembly(tmp_path: Path) -> None:
    docs, line = widget_copy(tmp_path, "Unknown [@nobody-2020; @also-missing].\n")
    page, findings = parse_page(docs / COLOUR, COLOUR, f"docs/{COLOUR}")
    assert findings == []
    assert page.citations[-1] == CitationUse(("nobody-2020", "also-missing"), line)
    assert assembly_findings(docs) == [
        f"docs/{COLOUR}:{line}: unknown citation key '@{key}' -> add '{key}' to references in "
        "docs/widget-sorting/index.md or fix the key"
        for key in ("also-missing", "nobody-2020")
    ]


def test_links_to_missing_pages_and_anchors_reported_at_assembly(tmp_path: Path) -> None:
    docs, line = widget_copy(
        tmp_path,
        (
            "[a](missing.md)\n"
            "[b](bins.md#no-such-anchor)\n"
            "[c](bins.md) [d](https://example.org/x.md) [e](other.md?x=1)\n"
        ),
    )
    page, _ = parse_page(docs / COLOUR, COLOUR, f"docs/{COLOUR}")
    assert page.links[-5:] == [
        LinkUse("missing.md", line),
        LinkUse("bins.md#no-such-anchor", line + 1),
        LinkUse("bins.md", line + 2),
        LinkUse("https://example.org/x.md", line + 2),
        LinkUse("other.md?x=1", line + 2),
    ]
    assert assembly_findings(docs) == [
        f"docs/{COLOUR}:{line}: link to 'missing.md' points to no page -> link a .md file of "
        "docs/ with a path relative to this page",
        f"docs/{COLOUR}:{line + 1}: link 'bins.md#no-such-anchor': '#no-such-anchor' is not an "
        "anchor of docs/widget-sorting/bins.md -> use a point anchor or a heading id of that "
        "page",
        f"docs/{COLOUR}:{line + 2}: link 'other.md?x=1' carries a query after '.md': it is not "
        "rewritten to the page's URL -> link the page's .md file with a path relative to this "
        "page (e.g. ../other-section.md#anchor)",
    ]


def test_malformed_citation_stops_loading_before_assembly(tmp_path: Path) -> None:
    docs, line = widget_copy(tmp_path, "Broken [@a; b].\n")
    assert assembly_findings(docs) == [
        f"docs/{COLOUR}:{line}: '[@a; b]' is not a citation: write [@key] or [@key1; @key2] "
        "-> fix the citation syntax",
    ]
