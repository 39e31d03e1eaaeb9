"""Navigation that scales: with several guidelines, a guideline's page lists that guideline alone
and the other pages list each guideline as one link (build_tools/mkdocs_plugin/navigation.py),
so a page's size does not grow with the number of guidelines and adding one does not change the
pages of the others."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section, get_navigation

from benchmarks.bench_scale import GUIDELINE, copy_id, make_project, one_guideline_page
from build_tools.content.site import SiteContent
from build_tools.mkdocs_plugin.navigation import (
    GUIDELINES_TITLE,
    GuidelinesEntry,
    gather_guidelines,
    pages_in_order,
)
from tests.support.builds import run_mkdocs_build

PAGE_SIZE_LIMIT = 1.5  # a page's size with several guidelines / with one (the bound)
GUIDELINES = 12


# --- the navigation's shape, from MkDocs' own automatic navigation ---------------------------


class _Folders:
    """The one thing the navigation asks of the content: a page's guideline (its folder)."""

    def guideline_of(self, src_uri: str) -> Any:
        return SimpleNamespace(folder=src_uri.split("/", 1)[0]) if "/" in src_uri else None


def _navigation(tmp_path: Path, paths: list[str]) -> Navigation:
    config = MkDocsConfig()
    config.load_dict(
        {
            "site_name": "test",
            "docs_dir": str(tmp_path / "docs"),
            "site_dir": str(tmp_path / "site"),
        }
    )
    (tmp_path / "docs").mkdir()
    errors, _ = config.validate()
    assert not errors
    files = Files([File(path, config.docs_dir, config.site_dir, True) for path in paths])
    navigation = get_navigation(files, config)
    gather_guidelines(navigation.items, cast(SiteContent, _Folders()))
    return navigation


SITE_PAGES = ["index.md", "disclaimer.md"]
ALPHA = ["alpha/index.md", "alpha/dosing.md"]
BETA = ["beta/index.md", "beta/calculator.md", "beta/references.md"]


def test_a_single_guideline_keeps_its_section(tmp_path: Path) -> None:
    items = _navigation(tmp_path, [*SITE_PAGES, *ALPHA]).items
    assert not any(isinstance(item, GuidelinesEntry) for item in items)
    section = items[2]
    assert isinstance(section, Section)
    assert [page.file.src_uri for page in pages_in_order(section.children)] == ALPHA


def test_several_guidelines_share_one_entry(tmp_path: Path) -> None:
    navigation = _navigation(tmp_path, [*SITE_PAGES, *ALPHA, *BETA])
    home, disclaimer, entry = navigation.items
    assert [home.file.src_uri, disclaimer.file.src_uri] == SITE_PAGES
    assert isinstance(entry, GuidelinesEntry)
    pages = {page.file.src_uri: page for page in pages_in_order(navigation.items)}
    # Every page is still in the reading order (previous/next), guideline by guideline.
    assert list(pages) == [*SITE_PAGES, *ALPHA, *BETA]

    # The home page (MkDocs marks the page it renders active): a link to each guideline.
    home.active = True
    assert not entry.active
    assert entry.title == GUIDELINES_TITLE
    assert [(link.title, link.url) for link in entry.children if isinstance(link, Link)] == [
        ("Alpha", "alpha/"),
        ("Beta", "beta/"),
    ]
    home.active = False

    # Another page outside the guidelines: no children, so the theme shows a link to home.
    disclaimer.active = True
    assert (entry.title, entry.children, entry.url) == (GUIDELINES_TITLE, [], home.url)
    disclaimer.active = False

    # On a guideline's page: that guideline's section alone, as a one-guideline site shows it.
    references = pages["beta/references.md"]
    references.active = True
    assert entry.active
    assert entry.title == "Beta"
    assert [page.file.src_uri for page in entry.children] == BETA
    assert references.ancestors == [entry.sections[1]]  # the page's own section, as before
    references.active = False
    assert not entry.active


# --- a built site with many guidelines --------------------------------------------------------

_NAV = re.compile(r"<nav\b|</nav>")


def primary_navigation(html: str) -> str:
    """The theme's primary navigation (the sidebar, and the drawer on small screens)."""
    start = html.index('<nav class="md-nav md-nav--primary"')
    depth = 0
    for match in _NAV.finditer(html, start):
        depth += 1 if match.group() != "</nav>" else -1
        if depth == 0:
            return html[start : match.end()]
    raise AssertionError("the primary navigation is not closed")


def _pages(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): path.read_text(encoding="utf-8")
        for path in site.rglob("*.html")
    }


@pytest.fixture(scope="module")
def many_guidelines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's pages with GUIDELINES - 1 copies of its guideline (benchmarks/bench_scale.py),
    built without precompressed copies (they do not change the pages)."""
    project = make_project(tmp_path_factory.mktemp("many") / "project", GUIDELINES)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - guideline:\n" in text
    config.write_text(
        text.replace("  - guideline:\n", "  - guideline:\n      hosting_precompress: false\n", 1),
        encoding="utf-8",
    )
    result = run_mkdocs_build(project, project / "site", modules="write")
    assert result.returncode == 0, result.output
    return project / "site"


@pytest.mark.slow
def test_pages_do_not_grow_with_the_number_of_guidelines(
    built_site: Path, many_guidelines: Path
) -> None:
    one, many = _pages(built_site), _pages(many_guidelines)
    ratios = {
        path: len(html.encode()) / len(one[base].encode())
        for path, html in many.items()
        if (base := one_guideline_page(path)) in one
    }
    assert len(ratios) > GUIDELINES * 10  # every guideline's pages were compared
    too_large = {path: round(ratio, 2) for path, ratio in ratios.items() if ratio > PAGE_SIZE_LIMIT}
    assert too_large == {}


@pytest.mark.slow
def test_a_guideline_page_lists_its_own_guideline_as_a_site_with_it_alone_does(
    built_site: Path, many_guidelines: Path
) -> None:
    one, many = _pages(built_site), _pages(many_guidelines)
    guideline_pages = [path for path in one if path.startswith(f"{GUIDELINE}/")]
    assert guideline_pages
    for path in guideline_pages:
        if path in many:
            assert primary_navigation(many[path]) == primary_navigation(one[path]), path
    ids = [GUIDELINE, *(copy_id(number) for number in range(2, GUIDELINES + 1))]
    named = re.compile("|".join(re.escape(f"{guideline_id}/") for guideline_id in ids))
    for path, html in many.items():
        folder = path.split("/", 1)[0]
        if folder in ids:  # another guideline is never named: adding one leaves this page alone
            assert set(named.findall(primary_navigation(html))) <= {f"{folder}/"}, path


@pytest.mark.slow
def test_the_home_page_links_every_guideline(many_guidelines: Path) -> None:
    home = primary_navigation((many_guidelines / "index.html").read_text(encoding="utf-8"))
    assert GUIDELINES_TITLE in home
    assert f'href="{GUIDELINE}/"' in home
    for number in range(2, GUIDELINES + 1):
        assert f'href="{copy_id(number)}/"' in home
    # The site's other pages: "Guidelines", a link to the home page.
    disclaimer = primary_navigation(
        (many_guidelines / "disclaimer" / "index.html").read_text(encoding="utf-8")
    )
    assert GUIDELINE not in disclaimer
    assert re.search(
        rf'<a href="\.\./?" class="md-nav__link">\s*<span class="md-ellipsis">\s*'
        rf"{GUIDELINES_TITLE}\s*</span>",
        disclaimer,
    )
