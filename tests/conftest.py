"""Shared fixtures: real site builds in temporary folders."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from build_tools.serve import start_server
from tests.browser import RequestLog, chromium, console_errors, guarded_context

ROOT = Path(__file__).resolve().parents[1]
GUIDELINE = "metastatic-breast-cancer"  # the project's guideline, which the site tests use
FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(__file__).parent / "data"


@dataclass
class BuildResult:
    returncode: int
    output: str
    site_dir: Path


def run_mkdocs_build(project: Path, site_dir: Path) -> BuildResult:
    """``mkdocs build --strict`` of ``project/mkdocs.yml`` in a subprocess (a real build)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    completed = subprocess.run(
        # -P: the project copy holds a compiled calculators/ folder that must not shadow the
        # real package on sys.path.
        [sys.executable, "-P", "-m", "mkdocs", "build", "--strict",
         "-f", str(project / "mkdocs.yml"), "-d", str(site_dir)],
        capture_output=True, text=True, env=env, cwd=project, check=False,
    )
    return BuildResult(completed.returncode, completed.stdout + completed.stderr, site_dir)


def copy_project(source: Path, destination: Path) -> Path:
    """Copy what a build reads (mkdocs.yml and docs/) into ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(source / "docs", destination / "docs")
    return destination


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The project's own site, built once per test session from a copy of the repository
    (so the build cannot touch the working tree)."""
    project = copy_project(ROOT, tmp_path_factory.mktemp("project"))
    result = run_mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.output
    return project / "site"


@pytest.fixture(scope="session")
def cpython(built_site: Path, tmp_path_factory: pytest.TempPathFactory
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
        completed = subprocess.run(
            [sys.executable, "-I", "-S", "-c", script, str(bundle), GUIDELINE, fragment],
            capture_output=True, text=True, check=True,
        )
        return dict(json.loads(completed.stdout))

    return result


BASE_PATH = "/guidelines/"  # browser tests serve the site under a sub-path, as an intranet would


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 under BASE_PATH."""
    server = start_server(built_site, base_path=BASE_PATH)
    yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


CALCULATOR_PATH = f"{GUIDELINE}/calculator/"
SharedPage = tuple[Page, RequestLog, list[str]]  # a page, its request log, its console errors


@pytest.fixture(scope="module")
def calculator_page(browser: Browser, site_url: str) -> Iterator[SharedPage]:
    """One calculator page per test module: Python starts once (each new page would start it
    again: with routing on, Playwright disables the HTTP cache)."""
    log = RequestLog()
    context = guarded_context(browser, log)
    page = context.new_page()
    errors = console_errors(page)
    page.goto(site_url + CALCULATOR_PATH)
    yield page, log, errors
    context.close()


@pytest.fixture(scope="session")
def widget_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The non-clinical fixture guideline, built once."""
    project = copy_project(FIXTURES / "sites" / "widget", tmp_path_factory.mktemp("widget"))
    result = run_mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.output
    return project / "site"
