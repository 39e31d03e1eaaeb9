"""A real site build: ``mkdocs build --strict`` in a subprocess, usually of a copy of the project
(so that the build cannot touch the working tree). The tests, the benchmarks and
:mod:`devtools.screenshots` all build this way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

# The build date MkDocs writes (the sitemap's lastmod, and through it the service worker's build
# id): fixed once per process, as reproducible builds do (SOURCE_DATE_EPOCH), so that two builds
# of the same sources give the same bytes even when midnight falls between them. A caller's own
# SOURCE_DATE_EPOCH wins.
BUILD_DATE_EPOCH = os.environ.get("SOURCE_DATE_EPOCH") or str(int(time.time()))

# How the build treats the generated modules (mkdocs.yml reads it: ``tables_modules``).
TABLES_MODULES_ENV = "GUIDELINE_TABLES_MODULES"
ModulesMode = Literal["check", "write", "off"]


def copy_project(source: Path, destination: Path) -> Path:
    """Copy what a build reads (mkdocs.yml, docs/, the release records of releases/, which give
    the "since" labels, the Versions page and the superseded versions, and the committed
    generated modules of calculators/guidelines/ and calculators/released/, which the build
    checks) into ``destination``."""
    # Imported here: the pipeline is heavy, and the build itself runs in a subprocess.
    from build_tools.pipeline import GUIDELINE_MODULES, RELEASED_MODULES

    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(source / "docs", destination / "docs")
    if (source / "releases").is_dir():
        shutil.copytree(source / "releases", destination / "releases")
    for folder in (GUIDELINE_MODULES, RELEASED_MODULES):
        if (source / folder).is_dir():
            shutil.copytree(
                source / folder,
                destination / folder,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
    return destination


def mkdocs_build(
    config: Path,
    site_dir: Path,
    *,
    quiet: bool = False,
    modules: ModulesMode = "check",
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``config`` into ``site_dir``, in a subprocess run in the
    config's folder (the tests' builds and the benchmarks' timed ones alike).

    ``modules``: what the build does with the generated modules (``$GUIDELINE_TABLES_MODULES``,
    whatever the caller's environment says): ``check`` fails it when a committed one is not what
    the content compiles to (the project as it is); ``write`` writes them (a copy whose content
    was changed, or that holds no committed modules)."""
    return subprocess.run(
        # -P: a project copy holds a calculators/ folder (copied, or written by its build) that
        # must not shadow the installed package on sys.path.
        [
            sys.executable,
            "-P",
            "-m",
            "mkdocs",
            "build",
            "--strict",
            *(["-q"] if quiet else []),
            "-f",
            str(config),
            "-d",
            str(site_dir),
        ],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "SOURCE_DATE_EPOCH": BUILD_DATE_EPOCH,
            TABLES_MODULES_ENV: modules,
            **(env or {}),
        },
        cwd=config.parent,
        timeout=timeout,
        check=False,
    )
