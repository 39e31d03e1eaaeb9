"""Fixtures of the render tests."""

from __future__ import annotations

import pytest

from build_tools.content.site import load_site, markdown_pages
from build_tools.decisions import compile_site
from build_tools.releases.stage import release_histories
from build_tools.render.renderer import SiteRenderer
from tests.support.paths import ROOT


@pytest.fixture(scope="session")
def renderer() -> SiteRenderer:
    """The project's pages, loaded, decided and with their release histories, as a build
    renders them (no MkDocs)."""
    docs = ROOT / "docs"
    site = load_site(docs, markdown_pages(docs), ROOT)
    compiled = compile_site(site)
    return SiteRenderer(site, compiled, release_histories(site, compiled, ROOT / "releases", ROOT))
