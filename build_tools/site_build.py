"""A real site build: ``mkdocs build --strict`` in a subprocess, usually of a copy of the project
(so that the build cannot touch the working tree). The tests, the benchmarks and
:mod:`build_tools.screenshots` all build this way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def copy_project(source: Path, destination: Path) -> Path:
    """Copy what a build reads (mkdocs.yml, docs/ and the release records of releases/, which
    give the "since" labels, the Versions page and the superseded versions) into
    ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(source / "docs", destination / "docs")
    if (source / "releases").is_dir():
        shutil.copytree(source / "releases", destination / "releases")
    return destination


def mkdocs_build(
    config: Path,
    site_dir: Path,
    *,
    quiet: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``config`` into ``site_dir``, in a subprocess run in the
    config's folder (the tests' builds and the benchmarks' timed ones alike)."""
    return subprocess.run(
        # -P: a project copy holds a compiled calculators/ folder (written by its build) that
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
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        cwd=config.parent,
        timeout=timeout,
        check=False,
    )
