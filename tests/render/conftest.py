"""Fixtures of the render tests."""

from __future__ import annotations

import pytest

from build_tools.pipeline import SiteBuild
from build_tools.render.renderer import SiteRenderer
from tests.support.guidelines import project_build


@pytest.fixture(scope="session")
def site_build() -> SiteBuild:
    """The project's pages, loaded, decided, with their release histories and exports, as a
    build runs them (the engine's pipeline, no MkDocs)."""
    return project_build().run()


@pytest.fixture(scope="session")
def renderer(site_build: SiteBuild) -> SiteRenderer:
    return site_build.renderer


@pytest.fixture(scope="session")
def published(site_build: SiteBuild) -> dict[str, object]:
    """Every file the pipeline adds to the site besides pages (path -> content)."""
    return dict(site_build.published_files())
