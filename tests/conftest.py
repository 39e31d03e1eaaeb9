"""Fixtures shared by every layer: real site builds in temporary folders, the site served on
127.0.0.1, and CPython's answer for a case (what the browser must show).

Helpers are not here: tests import them from :mod:`tests.support` by name.
"""

from __future__ import annotations

import functools
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from devtools.serve import start_server
from tests.support import markers
from tests.support.builds import copy_project, run_mkdocs_build
from tests.support.bundles import run_isolated
from tests.support.paths import BASE_PATH, FIXTURES, GUIDELINE, ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Fixtures that build a whole site: a test that uses one is slow (see `make test-fast`).
SITE_BUILDS = {"built_site", "widget_site", "site_url", "cpython"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SITE_BUILDS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _marked_for_chromium(request: pytest.FixtureRequest) -> Iterator[None]:
    """Lets tests.support.chromium.chromium refuse a test without the browser marker, so that
    `-m "not browser"` really leaves Chromium out."""
    with markers.current_test(request.node.get_closest_marker("browser") is not None):
        yield


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own site, built once per test session from a copy of the repository
    (so the build cannot touch the working tree)."""
    project = copy_project(ROOT, tmp_path_factory.mktemp("project"))
    result = run_mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.output
    return project / "site"


@pytest.fixture(scope="session")
def cpython(
    built_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], dict[str, Any]]:
    """The result CPython computes for a case fragment of the project's guideline, from the
    site's own calculators.zip (CPython ignores the bundle's cpython-314 bytecode and reads the
    sources): what the browser must show."""
    bundle = tmp_path_factory.mktemp("bundle")
    zipfile.ZipFile(built_site / "assets" / "calculator" / "calculators.zip").extractall(bundle)
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import calculators; "
        "case = calculators.case_from_fragment(sys.argv[2], sys.argv[3]); "
        "print(json.dumps(calculators.recommend(sys.argv[2], case)))"
    )

    @functools.cache
    def result(fragment: str) -> dict[str, Any]:
        return dict(json.loads(run_isolated(script, str(bundle), GUIDELINE, fragment)))

    return result


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 under BASE_PATH."""
    server = start_server(built_site, base_path=BASE_PATH)
    yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    server.shutdown()


@pytest.fixture(scope="session")
def widget_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The non-clinical fixture guideline, built once."""
    project = copy_project(FIXTURES / "sites" / "widget", tmp_path_factory.mktemp("widget"))
    result = run_mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.output
    return project / "site"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the session. Playwright is imported here, not at the top: only the tests
    that drive Chromium (all marked ``browser``) load it."""
    from tests.support.chromium import chromium

    with chromium() as launched:
        yield launched
